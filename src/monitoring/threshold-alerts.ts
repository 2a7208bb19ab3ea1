import { MonitoringAlertPolicyConditions } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ALERT_DEFAULTS, AlertSeverity, PipelineAlertOptions, SEVERITIES, forSeverity, humanDuration, ratioAbove, thresholdAbove } from './alerts';
import { LatencyPercentile, MetricQuery, MetricRatio } from './metrics';

/** The queries a threshold alert reads: `PipelineMetrics` for one pipeline, `FleetMetrics` for many. */
export interface SignalMetrics {
  metricBacklogAge(): MetricQuery;
  metricDeadLetteredMessages(windowSeconds?: number): MetricQuery;
  metricSubscriptionNotActive(): MetricQuery;
  metricApiErrorRatio(): MetricRatio;
  metricApiLatency(percentile?: LatencyPercentile): MetricQuery;
}

/** How the alert texts name what fired: plain names for one pipeline, documentation variables for a fleet. */
export interface AlertSubjects {
  /** `flights`, or the fleet's name. */
  readonly scope: string;
  /** The BigQuery subscription (a name, or `$${resource.label.subscription_id}`). */
  readonly subscription: string;
  /** The Cloud Run service (a name, or `$${resource.label.service_name}`). */
  readonly service: string;
  /** The Cloud Run region (a name, or `$${resource.label.location}`). */
  readonly location: string;
}

/** One threshold alert policy to create. */
export interface ThresholdAlertSpec {
  /** Construct id, e.g. `BacklogAgeWarning`. */
  readonly id: string;
  readonly severity: AlertSeverity;
  /** Value of the policy's `signal` label. */
  readonly signal: string;
  /** One line: what fired. */
  readonly summary: string;
  readonly conditions: MonitoringAlertPolicyConditions[];
  readonly meaning: string;
  readonly firstSteps: string[];
  /** Runbook section, `#runbook-<anchor>`. */
  readonly anchor: string;
  /**
   * How the conditions combine: AND when one condition only guards another.
   *
   * @default 'OR'
   */
  readonly combiner?: string;
}

