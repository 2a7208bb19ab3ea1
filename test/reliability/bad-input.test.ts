import * as fc from 'fast-check';
import { FieldDefinition, FieldType, RecordSchema } from '../../src/schema';
import { AvroJsonEvent } from '../../src/service/events/avro-event';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { LogEntry, createLogger } from '../../src/service/logger';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import type { StoredEvent } from '../../src/service/store/store';
import { microsToIso } from '../../src/schema/wire';
import { NOW_MILLIS, harness, validFlightEvent } from '../service/app-harness';
import { flightData, flightEvents, readingData, readings, ticketData, tickets } from '../service/store-contract-data';
import { RecordingStore, isStoredForm } from './recording-store';

/**
 * Bad input, property-based: generated query strings, path keys, headers and event bodies against `createApp`
 * over a recording store (./recording-store.ts) on a real DuckDB store. Every answer is a 2xx or a
 * 4xx in the one error shape, never a 5xx nor a stack trace; the store gets values typed as the schema says, and
 * the SQL both builders make from them holds no value, only placeholders. Fixed seed: the same 10,000 cases run
 * every time (counts per property in RUNS; sql-parameters.test.ts adds 1,000 at the SQL level).
 */

const SEED = 20_261_128;
/** Generated cases per property: 10,000 in all. */
const RUNS = { flightQueries: 3000, typedFilters: 2000, keys: 1500, headers: 1000, events: 2500 };
const MAX_WINDOW_DAYS = 31;
const NOW_MICROS = BigInt(NOW_MILLIS) * 1000n;
const STACK_TRACE = /\n\s+at |\.ts:\d+|node_modules|Error:/;

interface Target {
  readonly schema: RecordSchema;
  readonly app: ReturnType<typeof harness>['app'];
  readonly logs: LogEntry[];
  readonly recording: RecordingStore;
  readonly store: DuckDbStore;
  readonly sink: StoredEvent[];
}

/** An app over a recording store on DuckDB loaded with a contract data set; events are on and recorded as stored. */
async function target(schema: RecordSchema, data: StoredEvent[]): Promise<Target> {
  const store = await DuckDbStore.create({ schema });
  await store.insert(data);
  const recording = new RecordingStore(store, schema, MAX_WINDOW_DAYS);
  const sink: StoredEvent[] = [];
  const publisher = new LocalPublisher({
    sink: { write: (events) => (sink.push(...events), store.write(events)) },
    schema,
    clock: { nowMillis: () => NOW_MILLIS },
    logger: createLogger(() => undefined),
  });
  const { app, logs } = harness({ store: recording, schema, publisher, config: { maxQueryWindowDays: MAX_WINDOW_DAYS, maxBodyBytes: 256 * 1024 } });
  return { schema, app, logs, recording, store, sink };
}

/** The checks every answer must pass, whatever was asked. */
async function expectHandled(t: Target, response: Response, method = 'GET'): Promise<void> {
  const text = await response.text();
  const status = response.status;
  if (status >= 500 || status < 200 || (status >= 300 && status < 400)) throw new Error(`status ${status}: ${text.slice(0, 300)}`);
  const errors = t.logs.filter((e) => e.severity === 'ERROR');
  t.logs.length = 0;
  if (errors.length > 0) throw new Error(`the service logged an error: ${errors[0].message}`);
  if (method === 'HEAD') return;
  if (!/^application\/json/.test(response.headers.get('content-type') ?? '')) throw new Error(`not JSON: ${response.headers.get('content-type')}`);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (status >= 400) {
    if (STACK_TRACE.test(text)) throw new Error(`stack trace in the answer: ${text.slice(0, 300)}`);
    const error = body.error as Record<string, unknown> | undefined;
    const shapeOk =
      Object.keys(body).join() === 'error' &&
      typeof error?.code === 'string' &&
      typeof error.message === 'string' &&
      Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k));
    if (!shapeOk) throw new Error(`not the error shape: ${text.slice(0, 300)}`);
  }
}

