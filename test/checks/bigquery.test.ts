import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryDatasetIamPolicy } from '@cdktf/provider-google/lib/bigquery-dataset-iam-policy';
import { BigqueryTable, BigqueryTableConfig } from '@cdktf/provider-google/lib/bigquery-table';
import { TerraformStack } from 'cdktf';
import { findingsOf } from './helpers';

/** A dataset and a table that pass every BigQuery rule, with overrides on the table. */
function table(stack: TerraformStack, overrides: Partial<BigqueryTableConfig> = {}, datasetExpiry?: number): BigqueryTable {
  const dataset = new BigqueryDataset(stack, 'Dataset', { datasetId: 'records', labels: { pipeline: 'p' }, defaultPartitionExpirationMs: datasetExpiry });
  return new BigqueryTable(stack, 'Table', {
    datasetId: dataset.datasetId,
    tableId: 'events',
    labels: { pipeline: 'p' },
    timePartitioning: { type: 'DAY', field: 'event_time', expirationMs: 90 * 86_400_000 },
    requirePartitionFilter: true,
    ...overrides,
  });
}

const VIEW = { view: { query: 'SELECT 1', useLegacySql: false }, timePartitioning: undefined, requirePartitionFilter: undefined };

describe('bigquery-table-deletion-protection', () => {
  it('fails when deletion protection is turned off', () => {
    expect(findingsOf('bigquery-table-deletion-protection', (stack) => table(stack, { deletionProtection: false }))).toEqual([
      ['google_bigquery_table.Table', 'deletion_protection is false'],
    ]);
  });

  it('passes the provider default, an explicit true, and views', () => {
    expect(findingsOf('bigquery-table-deletion-protection', (stack) => table(stack))).toEqual([]);
    expect(findingsOf('bigquery-table-deletion-protection', (stack) => table(stack, { deletionProtection: true }))).toEqual([]);
    expect(findingsOf('bigquery-table-deletion-protection', (stack) => table(stack, { ...VIEW, deletionProtection: false }))).toEqual([]);
  });
});

describe('bigquery-table-partitioning', () => {
  it('fails when the table has no partitioning', () => {
    expect(findingsOf('bigquery-table-partitioning', (stack) => table(stack, { timePartitioning: undefined, requirePartitionFilter: undefined }))).toEqual([
      ['google_bigquery_table.Table', 'the table has neither time_partitioning nor range_partitioning'],
    ]);
  });

  it('passes time or range partitioning, and views', () => {
    expect(findingsOf('bigquery-table-partitioning', (stack) => table(stack))).toEqual([]);
    expect(
      findingsOf('bigquery-table-partitioning', (stack) =>
        table(stack, { timePartitioning: undefined, rangePartitioning: { field: 'id', range: { start: 0, end: 100, interval: 10 } } }),
      ),
    ).toEqual([]);
    expect(findingsOf('bigquery-table-partitioning', (stack) => table(stack, VIEW))).toEqual([]);
  });
});

describe('bigquery-table-partition-filter', () => {
  it('fails when a partitioned table does not require a partition filter', () => {
    expect(findingsOf('bigquery-table-partition-filter', (stack) => table(stack, { requirePartitionFilter: false }))).toEqual([
      ['google_bigquery_table.Table', 'require_partition_filter is not true'],
    ]);
  });

  it('passes require_partition_filter = true', () => {
    expect(findingsOf('bigquery-table-partition-filter', (stack) => table(stack))).toEqual([]);
  });
});

describe('bigquery-hourly-partition-limit', () => {
  const hourly = (expirationMs?: number) => ({ timePartitioning: { type: 'HOUR', field: 'event_time', expirationMs } });

  it('fails HOUR partitions that never expire or outlive 10,000 hours', () => {
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, hourly()))).toEqual([
      ['google_bigquery_table.Table', 'HOUR partitions never expire: more than 416 days of hours exceed 10,000 partitions'],
    ]);
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, hourly(417 * 86_400_000)))).toEqual([
      ['google_bigquery_table.Table', 'HOUR partitions expire after 417 days: more than 416 days of hours exceed 10,000 partitions'],
    ]);
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, hourly(), 500 * 86_400_000))).toEqual([
      ['google_bigquery_table.Table', 'HOUR partitions expire after 500 days: more than 416 days of hours exceed 10,000 partitions'],
    ]);
  });

  it('passes HOUR partitions expiring within 416 days (their own or the dataset default), DAY partitions and views', () => {
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, hourly(416 * 86_400_000)))).toEqual([]);
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, hourly(), 30 * 86_400_000))).toEqual([]);
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, { timePartitioning: { type: 'DAY', field: 'event_time' } }))).toEqual([]);
    expect(findingsOf('bigquery-hourly-partition-limit', (stack) => table(stack, VIEW))).toEqual([]);
  });
});

