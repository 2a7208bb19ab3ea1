import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Annotations, App, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { AnalyticsTable, AnalyticsTableOptions, analyticsTableOptionProblems } from '../constructs/analytics-table';
import { BigQuerySubscription, BigQuerySubscriptionOptions, bigQuerySubscriptionOptionProblems } from '../constructs/bigquery-subscription';
import { IngestTopic, IngestTopicOptions, ingestTopicOptionProblems } from '../constructs/ingest-topic';
import { IIngestTopic } from '../constructs/pipeline-parts';
import { PIPELINE_APIS, ProjectApis } from '../constructs/project-apis';
import { QueryApi, QueryApiOptions, queryApiOptionProblems } from '../constructs/query-api';
import { ServiceImage } from '../constructs/service-image';
import { claimPhysicalNames, physicalNameConflicts } from '../core/name-claims';
import { ownedPhysicalNames } from '../core/physical-names';
import { labelProblems, nameProblems, nested, pipelineLabels, throwIfProblems } from '../core/validation';
import { PipelineMetrics } from '../monitoring/metrics';
import { PipelineMonitoring, PipelineMonitoringOptions, pipelineMonitoringOptionProblems } from '../monitoring/pipeline-monitoring';
import { RecordSchema } from '../schema';
import { SchemaLockOptions, checkSchemaLock } from './schema-lock';

/** Props of `AnalyticsPipeline`. */
export interface AnalyticsPipelineProps {
  /**
   * Name every physical resource derives from, adapted to each service (BigQuery ids use `_`): 1 to 20
   * lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen, not starting with
   * `goog`. Twenty is what the longest derived name, the service account id `<name>-bq-writer`, leaves room for.
   */
  readonly name: string;

  /** The record definition: the topic's Avro schema, the table's columns and the API's contract. */
  readonly schema: RecordSchema;

  /** Container image of the query API, pinned by tag or digest. */
  readonly image: ServiceImage;

  /**
   * Labels for every resource that takes labels; `pipeline=<name>` is always added.
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };

  /**
   * An existing dataset (in the provider's project) to create the tables in. Refused together with `table.dataset`.
   * The pipeline then owns the tables, their table-level grants and the view's authorization entry on the dataset,
   * not the dataset's other access entries (see `AnalyticsTableProps.existingDatasetId`).
   *
   * @default - a new dataset named after the pipeline
   */
  readonly existingDatasetId?: string;

  /**
   * An existing topic to read records from, with its dead-letter topic (`IngestTopic.fromTopicAttributes`), instead
   * of a new schema, topic and dead-letter topic. Refused together with `ingest`. Its record schema must be
   * `schema`: the table's columns are built from it.
   *
   * @default - a new topic named after the pipeline
   */
  readonly existingTopic?: IIngestTopic;

  /**
   * Options of the ingest topic. Refused together with `existingTopic`.
   *
   * @default - JSON encoding, 7 days of retention, Google-managed encryption
   */
  readonly ingest?: IngestTopicOptions;

  /**
   * Options of the table, the dataset and the view.
   *
   * @default - location US, day partitions kept forever, deletion protection, every field exposed
   */
  readonly table?: AnalyticsTableOptions;

  /**
   * Options of the BigQuery subscriptions.
   *
   * @default - 5 delivery attempts, retries between 10 s and 600 s, 60 s ack deadline
   */
  readonly subscription?: BigQuerySubscriptionOptions;

  /**
   * Options of the query API.
   *
   * @default - private, 31-day query window, 10 GiB per query, 0 to 10 instances of 1 vCPU and 512 MiB
   */
  readonly api?: QueryApiOptions;

  /**
   * Whether the pipeline enables the Google APIs it uses (`google_project_service` for Pub/Sub, BigQuery, Cloud Run,
   * Monitoring, IAM, Resource Manager, and Artifact Registry when the image is built by Terraform), each resource
   * depending on the APIs it needs. They are never disabled on destroy. Turn it off when a project factory or
   * another stack owns the project's APIs.
   *
   * @default true
   */
  readonly enableApis?: boolean;

  /**
   * Thresholds, goals and notification channels of the pipeline's dashboard, alert policies and SLOs.
   *
   * @default - every alert and SLO with the thresholds docs/observability.md justifies, no notification channels
   */
  readonly monitoring?: PipelineMonitoringOptions;

  /**
   * Whether the pipeline creates its dashboard, alert policies and SLOs. Turn it off when monitoring is managed
   * elsewhere (for example by a `FleetMonitoring` only).
   *
   * @default true
   */
  readonly enableMonitoring?: boolean;

