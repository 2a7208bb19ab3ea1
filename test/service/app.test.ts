import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import type { Store } from '../../src/service/store/store';
import { encodeCursor, queryBinding } from '../../src/service/cursor';
import { NOW_MILLIS, bodyOf, errorOf, harness, stubStore } from './app-harness';
import { expectedRecords, flightData, flightEvents, query, readings, readingData, tickets, ticketData, T0, MICROS_PER_HOUR } from './store-contract-data';

const NOW_MICROS = BigInt(NOW_MILLIS) * 1000n;

describe('records routes on DuckDB', () => {
  const events = flightData();
  let store: DuckDbStore;
  let app: ReturnType<typeof harness>['app'];
  beforeAll(async () => {
    store = await DuckDbStore.create({ schema: flightEvents });
    await store.insert(events);
    app = harness({ store, schema: flightEvents }).app;
  });
  afterAll(() => store.close());

  test('GET /v1/records: the last 24 h, newest first, 100 per page, with a nextCursor', async () => {
    const res = await app.request('/v1/records');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await bodyOf(res);
    const expected = expectedRecords(flightEvents, events, query(flightEvents, { fromMicros: NOW_MICROS - 24n * MICROS_PER_HOUR, toMicros: NOW_MICROS }));
    expect(body.records).toEqual(expected.slice(0, 100));
    expect(typeof body.nextCursor).toBe('string');
  });

  test('follows nextCursor through every page without gaps or duplicates', async () => {
    const from = '2024-05-01T00:00:00Z';
    const to = '2024-05-06T00:00:00Z';
    const seen: unknown[] = [];
    let url = `/v1/records?from=${from}&to=${to}&limit=250&fields=event_id`;
    for (;;) {
      const body = await bodyOf(await app.request(url));
      seen.push(...body.records.map((r: { event_id: string }) => r.event_id));
      if (!body.nextCursor) break;
      url = `/v1/records?from=${from}&to=${to}&limit=250&fields=event_id&cursor=${body.nextCursor}`;
    }
    const expected = expectedRecords(flightEvents, events, query(flightEvents, { fromMicros: T0, toMicros: T0 + 120n * MICROS_PER_HOUR, fields: ['event_id'] }));
    expect(seen).toEqual(expected.map((r) => r.event_id));
  });

  test('fields projects (the event time always comes along) and clustering fields filter', async () => {
    const res = await app.request('/v1/records?fields=status,event_id&airline=KL&origin=AMS&limit=3');
    const body = await bodyOf(res);
    expect(body.records).toHaveLength(3);
    for (const record of body.records) expect(Object.keys(record)).toEqual(['event_id', 'event_time', 'status']);
  });

  test('GET /v1/records/{key}: the newest event with the key, its latest copy; 404 when absent or outside the window', async () => {
    const res = await app.request('/v1/records/evt-00040?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&fields=status');
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ event_time: '2024-05-01T01:40:00.000123Z', status: 'CANCELLED' });
    const typed = await app.request('/v1/records/typed?from=2024-05-13T00:00:00Z&to=2024-05-14T00:00:00Z');
    expect((await bodyOf(typed)).passengers).toBe('9007199254740993');
    const absent = await app.request('/v1/records/nope');
    expect(absent.status).toBe(404);
    expect((await errorOf(absent)).code).toBe('NOT_FOUND');
    // The default lookup window ends now (May 2): the typed row (May 13) lies after it.
    expect((await app.request('/v1/records/typed')).status).toBe(404);
  });

  test('HEAD on data routes is refused with 405 and Allow: GET, without querying the store', async () => {
    const store = stubStore({ list: () => Promise.reject(new Error('must not be queried')), get: () => Promise.reject(new Error('must not be queried')) });
    const { app: refusing } = harness({ store, schema: flightEvents });
    for (const path of ['/v1/records', '/v1/records/evt-00040', '/v1/records?limit=nonsense']) {
      const head = await refusing.request(path, { method: 'HEAD' });
      expect(head.status).toBe(405);
      expect(head.headers.get('allow')).toBe('GET');
    }
  });

  test('the default window ends now rounded up to the minute, and every answer states its window', async () => {
    const seen: unknown[] = [];
    const recording = stubStore({ list: async (q) => (seen.push(q), { records: [] }), get: async (q) => (seen.push(q), undefined) });
    // 09:59:00.5 and 09:59:59.9 share one window, hence one cache key and one BigQuery job.
    for (const now of [Date.parse('2024-05-02T09:59:00.500Z'), Date.parse('2024-05-02T09:59:59.900Z')]) {
      const page = await harness({ store: recording, schema: flightEvents, nowMillis: now }).app.request('/v1/records?limit=1');
      expect(page.headers.get('query-window')).toBe('2024-05-01T10:00:00.000000Z/2024-05-02T10:00:00.000000Z');
    }
    expect(seen[0]).toEqual(seen[1]);
    const explicit = await app.request('/v1/records/evt-00040?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z');
    expect(explicit.headers.get('query-window')).toBe('2024-05-01T00:00:00.000000Z/2024-05-02T00:00:00.000000Z');
    // A lookup's default window is the last 24 h too, not the maximum.
    const lookup = await app.request('/v1/records/evt-00040');
    expect(lookup.headers.get('query-window')).toBe('2024-05-01T00:00:00.000000Z/2024-05-02T00:00:00.000000Z');
  });
});

