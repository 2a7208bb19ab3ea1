import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions, MonitoringAlertPolicyConditionsConditionThreshold } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { SUBSCRIPTION_RETENTION_SECONDS } from '../core/subscription-retention';
import { LatencyPercentile, MetricQuery, MetricRatio } from './metrics';
import { runbookSection } from './runbook';

/** How urgent an alert is; written to the policy's `severity` field so notification routing can use it. */
export enum AlertSeverity {
  /** Needs attention within working hours: a ticket. */
  WARNING = 'WARNING',
  /** Needs attention now: a page. */
  CRITICAL = 'CRITICAL',
}

/** One severity's threshold for the backlog-age alert. */
export interface BacklogAgeThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when the oldest unacknowledged message on the BigQuery subscription is older than this, in seconds.
   *
   * @default - 600 (warning), 1800 (critical)
   */
  readonly maxAgeSeconds?: number;
  /**
   * For how long the age must stay above the threshold, in seconds (a multiple of 60).
   *
   * @default 300
   */
  readonly durationSeconds?: number;
}

/** Backlog-age thresholds keyed by severity. */
export interface BacklogAgeAlerts {
  /**
   * The warning threshold.
   *
   * @default - older than 600 s for 5 minutes
   */
  readonly warning?: BacklogAgeThreshold;
  /**
   * The critical threshold.
   *
   * @default - older than 1800 s for 5 minutes
   */
  readonly critical?: BacklogAgeThreshold;
}

/** One severity's threshold for the age of the oldest dead letter not yet in the dead-letter table. */
export interface DeadLetterBacklogAgeThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when the oldest message on the dead-letter subscription is older than this, in seconds. Between 60 and
   * 2592000 (30 days): the subscription keeps a message 31 days, then drops it.
   *
   * @default - 21600 (warning, 6 h), 604800 (critical, 7 days)
   */
  readonly maxAgeSeconds?: number;
  /**
   * For how long the age must stay above the threshold, in seconds (a multiple of 60).
   *
   * @default 900
   */
  readonly durationSeconds?: number;
}

/** Dead-letter backlog-age thresholds keyed by severity. */
export interface DeadLetterBacklogAgeAlerts {
  /**
   * The warning threshold.
   *
   * @default - older than 6 h for 15 minutes
   */
  readonly warning?: DeadLetterBacklogAgeThreshold;
  /**
   * The critical threshold.
   *
   * @default - older than 7 days for 15 minutes (24 days before the retention drops it)
   */
  readonly critical?: DeadLetterBacklogAgeThreshold;
}

/** One severity's threshold for the dead-letter alert. */
export interface DeadLetterThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when more than this many messages were dead-lettered within the window.
   *
   * @default - 0 (warning: any dead letter), 100 (critical)
   */
  readonly maxMessages?: number;
  /**
   * The window the messages are counted over, in seconds (a multiple of 60, at most 86400).
   *
   * @default - 300 (warning), 900 (critical)
   */
  readonly windowSeconds?: number;
}

/** Dead-letter thresholds keyed by severity. */
export interface DeadLetterAlerts {
  /**
   * The warning threshold.
   *
   * @default - any dead letter within 5 minutes
   */
  readonly warning?: DeadLetterThreshold;
  /**
   * The critical threshold.
   *
   * @default - more than 100 dead letters within 15 minutes
   */
  readonly critical?: DeadLetterThreshold;
}

/** One severity's threshold for the subscription-state alert. */
export interface SubscriptionStateThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when a BigQuery subscription has been in a state other than ACTIVE for this long, in seconds (a multiple of 60).
   *
   * @default - 60 (warning), 600 (critical)
   */
  readonly durationSeconds?: number;
}

/** Subscription-state thresholds keyed by severity. */
export interface SubscriptionStateAlerts {
  /**
   * The warning threshold.
   *
   * @default - not ACTIVE for 1 minute
   */
  readonly warning?: SubscriptionStateThreshold;
  /**
   * The critical threshold.
   *
   * @default - not ACTIVE for 10 minutes
   */
  readonly critical?: SubscriptionStateThreshold;
}

