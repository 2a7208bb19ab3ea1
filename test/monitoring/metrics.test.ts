import { FleetMetrics, LatencyPercentile, MetricQuery, PipelineMetrics, PipelineMonitoring, FleetMonitoring } from '../../src';
import { ALLOWED_METRICS, RESOURCE_LABELS, SOURCE } from './fixtures/metric-types';
import { dashboardsOf, filterProblems, filtersIn, flights, resourcesOf, synth } from './helpers';

/** Every query a metric factory returns, ratios split into their two parts. */
function queriesOf(metrics: PipelineMetrics | FleetMetrics): { name: string; query: MetricQuery }[] {
  // Methods of the class and of the classes it extends (SignalMetrics holds the ones pipelines and fleets share).
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(metrics); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    Object.getOwnPropertyNames(proto).forEach((name) => names.add(name));
  }
  return [...names]
    .filter((name) => name.startsWith('metric'))
    .flatMap((name) => {
      const result = (metrics as unknown as Record<string, () => MetricQuery | { numerator: MetricQuery; denominator: MetricQuery }>)[name]();
      return 'numerator' in result
        ? [{ name: `${name}.numerator`, query: result.numerator }, { name: `${name}.denominator`, query: result.denominator }]
        : [{ name, query: result }];
    });
}

function groupByProblems(query: MetricQuery): string[] {
  const allowed = ALLOWED_METRICS[query.metricType];
  return (query.groupByFields ?? []).flatMap((field) => {
    const [, kind, label] = /^(resource|metric)\.label\.([a-z_]+)$/.exec(field) ?? [];
    const labels = kind === 'resource' ? RESOURCE_LABELS[allowed.resource] : kind === 'metric' ? allowed.metricLabels : [];
    return labels.includes(label) ? [] : [`cannot group ${query.metricType} by ${field}`];
  });
}

describe('metric types', () => {
  it('keeps the source of the allowed list', () => {
    expect(SOURCE).toMatch(/^https:\/\/cloud\.google\.com\/monitoring\/api\/metrics_gcp_p_z$/);
  });

  const pipeline = new PipelineMetrics(flights);
  const fleet = new FleetMetrics({ pipelineNames: ['flights', 'orders'] });
  const cases = [
    ...queriesOf(pipeline).map((c) => [`PipelineMetrics.${c.name}`, c.query] as const),
    ...queriesOf(fleet).map((c) => [`FleetMetrics.${c.name}`, c.query] as const),
  ];

  it.each(cases)('%s reads an allowed metric on its resource type, grouped by labels it has', (_name, query) => {
    expect(ALLOWED_METRICS[query.metricType]?.resource).toBe(query.resourceType);
    expect(filterProblems(query.filter)).toEqual([]);
    expect(groupByProblems(query)).toEqual([]);
  });

  it('covers ingest, store and API with the metrics the issue lists', () => {
    const types = new Set(cases.map(([, q]) => q.metricType));
    expect([...types].sort()).toEqual(Object.keys(ALLOWED_METRICS).sort());
  });

  it('selects one pipeline by exact names, in its project and region', () => {
    expect(pipeline.metricBacklogAge().filter).toBe(
      'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND resource.type="pubsub_subscription"'
      + ' AND resource.label.project_id="acme-data" AND resource.label.subscription_id="flights-to-bigquery"',
    );
    expect(pipeline.metricApiLatency(LatencyPercentile.P50).filter).toContain('resource.label.service_name="flights-api" AND resource.label.location="europe-west1"');
    expect(pipeline.metricApiLatency(LatencyPercentile.P50).crossSeriesReducer).toBe('REDUCE_PERCENTILE_50');
    expect(pipeline.metricSubscriptionState().filter).toContain('subscription_id=one_of("flights-to-bigquery", "flights-dead-letters-to-bigquery")');
  });

  it('leaves the project out of filters when none is given', () => {
    const { projectId: _omit, ...names } = flights;
    expect(new PipelineMetrics(names).metricIngestRate().filter).not.toContain('project_id');
  });

  it('selects a fleet by a pattern over resource names, one series per pipeline', () => {
    expect(fleet.metricBacklogAge().filter).toContain('resource.label.subscription_id=monitoring.regex.full_match("(flights|orders)-to-bigquery")');
    expect(fleet.metricSubscriptionNotActive().filter).toContain('monitoring.regex.full_match("(flights|orders)(-dead-letters)?-to-bigquery")');
    expect(fleet.metricApiLatency().groupByFields).toEqual(['resource.label.project_id', 'resource.label.service_name']);
    expect(new FleetMetrics({ pipelineNamePattern: 'orders-.*' }).metricApiRequests().filter).toContain('full_match("(orders-.*)-api")');
  });
});

describe('every filter in the synthesized monitoring', () => {
  it('names an allowed metric type on its matching resource type, or an SLO selector', () => {
    const { tf } = synth((scope) => {
      new PipelineMonitoring(scope, 'Monitoring', flights);
      new FleetMonitoring(scope, 'Fleet', { fleetName: 'all', pipelineNames: ['flights', 'orders'], hostProjectId: 'acme-data' });
    });
    const trees = [
      ...resourcesOf(tf, 'google_monitoring_alert_policy'),
      ...resourcesOf(tf, 'google_monitoring_slo'),
      ...dashboardsOf(tf),
    ];
    const filters = trees.flatMap((t) => filtersIn(t));
    expect(filters.length).toBeGreaterThan(60);
    const problems = filters.flatMap(({ path, filter }) => filterProblems(filter).map((p) => `${path}: ${p}`));
    expect(problems).toEqual([]);
  });
});
