import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { createApp } from '../../src/service/app';
import { silentLogger } from '../../src/service/logger';
import { BigQueryStore, BigQueryStoreOptions, createBigQueryStore } from '../../src/service/store/bigquery-store';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import { PartitionGranularity } from '../../src/service/store/page-slices';
import type { ListQuery } from '../../src/service/store/store';
import { isoToMicros, microsToIso } from '../../src/schema/wire';
import { MB, bytesBilled } from './fake-bigquery/cost-model';
import { DuckDbEngineOptions, duckDbEngine } from './fake-bigquery/duckdb-engine';
import { FakeBigQuery, startFakeBigQuery } from './fake-bigquery/server';
import { listAll } from './store-contract';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
// No credentials in tests: do not probe for a GCE metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

const DAY = 86_400_000_000n;
const HOUR = 3_600_000_000n;
/** 2024-05-01T00:00:00Z */
const T0 = 1_714_521_600_000_000n;

/** Three columns of known widths: key STRING 'k-NN' (2 + 4 bytes), event_time TIMESTAMP (8), level INT64 (8 or NULL). */
const schema = new RecordSchema({
  name: 'Probe',
  fields: [Field.string('key', { mode: FieldMode.REQUIRED }), Field.timestamp('event_time', { mode: FieldMode.REQUIRED }), Field.int64('level'), Field.timestamp('due')],
  eventTimeField: 'event_time',
  keyField: 'key',
});

/** 10 rows a day over 3 days (2024-05-01..03), each at hour 2i of its day; level is NULL on odd rows. */
function events() {
  const out = [];
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 10; i++) {
      const n = d * 10 + i;
      out.push({
        record: { key: `k-${String(n).padStart(2, '0')}`, event_time: T0 + BigInt(d) * DAY + BigInt(2 * i) * HOUR, level: i % 2 === 0 ? BigInt(n) : null, due: T0 },
        messageId: `m${String(n).padStart(2, '0')}`,
        publishTimeMicros: T0 + 10n * DAY,
      });
    }
  }
  return out;
}

let duckdb: DuckDbStore;
let fake: FakeBigQuery;
beforeAll(async () => {
  duckdb = await DuckDbStore.create({ schema });
  await duckdb.insert(events());
  fake = await startFakeBigQuery({ engine: duckDbEngine(duckdb) });
});
afterAll(async () => {
  await fake.close();
  await duckdb.close();
});
beforeEach(() => fake.reset());

function useEngine(options: DuckDbEngineOptions) {
  fake.engine = duckDbEngine(duckdb, options);
}

const TABLE = '`p-project.d.v`';
function ts(micros: bigint) {
  return new Date(Number(micros / 1000n)).toISOString().replace('Z', '000Z');
}
function param(name: string, type: string, value: string) {
  return { name, parameterType: { type }, parameterValue: { value } };
}