/** One severity's threshold for the API 5xx-ratio alert. */
export interface ErrorRatioThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when the share of 5xx responses is above this ratio (between 0 and 1, exclusive).
   *
   * @default - 0.02 (warning), 0.1 (critical)
   */
  readonly maxRatio?: number;
  /**
   * For how long the ratio must stay above the threshold, in seconds (a multiple of 60).
   *
   * @default - 900 (warning), 300 (critical)
   */
  readonly durationSeconds?: number;
  /**
   * Alert only while the API serves more than this many requests per second (0 turns the guard off): at a few
   * requests a minute one failed request is a 50 % ratio, not an outage, and the availability SLO's burn-rate
   * alerts still see it.
   *
   * @default 0.1 (6 requests a minute)
   */
  readonly minRequestsPerSecond?: number;
}

/** API 5xx-ratio thresholds keyed by severity. */
export interface ErrorRatioAlerts {
  /**
   * The warning threshold.
   *
   * @default - above 2 % for 15 minutes
   */
  readonly warning?: ErrorRatioThreshold;
  /**
   * The critical threshold.
   *
   * @default - above 10 % for 5 minutes
   */
  readonly critical?: ErrorRatioThreshold;
}

/** One severity's threshold for the API latency alert. */
export interface LatencyThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Alert when the latency percentile is above this, in milliseconds.
   *
   * @default - 2000 (warning, p95), 5000 (critical, p99)
   */
  readonly maxLatencyMs?: number;
  /**
   * The percentile compared with the threshold.
   *
   * @default - P95 (warning), P99 (critical)
   */
  readonly percentile?: LatencyPercentile;
  /**
   * For how long the percentile must stay above the threshold, in seconds (a multiple of 60).
   *
   * @default 900
   */
  readonly durationSeconds?: number;
}

/** API latency thresholds keyed by severity. */
export interface LatencyAlerts {
  /**
   * The warning threshold.
   *
   * @default - p95 above 2000 ms for 15 minutes
   */
  readonly warning?: LatencyThreshold;
  /**
   * The critical threshold.
   *
   * @default - p99 above 5000 ms for 15 minutes
   */
  readonly critical?: LatencyThreshold;
}

/** One severity's multi-window burn-rate alert on an SLO (both windows must burn faster than the rate). */
export interface BurnRateThreshold {
  /**
   * Whether this severity alerts.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Burn rate that fires the alert: how many times faster than "exactly spend the budget over the period".
   *
   * @default - 6 (warning, slow burn), 14.4 (critical, fast burn)
   */
  readonly burnRate?: number;
  /**
   * Long lookback window, in seconds: makes the alert significant.
   *
   * @default - 21600 (warning, 6 h), 3600 (critical, 1 h)
   */
  readonly longWindowSeconds?: number;
  /**
   * Short lookback window, in seconds: makes the alert reset soon after the burn stops (1/12 of the long one).
   *
   * @default - 1800 (warning, 30 min), 300 (critical, 5 min)
   */
  readonly shortWindowSeconds?: number;
}

/** Burn-rate alerts keyed by severity, as recommended by Google's SRE workbook (chapter 5, "Alerting on SLOs"). */
export interface BurnRateAlerts {
  /**
   * The slow-burn alert.
   *
   * @default - burn rate above 6 over both 6 h and 30 min (5 % of a 30-day budget in 6 h)
   */
  readonly warning?: BurnRateThreshold;
  /**
   * The fast-burn alert.
   *
   * @default - burn rate above 14.4 over both 1 h and 5 min (2 % of a 30-day budget in 1 h)
   */
  readonly critical?: BurnRateThreshold;
}

/**
 * Thresholds of the alerts on a pipeline's signals, the same for one pipeline and for a fleet (where each fires one
 * incident per pipeline, subscription or service that crosses it). Each signal is keyed by severity, and every field
 * has a default.
 */
