import { flightEvents } from '../../examples/flights/flight-events';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { MalformedResponseError } from '../../src/service/store/bigquery-decode';
import { BigQueryStore, BigQueryStoreOptions, createBigQueryStore } from '../../src/service/store/bigquery-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import type { ListQuery } from '../../src/service/store/store';
import { isoToMicros } from '../../src/schema/wire';
import { FakeBigQuery, startFakeBigQuery } from './fake-bigquery/server';
import { row, staticEngine } from './fake-bigquery/static-engine';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
// No credentials in tests: do not probe for a GCE metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

const FROM = isoToMicros('2024-05-01T00:00:00Z')!;
const TO = isoToMicros('2024-05-02T00:00:00Z')!;
const TABLE = '`test-project.analytics_api.flight_events_view`';

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.engine = staticEngine([], []);
  fake.pageSize = 10_000;
});

function options(overrides: Partial<BigQueryStoreOptions> = {}): BigQueryStoreOptions {
  return {
    projectId: 'test-project',
    datasetId: 'analytics_api',
    viewId: 'flight_events_view',
    location: 'EU',
    schema: flightEvents,
    maxBytesBilled: 5_000_000_000,
    queryTimeoutMs: 4000,
    pipelineName: 'Flights-Prod',
    apiEndpoint: fake.url,
    cache: false,
    maxRetries: 0,
    ...overrides,
  };
}

