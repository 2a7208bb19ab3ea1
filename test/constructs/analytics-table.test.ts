import 'cdktf/lib/testing/adapters/jest';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Testing } from 'cdktf';
import { AnalyticsTable, PartitionGranularity, RecordSchema } from '../../src';
import { addressOf, orders, resourcesOf, synth } from './helpers';

Testing.setupJest();

describe('AnalyticsTable', () => {
  it('creates a dataset that keeps its contents on destroy, in US by default', () => {
    const { json } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'shop-orders', schema: orders }));
    expect(json).toHaveResourceWithProperties(BigqueryDataset, {
      dataset_id: 'shop_orders',
      location: 'US',
      delete_contents_on_destroy: false,
      labels: { pipeline: 'shop-orders' },
    });
  });

  it('creates the table partitioned by the event time, clustered, with metadata columns and guards', () => {
    const { json } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'shop-orders', schema: orders }));
    expect(json).toHaveResourceWithProperties(BigqueryTable, {
      table_id: 'shop_orders',
      schema: orders.toBigQuerySchemaJson(true),
      time_partitioning: { type: 'DAY', field: 'ordered_at' },
      clustering: ['country', 'status'],
      require_partition_filter: true,
      deletion_protection: true,
      labels: { pipeline: 'shop-orders' },
    });
  });

  it('takes HOUR partitions, a retention and no deletion protection', () => {
    const { json } = synth((scope) => new AnalyticsTable(scope, 'Table', {
      name: 'orders', schema: orders, partitioning: PartitionGranularity.HOUR, retentionDays: 90, deletionProtection: false,
    }));
    expect(json).toHaveResourceWithProperties(BigqueryTable, {
      table_id: 'orders',
      time_partitioning: { type: 'HOUR', field: 'ordered_at', expiration_ms: 90 * 86_400_000 },
      deletion_protection: false,
    });
    expect(json).toHaveResourceWithProperties(BigqueryTable, {
      table_id: 'orders_dead_letters',
      time_partitioning: { type: 'DAY', field: 'publish_time', expiration_ms: 90 * 86_400_000 },
      deletion_protection: false,
    });
  });

  it('creates a dead-letter table with the raw payload and metadata, partitioned by publish_time', () => {
    const { json } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    expect(json).toHaveResourceWithProperties(BigqueryTable, {
      table_id: 'orders_dead_letters',
      schema: JSON.stringify(RecordSchema.deadLetterBigQueryFields()),
      time_partitioning: { type: 'DAY', field: 'publish_time' },
      deletion_protection: true,
    });
  });

  it('creates the view in its own dataset, exposing the chosen fields plus publish_time and message_id', () => {
    let table!: AnalyticsTable;
    const { json, tf } = synth((scope) => {
      table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, location: 'EU', exposedFields: ['order_id', 'country', 'amount'] });
    });
    expect(json).toHaveResourceWithProperties(BigqueryDataset, { dataset_id: 'orders_api', location: 'EU', delete_contents_on_destroy: false });
    const tableAddress = addressOf(tf, 'google_bigquery_table', { table_id: 'orders' , require_partition_filter: true });
    const view = resourcesOf(tf, 'google_bigquery_table').find((t) => t.view);
    expect(view.dataset_id).toBe(`\${${addressOf(tf, 'google_bigquery_dataset', { dataset_id: 'orders_api' })}.dataset_id}`);
    expect(view.view).toEqual({
      query: `SELECT \`order_id\`, \`ordered_at\`, \`country\`, \`amount\`, \`publish_time\`, \`message_id\` FROM \`\${${tableAddress}.project}.\${${tableAddress}.dataset_id}.\${${tableAddress}.table_id}\``,
      use_legacy_sql: false,
    });
    expect(table.exposedSchema.fieldNames).toEqual(['order_id', 'ordered_at', 'country', 'amount']);
    expect(table.exposedSchema.keyField).toBe('order_id');
  });

  it('always exposes the event time and the key, which windows, lookups and de-duplication need', () => {
    let table!: AnalyticsTable;
    const { tf } = synth((scope) => {
      table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, exposedFields: ['country'] });
    });
    const view = resourcesOf(tf, 'google_bigquery_table').find((t) => t.view);
    expect(view.view.query).toMatch(/^SELECT `order_id`, `ordered_at`, `country`, `publish_time`, `message_id` FROM /);
    expect(table.exposedSchema.keyField).toBe('order_id');
  });

  it('exposes every record field by default and never the subscription metadata beyond publish_time and message_id', () => {
    const { tf } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    const view = resourcesOf(tf, 'google_bigquery_table').find((t) => t.view);
    const columns = [...view.view.query.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(columns).toEqual([...orders.fieldNames, 'publish_time', 'message_id']);
    expect(view.view.query).not.toMatch(/attributes|subscription_name/);
  });

  it('holds the records dataset\'s whole access list: the project owners and the view\'s dataset, nothing else', () => {
    const { tf } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    const dataset = resourcesOf(tf, 'google_bigquery_dataset').find((d) => d.dataset_id === 'orders');
    const viewDataset = addressOf(tf, 'google_bigquery_dataset', { dataset_id: 'orders_api' });
    // Without an access list BigQuery adds project readers (READER) and writers (WRITER): every project Viewer
    // could read the raw table, hidden columns included.
    expect(dataset.access).toEqual([
      { role: 'OWNER', special_group: 'projectOwners' },
      { dataset: { dataset: { project_id: `\${${viewDataset}.project}`, dataset_id: `\${${viewDataset}.dataset_id}` }, target_types: ['VIEWS'] } },
    ]);
    // Changes made outside Terraform must show in the next plan.
    expect(dataset.lifecycle?.ignore_changes ?? []).not.toContain('access');
    // The list is whole: no separate access entries that would fight with it (provider docs).
    expect(resourcesOf(tf, 'google_bigquery_dataset_access')).toEqual([]);
    expect(resourcesOf(tf, 'google_bigquery_dataset_iam_member')).toEqual([]);
  });

  it('holds the view\'s dataset access list: owners only, readers of the view are granted on the view', () => {
    const { tf } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    const viewDataset = resourcesOf(tf, 'google_bigquery_dataset').find((d) => d.dataset_id === 'orders_api');
    expect(viewDataset.access).toEqual([{ role: 'OWNER', special_group: 'projectOwners' }]);
    expect(viewDataset.lifecycle?.ignore_changes ?? []).not.toContain('access');
  });

  it('grants nothing on the tables: the dead-letter and records tables are reachable by owners only', () => {
    const { tf } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    expect(Object.keys(tf.resource).filter((type) => /iam|access/.test(type))).toEqual([]);
  });

  it('takes the datasets\' owners as users, groups and service accounts, tokens included', () => {
    const { tf } = synth((scope) => {
      const deployer = new ServiceAccount(scope, 'Deployer', { accountId: 'deployer' });
      new AnalyticsTable(scope, 'Table', {
        name: 'orders',
        schema: orders,
        datasetOwners: ['group:data-owners@example.com', 'user:ana@example.com', `serviceAccount:${deployer.email}`, deployer.member, 'projectOwners'],
      });
    });
    const owners = [
      { role: 'OWNER', group_by_email: 'data-owners@example.com' },
      { role: 'OWNER', user_by_email: 'ana@example.com' },
      { role: 'OWNER', user_by_email: '${google_service_account.Deployer.email}' },
      { role: 'OWNER', iam_member: '${google_service_account.Deployer.member}' },
      { role: 'OWNER', special_group: 'projectOwners' },
    ];
    const datasets = Object.fromEntries(resourcesOf(tf, 'google_bigquery_dataset').map((d) => [d.dataset_id, d.access]));
    expect(datasets.orders_api).toEqual(owners);
    expect(datasets.orders.slice(0, owners.length)).toEqual(owners);
    expect(datasets.orders).toHaveLength(owners.length + 1);
  });

  it.each([
    [[], /datasetOwners must name at least one owner/],
    [['allUsers'], /datasetOwners entry "allUsers" must be user:<email>, group:<email>, serviceAccount:<email> or projectOwners/],
    [['domain:example.com'], /datasetOwners entry "domain:example.com" must be/],
    [['ana@example.com'], /datasetOwners entry "ana@example.com" must be/],
  ])('fails when datasetOwners is %j', (datasetOwners, message) => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, datasetOwners })))
      .toThrow(message);
  });

  it('uses an existing dataset: authorizes the view with one access entry and leaves the rest of its list alone', () => {
    let table!: AnalyticsTable;
    const { json, tf } = synth((scope) => {
      table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, existingDatasetId: 'warehouse' });
    });
    const view = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: false });
    expect(table.dataset).toBeUndefined();
    expect(resourcesOf(tf, 'google_bigquery_dataset').map((d) => d.dataset_id)).toEqual(['orders_api']);
    expect(resourcesOf(tf, 'google_bigquery_table').filter((t) => !t.view).map((t) => t.dataset_id)).toEqual(['warehouse', 'warehouse']);
    expect(resourcesOf(tf, 'google_bigquery_dataset_access')).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(BigqueryDatasetAccessA, {
      dataset_id: 'warehouse',
      view: { project_id: `\${${view}.project}`, dataset_id: `\${${view}.dataset_id}`, table_id: `\${${view}.table_id}` },
    });
  });

  it('fails when both existingDatasetId and dataset options are given', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', {
      name: 'orders', schema: orders, existingDatasetId: 'warehouse', dataset: { description: 'mine' },
    }))).toThrow(/existingDatasetId and dataset are exclusive/);
  });

  it('fails when existingDatasetId is not a dataset id', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, existingDatasetId: 'my-dataset' })))
      .toThrow(/existingDatasetId must be a dataset id \(letters, digits and _\), got "my-dataset"/);
  });

  it('fails when exposedFields names an unknown field', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, exposedFields: ['order_id', 'price'] })))
      .toThrow(/exposedFields must name top-level fields of Order, got unknown price/);
  });

  it('fails when exposedFields is empty', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, exposedFields: [] })))
      .toThrow(/exposedFields must name at least one field/);
  });

  it('fails when retentionDays is out of range', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, retentionDays: 0 })))
      .toThrow(/retentionDays must be an integer between 1 and 36500, got 0/);
  });

  it('fails when partitioning is not a PartitionGranularity', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, partitioning: 'MONTH' as PartitionGranularity })))
      .toThrow(/partitioning must be one of DAY, HOUR, got "MONTH"/);
  });

  it('fails HOUR partitioning without a retention that keeps within 10,000 partitions', () => {
    const hourly = (retentionDays?: number) => () =>
      synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, partitioning: PartitionGranularity.HOUR, retentionDays }));
    expect(hourly()).toThrow(/partitioning HOUR needs retentionDays between 1 and 416, got none \(kept forever\): BigQuery keeps at most 10,000 partitions per table/);
    expect(hourly(417)).toThrow(/partitioning HOUR needs retentionDays between 1 and 416, got 417/);
    expect(hourly(416)).not.toThrow();
  });

  it('fails when location is not a location name', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, location: 'eu west' })))
      .toThrow(/location must be a BigQuery location such as US, EU or europe-west1, got "eu west"/);
  });
});