/** Percent-encodes every byte outside the unreserved set (lone surrogates become U+FFFD, as browsers send them). */
function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Strings that have broken APIs before: SQL and template injection, NUL, bidi, surrogates, huge and special numbers. */
const nasty = fc.constantFrom(
  "'; DROP TABLE records; --",
  '" OR "1"="1',
  "' OR 1=1 --",
  'AF\u0000; DELETE FROM records',
  '\u0000',
  '$1',
  '$from',
  '@from_time',
  '?',
  ':limit',
  '`records`',
  '${process.exit()}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9'.repeat(400),
  '-9223372036854775809',
  '9223372036854775808',
  'null',
  'true',
  '[]',
  '{}',
  '\ud800',
  '😀✈️🛫',
  'مرحبا',
  '\u202eAF',
  '  ',
  '',
  'a'.repeat(5000),
);
const text = fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 12 }));

/** ISO 8601 and near misses: out-of-range, impossible, zone-less, year 0 and 9999, numeric epochs. */
const timeText = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: NOW_MICROS - 30n * 86_400_000_000n, max: NOW_MICROS }).map(microsToIso) },
  fc.bigInt({ min: NOW_MICROS - 40n * 86_400_000_000n, max: NOW_MICROS + 86_400_000_000n }).map(microsToIso),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-05-01T25:61:61Z', '2024-05-01T10:00:00', '2024-05-01T10:00:00+25:00',
    '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z', '0001-01-01', '2024-05-01T10:00:00.1234567890Z', '1714521600',
    '2024-05-01T10:00:00z', '2024-05-01 10:00:00+02', '+275760-09-13T00:00:00Z', 'yesterday',
  ),
  text,
);

const limitText = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }).map(String) }, fc.integer({ min: -5, max: 1005 }).map(String), fc.bigInt().map(String), fc.double().map(String), text);

/** Cursors: ours (valid), forged JSON in base64url, random base64url, and junk. */
function cursorText(schema: RecordSchema) {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const micros = fc.oneof(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), fc.bigInt({ min: NOW_MICROS - 86_400_000_000n, max: NOW_MICROS }));
  const tie = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), nasty);
  const key = schema.keyField ? schema.field(schema.keyField)! : undefined;
  const ours = fc.tuple(fc.bigInt({ min: NOW_MICROS - 86_400_000_000n, max: NOW_MICROS }), key?.type === FieldType.INT64 ? fc.integer() : fc.string()).map(([m, k]) => b64([1, String(m), k]));
  return fc.oneof(
    { weight: 4, arbitrary: ours },
    fc.tuple(micros, tie).map(([m, k]) => b64([1, String(m), k])),
    fc.array(fc.jsonValue(), { maxLength: 4 }).map(b64),
    fc.jsonValue().map(b64),
    fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc.constantFrom('', '====', 'eyJ', 'WzEsIjEiLCJ4Il0', 'WzEsIjEiLCJ4Il0=', 'A'.repeat(2000), schema.name),
    text,
  );
}

function fieldsText(schema: RecordSchema) {
  const names = fc.constantFrom(...schema.fieldNames, 'publish_time', 'message_id', 'revenue_eur', '__proto__', 'constructor', '*', 'EVENT_ID');
  return fc.oneof(
    { weight: 4, arbitrary: fc.subarray(schema.fieldNames, { minLength: 1 }).map((n) => n.join(',')) },
    fc.tuple(fc.array(fc.oneof(names, text), { maxLength: 5 }), fc.constantFrom(',', ', ', ',,')).map(([n, separator]) => n.join(separator)),
    text,
  );
}

/** A value for a clustering filter: a plausible one of its type, or anything. */
function filterText(field: FieldDefinition) {
  const typed: Partial<Record<FieldType, fc.Arbitrary<string>>> = {
    [FieldType.STRING]: fc.constantFrom('AF', 'KL', 'CDG', 'DEPARTED', 'af'),
    [FieldType.INT64]: fc.oneof(fc.integer({ min: -3, max: 10 }).map(String), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.constantFrom('007', '+1', '1.0', '0x10')),
    [FieldType.BOOLEAN]: fc.constantFrom('true', 'false', 'TRUE', '1', 'yes'),
    [FieldType.DATE]: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('2024-05-01', '2024-02-30', '0000-01-01', '9999-12-31', '24-5-1')),
    [FieldType.TIMESTAMP]: timeText,
    [FieldType.NUMERIC]: fc.oneof(fc.double().map(String), fc.constantFrom('12.50', '-3', '0.000000001', '0.0000000005', '1e3', '.5', '5.', '-', '1'.repeat(30), '1'.repeat(29))),
  };
  return fc.oneof({ weight: 4, arbitrary: typed[field.type] ?? text }, text);
}

