/** How each time series is aligned to the alignment period (Cloud Monitoring `Aggregation.Aligner`). */
export enum Aligner {
  /** Rate per second of a DELTA or CUMULATIVE metric. */
  ALIGN_RATE = 'ALIGN_RATE',
  /** Change over the period: a count of events for DELTA metrics, a merged distribution for distributions. */
  ALIGN_DELTA = 'ALIGN_DELTA',
  /** Largest point in the period. */
  ALIGN_MAX = 'ALIGN_MAX',
  /** Mean of the points in the period. */
  ALIGN_MEAN = 'ALIGN_MEAN',
  /** Sum of the points in the period. */
  ALIGN_SUM = 'ALIGN_SUM',
}

/** How aligned time series are combined (Cloud Monitoring `Aggregation.Reducer`). */
export enum Reducer {
  /** Sum across series. */
  REDUCE_SUM = 'REDUCE_SUM',
  /** Largest value across series. */
  REDUCE_MAX = 'REDUCE_MAX',
  /** Mean across series. */
  REDUCE_MEAN = 'REDUCE_MEAN',
  /** Number of series. */
  REDUCE_COUNT = 'REDUCE_COUNT',
  /** Median of the merged distributions. */
  REDUCE_PERCENTILE_50 = 'REDUCE_PERCENTILE_50',
  /** 95th percentile of the merged distributions. */
  REDUCE_PERCENTILE_95 = 'REDUCE_PERCENTILE_95',
  /** 99th percentile of the merged distributions. */
  REDUCE_PERCENTILE_99 = 'REDUCE_PERCENTILE_99',
}

/** A latency percentile. */
export enum LatencyPercentile {
  /** The median. */
  P50 = 'P50',
  /** The 95th percentile. */
  P95 = 'P95',
  /** The 99th percentile. */
  P99 = 'P99',
}

/**
 * One Cloud Monitoring time-series query: a filter and its aggregation. The same struct feeds an alert condition
 * (`condition_threshold`), a dashboard chart (`timeSeriesFilter`) and, for SLOs, the SLI filters.
 */
export interface MetricQuery {
  /** Metric type, e.g. `pubsub.googleapis.com/subscription/oldest_unacked_message_age`. */
  readonly metricType: string;
  /** Monitored resource type the metric is written against, e.g. `pubsub_subscription`. */
  readonly resourceType: string;
  /** The Monitoring filter: metric type, resource type, and the resource labels that select this pipeline's resources. */
  readonly filter: string;
  /** Alignment period, in seconds. */
  readonly alignmentPeriodSeconds: number;
  /** Per-series aligner. */
  readonly perSeriesAligner: Aligner;
  /**
   * Cross-series reducer.
   *
   * @default - none: every series is kept
   */
  readonly crossSeriesReducer?: Reducer;
  /**
   * Labels kept by the reducer.
   *
   * @default - none: all series reduce to one
   */
  readonly groupByFields?: string[];
  /** Human-readable name, used for chart titles and legends. */
  readonly label: string;
  /** Unit of the aggregated value (`s`, `ms`, `1`, `1/s`). */
  readonly unit: string;
}

/** A ratio of two queries (numerator / denominator) with the same grouping: an error ratio. */
export interface MetricRatio {
  /** The part, e.g. 5xx responses. */
  readonly numerator: MetricQuery;
  /** The whole, e.g. all responses. */
  readonly denominator: MetricQuery;
  /** Human-readable name. */
  readonly label: string;
}

/** Where a pipeline's resources are: the plain names its monitoring selects time series by. */
export interface PipelineResourceNames {
  /**
   * Project the resources live in; added to every filter as `resource.label.project_id`.
   *
   * @default - no project clause: the filter matches in every project of the metrics scope
   */
  readonly projectId?: string;
  /** Short name of the ingest topic (`<pipeline>-events`). */
  readonly topicName: string;
  /** Short name of the BigQuery subscription on the ingest topic (`<pipeline>-to-bigquery`). */
  readonly subscriptionName: string;
  /** Short name of the BigQuery subscription on the dead-letter topic (`<pipeline>-dead-letters-to-bigquery`). */
  readonly deadLetterSubscriptionName: string;
  /** Name of the Cloud Run service of the query API (`<pipeline>-api`). */
  readonly serviceName: string;
  /** Region of the Cloud Run service, e.g. `europe-west1`. */
  readonly serviceLocation: string;
}

