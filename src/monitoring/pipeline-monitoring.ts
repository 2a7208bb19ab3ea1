import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { labelProblems, nameProblems, pipelineLabels, throwIfProblems } from '../core/validation';
import {
  AlertPolicyContext,
  AlertSeverity,
  AlertSpec,
  PipelineAlertOptions,
  SEVERITIES,
  alertOptionProblems,
  burnRateConditions,
  createAlertPolicy,
  durationProblems,
  humanDuration,
  notificationChannelProblems,
  resolveThreshold,
} from './alerts';
import { MosaicLayout, dataSetOf, legendOf, ratioDataSetOf, sloBudgetScorecard, text, thresholdLines, xyChart } from './dashboard';
import { LatencyPercentile, PipelineMetrics, PipelineResourceNames } from './metrics';
import { RUNBOOK_URL } from './runbook';
import { PipelineSloOptions, SLO_DEFAULTS, createPipelineSlos, sloOptionProblems } from './slos';
import { thresholdAlertSpecs } from './threshold-alerts';

/** What to monitor and how loudly: the reusable part of `PipelineMonitoringProps`. */
export interface PipelineMonitoringOptions extends PipelineSloOptions {
  /**
   * Notification channels every alert policy notifies, by resource name (`projects/<p>/notificationChannels/<id>`,
   * the `id` of a `MonitoringNotificationChannel`); anything else is refused at construction.
   *
   * @default - none: incidents open in Cloud Monitoring without notifying anyone
   */
  readonly notificationChannels?: string[];

  /**
   * Thresholds of the alerts, keyed by severity.
   *
   * @default - the defaults of each threshold, justified in docs/observability.md
   */
  readonly alerts?: PipelineAlertOptions;

  /**
   * Whether to create the threshold alerts (backlog age, dead letters, subscription state, API errors and latency).
   * Turn off when a `FleetMonitoring` alerts on the same signals for many pipelines at once.
   *
   * @default true
   */
  readonly thresholdAlerts?: boolean;

  /**
   * Whether to create the burn-rate alerts of the SLOs.
   *
   * @default true
   */
  readonly burnRateAlerts?: boolean;

  /**
   * Whether to create the pipeline's dashboard.
   *
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * URL of the runbook (docs/observability.md); each alert links to its section.
   *
   * @default - the runbook in this library's repository
   */
  readonly runbookUrl?: string;

  /**
   * An incident closes after this long without data above its threshold, in seconds (a multiple of 60, 1800 to 604800).
   *
   * @default 1800
   */
  readonly autoCloseSeconds?: number;

  /**
   * Project that holds the dashboard, alert policies, services and SLOs: the scoping project of a metrics scope when
   * a fleet spans several projects (its metrics scope must include `projectId`).
   *
   * @default - `projectId`, or the provider's project
   */
  readonly monitoringProjectId?: string;
}

/** Props of `PipelineMonitoring`: the names of the pipeline's resources and what to monitor. */
export interface PipelineMonitoringProps extends PipelineMonitoringOptions, PipelineResourceNames {
  /** Name of the pipeline: the value of its `pipeline` label, and the prefix of every display name and id. */
  readonly pipelineName: string;

  /**
   * Labels for the alert policies, services and SLOs (`pipeline=<name>` is always added).
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };
}

/**
 * Dashboard, alert policies and SLOs of one analytics pipeline, from the plain names of its resources: the ingest
 * topic, the BigQuery subscriptions and the Cloud Run query API. Every filter comes from `PipelineMetrics`.
 */
export class PipelineMonitoring extends Construct {
  /** The queries every alert, SLO and chart is built from. */
  public readonly metrics: PipelineMetrics;
  /** Every alert policy, threshold alerts first, then burn-rate alerts. */
  public readonly alertPolicies: MonitoringAlertPolicy[];
  /** Custom service standing for the query API (holds the availability and latency SLOs). */
  public readonly apiService: MonitoringCustomService;
  /** Custom service standing for the path from the topic into BigQuery (holds the freshness SLO). */
  public readonly ingestService: MonitoringCustomService;
  /** Share of API requests without a 5xx. */
  public readonly availabilitySlo: MonitoringSlo;
  /** Share of API requests within the latency bound. */
  public readonly latencySlo: MonitoringSlo;
  /** Share of minutes in which the table was fresh. */
  public readonly freshnessSlo: MonitoringSlo;
  /** The pipeline's dashboard, unless turned off. */
  public readonly dashboard?: MonitoringDashboard;

  private readonly props: PipelineMonitoringProps;
  private readonly userLabels: { [key: string]: string };
  private readonly runbookUrl: string;

