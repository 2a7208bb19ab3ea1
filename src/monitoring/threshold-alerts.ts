import { SUBSCRIPTION_RETENTION_SECONDS } from '../core/subscription-retention';
import { AlertSeverity, AlertSpec, PipelineAlertOptions, SEVERITIES, humanDuration, ratioAbove, resolveThreshold, thresholdAbove } from './alerts';
import { LatencyPercentile, MetricQuery, MetricRatio } from './metrics';

/** The queries a threshold alert reads: `PipelineMetrics` for one pipeline, `FleetMetrics` for many. */
export interface ThresholdAlertMetrics {
  metricBacklogAge(): MetricQuery;
  metricDeadLetterBacklogAge(): MetricQuery;
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
  /** The dead-letter subscription (a name, or `$${resource.label.subscription_id}`). */
  readonly deadLetterSubscription: string;
  /** The Cloud Run service (a name, or `$${resource.label.service_name}`). */
  readonly service: string;
  /** The Cloud Run region (a name, or `$${resource.label.location}`). */
  readonly location: string;
}

/**
 * The threshold alerts (backlog age, dead letters and their backlog age, subscription state, API errors, API latency)
 * for each severity, with their thresholds resolved: the policies and the dashboard's threshold lines both read them.
 */
export function thresholdAlertSpecs(metrics: ThresholdAlertMetrics, alerts: PipelineAlertOptions, who: AlertSubjects): AlertSpec[] {
  const specs: AlertSpec[] = [];
  for (const severity of SEVERITIES) {
    const tag = severity === AlertSeverity.WARNING ? 'Warning' : 'Critical';

    const age = resolveThreshold(alerts, 'backlogAge', severity);
    if (age) {
      const { maxAgeSeconds: maxAge, durationSeconds: duration } = age;
      specs.push({
        id: `BacklogAge${tag}`, severity, signal: 'backlog-age', anchor: 'backlog-age', chartLine: { value: maxAge, unit: 's' },
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

    const dead = resolveThreshold(alerts, 'deadLetters', severity);
    if (dead) {
      const { maxMessages: max, windowSeconds: window } = dead;
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

    const deadAge = resolveThreshold(alerts, 'deadLetterBacklogAge', severity);
    if (deadAge) {
      const { maxAgeSeconds: maxAge, durationSeconds: duration } = deadAge;
      const daysLeft = Math.floor((SUBSCRIPTION_RETENTION_SECONDS - maxAge) / 86400);
      specs.push({
        id: `DeadLetterBacklogAge${tag}`, severity, signal: 'dead-letter-backlog-age', anchor: 'dead-letter-backlog-age', chartLine: { value: maxAge, unit: 's' },
        summary: `dead letters waiting more than ${humanDuration(maxAge)} for their table`,
        conditions: [thresholdAbove(`Oldest dead letter older than ${maxAge} s`, metrics.metricDeadLetterBacklogAge(), maxAge, duration)],
        meaning: `The oldest message on ${who.deadLetterSubscription} has waited more than ${humanDuration(maxAge)} to reach the dead-letter table. That subscription is the last stop and has no dead-letter policy of its own: what it cannot write is dropped when its 31-day retention runs out, ${daysLeft} days after this alert fires.`,
        firstSteps: [
          `Run \`gcloud pubsub subscriptions describe ${who.deadLetterSubscription}\` and read bigqueryConfig.state: anything but ACTIVE names the cause.`,
          'Fix the cause (the writer grant on the dead-letter table, a deleted dead-letter table, a changed column): the subscription writes the waiting messages by itself and the age falls.',
          'If it cannot be fixed before the retention runs out, save the messages first: see the runbook.',
        ],
      });
    }

    const state = resolveThreshold(alerts, 'subscriptionState', severity);
    if (state) {
      const { durationSeconds: duration } = state;
      specs.push({
        id: `SubscriptionState${tag}`, severity, signal: 'subscription-state', anchor: 'subscription-state',
        summary: 'BigQuery subscription not active',
        conditions: [thresholdAbove(`BigQuery subscription not ACTIVE for ${duration} s`, metrics.metricSubscriptionNotActive(), 0, duration)],
        meaning: `BigQuery subscription ${who.subscription} cannot write (permission denied, table not found or schema mismatch): nothing reaches the table, and the backlog grows until the cause is fixed.`,
        firstSteps: [
          `Run \`gcloud pubsub subscriptions describe ${who.subscription}\` and read bigqueryConfig.state.`,
          'PERMISSION_DENIED: check that the writer account still has BigQuery dataEditor on the table it writes.',
          'NOT_FOUND or SCHEMA_MISMATCH: check that the table exists and that its columns match the topic schema.',
        ],
      });
    }

    const errors = resolveThreshold(alerts, 'apiErrorRatio', severity);
    if (errors) {
      const { maxRatio: ratio, durationSeconds: duration, minRequestsPerSecond: minRps } = errors;
      const pct = `${Math.round(ratio * 10000) / 100} %`;
      const errorRatio = metrics.metricApiErrorRatio();
      const conditions = [ratioAbove(`5xx ratio above ${ratio}`, errorRatio, ratio, duration)];
      // The ratio's denominator is the request rate: a second condition keeps a trickle of traffic from paging.
      if (minRps > 0) conditions.push(thresholdAbove(`more than ${minRps} requests/s`, errorRatio.denominator, minRps, duration));
      specs.push({
        id: `ApiErrors${tag}`, severity, signal: 'api-errors', anchor: 'api-errors', combiner: 'AND', chartLine: { value: ratio, unit: '' },
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

    const latency = resolveThreshold(alerts, 'apiLatency', severity);
    if (latency) {
      const { maxLatencyMs: maxMs, percentile, durationSeconds: duration } = latency;
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
