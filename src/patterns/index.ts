export { AnalyticsPipeline } from './analytics-pipeline';
export type { AnalyticsPipelineProps } from './analytics-pipeline';
export type { SchemaLockOptions } from './schema-lock';
