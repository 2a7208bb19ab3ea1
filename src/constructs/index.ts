// Explicit exports: the `xxxOptionProblems` validators stay internal to the construct layer.
export { ServiceImage } from './service-image';
export type { ServiceImageBindOptions, ServiceImageConfig } from './service-image-config';
export type { ArtifactRepositoryReference, BundledServiceImageOptions, ImageRepositoryOptions } from './bundled-service-image';
export { ProjectApis } from './project-apis';
export type { ProjectApisProps } from './project-apis';
export type { BigQueryTableRef, IIngestTopic, IQueryableView, IRecordTables } from './pipeline-parts';
export { IngestTopic, IngestTopicBase, MessageEncoding } from './ingest-topic';
export type { IngestTopicAttributes, IngestTopicOptions, IngestTopicProps } from './ingest-topic';
export { AnalyticsTable, PartitionGranularity } from './analytics-table';
export type { AnalyticsTableOptions, AnalyticsTableProps, DatasetOptions, RecordTablesAttributes, ViewAttributes } from './analytics-table';
export { BigQuerySubscription } from './bigquery-subscription';
export type { BigQuerySubscriptionOptions, BigQuerySubscriptionProps } from './bigquery-subscription';
export { ApiIngress, QueryApi } from './query-api';
export type { QueryApiOptions, QueryApiProps } from './query-api';