/** Runs one statement through the REST API as the store would, returning the response body or the error body. */
async function run(sql: string, params: ReturnType<typeof param>[] = [], maximumBytesBilled?: string) {
  const response = await fetch(`${fake.url}/bigquery/v2/projects/p-project/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters: params, ...(maximumBytesBilled ? { maximumBytesBilled } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const window = (from: bigint, to: bigint) => [param('from_time', 'TIMESTAMP', ts(from)), param('to_time', 'TIMESTAMP', ts(to))];

describe('the fake BigQuery bills what its engine scanned', () => {
  test('bytes processed: rows of the partitions not pruned x widths of the columns named, NULL free', async () => {
    useEngine({});
    // One day: 10 rows x (key 6 + event_time 8) + level on 5 rows x 8.
    const oneDay = await run(`SELECT \`key\`, \`level\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + DAY));
    expect(oneDay.status).toBe(200);
    expect(oneDay.body.totalBytesProcessed).toBe(String(10 * 14 + 5 * 8));
    // A window of one hour still reads its whole DAY partition.
    const oneHour = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0 + DAY, T0 + DAY + HOUR));
    expect(oneHour.body.totalBytesProcessed).toBe(String(10 * 14));
    expect(oneHour.body.totalRows).toBe('1');
    // Crossing midnight by a microsecond reads two partitions.
    const twoDays = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0 + DAY - 1n, T0 + DAY + HOUR));
    expect(twoDays.body.totalBytesProcessed).toBe(String(20 * 14));
  });

  test('HOUR partitions prune to the hours the window touches', async () => {
    useEngine({ partitioning: { column: 'event_time', granularity: 'HOUR' } });
    const twoHours = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + 4n * HOUR));
    // Rows at 00:00 and 02:00 of day one.
    expect(twoHours.body.totalBytesProcessed).toBe(String(2 * 14));
  });

  test('only a filter on the partitioning column prunes: other columns, OR and functions of it do not', async () => {
    useEngine({});
    const all = String(30 * 14);
    const onOther = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`due\` >= @from_time AND \`due\` < @to_time AND \`event_time\` IS NOT NULL`, window(T0, T0 + DAY));
    // `due` is named, so it is read too: 30 x 8 more.
    expect(onOther.body.totalBytesProcessed).toBe(String(30 * 22));
    const withOr = await run(`SELECT \`key\` FROM ${TABLE} WHERE (\`event_time\` >= @from_time OR \`event_time\` < @to_time)`, window(T0, T0 + DAY));
    expect(withOr.body.totalBytesProcessed).toBe(all);
    const withFunction = await run(`SELECT \`key\` FROM ${TABLE} WHERE date_trunc('hour', \`event_time\`) >= @from_time`, window(T0, T0 + DAY).slice(0, 1));
    expect(withFunction.body.totalBytesProcessed).toBe(all);
  });

  test('billing rounds each table reference up to the MB, at least 10 MB; no table bills nothing', async () => {
    useEngine({});
    const small = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + DAY));
    expect(small.body.totalBytesBilled).toBe(String(10n * MB));
    expect((await run('SELECT 1 AS ok')).body).toMatchObject({ totalBytesProcessed: '0', totalBytesBilled: '0' });
    expect(bytesBilled({ bytesProcessed: 10n * MB + 1n, tablesReferenced: 1 })).toBe(11n * MB);
    expect(bytesBilled({ bytesProcessed: 3n, tablesReferenced: 2 })).toBe(20n * MB);
    // Scaled widths: each stored byte counts a million times (140 bytes -> 140,000,000 -> 134 MB rounded up).
    useEngine({ widthScale: 1_000_000n });
    const scaled = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + DAY));
    expect(scaled.body.totalBytesProcessed).toBe('140000000');
    expect(scaled.body.totalBytesBilled).toBe(String(134n * MB));
  });

  test('maximumBytesBilled refuses a query that would bill more, in BigQuery error shape, and bills nothing', async () => {
    useEngine({ widthScale: 1_000_000n });
    const refused = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + DAY), String(100n * MB));
    expect(refused.status).toBe(400);
    expect(refused.body.error.errors[0].reason).toBe('bytesBilledLimitExceeded');
    expect(refused.body.error.message).toBe(`Query exceeded limit for bytes billed: ${100n * MB}. ${134n * MB} or higher required.`);
    expect(fake.costs).toEqual([]);
    const allowed = await run(`SELECT \`key\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + DAY), String(134n * MB));
    expect(allowed.status).toBe(200);
  });
});

describe('the fake BigQuery refuses parameters BigQuery refuses', () => {
  test.each([
    ['an unknown type', param('x', 'TEXT', 'a')],
    ['a legacy type name', param('x', 'BOOLEAN', 'true')],
    ['BOOL that is not true or false', param('x', 'BOOL', 'yes')],
    ['INT64 with a fraction', param('x', 'INT64', '1.5')],
    ['INT64 beyond 2^63 - 1', param('x', 'INT64', '9223372036854775808')],
    ['FLOAT64 that is not a number', param('x', 'FLOAT64', '12abc')],
    ['a DATE that does not exist', param('x', 'DATE', '2024-02-30')],
    ['a TIMESTAMP that is not one', param('x', 'TIMESTAMP', 'yesterday')],
    ['NUMERIC that is not a number', param('x', 'NUMERIC', '1.2.3')],
    ['BYTES that are not base64', param('x', 'BYTES', 'not base64!')],
  ])('fails when a parameter is %s', async (_name, p) => {
    useEngine({});
    const response = await run('SELECT @x AS x', [p]);
    expect(response.status).toBe(400);
    expect(response.body.error.errors[0].reason).toBe('invalidQuery');
    expect(response.body.error.message).toMatch(/Invalid/);
  });

  test('accepts what BigQuery accepts', async () => {
    useEngine({});
    for (const p of [param('x', 'BOOL', 'TRUE'), param('x', 'INT64', '-9223372036854775808'), param('x', 'FLOAT64', '1e3'), param('x', 'STRING', ''), param('x', 'BYTES', 'AAE=')]) {
      expect((await run('SELECT @x AS x', [p])).status).toBe(200);
    }
  });
});

describe('the store under a byte budget', () => {
  const storeOptions = (maxBytesBilled: bigint) => ({
    projectId: 'p-project',
    datasetId: 'd',
    viewId: 'v',
    schema,
    maxBytesBilled,
    queryTimeoutMs: 5000,
    pipelineName: 'probe',
    apiEndpoint: fake.url,
    maxRetries: 0,
  });

  test('fails when a page would bill more than maxBytesBilled: TOO_EXPENSIVE, not a partial page', async () => {
    useEngine({ widthScale: 1_000_000n });
    const store = new BigQueryStore(storeOptions(50n * MB));
    const list = store.list({ fromMicros: T0, toMicros: T0 + 3n * DAY, limit: 100, fields: ['key'], filters: {} });
    await expect(list).rejects.toThrow(StoreError);
    await expect(list).rejects.toMatchObject({ kind: StoreErrorKind.TOO_EXPENSIVE });
  });

  test('the API answers 400 naming the partition over the budget and what helps, never a 5xx', async () => {
    useEngine({ widthScale: 1_000_000n });
    const store = createBigQueryStore({ ...storeOptions(50n * MB), cache: false });
    const api = createApp({ store, schema, config: { pipelineName: 'probe', maxQueryWindowDays: 31 }, logger: silentLogger });
    const response = await api.request('/v1/records?from=2024-05-01T00:00:00Z&to=2024-05-04T00:00:00Z');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(
      /^the query would bill \d+ bytes, over the limit of 52428800 bytes per query, and one DAY partition \(from 2024-05-03T00:00:00\.000000Z\) alone is over it; a narrower window bills the same whole partition: request fewer fields, or ask the API's operator for HOUR partitions or a higher byte budget \(MAX_BYTES_BILLED\)$/,
    );
  });

  test('a page bills the partitions holding its rows, whatever the window; later pages read on in its result', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions(10n * MB));
    // key (6) + event_time (8) + publish_time (8) + message_id 'mNN' (5) over the 10 rows of one DAY partition.
    const onePartition = String(10 * 27);
    const narrow = await store.list({ fromMicros: T0 + 2n * DAY, toMicros: T0 + 3n * DAY, limit: 5, fields: ['key', 'event_time'], filters: {} });
    const wide = await store.list({ fromMicros: T0 + 3n * DAY - 31n * DAY, toMicros: T0 + 3n * DAY, limit: 5, fields: ['key', 'event_time'], filters: {} });
    expect(wide.records).toEqual(narrow.records);
    expect({ ...wide.nextCursor, resume: undefined }).toEqual({ ...narrow.nextCursor, resume: undefined });
    expect(fake.costs.map((c) => String(c.bytesProcessed))).toEqual([onePartition, onePartition]);
    const [costs, requests] = [fake.costs.length, fake.requests.length];
    // The second page needs 6 rows: the 5 left in May 3's result, read for free, and one from May 2, queried.
    const next = await store.list({ fromMicros: T0 + 3n * DAY - 31n * DAY, toMicros: T0 + 3n * DAY, limit: 5, fields: ['key'], filters: {}, cursor: wide.nextCursor });
    expect(next.records.map((r) => r.key)).toEqual(['k-24', 'k-23', 'k-22', 'k-21', 'k-20']);
    expect(fake.costs.slice(costs).map((c) => String(c.bytesProcessed))).toEqual([onePartition]);
    expect(fake.requests.slice(requests).map((r) => `${r.method} ${r.query.startIndex ?? ''}`)).toEqual(['GET 5', 'POST ']);
  });

  test('a slice over the byte budget is read as partition-aligned halves, never as a partial page', async () => {
    useEngine({ widthScale: 1_000_000n });
    // One DAY partition of key, event_time, publish_time and message_id bills 258 MB here; two would bill 515 MB.
    const store = new BigQueryStore(storeOptions(300n * MB));
    const page = await store.list({ fromMicros: T0, toMicros: T0 + 5n * DAY, limit: 25, fields: ['key'], filters: {} });
    expect(page.records).toHaveLength(25);
    expect(page.records[0]).toEqual({ key: 'k-29' });
    expect(page.records[24]).toEqual({ key: 'k-05' });
    const slices = fake.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.body as { queryParameters: Array<{ parameterValue: { value: string } }> }).queryParameters.slice(0, 2).map((p) => p.parameterValue.value.slice(5, 10)));
    // May 5, May 4, then May 2..4 refused (bills nothing) and read as May 3, May 2; then May 1.
    expect(slices).toEqual([
      ['05-05', '05-06'],
      ['05-04', '05-05'],
      ['05-02', '05-04'],
      ['05-03', '05-04'],
      ['05-02', '05-03'],
      ['05-01', '05-02'],
    ]);
    expect(fake.costs).toHaveLength(5);
  });
});

describe('walking a window bills each partition once', () => {
  const storeOptions = (overrides: Partial<BigQueryStoreOptions> = {}): BigQueryStoreOptions => ({
    projectId: 'p-project',
    datasetId: 'd',
    viewId: 'v',
    schema,
    maxBytesBilled: 10n * MB,
    queryTimeoutMs: 5000,
    pipelineName: 'probe',
    apiEndpoint: fake.url,
    maxRetries: 0,
    ...overrides,
  });
  const walkQuery = (overrides: Partial<ListQuery> = {}): ListQuery => ({ fromMicros: T0, toMicros: T0 + 3n * DAY, limit: 3, fields: ['key'], filters: {}, ...overrides });
  /** Every key of the table, newest first: k-29 (May 3, 18:00) down to k-00 (May 1, 00:00). */
  const allKeys = Array.from({ length: 30 }, (_, i) => `k-${String(29 - i).padStart(2, '0')}`);
  /** key (6) + event_time (8) + publish_time (8) + message_id 'mNN' (5) over the 10 rows of one day. */
  const dayBytes = 10 * 27;
  /** The `[from_time, to_time)` of every query the store sent, in microseconds. */
  const sliceBounds = () =>
    fake.queries.map((q) => {
      const value = (name: string) => isoToMicros(q.queryParameters!.find((p) => p.name === name)!.parameterValue.value)!;
      return [value('from_time'), value('to_time')] as const;
    });
  /** The partitions (by start) each query's slice reads. */
  const partitionsRead = (unit: bigint) => sliceBounds().map(([from, to]) => {
    const starts: bigint[] = [];
    for (let p = from - (from % unit); p < to; p += unit) starts.push(p);
    return starts;
  });
  const processed = () => fake.costs.reduce((sum, c) => sum + c.bytesProcessed, 0n);

  test('DAY partitions: one query per day, each day billed once, pages read on in results for free', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions());
    const { records, pages } = await listAll(store, walkQuery());
    expect(records.map((r) => r.key)).toEqual(allKeys);
    expect(pages).toHaveLength(10);
    // A page spans two results: the last row of May 3's, then the first of May 2's; its cursor points into the second.
    expect(pages[3].records.map((r) => r.key)).toEqual(['k-20', 'k-19', 'k-18']);
    expect(pages[3].nextCursor?.resume).toMatchObject({ jobId: fake.jobIds[1], rowOffset: 2, sliceFromMicros: String(T0 + DAY), sliceToMicros: String(T0 + 2n * DAY) });

    expect(partitionsRead(DAY)).toEqual([[T0 + 2n * DAY], [T0 + DAY], [T0]]);
    expect(fake.costs.map((c) => Number(c.bytesProcessed))).toEqual([dayBytes, dayBytes, dayBytes]);
    // The walk processed exactly one scan of the window; each query bills its 10 MB minimum, reads bill nothing.
    const scan = await run(`SELECT \`key\`, \`event_time\`, \`publish_time\`, \`message_id\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, window(T0, T0 + 3n * DAY));
    expect(String(processed() - fake.costs[3].bytesProcessed)).toBe(scan.body.totalBytesProcessed);
    expect(fake.costs.slice(0, 3).map((c) => c.bytesBilled)).toEqual([10n * MB, 10n * MB, 10n * MB]);
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(9);
    // Reading a result again states no bytes billed (BigQuery's GetQueryResultsResponse has no such member).
    const costs = fake.costs.length;
    const again = await fetch(`${fake.url}/bigquery/v2/projects/p-project/queries/${fake.jobIds[0]}?startIndex=2&maxResults=2`);
    const body = (await again.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ jobComplete: true, totalRows: '10', totalBytesProcessed: String(dayBytes) });
    expect(body.totalBytesBilled).toBeUndefined();
    expect(fake.costs).toHaveLength(costs);
  });

  test('HOUR partitions: no hour is read by two queries, and the walk processes one scan', async () => {
    useEngine({ partitioning: { column: 'event_time', granularity: 'HOUR' } });
    const store = new BigQueryStore(storeOptions({ partitionGranularity: PartitionGranularity.HOUR }));
    const { records } = await listAll(store, walkQuery());
    expect(records.map((r) => r.key)).toEqual(allKeys);
    const hours = partitionsRead(HOUR).flat();
    expect(new Set(hours).size).toBe(hours.length);
    expect(hours).toHaveLength(3 * 24);
    expect(processed()).toBe(BigInt(3 * dayBytes));
  });

  test('a slice with more rows than the row cap is queried again from its last row read, and only then', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions({ maxRowsPerQuery: 4 }));
    const { records, pages } = await listAll(store, walkQuery());
    expect(records.map((r) => r.key)).toEqual(allKeys);
    expect(pages[0].nextCursor?.resume).toMatchObject({ rowOffset: 3, capped: true });
    // 10 rows a day at 4 rows a query: 3 queries a day (4, 4 and 2 rows), each billing the day.
    expect(fake.costs.map((c) => Number(c.bytesProcessed))).toEqual(Array(9).fill(dayBytes));
    const [, second] = fake.queries;
    const params = Object.fromEntries(second.queryParameters!.map((p) => [p.name, p.parameterValue.value]));
    // k-26 (May 3, 12:00) was the capped result's last row: the re-query covers May 3 below it.
    expect(params).toMatchObject({ from_time: microsToIso(T0 + 2n * DAY), to_time: microsToIso(T0 + 2n * DAY + 12n * HOUR + 1n), cursor_key: 'k-26', row_limit: '4' });
  });

  test('a resume point whose rows do not follow the cursor (an offset moved back) falls back to the keyset query', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions());
    const first = await store.list(walkQuery());
    const honest = await store.list(walkQuery({ cursor: first.nextCursor }));
    const resume = first.nextCursor!.resume!;
    // Offset one back: the first row read would be the cursor's own row again.
    const moved = { ...first.nextCursor!, resume: { ...resume, rowOffset: resume.rowOffset - 1 } };
    const before = fake.queries.length;
    expect((await store.list(walkQuery({ cursor: moved }))).records).toEqual(honest.records);
    expect(fake.queries.length).toBe(before + 1);
  });

  test('falls back to the keyset query when the result is gone (expired or not found)', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions());
    const first = await store.list(walkQuery());
    fake.expireResults();
    const before = fake.requests.length;
    const second = await store.list(walkQuery({ cursor: first.nextCursor }));
    expect(second.records.map((r) => r.key)).toEqual(['k-26', 'k-25', 'k-24']);
    expect(fake.requests.slice(before).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(fake.queries[1].queryParameters).toContainEqual(expect.objectContaining({ name: 'cursor_key', parameterValue: { value: 'k-27' } }));
    // Exact, only billed again; the rest of the walk reads on in the new result.
    const rest = await listAll(store, walkQuery({ cursor: second.nextCursor }));
    expect([...first.records, ...second.records, ...rest.records].map((r) => r.key)).toEqual(allKeys);

    const unknown = { ...first.nextCursor!, resume: { ...first.nextCursor!.resume!, jobId: 'job_nope' } };
    expect((await store.list(walkQuery({ cursor: unknown }))).records).toEqual(second.records);
    const elsewhere = { ...first.nextCursor!, resume: { ...first.nextCursor!.resume!, location: 'asia-east1' } };
    expect((await store.list(walkQuery({ cursor: elsewhere }))).records).toEqual(second.records);
  });

  test('falls back to the keyset query when the result has other columns than the request asks for', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions());
    const first = await store.list(walkQuery());
    const costs = fake.costs.length;
    const second = await store.list(walkQuery({ fields: ['key', 'level'], cursor: first.nextCursor }));
    expect(second.records).toEqual([
      { key: 'k-26', level: 26 },
      { key: 'k-25', level: null },
      { key: 'k-24', level: 24 },
    ]);
    expect(fake.costs.length).toBe(costs + 1);
  });

  test('a window that moved keeps the page exact: rows before its start are cut, a `to` at the cursor re-queries', async () => {
    useEngine({});
    const store = new BigQueryStore(storeOptions());
    const first = await store.list(walkQuery());
    // k-26 and k-25 lie at 12:00 and 10:00 on May 3; k-24 (08:00) is before this window.
    const later = await store.list(walkQuery({ fromMicros: T0 + 2n * DAY + 9n * HOUR, cursor: first.nextCursor }));
    expect(later).toEqual({ records: [{ key: 'k-26' }, { key: 'k-25' }] });
    const costs = fake.costs.length;
    const cut = await store.list(walkQuery({ toMicros: T0 + 2n * DAY + 11n * HOUR, cursor: first.nextCursor }));
    expect(cut.records.map((r) => r.key)).toEqual(['k-25', 'k-24', 'k-23']);
    expect(fake.costs.length).toBe(costs + 1);
  });
});
