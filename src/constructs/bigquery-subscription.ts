import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { SUBSCRIPTION_RETENTION_SECONDS } from '../core/subscription-retention';
import { BigQueryTableRef, IIngestTopic, IRecordTables, tableReferenceOf } from './pipeline-parts';
import { checkIntegerRange, labelProblems, nameProblems, pipelineLabels, throwIfProblems } from '../core/validation';
import { physicalName } from '../core/physical-names';

/** Options of the BigQuery subscriptions, reusable by `AnalyticsPipeline`. */
export interface BigQuerySubscriptionOptions {
  /**
   * Delivery attempts before a message goes to the dead-letter topic. Between 5 and 100 (Pub/Sub limits).
   *
   * @default 5
   */
  readonly maxDeliveryAttempts?: number;

  /**
   * Shortest wait before a failed write is retried, in seconds. Between 0 and 600.
   *
   * @default 10
   */
  readonly minimumBackoffSeconds?: number;

  /**
   * Longest wait before a failed write is retried, in seconds. Between 0 and 600, at least `minimumBackoffSeconds`.
   *
   * @default 600
   */
  readonly maximumBackoffSeconds?: number;

  /**
   * How long Pub/Sub waits for a write to be acknowledged before redelivering, in seconds. Between 10 and 600.
   *
   * @default 60
   */
  readonly ackDeadlineSeconds?: number;
}

/** Props of `BigQuerySubscription`. */
export interface BigQuerySubscriptionProps extends BigQuerySubscriptionOptions {
  /**
   * Pipeline name the physical names derive from: subscriptions `<name>-to-bigquery` and
   * `<name>-dead-letters-to-bigquery`, service account `<name>-bq-writer`.
   */
  readonly name: string;

  /** The topics to read from: an `IngestTopic` or one from `IngestTopic.fromTopicAttributes`. */
  readonly ingest: IIngestTopic;

  /** The tables to write into: an `AnalyticsTable` or tables from `AnalyticsTable.fromTableRefs`. */
  readonly table: IRecordTables;

  /**
   * Labels for the subscriptions (`pipeline=<name>` is always added).
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };
}

/** Every broken rule of `BigQuerySubscriptionOptions`. */
export function bigQuerySubscriptionOptionProblems(options: BigQuerySubscriptionOptions): string[] {
  const problems: string[] = [];
  checkIntegerRange(problems, 'maxDeliveryAttempts', options.maxDeliveryAttempts, 5, 100);
  checkIntegerRange(problems, 'minimumBackoffSeconds', options.minimumBackoffSeconds, 0, 600);
  checkIntegerRange(problems, 'maximumBackoffSeconds', options.maximumBackoffSeconds, 0, 600);
  checkIntegerRange(problems, 'ackDeadlineSeconds', options.ackDeadlineSeconds, 10, 600);
  const min = options.minimumBackoffSeconds ?? 10;
  const max = options.maximumBackoffSeconds ?? 600;
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    problems.push(`minimumBackoffSeconds must not exceed maximumBackoffSeconds, got ${min} > ${max}`);
  }
  return problems;
}

/**
 * The writer: a BigQuery subscription from the topic into the table (with the topic's schema and Pub/Sub
 * metadata), a dead-letter subscription from the dead-letter topic into the dead-letter table, a dedicated
 * service account that may write to those two tables only, and the grants the Pub/Sub service agent needs to act as
 * that account and to dead-letter. Both subscriptions depend on their grants, so the first apply succeeds.
 */
export class BigQuerySubscription extends Construct {
  /** The project, for the Pub/Sub service agent's address (it holds the project number). */
  public readonly project: DataGoogleProject;
  /** The identity the subscriptions write to BigQuery as. */
  public readonly writerServiceAccount: ServiceAccount;
  /**
   * `roles/bigquery.dataEditor` for the writer on the records table only: the subscription reads the table's
   * schema (`bigquery.tables.get`) and appends rows (`bigquery.tables.updateData`). Nothing on the dataset.
   */
  public readonly writerTableGrant: BigqueryTableIamMember;
  /** `roles/bigquery.dataEditor` for the writer on the dead-letter table only, for the same two permissions. */
  public readonly writerDeadLetterTableGrant: BigqueryTableIamMember;
  /** `roles/iam.serviceAccountTokenCreator` for the Pub/Sub service agent, on the writer account only. */
  public readonly serviceAgentTokenGrant: ServiceAccountIamMember;
  /** `roles/pubsub.publisher` for the Pub/Sub service agent, on the dead-letter topic only. */
  public readonly deadLetterPublisherGrant: PubsubTopicIamMember;
  /** `roles/pubsub.subscriber` for the Pub/Sub service agent, on the source subscription only. */
  public readonly deadLetterSubscriberGrant: PubsubSubscriptionIamMember;
  /** The BigQuery subscription that writes records into the table. */
  public readonly subscription: PubsubSubscription;
  /** The BigQuery subscription that writes dead letters into the dead-letter table. */
  public readonly deadLetterSubscription: PubsubSubscription;

