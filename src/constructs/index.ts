// Explicit exports: the `xxxOptionProblems` validators stay internal to the construct layer.
export { ServiceImage } from './service-image';
export type { ServiceImageBindOptions, ServiceImageConfig } from './service-image-config';
export type { ArtifactRepositoryReference, BundledServiceImageOptions, ImageRepositoryOptions } from './bundled-service-image';
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
