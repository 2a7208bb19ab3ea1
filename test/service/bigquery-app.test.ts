import { validate } from '@readme/openapi-parser';
import { flightEvents } from '../../examples/flights/flight-events';
import { createApp } from '../../src/service/app';
import { decodeCursor, encodeCursor } from '../../src/service/cursor';
import { silentLogger } from '../../src/service/logger';
import { BigQueryStoreOptions, createBigQueryStore } from '../../src/service/store/bigquery-store';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import type { Store } from '../../src/service/store/store';
import { duckDbEngine } from './fake-bigquery/duckdb-engine';
import { flightsStoreOptions } from './fake-bigquery/flights-store-options';
import { FakeBigQuery, startFakeBigQuery } from './fake-bigquery/server';
import { flightData } from './store-contract-data';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
// No credentials in tests: do not probe for a GCE metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

/** The whole API over the BigQuery store, the fake server running its SQL on DuckDB. */
let duckdb: DuckDbStore;
let fake: FakeBigQuery;
beforeAll(async () => {
  duckdb = await DuckDbStore.create({ schema: flightEvents });
  await duckdb.insert(flightData());
  fake = await startFakeBigQuery({ engine: duckDbEngine(duckdb) });
});
afterAll(async () => {
  await fake.close();
  await duckdb.close();
});
beforeEach(() => fake.reset());

function app(overrides: Partial<BigQueryStoreOptions> = {}) {
  const store: Store = createBigQueryStore({ ...flightsStoreOptions(fake.url), ...overrides });
  return createApp({ store, schema: flightEvents, config: { pipelineName: 'flights', maxQueryWindowDays: 31 }, logger: silentLogger });
}

type ListBody = { records: Array<Record<string, unknown>>; nextCursor?: string };

/** The body of a 200 list answer (fails the test on another status, showing the body). */
async function pageOf(api: ReturnType<typeof app>, query: string): Promise<ListBody> {
  const response = await api.request(`/v1/records?${query}`);
  const body = (await response.json()) as ListBody;
  expect([response.status, body]).toEqual([200, expect.anything()]);
  return body;
}

/** Four days ending in the last day of the flights data: pages are read newest DAY partition first. */
const WINDOW = 'from=2024-05-01T00:00:00Z&to=2024-05-05T00:00:00Z';