export interface SignalAlertOptions {
  /**
   * Age of the oldest message not yet written to BigQuery.
   *
   * @default - warning above 10 min, critical above 30 min, both for 5 minutes
   */
  readonly backlogAge?: BacklogAgeAlerts;
  /**
   * Messages dead-lettered after failing every delivery attempt.
   *
   * @default - warning on any, critical above 100 in 15 minutes
   */
  readonly deadLetters?: DeadLetterAlerts;
  /**
   * Age of the oldest dead letter not yet written to the dead-letter table. The dead-letter subscription has no
   * dead-letter policy of its own: what it cannot write is dropped when its 31-day retention runs out.
   *
   * @default - warning above 6 h, critical above 7 days, both for 15 minutes
   */
  readonly deadLetterBacklogAge?: DeadLetterBacklogAgeAlerts;
  /**
   * A BigQuery subscription that cannot write (permission denied, table not found, schema mismatch).
   *
   * @default - warning after 1 minute, critical after 10 minutes
   */
  readonly subscriptionState?: SubscriptionStateAlerts;
  /**
   * Share of API requests answered with a 5xx.
   *
   * @default - warning above 2 % for 15 minutes, critical above 10 % for 5 minutes
   */
  readonly apiErrorRatio?: ErrorRatioAlerts;
  /**
   * API latency.
   *
   * @default - warning p95 above 2 s, critical p99 above 5 s, both for 15 minutes
   */
  readonly apiLatency?: LatencyAlerts;
}

/** Thresholds of every alert of a pipeline: its signals' and its SLOs' burn rates. */
export interface PipelineAlertOptions extends SignalAlertOptions {
  /**
   * Burn-rate alerts, applied to every SLO.
   *
   * @default - slow burn (6x over 6 h and 30 min) warning, fast burn (14.4x over 1 h and 5 min) critical
   */
  readonly burnRate?: BurnRateAlerts;
}

/** Every threshold of a signal with its value decided: what the user gave, else the default. */
export interface ResolvedThresholds {
  readonly backlogAge: { readonly maxAgeSeconds: number; readonly durationSeconds: number };
  readonly deadLetterBacklogAge: { readonly maxAgeSeconds: number; readonly durationSeconds: number };
  readonly deadLetters: { readonly maxMessages: number; readonly windowSeconds: number };
  readonly subscriptionState: { readonly durationSeconds: number };
  readonly apiErrorRatio: { readonly maxRatio: number; readonly durationSeconds: number; readonly minRequestsPerSecond: number };
  readonly apiLatency: { readonly maxLatencyMs: number; readonly percentile: LatencyPercentile; readonly durationSeconds: number };
  readonly burnRate: { readonly burnRate: number; readonly longWindowSeconds: number; readonly shortWindowSeconds: number };
}

