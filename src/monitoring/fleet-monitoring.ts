import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { NAME_SUFFIXES } from '../core/physical-names';
import { labelProblems, nameProblems, throwIfProblems } from '../core/validation';
import {
  AlertPolicyContext,
  SignalAlertOptions,
  alertOptionProblems,
  createAlertPolicy,
  durationProblems,
  notificationChannelProblems,
} from './alerts';
import { MosaicLayout, TopN, dataSetOf, legendOf, ratioDataSetOf, sloBudgetTable, text, xyChart } from './dashboard';
import { LatencyPercentile, MetricQuery, MetricRatio, MetricScope, MetricTarget, NOT_ACTIVE_CLAUSE, SIGNALS, SignalMetrics, TARGET_LABEL, bindScope, errorRatioOf, scopeOf, signalQuery } from './metrics';
import { RUNBOOK_URL } from './runbook';
import { SloKind, sloResourceName } from './slos';
import { thresholdAlertSpecs } from './threshold-alerts';

/** Fleet-wide thresholds, keyed by severity like a pipeline's; each fires one incident per pipeline that crosses it. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- jsii has no type aliases: the fleet keeps its own named struct
export interface FleetAlertOptions extends SignalAlertOptions {}

/** Which pipelines a fleet covers: their names, or a pattern over their names. */
export interface FleetSelection {
  /**
   * Names of the pipelines in the fleet. Exclusive with `pipelineNamePattern`.
   *
   * @default - the pipelines matching `pipelineNamePattern`
   */
  readonly pipelineNames?: string[];

  /**
   * RE2 pattern over pipeline names (`orders-.*`): the fleet grows with every pipeline whose name matches, without
   * a redeploy. Exclusive with `pipelineNames`. Without names the SLO budget table cannot be built.
   *
   * @default - the pipelines in `pipelineNames`
   */
  readonly pipelineNamePattern?: string;

  /**
   * Project to match in every filter (`resource.label.project_id`).
   *
   * @default - every project in the metrics scope of the project holding the dashboard
   */
  readonly projectId?: string;
}

/** Props of `FleetMonitoring`. */
export interface FleetMonitoringProps extends FleetSelection {
  /** Name of the fleet: the dashboard's title and the `fleet` label of its alert policies. */
  readonly fleetName: string;

  /**
   * Project that holds the dashboard, the alert policies and the pipelines' SLOs; the scoping project of the metrics
   * scope when pipelines live in several projects.
   *
   * @default - the provider's project; the SLO budget table is left out, since SLO names need a project
   */
  readonly hostProjectId?: string;

  /**
   * Notification channels every fleet alert policy notifies, by resource name
   * (`projects/<p>/notificationChannels/<id>`); anything else is refused at construction.
   *
   * @default - none
   */
  readonly notificationChannels?: string[];

  /**
   * Thresholds of the fleet alerts.
   *
   * @default - the same defaults as a single pipeline's threshold alerts
   */
  readonly alerts?: FleetAlertOptions;

  /**
   * Whether to create the fleet alert policies (one per signal and severity for the whole fleet).
   *
   * @default true
   */
  readonly alertPolicies?: boolean;

  /**
   * How many pipelines each top-N chart shows. Between 1 and 50.
   *
   * @default 10
   */
  readonly topN?: number;

  /**
   * URL of the runbook; each alert links to its section.
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
   * Labels for the alert policies (`fleet=<name>` is always added).
   *
   * @default - only fleet=<name>
   */
  readonly labels?: { [key: string]: string };
}

/** The metrics of many pipelines at once, one time series per pipeline (grouped by the resource's name). */
export class FleetMetrics extends SignalMetrics {
  /** Which pipelines. */
  public readonly selection: FleetSelection;

  public constructor(selection: FleetSelection) {
    super();
    this.selection = selection;
    bindScope(this, fleetScope(selection));
  }

  /** BigQuery subscriptions (both kinds) in a state other than ACTIVE, one series per subscription. */
  public metricSubscriptionNotActive(): MetricQuery {
    return signalQuery(SIGNALS.subscriptionState, scopeOf(this), { clauses: [NOT_ACTIVE_CLAUSE], label: 'BigQuery subscriptions not active' });
  }

  /** Share of API requests answered with a 5xx, per service. */
  public metricApiErrorRatio(): MetricRatio {
    return errorRatioOf(this.metricApiRequests());
  }
}