/** Metric types the library reads, each on the monitored resource type it is written against. */
export const METRIC = {
  publishRequests: { type: 'pubsub.googleapis.com/topic/send_request_count', resource: 'pubsub_topic' },
  oldestUnackedAge: { type: 'pubsub.googleapis.com/subscription/oldest_unacked_message_age', resource: 'pubsub_subscription' },
  undelivered: { type: 'pubsub.googleapis.com/subscription/num_undelivered_messages', resource: 'pubsub_subscription' },
  deadLettered: { type: 'pubsub.googleapis.com/subscription/dead_letter_message_count', resource: 'pubsub_subscription' },
  exportState: { type: 'pubsub.googleapis.com/subscription/export_push_subscription_details', resource: 'pubsub_subscription' },
  requestCount: { type: 'run.googleapis.com/request_count', resource: 'cloud_run_revision' },
  requestLatencies: { type: 'run.googleapis.com/request_latencies', resource: 'cloud_run_revision' },
  instanceCount: { type: 'run.googleapis.com/container/instance_count', resource: 'cloud_run_revision' },
  startupLatencies: { type: 'run.googleapis.com/container/startup_latencies', resource: 'cloud_run_revision' },
} as const;

/** Any state of a BigQuery subscription but ACTIVE; the label's case is not documented, so the match ignores it. */
export const NOT_ACTIVE_CLAUSE = 'NOT metric.label.subscription_state = monitoring.regex.full_match("(?i)active")';

const PERCENTILE_REDUCER: { [p: string]: Reducer } = {
  [LatencyPercentile.P50]: Reducer.REDUCE_PERCENTILE_50,
  [LatencyPercentile.P95]: Reducer.REDUCE_PERCENTILE_95,
  [LatencyPercentile.P99]: Reducer.REDUCE_PERCENTILE_99,
};

/** The reducer computing `percentile` across merged distributions. */
export function percentileReducer(percentile: LatencyPercentile): Reducer {
  return PERCENTILE_REDUCER[percentile];
}

/** `metric.type = "..." AND resource.type = "..."` followed by the extra clauses. */
export function metricFilter(metric: { readonly type: string; readonly resource: string }, ...clauses: string[]): string {
  return [`metric.type="${metric.type}"`, `resource.type="${metric.resource}"`, ...clauses].join(' AND ');
}

/** Which of a pipeline's resources a metric is read on. */
export enum MetricTarget {
  /** The ingest topic. */
  TOPIC = 'TOPIC',
  /** The BigQuery subscription on the ingest topic. */
  SUBSCRIPTION = 'SUBSCRIPTION',
  /** The BigQuery subscription on the dead-letter topic. */
  DEAD_LETTER_SUBSCRIPTION = 'DEAD_LETTER_SUBSCRIPTION',
  /** Both BigQuery subscriptions. */
  BOTH_SUBSCRIPTIONS = 'BOTH_SUBSCRIPTIONS',
  /** The Cloud Run service of the query API. */
  SERVICE = 'SERVICE',
}

/** The resource label naming a target's resource: what a fleet tells its pipelines apart by. */
export const TARGET_LABEL: { readonly [t in MetricTarget]: string } = {
  [MetricTarget.TOPIC]: 'resource.label.topic_id',
  [MetricTarget.SUBSCRIPTION]: 'resource.label.subscription_id',
  [MetricTarget.DEAD_LETTER_SUBSCRIPTION]: 'resource.label.subscription_id',
  [MetricTarget.BOTH_SUBSCRIPTIONS]: 'resource.label.subscription_id',
  [MetricTarget.SERVICE]: 'resource.label.service_name',
};