/** The threshold alerts (backlog age, dead letters, subscription state, API errors, API latency) for each severity. */
export function thresholdAlertSpecs(metrics: SignalMetrics, alerts: PipelineAlertOptions, who: AlertSubjects): ThresholdAlertSpec[] {
  const specs: ThresholdAlertSpec[] = [];
  for (const severity of SEVERITIES) {
    const tag = severity === AlertSeverity.WARNING ? 'Warning' : 'Critical';

    const age = forSeverity(alerts.backlogAge, severity);
    if (age?.enabled ?? true) {
      const maxAge = age?.maxAgeSeconds ?? ALERT_DEFAULTS.backlogAge[severity].maxAgeSeconds;
      const duration = age?.durationSeconds ?? ALERT_DEFAULTS.backlogAge[severity].durationSeconds;
      specs.push({
        id: `BacklogAge${tag}`, severity, signal: 'backlog-age', anchor: 'backlog-age',
        summary: `backlog older than ${humanDuration(maxAge)}`,
        conditions: [thresholdAbove(`Oldest unacked message older than ${maxAge} s`, metrics.metricBacklogAge(), maxAge, duration)],
        meaning: `The oldest message on ${who.subscription} has waited more than ${humanDuration(maxAge)} to reach BigQuery: the table is that far behind the topic, and the freshness SLO is burning.`,
        firstSteps: [
          'Check the "BigQuery subscription state" chart: a state other than ACTIVE names the cause (permission, missing table, schema).',
          'Check dead letters: a poison message is retried with backoff before it is dead-lettered.',
          'If the state is ACTIVE and the ingest rate jumped, this is a burst: watch the backlog drain.',
        ],
      });
    }

    const dead = forSeverity(alerts.deadLetters, severity);
    if (dead?.enabled ?? true) {
      const max = dead?.maxMessages ?? ALERT_DEFAULTS.deadLetters[severity].maxMessages;
      const window = dead?.windowSeconds ?? ALERT_DEFAULTS.deadLetters[severity].windowSeconds;
      specs.push({
        id: `DeadLetters${tag}`, severity, signal: 'dead-letters', anchor: 'dead-letters',
        summary: max === 0 ? 'messages dead-lettered' : `more than ${max} messages dead-lettered in ${humanDuration(window)}`,
        // Aligned over the whole window, so the value is the count in the window; no extra duration needed.
        conditions: [thresholdAbove(`Dead-lettered messages in ${window} s above ${max}`, metrics.metricDeadLetteredMessages(window), max, 0)],
        meaning: `Messages on ${who.subscription} failed every delivery attempt into BigQuery and went to the dead-letter topic: they are not in the records table, only in the dead-letter table.`,
        firstSteps: [
          'Query the dead-letter table for the newest rows: the attributes and data show the failing field.',
          "Compare the producer's schema version with the table's columns.",
          'After fixing the cause, replay the dead letters (see the runbook).',
        ],
      });
    }

    const state = forSeverity(alerts.subscriptionState, severity);
    if (state?.enabled ?? true) {
      const duration = state?.durationSeconds ?? ALERT_DEFAULTS.subscriptionState[severity].durationSeconds;
      specs.push({
        id: `SubscriptionState${tag}`, severity, signal: 'subscription-state', anchor: 'subscription-state',
        summary: 'BigQuery subscription not active',
        conditions: [thresholdAbove(`BigQuery subscription not ACTIVE for ${duration} s`, metrics.metricSubscriptionNotActive(), 0, duration)],
        meaning: `BigQuery subscription ${who.subscription} cannot write (permission denied, table not found or schema mismatch): nothing reaches the table, and the backlog grows until the cause is fixed.`,
        firstSteps: [
          `Run \`gcloud pubsub subscriptions describe ${who.subscription}\` and read bigqueryConfig.state.`,
          'PERMISSION_DENIED: check that the writer account still has BigQuery dataEditor on the dataset.',
          'NOT_FOUND or SCHEMA_MISMATCH: check that the table exists and that its columns match the topic schema.',
        ],
      });
    }

    const errors = forSeverity(alerts.apiErrorRatio, severity);
    if (errors?.enabled ?? true) {
      const ratio = errors?.maxRatio ?? ALERT_DEFAULTS.apiErrorRatio[severity].maxRatio;
      const duration = errors?.durationSeconds ?? ALERT_DEFAULTS.apiErrorRatio[severity].durationSeconds;
      const minRps = errors?.minRequestsPerSecond ?? ALERT_DEFAULTS.apiErrorRatio[severity].minRequestsPerSecond;
      const pct = `${Math.round(ratio * 10000) / 100} %`;
      const errorRatio = metrics.metricApiErrorRatio();
      const conditions = [ratioAbove(`5xx ratio above ${ratio}`, errorRatio, ratio, duration)];
      // The ratio's denominator is the request rate: a second condition keeps a trickle of traffic from paging.
      if (minRps > 0) conditions.push(thresholdAbove(`more than ${minRps} requests/s`, errorRatio.denominator, minRps, duration));
      specs.push({
        id: `ApiErrors${tag}`, severity, signal: 'api-errors', anchor: 'api-errors', combiner: 'AND',
        summary: `API 5xx above ${pct}`,
        conditions,
        meaning: `More than ${pct} of the requests to ${who.service} fail with a 5xx: third parties get errors, and the availability SLO is burning.`,
        firstSteps: [
          `Read the service's error logs: \`gcloud run services logs read ${who.service} --region ${who.location}\`.`,
          "A 503 with Retry-After means the store failed: check BigQuery (quota, the bytes-billed limit, the view's authorization).",
          'If a new revision went out just before, send traffic back to the previous revision.',
        ],
      });
    }

    const latency = forSeverity(alerts.apiLatency, severity);
    if (latency?.enabled ?? true) {
      const defaults = ALERT_DEFAULTS.apiLatency[severity];
      const maxMs = latency?.maxLatencyMs ?? defaults.maxLatencyMs;
      const percentile: LatencyPercentile = latency?.percentile ?? defaults.percentile;
      const duration = latency?.durationSeconds ?? defaults.durationSeconds;
      const p = percentile.toLowerCase();
      specs.push({
        id: `ApiLatency${tag}`, severity, signal: 'api-latency', anchor: 'api-latency',
        summary: `API ${p} latency above ${maxMs} ms`,
        conditions: [thresholdAbove(`${p} latency above ${maxMs} ms`, metrics.metricApiLatency(percentile), maxMs, duration)],
        meaning: `The ${p} latency of ${who.service} stayed above ${maxMs} ms: clients wait, some time out, and the latency SLO is burning.`,
        firstSteps: [
          'Check the instance count: at the maximum, requests queue.',
          'Check BigQuery job times in the logs: wide time windows scan more partitions.',
          'Check cold starts: a burst after idle adds container startup to the first requests.',
        ],
      });
    }
  }
  return specs;
}