/** Many pipelines: each target matches the pipelines' names; series are split per pipeline. */
function fleetScope(selection: FleetSelection): MetricScope {
  const names = selection.pipelineNames !== undefined ? `(${selection.pipelineNames.join('|')})` : `(${selection.pipelineNamePattern})`;
  const project = selection.projectId === undefined ? [] : [`resource.label.project_id="${selection.projectId}"`];
  const named = (label: string, suffixPattern: string) => [...project, `resource.label.${label}=monitoring.regex.full_match("${names}${suffixPattern}")`];
  // A pattern such as `orders-.*` would also match `orders-x-dead-letters-to-bigquery`: keep the source
  // subscriptions only (pipeline names never end in -dead-letters, so no pipeline's source is excluded).
  const notDeadLetters = `NOT resource.label.subscription_id=monitoring.regex.full_match(".*${NAME_SUFFIXES.deadLetterSubscription}")`;
  const clauses: { [t in MetricTarget]: string[] } = {
    [MetricTarget.TOPIC]: named('topic_id', NAME_SUFFIXES.topic),
    [MetricTarget.SUBSCRIPTION]: [...named('subscription_id', NAME_SUFFIXES.subscription), notDeadLetters],
    [MetricTarget.DEAD_LETTER_SUBSCRIPTION]: named('subscription_id', NAME_SUFFIXES.deadLetterSubscription),
    [MetricTarget.BOTH_SUBSCRIPTIONS]: named('subscription_id', `(${NAME_SUFFIXES.deadLetterTopic})?${NAME_SUFFIXES.subscription}`),
    [MetricTarget.SERVICE]: named('service_name', NAME_SUFFIXES.service),
  };
  // project_id too: pipelines of the same name in two projects stay two series.
  return { clauses: (target) => clauses[target], groupBy: (signal) => ['resource.label.project_id', TARGET_LABEL[signal.target]] };
}

/**
 * Monitoring for a fleet of pipelines: one overview dashboard (top-N charts per signal, the SLO budget of every
 * pipeline) and one alert policy per signal and severity for the whole fleet. Each policy groups its time series by
 * resource, so a pipeline crossing a threshold opens its own incident without a policy of its own.
 */
export class FleetMonitoring extends Construct {
  /** The queries of the fleet's charts and alerts. */
  public readonly metrics: FleetMetrics;
  /** Fleet-wide alert policies: at most one per signal and severity, whatever the number of pipelines. */
  public readonly alertPolicies: MonitoringAlertPolicy[];
  /** The overview dashboard. */
  public readonly dashboard: MonitoringDashboard;

  private readonly props: FleetMonitoringProps;

  public constructor(scope: Construct, id: string, props: FleetMonitoringProps) {
    super(scope, id);
    throwIfProblems('FleetMonitoring', this, fleetProblems(props));
    this.props = props;
    this.metrics = new FleetMetrics({ pipelineNames: props.pipelineNames, pipelineNamePattern: props.pipelineNamePattern, projectId: props.projectId });
    this.alertPolicies = props.alertPolicies ?? true ? this.createAlertPolicies() : [];
    this.dashboard = this.createDashboard();
  }

  private createAlertPolicies(): MonitoringAlertPolicy[] {
    const p = this.props;
    // Documentation variables: the incident names the pipeline's resource ($$ escapes Terraform's interpolation).
    const who = {
      scope: p.fleetName,
      subscription: '$${resource.label.subscription_id}',
      deadLetterSubscription: '$${resource.label.subscription_id}',
      service: '$${resource.label.service_name}',
      location: '$${resource.label.location}',
    };
    const context: AlertPolicyContext = {
      subjectPrefix: `fleet ${p.fleetName}`,
      project: p.hostProjectId,
      runbookUrl: p.runbookUrl ?? RUNBOOK_URL,
      notificationChannels: p.notificationChannels ?? [],
      userLabels: { ...(p.labels ?? {}), fleet: p.fleetName },
      autoCloseSeconds: p.autoCloseSeconds ?? 1800,
    };
    return thresholdAlertSpecs(this.metrics, p.alerts ?? {}, who).map((spec) => createAlertPolicy(this, spec, context));
  }

