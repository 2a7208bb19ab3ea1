import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { parseTableReference } from '../contract/bigquery-names';
import { RecordSchema } from '../schema';
import { MAX_HOURLY_RETENTION_DAYS, MAX_PARTITIONS_PER_TABLE } from '../core/partition-limits';
import { bigQueryId } from '../core/physical-names';
import { checkIntegerRange, labelProblems, nameProblems, pipelineLabels, throwIfProblems } from '../core/validation';
import { PROJECT_OWNERS, checkGrantMember, datasetOwnerProblems, ownerAccessEntry } from './iam-members';
import { BigQueryTableRef, IQueryableView, IRecordTables, PartitionGranularity, tableReferenceOf } from './pipeline-parts';

export { PartitionGranularity };

/** Options of the dataset the table creates; refused together with an existing dataset. */
export interface DatasetOptions {
  /**
   * Dataset description.
   *
   * @default - a description naming the pipeline
   */
  readonly description?: string;

  /**
   * Cloud KMS key that encrypts new tables of the dataset by default. The BigQuery service account needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;
}

/** Options of the analytics table, reusable by `AnalyticsPipeline`. */
export interface AnalyticsTableOptions {
  /**
   * BigQuery location of the datasets (the view's dataset must share the source dataset's location). With an
   * existing dataset, give that dataset's location.
   *
   * @default 'US'
   */
  readonly location?: string;

  /**
   * Partition granularity on the event time. A page of the API bills at least the partition holding its newest row
   * (the columns it reads), so from about 10 GB of exposed columns a day (a DAY partition then exceeds the API's
   * default 10 GiB per-query budget) choose `HOUR`: each page then bills about 1/24 of a day. `HOUR` needs
   * `retentionDays` of at most 416, because BigQuery keeps at most 10,000 partitions per table and refuses writes
   * that would create more. The granularity cannot change on a deployed table (Terraform replaces it).
   *
   * @default PartitionGranularity.DAY
   */
  readonly partitioning?: PartitionGranularity;

  /**
   * How long partitions are kept, in days, counted from the event time (also applies to the dead-letter table).
   * Between 1 and 36500; at most 416 with `HOUR` partitioning.
   *
   * @default - partitions are kept forever
   */
  readonly retentionDays?: number;

  /**
   * Whether Terraform refuses to destroy the tables (`deletion_protection`).
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Top-level record fields the view exposes to the API. The event-time and key fields are always exposed: query
   * windows, lookups and de-duplication need them.
   *
   * @default - every record field
   */
  readonly exposedFields?: string[];

  /**
   * Who owns the datasets the table creates (the records dataset and the view's dataset): `OWNER` in their access
   * lists, which Terraform holds whole. `user:<email>`, `group:<email>`, `serviceAccount:<email>`, or
   * `projectOwners` for the project's owners. Nobody else gets dataset-level access: the view reads the records as
   * an authorized dataset, the writer and readers of the view get table-level grants. With `existingDatasetId`,
   * only the view's dataset takes these owners.
   *
   * @default ['projectOwners'] - the project's owners, as BigQuery's own default list has them, without its
   * project readers and writers
   */
  readonly datasetOwners?: string[];

  /**
   * Options of the dataset to create. Refused together with `existingDatasetId`.
   *
   * @default - a dataset named after the pipeline with no description or CMEK key
   */
  readonly dataset?: DatasetOptions;
}

/** Props of `AnalyticsTable`. */
export interface AnalyticsTableProps extends AnalyticsTableOptions {
  /**
   * Pipeline name the physical names derive from (with `_` for `-`): dataset `<name>`, tables `<name>` and
   * `<name>_dead_letters`, view dataset `<name>_api`, view `<name>`.
   */
  readonly name: string;

  /** The record definition; gives the table's columns, partitioning field and clustering. */
  readonly schema: RecordSchema;

  /**
   * An existing dataset (in the provider's project) to create the tables in, instead of a new dataset. The library
   * then owns the two tables, their table-level grants and one access entry on the dataset that authorizes the
   * view (`google_bigquery_dataset_access`); the dataset's other access entries stay its owner's. If that owner
   * manages the access list as a whole (`access` blocks, or `google_bigquery_dataset_iam_policy`/`_binding`), it
   * must list the view's authorization too, or the next apply there removes it.
   *
   * @default - a new dataset named after the pipeline
   */
  readonly existingDatasetId?: string;

