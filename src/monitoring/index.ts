// Explicit exports: filter builders, defaults and validators stay internal to the monitoring layer.
export { Aligner, LatencyPercentile, PipelineMetrics, Reducer, SignalMetrics } from './metrics';
export type { MetricQuery, MetricRatio, PipelineResourceNames } from './metrics';
export { AlertSeverity } from './alerts';
export type {
  BacklogAgeAlerts,
  BacklogAgeThreshold,
  BurnRateAlerts,
  BurnRateThreshold,
  DeadLetterAlerts,
  DeadLetterBacklogAgeAlerts,
  DeadLetterBacklogAgeThreshold,
  DeadLetterThreshold,
  ErrorRatioAlerts,
  ErrorRatioThreshold,
  LatencyAlerts,
  LatencyThreshold,
  PipelineAlertOptions,
  SignalAlertOptions,
  SubscriptionStateAlerts,
  SubscriptionStateThreshold,
} from './alerts';
export { SloKind } from './slos';
export type { PipelineSloOptions } from './slos';
export { PipelineMonitoring } from './pipeline-monitoring';
export type { PipelineMonitoringOptions, PipelineMonitoringProps } from './pipeline-monitoring';
export { FleetMetrics, FleetMonitoring } from './fleet-monitoring';
export type { FleetAlertOptions, FleetMonitoringProps, FleetSelection } from './fleet-monitoring';
