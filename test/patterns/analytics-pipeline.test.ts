import 'cdktf/lib/testing/adapters/jest';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { PubsubSchema } from '@cdktf/provider-google/lib/pubsub-schema';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { TerraformOutput, TerraformStack, Testing, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AnalyticsPipeline, AnalyticsPipelineProps, IngestTopic } from '../../src';
import { Json, addressOf, iamGrants, image, orders, resourcesOf, synth } from '../constructs/helpers';

Testing.setupJest();

function build(scope: Construct, props: Partial<AnalyticsPipelineProps> = {}, id = 'Orders'): AnalyticsPipeline {
  return new AnalyticsPipeline(scope, id, { name: 'orders', schema: orders, image: image(), ...props });
}

/** Every resource class the pipeline may create, keyed by Terraform type. */
const CLASSES = [
  BigqueryDataset, BigqueryDatasetAccessA, BigqueryTable, BigqueryTableIamMember, CloudRunV2Service, CloudRunV2ServiceIamMember,
  ProjectIamMember, ProjectService, PubsubSchema, PubsubSubscription, PubsubSubscriptionIamMember, PubsubTopic, PubsubTopicIamMember,
  ServiceAccount, ServiceAccountIamMember, MonitoringAlertPolicy, MonitoringCustomService, MonitoringDashboard, MonitoringSlo,
];
const CLASS_BY_TYPE = new Map<string, Json>(CLASSES.map((c) => [c.tfResourceType, c]));

/** Physical names of every resource: what would collide in one project. */
function physicalNames(tf: Json): string[] {
  const datasets = tf.resource.google_bigquery_dataset ?? {};
  const datasetId = (id: string) => id.replace(/^\$\{google_bigquery_dataset\.(\w+)\.dataset_id\}$/, (_, n) => datasets[n].dataset_id);
  return Object.entries(tf.resource).flatMap(([type, rs]) => Object.values(rs as object).flatMap((r: Json) => {
    if (type === 'google_service_account') return [`sa:${r.account_id}`];
    if (type === 'google_bigquery_dataset') return [`dataset:${r.dataset_id}`];
    if (type === 'google_bigquery_table') return [`table:${datasetId(r.dataset_id)}.${r.table_id}`];
    if (['google_pubsub_topic', 'google_pubsub_subscription', 'google_pubsub_schema', 'google_cloud_run_v2_service'].includes(type)) return [`${type}:${r.name}`];
    return [];
  }));
}

