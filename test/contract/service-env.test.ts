import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Testing } from 'cdktf';
import { AnalyticsTable, IngestTopic, PartitionGranularity, QueryApi } from '../../src';
import { SERVICE_ENV, STORE_KIND, decodeEventPublishers, encodeEventPublishers } from '../../src/contract/service-env';
import { StoreKind, parseConfig } from '../../src/service/config';
import { Json, image, orders } from '../constructs/helpers';

const PROJECT = 'acme-prod';

/**
 * Resolves the Terraform references of a synthesized value as an apply would: literal attributes from the
 * resources themselves, computed ones (project, topic id, account email and member) as Google computes them.
 */
function resolve(value: string, tf: Json): string {
  return value.replace(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_]+)\.([a-z_]+)\}/g, (_, type: string, name: string, attr: string) => {
    const r = tf.resource[type]?.[name];
    if (!r) throw new Error(`no resource ${type}.${name}`);
    if (typeof r[attr] === 'string') return resolve(r[attr], tf);
    const email = `${r.account_id}@${PROJECT}.iam.gserviceaccount.com`;
    const computed: Record<string, string | undefined> = {
      project: PROJECT,
      id: type === 'google_pubsub_topic' ? `projects/${PROJECT}/topics/${r.name}` : undefined,
      email: type === 'google_service_account' ? email : undefined,
      member: type === 'google_service_account' ? `serviceAccount:${email}` : undefined,
    };
    if (computed[attr] === undefined) throw new Error(`cannot resolve ${type}.${name}.${attr}`);
    return computed[attr]!;
  });
}

describe('the service environment contract', () => {
  test('what QueryApi sets on the container is what the service parses: every setting, events included', () => {
    const json = Testing.synthScope((scope) => {
      const ingest = new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders });
      const table = new AnalyticsTable(scope, 'Table', {
        name: 'orders', schema: orders, location: 'EU', exposedFields: ['order_id', 'country'], partitioning: PartitionGranularity.HOUR, retentionDays: 30,
      });
      const producer = new ServiceAccount(scope, 'Producer', { accountId: 'orders-producer' });
      new QueryApi(scope, 'Api', {
        name: 'orders', image: image(), table, ingest, maxQueryWindowDays: 7, maxBytesBilled: 2 ** 40, queryTimeoutMs: 5000,
        enableEventsEndpoint: true, eventPublishers: [producer.member, 'user:Ana@example.com'],
      });
    });
    const tf = JSON.parse(json);
    const service: Json = Object.values(tf.resource.google_cloud_run_v2_service)[0];
    const env = Object.fromEntries(service.template.containers[0].env.map((e: Json) => [e.name, resolve(e.value, tf)]));

    const config = parseConfig(env);
    expect(config).toMatchObject({
      store: StoreKind.BIGQUERY,
      projectId: PROJECT,
      datasetId: 'orders_api',
      viewId: 'orders',
      location: 'EU',
      pipelineName: 'orders',
      maxQueryWindowDays: 7,
      maxBytesBilled: String(2 ** 40),
      queryTimeoutMs: 5000,
      partitionGranularity: 'HOUR',
      eventsTopic: `projects/${PROJECT}/topics/orders-events`,
      eventPublishers: [`orders-producer@${PROJECT}.iam.gserviceaccount.com`, 'ana@example.com'],
    });
    expect(config.schema.toJson()).toBe(orders.project(['order_id', 'country']).toJson());
    expect(config.eventSchema?.toJson()).toBe(orders.toJson());
  });

  test('names only variables the contract lists, and the store kinds the service knows', () => {
    expect(Object.values(STORE_KIND).sort()).toEqual(Object.values(StoreKind).sort());
    const json = Testing.synthScope((scope) => {
      const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders });
      new QueryApi(scope, 'Api', { name: 'orders', image: image(), table });
    });
    const service: Json = Object.values(JSON.parse(json).resource.google_cloud_run_v2_service)[0];
    const names: string[] = service.template.containers[0].env.map((e: Json) => e.name);
    expect(names.filter((n) => !(Object.values(SERVICE_ENV) as string[]).includes(n))).toEqual([]);
  });

  test('encodes and decodes the publishers both ways', () => {
    const members = ['serviceAccount:Shop@acme.iam.gserviceaccount.com', 'user:ana@example.com'];
    expect(decodeEventPublishers(encodeEventPublishers(members))).toEqual({ emails: ['shop@acme.iam.gserviceaccount.com', 'ana@example.com'] });
  });
});