/** One signal of a pipeline: which metric, on which resource, aligned and reduced how. */
export interface SignalSpec {
  readonly metric: { readonly type: string; readonly resource: string };
  readonly target: MetricTarget;
  readonly aligner: Aligner;
  readonly reducer: Reducer;
  /** How one pipeline's series are split (a fleet splits by pipeline instead). */
  readonly breakdown: readonly string[];
  readonly label: string;
  readonly unit: string;
}

const SUBSCRIPTION_ID = TARGET_LABEL[MetricTarget.SUBSCRIPTION];
const SERVICE_NAME = TARGET_LABEL[MetricTarget.SERVICE];
const gauge = (metric: SignalSpec['metric'], target: MetricTarget, label: string, unit: string): SignalSpec =>
  ({ metric, target, aligner: Aligner.ALIGN_MAX, reducer: Reducer.REDUCE_MAX, breakdown: [SUBSCRIPTION_ID], label, unit });

/** Every signal the library reads, once: `PipelineMetrics` and `FleetMetrics` both build their queries from it. */
export const SIGNALS = {
  ingestRate: { metric: METRIC.publishRequests, target: MetricTarget.TOPIC, aligner: Aligner.ALIGN_RATE, reducer: Reducer.REDUCE_SUM, breakdown: ['metric.label.response_class'], label: 'Publish requests/s', unit: '1/s' },
  backlogAge: gauge(METRIC.oldestUnackedAge, MetricTarget.SUBSCRIPTION, 'Oldest unacked message age', 's'),
  undelivered: gauge(METRIC.undelivered, MetricTarget.SUBSCRIPTION, 'Undelivered messages', '1'),
  deadLetterBacklog: gauge(METRIC.undelivered, MetricTarget.DEAD_LETTER_SUBSCRIPTION, 'Dead letters not yet in the table', '1'),
  deadLetterBacklogAge: gauge(METRIC.oldestUnackedAge, MetricTarget.DEAD_LETTER_SUBSCRIPTION, 'Oldest dead letter not yet in the table', 's'),
  deadLettered: { metric: METRIC.deadLettered, target: MetricTarget.SUBSCRIPTION, aligner: Aligner.ALIGN_DELTA, reducer: Reducer.REDUCE_SUM, breakdown: [SUBSCRIPTION_ID], label: 'Dead-lettered messages', unit: '1' },
  subscriptionState: { ...gauge(METRIC.exportState, MetricTarget.BOTH_SUBSCRIPTIONS, 'BigQuery subscription state', '1'), breakdown: [SUBSCRIPTION_ID, 'metric.label.subscription_state'] },
  apiRequests: { metric: METRIC.requestCount, target: MetricTarget.SERVICE, aligner: Aligner.ALIGN_RATE, reducer: Reducer.REDUCE_SUM, breakdown: ['metric.label.response_code_class'], label: 'API requests/s', unit: '1/s' },
  apiRequestRate: { metric: METRIC.requestCount, target: MetricTarget.SERVICE, aligner: Aligner.ALIGN_RATE, reducer: Reducer.REDUCE_SUM, breakdown: [SERVICE_NAME], label: 'API requests/s', unit: '1/s' },
  apiLatency: { metric: METRIC.requestLatencies, target: MetricTarget.SERVICE, aligner: Aligner.ALIGN_DELTA, reducer: Reducer.REDUCE_PERCENTILE_99, breakdown: [SERVICE_NAME], label: 'API latency', unit: 'ms' },
  instanceCount: { metric: METRIC.instanceCount, target: MetricTarget.SERVICE, aligner: Aligner.ALIGN_MAX, reducer: Reducer.REDUCE_SUM, breakdown: ['metric.label.state'], label: 'API instances', unit: '1' },
  coldStartLatency: { metric: METRIC.startupLatencies, target: MetricTarget.SERVICE, aligner: Aligner.ALIGN_DELTA, reducer: Reducer.REDUCE_PERCENTILE_95, breakdown: [SERVICE_NAME], label: 'Cold start', unit: 'ms' },
} as const satisfies { [name: string]: SignalSpec };

