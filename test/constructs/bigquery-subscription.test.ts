import 'cdktf/lib/testing/adapters/jest';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AnalyticsTable, BigQuerySubscription, BigQuerySubscriptionOptions, IngestTopic } from '../../src';
import { Json, addressOf, iamGrants, orders, resourcesOf, synth } from './helpers';

Testing.setupJest();

function build(scope: Construct, options: BigQuerySubscriptionOptions = {}): BigQuerySubscription {
  const ingest = new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders });
  const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders });
  return new BigQuerySubscription(scope, 'Subscription', { ...options, name: 'orders', ingest, table, labels: { team: 'data' } });
}

const SERVICE_AGENT = /^serviceAccount:service-\$\{data\.google_project\.[\w]+\.number\}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

describe('BigQuerySubscription', () => {
  it('writes the topic into the table with the topic schema and metadata, as a dedicated account', () => {
    const { json, tf } = synth((scope) => build(scope));
    const table = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', require_partition_filter: true });
    const writer = addressOf(tf, 'google_service_account', { account_id: 'orders-bq-writer' });
    const topic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-events' });
    const deadLetterTopic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-dead-letters' });
    expect(json).toHaveResourceWithProperties(ServiceAccount, { account_id: 'orders-bq-writer' });
    expect(json).toHaveResourceWithProperties(PubsubSubscription, {
      name: 'orders-to-bigquery',
      topic: `\${${topic}.id}`,
      labels: { team: 'data', pipeline: 'orders' },
      ack_deadline_seconds: 60,
      bigquery_config: {
        table: `\${${table}.project}.\${${table}.dataset_id}.\${${table}.table_id}`,
        use_topic_schema: true,
        write_metadata: true,
        drop_unknown_fields: false,
        service_account_email: `\${${writer}.email}`,
      },
      dead_letter_policy: { dead_letter_topic: `\${${deadLetterTopic}.id}`, max_delivery_attempts: 5 },
      retry_policy: { minimum_backoff: '10s', maximum_backoff: '600s' },
      expiration_policy: { ttl: '' },
      message_retention_duration: '2678400s',
    });
    const subscription = resourcesOf(tf, 'google_pubsub_subscription').find((s) => s.name === 'orders-to-bigquery');
    expect(subscription.bigquery_config.use_table_schema).toBeUndefined();
  });

  it('writes the dead-letter topic into the dead-letter table as raw bytes with metadata', () => {
    const { json, tf } = synth((scope) => build(scope));
    const table = addressOf(tf, 'google_bigquery_table', { table_id: 'orders_dead_letters' });
    const deadLetterTopic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-dead-letters' });
    expect(json).toHaveResourceWithProperties(PubsubSubscription, {
      name: 'orders-dead-letters-to-bigquery',
      topic: `\${${deadLetterTopic}.id}`,
      bigquery_config: expect.objectContaining({
        table: `\${${table}.project}.\${${table}.dataset_id}.\${${table}.table_id}`,
        use_topic_schema: false,
        write_metadata: true,
      }),
      expiration_policy: { ttl: '' },
      message_retention_duration: '2678400s',
    });
  });

  it('grants the writer dataEditor on the two tables it writes only: nothing on the dataset or the project', () => {
    const { tf } = synth((scope) => build(scope));
    const writer = addressOf(tf, 'google_service_account', { account_id: 'orders-bq-writer' });
    const table = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: true });
    const deadLetters = addressOf(tf, 'google_bigquery_table', { table_id: 'orders_dead_letters' });
    const writerGrants = iamGrants(tf).filter((g) => g.member === `\${${writer}.member}`);
    expect(writerGrants.map((g) => [g.type, g.role, g.r.dataset_id, g.r.table_id]).sort()).toEqual([
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataEditor', `\${${table}.dataset_id}`, `\${${table}.table_id}`],
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataEditor', `\${${deadLetters}.dataset_id}`, `\${${deadLetters}.table_id}`],
    ].sort());
    // No legacy WRITER entry: it could read every table of the dataset and create or delete tables.
    expect(resourcesOf(tf, 'google_bigquery_dataset_access')).toEqual([]);
    expect(resourcesOf(tf, 'google_project_iam_member')).toEqual([]);
    // Dataset IAM members would strip the view's authorization from this dataset (provider docs).
    expect(resourcesOf(tf, 'google_bigquery_dataset_iam_member')).toEqual([]);
    expect(iamGrants(tf).map((g) => g.member)).not.toContain('allUsers');
  });

  it('lets the Pub/Sub service agent act as the writer, publish dead letters and pull from the source subscription', () => {
    const { tf } = synth((scope) => build(scope));
    const writer = addressOf(tf, 'google_service_account', { account_id: 'orders-bq-writer' });
    const subscription = addressOf(tf, 'google_pubsub_subscription', { name: 'orders-to-bigquery' });
    const deadLetterTopic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-dead-letters' });
    const agentGrants = iamGrants(tf).filter((g) => SERVICE_AGENT.test(g.member));
    expect(agentGrants.map((g) => [g.type, g.role])).toEqual(expect.arrayContaining([
      ['google_service_account_iam_member', 'roles/iam.serviceAccountTokenCreator'],
      ['google_pubsub_topic_iam_member', 'roles/pubsub.publisher'],
      ['google_pubsub_subscription_iam_member', 'roles/pubsub.subscriber'],
    ]));
    expect(agentGrants).toHaveLength(3);
    const byType = Object.fromEntries(agentGrants.map((g) => [g.type, g.r]));
    expect(byType.google_service_account_iam_member.service_account_id).toBe(`\${${writer}.name}`);
    expect(byType.google_pubsub_topic_iam_member.topic).toBe(`\${${deadLetterTopic}.id}`);
    expect(byType.google_pubsub_subscription_iam_member.subscription).toBe(`\${${subscription}.name}`);
  });

  it('makes every subscription depend on the grants it needs', () => {
    const { tf } = synth((scope) => build(scope));
    const table = (id: string) => `google_bigquery_table.${Object.entries(tf.resource.google_bigquery_table).find(([, t]: [string, Json]) => t.table_id === id)![0]}`;
    const grantOn = (id: string) => `google_bigquery_table_iam_member.${Object.entries(tf.resource.google_bigquery_table_iam_member)
      .find(([, g]: [string, Json]) => g.table_id === `\${${table(id)}.table_id}`)![0]}`;
    const token = addressOf(tf, 'google_service_account_iam_member', { role: 'roles/iam.serviceAccountTokenCreator' });
    const publisher = addressOf(tf, 'google_pubsub_topic_iam_member', { role: 'roles/pubsub.publisher' });
    const subs = Object.fromEntries(resourcesOf(tf, 'google_pubsub_subscription').map((s) => [s.name, s.depends_on]));
    expect(subs['orders-to-bigquery']).toEqual(expect.arrayContaining([grantOn('orders'), token, publisher]));
    expect(subs['orders-dead-letters-to-bigquery']).toEqual(expect.arrayContaining([grantOn('orders_dead_letters'), token]));
  });

  it('takes delivery attempts, backoff and ack deadline', () => {
    const { json } = synth((scope) => build(scope, { maxDeliveryAttempts: 20, minimumBackoffSeconds: 1, maximumBackoffSeconds: 60, ackDeadlineSeconds: 120 }));
    expect(json).toHaveResourceWithProperties(PubsubSubscription, {
      name: 'orders-to-bigquery',
      ack_deadline_seconds: 120,
      dead_letter_policy: expect.objectContaining({ max_delivery_attempts: 20 }),
      retry_policy: { minimum_backoff: '1s', maximum_backoff: '60s' },
    });
  });

  it('fails when maxDeliveryAttempts is out of range', () => {
    expect(() => synth((scope) => build(scope, { maxDeliveryAttempts: 4 })))
      .toThrow(/invalid BigQuerySubscription props at .*Subscription:\n {2}- maxDeliveryAttempts must be an integer between 5 and 100, got 4/);
  });

  it('fails when a backoff is out of range', () => {
    expect(() => synth((scope) => build(scope, { minimumBackoffSeconds: -1, maximumBackoffSeconds: 601 })))
      .toThrow(/minimumBackoffSeconds must be an integer between 0 and 600, got -1\n {2}- maximumBackoffSeconds must be an integer between 0 and 600, got 601/);
  });

  it('fails when minimumBackoffSeconds exceeds maximumBackoffSeconds', () => {
    expect(() => synth((scope) => build(scope, { minimumBackoffSeconds: 120, maximumBackoffSeconds: 60 })))
      .toThrow(/minimumBackoffSeconds must not exceed maximumBackoffSeconds, got 120 > 60/);
  });

  it('fails when ackDeadlineSeconds is out of range', () => {
    expect(() => synth((scope) => build(scope, { ackDeadlineSeconds: 5 })))
      .toThrow(/ackDeadlineSeconds must be an integer between 10 and 600, got 5/);
  });
});
