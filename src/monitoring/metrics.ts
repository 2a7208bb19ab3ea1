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

/**
 * The metrics that describe one pipeline end to end, as Cloud Monitoring queries: ingest (topic), store (the
 * BigQuery subscriptions), API (Cloud Run). Alerts, SLOs and the dashboard all read from here, so a filter is
 * written once.
 */
export class PipelineMetrics {
  /** The names the filters select by. */
  public readonly names: PipelineResourceNames;

  public constructor(names: PipelineResourceNames) {
    this.names = names;
  }

  /** Publish requests per second on the ingest topic, by `response_class` (success, invalid, internal). */
  public metricIngestRate(): MetricQuery {
    return {
      metricType: METRIC.publishRequests.type,
      resourceType: METRIC.publishRequests.resource,
      filter: metricFilter(METRIC.publishRequests, ...this.topicClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_RATE,
      crossSeriesReducer: Reducer.REDUCE_SUM,
      groupByFields: ['metric.label.response_class'],
      label: 'Publish requests/s',
      unit: '1/s',
    };
  }

  /** Age of the oldest unacknowledged message on the BigQuery subscription: how stale the table is. */
  public metricBacklogAge(): MetricQuery {
    return this.subscriptionGauge(METRIC.oldestUnackedAge, this.names.subscriptionName, 'Oldest unacked message age', 's');
  }

  /** Messages waiting on the BigQuery subscription. */
  public metricUndeliveredMessages(): MetricQuery {
    return this.subscriptionGauge(METRIC.undelivered, this.names.subscriptionName, 'Undelivered messages', '1');
  }

  /** Messages waiting on the dead-letter subscription: dead letters that have not reached the dead-letter table. */
  public metricDeadLetterBacklog(): MetricQuery {
    return this.subscriptionGauge(METRIC.undelivered, this.names.deadLetterSubscriptionName, 'Dead letters not yet in the table', '1');
  }

  /**
   * Messages forwarded to the dead-letter topic per alignment period (written against the source subscription).
   *
   * @param windowSeconds the alignment period: the window the count covers
   */
  public metricDeadLetteredMessages(windowSeconds: number = 60): MetricQuery {
    return {
      metricType: METRIC.deadLettered.type,
      resourceType: METRIC.deadLettered.resource,
      filter: metricFilter(METRIC.deadLettered, ...this.subscriptionClauses(this.names.subscriptionName)),
      alignmentPeriodSeconds: windowSeconds,
      perSeriesAligner: Aligner.ALIGN_DELTA,
      crossSeriesReducer: Reducer.REDUCE_SUM,
      groupByFields: ['resource.label.subscription_id'],
      label: 'Dead-lettered messages',
      unit: '1',
    };
  }

  /** State of both BigQuery subscriptions: one series per `subscription_state`, value 1 while in that state. */
  public metricSubscriptionState(): MetricQuery {
    return {
      metricType: METRIC.exportState.type,
      resourceType: METRIC.exportState.resource,
      filter: metricFilter(METRIC.exportState, ...this.bothSubscriptionClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_MAX,
      crossSeriesReducer: Reducer.REDUCE_MAX,
      groupByFields: ['resource.label.subscription_id', 'metric.label.subscription_state'],
      label: 'BigQuery subscription state',
      unit: '1',
    };
  }

  /** Series of either BigQuery subscription in any state but ACTIVE: empty while everything is written. */
  public metricSubscriptionNotActive(): MetricQuery {
    return {
      ...this.metricSubscriptionState(),
      filter: metricFilter(METRIC.exportState, ...this.bothSubscriptionClauses(), NOT_ACTIVE_CLAUSE),
      label: 'BigQuery subscription not active',
    };
  }

  /** API requests per second reaching the container, by `response_code_class`. */
  public metricApiRequests(): MetricQuery {
    return {
      ...this.requestRate(),
      groupByFields: ['metric.label.response_code_class'],
      label: 'API requests/s',
    };
  }

  /** Share of API requests answered with a 5xx. */
  public metricApiErrorRatio(): MetricRatio {
    const total = this.requestRate();
    return {
      numerator: { ...total, filter: `${total.filter} AND metric.label.response_code_class="5xx"`, label: 'API 5xx/s' },
      denominator: total,
      label: 'API 5xx ratio',
    };
  }

  /**
   * API latency at a percentile, measured from when a request reaches the container (cold starts excluded).
   *
   * @param percentile which percentile
   */
  public metricApiLatency(percentile: LatencyPercentile = LatencyPercentile.P99): MetricQuery {
    return {
      metricType: METRIC.requestLatencies.type,
      resourceType: METRIC.requestLatencies.resource,
      filter: metricFilter(METRIC.requestLatencies, ...this.serviceClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_DELTA,
      crossSeriesReducer: percentileReducer(percentile),
      groupByFields: ['resource.label.service_name'],
      label: `API latency ${percentile.toLowerCase()}`,
      unit: 'ms',
    };
  }

  /** Container instances of the API, by `state` (active, idle). */
  public metricInstanceCount(): MetricQuery {
    return {
      metricType: METRIC.instanceCount.type,
      resourceType: METRIC.instanceCount.resource,
      filter: metricFilter(METRIC.instanceCount, ...this.serviceClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_MAX,
      crossSeriesReducer: Reducer.REDUCE_SUM,
      groupByFields: ['metric.label.state'],
      label: 'API instances',
      unit: '1',
    };
  }

  /**
   * Time to start a new API container (a cold start) at a percentile.
   *
   * @param percentile which percentile
   */
  public metricColdStartLatency(percentile: LatencyPercentile = LatencyPercentile.P95): MetricQuery {
    return {
      metricType: METRIC.startupLatencies.type,
      resourceType: METRIC.startupLatencies.resource,
      filter: metricFilter(METRIC.startupLatencies, ...this.serviceClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_DELTA,
      crossSeriesReducer: percentileReducer(percentile),
      groupByFields: ['resource.label.service_name'],
      label: `Cold start ${percentile.toLowerCase()}`,
      unit: 'ms',
    };
  }

  private requestRate(): MetricQuery {
    return {
      metricType: METRIC.requestCount.type,
      resourceType: METRIC.requestCount.resource,
      filter: metricFilter(METRIC.requestCount, ...this.serviceClauses()),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_RATE,
      crossSeriesReducer: Reducer.REDUCE_SUM,
      groupByFields: ['resource.label.service_name'],
      label: 'API requests/s',
      unit: '1/s',
    };
  }

  private subscriptionGauge(metric: { readonly type: string; readonly resource: string }, subscription: string, label: string, unit: string): MetricQuery {
    return {
      metricType: metric.type,
      resourceType: metric.resource,
      filter: metricFilter(metric, ...this.subscriptionClauses(subscription)),
      alignmentPeriodSeconds: 60,
      perSeriesAligner: Aligner.ALIGN_MAX,
      crossSeriesReducer: Reducer.REDUCE_MAX,
      groupByFields: ['resource.label.subscription_id'],
      label,
      unit,
    };
  }

  private projectClauses(): string[] {
    return this.names.projectId === undefined ? [] : [`resource.label.project_id="${this.names.projectId}"`];
  }

  private topicClauses(): string[] {
    return [...this.projectClauses(), `resource.label.topic_id="${this.names.topicName}"`];
  }

  private subscriptionClauses(subscription: string): string[] {
    return [...this.projectClauses(), `resource.label.subscription_id="${subscription}"`];
  }

  private bothSubscriptionClauses(): string[] {
    const ids = [this.names.subscriptionName, this.names.deadLetterSubscriptionName];
    return [...this.projectClauses(), `resource.label.subscription_id=one_of(${ids.map((id) => `"${id}"`).join(', ')})`];
  }

  private serviceClauses(): string[] {
    return [
      ...this.projectClauses(),
      `resource.label.service_name="${this.names.serviceName}"`,
      `resource.label.location="${this.names.serviceLocation}"`,
    ];
  }
}