describe('the API on the BigQuery store', () => {
  test('lists, pages and looks up records through BigQuery queries', async () => {
    const api = app({ cache: false });
    const first = await api.request(`/v1/records?${WINDOW}&limit=3&airline=AF&fields=event_id,airline`);
    expect(first.status).toBe(200);
    const page = (await first.json()) as { records: Array<Record<string, unknown>>; nextCursor?: string };
    expect(page.records).toHaveLength(3);
    expect(page.records.every((r) => r.airline === 'AF' && Object.keys(r).sort().join() === 'airline,event_id,event_time')).toBe(true);
    const second = (await (await api.request(`/v1/records?${WINDOW}&limit=3&airline=AF&fields=event_id,airline&cursor=${page.nextCursor}`)).json()) as typeof page;
    expect(second.records.map((r) => r.event_id)).not.toContain(page.records[2].event_id);

    const id = page.records[0].event_id as string;
    const one = await api.request(`/v1/records/${id}?${WINDOW}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ event_id: id, airline: 'AF' });
    expect((await api.request(`/v1/records/nope?${WINDOW}`)).status).toBe(404);

    // The first page queried the newest DAY partition, the second read on in that query's result (no query); the
    // lookup found its row in the newest partition, the absent key searched all three slices.
    expect(fake.queries.map((q) => q.labels?.route)).toEqual(['list-records', 'get-record', 'get-record', 'get-record', 'get-record']);
    expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.query.startIndex)).toEqual(['3']);
    expect(fake.queries.slice(2).map((q) => q.queryParameters?.map((p) => p.parameterValue.value).slice(0, 2))).toEqual([
      ['2024-05-04T00:00:00.000000Z', '2024-05-05T00:00:00.000000Z'],
      ['2024-05-03T00:00:00.000000Z', '2024-05-04T00:00:00.000000Z'],
      ['2024-05-01T00:00:00.000000Z', '2024-05-03T00:00:00.000000Z'],
    ]);
    expect(fake.queries.every((q) => !q.query.includes('AF') && !q.query.includes(id))).toBe(true);
  });

  test('N identical concurrent HTTP requests cause one BigQuery query', async () => {
    const api = app();
    fake.enqueue({ kind: 'delay', ms: 100 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.request(`/v1/records?${WINDOW}&status=DELAYED`)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(await Promise.all(responses.map((r) => r.text()))).size).toBe(1);
    expect(fake.queries).toHaveLength(1);
  });

  test('BigQuery refusals become 503 with Retry-After, 400 and 504', async () => {
    const api = app({ cache: false, queryTimeoutMs: 300 });
    fake.enqueue({ kind: 'error', status: 403, reason: 'rateLimitExceeded' });
    const limited = await api.request(`/v1/records?${WINDOW}`);
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await limited.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });

    fake.enqueue({ kind: 'error', status: 400, reason: 'bytesBilledLimitExceeded' });
    const expensive = await api.request(`/v1/records?${WINDOW}`);
    expect(expensive.status).toBe(400);
    expect(await expensive.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/one DAY partition .* alone is over it; .*request fewer fields/) } });

    fake.enqueue({ kind: 'pending', polls: 1_000_000 });
    const slow = await api.request(`/v1/records?${WINDOW}`);
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: { code: 'DEADLINE_EXCEEDED' } });
  });

  test('fails when a cursor comes back with other fields or filters: 400, while limit, window and field order may change', async () => {
    const api = app({ cache: false });
    const first = await pageOf(api, `${WINDOW}&limit=3&airline=AF&fields=event_id,airline`);
    for (const changed of [`${WINDOW}&limit=3&airline=KL&fields=event_id,airline`, `${WINDOW}&limit=3&fields=event_id,airline`, `${WINDOW}&limit=3&airline=AF&fields=event_id`]) {
      const response = await api.request(`/v1/records?${changed}&cursor=${first.nextCursor}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^cursor was issued for other fields or filters/) } });
    }
    const same = await pageOf(api, `from=2024-04-30T00:00:00Z&to=2024-05-05T00:00:00Z&limit=5&fields=airline,event_id&airline=AF&cursor=${first.nextCursor}`);
    expect(same.records).toHaveLength(5);
    expect(same.records.map((r) => r.event_id)).not.toContain(first.records[2].event_id);
  });

  test('a v1 cursor (keyset only, handed out before this version) still reads the next page, by a query', async () => {
    const api = app({ cache: false });
    const first = await pageOf(api, `${WINDOW}&limit=3&airline=AF&fields=event_id,airline`);
    const { cursor } = decodeCursor(first.nextCursor!)!;
    const v1 = encodeCursor({ eventTimeMicros: cursor.eventTimeMicros, tieBreaker: cursor.tieBreaker });
    expect(JSON.parse(Buffer.from(v1, 'base64url').toString())[0]).toBe(1);
    const queries = fake.queries.length;
    const fromV1 = await pageOf(api, `${WINDOW}&limit=3&airline=KL&fields=event_id&cursor=${v1}`);
    expect(fromV1.records.length).toBe(3);
    const fromV2 = await pageOf(api, `${WINDOW}&limit=3&airline=AF&fields=event_id,airline&cursor=${first.nextCursor}`);
    const again = await pageOf(api, `${WINDOW}&limit=3&airline=AF&fields=event_id,airline&cursor=${v1}`);
    expect(again).toEqual({ ...fromV2, nextCursor: expect.any(String) });
    // The v1 pages queried; the v2 page read on in the first page's result.
    expect(fake.queries.length).toBe(queries + 2);
  });

  test('a walk through the API returns every record once, with or without the cache, and a cached walk runs nothing', async () => {
    const walk = async (api: ReturnType<typeof app>, limit: number) => {
      const records: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      do {
        const page = await pageOf(api, `${WINDOW}&limit=${limit}&status=DELAYED&fields=event_id${cursor ? `&cursor=${cursor}` : ''}`);
        records.push(...page.records);
        cursor = page.nextCursor;
        expect(cursor === undefined || cursor.length <= 1024).toBe(true);
      } while (cursor);
      return records;
    };
    const reference = await walk(app({ cache: false }), 1000);
    expect(reference.length).toBeGreaterThan(100);
    expect(await walk(app({ cache: false }), 37)).toEqual(reference);
    const cached = app();
    expect(await walk(cached, 37)).toEqual(reference);
    const requests = fake.requests.length;
    expect(await walk(cached, 37)).toEqual(reference);
    expect(fake.requests.length).toBe(requests);
  });

  test('readiness follows BigQuery, and the OpenAPI document is valid', async () => {
    const api = app();
    expect((await api.request('/readyz')).status).toBe(200);
    fake.enqueue({ kind: 'error', status: 503, reason: 'backendError' });
    expect((await api.request('/readyz')).status).toBe(503);
    const document = await (await api.request('/openapi.json')).json();
    expect(await validate(document as never)).toMatchObject({ valid: true });
  });
});