  /**
   * Labels for the datasets and tables (`pipeline=<name>` is always added).
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };
}

const DAY_MS = 86_400_000;

/**
 * Every broken rule of `AnalyticsTableOptions` (and the existing-dataset choice) for this schema; `prefix` names
 * where the options sit (`table.` inside `AnalyticsPipeline`).
 */
export function analyticsTableOptionProblems(options: AnalyticsTableOptions, schema: RecordSchema, existingDatasetId?: string, prefix = ''): string[] {
  const problems: string[] = [];
  checkIntegerRange(problems, `${prefix}retentionDays`, options.retentionDays, 1, 36500);
  if (options.partitioning !== undefined && !Object.values(PartitionGranularity).includes(options.partitioning)) {
    problems.push(`${prefix}partitioning must be one of ${Object.values(PartitionGranularity).join(', ')}, got ${JSON.stringify(options.partitioning)}`);
  }
  if (options.partitioning === PartitionGranularity.HOUR && !Token.isUnresolved(options.retentionDays ?? 0) && !((options.retentionDays ?? Infinity) <= MAX_HOURLY_RETENTION_DAYS)) {
    problems.push(
      `${prefix}partitioning HOUR needs ${prefix}retentionDays between 1 and ${MAX_HOURLY_RETENTION_DAYS}, got ${options.retentionDays ?? 'none (kept forever)'}: ` +
        `BigQuery keeps at most ${MAX_PARTITIONS_PER_TABLE.toLocaleString('en-US')} partitions per table and refuses writes that would create more, which hourly partitions reach after ${MAX_HOURLY_RETENTION_DAYS} days. ` +
        `Set ${prefix}retentionDays, or use DAY partitions to keep data longer`,
    );
  }
  if (options.location !== undefined && !Token.isUnresolved(options.location) && !/^[A-Za-z][A-Za-z0-9-]*$/.test(options.location)) {
    problems.push(`${prefix}location must be a BigQuery location such as US, EU or europe-west1, got ${JSON.stringify(options.location)}`);
  }
  if (options.exposedFields !== undefined) {
    if (options.exposedFields.length === 0) problems.push(`${prefix}exposedFields must name at least one field (omit it to expose every field)`);
    const unknown = options.exposedFields.filter((f) => !Token.isUnresolved(f) && !schema.field(f));
    if (unknown.length > 0) {
      problems.push(`${prefix}exposedFields must name top-level fields of ${schema.name}, got unknown ${unknown.join(', ')} (fields: ${schema.fieldNames.join(', ')})`);
    }
  }
  problems.push(...datasetOwnerProblems(`${prefix}datasetOwners`, options.datasetOwners));
  if (existingDatasetId !== undefined && options.dataset !== undefined) {
    problems.push(`existingDatasetId and ${prefix}dataset are exclusive: give an existing dataset or options for a new one, never both`);
  }
  if (existingDatasetId !== undefined && !Token.isUnresolved(existingDatasetId) && !/^[A-Za-z0-9_]{1,1024}$/.test(existingDatasetId)) {
    problems.push(`existingDatasetId must be a dataset id (letters, digits and _), got ${JSON.stringify(existingDatasetId)}`);
  }
  return problems;
}

/**
 * Where records are stored and how the API sees them: a dataset (new or existing), the table partitioned on the
 * event time and clustered, the dead-letter table, and a view in its own dataset that exposes only the chosen
 * columns and is authorized on the source dataset.
 */
export class AnalyticsTable extends Construct implements IRecordTables, IQueryableView {
  /**
   * A view created elsewhere, for a `QueryApi` to serve: `project.dataset.view`, its location and the fields it
   * exposes. Nothing is created; `grantViewRead` grants on that view.
   */
  public static fromViewReference(scope: Construct, id: string, attrs: ViewAttributes): IQueryableView {
    return new ImportedView(scope, id, attrs);
  }

  /**
   * Tables created elsewhere, for a `BigQuerySubscription` to write: the records table (its columns must take the
   * topic's schema plus the Pub/Sub metadata columns) and the dead-letter table. Nothing is created.
   */
  public static fromTableRefs(scope: Construct, id: string, attrs: RecordTablesAttributes): IRecordTables {
    return new ImportedRecordTables(scope, id, attrs);
  }

  /** The dataset created for the tables, if no existing dataset was given. */
  public readonly dataset?: BigqueryDataset;
  /** The table the subscription writes records into. */
  public readonly table: BigqueryTable;
  /** The table the dead-letter subscription writes undeliverable messages into. */
  public readonly deadLetterTable: BigqueryTable;
  /** The dataset that holds only the view; the API may read this dataset and nothing else. */
  public readonly viewDataset: BigqueryDataset;
  /** The view the API reads: exposed fields plus `publish_time` and `message_id`. */
  public readonly view: BigqueryTable;
  /**
   * Authorizes the view on an existing dataset, so readers of the view need no access to the table. A dataset the
   * table creates authorizes the view's dataset in its own access list instead, and this is undefined.
   */
  public readonly viewAccess?: BigqueryDatasetAccessA;
  /** The record definition restricted to the exposed fields: what the API serves. */
  public readonly exposedSchema: RecordSchema;
  /** Id of the dataset that holds the tables. */
  public readonly datasetId: string;
  /** BigQuery location of the datasets. */
  public readonly location: string;
  /** How the records table is partitioned on the event time. */
  public readonly partitioning: PartitionGranularity;