describe('AnalyticsPipeline', () => {
  it('composes topic, table, subscriptions and API with names derived from one name', () => {
    const { tf } = synth((scope) => build(scope, { name: 'shop-orders' }));
    expect(physicalNames(tf).sort()).toEqual([
      'dataset:shop_orders',
      'dataset:shop_orders_api',
      'google_cloud_run_v2_service:shop-orders-api',
      'google_pubsub_schema:shop-orders-schema',
      'google_pubsub_subscription:shop-orders-dead-letters-to-bigquery',
      'google_pubsub_subscription:shop-orders-to-bigquery',
      'google_pubsub_topic:shop-orders-dead-letters',
      'google_pubsub_topic:shop-orders-events',
      'sa:shop-orders-bq-writer',
      'sa:shop-orders-query',
      'table:shop_orders.shop_orders',
      'table:shop_orders.shop_orders_dead_letters',
      'table:shop_orders_api.shop_orders',
    ]);
  });

  it('keeps service account ids within 6 to 30 characters at both ends of the name rule', () => {
    for (const name of ['a', 'a'.repeat(20)]) {
      const { tf } = synth((scope) => build(scope, { name }));
      for (const sa of resourcesOf(tf, 'google_service_account')) {
        expect(sa.account_id.length).toBeGreaterThanOrEqual(6);
        expect(sa.account_id.length).toBeLessThanOrEqual(30);
        expect(sa.account_id).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])$/);
      }
    }
  });

  it('puts pipeline=<name> and the user labels on every resource that takes labels', () => {
    const { tf } = synth((scope) => build(scope, { labels: { team: 'data', env: 'prod' }, existingDatasetId: undefined }));
    let labelled = 0;
    for (const [type, rs] of Object.entries(tf.resource)) {
      const cls = CLASS_BY_TYPE.get(type);
      expect(cls).toBeDefined();
      // Cloud Monitoring resources call their labels user_labels.
      const key = 'labels' in cls.prototype ? 'labels' : 'userLabels' in cls.prototype ? 'user_labels' : undefined;
      if (!key) continue;
      for (const r of Object.values(rs as object) as Json[]) {
        expect(r[key]).toEqual(expect.objectContaining({ team: 'data', env: 'prod', pipeline: 'orders' }));
        labelled++;
      }
    }
    // 2 topics, 2 subscriptions, 2 datasets, 3 tables, 1 service; 18 alert policies, 2 services, 3 SLOs.
    expect(labelled).toBe(33);
  });

  it('passes grouped options down to each child', () => {
    const { json, tf } = synth((scope) => build(scope, {
      ingest: { messageRetentionDays: 3 },
      table: { location: 'EU', retentionDays: 400 },
      subscription: { maxDeliveryAttempts: 10 },
      api: { maxQueryWindowDays: 7, invokers: ['group:partners@example.com'] },
    }));
    expect(json).toHaveResourceWithProperties(PubsubTopic, { name: 'orders-events', message_retention_duration: '259200s' });
    expect(json).toHaveResourceWithProperties(BigqueryDataset, { dataset_id: 'orders', location: 'EU' });
    expect(json).toHaveResourceWithProperties(PubsubSubscription, { name: 'orders-to-bigquery', dead_letter_policy: expect.objectContaining({ max_delivery_attempts: 10 }) });
    expect(json).toHaveResourceWithProperties(CloudRunV2ServiceIamMember, { member: 'group:partners@example.com', role: 'roles/run.invoker' });
    const env = resourcesOf(tf, 'google_cloud_run_v2_service')[0].template.containers[0].env;
    expect(env).toContainEqual({ name: 'MAX_QUERY_WINDOW_DAYS', value: '7' });
  });

  it('grants no project-level role but BigQuery job user, and nothing to the public', () => {
    const { tf } = synth((scope) => build(scope, {
      api: { enableEventsEndpoint: true, invokers: ['user:ana@example.com'], eventPublishers: ['serviceAccount:shop@acme.iam.gserviceaccount.com'] },
    }));
    expect(resourcesOf(tf, 'google_project_iam_member').map((g) => g.role)).toEqual(['roles/bigquery.jobUser']);
    for (const type of Object.keys(tf.resource)) {
      expect(type).not.toMatch(/^google_(project|folder|organization)_iam_(binding|policy)$/);
      expect(type).not.toMatch(/_iam_(binding|policy)$/);
    }
    const members = iamGrants(tf).map((g) => g.member);
    expect(members).not.toContain('allUsers');
    expect(members).not.toContain('allAuthenticatedUsers');
    expect(members).not.toContain('allAuthenticatedUsers');
    for (const grant of iamGrants(tf)) {
      expect(grant.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
      expect(grant.role).not.toMatch(/admin/i);
    }
    // BigQuery data roles are table-level only: the writer on its two tables, the API on the view.
    expect(resourcesOf(tf, 'google_bigquery_dataset_access')).toEqual([]);
    expect(iamGrants(tf).filter((g) => /^roles\/bigquery\.data/.test(g.role)).map((g) => [g.type, g.role]).sort()).toEqual([
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataEditor'],
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataEditor'],
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataViewer'],
    ]);
  });

  it('holds each dataset\'s whole access list, with nothing beside it that would fight it or hide drift', () => {
    const { tf } = synth((scope) => build(scope));
    for (const dataset of resourcesOf(tf, 'google_bigquery_dataset')) {
      expect(dataset.access).toEqual(expect.arrayContaining([{ role: 'OWNER', special_group: 'projectOwners' }]));
      expect(dataset.access.filter((a: Json) => a.special_group && a.special_group !== 'projectOwners')).toEqual([]);
      expect(dataset.lifecycle).toBeUndefined();
    }
    expect(Object.keys(tf.resource).filter((type) => /^google_bigquery_dataset_(access|iam_)/.test(type))).toEqual([]);
  });

  it('keeps the topics\' messages where the table is', () => {
    const { tf } = synth((scope) => build(scope, { table: { location: 'asia-northeast1' } }));
    expect(resourcesOf(tf, 'google_pubsub_topic').map((t) => t.message_storage_policy)).toEqual([
      { allowed_persistence_regions: ['asia-northeast1'] }, { allowed_persistence_regions: ['asia-northeast1'] },
    ]);
  });

  it('fails when grantPublish or grantInvoke is given a public member without the opt-in', () => {
    expect(() => synth((scope) => build(scope).grantPublish('Public', 'allUsers'))).toThrow(/grantPublish member must not hold allUsers unless allowPublicPublishing is true/);
    expect(() => synth((scope) => build(scope).grantInvoke('Public', 'allUsers'))).toThrow(/grantInvoke member must not hold allUsers unless allowPublicAccess is true/);
  });

  it('makes every subscription depend on its grants', () => {
    const { tf } = synth((scope) => build(scope));
    const grantAddresses = (type: string, role: string) => Object.entries(tf.resource[type]).filter(([, r]: Json) => r.role === role).map(([n]) => `${type}.${n}`);
    const dataEditors = grantAddresses('google_bigquery_table_iam_member', 'roles/bigquery.dataEditor');
    const [tokenCreator] = grantAddresses('google_service_account_iam_member', 'roles/iam.serviceAccountTokenCreator');
    const [publisher] = grantAddresses('google_pubsub_topic_iam_member', 'roles/pubsub.publisher');
    for (const sub of resourcesOf(tf, 'google_pubsub_subscription')) {
      expect(sub.depends_on).toEqual(expect.arrayContaining([tokenCreator]));
      expect(sub.depends_on.filter((d: string) => dataEditors.includes(d))).toHaveLength(1);
      if (sub.dead_letter_policy) expect(sub.depends_on).toContain(publisher);
    }
  });

  it('uses an existing dataset', () => {
    let pipeline!: AnalyticsPipeline;
    const { tf } = synth((scope) => { pipeline = build(scope, { existingDatasetId: 'warehouse' }); });
    expect(pipeline.table.dataset).toBeUndefined();
    expect(resourcesOf(tf, 'google_bigquery_dataset').map((d) => d.dataset_id)).toEqual(['orders_api']);
    // Only the view's authorization: the writer is granted on its two tables, not on the shared dataset.
    expect(resourcesOf(tf, 'google_bigquery_dataset_access').map((a) => [a.dataset_id, Boolean(a.view)])).toEqual([['warehouse', true]]);
  });

  it('holds two pipelines in one stack without a collision', () => {
    const { tf } = synth((scope) => {
      build(scope, { name: 'orders' }, 'Orders');
      build(scope, { name: 'refunds' }, 'Refunds');
    });
    const names = physicalNames(tf);
    expect(names).toHaveLength(26);
    expect(new Set(names).size).toBe(names.length);
    expect(resourcesOf(tf, 'google_service_account')).toHaveLength(4);
    expect(resourcesOf(tf, 'google_cloud_run_v2_service').map((s) => s.name).sort()).toEqual(['orders-api', 'refunds-api']);
  });

  it('holds two pipelines sharing an existing dataset without a collision', () => {
    const { tf } = synth((scope) => {
      build(scope, { name: 'orders', existingDatasetId: 'warehouse' }, 'Orders');
      build(scope, { name: 'refunds', existingDatasetId: 'warehouse' }, 'Refunds');
    });
    const names = physicalNames(tf);
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => n.startsWith('table:warehouse.')).sort()).toEqual([
      'table:warehouse.orders', 'table:warehouse.orders_dead_letters', 'table:warehouse.refunds', 'table:warehouse.refunds_dead_letters',
    ]);
  });

  it('grants publish on the topic and invoke on the API to named members', () => {
    const { tf } = synth((scope) => {
      const pipeline = build(scope);
      pipeline.grantPublish('Shop', 'serviceAccount:shop@acme.iam.gserviceaccount.com');
      pipeline.grantInvoke('Partner', 'serviceAccount:partner@acme.iam.gserviceaccount.com');
    });
    const topic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-events' });
    expect(resourcesOf(tf, 'google_pubsub_topic_iam_member')).toContainEqual(expect.objectContaining({
      topic: `\${${topic}.id}`, role: 'roles/pubsub.publisher', member: 'serviceAccount:shop@acme.iam.gserviceaccount.com',
    }));
    expect(resourcesOf(tf, 'google_cloud_run_v2_service_iam_member')).toEqual([expect.objectContaining({
      role: 'roles/run.invoker', member: 'serviceAccount:partner@acme.iam.gserviceaccount.com',
    })]);
  });

  it('exposes the useful attributes', () => {
    let pipeline!: AnalyticsPipeline;
    synth((scope) => { pipeline = build(scope); });
    for (const value of [
      pipeline.topicId, pipeline.topicName, pipeline.deadLetterTopicId, pipeline.tableReference, pipeline.deadLetterTableReference,
      pipeline.viewReference, pipeline.serviceUrl, pipeline.apiServiceAccountEmail, pipeline.writerServiceAccountEmail,
    ]) {
      expect(typeof value).toBe('string');
    }
    expect(pipeline.labels).toEqual({ pipeline: 'orders' });
    expect(pipeline.table.exposedSchema.fieldNames).toEqual(orders.fieldNames);
  });

  it.each([
    ['', /name must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got ""/],
    ['a'.repeat(21), /name must be 1 to 20 lowercase letters.*got "a{21}"/],
    ['Orders', /name must be 1 to 20 lowercase letters.*got "Orders"/],
    ['orders_eu', /got "orders_eu"/],
    ['1orders', /got "1orders"/],
    ['orders-', /got "orders-"/],
  ])('fails when name is %j', (name, message) => {
    expect(() => synth((scope) => build(scope, { name }))).toThrow(message);
  });

  it('fails when name is a token', () => {
    expect(() => synth((scope) => build(scope, { name: Token.asString({ Ref: 'name' }) })))
      .toThrow(/name must be a literal string \(it builds physical names at synth time\), got a token/);
  });

  it('fails when name starts with goog', () => {
    expect(() => synth((scope) => build(scope, { name: 'google-events' }))).toThrow(/name must not start with "goog" \(Pub\/Sub reserves it\)/);
  });

  it.each([
    ['orders-api', 'orders'],
    ['orders-dead-letters', 'orders'],
  ])('fails when name is %j, which would collide with a pipeline named %j', (name, other) => {
    expect(() => synth((scope) => build(scope, { name }))).toThrow(
      new RegExp(`name must not end with "-[a-z-]+": its resources would collide with those of a pipeline named "${other}"`),
    );
  });

  it('fails when two pipelines of one stack derive the same physical names', () => {
    expect(() => synth((scope) => {
      build(scope, { name: 'orders' }, 'Orders');
      build(scope, { name: 'orders' }, 'OrdersAgain');
    })).toThrow(/invalid AnalyticsPipeline props at .*OrdersAgain:\n {2}- name derives schema:orders-schema, which .*\/Orders already owns in this stack/);
  });

  it('fails when two pipelines would write the same tables of a shared dataset', () => {
    expect(() => synth((scope) => {
      build(scope, { name: 'orders', existingDatasetId: 'warehouse' }, 'Orders');
      build(scope, { name: 'orders', existingDatasetId: 'warehouse' }, 'Copy');
    })).toThrow(/name derives table:warehouse\.orders, which .*\/Orders already owns/);
  });

  it('fails when a label key is invalid', () => {
    expect(() => synth((scope) => build(scope, { labels: { Team: 'data' } }))).toThrow(/labels key "Team" must be a lowercase letter/);
  });

  it('fails when a label value is invalid', () => {
    expect(() => synth((scope) => build(scope, { labels: { team: 'Data Team' } }))).toThrow(/labels.team value "Data Team" must be up to 63 lowercase letters/);
  });

  it('fails when there are too many labels', () => {
    const labels = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    expect(() => synth((scope) => build(scope, { labels }))).toThrow(/labels may hold at most 63 labels .*got 64/);
  });

  it('fails when existingDatasetId comes with table.dataset', () => {
    expect(() => synth((scope) => build(scope, { existingDatasetId: 'warehouse', table: { dataset: { description: 'x' } } })))
      .toThrow(/existingDatasetId and table\.dataset are exclusive/);
  });

  it('fails when several rules are broken, listing each once with its group', () => {
    let message = '';
    try {
      synth((scope) => build(scope, {
        name: 'Bad_Name',
        ingest: { messageRetentionDays: 0 },
        table: { exposedFields: ['nope'] },
        subscription: { maxDeliveryAttempts: 101 },
        api: { maxQueryWindowDays: 0, invokers: ['allUsers'] },
      }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe([
      'invalid AnalyticsPipeline props at stack/Orders:',
      '  - name must be 1 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "Bad_Name"',
      '  - ingest.messageRetentionDays must be an integer between 1 and 31, got 0',
      `  - table.exposedFields must name top-level fields of Order, got unknown nope (fields: ${orders.fieldNames.join(', ')})`,
      '  - subscription.maxDeliveryAttempts must be an integer between 5 and 100, got 101',
      '  - api.maxQueryWindowDays must be an integer between 1 and 366, got 0',
      '  - api.invokers must not hold allUsers unless allowPublicAccess is true (the API is private by default)',
    ].join('\n'));
  });
  it('enables the APIs it uses, never disabling them on destroy', () => {
    const { json, tf } = synth((scope) => build(scope));
    expect(resourcesOf(tf, 'google_project_service').map((r: Json) => r.service).sort()).toEqual([
      'bigquery.googleapis.com', 'cloudresourcemanager.googleapis.com', 'iam.googleapis.com', 'monitoring.googleapis.com',
      'pubsub.googleapis.com', 'run.googleapis.com',
    ]);
    for (const service of resourcesOf(tf, 'google_project_service')) {
      expect(service).toEqual({ service: service.service, disable_on_destroy: false, disable_dependent_services: false });
    }
    expect(json).toHaveResourceWithProperties(ProjectService, { service: 'run.googleapis.com', disable_on_destroy: false });
  });

  it('makes each resource wait for the APIs it needs, and every grant for all of them', () => {
    let pipeline!: AnalyticsPipeline;
    const { tf } = synth((scope) => { pipeline = build(scope); });
    const api = (name: string) => `google_project_service.${Object.entries(tf.resource.google_project_service).find(([, r]: [string, Json]) => r.service === `${name}.googleapis.com`)![0]}`;
    const all = resourcesOf(tf, 'google_project_service').length;
    const apisOf = (r: Json) => (r.depends_on ?? []).filter((d: string) => d.startsWith('google_project_service.'));
    const topic = tf.resource.google_pubsub_topic;
    for (const r of Object.values(topic) as Json[]) expect(apisOf(r)).toEqual([api('pubsub')]);
    const subscription = resourcesOf(tf, 'google_pubsub_subscription').find((s: Json) => s.name === 'orders-to-bigquery');
    expect(apisOf(subscription)).toEqual([api('pubsub'), api('bigquery')]);
    // The grants the subscription already waited for are still there, first.
    expect(subscription.depends_on.length).toBeGreaterThan(2);
    expect(apisOf(resourcesOf(tf, 'google_cloud_run_v2_service')[0])).toEqual([api('run')]);
    for (const r of resourcesOf(tf, 'google_service_account')) expect(apisOf(r)).toEqual([api('iam')]);
    for (const grant of iamGrants(tf)) expect(apisOf(grant.r)).toHaveLength(all);
    for (const r of resourcesOf(tf, 'google_project_service')) expect(r.depends_on).toBeUndefined();
    expect(pipeline.apis?.services['run.googleapis.com']).toBeDefined();
  });

  it('wires the APIs once however often the stack is synthesized', () => {
    const stack = new TerraformStack(Testing.app(), 'twice');
    build(stack);
    const first = Testing.synth(stack);
    expect(Testing.synth(stack)).toBe(first);
  });

  it('declares each API once for two pipelines of one stack, and both wait for it', () => {
    let first!: AnalyticsPipeline;
    let second!: AnalyticsPipeline;
    const { tf } = synth((scope) => {
      first = build(scope, { name: 'orders' }, 'Orders');
      second = build(scope, { name: 'refunds' }, 'Refunds');
    });
    expect(resourcesOf(tf, 'google_project_service')).toHaveLength(6);
    expect(second.apis).toBe(first.apis);
    const pubsub = Object.entries(tf.resource.google_project_service).find(([, r]: [string, Json]) => r.service === 'pubsub.googleapis.com')![0];
    for (const topic of resourcesOf(tf, 'google_pubsub_topic')) expect(topic.depends_on).toContain(`google_project_service.${pubsub}`);
  });

  it('leaves the APIs alone when enableApis is false', () => {
    let pipeline!: AnalyticsPipeline;
    const { json } = synth((scope) => { pipeline = build(scope, { enableApis: false }); });
    expect(json).not.toContain('google_project_service');
    expect(pipeline.apis).toBeUndefined();
  });

  it('reads from an existing topic: creates no schema or topic, and the subscription, API and monitoring use it', () => {
    const topicId = 'projects/acme-data/topics/shop-orders';
    const { tf } = synth((scope) => build(scope, {
      existingTopic: IngestTopic.fromTopicAttributes(scope, 'Shop', { topicId, deadLetterTopicId: `${topicId}-dead-letters`, schema: orders }),
      api: { enableEventsEndpoint: true, eventPublishers: ['user:ana@example.com'] },
    }));
    expect(resourcesOf(tf, 'google_pubsub_topic')).toEqual([]);
    expect(resourcesOf(tf, 'google_pubsub_schema')).toEqual([]);
    const subs = Object.fromEntries(resourcesOf(tf, 'google_pubsub_subscription').map((sub) => [sub.name, sub.topic]));
    expect(subs).toEqual({ 'orders-to-bigquery': topicId, 'orders-dead-letters-to-bigquery': `${topicId}-dead-letters` });
    expect(resourcesOf(tf, 'google_pubsub_topic_iam_member').map((g) => g.topic).sort()).toEqual([topicId, `${topicId}-dead-letters`]);
    expect(resourcesOf(tf, 'google_monitoring_dashboard')[0].dashboard_json).toContain('resource.label.topic_id=\\"shop-orders\\"');
  });

  it('holds a pipeline on an existing topic beside one that creates its own, without claiming the topic names', () => {
    expect(() => synth((scope) => {
      build(scope, { name: 'orders' }, 'Orders');
      build(scope, { name: 'refunds', existingTopic: IngestTopic.fromTopicAttributes(scope, 'Shop', {
        topicId: 'projects/p/topics/orders-events', deadLetterTopicId: 'projects/p/topics/orders-dead-letters', schema: orders,
      }) }, 'Refunds');
    })).not.toThrow();
  });

  it('fails when existingTopic and ingest options are both given, or the topic carries another schema', () => {
    const other = orders.project(['order_id', 'ordered_at', 'country']);
    expect(() => synth((scope) => build(scope, {
      ingest: { messageRetentionDays: 3 },
      existingTopic: IngestTopic.fromTopicAttributes(scope, 'Shop', { topicId: 'projects/p/topics/t', deadLetterTopicId: 'projects/p/topics/d', schema: other }),
    }))).toThrow(new RegExp([
      'invalid AnalyticsPipeline props at .*Orders:',
      '  - existingTopic and ingest are exclusive: give an existing topic or options for a new one, never both',
      "  - existingTopic's record schema must be the pipeline's schema Order: the table's columns are built from it",
    ].join('\\n')));
  });

  it('exposes its metrics without creating monitoring resources when monitoring is off', () => {
    let pipeline!: AnalyticsPipeline;
    const { tf } = synth((scope) => {
      pipeline = build(scope, { enableMonitoring: false });
      new TerraformOutput(scope, 'IngestFilter', { value: pipeline.metrics.metricIngestRate().filter });
      new TerraformOutput(scope, 'RequestsFilter', { value: pipeline.metrics.metricApiRequests().filter });
    });
    expect(Object.keys(tf.resource).filter((type) => type.startsWith('google_monitoring_'))).toEqual([]);
    expect(pipeline.monitoring).toBeUndefined();
    const topic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-events' });
    const service = addressOf(tf, 'google_cloud_run_v2_service', { name: 'orders-api' });
    expect(tf.output.IngestFilter.value).toContain(`resource.label.topic_id="\${${topic}.name}"`);
    expect(tf.output.RequestsFilter.value).toContain(`resource.label.service_name="\${${service}.name}"`);
    expect(pipeline.metrics.metricBacklogAge().metricType).toBe('pubsub.googleapis.com/subscription/oldest_unacked_message_age');
  });

  it('measures the same time series with monitoring on as its metrics describe', () => {
    let pipeline!: AnalyticsPipeline;
    synth((scope) => { pipeline = build(scope); });
    expect(pipeline.metrics.metricApiLatency()).toEqual(pipeline.monitoring!.metrics.metricApiLatency());
    expect(pipeline.metrics.metricIngestRate()).toEqual(pipeline.monitoring!.metrics.metricIngestRate());
  });

  it('lets consumers query the view directly, and refuses the public', () => {
    const { tf } = synth((scope) => {
      const pipeline = build(scope);
      pipeline.grantViewRead('Analysts', 'group:analysts@example.com');
      expect(() => pipeline.grantViewRead('Public', 'allAuthenticatedUsers')).toThrow(/grantViewRead member must not hold allAuthenticatedUsers/);
    });
    const view = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: false });
    expect(resourcesOf(tf, 'google_bigquery_table_iam_member').filter((g) => g.member === 'group:analysts@example.com')).toEqual([
      expect.objectContaining({ table_id: `\${${view}.table_id}`, role: 'roles/bigquery.dataViewer' }),
    ]);
  });
});
