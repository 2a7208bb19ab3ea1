import * as avro from 'avsc';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { FIELD_TYPES } from '../../src/schema/field-types';
import { buildOpenApiDocument } from '../../src/service/openapi';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { createLogger } from '../../src/service/logger';
import { MalformedResponseError, decodeRows } from '../../src/service/store/bigquery-decode';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { NOW_MILLIS, bodyOf, errorOf, harness } from './app-harness';

const required = { mode: FieldMode.REQUIRED };
const repeated = { mode: FieldMode.REPEATED };

/** BYTES, TIME, DATETIME and BIGNUMERIC at the top level, repeated and nested. */
const shapes = new RecordSchema({
  name: 'Shape',
  fields: [
    Field.string('id', required),
    Field.timestamp('at', required),
    Field.bytes('blob'),
    Field.bytes('blobs', repeated),
    Field.time('clock'),
    Field.time('clocks', repeated),
    Field.datetime('local'),
    Field.bigNumeric('big'),
    Field.record('inner', [Field.time('t', required), Field.bytes('b', required), Field.datetime('d', required), Field.bigNumeric('n', required)]),
  ],
  eventTimeField: 'at',
  keyField: 'id',
  clusteringFields: ['local', 'big'],
});

const AT_MICROS = BigInt(NOW_MILLIS - 3_600_000) * 1000n;
const BIG = '-1234567890123456789012345678901234567.12345678901234567890123456789012345678';

/** One event in Avro's JSON encoding, as a producer publishes it. */
const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  at: Number(AT_MICROS),
  blob: { bytes: '\u0000\u00ffA' },
  blobs: ['\u0001', ''],
  clock: { long: 36_000_123_456 },
  clocks: [0, 86_399_999_999],
  local: { string: '2024-5-1 10:00:00.5' },
  big: { string: `${BIG}000` },
  inner: { Shape_inner: { t: 1, b: 'xyz', d: '2024-01-02', n: '+01.50' } },
  ...overrides,
});

/** The same record as the API returns it, written out by hand. */
const wire = (id: string) => ({
  id,
  at: new Date(NOW_MILLIS - 3_600_000).toISOString().replace('Z', '000Z'),
  blob: 'AP9B',
  blobs: ['AQ==', ''],
  clock: '10:00:00.123456',
  clocks: ['00:00:00.000000', '23:59:59.999999'],
  local: '2024-05-01T10:00:00.500000',
  big: BIG,
  inner: { t: '00:00:00.000001', b: 'eHl6', d: '2024-01-02T00:00:00.000000', n: '1.5' },
});

async function setup() {
  const store = await DuckDbStore.create({ schema: shapes });
  const publisher = new LocalPublisher({ sink: store, schema: shapes, clock: { nowMillis: () => NOW_MILLIS }, logger: createLogger(() => undefined) });
  const { app } = harness({ store, schema: shapes, publisher });
  const post = (body: unknown) => app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { store, app, post };
}

