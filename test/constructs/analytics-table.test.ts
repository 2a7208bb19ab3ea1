import 'cdktf/lib/testing/adapters/jest';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
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

  it('authorizes the view on the source dataset', () => {
    const { json, tf } = synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }));
    const view = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: false });
    const dataset = addressOf(tf, 'google_bigquery_dataset', { dataset_id: 'orders' });
    expect(json).toHaveResourceWithProperties(BigqueryDatasetAccessA, {
      dataset_id: `\${${dataset}.dataset_id}`,
      view: { project_id: `\${${view}.project}`, dataset_id: `\${${view}.dataset_id}`, table_id: `\${${view}.table_id}` },
    });
  });

  it('uses an existing dataset instead of creating one', () => {
    let table!: AnalyticsTable;
    const { tf } = synth((scope) => {
      table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, existingDatasetId: 'warehouse' });
    });
    expect(table.dataset).toBeUndefined();
    expect(resourcesOf(tf, 'google_bigquery_dataset').map((d) => d.dataset_id)).toEqual(['orders_api']);
    expect(resourcesOf(tf, 'google_bigquery_table').filter((t) => !t.view).map((t) => t.dataset_id)).toEqual(['warehouse', 'warehouse']);
    expect(resourcesOf(tf, 'google_bigquery_dataset_access')[0].dataset_id).toBe('warehouse');
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

  it('fails when location is not a location name', () => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, location: 'eu west' })))
      .toThrow(/location must be a BigQuery location such as US, EU or europe-west1, got "eu west"/);
  });
});