describe('bigquery-table-expiration', () => {
  it('fails (INFO) when neither table, partitions nor dataset expire data', () => {
    expect(findingsOf('bigquery-table-expiration', (stack) => table(stack, { timePartitioning: { type: 'DAY', field: 'event_time' } }))).toEqual([
      ['google_bigquery_table.Table', 'neither the table, its partitions nor its dataset expire data'],
    ]);
  });

  it('passes partition expiry, table expiry or a dataset default', () => {
    expect(findingsOf('bigquery-table-expiration', (stack) => table(stack))).toEqual([]);
    const noPartitionExpiry = { timePartitioning: { type: 'DAY', field: 'event_time' } };
    expect(findingsOf('bigquery-table-expiration', (stack) => table(stack, { ...noPartitionExpiry, expirationTime: 1_900_000_000_000 }))).toEqual([]);
    expect(findingsOf('bigquery-table-expiration', (stack) => table(stack, noPartitionExpiry, 30 * 86_400_000))).toEqual([]);
  });
});

describe('bigquery-dataset-delete-contents', () => {
  it('fails when destroying the dataset deletes its tables', () => {
    expect(findingsOf('bigquery-dataset-delete-contents', (stack) => new BigqueryDataset(stack, 'Dataset', { datasetId: 'd', deleteContentsOnDestroy: true }))).toEqual([
      ['google_bigquery_dataset.Dataset', 'delete_contents_on_destroy is true'],
    ]);
  });

  it('passes the default and false', () => {
    expect(
      findingsOf('bigquery-dataset-delete-contents', (stack) => {
        new BigqueryDataset(stack, 'Unset', { datasetId: 'a' });
        new BigqueryDataset(stack, 'Explicit', { datasetId: 'b', deleteContentsOnDestroy: false });
      }),
    ).toEqual([]);
  });
});

describe('bigquery-dataset-public-access', () => {
  it('fails a public entry in the dataset access list, naming its index', () => {
    expect(
      findingsOf('bigquery-dataset-public-access', (stack) => {
        new BigqueryDataset(stack, 'Dataset', {
          datasetId: 'records',
          access: [
            { role: 'OWNER', groupByEmail: 'data-owners@acme.com' },
            { role: 'READER', iamMember: 'allAuthenticatedUsers' },
          ],
        });
      }),
    ).toEqual([['google_bigquery_dataset.Dataset', 'access entry 1 grants READER to iam_member allAuthenticatedUsers']]);
  });

  it('fails a public google_bigquery_dataset_access entry', () => {
    expect(
      findingsOf('bigquery-dataset-public-access', (stack) => {
        new BigqueryDatasetAccessA(stack, 'Public', { datasetId: 'records', role: 'READER', specialGroup: 'allUsers' });
        new BigqueryDatasetAccessA(stack, 'Writer', { datasetId: 'records', role: 'WRITER', userByEmail: 'writer@acme.iam.gserviceaccount.com' });
        new BigqueryDatasetAccessA(stack, 'View', { datasetId: 'records', view: { projectId: 'acme', datasetId: 'api', tableId: 'events' } });
      }),
    ).toEqual([['google_bigquery_dataset_access.Public', 'the entry grants READER to special_group allUsers']]);
  });
});

describe('bigquery-dataset-project-access', () => {
  it('fails a dataset without an access list (BigQuery applies its default one)', () => {
    expect(findingsOf('bigquery-dataset-project-access', (stack) => new BigqueryDataset(stack, 'Dataset', { datasetId: 'records' }))).toEqual([
      ['google_bigquery_dataset.Dataset', 'no access list: BigQuery applies its default one, so every project Viewer reads and every Editor writes its tables'],
    ]);
  });

  it('fails access for every project Viewer or Editor, and an ignore_changes that hides access changes', () => {
    expect(
      findingsOf('bigquery-dataset-project-access', (stack) => {
        new BigqueryDataset(stack, 'Dataset', {
          datasetId: 'records',
          access: [
            { role: 'OWNER', specialGroup: 'projectOwners' },
            { role: 'READER', specialGroup: 'projectReaders' },
            { role: 'WRITER', specialGroup: 'projectWriters' },
          ],
          lifecycle: { ignoreChanges: ['access'] },
        });
      }),
    ).toEqual([
      ['google_bigquery_dataset.Dataset', 'lifecycle.ignore_changes covers access: changes to who may read it never show in a plan'],
      ['google_bigquery_dataset.Dataset', 'access entry 1 grants READER to every project Viewer (special_group projectReaders)'],
      ['google_bigquery_dataset.Dataset', 'access entry 2 grants WRITER to every project Editor (special_group projectWriters)'],
    ]);
  });

  it('passes an explicit access list of owners and authorized datasets, and a dataset whose IAM policy is set authoritatively', () => {
    expect(
      findingsOf('bigquery-dataset-project-access', (stack) => {
        new BigqueryDataset(stack, 'Explicit', {
          datasetId: 'records',
          access: [
            { role: 'OWNER', groupByEmail: 'data-owners@acme.com' },
            { dataset: { dataset: { datasetId: 'api', projectId: 'acme' }, targetTypes: ['VIEWS'] } },
          ],
        });
        const governed = new BigqueryDataset(stack, 'Governed', { datasetId: 'governed' });
        new BigqueryDatasetIamPolicy(stack, 'Policy', { datasetId: governed.datasetId, policyData: '${data.google_iam_policy.owners.policy_data}' });
      }),
    ).toEqual([]);
  });
});
