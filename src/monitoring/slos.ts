import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringSlo, MonitoringSloConfig } from '@cdktf/provider-google/lib/monitoring-slo';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { rangeProblems } from './alerts';
import { PipelineMetrics } from './metrics';

/** The SLOs of a pipeline: goals, bounds and the period the budget is counted over. */
export interface PipelineSloOptions {
  /**
   * Share of API requests (reaching the container) not answered with a 5xx. Between 0.9 and 0.999.
   *
   * @default 0.995
   */
  readonly availabilityGoal?: number;

  /**
   * Share of API requests answered within `latencyThresholdMs`. Between 0.9 and 0.999.
   *
   * @default 0.95
   */
  readonly latencyGoal?: number;

  /**
   * Latency bound of the latency SLO, in milliseconds. Between 1 and 60000.
   *
   * @default 2000
   */
  readonly latencyThresholdMs?: number;

  /**
   * Share of minutes in which the oldest message not yet written to BigQuery was younger than
   * `freshnessMaxAgeSeconds`. Between 0.9 and 0.999.
   *
   * @default 0.99
   */
  readonly freshnessGoal?: number;

  /**
   * Freshness bound, in seconds: a minute is good when the backlog age stayed under it. Between 60 and 86400.
   *
   * @default 300
   */
  readonly freshnessMaxAgeSeconds?: number;

  /**
   * Rolling period every SLO is measured over, in days. Between 1 and 30.
   *
   * @default 28
   */
  readonly sloRollingPeriodDays?: number;
}

/** Default SLOs; the arithmetic behind them is in docs/observability.md#slis-and-slos. */
export const SLO_DEFAULTS = {
  availabilityGoal: 0.995,
  latencyGoal: 0.95,
  latencyThresholdMs: 2000,
  freshnessGoal: 0.99,
  freshnessMaxAgeSeconds: 300,
  sloRollingPeriodDays: 28,
} as const;

/** The kinds of SLO a pipeline has. */
export enum SloKind {
  /** API requests without a 5xx. */
  AVAILABILITY = 'AVAILABILITY',
  /** API requests within the latency bound. */
  LATENCY = 'LATENCY',
  /** Minutes in which the table was fresh. */
  FRESHNESS = 'FRESHNESS',
}

/** Ids the SLO resources get, so that a fleet can name them without references. */
export const SLO_IDS = {
  apiService: (pipeline: string) => `${pipeline}-query-api`,
  ingestService: (pipeline: string) => `${pipeline}-ingest-path`,
  [SloKind.AVAILABILITY]: 'availability',
  [SloKind.LATENCY]: 'latency',
  [SloKind.FRESHNESS]: 'freshness',
} as const;

/** Full resource name of a pipeline's SLO, built from ids (for fleets, where there is no reference to the resource). */
export function sloResourceName(projectId: string, pipeline: string, kind: SloKind): string {
  const service = kind === SloKind.FRESHNESS ? SLO_IDS.ingestService(pipeline) : SLO_IDS.apiService(pipeline);
  return `projects/${projectId}/services/${service}/serviceLevelObjectives/${SLO_IDS[kind]}`;
}

/** Validation problems of the SLO options. */
export function sloOptionProblems(options: PipelineSloOptions): string[] {
  const problems: string[] = [];
  // The API refuses goals above 0.999 (google_monitoring_slo: goal <= 0.999).
  problems.push(...rangeProblems('availabilityGoal', options.availabilityGoal, 0.9, 0.999));
  problems.push(...rangeProblems('latencyGoal', options.latencyGoal, 0.9, 0.999));
  problems.push(...rangeProblems('freshnessGoal', options.freshnessGoal, 0.9, 0.999));
  problems.push(...rangeProblems('latencyThresholdMs', options.latencyThresholdMs, 1, 60000));
  problems.push(...rangeProblems('freshnessMaxAgeSeconds', options.freshnessMaxAgeSeconds, 60, 86400));
  const days = options.sloRollingPeriodDays;
  if (days !== undefined && !Token.isUnresolved(days) && (!Number.isInteger(days) || days < 1 || days > 30)) {
    problems.push(`sloRollingPeriodDays must be an integer between 1 and 30, got ${days}`);
  }
  return problems;
}