/** A query string of any of the parameters (some repeated, some unknown), encoded properly or not. */
function queryString(schema: RecordSchema, only?: readonly string[]) {
  const known = (
    [
      ['from', timeText],
      ['to', timeText],
      ['limit', limitText],
      ['cursor', cursorText(schema)],
      ['fields', fieldsText(schema)],
      ...schema.clusteringFields.map((name): [string, fc.Arbitrary<string>] => [name, filterText(schema.field(name)!)]),
    ] as Array<[string, fc.Arbitrary<string>]>
  ).filter(([name]) => !only || only.includes(name));
  const unknownName = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'FROM', 'Limit', 'revenue_eur', 'publish_time', 'from[]', 'a.b'), fc.string({ maxLength: 8 }));
  const param = fc.oneof(
    { weight: 10, arbitrary: fc.oneof(...known.map(([name, value]) => value.map((v): [string, string] => [name, v]))) },
    { weight: 1, arbitrary: fc.tuple(unknownName, text) },
  );
  const raw = fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%ED%A0%80', '%00', '&&', '=', '==x', '+', '%2B');
  return fc
    .tuple(fc.uniqueArray(param, { maxLength: 5, selector: ([name]) => name }), fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, fc.tuple(fc.constantFrom(...known.map(([name]) => name)), raw)), fc.boolean())
    // A tenth of the strings repeat a parameter or carry raw, invalid percent-encoding (decoded leniently or refused by name).
    .map(([params, junk, junkFirst]) => {
      const encoded = params.map(([k, v]) => `${encode(k)}=${encode(v)}`);
      if (junk) encoded[junkFirst ? 'unshift' : 'push'](`${junk[0]}=${junk[1]}`);
      return encoded.join('&');
    });
}

/** One valid flight event near "now" (Avro JSON encoding), the starting point of the event mutations. */
function validFlight(id: string): AvroJsonEvent {
  return validFlightEvent(id) as AvroJsonEvent;
}

/** Marker replaced by a deeply nested array in the body text (JSON.stringify itself would overflow on it). */
const DEEP = '"__deep__"';

const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nasty,
  fc.constantFrom(1e308, -1e308, 2 ** 53, 2 ** 63, 2 ** 53 + 2, -0, 0.5, 2_147_483_648, -2_147_483_649, 2_147_483_647, -2_147_483_648, 8.64e15),
  fc.oneof(fc.constantFrom('long', 'string', 'double', 'int', 'boolean', 'null', 'com.example.flights.FlightEvent_aircraft', 'record'), fc.string({ maxLength: 6 })).chain((branch) =>
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty).map((v) => ({ [branch]: v })),
  ),
  fc.constant({ long: 1, string: 'two branches' }),
  fc.constant(DEEP),
  fc.string({ unit: 'binary' }),
);

const EVENT_FIELDS = [...flightEvents.fieldNames, 'aircraft.registration', 'aircraft.seats', 'aircraft.model'];

/** A valid event with zero to three changes: a field replaced, removed, or an undeclared one added. */
const mutatedEvent = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 10 }),
    fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'add'), fc.constantFrom(...EVENT_FIELDS), oddValue), { maxLength: 3 }),
  )
  .map(([id, changes]) => {
    const event = validFlight(`fuzz-${id}`) as Record<string, unknown>;
    for (const [op, path, value] of changes) {
      const [top, nested] = path.split('.');
      const aircraft = (event.aircraft as Record<string, Record<string, unknown>> | null)?.['com.example.flights.FlightEvent_aircraft'];
      const holder = nested ? aircraft : event;
      const name = nested ?? top;
      if (!holder) continue;
      if (op === 'set') holder[name] = value;
      else if (op === 'delete') delete holder[name];
      else holder[`${name}_extra`] = value;
    }
    return event;
  });

const bodyText = fc.oneof(
  { weight: 5, arbitrary: mutatedEvent.map((e) => JSON.stringify(e)) },
  { weight: 3, arbitrary: fc.array(mutatedEvent, { minLength: 0, maxLength: 4 }).map((e) => JSON.stringify(e)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '', 'null', '[]', '{', '[{"event_id":', '{"event_id": "a"}{"x":1}', `[${'1,'.repeat(1001)}1]`, `{"passengers": ${'9'.repeat(400)}}`,
      '{"__proto__": {"admin": true}}', '"\\u0000"', '\ufeff{}', `${'['.repeat(100_000)}`, `[${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`,
      'x'.repeat(300 * 1024),
    ),
  },
).map((body) => body.split(DEEP).join(`${'['.repeat(20_000)}1${']'.repeat(20_000)}`));

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/cloudevents+json', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/jsonx', '', 'multipart/form-data; boundary=x') },
);

