import { block, Block, blocks, defineRule, isExpression, isFalse, isPublicMember, isTrue, isUnset, path, refersTo, Value } from '../attributes';
import { MAX_HOURLY_RETENTION_DAYS, MAX_PARTITIONS_PER_TABLE } from '../../core/partition-limits';
import { CheckedResource, RuleLevel, StackView } from '../rule';

const TABLE = 'google_bigquery_table';
const DATASET = 'google_bigquery_dataset';

/** Views, materialized views and external tables hold no data of their own to protect, partition or expire. */
function storesData(table: CheckedResource): boolean {
  const attrs = table.attributes;
  return block(attrs.view) === undefined && block(attrs.materialized_view) === undefined && block(attrs.external_data_configuration) === undefined;
}

function isPartitioned(table: CheckedResource): boolean {
  return block(table.attributes.time_partitioning) !== undefined || block(table.attributes.range_partitioning) !== undefined;
}

/** A table Terraform may delete. */
export const bigqueryTableDeletionProtection = defineRule({
  id: 'bigquery-table-deletion-protection',
  level: RuleLevel.WARNING,
  explanation:
    'With deletion_protection = false, a rename, a replacement-forcing change or a stray destroy drops the table and every row in it; BigQuery time travel keeps deleted tables only for up to 7 days.',
  fix: 'Leave deletion_protection unset (the provider defaults to true) or set it to true; turn it off only for the apply that deletes the table on purpose.',
  resourceTypes: [TABLE],
  check: (table) =>
    storesData(table) && isFalse(table.attributes.deletion_protection) ? ['deletion_protection is false'] : [],
});

/** A table without partitions. */
export const bigqueryTablePartitioning = defineRule({
  id: 'bigquery-table-partitioning',
  level: RuleLevel.WARNING,
  explanation:
    'Every query on an unpartitioned table scans (and bills) the whole table, so the cost of each API request grows with the data kept; partitions also make expiry and backfills per day possible.',
  fix: 'Add time_partitioning on the event-time column (AnalyticsTable does, by day), or range_partitioning on an integer key.',
  resourceTypes: [TABLE],
  check: (table) => (storesData(table) && !isPartitioned(table) ? ['the table has neither time_partitioning nor range_partitioning'] : []),
});

/** A partitioned table that accepts queries without a partition filter. */
export const bigqueryTablePartitionFilter = defineRule({
  id: 'bigquery-table-partition-filter',
  level: RuleLevel.WARNING,
  explanation:
    'Partitions only bound the bytes scanned when queries filter on them; without require_partition_filter one ad-hoc SELECT * scans every partition, and on a table that grows daily that is an unbounded bill.',
  fix: 'Set require_partition_filter = true on the table (the top-level argument; time_partitioning.require_partition_filter is deprecated).',
  resourceTypes: [TABLE],
  check: (table) => {
    if (!storesData(table) || !isPartitioned(table)) return [];
    const required = isTrue(table.attributes.require_partition_filter) || isTrue(path(table.attributes, 'time_partitioning', 'require_partition_filter'));
    return required ? [] : ['require_partition_filter is not true'];
  },
});

/** A table whose data is kept forever. */
export const bigqueryTableExpiration = defineRule({
  id: 'bigquery-table-expiration',
  level: RuleLevel.INFO,
  explanation:
    'Without an expiration policy every row is kept and billed forever. This is INFO, not a warning, because keeping analytics data indefinitely is a legitimate decision (the table may be the system of record): the finding makes the retention choice visible, it does not call it a defect.',
  fix: 'Set time_partitioning.expiration_ms (per-partition retention), expiration_time on the table, or default_partition_expiration_ms / default_table_expiration_ms on its dataset; or suppress with the retention decision as the reason.',
  resourceTypes: [TABLE],
  check: (table, stack) => {
    if (!storesData(table)) return [];
    const attrs = table.attributes;
    if (!isUnset(attrs.expiration_time) || !isUnset(path(attrs, 'time_partitioning', 'expiration_ms'))) return [];
    const dataset = datasetOf(table, stack);
    if (dataset && (!isUnset(dataset.attributes.default_partition_expiration_ms) || !isUnset(dataset.attributes.default_table_expiration_ms))) return [];
    return ['neither the table, its partitions nor its dataset expire data'];
  },
});