function listQuery(overrides: Partial<ListQuery> = {}): ListQuery {
  return { fromMicros: FROM, toMicros: TO, limit: 2, fields: ['event_id', 'event_time', 'airline'], filters: {}, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('requests', () => {
  test('a list within one partition is one jobs.query with the SQL, typed parameters, limits and labels; the cursor bounds the slice', async () => {
    const store = createBigQueryStore(options());
    await store.list(
      listQuery({
        filters: { status: 'DELAYED', airline: 'AF' },
        cursor: { eventTimeMicros: String(FROM + 3_600_123_456n), tieBreaker: 'evt-9' },
      }),
    );
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /bigquery/v2/projects/test-project/queries']);
    const [request] = fake.queries;
    expect(request.query).toBe(
      [
        'SELECT `event_id`, `event_time`, `airline`',
        'FROM (',
        '  SELECT `event_id`, `event_time`, `airline`, `status`',
        `  FROM ${TABLE}`,
        '  WHERE `event_time` >= @from_time AND `event_time` < @to_time AND (`event_time` < @cursor_time OR (`event_time` = @cursor_time AND `event_id` < @cursor_key))',
        '  QUALIFY ROW_NUMBER() OVER (PARTITION BY `event_id`, `event_time` ORDER BY `publish_time` DESC, `message_id` DESC) = 1',
        ')',
        'WHERE `airline` = @filter_0',
        '  AND `status` = @filter_1',
        'ORDER BY `event_time` DESC, `event_id` DESC',
        'LIMIT @row_limit',
      ].join('\n'),
    );
    expect(request.queryParameters).toEqual([
      { name: 'from_time', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-05-01T00:00:00.000000Z' } },
      { name: 'to_time', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-05-01T01:00:00.123457Z' } },
      { name: 'filter_0', parameterType: { type: 'STRING' }, parameterValue: { value: 'AF' } },
      { name: 'filter_1', parameterType: { type: 'STRING' }, parameterValue: { value: 'DELAYED' } },
      { name: 'cursor_time', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-05-01T01:00:00.123456Z' } },
      { name: 'cursor_key', parameterType: { type: 'STRING' }, parameterValue: { value: 'evt-9' } },
      { name: 'row_limit', parameterType: { type: 'INT64' }, parameterValue: { value: '100000' } },
    ]);
    expect(request).toMatchObject({
      useLegacySql: false,
      parameterMode: 'NAMED',
      location: 'EU',
      maximumBytesBilled: '5000000000',
      timeoutMs: 4000,
      jobTimeoutMs: '4000',
      // The query returns the slice's rows up to the row cap; this request reads only the page and one more row.
      maxResults: 3,
      useQueryCache: true,
      labels: { pipeline: 'flights-prod', component: 'query-api', route: 'list-records' },
      formatOptions: { useInt64Timestamp: true },
    });
    expect(request.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('request values never reach the SQL text', async () => {
    const store = createBigQueryStore(options());
    const hostile = "AF' OR 1=1; DROP TABLE x --";
    await store.list(listQuery({ filters: { airline: hostile }, cursor: { eventTimeMicros: String(FROM), tieBreaker: "'); --" } }));
    const [request] = fake.queries;
    expect(request.query).not.toContain('OR 1=1');
    expect(request.query).not.toContain("');");
    expect(request.queryParameters).toContainEqual({ name: 'filter_0', parameterType: { type: 'STRING' }, parameterValue: { value: hostile } });
  });

  test('filters carry the parameter type of their column', async () => {
    const typed = new RecordSchema({
      name: 'Reading',
      fields: [
        Field.timestamp('at', { mode: FieldMode.REQUIRED }),
        Field.int64('sensor'),
        Field.boolean('ok'),
        Field.date('day'),
        Field.numeric('level'),
        Field.timestamp('since'),
      ],
      eventTimeField: 'at',
      clusteringFields: ['sensor', 'ok', 'day', 'level'],
    });
    const store = createBigQueryStore(options({ schema: typed }));
    await store.list({ fromMicros: FROM, toMicros: TO, limit: 10, fields: ['at'], filters: { sensor: 42, ok: true, day: '2024-05-01', level: '1.50' } });
    const [request] = fake.queries;
    const types = Object.fromEntries(request.queryParameters!.map((p) => [p.name, [p.parameterType.type, p.parameterValue.value]]));
    expect(types).toMatchObject({
      filter_0: ['DATE', '2024-05-01'],
      filter_1: ['NUMERIC', '1.50'],
      filter_2: ['BOOL', 'true'],
      filter_3: ['INT64', '42'],
    });
    // Without a key there is nothing to de-duplicate, and message_id breaks ties.
    expect(request.query).not.toContain('QUALIFY');
    expect(request.query).toContain('ORDER BY `at` DESC, `message_id` DESC');
  });

  test('a lookup reads the newest event with the key within the window', async () => {
    const store = createBigQueryStore(options());
    await store.get({ key: 'evt-1', fromMicros: FROM, toMicros: TO, fields: ['event_id', 'status'] });
    const [request] = fake.queries;
    expect(request.query).toBe(
      [
        'SELECT `event_id`, `status`',
        `FROM ${TABLE}`,
        'WHERE `event_time` >= @from_time AND `event_time` < @to_time',
        '  AND `event_id` = @record_key',
        'ORDER BY `event_time` DESC, `publish_time` DESC, `message_id` DESC',
        'LIMIT 1',
      ].join('\n'),
    );
    expect(request.queryParameters).toContainEqual({ name: 'record_key', parameterType: { type: 'STRING' }, parameterValue: { value: 'evt-1' } });
    expect(request.labels).toMatchObject({ route: 'get-record' });
  });

  test('ping runs SELECT 1 under the same limits', async () => {
    fake.engine = staticEngine([{ name: 'ok', type: 'INTEGER', mode: 'NULLABLE' }], [row(1)]);
    await createBigQueryStore(options()).ping();
    expect(fake.queries[0]).toMatchObject({ query: 'SELECT 1 AS ok', maximumBytesBilled: '5000000000', labels: { route: 'readyz' } });
  });

  test('fails when the view id is not a BigQuery id', () => {
    expect(() => new BigQueryStore(options({ viewId: 'view`; DROP' }))).toThrow(/invalid BigQuery table or view id/);
  });
});

const FLIGHT_FIELDS = flightEvents.toBigQueryFields().map((f) => ({ ...f, mode: f.mode === 'REPEATED' ? 'REPEATED' : 'NULLABLE' }));
const ALL = flightEvents.fieldNames;

/** A flight event in BigQuery's REST encoding, in the order of flightEvents' fields. */
function flightRow(id: string, micros: bigint, overrides: Record<string, unknown> = {}) {
  const values: Record<string, unknown> = {
    event_id: id,
    event_time: micros,
    airline: 'AF',
    flight_number: 'AF1234',
    flight_date: '2024-05-01',
    origin: 'CDG',
    destination: 'JFK',
    status: 'DEPARTED',
    scheduled_departure: 1714550400000000n,
    actual_departure: null,
    scheduled_arrival: 1714579200000000n,
    actual_arrival: null,
    passengers: '9007199254740993',
    delay_minutes: null,
    load_factor: '0.875',
    revenue_eur: '12.50',
    international: 'true',
    aircraft: { f: [{ v: 'F-GKXA' }, { v: null }, { v: '180' }] },
    delay_reasons: ['WX', 'ATC'],
    details: '{"gate":"K42","crew":[1,2]}',
    ...overrides,
  };
  return row(...ALL.map((name) => values[name]));
}

describe('responses', () => {
  test('decodes every BigQuery encoding into wire values', async () => {
    fake.engine = staticEngine(FLIGHT_FIELDS, [flightRow('evt-1', 1714557600123456n), flightRow('evt-0', 1714557600000000n, { delay_reasons: [], aircraft: null, passengers: '12' })]);
    const page = await createBigQueryStore(options()).list(listQuery({ limit: 5, fields: ALL }));
    expect(page.nextCursor).toBeUndefined();
    expect(page.records[0]).toEqual({
      event_id: 'evt-1',
      event_time: '2024-05-01T10:00:00.123456Z',
      airline: 'AF',
      flight_number: 'AF1234',
      flight_date: '2024-05-01',
      origin: 'CDG',
      destination: 'JFK',
      status: 'DEPARTED',
      scheduled_departure: '2024-05-01T08:00:00.000000Z',
      actual_departure: null,
      scheduled_arrival: '2024-05-01T16:00:00.000000Z',
      actual_arrival: null,
      passengers: '9007199254740993',
      delay_minutes: null,
      load_factor: 0.875,
      revenue_eur: '12.5',
      international: true,
      aircraft: { registration: 'F-GKXA', model: null, seats: 180 },
      delay_reasons: ['WX', 'ATC'],
      details: { gate: 'K42', crew: [1, 2] },
    });
    expect(page.records[1]).toMatchObject({ passengers: 12, aircraft: null, delay_reasons: [] });
  });

  test('returns only the requested fields and a cursor from the extra row', async () => {
    fake.engine = staticEngine(
      [
        { name: 'event_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
        { name: 'event_id', type: 'STRING', mode: 'NULLABLE' },
      ],
      [row('1714557600000003', 'c'), row('1714557600000002', 'b'), row('1714557600000001', 'a')],
    );
    const page = await createBigQueryStore(options()).list(listQuery({ limit: 2, fields: ['event_time'] }));
    expect(page.records).toEqual([{ event_time: '2024-05-01T10:00:00.000003Z' }, { event_time: '2024-05-01T10:00:00.000002Z' }]);
    // The next row is the third of this query's result: the next page reads on there.
    expect(page.nextCursor).toEqual({
      eventTimeMicros: '1714557600000002',
      tieBreaker: 'b',
      resume: { jobId: fake.jobIds[0], location: 'EU', rowOffset: 2, sliceFromMicros: String(FROM), sliceToMicros: String(TO), capped: false },
    });
  });

  test('reads a result in as many getQueryResults calls as BigQuery splits it into, by startIndex', async () => {
    const rows = [3, 2, 1, 0].map((i) => flightRow(`evt-${i}`, 1714557600000000n + BigInt(i)));
    fake.engine = staticEngine(FLIGHT_FIELDS, rows);
    fake.pageSize = 1;
    const page = await createBigQueryStore(options()).list(listQuery({ limit: 5, fields: ['event_id'] }));
    expect(page.records.map((r) => r.event_id)).toEqual(['evt-3', 'evt-2', 'evt-1', 'evt-0']);
    const gets = fake.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => [r.query.startIndex, r.query.maxResults])).toEqual([
      ['1', '5'],
      ['2', '4'],
      ['3', '3'],
    ]);
    expect(gets[0].path).toMatch(/^\/bigquery\/v2\/projects\/test-project\/queries\/job_[0-9a-f]+$/);
    expect(gets[0].query).toMatchObject({ location: 'EU', 'formatOptions.useInt64Timestamp': 'true' });
  });

  test('waits for an unfinished job with getQueryResults', async () => {
    fake.engine = staticEngine(FLIGHT_FIELDS, [flightRow('evt-1', 1714557600000000n)]);
    fake.enqueue({ kind: 'pending', polls: 2 });
    const page = await createBigQueryStore(options()).list(listQuery({ fields: ['event_id'] }));
    expect(page.records).toEqual([{ event_id: 'evt-1' }]);
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
    expect(fake.requests.slice(1).every((r) => r.query.pageToken === undefined && Number(r.query.timeoutMs) > 0)).toBe(true);
  });

  test('an empty result (no rows member) is an empty last page', async () => {
    fake.engine = staticEngine(FLIGHT_FIELDS, []);
    expect(await createBigQueryStore(options()).list(listQuery())).toEqual({ records: [] });
    expect(await createBigQueryStore(options()).get({ key: 'x', fromMicros: FROM, toMicros: TO, fields: ['event_id'] })).toBeUndefined();
  });

  test('fails when a 200 response is not BigQuery-shaped', async () => {
    fake.enqueue({ kind: 'raw', body: JSON.stringify({ jobComplete: true, rows: [] }) });
    expect(await failure(createBigQueryStore(options()).list(listQuery()))).toBeInstanceOf(MalformedResponseError);
  });
});

describe('errors', () => {
  const kindOf = async (promise: Promise<unknown>) => {
    const e = await failure(promise);
    return e instanceof StoreError ? [e.kind, e.retryAfterSeconds] : e;
  };

  test.each([
    ['429 rateLimitExceeded', 429, 'rateLimitExceeded', [StoreErrorKind.UNAVAILABLE, 2]],
    ['403 rateLimitExceeded', 403, 'rateLimitExceeded', [StoreErrorKind.UNAVAILABLE, 2]],
    ['403 quotaExceeded', 403, 'quotaExceeded', [StoreErrorKind.UNAVAILABLE, 60]],
    ['500 backendError', 500, 'backendError', [StoreErrorKind.UNAVAILABLE, 5]],
    ['503 without a reason', 503, 'unknown', [StoreErrorKind.UNAVAILABLE, 5]],
    ['400 bytesBilledLimitExceeded', 400, 'bytesBilledLimitExceeded', [StoreErrorKind.TOO_EXPENSIVE, undefined]],
    ['400 timeout (job timeout)', 400, 'timeout', [StoreErrorKind.TIMEOUT, undefined]],
  ])('maps %s', async (_name, status, reason, expected) => {
    fake.enqueue({ kind: 'error', status, reason });
    expect(await kindOf(createBigQueryStore(options()).list(listQuery()))).toEqual(expected);
  });

  test('uses the Retry-After BigQuery sends', async () => {
    fake.enqueue({ kind: 'error', status: 429, reason: 'rateLimitExceeded', headers: { 'retry-after': '7' } });
    expect(await kindOf(createBigQueryStore(options()).list(listQuery()))).toEqual([StoreErrorKind.UNAVAILABLE, 7]);
  });

  test('maps an error on a later getQueryResults page', async () => {
    fake.engine = staticEngine(FLIGHT_FIELDS, [flightRow('a', FROM + 2n), flightRow('b', FROM + 1n)]);
    fake.pageSize = 1;
    fake.enqueue({ kind: 'pass' }, { kind: 'error', status: 503, reason: 'backendError' });
    expect(await kindOf(createBigQueryStore(options()).list(listQuery()))).toEqual([StoreErrorKind.UNAVAILABLE, 5]);
  });

  test('rethrows errors that are deployment bugs (invalid query, access denied)', async () => {
    fake.enqueue({ kind: 'error', status: 400, reason: 'invalidQuery', message: 'Unrecognized name: nope' });
    const e = await failure(createBigQueryStore(options()).list(listQuery()));
    expect(e).not.toBeInstanceOf(StoreError);
    expect((e as Error).message).toMatch(/Unrecognized name/);
    fake.enqueue({ kind: 'error', status: 403, reason: 'accessDenied' });
    expect(await failure(createBigQueryStore(options()).list(listQuery()))).not.toBeInstanceOf(StoreError);
  });

  test('a job that never finishes within the bound is a TIMEOUT', async () => {
    // The job never completes: only the store's own bound can end this call (without it, the test would time out).
    fake.enqueue({ kind: 'pending', polls: 1_000_000 });
    expect(await kindOf(createBigQueryStore(options({ queryTimeoutMs: 300 })).list(listQuery()))).toEqual([StoreErrorKind.TIMEOUT, undefined]);
  });

  test('a response slower than the bound is a TIMEOUT (client-side deadline)', async () => {
    // Twice: a poll the previous test's store sent just before its deadline may still arrive and take the first step.
    fake.enqueue({ kind: 'delay', ms: 1500 }, { kind: 'delay', ms: 1500 });
    const delaysBefore = fake.delaysElapsed;
    expect(await kindOf(createBigQueryStore(options({ queryTimeoutMs: 200 })).list(listQuery()))).toEqual([StoreErrorKind.TIMEOUT, undefined]);
    // The store gave up on its own deadline, not on an answer: no delayed response had been sent yet (an ordering of
    // timers in this process, whatever the machine's speed).
    expect(fake.delaysElapsed).toBe(delaysBefore);
  });

  test('a reset connection or a closed port is UNAVAILABLE', async () => {
    fake.enqueue({ kind: 'reset' });
    expect(await kindOf(createBigQueryStore(options()).list(listQuery()))).toEqual([StoreErrorKind.UNAVAILABLE, 5]);
    const closed = await startFakeBigQuery();
    const url = closed.url;
    await closed.close();
    expect(await kindOf(createBigQueryStore(options({ apiEndpoint: url })).ping())).toEqual([StoreErrorKind.UNAVAILABLE, 5]);
  });

  test('retries a 503 once when asked to, through the client library', async () => {
    fake.engine = staticEngine([{ name: 'ok', type: 'INTEGER', mode: 'NULLABLE' }], [row(1)]);
    fake.enqueue({ kind: 'error', status: 503, reason: 'backendError' });
    await createBigQueryStore(options({ maxRetries: 1 })).ping();
    expect(fake.queries).toHaveLength(2);
    // The same requestId lets BigQuery recognise the retry.
    expect(fake.queries[0].requestId).toBe(fake.queries[1].requestId);
  });

  test("a caller's abort rejects with its reason", async () => {
    fake.enqueue({ kind: 'delay', ms: 500 });
    const controller = new AbortController();
    const pending = createBigQueryStore(options()).list(listQuery(), controller.signal);
    setTimeout(() => controller.abort(new Error('client went away')), 20);
    expect(((await failure(pending)) as Error).message).toBe('client went away');
  });
});
