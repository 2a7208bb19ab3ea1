import 'cdktf/lib/testing/adapters/jest';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Testing } from 'cdktf';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Construct } from 'constructs';
import { AnalyticsTable, ApiIngress, IngestTopic, QueryApi, QueryApiOptions, RecordSchema, ServiceImage } from '../../src';
import { Json, addressOf, iamGrants, image, orders, resourcesOf, synth } from './helpers';

Testing.setupJest();

function build(scope: Construct, options: QueryApiOptions = {}, withIngest = true, serviceImage: ServiceImage = image()): QueryApi {
  const ingest = withIngest ? new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }) : undefined;
  const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, location: 'EU', exposedFields: ['order_id', 'country', 'status'] });
  return new QueryApi(scope, 'Api', { ...options, name: 'orders', image: serviceImage, table, ingest, labels: { team: 'data' } });
}

function envOf(tf: Json): Record<string, string> {
  const service = resourcesOf(tf, 'google_cloud_run_v2_service')[0];
  return Object.fromEntries(service.template.containers[0].env.map((e: Json) => [e.name, e.value]));
}

describe('QueryApi', () => {
  it('runs the image on Cloud Run with port 8080, limits, scaling, probes and labels', () => {
    const { json, tf } = synth((scope) => build(scope));
    const account = addressOf(tf, 'google_service_account', { account_id: 'orders-query' });
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, {
      name: 'orders-api',
      ingress: 'INGRESS_TRAFFIC_ALL',
      deletion_protection: true,
      labels: { team: 'data', pipeline: 'orders' },
      template: expect.objectContaining({
        service_account: `\${${account}.email}`,
        max_instance_request_concurrency: 80,
        timeout: '30s',
        scaling: { min_instance_count: 0, max_instance_count: 10 },
        containers: [expect.objectContaining({
          image: 'europe-docker.pkg.dev/acme/apis/orders-api:1.4.2',
          ports: { container_port: 8080 },
          resources: expect.objectContaining({ limits: { cpu: '1', memory: '512Mi' } }),
          startup_probe: expect.objectContaining({ http_get: { path: '/healthz', port: 8080 } }),
          liveness_probe: expect.objectContaining({ http_get: { path: '/healthz', port: 8080 } }),
        })],
      }),
    });
  });

  it('defaults the region to the provider region', () => {
    const { tf } = synth((scope) => build(scope));
    const service = resourcesOf(tf, 'google_cloud_run_v2_service')[0];
    expect(service.location).toMatch(/^\$\{data\.google_client_config\.\w+\.region\}$/);
    const { tf: explicit } = synth((scope) => build(scope, { region: 'europe-west1' }));
    expect(resourcesOf(explicit, 'google_cloud_run_v2_service')[0].location).toBe('europe-west1');
    expect(explicit.data?.google_client_config).toBeUndefined();
  });

  it('tells the service where its view is, its schema and its limits, and nothing about events by default', () => {
    let api!: QueryApi;
    const { tf } = synth((scope) => { api = build(scope); });
    const view = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: false });
    const env = envOf(tf);
    expect(Object.keys(env)).toEqual([
      'STORE', 'GOOGLE_CLOUD_PROJECT', 'BIGQUERY_DATASET', 'BIGQUERY_VIEW', 'BIGQUERY_LOCATION', 'PIPELINE_NAME',
      'PIPELINE_SCHEMA', 'MAX_QUERY_WINDOW_DAYS', 'MAX_BYTES_BILLED', 'QUERY_TIMEOUT_MS', 'PARTITION_GRANULARITY',
    ]);
    expect(env).toEqual({
      STORE: 'bigquery',
      GOOGLE_CLOUD_PROJECT: `\${${view}.project}`,
      BIGQUERY_DATASET: `\${${view}.dataset_id}`,
      BIGQUERY_VIEW: `\${${view}.table_id}`,
      BIGQUERY_LOCATION: 'EU',
      PIPELINE_NAME: 'orders',
      PIPELINE_SCHEMA: orders.project(['order_id', 'country', 'status']).toJson(),
      MAX_QUERY_WINDOW_DAYS: '31',
      MAX_BYTES_BILLED: String(10 * 1024 ** 3),
      QUERY_TIMEOUT_MS: '9000',
      PARTITION_GRANULARITY: 'DAY',
    });
    expect(RecordSchema.fromJson(env.PIPELINE_SCHEMA).fieldNames).toEqual(['order_id', 'ordered_at', 'country', 'status']);
    expect(api.invokerGrants).toEqual([]);
    expect(iamGrants(tf).filter((g) => g.role === 'roles/pubsub.publisher')).toEqual([]);
  });

  it('takes every service option', () => {
    const { json, tf } = synth((scope) => build(scope, {
      region: 'europe-west1', maxQueryWindowDays: 7, maxBytesBilled: 1024 ** 3, maxRowsPerQuery: 500_000, queryTimeoutMs: 5000, cpu: 2, memoryMiB: 1024,
      minInstances: 1, maxInstances: 3, maxConcurrentRequests: 20, requestTimeoutSeconds: 10, ingress: ApiIngress.INTERNAL_ONLY,
      deletionProtection: false,
    }));
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, {
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      deletion_protection: false,
      template: expect.objectContaining({
        max_instance_request_concurrency: 20,
        timeout: '10s',
        scaling: { min_instance_count: 1, max_instance_count: 3 },
        containers: [expect.objectContaining({ resources: expect.objectContaining({ limits: { cpu: '2', memory: '1024Mi' } }) })],
      }),
    });
    expect(envOf(tf)).toEqual(expect.objectContaining({ MAX_QUERY_WINDOW_DAYS: '7', MAX_BYTES_BILLED: String(1024 ** 3), MAX_ROWS_PER_QUERY: '500000', QUERY_TIMEOUT_MS: '5000' }));
  });

  it('grants job user on the project and data viewer on the view only', () => {
    const { json, tf } = synth((scope) => build(scope));
    const account = addressOf(tf, 'google_service_account', { account_id: 'orders-query' });
    const view = addressOf(tf, 'google_bigquery_table', { table_id: 'orders', deletion_protection: false });
    expect(json).toHaveResourceWithProperties(ProjectIamMember, { role: 'roles/bigquery.jobUser', member: `\${${account}.member}` });
    expect(json).toHaveResourceWithProperties(BigqueryTableIamMember, {
      dataset_id: `\${${view}.dataset_id}`, table_id: `\${${view}.table_id}`, role: 'roles/bigquery.dataViewer', member: `\${${account}.member}`,
    });
    const apiGrants = iamGrants(tf).filter((g) => g.member === `\${${account}.member}`);
    expect(apiGrants.map((g) => [g.type, g.role]).sort()).toEqual([
      ['google_bigquery_table_iam_member', 'roles/bigquery.dataViewer'],
      ['google_project_iam_member', 'roles/bigquery.jobUser'],
    ]);
    expect(resourcesOf(tf, 'google_project_iam_member').map((g) => g.role)).toEqual(['roles/bigquery.jobUser']);
  });

  it('is private by default: no invoker grant at all', () => {
    const { tf } = synth((scope) => build(scope));
    expect(resourcesOf(tf, 'google_cloud_run_v2_service_iam_member')).toEqual([]);
    const members = iamGrants(tf).map((g) => g.member);
    expect(members).not.toContain('allUsers');
    expect(members).not.toContain('allAuthenticatedUsers');
  });

  it('grants run.invoker to each invoker on this service', () => {
    const { json, tf } = synth((scope) => build(scope, { invokers: ['user:ana@example.com', 'group:partners@example.com'] }));
    const service = addressOf(tf, 'google_cloud_run_v2_service', { name: 'orders-api' });
    expect(json).toHaveResourceWithProperties(CloudRunV2ServiceIamMember, {
      name: `\${${service}.name}`, location: `\${${service}.location}`, role: 'roles/run.invoker', member: 'user:ana@example.com',
    });
    expect(resourcesOf(tf, 'google_cloud_run_v2_service_iam_member').map((g) => g.member).sort()).toEqual(['group:partners@example.com', 'user:ana@example.com']);
  });

  it('sets no events variables while the events endpoint is off', () => {
    const { tf } = synth((scope) => build(scope));
    expect(envOf(tf)).not.toHaveProperty('EVENTS_TOPIC');
    expect(envOf(tf)).not.toHaveProperty('EVENTS_SCHEMA');
  });

  it('adds allUsers only when public access is allowed', () => {
    const { tf } = synth((scope) => build(scope, { allowPublicAccess: true, invokers: ['allUsers', 'allAuthenticatedUsers'] }));
    const members = resourcesOf(tf, 'google_cloud_run_v2_service_iam_member').map((g) => g.member);
    expect(members.sort()).toEqual(['allAuthenticatedUsers', 'allUsers']);
  });

  it('publishes events only when asked, with publisher on that one topic', () => {
    const { tf } = synth((scope) => build(scope, { enableEventsEndpoint: true, eventPublishers: ['serviceAccount:shop@acme.iam.gserviceaccount.com'] }));
    const account = addressOf(tf, 'google_service_account', { account_id: 'orders-query' });
    const topic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-events' });
    expect(envOf(tf).EVENTS_TOPIC).toBe(`\${${topic}.id}`);
    // The API exposes a projection; events are checked against the whole record the topic takes.
    expect(RecordSchema.fromJson(envOf(tf).EVENTS_SCHEMA).toAvro()).toEqual(orders.toAvro());
    const publishers = iamGrants(tf).filter((g) => g.role === 'roles/pubsub.publisher');
    expect(publishers).toHaveLength(1);
    expect(publishers[0].r).toEqual(expect.objectContaining({ topic: `\${${topic}.id}`, member: `\${${account}.member}` }));
    const service = resourcesOf(tf, 'google_cloud_run_v2_service')[0];
    expect(service.depends_on).toContain(addressOf(tf, 'google_pubsub_topic_iam_member', { role: 'roles/pubsub.publisher' }));
  });

  it('warns at synth when the image uses :latest', () => {
    let api!: QueryApi;
    synth((scope) => { api = build(scope, {}, true, ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api:latest')); });
    const warnings = api.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringMatching(/uses the :latest tag/)]);
  });

  it.each(['allUsers', 'allAuthenticatedUsers'])('fails when %s is an invoker without allowPublicAccess', (member) => {
    expect(() => synth((scope) => build(scope, { invokers: [member] })))
      .toThrow(new RegExp(`invalid QueryApi props at .*Api:\\n {2}- invokers must not hold ${member} unless allowPublicAccess is true`));
  });

  it('fails when allAuthenticatedUsers is an invoker without allowPublicAccess', () => {
    expect(() => synth((scope) => build(scope, { invokers: ['allAuthenticatedUsers'], allowPublicAccess: false })))
      .toThrow(/invokers must not hold allAuthenticatedUsers unless allowPublicAccess is true/);
  });

  it('fails when an invoker is not an IAM member', () => {
    expect(() => synth((scope) => build(scope, { invokers: ['ana@example.com'] })))
      .toThrow(/invokers entry "ana@example.com" must be an IAM member/);
  });

  it('fails when enableEventsEndpoint has no topic', () => {
    expect(() => synth((scope) => build(scope, { enableEventsEndpoint: true, eventPublishers: ['user:ana@example.com'] }, false)))
      .toThrow(/enableEventsEndpoint needs ingest, the topic to publish to/);
  });

  it('gives publishing its own allow-list: publishers are invokers too, and the service gets their list', () => {
    const shop = 'serviceAccount:shop@acme.iam.gserviceaccount.com';
    const { tf } = synth((scope) => build(scope, { enableEventsEndpoint: true, invokers: ['user:ana@example.com'], eventPublishers: [shop, 'user:ops@example.com'] }));
    expect(envOf(tf).EVENTS_PUBLISHERS).toBe(`${shop},user:ops@example.com`);
    const invokers = resourcesOf(tf, 'google_cloud_run_v2_service_iam_member').map((g) => g.member).sort();
    expect(invokers).toEqual([shop, 'user:ana@example.com', 'user:ops@example.com']);
  });

  it('passes a publisher given as a token through to the service', () => {
    const { tf } = synth((scope) => {
      const ingest = new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders });
      const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders });
      const producer = new ServiceAccount(scope, 'Producer', { accountId: 'orders-producer' });
      new QueryApi(scope, 'Api', { name: 'orders', image: image(), table, ingest, enableEventsEndpoint: true, eventPublishers: [producer.member] });
    });
    expect(envOf(tf).EVENTS_PUBLISHERS).toBe('${google_service_account.Producer.member}');
  });

  it('fails when the events endpoint has no publishers: invoking must not be enough to write', () => {
    expect(() => synth((scope) => build(scope, { enableEventsEndpoint: true, invokers: ['user:ana@example.com'] })))
      .toThrow(/enableEventsEndpoint needs eventPublishers, the user: or serviceAccount: members allowed to publish/);
  });

  it('fails when the events endpoint is combined with public access', () => {
    expect(() => synth((scope) => build(scope, { enableEventsEndpoint: true, allowPublicAccess: true, eventPublishers: ['user:ana@example.com'] })))
      .toThrow(/enableEventsEndpoint must not be combined with allowPublicAccess/);
  });

  it.each(['group:writers@example.com', 'domain:example.com', 'allUsers', 'ana@example.com'])('fails when %s is an event publisher', (member) => {
    expect(() => synth((scope) => build(scope, { enableEventsEndpoint: true, eventPublishers: [member] })))
      .toThrow(new RegExp(`eventPublishers entry "${member}" must be user:<email> or serviceAccount:<email>`));
  });

  it('fails when eventPublishers are given without the events endpoint', () => {
    expect(() => synth((scope) => build(scope, { eventPublishers: ['user:ana@example.com'] })))
      .toThrow(/eventPublishers needs enableEventsEndpoint: true/);
  });

  it('fails when a domain-wide invoker is given without allowPublicAccess', () => {
    expect(() => synth((scope) => build(scope, { invokers: ['domain:example.com'] })))
      .toThrow(/invokers must not hold domain:example.com unless allowPublicAccess is true/);
  });

  it.each(['allUsers', 'allAuthenticatedUsers', 'domain:example.com'])('fails when grantInvoke is given %s without allowPublicAccess', (member) => {
    expect(() => synth((scope) => build(scope).grantInvoke('Public', member)))
      .toThrow(new RegExp(`invalid grantInvoke at .*Api:\\n {2}- grantInvoke member must not hold ${member} unless allowPublicAccess is true \\(the API is private by default\\)`));
  });

  it('grants a public member with grantInvoke once allowPublicAccess is true', () => {
    const { tf } = synth((scope) => build(scope, { allowPublicAccess: true }).grantInvoke('Domain', 'domain:example.com'));
    expect(resourcesOf(tf, 'google_cloud_run_v2_service_iam_member').map((g) => g.member).sort()).toEqual(['allUsers', 'domain:example.com']);
  });

  it.each([
    ['maxQueryWindowDays', { maxQueryWindowDays: 0 }, /maxQueryWindowDays must be an integer between 1 and 366, got 0/],
    ['maxQueryWindowDays', { maxQueryWindowDays: 367 }, /maxQueryWindowDays must be an integer between 1 and 366, got 367/],
    ['maxBytesBilled', { maxBytesBilled: 1000 }, /maxBytesBilled must be an integer between 10485760 and \d+, got 1000/],
    ['maxRowsPerQuery', { maxRowsPerQuery: 1000 }, /maxRowsPerQuery must be an integer between 1001 and 10000000, got 1000/],
    ['queryTimeoutMs', { queryTimeoutMs: 999 }, /queryTimeoutMs must be an integer between 1000 and 600000, got 999/],
    ['memoryMiB', { memoryMiB: 256 }, /memoryMiB must be an integer between 512 and 32768, got 256/],
    ['minInstances', { minInstances: -1 }, /minInstances must be an integer between 0 and 100, got -1/],
    ['maxInstances', { maxInstances: 0 }, /maxInstances must be an integer between 1 and 1000, got 0/],
    ['maxConcurrentRequests', { maxConcurrentRequests: 1001 }, /maxConcurrentRequests must be an integer between 1 and 1000, got 1001/],
    ['requestTimeoutSeconds', { requestTimeoutSeconds: 3601 }, /requestTimeoutSeconds must be an integer between 1 and 3600, got 3601/],
    ['cpu', { cpu: 3 }, /cpu must be one of 1, 2, 4, 6, 8, got 3/],
    ['cpu', { memoryMiB: 8192 }, /cpu must be at least 2 for memoryMiB 8192 \(Cloud Run's limit per vCPU\), got 1/],
    ['cpu', { cpu: 4, memoryMiB: 32768 }, /cpu must be at least 8 for memoryMiB 32768 .*got 4/],
    ['ingress', { ingress: 'PUBLIC' as ApiIngress }, /ingress must be one of INGRESS_TRAFFIC_ALL, .*got "PUBLIC"/],
    ['minInstances', { minInstances: 5, maxInstances: 2 }, /minInstances must not exceed maxInstances, got 5 > 2/],
    ['queryTimeoutMs', { queryTimeoutMs: 30000, requestTimeoutSeconds: 30 }, /queryTimeoutMs must be below requestTimeoutSeconds \* 1000 so a slow query fails cleanly, got 30000 >= 30000/],
  ])('fails when %s is invalid (%j)', (_prop, options, message) => {
    expect(() => synth((scope) => build(scope, options as QueryApiOptions))).toThrow(message);
  });
  it('accepts the largest memory each vCPU count allows', () => {
    for (const [cpu, memoryMiB] of [[1, 4096], [2, 8192], [4, 16384], [6, 24576], [8, 32768]]) {
      expect(() => synth((scope) => build(scope, { cpu, memoryMiB }))).not.toThrow();
    }
  });

  it('owns the revisions by default: no lifecycle rule', () => {
    const { tf } = synth((scope) => build(scope));
    expect(resourcesOf(tf, 'google_cloud_run_v2_service')[0].lifecycle).toBeUndefined();
  });

  it('leaves the image, client and revision to a deploy tool when manageRevisions is false', () => {
    const { json, tf } = synth((scope) => build(scope, { manageRevisions: false }));
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, {
      lifecycle: { ignore_changes: ['client', 'client_version', 'template[0].containers[0].image', 'template[0].revision'] },
    });
    // Everything else stays under Terraform: the first image is still set.
    expect(resourcesOf(tf, 'google_cloud_run_v2_service')[0].template.containers[0].image).toBe('europe-docker.pkg.dev/acme/apis/orders-api:1.4.2');
  });

  it('tells the image its pipeline name, region and labels when binding it', () => {
    const seen: unknown[] = [];
    class Spy extends ServiceImage {
      public constructor() {
        super('europe-docker.pkg.dev/acme/apis/orders-api:1.4.2');
      }
      public bind(scope: Construct, options = {}) {
        seen.push(options);
        return super.bind(scope, options);
      }
    }
    let api!: QueryApi;
    synth((scope) => { api = build(scope, { region: 'europe-west1' }, true, new Spy()); });
    expect(seen).toEqual([{ name: 'orders', region: 'europe-west1', labels: { team: 'data' } }]);
    expect(api.imageConfig).toEqual({ imageUri: 'europe-docker.pkg.dev/acme/apis/orders-api:1.4.2' });
  });
});
