import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { IConstruct } from 'constructs';
import { RecordSchema } from '../schema';

/** How finely the table is partitioned on the event time. */
export enum PartitionGranularity {
  /** One partition per day: right for most volumes. */
  DAY = 'DAY',
  /** One partition per hour: for very high volumes queried over short windows. */
  HOUR = 'HOUR',
}

/** Where a BigQuery table or view is. Values may be tokens. */
export interface BigQueryTableRef {
  /** Project of the table. */
  readonly projectId: string;
  /** Dataset of the table. */
  readonly datasetId: string;
  /** Id of the table inside its dataset. */
  readonly tableId: string;
}

/** `project.dataset.table`, as BigQuery subscriptions and SQL name a table. */
export function tableReferenceOf(ref: BigQueryTableRef): string {
  return `${ref.projectId}.${ref.datasetId}.${ref.tableId}`;
}

/**
 * A topic producers publish records to, with the dead-letter topic its subscription forwards failures to: an
 * `IngestTopic`, or one imported with `IngestTopic.fromTopicAttributes`.
 */
export interface IIngestTopic extends IConstruct {
  /** Full topic id, `projects/<project>/topics/<name>`. */
  readonly topicId: string;
  /** Short topic name. */
  readonly topicName: string;
  /** Full id of the topic that receives what the subscription cannot write. */
  readonly deadLetterTopicId: string;
  /** The record definition the topic's schema validates. */
  readonly recordSchema: RecordSchema;

  /**
   * Lets `member` publish to the topic (`roles/pubsub.publisher` on this topic only).
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `serviceAccount:producer@p.iam.gserviceaccount.com`
   */
  grantPublish(id: string, member: string): PubsubTopicIamMember;
}

/**
 * The two tables a BigQuery subscription writes: records and dead letters. An `AnalyticsTable`, or tables
 * imported with `AnalyticsTable.fromTableRefs`.
 */
export interface IRecordTables extends IConstruct {
  /** The table records are written into. */
  readonly recordsTableRef: BigQueryTableRef;
  /** The table undeliverable messages are written into. */
  readonly deadLetterTableRef: BigQueryTableRef;
}

/**
 * A view the query API reads: where it is, its location and the record fields it exposes. An `AnalyticsTable`, or
 * a view imported with `AnalyticsTable.fromViewReference`.
 */
export interface IQueryableView extends IConstruct {
  /** Where the view is. */
  readonly viewRef: BigQueryTableRef;
  /** BigQuery location of the view's dataset. */
  readonly location: string;
  /** The record fields the view exposes, with the event-time and key fields. */
  readonly exposedSchema: RecordSchema;
  /** How the table under the view is partitioned on the event time: the API pages by partition. */
  readonly partitioning: PartitionGranularity;

  /**
   * Lets `member` query the view (`roles/bigquery.dataViewer` on the view only, never on the raw table). Public and
   * domain-wide members are refused. The member also needs `bigquery.jobs.create` in the project it runs queries
   * in (`roles/bigquery.jobUser`).
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `group:analysts@example.com`
   */
  grantViewRead(id: string, member: string): BigqueryTableIamMember;
}
