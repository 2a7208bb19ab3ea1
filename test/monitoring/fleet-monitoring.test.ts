import 'cdktf/lib/testing/adapters/jest';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Testing } from 'cdktf';
import { AlertSeverity, FleetMonitoring, FleetMonitoringProps } from '../../src';
import { Json, dashboardsOf, resourcesOf, synth } from './helpers';

Testing.setupJest();

/** `pipeline-01` ... `pipeline-50`. */
const fifty = Array.from({ length: 50 }, (_, i) => `pipeline-${String(i + 1).padStart(2, '0')}`);

const fleet = (props: Partial<FleetMonitoringProps> = {}) =>
  synth((scope) => new FleetMonitoring(scope, 'Fleet', { fleetName: 'flights-eu', pipelineNames: fifty, hostProjectId: 'acme-ops', ...props }));

describe('FleetMonitoring with 50 pipelines', () => {
  const { json, tf } = fleet({ notificationChannels: ['projects/acme-ops/notificationChannels/7'] });
  const [dashboard] = dashboardsOf(tf);
  const tiles: Json[] = dashboard.mosaicLayout.tiles;

  it('creates one policy per signal and severity for the whole fleet, not one per pipeline', () => {
    const policies = resourcesOf(tf, 'google_monitoring_alert_policy');
    expect(policies).toHaveLength(12);
    expect(new Set(policies.map((p) => `${p.user_labels.signal}/${p.severity}`)).size).toBe(12);
    for (const p of policies) {
      expect(p.user_labels).toEqual(expect.objectContaining({ fleet: 'flights-eu' }));
      expect(p.notification_channels).toEqual(['projects/acme-ops/notificationChannels/7']);
      expect(p.project).toBe('acme-ops');
      expect(p.alert_strategy).toEqual({ auto_close: '1800s' });
    }
  });

  it('groups every condition by resource, so each pipeline opens its own incident', () => {
    for (const p of resourcesOf(tf, 'google_monitoring_alert_policy')) {
      for (const c of p.conditions) {
        const fields = c.condition_threshold.aggregations[0].group_by_fields;
        expect(fields[0]).toBe('resource.label.project_id');
        expect(fields[1]).toMatch(/^resource\.label\.(subscription_id|service_name)$/);
      }
    }
  });

  it('selects the fleet with one regular expression over the pipeline names', () => {
    expect(json).toHaveResourceWithProperties(MonitoringAlertPolicy, {
      severity: 'CRITICAL',
      conditions: [expect.objectContaining({
        condition_threshold: expect.objectContaining({
          filter: expect.stringContaining(`resource.label.subscription_id=monitoring.regex.full_match("(${fifty.join('|')})-to-bigquery")`),
          threshold_value: 1800,
        }),
      })],
    });
  });

  it('alerts on the backlog age of every dead-letter subscription of the fleet, and only those', () => {
    const deadAge = resourcesOf(tf, 'google_monitoring_alert_policy').find((p) => p.user_labels.signal === 'dead-letter-backlog-age' && p.severity === AlertSeverity.CRITICAL);
    const condition = deadAge.conditions[0].condition_threshold;
    expect(condition.filter).toContain('subscription/oldest_unacked_message_age');
    expect(condition.filter).toContain(`resource.label.subscription_id=monitoring.regex.full_match("(${fifty.join('|')})-dead-letters-to-bigquery")`);
    expect(condition.threshold_value).toBe(604800);
    expect(deadAge.documentation.content).toContain('$${resource.label.subscription_id}');
  });

  it('names the pipeline in the incident through documentation variables, escaped for Terraform', () => {
    const age = resourcesOf(tf, 'google_monitoring_alert_policy').find((p) => p.user_labels.signal === 'backlog-age' && p.severity === AlertSeverity.WARNING);
    expect(age.documentation.content).toContain('$${resource.label.subscription_id}');
  });

  it('builds one overview dashboard whose charts show the top 10, not 50 lines', () => {
    expect(resourcesOf(tf, 'google_monitoring_dashboard')).toHaveLength(1);
    expect(dashboard.displayName).toBe('Fleet flights-eu');
    const charts = tiles.filter((t) => t.widget.xyChart);
    expect(charts).toHaveLength(9);
    for (const chart of charts.filter((t) => t.widget.title.includes('top 10'))) {
      const query = chart.widget.xyChart.dataSets[0].timeSeriesQuery;
      const filter = query.timeSeriesFilter ?? query.timeSeriesFilterRatio;
      expect(filter.pickTimeSeriesFilter).toEqual({ rankingMethod: 'METHOD_MAX', numTimeSeries: 10, direction: 'TOP' });
      expect(chart.widget.xyChart.dataSets).toHaveLength(1);
    }
    expect(charts.filter((t) => t.widget.title.includes('top 10')).map((t) => t.widget.title)).toEqual([
      'Oldest unacked message age, top 10',
      'Dead-lettered messages per minute, top 10',
      'Oldest dead letter not yet in its table, top 10',
      'Undelivered messages, top 10',
      'Publish requests/s, top 10',
      '5xx ratio, top 10',
      'p99 latency, top 10',
      'Requests/s, top 10',
    ]);
  });

  it('lists the SLO budget left of every pipeline in one table per SLO kind', () => {
    const tables = tiles.filter((t) => t.widget.timeSeriesTable);
    expect(tables.map((t) => t.widget.title)).toEqual(['Data freshness: budget left', 'API availability: budget left', 'API latency: budget left']);
    const freshness = tables[0].widget.timeSeriesTable.dataSets;
    expect(freshness).toHaveLength(50);
    expect(freshness[0]).toEqual({
      timeSeriesQuery: {
        timeSeriesFilter: { filter: 'select_slo_budget_fraction("projects/acme-ops/services/pipeline-01-ingest-path/serviceLevelObjectives/freshness")' },
        unitOverride: '1',
      },
      tableTemplate: 'pipeline-01',
    });
    expect(tables[1].widget.timeSeriesTable.dataSets[49].timeSeriesQuery.timeSeriesFilter.filter)
      .toBe('select_slo_budget_fraction("projects/acme-ops/services/pipeline-50-query-api/serviceLevelObjectives/availability")');
  });

  it('keeps the number of tiles independent of the number of pipelines', () => {
    const [small] = dashboardsOf(fleet({ pipelineNames: ['a', 'b'] }).tf);
    expect(small.mosaicLayout.tiles).toHaveLength(tiles.length);
    expect(tiles).toHaveLength(17);
  });
});