/** Defaults for every threshold, per severity. Reasons in docs/observability.md#alerts-and-thresholds. */
export const ALERT_DEFAULTS: { readonly [K in keyof ResolvedThresholds]: { readonly [S in AlertSeverity]: ResolvedThresholds[K] } } = {
  backlogAge: {
    WARNING: { maxAgeSeconds: 600, durationSeconds: 300 },
    CRITICAL: { maxAgeSeconds: 1800, durationSeconds: 300 },
  },
  deadLetterBacklogAge: {
    WARNING: { maxAgeSeconds: 6 * 3600, durationSeconds: 900 },
    CRITICAL: { maxAgeSeconds: 7 * 86400, durationSeconds: 900 },
  },
  deadLetters: {
    WARNING: { maxMessages: 0, windowSeconds: 300 },
    CRITICAL: { maxMessages: 100, windowSeconds: 900 },
  },
  subscriptionState: {
    WARNING: { durationSeconds: 60 },
    CRITICAL: { durationSeconds: 600 },
  },
  apiErrorRatio: {
    WARNING: { maxRatio: 0.02, durationSeconds: 900, minRequestsPerSecond: 0.1 },
    CRITICAL: { maxRatio: 0.1, durationSeconds: 300, minRequestsPerSecond: 0.1 },
  },
  apiLatency: {
    WARNING: { maxLatencyMs: 2000, percentile: LatencyPercentile.P95, durationSeconds: 900 },
    CRITICAL: { maxLatencyMs: 5000, percentile: LatencyPercentile.P99, durationSeconds: 900 },
  },
  burnRate: {
    WARNING: { burnRate: 6, longWindowSeconds: 21600, shortWindowSeconds: 1800 },
    CRITICAL: { burnRate: 14.4, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  },
};


/**
 * The one place a threshold is decided: the user's value for `signal` at `severity` where given, the default
 * otherwise; `undefined` when that severity is turned off.
 */
export function resolveThreshold<K extends keyof ResolvedThresholds>(
  alerts: PipelineAlertOptions,
  signal: K,
  severity: AlertSeverity,
): ResolvedThresholds[K] | undefined {
  const given = forSeverity(alerts[signal] as { warning?: object; critical?: object } | undefined, severity) as { [key: string]: unknown } | undefined;
  if (given?.enabled === false) return undefined;
  const resolved: { [key: string]: unknown } = { ...ALERT_DEFAULTS[signal][severity] };
  for (const key of Object.keys(resolved)) if (given?.[key] !== undefined) resolved[key] = given[key];
  return resolved as unknown as ResolvedThresholds[K];
}

/** Both severities, warning first. */
export const SEVERITIES = [AlertSeverity.WARNING, AlertSeverity.CRITICAL] as const;

/** The severity-keyed struct's member for a severity. */
export function forSeverity<T>(alerts: { readonly warning?: T; readonly critical?: T } | undefined, severity: AlertSeverity): T | undefined {
  return severity === AlertSeverity.WARNING ? alerts?.warning : alerts?.critical;
}

/** `3600` -> `"3600s"`. */
export function seconds(value: number): string {
  return `${value}s`;
}

/** Aggregation block of an alert condition, from a metric query. */
export function aggregationsOf(query: MetricQuery, alignmentPeriodSeconds = query.alignmentPeriodSeconds) {
  return [
    {
      alignmentPeriod: seconds(alignmentPeriodSeconds),
      perSeriesAligner: query.perSeriesAligner,
      crossSeriesReducer: query.crossSeriesReducer,
      groupByFields: query.groupByFields,
    },
  ];
}

/** A threshold condition "query above value for duration". */
export function thresholdAbove(
  displayName: string,
  query: MetricQuery,
  thresholdValue: number,
  durationSeconds: number,
  alignmentPeriodSeconds?: number,
): MonitoringAlertPolicyConditions {
  const conditionThreshold: MonitoringAlertPolicyConditionsConditionThreshold = {
    filter: query.filter,
    aggregations: aggregationsOf(query, alignmentPeriodSeconds),
    comparison: 'COMPARISON_GT',
    thresholdValue,
    duration: seconds(durationSeconds),
    trigger: { count: 1 },
  };
  return { displayName, conditionThreshold };
}

/** A threshold condition "numerator / denominator above value for duration". */
export function ratioAbove(displayName: string, ratio: MetricRatio, thresholdValue: number, durationSeconds: number): MonitoringAlertPolicyConditions {
  return {
    displayName,
    conditionThreshold: {
      filter: ratio.numerator.filter,
      aggregations: aggregationsOf(ratio.numerator),
      denominatorFilter: ratio.denominator.filter,
      denominatorAggregations: aggregationsOf(ratio.denominator),
      comparison: 'COMPARISON_GT',
      thresholdValue,
      duration: seconds(durationSeconds),
      trigger: { count: 1 },
    },
  };
}

/** The two conditions of a multi-window burn-rate alert on one SLO (`sloName` is its full resource name). */
export function burnRateConditions(sloLabel: string, sloName: string, burnRate: number, longWindowSeconds: number, shortWindowSeconds: number): MonitoringAlertPolicyConditions[] {
  return [longWindowSeconds, shortWindowSeconds].map((window) => ({
    displayName: `${sloLabel} burn rate above ${burnRate} over ${humanDuration(window)}`,
    conditionThreshold: {
      filter: `select_slo_burn_rate("${sloName}", "${window}s")`,
      comparison: 'COMPARISON_GT',
      thresholdValue: burnRate,
      duration: '0s',
      trigger: { count: 1 },
    },
  }));
}

/** `604800` -> `7 days`, `3600` -> `1 h`, `300` -> `5 min`, `45` -> `45 s`. */
export function humanDuration(valueSeconds: number): string {
  if (valueSeconds >= 86400 && valueSeconds % 86400 === 0) return valueSeconds === 86400 ? '1 day' : `${valueSeconds / 86400} days`;
  if (valueSeconds % 3600 === 0) return `${valueSeconds / 3600} h`;
  if (valueSeconds % 60 === 0) return `${valueSeconds / 60} min`;
  return `${valueSeconds} s`;
}

/** One alert policy to create, whoever creates it (a pipeline or a fleet, a threshold or a burn rate). */
export interface AlertSpec {
  /** Construct id, e.g. `BacklogAgeWarning`. */
  readonly id: string;
  readonly severity: AlertSeverity;
  /** Value of the policy's `signal` label. */
  readonly signal: string;
  /** One line: what fired. */
  readonly summary: string;
  readonly conditions: MonitoringAlertPolicyConditions[];
  /** What it means for users of the pipeline. */
  readonly meaning: string;
  /** First steps of the responder, in order. */
  readonly firstSteps: string[];
  /** Runbook section, `#runbook-<anchor>`. */
  readonly anchor: string;
  /**
   * How the conditions combine: AND when every condition must hold (burn rate, a traffic guard).
   *
   * @default 'OR'
   */
  readonly combiner?: string;
  /**
   * The threshold as a chart line: its value and unit, on the chart of the same query.
   *
   * @default - no line
   */
  readonly chartLine?: { readonly value: number; readonly unit: string };
}

/** What every alert policy of one monitoring construct shares. */
export interface AlertPolicyContext {
  /** `flights`, or `fleet eu`: the subject reads `[WARNING] flights: ...`. */
  readonly subjectPrefix: string;
  /** Project of the policies, if not the provider's. */
  readonly project?: string;
  /** The runbook page; each policy links to its section. */
  readonly runbookUrl: string;
  /** Notification channel resource names. */
  readonly notificationChannels: string[];
  /** Labels of every policy; `signal` and `severity` are added. */
  readonly userLabels: { [key: string]: string };
  /** Incidents close after this long without data above the threshold, in seconds. */
  readonly autoCloseSeconds: number;
}

/** Markdown documentation of an alert policy: meaning, first steps, runbook link. */
function documentationOf(subject: string, spec: AlertSpec, runbookUrl: string) {
  const steps = spec.firstSteps.map((step, i) => `${i + 1}. ${step}`).join('\n');
  return {
    subject,
    mimeType: 'text/markdown',
    content: `**What it means.** ${spec.meaning}\n\n**First steps.**\n${steps}\n\n**Runbook:** ${runbookUrl}`,
    links: [{ displayName: 'Runbook', url: runbookUrl }],
  };
}

/** Creates the `google_monitoring_alert_policy` of a spec: the one wrapper every policy of the library goes through. */
export function createAlertPolicy(scope: Construct, spec: AlertSpec, context: AlertPolicyContext): MonitoringAlertPolicy {
  const subject = `[${spec.severity}] ${context.subjectPrefix}: ${spec.summary}`;
  return new MonitoringAlertPolicy(scope, spec.id, {
    project: context.project,
    displayName: subject,
    severity: spec.severity,
    combiner: spec.combiner ?? 'OR',
    conditions: spec.conditions,
    documentation: documentationOf(subject, spec, runbookSection(context.runbookUrl, spec.anchor)),
    notificationChannels: context.notificationChannels.length > 0 ? context.notificationChannels : undefined,
    alertStrategy: { autoClose: seconds(context.autoCloseSeconds) },
    userLabels: { ...context.userLabels, signal: spec.signal, severity: spec.severity.toLowerCase() },
  });
}

/** Problems of a duration (alert conditions take whole minutes), unless it is a token. */
export function durationProblems(prop: string, value: number | undefined, min: number, max: number): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  if (!Number.isInteger(value) || value < min || value > max || value % 60 !== 0) {
    return [`${prop} must be a multiple of 60 between ${min} and ${max}, got ${value}`];
  }
  return [];
}

