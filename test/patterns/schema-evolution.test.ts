import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { AnalyticsPipeline, Field, FieldMode, IngestTopic, RecordSchema, SchemaLockOptions } from '../../src';
import { buildOpenApiDocument } from '../../src/service/openapi';
import { Json, image, orders } from '../constructs/helpers';

/** The orders schema plus a NULLABLE `coupon`: a compatible change. */
const withCoupon = new RecordSchema({ ...JSON.parse(orders.toJson()).schema, fields: [...orders.fields, Field.string('coupon')] });
/** The orders schema with `amount` turned into a STRING: an incompatible change. */
const amountAsText = new RecordSchema({
  ...JSON.parse(orders.toJson()).schema,
  fields: orders.fields.map((f) => (f.name === 'amount' ? { ...f, type: Field.string('x').type } : f)),
});

function stackWith(schema: RecordSchema, schemaLock: SchemaLockOptions): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'evolution');
  new GoogleProvider(stack, 'google', { project: 'acme-analytics', region: 'europe-west1' });
  new AnalyticsPipeline(stack, 'Orders', { name: 'orders', schema, image: image(), schemaLock });
  return stack;
}

/** Every resource address with the addresses it depends on (depends_on and `${type.name...}` references), transitively. */
function dependencyGraph(tf: Json): Map<string, Set<string>> {
  const direct = new Map<string, Set<string>>();
  for (const [type, resources] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(resources as Record<string, Json>)) {
      const deps = new Set<string>((body.depends_on ?? []) as string[]);
      for (const m of JSON.stringify({ ...body, depends_on: undefined }).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./g)) deps.add(m[1]);
      direct.set(`${type}.${name}`, deps);
    }
  }
  const closure = new Map<string, Set<string>>();
  const visit = (node: string, seen: Set<string>): Set<string> => {
    const known = closure.get(node);
    if (known) return known;
    const all = new Set<string>();
    for (const dep of direct.get(node) ?? []) {
      if (seen.has(dep)) continue;
      all.add(dep);
      for (const d of visit(dep, new Set([...seen, node]))) all.add(d);
    }
    closure.set(node, all);
    return all;
  };
  for (const node of direct.keys()) visit(node, new Set());
  return closure;
}

const only = (tf: Json, type: string, where: (r: Json) => boolean = () => true): string => {
  const hits = Object.entries(tf.resource[type] as Record<string, Json>).filter(([, r]) => where(r));
  expect(hits).toHaveLength(1);
  return `${type}.${hits[0][0]}`;
};