  /**
   * The schema lock: synth compares `schema` with the definition in the lock file, fails on changes the deployed
   * pipeline cannot take (naming each field, why, the supported path, and the override), and writes the new
   * definition there. Commit the file with your code (docs/schema-evolution.md).
   *
   * @default - on, with the lock at `schema-locks/<name>.schema-lock.json` beside the app's output directory
   */
  readonly schemaLock?: SchemaLockOptions;
}

/**
 * A complete analytics pipeline from one record definition: producers publish to a schema-validated Pub/Sub topic,
 * a BigQuery subscription writes every message into a partitioned table (dead letters into their own table), and
 * a private Cloud Run API serves the exposed columns through an authorized view.
 */
export class AnalyticsPipeline extends Construct {
  /** The pipeline name. */
  public readonly name: string;
  /** The labels every resource that takes labels carries. */
  public readonly labels: { [key: string]: string };
  /** Schema, topic and dead-letter topic: the ones created, or `existingTopic`. */
  public readonly ingest: IIngestTopic;
  /** Dataset, tables and the API's view. */
  public readonly table: AnalyticsTable;
  /** The subscriptions that write into BigQuery, their service account and grants. */
  public readonly subscription: BigQuerySubscription;
  /** The Cloud Run query API, its service account and grants. */
  public readonly api: QueryApi;
  /** The Google APIs the pipeline enables, unless `enableApis` is false. */
  public readonly apis?: ProjectApis;
  /** Dashboard, alert policies and SLOs, unless `enableMonitoring` is false. */
  public readonly monitoring?: PipelineMonitoring;
  /**
   * The pipeline's metrics as Cloud Monitoring queries (ingest rate, backlog age, dead letters, API errors and
   * latency, ...), also when `enableMonitoring` is false: for alerts, SLOs or dashboards made elsewhere. They create
   * no resources.
   */
  public readonly metrics: PipelineMetrics;

  public constructor(scope: Construct, id: string, props: AnalyticsPipelineProps) {
    super(scope, id);
    const nameIssues = nameProblems(props.name);
    // Two pipelines of one stack must never derive the same topic, dataset, account or service.
    const physicalNames = (nameIssues.length === 0 ? ownedPhysicalNames(props.name, props.existingDatasetId) : [])
      // An existing topic brings its own schema and topics: the pipeline claims none of theirs.
      .filter((n) => !props.existingTopic || !/^(schema|topic):/.test(n));
    throwIfProblems('AnalyticsPipeline', this, [
      ...nameIssues,
      ...physicalNameConflicts(this, physicalNames),
      ...labelProblems(props.labels),
      ...nested('ingest', ingestTopicOptionProblems(props.ingest ?? {})),
      ...existingTopicProblems(props),
      ...analyticsTableOptionProblems(props.table ?? {}, props.schema, props.existingDatasetId, 'table.'),
      ...nested('subscription', bigQuerySubscriptionOptionProblems(props.subscription ?? {})),
      ...nested('api', queryApiOptionProblems(props.api ?? {})),
      ...nested('monitoring', pipelineMonitoringOptionProblems(props.monitoring ?? {})),
    ]);
    claimPhysicalNames(this, physicalNames);

    this.name = props.name;
    this.labels = pipelineLabels(props.name, props.labels);
    const common = { name: props.name, labels: props.labels };

    const createdTopic = props.existingTopic
      ? undefined
      : new IngestTopic(this, 'Ingest', { ...props.ingest, ...common, schema: props.schema, location: props.table?.location });
    this.ingest = props.existingTopic ?? createdTopic!;
    this.table = new AnalyticsTable(this, 'Table', {
      ...props.table,
      ...common,
      schema: props.schema,
      existingDatasetId: props.existingDatasetId,
    });
    this.subscription = new BigQuerySubscription(this, 'Subscription', {
      ...props.subscription,
      ...common,
      ingest: this.ingest,
      table: this.table,
    });
    this.api = new QueryApi(this, 'Api', {
      ...props.api,
      ...common,
      image: props.image,
      table: this.table,
      ingest: this.ingest,
    });
    // A new schema revision is accepted by the topic as soon as it is committed: the table gets its columns first.
    // An existing topic's schema is its owner's to order.
    if (createdTopic) createdTopic.pubsubSchema.dependsOn = [...(createdTopic.pubsubSchema.dependsOn ?? []), dependable(this.table.table)];
    if (props.schemaLock?.enabled ?? true) this.guardSchemaChanges(props.name, props.schema, props.schemaLock ?? {}, createdTopic !== undefined);
    if (props.enableApis ?? true) {
      // One set per stack: pipelines side by side share the project's APIs instead of each declaring them.
      this.apis = ProjectApis.ofStack(this, [...PIPELINE_APIS, ...(this.api.imageConfig.requiredApis ?? [])]);
      this.apis.addDependents(this);
    }
    const resourceNames = {
      topicName: this.ingest.topicName,
      subscriptionName: this.subscription.subscriptionName,
      deadLetterSubscriptionName: this.subscription.deadLetterSubscription.name,
      serviceName: this.api.service.name,
      serviceLocation: this.api.service.location,
    };
    if (props.enableMonitoring ?? true) {
      this.monitoring = new PipelineMonitoring(this, 'Monitoring', { ...props.monitoring, ...resourceNames, pipelineName: props.name, labels: props.labels });
    }
    // One metrics object: the monitoring's own when there is one.
    this.metrics = this.monitoring?.metrics ?? new PipelineMetrics(resourceNames);
  }

