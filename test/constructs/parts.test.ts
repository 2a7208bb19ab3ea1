import 'cdktf/lib/testing/adapters/jest';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { Testing } from 'cdktf';
import { AnalyticsTable, BigQuerySubscription, IngestTopic, QueryApi } from '../../src';
import { Json, image, orders, resourcesOf, synth } from './helpers';

Testing.setupJest();

const TOPIC = 'projects/acme-data/topics/shop-orders';
const DEAD_LETTERS = 'projects/acme-data/topics/shop-orders-dead-letters';
const envOf = (tf: Json): Record<string, string> =>
  Object.fromEntries(resourcesOf(tf, 'google_cloud_run_v2_service')[0].template.containers[0].env.map((e: Json) => [e.name, e.value]));

describe('parts that compose', () => {
  test('a BigQuerySubscription writes from an imported topic into imported tables, granted on those tables only', () => {
    const { json, tf } = synth((scope) => {
      const ingest = IngestTopic.fromTopicAttributes(scope, 'Ingest', { topicId: TOPIC, deadLetterTopicId: DEAD_LETTERS, schema: orders });
      const table = AnalyticsTable.fromTableRefs(scope, 'Tables', {
        recordsTable: { projectId: 'acme-data', datasetId: 'warehouse', tableId: 'orders' },
        deadLetterTable: { projectId: 'acme-data', datasetId: 'warehouse', tableId: 'orders_dead_letters' },
      });
      new BigQuerySubscription(scope, 'Subscription', { name: 'orders', ingest, table });
    });
    expect(resourcesOf(tf, 'google_pubsub_topic')).toEqual([]);
    expect(resourcesOf(tf, 'google_bigquery_table')).toEqual([]);
    expect(json).toHaveResourceWithProperties(PubsubSubscription, {
      name: 'orders-to-bigquery', topic: TOPIC, bigquery_config: expect.objectContaining({ table: 'acme-data.warehouse.orders' }),
      dead_letter_policy: expect.objectContaining({ dead_letter_topic: DEAD_LETTERS }),
    });
    expect(json).toHaveResourceWithProperties(PubsubSubscription, {
      name: 'orders-dead-letters-to-bigquery', topic: DEAD_LETTERS, bigquery_config: expect.objectContaining({ table: 'acme-data.warehouse.orders_dead_letters' }),
    });
    expect(resourcesOf(tf, 'google_bigquery_table_iam_member').map((g) => [g.project, g.dataset_id, g.table_id, g.role]).sort()).toEqual([
      ['acme-data', 'warehouse', 'orders', 'roles/bigquery.dataEditor'],
      ['acme-data', 'warehouse', 'orders_dead_letters', 'roles/bigquery.dataEditor'],
    ]);
  });

  test('an imported topic takes publish grants on itself and refuses the public', () => {
    const { tf } = synth((scope) => {
      const ingest = IngestTopic.fromTopicAttributes(scope, 'Ingest', { topicId: TOPIC, deadLetterTopicId: DEAD_LETTERS, schema: orders });
      expect(ingest.topicName).toBe('shop-orders');
      ingest.grantPublish('Shop', 'serviceAccount:shop@acme.iam.gserviceaccount.com');
      expect(() => ingest.grantPublish('Public', 'allUsers')).toThrow(/grantPublish member must not hold allUsers unless allowPublicPublishing is true/);
    });
    expect(resourcesOf(tf, 'google_pubsub_topic_iam_member')).toEqual([
      expect.objectContaining({ topic: TOPIC, role: 'roles/pubsub.publisher', member: 'serviceAccount:shop@acme.iam.gserviceaccount.com' }),
    ]);
  });

  test('fails when an imported topic id is not a topic path', () => {
    expect(() => synth((scope) => IngestTopic.fromTopicAttributes(scope, 'Ingest', { topicId: 'shop-orders', deadLetterTopicId: DEAD_LETTERS, schema: orders })))
      .toThrow(/invalid IngestTopic.fromTopicAttributes props at .*Ingest:\n {2}- topicId must be projects\/<project>\/topics\/<name>, got "shop-orders"/);
  });

  test('a QueryApi serves an imported view: the service is told where it is and may read that view only', () => {
    const { json, tf } = synth((scope) => {
      const table = AnalyticsTable.fromViewReference(scope, 'View', { viewReference: 'acme-data.shop_api.orders_v2', location: 'EU', exposedSchema: orders });
      new QueryApi(scope, 'Api', { name: 'orders', image: image(), table });
    });
    expect(envOf(tf)).toEqual(expect.objectContaining({
      GOOGLE_CLOUD_PROJECT: 'acme-data', BIGQUERY_DATASET: 'shop_api', BIGQUERY_VIEW: 'orders_v2', BIGQUERY_LOCATION: 'EU', PIPELINE_SCHEMA: orders.toJson(),
      PARTITION_GRANULARITY: 'DAY',
    }));
    expect(json).toHaveResourceWithProperties(BigqueryTableIamMember, {
      project: 'acme-data', dataset_id: 'shop_api', table_id: 'orders_v2', role: 'roles/bigquery.dataViewer',
    });
    expect(resourcesOf(tf, 'google_project_iam_member')[0]).toEqual(expect.objectContaining({ project: 'acme-data', role: 'roles/bigquery.jobUser' }));
  });

  test.each(['orders_v2', 'acme-data.orders_v2', 'acme-data.shop api.orders', 'acme-data.shop_api.orders-v2', 'acme.shop_api.orders'])('fails when a view reference is %j (the service could not read it)', (viewReference) => {
    expect(() => synth((scope) => AnalyticsTable.fromViewReference(scope, 'View', { viewReference, location: 'EU', exposedSchema: orders })))
      .toThrow(/viewReference must be project.dataset.view/);
  });

  test('grantViewRead lets a consumer query the view, on the view only', () => {
    const { tf } = synth((scope) => {
      const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders });
      table.grantViewRead('Analysts', 'group:analysts@example.com');
      AnalyticsTable.fromViewReference(scope, 'Other', { viewReference: 'acme-data.shop_api.orders', location: 'EU', exposedSchema: orders })
        .grantViewRead('Finance', 'user:fin@example.com');
    });
    const grants = resourcesOf(tf, 'google_bigquery_table_iam_member');
    expect(grants.map((g) => [g.table_id, g.role, g.member]).sort()).toEqual([
      ['${google_bigquery_table.Table_View_BA4D7DA6.table_id}', 'roles/bigquery.dataViewer', 'group:analysts@example.com'],
      ['orders', 'roles/bigquery.dataViewer', 'user:fin@example.com'],
    ].sort());
    expect(resourcesOf(tf, 'google_bigquery_dataset_iam_member')).toEqual([]);
  });

  test.each(['allUsers', 'allAuthenticatedUsers', 'domain:example.com'])('fails when grantViewRead is given %s', (member) => {
    expect(() => synth((scope) => new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders }).grantViewRead('Public', member)))
      .toThrow(new RegExp(`invalid grantViewRead at .*Table:\\n {2}- grantViewRead member must not hold ${member}: the view is never public, name the readers`));
  });
});