/** Where the resources of a signal are and how their series are grouped: one pipeline, or a fleet. */
export interface MetricScope {
  /** Filter clauses selecting the target's resources. */
  clauses(target: MetricTarget): string[];
  /** Labels the series of a signal are grouped by. */
  groupBy(signal: SignalSpec): string[];
}

/** What a call changes of a signal: a percentile, a window, a filter clause. */
export interface SignalOverrides {
  readonly reducer?: Reducer;
  readonly alignmentPeriodSeconds?: number;
  readonly clauses?: string[];
  readonly groupByFields?: string[];
  readonly label?: string;
}

/** The query of a signal in a scope. */
export function signalQuery(signal: SignalSpec, scope: MetricScope, overrides: SignalOverrides = {}): MetricQuery {
  return {
    metricType: signal.metric.type,
    resourceType: signal.metric.resource,
    filter: metricFilter(signal.metric, ...scope.clauses(signal.target), ...(overrides.clauses ?? [])),
    alignmentPeriodSeconds: overrides.alignmentPeriodSeconds ?? 60,
    perSeriesAligner: signal.aligner,
    crossSeriesReducer: overrides.reducer ?? signal.reducer,
    groupByFields: overrides.groupByFields ?? scope.groupBy(signal),
    label: overrides.label ?? signal.label,
    unit: signal.unit,
  };
}

/** The share of 5xx among all requests, both rates grouped alike. */
export function errorRatioOf(total: MetricQuery): MetricRatio {
  return {
    numerator: { ...total, filter: `${total.filter} AND metric.label.response_code_class="5xx"`, label: 'API 5xx/s' },
    denominator: total,
    label: 'API 5xx ratio',
  };
}

/** A latency signal at a percentile, labelled with it. */
export function percentileOverrides(signal: SignalSpec, percentile: LatencyPercentile): SignalOverrides {
  return { reducer: percentileReducer(percentile), label: `${signal.label} ${percentile.toLowerCase()}` };
}

/** The scope of each metrics object, kept off the public API: a protected field's type would be part of jsii's. */
const SCOPES = new WeakMap<SignalMetrics, MetricScope>();

/** The scope a metrics object's queries select. */
export function scopeOf(metrics: SignalMetrics): MetricScope {
  const scope = SCOPES.get(metrics);
  if (scope === undefined) throw new Error('a SignalMetrics subclass must call bindScope in its constructor');
  return scope;
}

/** Sets the scope of a metrics object; called once by each subclass's constructor. */
export function bindScope(metrics: SignalMetrics, scope: MetricScope): void {
  SCOPES.set(metrics, scope);
}

/**
 * The signals one pipeline and a fleet of pipelines both offer, as Cloud Monitoring queries. A pipeline's series
 * come from its own topic, subscriptions and service; a fleet's are split per pipeline (per subscription, per service).
 */
export abstract class SignalMetrics {
  protected constructor() {}

  /** Publish requests per second on the ingest topic, by `response_class` (success, invalid, internal). */
  public metricIngestRate(): MetricQuery {
    return signalQuery(SIGNALS.ingestRate, scopeOf(this));
  }

  /** Age of the oldest unacknowledged message on the BigQuery subscription: how stale the table is. */
  public metricBacklogAge(): MetricQuery {
    return signalQuery(SIGNALS.backlogAge, scopeOf(this));
  }

  /** Messages waiting on the BigQuery subscription. */
  public metricUndeliveredMessages(): MetricQuery {
    return signalQuery(SIGNALS.undelivered, scopeOf(this));
  }

  /**
   * Age of the oldest message on the dead-letter subscription. It has no dead-letter policy of its own: a dead letter
   * it cannot write is kept for the subscription's 31-day retention, then dropped.
   */
  public metricDeadLetterBacklogAge(): MetricQuery {
    return signalQuery(SIGNALS.deadLetterBacklogAge, scopeOf(this));
  }

  /**
   * Messages forwarded to the dead-letter topic per alignment period (written against the source subscription).
   *
   * @param windowSeconds the alignment period: the window the count covers
   */
  public metricDeadLetteredMessages(windowSeconds: number = 60): MetricQuery {
    return signalQuery(SIGNALS.deadLettered, scopeOf(this), { alignmentPeriodSeconds: windowSeconds });
  }

