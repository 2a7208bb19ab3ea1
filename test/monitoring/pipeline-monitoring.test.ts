import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { Lazy, Testing } from 'cdktf';
import { AlertSeverity, LatencyPercentile, PipelineMonitoring, PipelineMonitoringProps } from '../../src';
import { Json, dashboardsOf, flights, resourcesOf, synth } from './helpers';

Testing.setupJest();

const monitor = (props: Partial<PipelineMonitoringProps> = {}) =>
  synth((scope) => new PipelineMonitoring(scope, 'Monitoring', { ...flights, ...props }));

function policy(tf: Json, signal: string, severity: AlertSeverity): Json {
  const hits = resourcesOf(tf, 'google_monitoring_alert_policy').filter(
    (p) => p.user_labels.signal === signal && p.severity === severity,
  );
  if (hits.length !== 1) throw new Error(`expected one ${severity} ${signal} policy, found ${hits.length}`);
  return hits[0];
}

const runbook = 'https://github.com/cdktf-gcp-analytics-pipeline/cdktf-gcp-analytics-pipeline/blob/main/docs/observability.md';

describe('PipelineMonitoring alert policies', () => {
  const { json, tf } = monitor({ notificationChannels: ['projects/acme-data/notificationChannels/123'] });

  it('creates a warning and a critical policy per threshold signal, and per SLO for burn rate', () => {
    const policies = resourcesOf(tf, 'google_monitoring_alert_policy');
    expect(policies).toHaveLength(18);
    const signals = policies.map((p) => `${p.user_labels.signal}/${p.severity}`).sort();
    for (const signal of ['backlog-age', 'dead-letters', 'dead-letter-backlog-age', 'subscription-state', 'api-errors', 'api-latency', 'availability-burn-rate', 'latency-burn-rate', 'freshness-burn-rate']) {
      expect(signals).toContain(`${signal}/WARNING`);
      expect(signals).toContain(`${signal}/CRITICAL`);
    }
  });

  it('gives every policy channels, auto-close, labels, severity and documentation with a runbook link', () => {
    for (const p of resourcesOf(tf, 'google_monitoring_alert_policy')) {
      expect(p.notification_channels).toEqual(['projects/acme-data/notificationChannels/123']);
      expect(p.alert_strategy).toEqual({ auto_close: '1800s' });
      expect(p.user_labels).toEqual(expect.objectContaining({ pipeline: 'flights', severity: p.severity.toLowerCase() }));
      expect(p.project).toBe('acme-data');
      expect(p.documentation.mime_type).toBe('text/markdown');
      expect(p.documentation.content).toMatch(/\*\*What it means\.\*\* .+\n\n\*\*First steps\.\*\*\n1\. /);
      expect(p.documentation.links[0].url).toMatch(new RegExp(`^${runbook}#runbook-[a-z-]+$`));
      expect(p.display_name).toMatch(/^\[(WARNING|CRITICAL)\] flights: /);
    }
  });

  it('links every policy to a runbook section that exists in docs/observability.md', () => {
    const headings = fs.readFileSync(path.join(__dirname, '../../docs/observability.md'), 'utf8').match(/^#+ .+$/gm) ?? [];
    // GitHub's anchors: lowercase, punctuation other than - dropped, spaces as -.
    const anchors = new Set(headings.map((h) => h.replace(/^#+ /, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const linked = new Set(resourcesOf(tf, 'google_monitoring_alert_policy').map((p) => p.documentation.links[0].url.split('#')[1]));
    expect(linked.size).toBe(7);
    for (const anchor of linked) expect(anchors).toContain(anchor);
  });

  it('alerts on backlog age above 10 min (warning) and 30 min (critical) for 5 minutes', () => {
    expect(json).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      severity: 'WARNING',
      combiner: 'OR',
      conditions: [expect.objectContaining({
        condition_threshold: expect.objectContaining({
          filter: expect.stringContaining('subscription/oldest_unacked_message_age'),
          comparison: 'COMPARISON_GT',
          threshold_value: 600,
          duration: '300s',
          aggregations: [{ alignment_period: '60s', per_series_aligner: 'ALIGN_MAX', cross_series_reducer: 'REDUCE_MAX', group_by_fields: ['resource.label.subscription_id'] }],
        }),
      })],
    });
    expect(policy(tf, 'backlog-age', AlertSeverity.CRITICAL).conditions[0].condition_threshold.threshold_value).toBe(1800);
    expect(policy(tf, 'backlog-age', AlertSeverity.WARNING).documentation.links[0].url).toBe(`${runbook}#runbook-backlog-age`);
  });

  it('alerts on any dead letter in 5 minutes (warning) and more than 100 in 15 minutes (critical)', () => {
    const warning = policy(tf, 'dead-letters', AlertSeverity.WARNING).conditions[0].condition_threshold;
    expect(warning.filter).toContain('subscription/dead_letter_message_count');
    expect(warning.filter).toContain('resource.label.subscription_id="flights-to-bigquery"');
    expect(warning).toEqual(expect.objectContaining({ threshold_value: 0, duration: '0s' }));
    expect(warning.aggregations[0]).toEqual(expect.objectContaining({ alignment_period: '300s', per_series_aligner: 'ALIGN_DELTA' }));
    const critical = policy(tf, 'dead-letters', AlertSeverity.CRITICAL).conditions[0].condition_threshold;
    expect(critical).toEqual(expect.objectContaining({ threshold_value: 100 }));
    expect(critical.aggregations[0].alignment_period).toBe('900s');
  });

  it('alerts when the oldest dead letter waits more than 6 h (warning) or 7 days (critical), well before its 31-day retention drops it', () => {
    const warning = policy(tf, 'dead-letter-backlog-age', AlertSeverity.WARNING);
    const condition = warning.conditions[0].condition_threshold;
    expect(condition.filter).toBe('metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.type="pubsub_subscription" '
      + 'AND resource.label.project_id="acme-data" AND resource.label.subscription_id="flights-dead-letters-to-bigquery"');
    expect(condition).toEqual(expect.objectContaining({ comparison: 'COMPARISON_GT', threshold_value: 21600, duration: '900s' }));
    expect(condition.aggregations).toEqual([{ alignment_period: '60s', per_series_aligner: 'ALIGN_MAX', cross_series_reducer: 'REDUCE_MAX', group_by_fields: ['resource.label.subscription_id'] }]);
    expect(warning.display_name).toBe('[WARNING] flights: dead letters waiting more than 6 h for their table');
    expect(warning.documentation.content).toMatch(/no dead-letter policy of its own: what it cannot write is dropped when its 31-day retention runs out, 30 days after this alert fires/);
    expect(warning.documentation.links[0].url).toBe(`${runbook}#runbook-dead-letter-backlog-age`);
    const critical = policy(tf, 'dead-letter-backlog-age', AlertSeverity.CRITICAL);
    expect(critical.conditions[0].condition_threshold.threshold_value).toBe(604800);
    expect(critical.display_name).toBe('[CRITICAL] flights: dead letters waiting more than 7 days for their table');
    expect(critical.documentation.content).toContain('24 days after this alert fires');
  });

  it('alerts when either BigQuery subscription leaves ACTIVE', () => {
    const warning = policy(tf, 'subscription-state', AlertSeverity.WARNING).conditions[0].condition_threshold;
    expect(warning.filter).toContain('subscription/export_push_subscription_details');
    expect(warning.filter).toContain('NOT metric.label.subscription_state = monitoring.regex.full_match("(?i)active")');
    expect(warning.filter).toContain('one_of("flights-to-bigquery", "flights-dead-letters-to-bigquery")');
    expect(warning).toEqual(expect.objectContaining({ threshold_value: 0, duration: '60s' }));
    expect(policy(tf, 'subscription-state', AlertSeverity.CRITICAL).conditions[0].condition_threshold.duration).toBe('600s');
  });

  it('alerts on the API 5xx ratio with a denominator of all requests', () => {
    const critical = policy(tf, 'api-errors', AlertSeverity.CRITICAL).conditions[0].condition_threshold;
    expect(critical.filter).toMatch(/run\.googleapis\.com\/request_count.* AND metric\.label\.response_code_class="5xx"$/);
    expect(critical.denominator_filter).not.toContain('5xx');
    expect(critical.denominator_filter).toContain('resource.label.service_name="flights-api"');
    expect(critical.denominator_aggregations).toEqual(critical.aggregations);
    expect(critical).toEqual(expect.objectContaining({ threshold_value: 0.1, duration: '300s' }));
    expect(policy(tf, 'api-errors', AlertSeverity.WARNING).conditions[0].condition_threshold).toEqual(expect.objectContaining({ threshold_value: 0.02, duration: '900s' }));
  });

  it('pages on the 5xx ratio only while traffic is above 0.1 requests/s, so one failed request of two does not', () => {
    for (const severity of [AlertSeverity.WARNING, AlertSeverity.CRITICAL]) {
      const errors = policy(tf, 'api-errors', severity);
      expect(errors.combiner).toBe('AND');
      const [ratio, traffic] = errors.conditions.map((c: Json) => c.condition_threshold);
      expect(traffic.filter).toBe(ratio.denominator_filter);
      expect(traffic).toEqual(expect.objectContaining({ threshold_value: 0.1, duration: ratio.duration, comparison: 'COMPARISON_GT' }));
    }
  });

  it('drops the traffic guard when minRequestsPerSecond is 0', () => {
    const errors = policy(monitor({ alerts: { apiErrorRatio: { critical: { minRequestsPerSecond: 0 } } } }).tf, 'api-errors', AlertSeverity.CRITICAL);
    expect(errors.conditions).toHaveLength(1);
  });

  it('alerts on API latency: p95 above 2 s (warning), p99 above 5 s (critical)', () => {
    const warning = policy(tf, 'api-latency', AlertSeverity.WARNING).conditions[0].condition_threshold;
    expect(warning.filter).toContain('run.googleapis.com/request_latencies');
    expect(warning.aggregations[0]).toEqual(expect.objectContaining({ per_series_aligner: 'ALIGN_DELTA', cross_series_reducer: 'REDUCE_PERCENTILE_95' }));
    expect(warning.threshold_value).toBe(2000);
    const critical = policy(tf, 'api-latency', AlertSeverity.CRITICAL).conditions[0].condition_threshold;
    expect(critical.aggregations[0].cross_series_reducer).toBe('REDUCE_PERCENTILE_99');
    expect(critical.threshold_value).toBe(5000);
  });

  it('alerts on each SLO with two windows that must both burn: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min', () => {
    for (const slo of ['availability', 'latency', 'freshness']) {
      const fast = policy(tf, `${slo}-burn-rate`, AlertSeverity.CRITICAL);
      expect(fast.combiner).toBe('AND');
      expect(fast.conditions.map((c: Json) => c.condition_threshold.filter)).toEqual([
        expect.stringMatching(/^select_slo_burn_rate\("\$\{google_monitoring_slo\.Monitoring_\w+\.name\}", "3600s"\)$/),
        expect.stringMatching(/^select_slo_burn_rate\("\$\{google_monitoring_slo\.Monitoring_\w+\.name\}", "300s"\)$/),
      ]);
      expect(fast.conditions.map((c: Json) => c.condition_threshold.threshold_value)).toEqual([14.4, 14.4]);
      const slow = policy(tf, `${slo}-burn-rate`, AlertSeverity.WARNING);
      expect(slow.conditions.map((c: Json) => c.condition_threshold.filter)).toEqual([
        expect.stringContaining('"21600s")'),
        expect.stringContaining('"1800s")'),
      ]);
      expect(slow.conditions[0].condition_threshold.threshold_value).toBe(6);
    }
  });

  it('takes thresholds per severity and turns single severities off', () => {
    const { tf: custom } = monitor({
      alerts: {
        backlogAge: { warning: { maxAgeSeconds: 120, durationSeconds: 60 }, critical: { enabled: false } },
        apiLatency: { critical: { maxLatencyMs: 800, percentile: LatencyPercentile.P50 } },
        burnRate: { warning: { enabled: false } },
      },
    });
    expect(policy(custom, 'backlog-age', AlertSeverity.WARNING).conditions[0].condition_threshold).toEqual(expect.objectContaining({ threshold_value: 120, duration: '60s' }));
    expect(resourcesOf(custom, 'google_monitoring_alert_policy').filter((p) => p.user_labels.signal === 'backlog-age')).toHaveLength(1);
    const latency = policy(custom, 'api-latency', AlertSeverity.CRITICAL).conditions[0].condition_threshold;
    expect(latency.aggregations[0].cross_series_reducer).toBe('REDUCE_PERCENTILE_50');
    expect(latency.threshold_value).toBe(800);
    expect(resourcesOf(custom, 'google_monitoring_alert_policy').filter((p) => p.user_labels.signal.endsWith('burn-rate'))).toHaveLength(3);
  });

  it('leaves threshold or burn-rate alerts out when asked (a fleet alerts instead)', () => {
    expect(resourcesOf(monitor({ thresholdAlerts: false }).tf, 'google_monitoring_alert_policy')).toHaveLength(6);
    expect(resourcesOf(monitor({ burnRateAlerts: false }).tf, 'google_monitoring_alert_policy')).toHaveLength(12);
  });

  it('notifies nobody when no channel is given', () => {
    const { tf: quiet } = monitor();
    for (const p of resourcesOf(quiet, 'google_monitoring_alert_policy')) expect(p.notification_channels).toBeUndefined();
  });
});

describe('PipelineMonitoring SLOs', () => {
  const { json, tf } = monitor();

  it('creates a custom service for the API and one for the ingest path, labelled with the pipeline', () => {
    expect(json).toHaveResourceWithProperties(MonitoringCustomService, { service_id: 'flights-query-api', user_labels: { pipeline: 'flights' }, project: 'acme-data' });
    expect(json).toHaveResourceWithProperties(MonitoringCustomService, { service_id: 'flights-ingest-path', user_labels: { pipeline: 'flights' } });
  });

  it('measures API availability request by request: 99.5 % without a 5xx over 28 days', () => {
    expect(json).toHaveResourceWithProperties(MonitoringSlo, {
      slo_id: 'availability',
      goal: 0.995,
      rolling_period_days: 28,
      request_based_sli: {
        good_total_ratio: {
          bad_service_filter: expect.stringMatching(/request_count.*response_code_class="5xx"$/),
          total_service_filter: expect.stringContaining('resource.label.service_name="flights-api"'),
        },
      },
    });
  });

  it('measures API latency request by request: 95 % within 2000 ms', () => {
    expect(json).toHaveResourceWithProperties(MonitoringSlo, {
      slo_id: 'latency',
      goal: 0.95,
      request_based_sli: { distribution_cut: { distribution_filter: expect.stringContaining('run.googleapis.com/request_latencies'), range: { max: 2000 } } },
    });
  });

  it('measures freshness window by window: 99 % of minutes with the backlog under 300 s', () => {
    expect(json).toHaveResourceWithProperties(MonitoringSlo, {
      slo_id: 'freshness',
      goal: 0.99,
      windows_based_sli: {
        window_period: '60s',
        metric_mean_in_range: { time_series: expect.stringContaining('oldest_unacked_message_age'), range: { max: 300 } },
      },
    });
    const freshness = resourcesOf(tf, 'google_monitoring_slo').find((s) => s.slo_id === 'freshness');
    expect(freshness.service).toMatch(/^\$\{google_monitoring_custom_service\.Monitoring_IngestService_\w+\.service_id\}$/);
  });

  it('takes goals, bounds and the rolling period', () => {
    const { json: custom } = monitor({ availabilityGoal: 0.999, latencyThresholdMs: 800, freshnessMaxAgeSeconds: 900, sloRollingPeriodDays: 7 });
    expect(custom).toHaveResourceWithProperties(MonitoringSlo, { slo_id: 'availability', goal: 0.999, rolling_period_days: 7 });
    expect(custom).toHaveResourceWithProperties(MonitoringSlo, { slo_id: 'latency', request_based_sli: { distribution_cut: expect.objectContaining({ range: { max: 800 } }) } });
    expect(custom).toHaveResourceWithProperties(MonitoringSlo, { slo_id: 'freshness', windows_based_sli: expect.objectContaining({ metric_mean_in_range: expect.objectContaining({ range: { max: 900 } }) }) });
  });
});

describe('PipelineMonitoring dashboard', () => {
  const { json, tf } = monitor();
  const [dashboard] = dashboardsOf(tf);
  const tiles: Json[] = dashboard.mosaicLayout.tiles;

  it('is one dashboard named after the pipeline, in a 48-column mosaic layout', () => {
    expect(json).toHaveResourceWithProperties(MonitoringDashboard, { project: 'acme-data' });
    expect(resourcesOf(tf, 'google_monitoring_dashboard')).toHaveLength(1);
    expect(dashboard.displayName).toBe('Pipeline flights');
    expect(dashboard.labels).toEqual({ pipeline: 'flights' });
    expect(dashboard.mosaicLayout.columns).toBe(48);
  });

  it('places every tile inside the grid without overlaps', () => {
    const cells = new Set<string>();
    for (const t of tiles) {
      expect(t.xPos).toBeGreaterThanOrEqual(0);
      expect(t.xPos + t.width).toBeLessThanOrEqual(48);
      for (let x = t.xPos; x < t.xPos + t.width; x++) {
        for (let y = t.yPos; y < t.yPos + t.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('groups tiles as SLOs, then ingest -> store -> API under section headers', () => {
    const headers = tiles.filter((t) => t.widget.sectionHeader).map((t) => t.widget.title);
    expect(headers).toEqual([
      'Service level objectives',
      '1. Ingest: topic flights-events',
      '2. Store: BigQuery subscription flights-to-bigquery',
      '3. Query API: Cloud Run service flights-api',
    ]);
    const ys = tiles.filter((t) => t.widget.sectionHeader).map((t) => t.yPos);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });

  it('shows each SLO\'s remaining budget as a scorecard', () => {
    const scorecards = tiles.filter((t) => t.widget.scorecard).map((t) => t.widget.scorecard.timeSeriesQuery.timeSeriesFilter.filter);
    expect(scorecards).toEqual(['availability', 'latency', 'freshness'].map(() =>
      expect.stringMatching(/^select_slo_budget_fraction\("\$\{google_monitoring_slo\.Monitoring_\w+Slo_\w+\.name\}"\)$/)));
  });

  it('charts every signal with a filter and a valid aggregation', () => {
    const charts = tiles.filter((t) => t.widget.xyChart);
    expect(charts.map((t) => t.widget.title)).toEqual([
      'Publish requests/s by result',
      'Oldest unacked message age (freshness)',
      'Undelivered messages',
      'Dead-lettered messages per minute',
      'Dead letters not yet in the dead-letter table',
      'Oldest dead letter not yet in its table (dropped at 31 days)',
      'BigQuery subscription state (1 = in that state)',
      'Requests/s by response class',
      '5xx ratio',
      'Latency p50 / p95 / p99',
      'Instances by state',
      'Cold start p95 (container startup)',
    ]);
    for (const chart of charts) {
      for (const set of chart.widget.xyChart.dataSets) {
        expect(set.plotType).toBe('LINE');
        const query = set.timeSeriesQuery.timeSeriesFilter ?? set.timeSeriesQuery.timeSeriesFilterRatio.numerator;
        expect(query.aggregation.alignmentPeriod).toMatch(/^\d+s$/);
        expect(query.aggregation.perSeriesAligner).toMatch(/^ALIGN_/);
      }
    }
    const latency = charts.find((t) => t.widget.title.startsWith('Latency')).widget.xyChart;
    expect(latency.dataSets.map((s: Json) => s.timeSeriesQuery.timeSeriesFilter.aggregation.crossSeriesReducer))
      .toEqual(['REDUCE_PERCENTILE_50', 'REDUCE_PERCENTILE_95', 'REDUCE_PERCENTILE_99']);
  });

  it('draws the alert thresholds and the SLO bound on the charts they belong to', () => {
    const age = tiles.find((t) => t.widget.title.startsWith('Oldest unacked')).widget.xyChart.thresholds;
    expect(age.map((t: Json) => [t.value, t.color])).toEqual([[300, undefined], [600, 'YELLOW'], [1800, 'RED']]);
    const deadAge = tiles.find((t) => t.widget.title.startsWith('Oldest dead letter')).widget.xyChart.thresholds;
    expect(deadAge.map((t: Json) => [t.value, t.label, t.color])).toEqual([[21600, 'warning 21600 s', 'YELLOW'], [604800, 'critical 604800 s', 'RED']]);
    const errors = tiles.find((t) => t.widget.title === '5xx ratio').widget.xyChart;
    expect(errors.thresholds.map((t: Json) => t.value)).toEqual([0.02, 0.1]);
    expect(errors.dataSets[0].timeSeriesQuery.timeSeriesFilterRatio.denominator.filter).toContain('request_count');
  });

  it('draws the lines of the alerts as configured: a changed threshold moves, a disabled one goes', () => {
    const [custom] = dashboardsOf(monitor({ alerts: { backlogAge: { warning: { maxAgeSeconds: 900 }, critical: { enabled: false } } } }).tf);
    const age = custom.mosaicLayout.tiles.find((t: Json) => t.widget.title.startsWith('Oldest unacked')).widget.xyChart.thresholds;
    expect(age.map((t: Json) => [t.value, t.label])).toEqual([[300, 'freshness SLO bound 300 s'], [900, 'warning 900 s']]);
  });

  it('escapes legend templates so Terraform leaves them to the Dashboards API', () => {
    const legends = JSON.stringify(dashboard).match(/\$+\{(resource|metric)\.labels\.[a-z_]+\}/g) ?? [];
    expect(legends.length).toBeGreaterThan(0);
    for (const legend of legends) expect(legend.startsWith('$${')).toBe(true);
  });

  it('can be left out', () => {
    expect(resourcesOf(monitor({ dashboard: false }).tf, 'google_monitoring_dashboard')).toHaveLength(0);
  });
});

describe('PipelineMonitoring validation', () => {
  it('fails when an SLO goal is above what the API accepts', () => {
    expect(() => monitor({ availabilityGoal: 0.9999 })).toThrow(
      /invalid PipelineMonitoring props at .*Monitoring:\n {2}- availabilityGoal must be between 0\.9 and 0\.999, got 0\.9999/,
    );
  });

  it('fails when goals, bounds and the rolling period are out of range, listing every problem at once', () => {
    expect(() => monitor({ latencyGoal: 0.5, freshnessGoal: 1, latencyThresholdMs: 0, freshnessMaxAgeSeconds: 30, sloRollingPeriodDays: 31 })).toThrow(
      new RegExp([
        'latencyGoal must be between 0\\.9 and 0\\.999, got 0\\.5',
        'freshnessGoal must be between 0\\.9 and 0\\.999, got 1',
        'latencyThresholdMs must be between 1 and 60000, got 0',
        'freshnessMaxAgeSeconds must be between 60 and 86400, got 30',
        'sloRollingPeriodDays must be an integer between 1 and 30, got 31',
      ].join('\n  - ')),
    );
  });

  it('fails when thresholds are out of range', () => {
    expect(() => monitor({
      alerts: {
        backlogAge: { warning: { durationSeconds: 90 } },
        apiErrorRatio: { critical: { maxRatio: 1.5, minRequestsPerSecond: -1 } },
        deadLetters: { warning: { windowSeconds: 0 } },
        deadLetterBacklogAge: { critical: { maxAgeSeconds: 31 * 86400 } },
        burnRate: { critical: { longWindowSeconds: 300, shortWindowSeconds: 600 } },
      },
    })).toThrow(new RegExp([
      'alerts\\.backlogAge\\.warning\\.durationSeconds must be a multiple of 60 between 0 and 86400, got 90',
      'alerts\\.deadLetters\\.warning\\.windowSeconds must be a multiple of 60 between 60 and 86400, got 0',
      'alerts\\.deadLetterBacklogAge\\.critical\\.maxAgeSeconds must be between 60 and 2592000, got 2678400',
      'alerts\\.apiErrorRatio\\.critical\\.maxRatio must be between 0 and 1 \\(exclusive\\), got 1\\.5',
      'alerts\\.apiErrorRatio\\.critical\\.minRequestsPerSecond must be between 0 and 100000, got -1',
      'alerts\\.burnRate\\.critical\\.shortWindowSeconds must be shorter than longWindowSeconds, got 600 >= 300',
    ].join('[\\s\\S]*')));
  });

  it('fails when the pipeline name or a label is invalid', () => {
    expect(() => monitor({ pipelineName: 'Flights_1', labels: { Team: 'x' } })).toThrow(/pipelineName must be 1 to 20 lowercase[\s\S]*labels key "Team"/);
  });

  it('fails when a resource name would break out of a filter string', () => {
    expect(() => monitor({ subscriptionName: 'x" OR resource.type="gce_instance', serviceLocation: '' })).toThrow(
      /subscriptionName must be a resource name \(letters, digits and \. _ ~ % \+ -\), got "x\\" OR[\s\S]*serviceLocation must be a resource name/,
    );
  });

  it('fails when a notification channel is not a channel resource name, naming each one', () => {
    expect(() => monitor({ notificationChannels: ['projects/acme-data/notificationChannels/123', 'email:oncall@acme.com', 'projects/acme-data/notificationChannels/'] })).toThrow(new RegExp([
      'notificationChannels\\[1\\] must be a notification channel\'s resource name projects/<project>/notificationChannels/<id>, got "email:oncall@acme\\.com"',
      'notificationChannels\\[2\\] must be .*, got "projects/acme-data/notificationChannels/"',
    ].join('\n  - ')));
  });

  it('takes a notification channel created in the same stack by its id, a token', () => {
    const { tf } = synth((scope) => {
      const channel = new MonitoringNotificationChannel(scope, 'Oncall', { type: 'email', labels: { email_address: 'oncall@acme.com' } });
      new PipelineMonitoring(scope, 'Monitoring', { ...flights, notificationChannels: [channel.id] });
    });
    expect(policy(tf, 'backlog-age', AlertSeverity.WARNING).notification_channels).toEqual(['${google_monitoring_notification_channel.Oncall.id}']);
  });

  it('fails when auto-close is shorter than Cloud Monitoring allows', () => {
    expect(() => monitor({ autoCloseSeconds: 60 })).toThrow(/autoCloseSeconds must be a multiple of 60 between 1800 and 604800, got 60/);
  });

  it('leaves unresolved tokens to Terraform instead of judging them', () => {
    const goal = Lazy.numberValue({ produce: () => 0.9999 });
    const { json } = synth((scope) => new PipelineMonitoring(scope, 'Monitoring', { ...flights, availabilityGoal: goal, autoCloseSeconds: Lazy.numberValue({ produce: () => 5 }) }));
    expect(json).toHaveResourceWithProperties(MonitoringSlo, { slo_id: 'availability', goal: 0.9999 });
  });
});

describe('PipelineMonitoring across projects', () => {
  it('puts its resources in the monitoring project and keeps filtering on the pipeline project', () => {
    const { tf } = monitor({ monitoringProjectId: 'acme-ops' });
    const all = ['google_monitoring_alert_policy', 'google_monitoring_slo', 'google_monitoring_custom_service', 'google_monitoring_dashboard']
      .flatMap((type) => resourcesOf(tf, type));
    expect(new Set(all.map((r) => r.project))).toEqual(new Set(['acme-ops']));
    expect(policy(tf, 'backlog-age', AlertSeverity.WARNING).conditions[0].condition_threshold.filter).toContain('resource.label.project_id="acme-data"');
  });
});

describe('PipelineMonitoring snapshot', () => {
  it('matches the default monitoring set of the flights pipeline', () => {
    expect(monitor().json).toMatchSnapshot();
  });
});