/** An hourly-partitioned table that keeps more hours than BigQuery allows partitions. */
export const bigqueryHourlyPartitionLimit = defineRule({
  id: 'bigquery-hourly-partition-limit',
  level: RuleLevel.ERROR,
  explanation: `BigQuery keeps at most ${MAX_PARTITIONS_PER_TABLE.toLocaleString('en-US')} partitions per table and refuses writes that would create more. Hourly partitions reach that after ${MAX_HOURLY_RETENTION_DAYS} days unless they expire sooner: from then on every write of a new hour fails, so a BigQuery subscription sends the whole stream to its dead letters.`,
  fix: `Set time_partitioning.expiration_ms (or the dataset's default_partition_expiration_ms) to at most ${MAX_HOURLY_RETENTION_DAYS} days (AnalyticsTable's retentionDays does), or partition by DAY to keep data longer.`,
  resourceTypes: [TABLE],
  check: (table, stack) => {
    const partitioning = block(table.attributes.time_partitioning);
    if (!storesData(table) || partitioning?.type !== 'HOUR') return [];
    const own = partitioning.expiration_ms;
    const expirationMs: Value = isUnset(own) ? datasetOf(table, stack)?.attributes.default_partition_expiration_ms : own;
    if (isExpression(expirationMs)) return [];
    const days = isUnset(expirationMs) ? undefined : Number(expirationMs) / 86_400_000;
    if (days !== undefined && days <= MAX_HOURLY_RETENTION_DAYS) return [];
    return [`HOUR partitions ${days === undefined ? 'never expire' : `expire after ${days} days`}: more than ${MAX_HOURLY_RETENTION_DAYS} days of hours exceed ${MAX_PARTITIONS_PER_TABLE.toLocaleString('en-US')} partitions`];
  },
});

/** A dataset Terraform empties when it destroys it. */
export const bigqueryDatasetDeleteContents = defineRule({
  id: 'bigquery-dataset-delete-contents',
  level: RuleLevel.ERROR,
  explanation:
    'delete_contents_on_destroy = true lets a destroy (or a replacement of the dataset) delete every table in it, deletion protection or not: the analytics store is gone with one command.',
  fix: 'Remove delete_contents_on_destroy (it defaults to false). For throw-away test stacks, suppress with that reason.',
  resourceTypes: [DATASET],
  check: (dataset) => (isTrue(dataset.attributes.delete_contents_on_destroy) ? ['delete_contents_on_destroy is true'] : []),
});

/** Keys of a dataset access entry that say who (or what view, routine or dataset) it grants to. */
const ACCESS_GRANTEES = ['user_by_email', 'group_by_email', 'domain', 'special_group', 'iam_member', 'view', 'routine', 'dataset'];

/** Why a dataset access entry is public, or undefined when it names a principal that is not. */
function publicAccessProblem(entry: Block): string | undefined {
  const role = entry.role ?? 'access';
  for (const key of ['special_group', 'iam_member']) {
    if (isPublicMember(entry[key])) return `grants ${role} to ${key} ${entry[key]}`;
  }
  if (ACCESS_GRANTEES.some((key) => !isUnset(entry[key]))) return undefined;
  return `grants ${role} without naming a grantee (none of ${ACCESS_GRANTEES.join(', ')})`;
}