  /** Compares the schema with its lock when the app synthesizes (validations run there, not in `Testing.synthScope`). */
  private guardSchemaChanges(name: string, schema: RecordSchema, options: SchemaLockOptions, ownsPubSubSchema: boolean): void {
    this.node.addValidation({
      validate: () => {
        const path = options.path ?? join(App.of(this).outdir, '..', 'schema-locks', `${name}.schema-lock.json`);
        const check = checkSchemaLock(name, schema, path, options.acceptIncompatibleChanges ?? [], ownsPubSubSchema);
        for (const warning of check.warnings) Annotations.of(this).addWarning(warning);
        return check.errors;
      },
    });
  }

  /**
   * Lets `member` publish records to the ingest topic (`roles/pubsub.publisher` on that topic only). Refuses
   * public and domain-wide members unless `ingest.allowPublicPublishing` is true.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `serviceAccount:producer@p.iam.gserviceaccount.com`
   */
  public grantPublish(id: string, member: string): PubsubTopicIamMember {
    return this.ingest.grantPublish(id, member);
  }

  /**
   * Lets `member` query the view directly in BigQuery (`roles/bigquery.dataViewer` on the view only: the exposed
   * columns, never the raw table). Public and domain-wide members are refused. To run queries the member also needs
   * `roles/bigquery.jobUser` in some project.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `group:analysts@example.com`
   */
  public grantViewRead(id: string, member: string): BigqueryTableIamMember {
    return this.table.grantViewRead(id, member);
  }

  /**
   * Lets `member` call the query API (`roles/run.invoker` on the service only). Refuses public and domain-wide
   * members unless `api.allowPublicAccess` is true.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `serviceAccount:partner@p.iam.gserviceaccount.com`
   */
  public grantInvoke(id: string, member: string): CloudRunV2ServiceIamMember {
    return this.api.grantInvoke(id, member);
  }

  /** Full id of the ingest topic, `projects/<project>/topics/<name>`: where producers publish. */
  public get topicId(): string {
    return this.ingest.topicId;
  }

  /** Short name of the ingest topic. */
  public get topicName(): string {
    return this.ingest.topicName;
  }

  /** Full id of the dead-letter topic. */
  public get deadLetterTopicId(): string {
    return this.ingest.deadLetterTopicId;
  }

  /** `project.dataset.table` of the records table. */
  public get tableReference(): string {
    return this.table.tableReference;
  }

  /** `project.dataset.table` of the dead-letter table. */
  public get deadLetterTableReference(): string {
    return this.table.deadLetterTableReference;
  }

  /** `project.dataset.view` of the view the API reads. */
  public get viewReference(): string {
    return this.table.viewReference;
  }

  /** HTTPS URL of the query API. */
  public get serviceUrl(): string {
    return this.api.serviceUrl;
  }

  /** Email of the query API's service account. */
  public get apiServiceAccountEmail(): string {
    return this.api.serviceAccountEmail;
  }

  /** Email of the account the subscriptions write to BigQuery as. */
  public get writerServiceAccountEmail(): string {
    return this.subscription.writerServiceAccountEmail;
  }
}

/** Every broken rule of the existing-or-new choice of the topic. */
function existingTopicProblems(props: AnalyticsPipelineProps): string[] {
  if (!props.existingTopic) return [];
  const problems: string[] = [];
  if (props.ingest !== undefined) {
    problems.push('existingTopic and ingest are exclusive: give an existing topic or options for a new one, never both');
  }
  if (props.existingTopic.recordSchema.toJson() !== props.schema.toJson()) {
    problems.push(`existingTopic's record schema must be the pipeline's schema ${props.schema.name}: the table's columns are built from it`);
  }
  return problems;
}