/** The services and SLOs of one pipeline. */
export interface PipelineSlos {
  /** Custom service standing for the query API. */
  readonly apiService: MonitoringCustomService;
  /** Custom service standing for the path from the topic into BigQuery. */
  readonly ingestService: MonitoringCustomService;
  /** Request-based: share of API requests without a 5xx. */
  readonly availability: MonitoringSlo;
  /** Request-based: share of API requests within the latency bound. */
  readonly latency: MonitoringSlo;
  /** Windows-based: share of minutes in which the backlog age stayed under the bound. */
  readonly freshness: MonitoringSlo;
}

/** Inputs of `createPipelineSlos`. */
export interface PipelineSloInputs {
  readonly pipelineName: string;
  readonly metrics: PipelineMetrics;
  readonly options: PipelineSloOptions;
  readonly userLabels: { [key: string]: string };
  readonly project?: string;
}

/**
 * Creates the two custom services and three SLOs of a pipeline. Custom services (not `basic_service`) because every
 * SLI here is an explicit filter, and a custom service does not depend on the Cloud Run service existing first.
 */
export function createPipelineSlos(scope: Construct, input: PipelineSloInputs): PipelineSlos {
  const { pipelineName, metrics, options, userLabels, project } = input;
  const rollingPeriodDays = options.sloRollingPeriodDays ?? SLO_DEFAULTS.sloRollingPeriodDays;

  const apiService = new MonitoringCustomService(scope, 'ApiService', {
    project,
    serviceId: SLO_IDS.apiService(pipelineName),
    displayName: `${pipelineName} query API`,
    userLabels,
  });
  const ingestService = new MonitoringCustomService(scope, 'IngestService', {
    project,
    serviceId: SLO_IDS.ingestService(pipelineName),
    displayName: `${pipelineName} ingest to BigQuery`,
    userLabels,
  });

  // What every SLO shares: its project, labels and rolling period; the service, id, goal and indicator differ.
  const slo = (id: string, kind: SloKind, service: MonitoringCustomService, goal: number, shape: string, sli: Partial<MonitoringSloConfig>) =>
    new MonitoringSlo(scope, id, {
      project,
      service: service.serviceId,
      sloId: SLO_IDS[kind],
      displayName: `${pipelineName} ${shape.replace('%GOAL%', percent(goal))} over ${rollingPeriodDays} days`,
      goal,
      rollingPeriodDays,
      ...sli,
      userLabels,
    });

  const errorRatio = metrics.metricApiErrorRatio();
  const availabilityGoal = options.availabilityGoal ?? SLO_DEFAULTS.availabilityGoal;
  const availability = slo('AvailabilitySlo', SloKind.AVAILABILITY, apiService, availabilityGoal, 'API: %GOAL% of requests without a 5xx', {
    requestBasedSli: {
      goodTotalRatio: { badServiceFilter: errorRatio.numerator.filter, totalServiceFilter: errorRatio.denominator.filter },
    },
  });

  const latencyGoal = options.latencyGoal ?? SLO_DEFAULTS.latencyGoal;
  const latencyThresholdMs = options.latencyThresholdMs ?? SLO_DEFAULTS.latencyThresholdMs;
  const latency = slo('LatencySlo', SloKind.LATENCY, apiService, latencyGoal, `API: %GOAL% of requests within ${latencyThresholdMs} ms`, {
    requestBasedSli: {
      distributionCut: { distributionFilter: metrics.metricApiLatency().filter, range: { max: latencyThresholdMs } },
    },
  });

  const freshnessGoal = options.freshnessGoal ?? SLO_DEFAULTS.freshnessGoal;
  const freshnessMaxAgeSeconds = options.freshnessMaxAgeSeconds ?? SLO_DEFAULTS.freshnessMaxAgeSeconds;
  const freshness = slo('FreshnessSlo', SloKind.FRESHNESS, ingestService, freshnessGoal, `data: %GOAL% of minutes with backlog under ${freshnessMaxAgeSeconds} s`, {
    windowsBasedSli: {
      // Pub/Sub samples the backlog age every 60 s, so a one-minute window holds one point: its mean is that point.
      windowPeriod: '60s',
      metricMeanInRange: { timeSeries: metrics.metricBacklogAge().filter, range: { max: freshnessMaxAgeSeconds } },
    },
  });

  return { apiService, ingestService, availability, latency, freshness };
}

function percent(goal: number): string {
  return Token.isUnresolved(goal) ? 'goal' : `${Math.round(goal * 100000) / 1000} %`;
}