  public constructor(scope: Construct, id: string, props: BigQuerySubscriptionProps) {
    super(scope, id);
    throwIfProblems('BigQuerySubscription', this, [
      ...nameProblems(props.name),
      ...labelProblems(props.labels),
      ...bigQuerySubscriptionOptionProblems(props),
    ]);

    const labels = pipelineLabels(props.name, props.labels);
    const { ingest, table } = props;

    this.project = new DataGoogleProject(this, 'Project', {});
    const serviceAgent = `serviceAccount:service-${this.project.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;

    this.writerServiceAccount = new ServiceAccount(this, 'WriterServiceAccount', {
      accountId: physicalName(props.name, 'writerAccount'),
      displayName: `${props.name} Pub/Sub to BigQuery writer`,
      description: `Writes the ${props.name} pipeline's messages and dead letters into BigQuery.`,
    });
    // Table-level grants: the writer can neither read other tables of a shared dataset nor create or delete tables.
    const writerGrant = (id: string, target: BigQueryTableRef) => new BigqueryTableIamMember(this, id, {
      project: target.projectId,
      datasetId: target.datasetId,
      tableId: target.tableId,
      role: 'roles/bigquery.dataEditor',
      member: this.writerServiceAccount.member,
    });
    this.writerTableGrant = writerGrant('WriterTableGrant', table.recordsTableRef);
    this.writerDeadLetterTableGrant = writerGrant('WriterDeadLetterTableGrant', table.deadLetterTableRef);
    // Pub/Sub mints the writer's access tokens with its service agent.
    this.serviceAgentTokenGrant = new ServiceAccountIamMember(this, 'ServiceAgentTokenGrant', {
      serviceAccountId: this.writerServiceAccount.name,
      role: 'roles/iam.serviceAccountTokenCreator',
      member: serviceAgent,
    });
    // Dead-lettering is done by the service agent, not by the writer account.
    this.deadLetterPublisherGrant = new PubsubTopicIamMember(this, 'DeadLetterPublisherGrant', {
      topic: ingest.deadLetterTopicId,
      role: 'roles/pubsub.publisher',
      member: serviceAgent,
    });

    // What both subscriptions share.
    const delivery = {
      labels,
      ackDeadlineSeconds: props.ackDeadlineSeconds ?? 60,
      // An empty ttl means the subscription never expires, even when idle.
      expirationPolicy: { ttl: '' },
      // Pub/Sub's longest retention (31 days, not the default 7): while BigQuery refuses writes (a revoked grant, a
      // dropped table), undelivered messages wait for the fix instead of expiring.
      messageRetentionDuration: `${SUBSCRIPTION_RETENTION_SECONDS}s`,
      retryPolicy: {
        minimumBackoff: `${props.minimumBackoffSeconds ?? 10}s`,
        maximumBackoff: `${props.maximumBackoffSeconds ?? 600}s`,
      },
    };

    this.subscription = new PubsubSubscription(this, 'Subscription', {
      name: physicalName(props.name, 'subscription'),
      topic: ingest.topicId,
      ...delivery,
      bigqueryConfig: {
        table: tableReferenceOf(table.recordsTableRef),
        // use_table_schema is exclusive with use_topic_schema: the topic's Avro schema maps the columns.
        useTopicSchema: true,
        writeMetadata: true,
        dropUnknownFields: false,
        serviceAccountEmail: this.writerServiceAccount.email,
      },
      deadLetterPolicy: {
        deadLetterTopic: ingest.deadLetterTopicId,
        maxDeliveryAttempts: props.maxDeliveryAttempts ?? 5,
      },
      dependsOn: [this.writerTableGrant, this.serviceAgentTokenGrant, this.deadLetterPublisherGrant],
    });
    this.deadLetterSubscriberGrant = new PubsubSubscriptionIamMember(this, 'DeadLetterSubscriberGrant', {
      subscription: this.subscription.name,
      role: 'roles/pubsub.subscriber',
      member: serviceAgent,
    });

    this.deadLetterSubscription = new PubsubSubscription(this, 'DeadLetterSubscription', {
      name: physicalName(props.name, 'deadLetterSubscription'),
      topic: ingest.deadLetterTopicId,
      ...delivery,
      bigqueryConfig: {
        table: tableReferenceOf(table.deadLetterTableRef),
        // The raw payload goes into the BYTES `data` column, so any message fits.
        useTopicSchema: false,
        writeMetadata: true,
        serviceAccountEmail: this.writerServiceAccount.email,
      },
      dependsOn: [this.writerDeadLetterTableGrant, this.serviceAgentTokenGrant],
    });
  }

  /** Email of the account the subscriptions write as. */
  public get writerServiceAccountEmail(): string {
    return this.writerServiceAccount.email;
  }

  /** Short name of the source subscription. */
  public get subscriptionName(): string {
    return this.subscription.name;
  }
}