describe('FleetMonitoring selection', () => {
  it('follows a name pattern, so new pipelines join without a redeploy, and then has no SLO table', () => {
    const { tf } = fleet({ pipelineNames: undefined, pipelineNamePattern: 'orders-[a-z]+' });
    const [dashboard] = dashboardsOf(tf);
    expect(JSON.stringify(dashboard)).toContain('full_match(\\"(orders-[a-z]+)-to-bigquery\\")');
    expect(dashboard.mosaicLayout.tiles.filter((t: Json) => t.widget.timeSeriesTable)).toHaveLength(0);
  });

  it('keeps dead-letter subscriptions out of the source-subscription signals a pattern selects', () => {
    const { tf } = fleet({ pipelineNames: undefined, pipelineNamePattern: 'orders-.*' });
    const backlog = resourcesOf(tf, 'google_monitoring_alert_policy').find((p) => p.user_labels.signal === 'backlog-age');
    const filter: string = backlog.conditions[0].condition_threshold.filter;
    expect(filter).toContain('resource.label.subscription_id=monitoring.regex.full_match("(orders-.*)-to-bigquery")');
    expect(filter).toContain('NOT resource.label.subscription_id=monitoring.regex.full_match(".*-dead-letters-to-bigquery")');
  });

  it('leaves out the SLO table without a host project, since SLO names need one', () => {
    const [dashboard] = dashboardsOf(fleet({ hostProjectId: undefined }).tf);
    expect(dashboard.mosaicLayout.tiles.filter((t: Json) => t.widget.timeSeriesTable)).toHaveLength(0);
  });

  it('matches one project when asked, and can leave alerting to the pipelines', () => {
    const { tf } = fleet({ projectId: 'acme-eu', alertPolicies: false });
    expect(resourcesOf(tf, 'google_monitoring_alert_policy')).toHaveLength(0);
    expect(JSON.stringify(dashboardsOf(tf)[0])).toContain('resource.label.project_id=\\"acme-eu\\"');
  });

  it('takes the top-N and thresholds', () => {
    const { tf } = fleet({ topN: 5, alerts: { backlogAge: { warning: { maxAgeSeconds: 300 } }, apiLatency: { critical: { enabled: false } } } });
    expect(JSON.stringify(dashboardsOf(tf)[0])).toContain('"numTimeSeries":5');
    const policies = resourcesOf(tf, 'google_monitoring_alert_policy');
    expect(policies).toHaveLength(11);
    expect(policies.find((p) => p.user_labels.signal === 'backlog-age' && p.severity === 'WARNING').conditions[0].condition_threshold.threshold_value).toBe(300);
  });
});

describe('FleetMonitoring validation', () => {
  it('fails when neither or both of pipelineNames and pipelineNamePattern are given', () => {
    expect(() => fleet({ pipelineNames: undefined })).toThrow(/invalid FleetMonitoring props at .*Fleet:\n {2}- exactly one of pipelineNames and pipelineNamePattern must be set/);
    expect(() => fleet({ pipelineNamePattern: 'a.*' })).toThrow(/exactly one of pipelineNames and pipelineNamePattern must be set/);
  });

  it('fails when a pipeline name is invalid or repeated', () => {
    expect(() => fleet({ pipelineNames: ['ok', 'Not_OK', 'ok'] })).toThrow(
      /pipelineNames\[1\] must be 1 to 20 lowercase[\s\S]*pipelineNames must not repeat a name, got "ok" twice/,
    );
  });

  it('fails when the pattern could break out of the filter string', () => {
    expect(() => fleet({ pipelineNames: undefined, pipelineNamePattern: 'a")' })).toThrow(/pipelineNamePattern must be a non-empty RE2 pattern/);
  });

  it('fails when a notification channel is not a channel resource name', () => {
    expect(() => fleet({ notificationChannels: ['oncall'] })).toThrow(/notificationChannels\[0\] must be a notification channel's resource name projects\/<project>\/notificationChannels\/<id>, got "oncall"/);
  });

  it('fails when topN or a threshold is out of range', () => {
    expect(() => fleet({ topN: 0, alerts: { apiErrorRatio: { warning: { maxRatio: 0 } } } })).toThrow(
      /topN must be an integer between 1 and 50, got 0\n {2}- alerts\.apiErrorRatio\.warning\.maxRatio must be between 0 and 1 \(exclusive\), got 0/,
    );
  });
});