/** Problems of a number that must lie in a range, unless it is a token. */
export function rangeProblems(prop: string, value: number | undefined, min: number, max: number, exclusive = false): string[] {
  if (value === undefined || Token.isUnresolved(value)) return [];
  const outside = exclusive ? !(value > min && value < max) : !(value >= min && value <= max);
  if (typeof value !== 'number' || Number.isNaN(value) || outside) {
    return [`${prop} must be between ${min} and ${max}${exclusive ? ' (exclusive)' : ''}, got ${value}`];
  }
  return [];
}

/** The one form Cloud Monitoring takes for a channel: its full resource name. */
const NOTIFICATION_CHANNEL = /^projects\/[a-z0-9][a-z0-9.:-]*\/notificationChannels\/[A-Za-z0-9_-]+$/;

/**
 * Problems of the notification channels: each must be a channel's resource name (an email address or a display name
 * passes synth and fails only at apply). Tokens, such as a `MonitoringNotificationChannel`'s `id`, pass.
 */
export function notificationChannelProblems(prop: string, channels: string[] | undefined): string[] {
  if (channels === undefined || Token.isUnresolved(channels)) return [];
  return channels.flatMap((channel, i) =>
    Token.isUnresolved(channel) || (typeof channel === 'string' && NOTIFICATION_CHANNEL.test(channel))
      ? []
      : [`${prop}[${i}] must be a notification channel's resource name projects/<project>/notificationChannels/<id>, got ${JSON.stringify(channel)}`],
  );
}