/** A dataset readable (or writable) by anyone, through its access list. */
export const bigqueryDatasetPublicAccess = defineRule({
  id: 'bigquery-dataset-public-access',
  level: RuleLevel.ERROR,
  explanation:
    'A dataset access entry for allUsers or allAuthenticatedUsers (special_group or iam_member) lets anyone on the internet, or anyone with a Google account, read every table of the dataset (or change it, with WRITER or OWNER), whatever the authorized view exposes. An entry that names no grantee is refused too: it is how a grant to allUsers added by hand shows in imported configuration (checkov fails it for that reason).',
  fix: 'Grant dataset access to named users, groups or service accounts, and expose data through an authorized view (view entry). If the dataset is public on purpose, suppress with who decided and why the data may be public.',
  resourceTypes: [DATASET, 'google_bigquery_dataset_access'],
  check: (resource) => {
    if (resource.type !== DATASET) {
      const problem = publicAccessProblem(resource.attributes);
      return problem ? [`the entry ${problem}`] : [];
    }
    return blocks(resource.attributes.access).flatMap((entry, index) => {
      const problem = publicAccessProblem(entry);
      return problem ? [`access entry ${index} ${problem}`] : [];
    });
  },
});

/** Special groups that stand for every holder of a project role. */
const PROJECT_GROUPS: { [group: string]: string } = {
  projectReaders: 'every project Viewer',
  projectWriters: 'every project Editor',
};

/** A dataset whose tables every project Viewer or Editor can read, through BigQuery's default or explicit access. */
export const bigqueryDatasetProjectAccess = defineRule({
  id: 'bigquery-dataset-project-access',
  level: RuleLevel.WARNING,
  explanation:
    'A dataset created without an access list gets BigQuery\'s default one: projectReaders READER, projectWriters WRITER, projectOwners OWNER. Every project Viewer then reads every table, columns an authorized view hides included, and every Editor can change them; ignore_changes on access hides later changes from every plan. A WARNING, not an ERROR: project roles are not public, and some teams do manage data access at the project level on purpose.',
  fix: 'Give the dataset an explicit access list owned by Terraform: its owners (a group or the deployer), authorized views or datasets, the writers, nothing for projectReaders / projectWriters; and no lifecycle.ignore_changes on access. AnalyticsTable does. If project-level access is intended, suppress with that reason.',
  resourceTypes: [DATASET],
  check: (dataset, stack) => {
    const problems: string[] = [];
    const access = blocks(dataset.attributes.access);
    const ignored: Value = path(dataset.attributes, 'lifecycle', 'ignore_changes');
    if (ignored === 'all' || (Array.isArray(ignored) && ignored.some((a) => a === 'all' || a === 'access'))) {
      problems.push('lifecycle.ignore_changes covers access: changes to who may read it never show in a plan');
    }
    if (isExpression(dataset.attributes.access)) return problems;
    if (access.length === 0 && !hasAuthoritativePolicy(dataset, stack)) {
      problems.push('no access list: BigQuery applies its default one, so every project Viewer reads and every Editor writes its tables');
    }
    access.forEach((entry, index) => {
      const who = PROJECT_GROUPS[entry.special_group];
      if (who) problems.push(`access entry ${index} grants ${entry.role ?? 'access'} to ${who} (special_group ${entry.special_group})`);
    });
    return problems;
  },
});

/** Whether a `google_bigquery_dataset_iam_policy` of the stack sets the whole policy of this dataset. */
function hasAuthoritativePolicy(dataset: CheckedResource, stack: StackView): boolean {
  return stack.ofType('google_bigquery_dataset_iam_policy').some((p) => refersTo(p.attributes.dataset_id, dataset, stack, 'dataset_id'));
}

/** Every BigQuery rule. */
export const bigqueryRules = [
  bigqueryDatasetPublicAccess,
  bigqueryDatasetProjectAccess,
  bigqueryTableDeletionProtection,
  bigqueryTablePartitioning,
  bigqueryTablePartitionFilter,
  bigqueryTableExpiration,
  bigqueryHourlyPartitionLimit,
  bigqueryDatasetDeleteContents,
];

function datasetOf(table: CheckedResource, stack: StackView): CheckedResource | undefined {
  return stack.ofType(DATASET).find((dataset) => refersTo(table.attributes.dataset_id, dataset, stack, 'dataset_id'));
}