  public constructor(scope: Construct, id: string, props: AnalyticsTableProps) {
    super(scope, id);
    throwIfProblems('AnalyticsTable', this, [
      ...nameProblems(props.name),
      ...labelProblems(props.labels),
      ...analyticsTableOptionProblems(props, props.schema, props.existingDatasetId),
    ]);

    const base = bigQueryId(props.name);
    const labels = pipelineLabels(props.name, props.labels);
    const deletionProtection = props.deletionProtection ?? true;
    const expirationMs = props.retentionDays !== undefined ? props.retentionDays * DAY_MS : undefined;
    this.location = props.location ?? 'US';
    this.partitioning = props.partitioning ?? PartitionGranularity.DAY;
    this.exposedSchema = props.schema.project(props.exposedFields ?? props.schema.fieldNames);

    const owners = (props.datasetOwners ?? [PROJECT_OWNERS]).map(ownerAccessEntry);

    // Created first: the records dataset's access list authorizes it, and the view's dataset depends on nothing.
    this.viewDataset = new BigqueryDataset(this, 'ViewDataset', {
      datasetId: `${base}_api`,
      location: this.location,
      description: `What the ${props.name} query API may read: one view over the records.`,
      labels,
      deleteContentsOnDestroy: false,
      // The whole list, held by Terraform: owners only. Readers of the view get table-level grants on it.
      access: owners,
    });

    if (props.existingDatasetId !== undefined) {
      this.datasetId = props.existingDatasetId;
    } else {
      this.dataset = new BigqueryDataset(this, 'Dataset', {
        datasetId: base,
        location: this.location,
        description: props.dataset?.description ?? `Records of the ${props.name} analytics pipeline.`,
        labels,
        // Destroying the stack must never take the data with it.
        deleteContentsOnDestroy: false,
        defaultEncryptionConfiguration: props.dataset?.kmsKeyName ? { kmsKeyName: props.dataset.kmsKeyName } : undefined,
        // The whole list, held by Terraform, so BigQuery's default (project readers and writers) never applies and
        // any change made elsewhere shows in the next plan. The views of the view's dataset are authorized as a
        // dataset: an authorized view entry would need the view, which needs this dataset's table, a cycle.
        access: [
          ...owners,
          { dataset: { dataset: { projectId: this.viewDataset.project, datasetId: this.viewDataset.datasetId }, targetTypes: ['VIEWS'] } },
        ],
      });
      this.datasetId = this.dataset.datasetId;
    }

    this.table = new BigqueryTable(this, 'Table', {
      datasetId: this.datasetId,
      tableId: base,
      description: props.schema.description,
      labels,
      schema: props.schema.toBigQuerySchemaJson(true),
      timePartitioning: {
        type: this.partitioning,
        field: props.schema.eventTimeField,
        expirationMs,
      },
      // Every query must name a time range: a full scan of a large table is the costliest mistake.
      requirePartitionFilter: true,
      clustering: props.schema.clusteringFields.length > 0 ? props.schema.clusteringFields : undefined,
      deletionProtection,
    });

    this.deadLetterTable = new BigqueryTable(this, 'DeadLetterTable', {
      datasetId: this.datasetId,
      tableId: `${base}_dead_letters`,
      description: `Messages of the ${props.name} pipeline that could not be written, kept as raw bytes with their metadata.`,
      labels,
      schema: JSON.stringify(RecordSchema.deadLetterBigQueryFields()),
      timePartitioning: { type: PartitionGranularity.DAY, field: 'publish_time', expirationMs },
      // Dead letters are read by time too: refuse unbounded scans of a table that only grows.
      requirePartitionFilter: true,
      deletionProtection,
    });

    const columns = [...this.exposedSchema.fieldNames, 'publish_time', 'message_id'].map((c) => `\`${c}\``);
    this.view = new BigqueryTable(this, 'View', {
      datasetId: this.viewDataset.datasetId,
      tableId: base,
      description: `The columns of ${props.schema.name} the API serves, plus publish_time and message_id for de-duplication and paging.`,
      labels,
      view: {
        query: `SELECT ${columns.join(', ')} FROM \`${this.table.project}.${this.table.datasetId}.${this.table.tableId}\``,
        useLegacySql: false,
      },
      // A view holds no data: let it be replaced freely.
      deletionProtection: false,
    });

    if (props.existingDatasetId !== undefined) {
      // One entry added to a list the library does not own.
      this.viewAccess = new BigqueryDatasetAccessA(this, 'ViewAccess', {
        datasetId: this.datasetId,
        view: this.viewRef,
      });
    }
  }