  public constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    throwIfProblems('PipelineMonitoring', this, [
      ...nameProblems(props.pipelineName, 'pipelineName'),
      ...labelProblems(props.labels),
      ...pipelineMonitoringOptionProblems(props),
      ...resourceNameProblems(props),
    ]);

    this.props = props;
    this.userLabels = pipelineLabels(props.pipelineName, props.labels);
    this.runbookUrl = props.runbookUrl ?? RUNBOOK_URL;
    this.metrics = new PipelineMetrics({
      projectId: props.projectId,
      topicName: props.topicName,
      subscriptionName: props.subscriptionName,
      deadLetterSubscriptionName: props.deadLetterSubscriptionName,
      serviceName: props.serviceName,
      serviceLocation: props.serviceLocation,
    });

    const slos = createPipelineSlos(this, {
      pipelineName: props.pipelineName,
      metrics: this.metrics,
      options: props,
      userLabels: this.userLabels,
      project: props.monitoringProjectId ?? props.projectId,
    });
    this.apiService = slos.apiService;
    this.ingestService = slos.ingestService;
    this.availabilitySlo = slos.availability;
    this.latencySlo = slos.latency;
    this.freshnessSlo = slos.freshness;

    const who = { scope: props.pipelineName, subscription: props.subscriptionName, deadLetterSubscription: props.deadLetterSubscriptionName, service: props.serviceName, location: props.serviceLocation };
    const thresholdSpecs = thresholdAlertSpecs(this.metrics, props.alerts ?? {}, who);
    const context: AlertPolicyContext = {
      subjectPrefix: props.pipelineName,
      project: props.monitoringProjectId ?? props.projectId,
      runbookUrl: this.runbookUrl,
      notificationChannels: props.notificationChannels ?? [],
      userLabels: this.userLabels,
      autoCloseSeconds: props.autoCloseSeconds ?? 1800,
    };
    this.alertPolicies = [
      ...(props.thresholdAlerts ?? true ? thresholdSpecs : []),
      ...(props.burnRateAlerts ?? true ? this.burnRateAlertSpecs() : []),
    ].map((spec) => createAlertPolicy(this, spec, context));
    if (props.dashboard ?? true) this.dashboard = this.createDashboard(thresholdSpecs);
  }

  private burnRateAlertSpecs(): AlertSpec[] {
    const slos = [
      { key: 'Availability', label: 'availability', slo: this.availabilitySlo },
      { key: 'Latency', label: 'latency', slo: this.latencySlo },
      { key: 'Freshness', label: 'freshness', slo: this.freshnessSlo },
    ];
    const days = this.props.sloRollingPeriodDays ?? SLO_DEFAULTS.sloRollingPeriodDays;
    return SEVERITIES.flatMap((severity) => {
      const burn = resolveThreshold(this.props.alerts ?? {}, 'burnRate', severity);
      if (!burn) return [];
      const { burnRate: rate, longWindowSeconds: long, shortWindowSeconds: short } = burn;
      const speed = severity === AlertSeverity.CRITICAL ? 'fast' : 'slow';
      const tag = severity === AlertSeverity.WARNING ? 'Warning' : 'Critical';
      return slos.map(({ key, label, slo }): AlertSpec => ({
        id: `${key}BurnRate${tag}`, severity, signal: `${label}-burn-rate`, anchor: 'slo-burn-rate', combiner: 'AND',
        summary: `${label} SLO ${speed} burn`,
        conditions: burnRateConditions(`${label} SLO`, slo.name, rate, long, short),
        meaning: `The ${label} SLO's error budget is being spent ${rate} times faster than the rate that would spend it exactly in ${days} days, over both the last ${humanDuration(long)} and the last ${humanDuration(short)}; at this pace the budget lasts ${Math.round((days * 24 * 10) / rate) / 10} h.`,
        firstSteps: [
          'Open the pipeline dashboard: the SLO scorecards show the remaining budget, the charts below show which stage fails.',
          'Follow the runbook of the threshold alert firing alongside (backlog age, subscription state, API errors or latency).',
        ],
      }));
    });
  }