/** Validation problems of every threshold in the alert options, with the prop path of each. */
export function alertOptionProblems(options: PipelineAlertOptions, prefix = 'alerts'): string[] {
  const problems: string[] = [];
  for (const severity of SEVERITIES) {
    const key = severity === AlertSeverity.WARNING ? 'warning' : 'critical';
    const backlog = forSeverity(options.backlogAge, severity);
    problems.push(...rangeProblems(`${prefix}.backlogAge.${key}.maxAgeSeconds`, backlog?.maxAgeSeconds, 60, 7 * 86400));
    problems.push(...durationProblems(`${prefix}.backlogAge.${key}.durationSeconds`, backlog?.durationSeconds, 0, 86400));
    const deadAge = forSeverity(options.deadLetterBacklogAge, severity);
    problems.push(...rangeProblems(`${prefix}.deadLetterBacklogAge.${key}.maxAgeSeconds`, deadAge?.maxAgeSeconds, 60, SUBSCRIPTION_RETENTION_SECONDS - 86400));
    problems.push(...durationProblems(`${prefix}.deadLetterBacklogAge.${key}.durationSeconds`, deadAge?.durationSeconds, 0, 86400));
    const dead = forSeverity(options.deadLetters, severity);
    problems.push(...rangeProblems(`${prefix}.deadLetters.${key}.maxMessages`, dead?.maxMessages, 0, 1e9));
    problems.push(...durationProblems(`${prefix}.deadLetters.${key}.windowSeconds`, dead?.windowSeconds, 60, 86400));
    const state = forSeverity(options.subscriptionState, severity);
    problems.push(...durationProblems(`${prefix}.subscriptionState.${key}.durationSeconds`, state?.durationSeconds, 0, 86400));
    const errors = forSeverity(options.apiErrorRatio, severity);
    problems.push(...rangeProblems(`${prefix}.apiErrorRatio.${key}.maxRatio`, errors?.maxRatio, 0, 1, true));
    problems.push(...rangeProblems(`${prefix}.apiErrorRatio.${key}.minRequestsPerSecond`, errors?.minRequestsPerSecond, 0, 100000));
    problems.push(...durationProblems(`${prefix}.apiErrorRatio.${key}.durationSeconds`, errors?.durationSeconds, 0, 86400));
    const latency = forSeverity(options.apiLatency, severity);
    problems.push(...rangeProblems(`${prefix}.apiLatency.${key}.maxLatencyMs`, latency?.maxLatencyMs, 1, 600000));
    problems.push(...durationProblems(`${prefix}.apiLatency.${key}.durationSeconds`, latency?.durationSeconds, 0, 86400));
    const burn = forSeverity(options.burnRate, severity);
    problems.push(...rangeProblems(`${prefix}.burnRate.${key}.burnRate`, burn?.burnRate, 1, 1000));
    problems.push(...rangeProblems(`${prefix}.burnRate.${key}.longWindowSeconds`, burn?.longWindowSeconds, 60, 86400 * 7));
    problems.push(...rangeProblems(`${prefix}.burnRate.${key}.shortWindowSeconds`, burn?.shortWindowSeconds, 60, 86400 * 7));
    const windows = resolveThreshold(options, 'burnRate', severity);
    const [long, short] = [windows?.longWindowSeconds, windows?.shortWindowSeconds];
    if (long !== undefined && short !== undefined && !Token.isUnresolved(long) && !Token.isUnresolved(short) && short >= long) {
      problems.push(`${prefix}.burnRate.${key}.shortWindowSeconds must be shorter than longWindowSeconds, got ${short} >= ${long}`);
    }
  }
  return problems;
}