  /** API requests per second reaching the container, by `response_code_class`. */
  public metricApiRequests(): MetricQuery {
    return signalQuery(SIGNALS.apiRequests, scopeOf(this));
  }

  /**
   * API latency at a percentile, measured from when a request reaches the container (cold starts excluded).
   *
   * @param percentile which percentile
   */
  public metricApiLatency(percentile: LatencyPercentile = LatencyPercentile.P99): MetricQuery {
    return signalQuery(SIGNALS.apiLatency, scopeOf(this), percentileOverrides(SIGNALS.apiLatency, percentile));
  }
}

/**
 * The metrics that describe one pipeline end to end, as Cloud Monitoring queries: ingest (topic), store (the
 * BigQuery subscriptions), API (Cloud Run). Alerts, SLOs and the dashboard all read from here, so a filter is
 * written once.
 */
export class PipelineMetrics extends SignalMetrics {
  /** The names the filters select by. */
  public readonly names: PipelineResourceNames;

  public constructor(names: PipelineResourceNames) {
    super();
    this.names = names;
    bindScope(this, pipelineScope(names));
  }

  /** Messages waiting on the dead-letter subscription: dead letters that have not reached the dead-letter table. */
  public metricDeadLetterBacklog(): MetricQuery {
    return signalQuery(SIGNALS.deadLetterBacklog, scopeOf(this));
  }

  /** State of both BigQuery subscriptions: one series per `subscription_state`, value 1 while in that state. */
  public metricSubscriptionState(): MetricQuery {
    return signalQuery(SIGNALS.subscriptionState, scopeOf(this));
  }

  /** Series of either BigQuery subscription in any state but ACTIVE: empty while everything is written. */
  public metricSubscriptionNotActive(): MetricQuery {
    return signalQuery(SIGNALS.subscriptionState, scopeOf(this), { clauses: [NOT_ACTIVE_CLAUSE], label: 'BigQuery subscription not active' });
  }

  /** Share of API requests answered with a 5xx. */
  public metricApiErrorRatio(): MetricRatio {
    return errorRatioOf(signalQuery(SIGNALS.apiRequestRate, scopeOf(this)));
  }

  /** Container instances of the API, by `state` (active, idle). */
  public metricInstanceCount(): MetricQuery {
    return signalQuery(SIGNALS.instanceCount, scopeOf(this));
  }

  /**
   * Time to start a new API container (a cold start) at a percentile.
   *
   * @param percentile which percentile
   */
  public metricColdStartLatency(percentile: LatencyPercentile = LatencyPercentile.P95): MetricQuery {
    return signalQuery(SIGNALS.coldStartLatency, scopeOf(this), percentileOverrides(SIGNALS.coldStartLatency, percentile));
  }
}

/** One pipeline: each target is a named resource; series are split by the signal's breakdown. */
function pipelineScope(names: PipelineResourceNames): MetricScope {
  const project = names.projectId === undefined ? [] : [`resource.label.project_id="${names.projectId}"`];
  const subscription = (id: string) => [...project, `resource.label.subscription_id="${id}"`];
  const clauses: { [t in MetricTarget]: string[] } = {
    [MetricTarget.TOPIC]: [...project, `resource.label.topic_id="${names.topicName}"`],
    [MetricTarget.SUBSCRIPTION]: subscription(names.subscriptionName),
    [MetricTarget.DEAD_LETTER_SUBSCRIPTION]: subscription(names.deadLetterSubscriptionName),
    [MetricTarget.BOTH_SUBSCRIPTIONS]: [...project, `resource.label.subscription_id=one_of("${names.subscriptionName}", "${names.deadLetterSubscriptionName}")`],
    [MetricTarget.SERVICE]: [...project, `resource.label.service_name="${names.serviceName}"`, `resource.label.location="${names.serviceLocation}"`],
  };
  return { clauses: (target) => clauses[target], groupBy: (signal) => [...signal.breakdown] };
}