describe('schema evolution of AnalyticsPipeline', () => {
  let dir: string;
  let lockPath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'schema-lock-'));
    lockPath = join(dir, 'orders.schema-lock.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a compatible change rolls out table first: columns, then the schema revision, the view and the API, in one apply', () => {
    const tf = JSON.parse(Testing.synth(stackWith(withCoupon, { path: lockPath }))) as Json;
    const graph = dependencyGraph(tf);
    const table = only(tf, 'google_bigquery_table', (r) => r.table_id === 'orders' && r.view === undefined);
    const view = only(tf, 'google_bigquery_table', (r) => r.view !== undefined);
    const schema = only(tf, 'google_pubsub_schema');
    const topic = only(tf, 'google_pubsub_topic', (r) => r.schema_settings !== undefined);
    const service = only(tf, 'google_cloud_run_v2_service');
    const subscription = only(tf, 'google_pubsub_subscription', (r) => r.bigquery_config?.use_topic_schema === true);

    // The topic accepts a new revision as soon as it is committed: the table must have its columns before that.
    expect(graph.get(schema)).toContain(table);
    expect(graph.get(topic)).toContain(schema);
    expect(graph.get(view)).toContain(table);
    expect(graph.get(service)).toContain(view);
    expect(graph.get(subscription)).toEqual(expect.objectContaining({}));
    expect(graph.get(subscription)).toContain(table);
    // Nothing the table depends on waits for the schema, the topic or the API: no cycle, the table goes first.
    for (const later of [schema, topic, view, service]) expect(graph.get(table)).not.toContain(later);
    // The API learns the new field in the same apply: its schema variable already holds it.
    const env = tf.resource.google_cloud_run_v2_service[service.split('.')[1]].template.containers[0].env as Array<{ name: string; value: string }>;
    expect(RecordSchema.fromJson(env.find((e) => e.name === 'PIPELINE_SCHEMA')!.value).fieldNames).toContain('coupon');
  });

  test('a schema change commits a revision of the same schema resource: the topic is unchanged', () => {
    const before = JSON.parse(Testing.synth(stackWith(orders, { enabled: false }))) as Json;
    const after = JSON.parse(Testing.synth(stackWith(withCoupon, { enabled: false }))) as Json;
    const changed = Object.keys(after.resource).flatMap((type) =>
      Object.keys(after.resource[type]).filter((name) => JSON.stringify(after.resource[type][name]) !== JSON.stringify(before.resource[type]?.[name])).map((name) => `${type}.${name}`),
    );
    expect(changed.map((a) => a.split('.')[0]).sort()).toEqual(['google_bigquery_table', 'google_bigquery_table', 'google_cloud_run_v2_service', 'google_pubsub_schema']);
    expect(JSON.stringify(after.resource.google_pubsub_topic)).toBe(JSON.stringify(before.resource.google_pubsub_topic));
  });

  test('synth writes the lock on the first run and keeps it for a compatible change', () => {
    Testing.synth(stackWith(orders, { path: lockPath }), true);
    const first = JSON.parse(readFileSync(lockPath, 'utf8'));
    expect(first).toMatchObject({ lockfileVersion: 1, pipeline: 'orders', schemaRevisions: 1, record: JSON.parse(orders.toJson()) });
    Testing.synth(stackWith(withCoupon, { path: lockPath }), true);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ schemaRevisions: 2, record: JSON.parse(withCoupon.toJson()) });
  });

  test('fails when a change is incompatible, naming the field, the change, why, the supported path and the override', () => {
    Testing.synth(stackWith(orders, { path: lockPath }), true);
    const locked = readFileSync(lockPath, 'utf8');
    expect(() => Testing.synth(stackWith(amountAsText, { path: lockPath }), true)).toThrow(
      /incompatible schema change of pipeline orders .*amount: type NUMERIC -> STRING \(CHANGE_TYPE\): BigQuery cannot change a column type in place.*Supported path: add a new NULLABLE field.*Override: add "amount" to schemaLock\.acceptIncompatibleChanges; it costs: Terraform replaces the table/,
    );
    expect(readFileSync(lockPath, 'utf8')).toBe(locked);
  });

  test('the named override lets it through, warns with the cost and moves the lock on', () => {
    Testing.synth(stackWith(orders, { path: lockPath }), true);
    const stack = stackWith(amountAsText, { path: lockPath, acceptIncompatibleChanges: ['amount'] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata).filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/accepted incompatible schema change amount: .*it costs: Terraform replaces the table/)]));
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).record).toEqual(JSON.parse(amountAsText.toJson()));
  });

  test('fails when the change would commit a 21st schema revision, saying what to do', () => {
    Testing.synth(stackWith(orders, { path: lockPath }), true);
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
    writeFileSync(lockPath, JSON.stringify({ ...lock, schemaRevisions: 20 }));
    expect(() => Testing.synth(stackWith(withCoupon, { path: lockPath }), true)).toThrow(/already holds 20 revisions, and Pub\/Sub keeps at most 20.*gcloud pubsub schemas delete-revision.*set "schemaRevisions"/);
    // Unchanged definitions commit no revision: the same schema still synthesizes.
    expect(() => Testing.synth(stackWith(orders, { path: lockPath }), true)).not.toThrow();
  });

  test('counts no revisions for an existing topic, whose Pub/Sub schema is its owner\'s', () => {
    const onShopTopic = (schema: RecordSchema) => {
      const stack = new TerraformStack(Testing.app(), 'evolution');
      new GoogleProvider(stack, 'google', { project: 'acme-analytics', region: 'europe-west1' });
      const existingTopic = IngestTopic.fromTopicAttributes(stack, 'Shop', { topicId: 'projects/acme/topics/shop', deadLetterTopicId: 'projects/acme/topics/shop-dead-letters', schema });
      new AnalyticsPipeline(stack, 'Orders', { name: 'orders', schema, image: image(), existingTopic, schemaLock: { path: lockPath } });
      return stack;
    };
    Testing.synth(onShopTopic(orders), true);
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
    writeFileSync(lockPath, JSON.stringify({ ...lock, schemaRevisions: 20 }));
    expect(() => Testing.synth(onShopTopic(withCoupon), true)).not.toThrow();
  });

  test('fails when the lock cannot be read', () => {
    writeFileSync(lockPath, '{ not json');
    expect(() => Testing.synth(stackWith(orders, { path: lockPath }), true)).toThrow(/schema lock .*orders\.schema-lock\.json cannot be read: .*Restore it from version control/);
  });

  test('by default the lock sits in schema-locks/ beside the app output directory', () => {
    const app = new App({ outdir: join(dir, 'cdktf.out') });
    const stack = new TerraformStack(app, 'evolution');
    new GoogleProvider(stack, 'google', { project: 'acme-analytics', region: 'europe-west1' });
    new AnalyticsPipeline(stack, 'Orders', { name: 'orders', schema: orders, image: image() });
    app.synth();
    expect(existsSync(join(dir, 'schema-locks', 'orders.schema-lock.json'))).toBe(true);
  });
});

describe('deprecated fields', () => {
  test('stay in the table, the Avro schema and the API schema', () => {
    const schema = new RecordSchema({ ...JSON.parse(orders.toJson()).schema, fields: orders.fields.map((f) => (f.name === 'amount' ? { ...f, deprecated: true } : f)) });
    expect(schema.toBigQueryFields().map((f) => f.name)).toContain('amount');
    expect(JSON.stringify(schema.toAvro())).toContain('"amount"');
    expect(RecordSchema.fromJson(schema.toJson()).field('amount')).toMatchObject({ deprecated: true, mode: FieldMode.NULLABLE });
  });

  test('are flagged deprecated in the OpenAPI document, the others are not', () => {
    const schema = new RecordSchema({ ...JSON.parse(orders.toJson()).schema, fields: orders.fields.map((f) => (f.name === 'amount' ? { ...f, deprecated: true } : f)) });
    const properties = (buildOpenApiDocument(schema, { maxQueryWindowDays: 31 }) as Json).components.schemas.Order.properties;
    expect(properties.amount.deprecated).toBe(true);
    expect(properties.status.deprecated).toBeUndefined();
  });
});