  /**
   * Lets `member` query the view (`roles/bigquery.dataViewer` on the view only, never on the raw table or a
   * dataset). Public and domain-wide members are refused. To run queries the member also needs
   * `roles/bigquery.jobUser` in some project.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `group:analysts@example.com`
   */
  public grantViewRead(id: string, member: string): BigqueryTableIamMember {
    return grantViewRead(this, id, this.viewRef, member);
  }

  /** Where the records table is. */
  public get recordsTableRef(): BigQueryTableRef {
    return { projectId: this.table.project, datasetId: this.table.datasetId, tableId: this.table.tableId };
  }

  /** Where the dead-letter table is. */
  public get deadLetterTableRef(): BigQueryTableRef {
    return { projectId: this.deadLetterTable.project, datasetId: this.deadLetterTable.datasetId, tableId: this.deadLetterTable.tableId };
  }

  /** Where the view is. */
  public get viewRef(): BigQueryTableRef {
    return { projectId: this.view.project, datasetId: this.view.datasetId, tableId: this.view.tableId };
  }

  /** `project.dataset.table` of the records table, as a BigQuery subscription expects it. */
  public get tableReference(): string {
    return tableReferenceOf(this.recordsTableRef);
  }

  /** `project.dataset.table` of the dead-letter table. */
  public get deadLetterTableReference(): string {
    return tableReferenceOf(this.deadLetterTableRef);
  }

  /** `project.dataset.view` of the view the API reads. */
  public get viewReference(): string {
    return tableReferenceOf(this.viewRef);
  }

  /** Id of the dataset that holds the view. */
  public get viewDatasetId(): string {
    return this.viewDataset.datasetId;
  }

  /** Id of the view inside its dataset. */
  public get viewId(): string {
    return this.view.tableId;
  }
}

/** A view created elsewhere, as `AnalyticsTable.fromViewReference` takes it. */
export interface ViewAttributes {
  /** `project.dataset.view`. */
  readonly viewReference: string;
  /** BigQuery location of the view's dataset, such as `EU`. */
  readonly location: string;
  /** The record fields the view exposes; must include the event-time and key fields. */
  readonly exposedSchema: RecordSchema;
  /**
   * How the table under the view is partitioned on the event time.
   *
   * @default PartitionGranularity.DAY
   */
  readonly partitioning?: PartitionGranularity;
}

/** Tables created elsewhere, as `AnalyticsTable.fromTableRefs` takes them. */
export interface RecordTablesAttributes {
  /** The table records are written into. */
  readonly recordsTable: BigQueryTableRef;
  /** The table undeliverable messages are written into. */
  readonly deadLetterTable: BigQueryTableRef;
}

/** The view read grant of a created or an imported view: table-level, named readers only. */
function grantViewRead(scope: Construct, id: string, view: BigQueryTableRef, member: string): BigqueryTableIamMember {
  checkGrantMember(scope, 'grantViewRead', member, { what: 'the view' });
  return new BigqueryTableIamMember(scope, id, { project: view.projectId, datasetId: view.datasetId, tableId: view.tableId, role: 'roles/bigquery.dataViewer', member });
}

/** A view created elsewhere. */
class ImportedView extends Construct implements IQueryableView {
  public readonly viewRef: BigQueryTableRef;
  public readonly location: string;
  public readonly exposedSchema: RecordSchema;
  public readonly partitioning: PartitionGranularity;

  public constructor(scope: Construct, id: string, attrs: ViewAttributes) {
    super(scope, id);
    const ref = parseTableReference(attrs.viewReference);
    throwIfProblems('AnalyticsTable.fromViewReference', this, ref ? [] : [
      `viewReference must be project.dataset.view with ids the query API can read (dataset and view: letters, digits and _; a literal: its parts become the grants' and the service's settings), got ${JSON.stringify(attrs.viewReference)}`,
    ]);
    this.viewRef = ref!;
    this.location = attrs.location;
    this.exposedSchema = attrs.exposedSchema;
    this.partitioning = attrs.partitioning ?? PartitionGranularity.DAY;
  }

  public grantViewRead(id: string, member: string): BigqueryTableIamMember {
    return grantViewRead(this, id, this.viewRef, member);
  }
}

/** Tables created elsewhere. */
class ImportedRecordTables extends Construct implements IRecordTables {
  public readonly recordsTableRef: BigQueryTableRef;
  public readonly deadLetterTableRef: BigQueryTableRef;

  public constructor(scope: Construct, id: string, attrs: RecordTablesAttributes) {
    super(scope, id);
    this.recordsTableRef = attrs.recordsTable;
    this.deadLetterTableRef = attrs.deadLetterTable;
  }
}