  private createDashboard(): MonitoringDashboard {
    const p = this.props;
    const m = this.metrics;
    const topN: TopN = { count: p.topN ?? 10, rankingMethod: 'METHOD_MAX' };
    const bySubscription = { legend: legendOf('resource.labels.subscription_id'), topN };
    const byService = { legend: legendOf('resource.labels.service_name'), topN };
    const count = p.pipelineNames?.length;
    const who = count !== undefined ? `${count} pipelines` : `pipelines matching ${p.pipelineNamePattern}`;

    const layout = new MosaicLayout()
      .section(`Fleet ${p.fleetName}: ${who}`, `Each chart shows the ${topN.count} worst pipelines, not every pipeline.`)
      .add(text('How to read this', `Charts rank pipelines by their worst value in the window and keep the top ${topN.count}; a pipeline appears only when it is among the worst. Drill into one pipeline on its own dashboard ("Pipeline <name>"). Alerts fire per pipeline from one policy per signal.`), 48, 4)
      .section('Freshness and dead letters', 'Ingest -> store: how far each table is behind its topic.')
      .add(xyChart(`Oldest unacked message age, top ${topN.count}`, [dataSetOf(m.metricBacklogAge(), bySubscription)], 'seconds'), 16, 12)
      .add(xyChart(`Dead-lettered messages per minute, top ${topN.count}`, [dataSetOf(m.metricDeadLetteredMessages(), bySubscription)], 'messages'), 16, 12)
      .add(xyChart(`Oldest dead letter not yet in its table, top ${topN.count}`, [dataSetOf(m.metricDeadLetterBacklogAge(), bySubscription)], 'seconds'), 16, 12)
      .add(xyChart(`Undelivered messages, top ${topN.count}`, [dataSetOf(m.metricUndeliveredMessages(), bySubscription)], 'messages'), 16, 12)
      .add(xyChart('BigQuery subscriptions not ACTIVE', [dataSetOf(m.metricSubscriptionNotActive(), { legend: legendOf('resource.labels.subscription_id') })], 'subscriptions'), 16, 12)
      .add(xyChart(`Publish requests/s, top ${topN.count}`, [dataSetOf(m.metricIngestRate(), { legend: legendOf('resource.labels.topic_id'), topN })], 'requests/s'), 16, 12)
      .section('Query APIs', 'What third parties see, per pipeline.')
      .add(xyChart(`5xx ratio, top ${topN.count}`, [ratioDataSetOf(m.metricApiErrorRatio(), byService)], 'ratio'), 16, 12)
      .add(xyChart(`p99 latency, top ${topN.count}`, [dataSetOf(m.metricApiLatency(LatencyPercentile.P99), byService)], 'ms'), 16, 12)
      .add(xyChart(`Requests/s, top ${topN.count}`, [dataSetOf(m.metricApiRequests(), byService)], 'requests/s'), 16, 12);

    const names = p.pipelineNames;
    const project = p.hostProjectId;
    if (names !== undefined && project !== undefined) {
      layout.section('SLO error budget left', 'One row per pipeline; sort by value to find the pipelines closest to missing their SLO.');
      const kinds = [
        { kind: SloKind.FRESHNESS, title: 'Data freshness' },
        { kind: SloKind.AVAILABILITY, title: 'API availability' },
        { kind: SloKind.LATENCY, title: 'API latency' },
      ];
      for (const { kind, title } of kinds) {
        layout.add(sloBudgetTable(`${title}: budget left`, names.map((name) => ({ name: sloResourceName(project, name, kind), label: name }))), 16, 16);
      }
    }

    return new MonitoringDashboard(this, 'Dashboard', {
      project: p.hostProjectId,
      dashboardJson: layout.toJson(`Fleet ${p.fleetName}`, { fleet: p.fleetName }),
    });
  }
}

/** Every broken rule of the fleet props. */
function fleetProblems(props: FleetMonitoringProps): string[] {
  const problems: string[] = [...nameProblems(props.fleetName, 'fleetName'), ...labelProblems(props.labels)];
  const { pipelineNames: names, pipelineNamePattern: pattern } = props;
  if ((names === undefined) === (pattern === undefined)) {
    problems.push('exactly one of pipelineNames and pipelineNamePattern must be set');
  }
  if (names !== undefined && !Token.isUnresolved(names)) {
    if (names.length === 0) problems.push('pipelineNames must name at least one pipeline');
    names.forEach((name, i) => problems.push(...nameProblems(name, `pipelineNames[${i}]`)));
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) problems.push(`pipelineNames must not repeat a name, got ${JSON.stringify(name)} twice`);
      seen.add(name);
    }
  }
  if (pattern !== undefined && !Token.isUnresolved(pattern)) {
    if (pattern.length === 0 || /["\\]/.test(pattern)) {
      problems.push(`pipelineNamePattern must be a non-empty RE2 pattern without quotes or backslashes, got ${JSON.stringify(pattern)}`);
    }
  }
  const topN = props.topN;
  if (topN !== undefined && !Token.isUnresolved(topN) && (!Number.isInteger(topN) || topN < 1 || topN > 50)) {
    problems.push(`topN must be an integer between 1 and 50, got ${topN}`);
  }
  problems.push(...alertOptionProblems(props.alerts ?? {}));
  problems.push(...notificationChannelProblems('notificationChannels', props.notificationChannels));
  problems.push(...durationProblems('autoCloseSeconds', props.autoCloseSeconds, 1800, 604800));
  return problems;
}
