// Explicit exports: the `xxxOptionProblems` validators stay internal to the construct layer.
export { ServiceImage } from './service-image';
export type {
  ArtifactRepositoryReference, BundledServiceImageOptions, ImageRepositoryOptions, ServiceImageBindOptions, ServiceImageConfig,
} from './service-image';
export { ProjectApis } from './project-apis';
export type { ProjectApisProps } from './project-apis';
export { IngestTopic, MessageEncoding } from './ingest-topic';
export type { IngestTopicOptions, IngestTopicProps } from './ingest-topic';
export { AnalyticsTable, PartitionGranularity } from './analytics-table';
export type { AnalyticsTableOptions, AnalyticsTableProps, DatasetOptions } from './analytics-table';
export { BigQuerySubscription } from './bigquery-subscription';
export type { BigQuerySubscriptionOptions, BigQuerySubscriptionProps } from './bigquery-subscription';
export { ApiIngress, QueryApi } from './query-api';
export type { QueryApiOptions, QueryApiProps } from './query-api';
export { AnalyticsPipeline } from './analytics-pipeline';
export type { AnalyticsPipelineProps } from './analytics-pipeline';