/** Header values a client can send: printable Latin-1 (fetch refuses control characters itself). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.constantFrom('', ' ', 'a'.repeat(64 * 1024), "'; DROP TABLE records; --", '00-00000000000000000000000000000000-0000000000000000-00'),
);
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const traceparent = fc.oneof(
  fc.tuple(hex(2), hex(32), hex(16), hex(2)).map((p) => p.join('-')),
  headerValue,
);
const cloudTrace = fc.oneof(
  fc.tuple(hex(32), fc.bigInt({ min: 0n, max: 2n ** 70n }), fc.constantFrom(';o=1', ';o=0', ';o=2', '')).map(([t, s, o]) => `${t}/${s}${o}`),
  headerValue,
);

describe('bad input never gets a 5xx, and reaches the store only as typed parameters', () => {
  let flights: Target;
  let ticketTarget: Target;
  let readingTarget: Target;

  beforeAll(async () => {
    // An eighth of the bulk rows plus every special one (re-published, ties, window edges, the typed row): fewer rows, faster queries.
    flights = await target(flightEvents, flightData().filter((e, i) => i % 8 === 0 || !/^m-\d+$/.test(e.messageId)));
    ticketTarget = await target(tickets, ticketData());
    readingTarget = await target(readings, readingData());
  }, 60_000);

  afterAll(async () => {
    await Promise.all([flights, ticketTarget, readingTarget].map((t) => t?.store.close()));
  });

  test('the inputs these properties found answering 500 now get their 4xx (or are dead-lettered)', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const cases: Array<[Target, string, RequestInit | undefined, number]> = [
      [ticketTarget, `/v1/records?cursor=${b64([1, '1714521600000000', 'abc'])}`, undefined, 400],
      [flights, `/v1/records?cursor=${b64([1, '9999999999999999999', 'x'])}`, undefined, 400],
      [flights, `/v1/records?cursor=${b64([1, '9223372036854775807', 'x'])}`, undefined, 400],
      [readingTarget, '/v1/records?day=0000-01-01', undefined, 400],
      [flights, '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"event_id": ${deep}}` }, 400],
      [flights, '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `[${deep}]` }, 400],
      // Avro's int holds it, BigQuery's DATE does not: the event is accepted and dead-lettered, and reads go on working.
      [flights, '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...validFlight('far-date'), flight_date: 2_147_483_647 }) }, 200],
      [flights, '/v1/records?limit=1000', undefined, 200],
      [flights, '/v1/records/far-date', undefined, 404],
    ];
    for (const [t, path, init, status] of cases) {
      const response = await t.app.request(path, init);
      expect({ path: path.slice(0, 60), status: response.status }).toEqual({ path: path.slice(0, 60), status });
      await expectHandled(t, response, init?.method);
    }
  });

  test(`GET /v1/records with generated query strings (${RUNS.flightQueries} cases)`, async () => {
    const before = flights.recording.checkedQueries;
    await fc.assert(
      fc.asyncProperty(queryString(flightEvents), async (query) => {
        await expectHandled(flights, await flights.app.request(`/v1/records?${query}`));
      }),
      { seed: SEED, numRuns: RUNS.flightQueries },
    );
    // The generators reach the store often enough for the SQL checks to mean something.
    expect(flights.recording.checkedQueries - before).toBeGreaterThan(RUNS.flightQueries * 0.15);
  }, 120_000);

  test(`typed filters on INT64, BOOLEAN, DATE, NUMERIC and TIMESTAMP columns (${RUNS.typedFilters} cases)`, async () => {
    const window = `from=${microsToIso(NOW_MICROS - 30n * 86_400_000_000n)}&to=${microsToIso(NOW_MICROS)}`;
    for (const t of [ticketTarget, readingTarget]) {
      const before = t.recording.lists.length;
      await fc.assert(
        fc.asyncProperty(fc.boolean().chain((wide) => queryString(t.schema, wide ? ['limit', 'cursor', 'fields', ...t.schema.clusteringFields] : undefined).map((q) => (wide ? `${window}&${q}` : q))), async (query) => {
          await expectHandled(t, await t.app.request(`/v1/records?${query}`));
        }),
        { seed: SEED, numRuns: RUNS.typedFilters / 2 },
      );
      const filtered = t.recording.lists.slice(before).filter((q) => Object.keys(q.filters).length > 0);
      expect(filtered.length).toBeGreaterThan(30);
    }
  });

  test(`GET /v1/records/{key} with generated keys on STRING and INT64 keys (${RUNS.keys} cases)`, async () => {
    const key = fc.oneof(
      text.map(encode),
      { weight: 2, arbitrary: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }), fc.bigInt({ min: 0n, max: 300n })).map(String) },
      fc.constantFrom('evt-00001', 'typed', '9007199254740993', '5', '%', '%ZZ', '%E0%A4%A', '..', '.', 'a/b', '%2F', '%00', 'x'.repeat(10_000)),
    );
    const query = fc.oneof(fc.constant(null), queryString(flightEvents, ['from', 'to', 'fields']));
    for (const [t, runs] of [[flights, RUNS.keys * 0.6], [ticketTarget, RUNS.keys * 0.4]] as const) {
      const before = t.recording.gets.length;
      await fc.assert(
        fc.asyncProperty(key, query, async (k, q) => {
          await expectHandled(t, await t.app.request(`/v1/records/${k}${q ? `?${q}` : ''}`));
        }),
        { seed: SEED, numRuns: runs },
      );
      expect(t.recording.gets.length - before).toBeGreaterThan(runs * 0.1);
    }
  });

  test(`generated headers on every route and method (${RUNS.headers} cases)`, async () => {
    const headers = fc.record(
      {
        traceparent,
        'x-cloud-trace-context': cloudTrace,
        'x-request-id': headerValue,
        'content-type': headerValue,
        accept: headerValue,
        'x-forwarded-for': headerValue,
        'x-huge': fc.constant('h'.repeat(256 * 1024)),
      },
      { requiredKeys: [] },
    );
    const route = fc.constantFrom('/healthz', '/readyz', '/v1/records', '/v1/records/evt-00001', '/v1/events', '/openapi.json', '/nope', '/v1/records/a/b', '/');
    const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH');
    await fc.assert(
      fc.asyncProperty(route, method, headers, fc.oneof(fc.constant(null), bodyText), async (path, m, h, body) => {
        const response = await flights.app.request(path, { method: m, headers: h, ...(body !== null && m !== 'GET' && m !== 'HEAD' ? { body } : {}) });
        await expectHandled(flights, response, m);
        const requestId = response.headers.get('x-request-id');
        // A client's request id is echoed only when it is short and plain; otherwise a fresh one is made.
        expect(requestId).toMatch(/^[\w\-=]{1,128}$/);
      }),
      { seed: SEED, numRuns: RUNS.headers },
    );
  });

  test(`POST /v1/events with generated bodies (${RUNS.events} cases): a 400 names the event, or every event is stored typed`, async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(bodyText, contentType, async (body, type) => {
        const storedBefore = flights.sink.length;
        const response = await flights.app.request('/v1/events', { method: 'POST', headers: type ? { 'content-type': type } : {}, body });
        const clone = response.clone();
        await expectHandled(flights, response, 'POST');
        if (response.status === 200) {
          accepted++;
          const { messageIds } = (await clone.json()) as { messageIds: string[] };
          const stored = flights.sink.slice(storedBefore);
          expect(stored.map((e) => e.messageId)).toEqual(messageIds);
          for (const event of stored) {
            if (!isStoredForm(flightEvents.fields, event.record)) throw new Error(`stored form not typed as the schema: ${JSON.stringify(event.record)}`);
          }
        } else {
          expect(flights.sink.length).toBe(storedBefore);
          const { error } = (await clone.json()) as { error: { message: string; details?: { problems?: Array<{ index: number; field: string }> } } };
          if (response.status === 400 && error.details?.problems) expect(error.message).toMatch(/^(the event|event \d+)/);
        }
      }),
      { seed: SEED, numRuns: RUNS.events },
    );
    expect(accepted).toBeGreaterThan(50);
    // Whatever was accepted, the records route still answers every query.
    await expectHandled(flights, await flights.app.request(`/v1/records?limit=1000&from=${microsToIso(NOW_MICROS - 30n * 86_400_000_000n)}`));
  });
});