describe('request validation: 400 naming the parameter', () => {
  const { app } = harness({ store: stubStore(), schema: flightEvents, config: { maxQueryWindowDays: 7 } });
  const cases: Array<[string, string, RegExp]> = [
    ['from not ISO 8601', '?from=yesterday', /^from must be an ISO 8601 timestamp/],
    ['from without a zone', '?from=2024-05-01T10:00:00', /^from must be/],
    ['from on a day that does not exist', '?from=2024-02-30T00:00:00Z', /^from must be/],
    ['to not ISO 8601', '?to=12', /^to must be an ISO 8601 timestamp/],
    ['to before from', '?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z', /^to must be after from/],
    ['to equal to from', '?from=2024-05-02T00:00:00Z&to=2024-05-02T00:00:00Z', /^to must be after from/],
    ['window wider than the maximum', '?from=2024-04-01T00:00:00Z&to=2024-05-01T00:00:00Z', /may span at most 7 days/],
    ['limit 0', '?limit=0', /^limit must be an integer from 1 to 1000, got "0"/],
    ['limit 1001', '?limit=1001', /^limit must be an integer from 1 to 1000/],
    ['limit not a number', '?limit=ten', /^limit must be an integer/],
    ['limit a fraction', '?limit=1.5', /^limit must be an integer/],
    ['cursor malformed', '?cursor=not-a-cursor', /^cursor is malformed/],
    ['cursor of another version', `?cursor=${Buffer.from('[2,"1","a"]').toString('base64url')}`, /^cursor is malformed/],
    ['fields naming an unknown field', '?fields=event_id,secret', /^fields lists unknown field "secret"/],
    ['fields empty', '?fields=', /^fields lists unknown field/],
    ['a filter on a non-clustering field', '?flight_number=AF1', /^unknown query parameter flight_number \(allowed: from, to, limit, cursor, fields, airline, origin, destination, status\)/],
    ['an unknown parameter', '?foo=1&bar=2', /^unknown query parameter foo, bar/],
    ['a parameter given twice', '?airline=AF&airline=KL', /^airline must be given once/],
  ];
  test.each(cases)('fails when %s', async (_name, search, message) => {
    const res = await app.request(`/v1/records${search}`);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  test('fails with every problem listed in details', async () => {
    const error = await errorOf(await app.request('/v1/records?limit=0&from=x&foo=1'));
    expect(error.details).toEqual({
      issues: [
        { message: expect.stringMatching(/^unknown query parameter foo/) },
        { parameter: 'from', message: expect.stringMatching(/^from must be/) },
        { parameter: 'limit', message: expect.stringMatching(/^limit must be/) },
      ],
    });
  });

  test('fails when the lookup has an unknown parameter or a bad window', async () => {
    expect((await errorOf(await app.request('/v1/records/a?limit=5'))).message).toMatch(/^unknown query parameter limit \(allowed: from, to, fields\)/);
    expect((await errorOf(await app.request('/v1/records/a?from=2024-01-01T00:00:00Z'))).message).toMatch(/may span at most 7 days/);
  });
});

describe('typed filters and keys', () => {
  let readingStore: DuckDbStore;
  let ticketStore: DuckDbStore;
  beforeAll(async () => {
    readingStore = await DuckDbStore.create({ schema: readings });
    await readingStore.insert(readingData());
    ticketStore = await DuckDbStore.create({ schema: tickets });
    await ticketStore.insert(ticketData());
  });
  afterAll(async () => {
    await readingStore.close();
    await ticketStore.close();
  });
  const window = 'from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z';

  test('filters are typed by their column', async () => {
    const { app } = harness({ store: readingStore, schema: readings });
    const body = await bodyOf(await app.request(`/v1/records?${window}&level=2&active=true&day=2024-05-03&price=-3.000&limit=1000`));
    expect(body.records.length).toBeGreaterThan(0);
    for (const r of body.records) expect(r).toMatchObject({ level: 2, active: true, day: '2024-05-03', price: '-3' });
  });

  test.each([
    ['level', 'two', /^level must be an integer, got "two"/],
    ['level', '99999999999999999999', /^level must be an integer/],
    ['active', 'yes', /^active must be true or false, got "yes"/],
    ['day', '2024-13-01', /^day must be a date YYYY-MM-DD/],
    ['price', '1e3', /^price must be a decimal number/],
  ])('fails when the %s filter is %s', async (name, value, message) => {
    const { app } = harness({ store: readingStore, schema: readings });
    const res = await app.request(`/v1/records?${name}=${value}`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(message);
  });

  test('a schema without key has no lookup route', async () => {
    const { app } = harness({ store: readingStore, schema: readings });
    expect((await app.request('/v1/records/abc')).status).toBe(404);
  });

  test('INT64 keys: safe, unsafe, and 400 when not an integer', async () => {
    const { app } = harness({ store: ticketStore, schema: tickets });
    expect(await bodyOf(await app.request(`/v1/records/5?${window}&fields=state`))).toEqual({ event_time: '2024-05-01T00:00:01.000000Z', state: 'closed' });
    expect((await bodyOf(await app.request(`/v1/records/9007199254740994?${window}`))).id).toBe('9007199254740994');
    const res = await app.request('/v1/records/abc');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^the key must be an integer \(id\), got "abc"/);
    const filtered = await bodyOf(await app.request(`/v1/records?${window}&due=2024-05-01T02:00:00%2B01:00&limit=1000`));
    expect(filtered.records.length).toBeGreaterThan(0);
    for (const r of filtered.records) expect(r.due).toBe('2024-05-01T01:00:00.000000Z');
  });
});

describe('store failures', () => {
  const failing = (error: unknown): Store => stubStore({ list: async () => Promise.reject(error), get: async () => Promise.reject(error) });

  test('UNAVAILABLE is a 503 with Retry-After', async () => {
    const { app } = harness({ store: failing(new StoreError(StoreErrorKind.UNAVAILABLE, 'quota exceeded', 30)), schema: flightEvents });
    for (const path of ['/v1/records', '/v1/records/abc']) {
      const res = await app.request(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const error = await errorOf(res);
      expect(error).toEqual({ code: 'UNAVAILABLE', message: 'the data store is unavailable; retry later' });
    }
  });

  test('UNAVAILABLE without a hint still says when to retry', async () => {
    const { app } = harness({ store: failing(new StoreError(StoreErrorKind.UNAVAILABLE, 'down')), schema: flightEvents });
    expect((await app.request('/v1/records')).headers.get('retry-after')).toBe('5');
  });

  test('TIMEOUT is a 504', async () => {
    const { app } = harness({ store: failing(new StoreError(StoreErrorKind.TIMEOUT, 'slow')), schema: flightEvents });
    const res = await app.request('/v1/records');
    expect(res.status).toBe(504);
    expect((await errorOf(res)).code).toBe('DEADLINE_EXCEEDED');
  });

  test('TOO_EXPENSIVE is a 400 telling to narrow the window', async () => {
    const { app } = harness({ store: failing(new StoreError(StoreErrorKind.TOO_EXPENSIVE, 'bytes billed')), schema: flightEvents });
    const res = await app.request('/v1/records');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/narrow the window/);
  });

  test('an unexpected error is a 500 naming the request id, with the stack in the log only', async () => {
    const { app, logs } = harness({ store: failing(new TypeError('secret internals at line 3')), schema: flightEvents });
    const res = await app.request('/v1/records', { headers: { 'X-Request-Id': 'req-123' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const error = await errorOf(res);
    expect(error).toEqual({ code: 'INTERNAL', message: 'internal error; quote request id req-123 when reporting it' });
    expect(JSON.stringify(error)).not.toMatch(/secret/);
    const logged = logs.find((e) => e.severity === 'ERROR' && /secret internals/.test(e.message));
    expect(logged?.stack_trace).toMatch(/TypeError: secret internals/);
    expect(logged?.requestId).toBe('req-123');
  });
});

describe('health, methods and unknown paths', () => {
  test('GET /healthz answers without touching the store', async () => {
    const { app } = harness({ store: stubStore({ ping: () => Promise.reject(new Error('down')) }), schema: flightEvents });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ status: 'ok' });
  });

  test('GET /readyz is 200 when the store answers', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    expect((await app.request('/readyz')).status).toBe(200);
  });

  test('GET /readyz is a 503 with Retry-After when the store fails', async () => {
    const { app } = harness({ store: stubStore({ ping: () => Promise.reject(new StoreError(StoreErrorKind.UNAVAILABLE, 'x')) }), schema: flightEvents });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await errorOf(res)).code).toBe('UNAVAILABLE');
  });

  test('GET /readyz is a 503 when the store does not answer in time', async () => {
    const { app } = harness({ store: stubStore({ ping: () => new Promise(() => undefined) }), schema: flightEvents, config: { readinessTimeoutMs: 20 } });
    expect((await app.request('/readyz')).status).toBe(503);
  });

  test.each([
    ['POST', '/v1/records', 'GET, HEAD'],
    ['DELETE', '/v1/records/abc', 'GET, HEAD'],
    ['PUT', '/healthz', 'GET, HEAD'],
    ['POST', '/openapi.json', 'GET, HEAD'],
  ])('fails when %s %s: 405 with Allow', async (method, path, allow) => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    const res = await app.request(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect((await errorOf(res)).code).toBe('METHOD_NOT_ALLOWED');
  });

  test('fails when the path is unknown: 404 in the error shape', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    const res = await app.request('/v2/records');
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ code: 'NOT_FOUND', message: 'no route for GET /v2/records' });
  });

  test('GET /openapi.json serves the document', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).openapi).toMatch(/^3\.1/);
  });

  test('the request id is generated, or echoed when the client sends a sane one', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    expect((await app.request('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await app.request('/healthz', { headers: { 'X-Request-Id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    expect((await app.request('/healthz', { headers: { 'X-Request-Id': 'bad id "quoted"' } })).headers.get('x-request-id')).not.toBe('bad id "quoted"');
  });

  test('a cursor from one page works on the next request (opaque round trip)', async () => {
    let seen: unknown;
    const { app } = harness({
      store: stubStore({
        list: async (q) => {
          seen = q.cursor;
          return { records: [], nextCursor: { eventTimeMicros: '123', tieBreaker: 'k' } };
        },
      }),
      schema: flightEvents,
    });
    const body = await bodyOf(await app.request('/v1/records'));
    expect(body.nextCursor).toBe(encodeCursor({ eventTimeMicros: '123', tieBreaker: 'k' }, queryBinding({ fields: flightEvents.fieldNames, filters: {} })));
    await app.request(`/v1/records?cursor=${body.nextCursor}`);
    expect(seen).toEqual({ eventTimeMicros: '123', tieBreaker: 'k' });
  });
});