describe('BYTES, TIME, DATETIME and BIGNUMERIC', () => {
  test('generate an Avro schema avsc reads with their types and a BigQuery schema with their columns', () => {
    expect(() => avro.Type.forSchema(shapes.toAvro(), { wrapUnions: true })).not.toThrow();
    const fields = shapes.toAvro().fields as Array<{ name: string; type: unknown }>;
    const schemaOf = (name: string) => JSON.stringify(fields.find((f) => f.name === name)!.type);
    expect(schemaOf('blob')).toBe('["null","bytes"]');
    expect(schemaOf('clock')).toBe('["null",{"type":"long","logicalType":"time-micros"}]');
    expect(schemaOf('local')).toBe('["null","string"]');
    expect(schemaOf('big')).toBe('["null","string"]');
    expect(shapes.toBigQueryFields().map((f) => `${f.name} ${f.type} ${f.mode}`)).toEqual([
      'id STRING REQUIRED', 'at TIMESTAMP REQUIRED', 'blob BYTES NULLABLE', 'blobs BYTES REPEATED', 'clock TIME NULLABLE', 'clocks TIME REPEATED',
      'local DATETIME NULLABLE', 'big BIGNUMERIC NULLABLE', 'inner RECORD NULLABLE',
    ]);
    expect(shapes.toBigQueryFields()[8].fields!.map((f) => f.type)).toEqual(['TIME', 'BYTES', 'DATETIME', 'BIGNUMERIC']);
  });

  test('fails when a TIME or BYTES field is a clustering field: BigQuery cannot cluster on them', () => {
    const props = (clusteringFields: string[]) => ({ name: 'S', fields: [Field.timestamp('at', required), Field.time('t'), Field.bytes('b')], eventTimeField: 'at', clusteringFields });
    expect(() => new RecordSchema(props(['t']))).toThrow(/clusteringFields entry t must be a non-repeated .*DATETIME, BIGNUMERIC field, got NULLABLE TIME/);
    expect(() => new RecordSchema(props(['b']))).toThrow(/clusteringFields entry b must be .* got NULLABLE BYTES/);
  });

  describe('through the local API', () => {
    let env: Awaited<ReturnType<typeof setup>>;
    beforeEach(async () => {
      env = await setup();
    });
    afterEach(() => env.store.close());

    test('events are accepted, stored in DuckDB and read back in wire form, filtered by DATETIME and BIGNUMERIC', async () => {
      expect((await env.post([event('e1'), event('e2', { local: null, big: { string: '7' } })])).status).toBe(200);
      expect(await bodyOf(await env.app.request('/v1/records/e1'))).toEqual(wire('e1'));
      const ids = async (query: string) => (await bodyOf(await env.app.request(`/v1/records?fields=id&${query}`))).records.map((r: { id: string }) => r.id);
      expect(await ids('local=2024-05-01T10:00:00.500')).toEqual(['e1']);
      expect(await ids(`big=${encodeURIComponent(`${BIG}0`)}`)).toEqual(['e1']);
      expect(await ids('big=7.000')).toEqual(['e2']);
    });

    test('every value returned matches the wire schema of its type in the OpenAPI document', async () => {
      await env.post(event('e1'));
      const record = await bodyOf(await env.app.request('/v1/records/e1'));
      const document = buildOpenApiDocument(shapes, { maxQueryWindowDays: 31 }) as { components: { schemas: { Shape: { properties: Record<string, unknown> } } } };
      const properties = document.components.schemas.Shape.properties;
      expect(properties.blob).toMatchObject({ type: ['string', 'null'], contentEncoding: 'base64' });
      const checks: Array<[unknown, string]> = [
        [record.blob, 'BYTES'], ...record.blobs.map((b: string) => [b, 'BYTES'] as [unknown, string]), [record.clock, 'TIME'],
        [record.local, 'DATETIME'], [record.big, 'BIGNUMERIC'], [record.inner.t, 'TIME'], [record.inner.d, 'DATETIME'], [record.inner.n, 'BIGNUMERIC'],
      ];
      for (const [value, type] of checks) {
        const pattern = (FIELD_TYPES[type as keyof typeof FIELD_TYPES].wireSchema as { pattern: string }).pattern;
        expect({ type, value, matches: new RegExp(pattern, 'u').test(String(value)) }).toEqual({ type, value, matches: true });
      }
    });

    test('fails when a BYTES value holds a character above U+00FF: Pub/Sub would refuse it', async () => {
      const res = await env.post(event('e1', { blob: { bytes: 'caf\u0113' } }));
      expect(res.status).toBe(400);
      expect(JSON.stringify((await errorOf(res)).details)).toMatch(/blob\.bytes.*expected bytes/);
      expect((await env.post(event('e1', { blobs: [7] }))).status).toBe(400);
    });

    test('values Avro accepts but BigQuery refuses are dead-lettered: a TIME past midnight, a bad DATETIME, a BIGNUMERIC out of range', async () => {
      const res = await env.post([
        event('late', { clock: { long: 86_400_000_000 } }),
        event('feb30', { local: { string: '2024-02-30 00:00:00' } }),
        event('huge', { big: { string: '1'.repeat(40) } }),
        event('fine'),
      ]);
      expect(res.status).toBe(200);
      const { records } = await bodyOf(await env.app.request('/v1/records?fields=id'));
      expect(records.map((r: { id: string }) => r.id)).toEqual(['fine']);
      const dead = await env.store.withConnection((c) => c.runAndReadAll(`SELECT reason FROM ${env.store.deadLetterTableName} ORDER BY reason`));
      expect(dead.getRowObjectsJson().map((r) => r.reason)).toEqual([
        expect.stringMatching(/^big: "1{40}" is not a BIGNUMERIC/),
        expect.stringMatching(/^clock: 86400000000 is not a TIME/),
        expect.stringMatching(/^local: "2024-02-30 00:00:00" is not a DATETIME/),
      ]);
    });
  });

  describe('decoded from BigQuery results', () => {
    const decode = (type: string, v: unknown) => decodeRows([{ name: 'v', type, mode: 'NULLABLE' }], [{ f: [{ v }] }])[0].v;

    test.each([
      ['BYTES', 'AP9B', 'AP9B'],
      ['TIME', '10:00:00', '10:00:00.000000'],
      ['TIME', '23:59:59.999999', '23:59:59.999999'],
      ['DATETIME', '2024-05-01T10:00:00', '2024-05-01T10:00:00.000000'],
      ['DATETIME', '0001-01-01T00:00:00.5', '0001-01-01T00:00:00.500000'],
      ['BIGNUMERIC', '1.50000000000000000000000000000000000000', '1.5'],
      ['BIGNUMERIC', BIG, BIG],
    ])('%s %j', (type, v, expected) => {
      expect(decode(type, v)).toEqual(expected);
    });

    test.each([
      ['BYTES', 'AP9'],
      ['TIME', '24:00:00'],
      ['DATETIME', '2024-05-01 25:00:00'],
      ['BIGNUMERIC', '1e3'],
    ])('fails when a %s cell is %j', (type, v) => {
      expect(() => decode(type, v)).toThrow(MalformedResponseError);
    });
  });
});