  private createDashboard(alertSpecs: AlertSpec[]): MonitoringDashboard {
    const p = this.props;
    const m = this.metrics;
    const lines = (signal: string) => thresholdLines(alertSpecs, signal);
    const freshnessBound = p.freshnessMaxAgeSeconds ?? SLO_DEFAULTS.freshnessMaxAgeSeconds;
    const latencyBound = p.latencyThresholdMs ?? SLO_DEFAULTS.latencyThresholdMs;
    const byClass = { legend: legendOf('metric.labels.response_code_class') };

    const layout = new MosaicLayout()
      .section('Service level objectives', 'Error budget left over the rolling period; below zero the SLO is missed.')
      .add(sloBudgetScorecard('API availability: budget left', this.availabilitySlo.name), 16, 8)
      .add(sloBudgetScorecard('API latency: budget left', this.latencySlo.name), 16, 8)
      .add(sloBudgetScorecard('Data freshness: budget left', this.freshnessSlo.name), 16, 8)
      .section(`1. Ingest: topic ${p.topicName}`, 'What producers publish; invalid requests are refused by the Avro schema.')
      .add(xyChart('Publish requests/s by result', [dataSetOf(m.metricIngestRate(), { legend: legendOf('metric.labels.response_class') })], 'requests/s'), 32, 12)
      .add(text('Reading this dashboard', `Messages flow top to bottom: topic **${p.topicName}** -> subscription **${p.subscriptionName}** -> BigQuery -> API **${p.serviceName}** (${p.serviceLocation}). Runbook: ${this.runbookUrl}`), 16, 12)
      .section(`2. Store: BigQuery subscription ${p.subscriptionName}`, 'How far the table is behind the topic, and what could not be written.')
      .add(xyChart('Oldest unacked message age (freshness)', [dataSetOf(m.metricBacklogAge())], 'seconds', [
        { value: freshnessBound, label: `freshness SLO bound ${freshnessBound} s` },
        ...lines('backlog-age'),
      ]), 24, 12)
      .add(xyChart('Undelivered messages', [dataSetOf(m.metricUndeliveredMessages())], 'messages'), 24, 12)
      .add(xyChart('Dead-lettered messages per minute', [dataSetOf(m.metricDeadLetteredMessages())], 'messages'), 12, 12)
      .add(xyChart('Dead letters not yet in the dead-letter table', [dataSetOf(m.metricDeadLetterBacklog())], 'messages'), 12, 12)
      .add(xyChart('Oldest dead letter not yet in its table (dropped at 31 days)', [dataSetOf(m.metricDeadLetterBacklogAge())], 'seconds',
        lines('dead-letter-backlog-age')), 12, 12)
      .add(xyChart('BigQuery subscription state (1 = in that state)', [dataSetOf(m.metricSubscriptionState(), {
        legend: `${legendOf('resource.labels.subscription_id')} ${legendOf('metric.labels.subscription_state')}`,
      })], 'state'), 12, 12)
      .section(`3. Query API: Cloud Run service ${p.serviceName}`, 'What third parties see: traffic, errors, latency, capacity.')
      .add(xyChart('Requests/s by response class', [dataSetOf(m.metricApiRequests(), byClass)], 'requests/s'), 24, 12)
      .add(xyChart('5xx ratio', [ratioDataSetOf(m.metricApiErrorRatio())], 'ratio', lines('api-errors')), 24, 12)
      .add(xyChart('Latency p50 / p95 / p99', [LatencyPercentile.P50, LatencyPercentile.P95, LatencyPercentile.P99].map((pc) =>
        dataSetOf(m.metricApiLatency(pc), { legend: pc.toLowerCase() })), 'ms', [{ value: latencyBound, label: `latency SLO bound ${latencyBound} ms` }]), 16, 12)
      .add(xyChart('Instances by state', [dataSetOf(m.metricInstanceCount(), { legend: legendOf('metric.labels.state') })], 'instances'), 16, 12)
      .add(xyChart('Cold start p95 (container startup)', [dataSetOf(m.metricColdStartLatency())], 'ms'), 16, 12);

    return new MonitoringDashboard(this, 'Dashboard', {
      project: p.monitoringProjectId ?? p.projectId,
      dashboardJson: layout.toJson(`Pipeline ${p.pipelineName}`, { pipeline: p.pipelineName }),
    });
  }
}

/** Every broken rule of the monitoring options (thresholds, goals, durations), for the constructs that embed them. */
export function pipelineMonitoringOptionProblems(options: PipelineMonitoringOptions): string[] {
  return [
    ...sloOptionProblems(options),
    ...alertOptionProblems(options.alerts ?? {}),
    ...notificationChannelProblems('notificationChannels', options.notificationChannels),
    ...durationProblems('autoCloseSeconds', options.autoCloseSeconds, 1800, 604800),
  ];
}

/** Names go into filter strings between double quotes: refuse empty names and ones that would break out of them. */
function resourceNameProblems(names: PipelineResourceNames): string[] {
  const props: (keyof PipelineResourceNames)[] = ['projectId', 'topicName', 'subscriptionName', 'deadLetterSubscriptionName', 'serviceName', 'serviceLocation'];
  return props.flatMap((prop) => {
    const value = names[prop];
    if (value === undefined || Token.isUnresolved(value)) return [];
    return typeof value === 'string' && /^[A-Za-z0-9._~%+-]+$/.test(value)
      ? []
      : [`${prop} must be a resource name (letters, digits and . _ ~ % + -), got ${JSON.stringify(value)}`];
  });
}
