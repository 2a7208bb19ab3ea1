// Cost benchmark: bytes BigQuery bills per API request, modelled by the fake BigQuery server on a synthetic table
// (test/service/fake-bigquery/cost-model.ts: rows of the partitions a filter on the partitioning column cannot skip x
// the logical widths of the columns read, 10 MB minimum per table, MB rounding; clustering gets no credit). The table
// holds ROWS_PER_DAY rows a day for 31 days; each stored byte counts `widthScale` times so a day of exposed columns
// weighs 1, 10 or 100 GB exactly as measured. Today's query shape (one statement ranking the whole window) runs in the
// same process on the same data, so every ratio compares like with like.
import { Field, FieldMode, RecordSchema } from '../src/schema';
import { BigQueryStore, BigQueryStoreOptions, DEFAULT_MAX_ROWS_PER_QUERY } from '../src/service/store/bigquery-store';
import { DuckDbStore } from '../src/service/store/duckdb-store';
import { StoreError } from '../src/service/store/errors';
import { PartitionGranularity } from '../src/service/store/page-slices';
import type { ListQuery, PageCursor, StoredEvent } from '../src/service/store/store';
import { duckDbEngine } from '../test/service/fake-bigquery/duckdb-engine';
import { FakeBigQuery, startFakeBigQuery } from '../test/service/fake-bigquery/server';

// No credentials or metadata server here: the client must not look for one.
process.env.METADATA_SERVER_DETECTION = 'none';

const DAY = 86_400_000_000n;
/** Rows per day of the synthetic table (scaled down; widths scale up to reach the volume). */
const ROWS_PER_DAY = 2400;
const DAYS = 31;
/** The service's default byte budget per query (MAX_BYTES_BILLED): 10 GiB. */
const BUDGET = 10n * 1024n ** 3n;
/** On-demand price per TiB in US multi-region (https://cloud.google.com/bigquery/pricing#on_demand_pricing). */
const USD_PER_TIB = 6.25;
const TABLE = '`bench-project.api.events_view`';
/** A real row's bytes, to turn a day's volume into rows per partition: 1 KB, a million rows a day per GB. */
const ROW_BYTES = 1000;
/** A budget above one DAY partition at 100 GB/day, to show what the walk would bill there. */
const RAISED_BUDGET = 256n * 1024n ** 3n;

const schema = new RecordSchema({
  name: 'Event',
  fields: [
    Field.string('event_id', { mode: FieldMode.REQUIRED }),
    Field.timestamp('event_time', { mode: FieldMode.REQUIRED }),
    Field.string('kind'),
    Field.string('payload'),
  ],
  eventTimeField: 'event_time',
  keyField: 'event_id',
  clusteringFields: ['kind'],
});

/** "Now": the end of the data, mid-hour, so the default window is not aligned to partitions. */
const NOW = BigInt(Date.parse('2024-06-01T12:30:00Z')) * 1000n;
const START = NOW - BigInt(DAYS) * DAY;

function events(): StoredEvent[] {
  const out: StoredEvent[] = [];
  const step = DAY / BigInt(ROWS_PER_DAY);
  for (let i = 0; START + BigInt(i) * step < NOW; i++) {
    const eventTime = START + BigInt(i) * step;
    out.push({
      record: { event_id: `e-${String(i).padStart(8, '0')}`, event_time: eventTime, kind: ['a', 'b', 'c'][i % 3], payload: 'x'.repeat(100) },
      messageId: `m-${String(i).padStart(8, '0')}`,
      publishTimeMicros: eventTime + 1_000_000n,
    });
  }
  return out;
}

/** Today's list shape: the whole window ranked per key, then the cursor: the bytes do not depend on the cursor. */
const LEGACY_LIST = [
  'SELECT `event_id`, `event_time`, `kind`, `payload` FROM (',
  `  SELECT \`event_id\`, \`event_time\`, \`kind\`, \`payload\` FROM ${TABLE}`,
  '  WHERE `event_time` >= @from_time AND `event_time` < @to_time',
  '  QUALIFY ROW_NUMBER() OVER (PARTITION BY `event_id` ORDER BY `publish_time` DESC, `message_id` DESC) = 1',
  ') ORDER BY `event_time` DESC, `event_id` DESC LIMIT 101',
].join('\n');
/** Today's lookup: the latest version of the key over the whole (31-day default) window. */
const LEGACY_GET = [
  `SELECT \`event_id\`, \`event_time\`, \`kind\`, \`payload\` FROM ${TABLE}`,
  '  WHERE `event_time` >= @from_time AND `event_time` < @to_time AND `event_id` = @record_key',
  'ORDER BY `publish_time` DESC, `message_id` DESC LIMIT 1',
].join('\n');
/** One plain scan of a window's exposed columns plus the metadata de-duplication reads: the walk's yardstick. */
const SCAN = `SELECT \`event_id\`, \`event_time\`, \`kind\`, \`payload\`, \`publish_time\`, \`message_id\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`;

function iso(micros: bigint): string {
  return `${new Date(Number(micros / 1000n)).toISOString().slice(0, 19)}.${String(micros % 1_000_000n).padStart(6, '0')}Z`;
}

/** Bytes billed by one statement sent straight to the fake (no budget), for today's shapes and the yardstick. */
async function billed(fake: FakeBigQuery, sql: string, from: bigint, to: bigint, key?: string): Promise<bigint> {
  const params = [
    { name: 'from_time', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: iso(from) } },
    { name: 'to_time', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: iso(to) } },
    ...(key ? [{ name: 'record_key', parameterType: { type: 'STRING' }, parameterValue: { value: key } }] : []),
  ];
  const response = await fetch(`${fake.url}/bigquery/v2/projects/bench-project/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: sql, useLegacySql: false, parameterMode: 'NAMED', queryParameters: params }),
  });
  const body = (await response.json()) as { totalBytesBilled?: string; error?: { message: string } };
  if (!body.totalBytesBilled) throw new Error(`the fake refused the yardstick: ${body.error?.message}`);
  return BigInt(body.totalBytesBilled);
}

/** Bytes billed by one store call (every query it ran), or `FAILS` when BigQuery refused it over the budget. */
async function measured<T>(fake: FakeBigQuery, call: () => Promise<T>): Promise<{ bytes: bigint; queries: number; value?: T; failed?: string }> {
  const before = fake.costs.length;
  try {
    const value = await call();
    const costs = fake.costs.slice(before);
    return { bytes: costs.reduce((sum, c) => sum + c.bytesBilled, 0n), queries: costs.length, value };
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    const costs = fake.costs.slice(before);
    return { bytes: costs.reduce((sum, c) => sum + c.bytesBilled, 0n), queries: costs.length, failed: e.message };
  }
}

const GB = 1e9;
function human(bytes: bigint): string {
  const n = Number(bytes);
  return n >= 1e12 ? `${(n / 1e12).toFixed(2)} TB` : n >= GB ? `${(n / GB).toFixed(2)} GB` : `${(n / 1e6).toFixed(0)} MB`;
}
function dollars(bytes: bigint): string {
  return `$${((Number(bytes) / 2 ** 40) * USD_PER_TIB).toFixed(4)}`;
}

async function main(): Promise<void> {
  const duckdb = await DuckDbStore.create({ schema, readConnections: 1 });
  const data = events();
  for (let i = 0; i < data.length; i += 10_000) await duckdb.insert(data.slice(i, i + 10_000));
  const fake = await startFakeBigQuery({ engine: duckDbEngine(duckdb) });
  // The bench's store over the fake, with the service's defaults unless overridden.
  const storeFor = (granularity: PartitionGranularity, overrides: Partial<BigQueryStoreOptions> = {}) =>
    new BigQueryStore({
      projectId: 'bench-project', datasetId: 'api', viewId: 'events_view', schema, maxBytesBilled: BUDGET,
      queryTimeoutMs: 60_000, pipelineName: 'bench', apiEndpoint: fake.url, maxRetries: 0, partitionGranularity: granularity, ...overrides,
    });
  // Exposed bytes of one whole day at scale 1, measured by the model itself.
  const dayBytes = await billedProcessed(fake, NOW - 2n * DAY, NOW - DAY);
  console.log(`synthetic table: ${DAYS} days x ${ROWS_PER_DAY} rows/day (one row every ${86_400 / ROWS_PER_DAY} s), exposed columns event_id, event_time, kind, payload`);
  console.log(`budget per query ${human(BUDGET)} (MAX_BYTES_BILLED default), price $${USD_PER_TIB}/TiB on demand; clustering gets no pruning credit\n`);
  const summary: string[] = [];
  try {
    for (const gbPerDay of [1, 10, 100]) {
      const widthScale = (BigInt(gbPerDay) * 1_000_000_000n) / dayBytes;
      for (const granularity of [PartitionGranularity.DAY, PartitionGranularity.HOUR]) {
        fake.engine = duckDbEngine(duckdb, { widthScale, partitioning: { column: 'event_time', granularity } });
        const store = storeFor(granularity);
        const fields = schema.fieldNames;
        const list = (from: bigint, limit: number, cursor?: PageCursor): ListQuery => ({ fromMicros: from, toMicros: NOW, limit, fields, filters: {}, ...(cursor ? { cursor } : {}) });
        console.log(`== ${gbPerDay} GB/day of exposed columns, ${granularity} partitions (each stored byte counts ${widthScale}x)`);

        const day = await measured(fake, () => store.list(list(NOW - DAY, 100)));
        const month = await measured(fake, () => store.list(list(NOW - 31n * DAY, 100)));
        const dayOld = await billed(fake, LEGACY_LIST, NOW - DAY, NOW);
        const monthOld = await billed(fake, LEGACY_LIST, NOW - 31n * DAY, NOW);
        row('first page, default window (24 h, 100 rows)', day, dayOld);
        row('first page, 31-day window (100 rows)', month, monthOld);
        const windowRatio = Number(month.bytes) / Number(day.bytes);
        if (!day.failed && !month.failed) console.log(`  31-day first page / 1-day first page = ${windowRatio.toFixed(2)} (target <= 2) ${windowRatio <= 2 ? 'OK' : 'MISSED'}`);

        // A full walk of 7 days, 1,000 rows a page: later pages read on in earlier queries' results; and the same walk
        // with keyset cursors only (v1 cursors, or expired results: each page its own queries, LIMIT 1,001).
        const scan = await billed(fake, SCAN, NOW - 7n * DAY, NOW);
        const walked = await walk(fake, store, list);
        const before = await walk(fake, storeFor(granularity, { maxRowsPerQuery: 1001 }), list, { keysetOnly: true });
        const walkOld = (await billed(fake, LEGACY_LIST, NOW - 7n * DAY, NOW)) * BigInt(walked.pages);
        const walkRatio = Number(walked.bytes) / Number(scan);
        for (const [what, w] of [['walk of 7 days, 1,000 rows a page', walked], ['same walk, keyset cursors only', before]] as const) {
          const ratio = w.failed ? '' : `, ${(Number(w.bytes) / Number(scan)).toFixed(2)}x one scan`;
          console.log(`  ${what.padEnd(44)} ${w.failed ? `400 (${w.failed})` : `${w.pages} pages, ${w.queries} queries, ${w.reads} result reads, ${human(w.bytes)} total (${human(w.bytes / BigInt(w.pages))}/page)${ratio}`}`);
        }
        console.log(`  ${'one scan of the 7 days'.padEnd(44)} ${human(scan)}; today's shape per page x pages ${human(walkOld)}`);
        if (!walked.failed) console.log(`  walk / one scan = ${walkRatio.toFixed(2)} (target <= 2) ${walkRatio <= 2 ? 'OK' : 'MISSED'}`);
        if (walked.failed) {
          const raised = await walk(fake, storeFor(granularity, { maxBytesBilled: RAISED_BUDGET }), list);
          console.log(`  ${`same walk, budget raised to ${human(RAISED_BUDGET)}`.padEnd(44)} ${raised.failed ? `400 (${raised.failed})` : `${raised.pages} pages, ${raised.queries} queries, ${human(raised.bytes)} total, ${(Number(raised.bytes) / Number(scan)).toFixed(2)}x one scan`}`);
        }
        // Real row counts: ROW_BYTES-byte rows, so a synthetic row stands for `realPerRow` rows; the default cap of
        // 100,000 rows is then `cap` synthetic rows, and each query of a partition with more rows than the cap is
        // followed by another that bills the partition again: ceil(rows per partition / cap) scans per partition.
        const realPerRow = (gbPerDay * 1e9) / ROW_BYTES / ROWS_PER_DAY;
        const perPartition = (gbPerDay * 1e9) / ROW_BYTES / (granularity === PartitionGranularity.DAY ? 1 : 24);
        const scans = Math.ceil(perPartition / DEFAULT_MAX_ROWS_PER_QUERY);
        const oldScans = perPartition / 1000;
        let real = `${fmt(perPartition)} rows a partition: ${scans} ${scans === 1 ? 'query' : 'queries'} a partition, about ${scans}x one scan (before: one query a page, about ${fmt(oldScans)}x)`;
        const cap = Math.max(1, Math.round(DEFAULT_MAX_ROWS_PER_QUERY / realPerRow));
        if (!walked.failed && gbPerDay <= 10) {
          const capped = await walk(fake, storeFor(granularity, { maxRowsPerQuery: cap }), list);
          real += `; measured with the cap scaled to ${cap} rows: ${capped.queries} queries, ${(Number(capped.bytes) / Number(scan)).toFixed(2)}x one scan`;
        }
        console.log(`  real row counts (${ROW_BYTES} B rows): ${real}`);

        const present = data[data.length - ROWS_PER_DAY / 2].record.event_id as string;
        const lookup = await measured(fake, () => store.get({ key: present, fromMicros: NOW - DAY, toMicros: NOW, fields }));
        const absent = await measured(fake, () => store.get({ key: 'nope', fromMicros: NOW - DAY, toMicros: NOW, fields }));
        const lookupOld = await billed(fake, LEGACY_GET, NOW - 31n * DAY, NOW, present);
        row('key lookup, default window, key 12 h old', lookup, lookupOld);
        row('key lookup, default window, absent key', absent, lookupOld);
        const defaultsFail = [day, lookup, absent].some((m) => m.failed);
        console.log(`  default requests under the ${human(BUDGET)} budget: ${defaultsFail ? 'some FAIL' : 'none fails'}\n`);
        const cell = (m: { bytes: bigint; failed?: string }, text: string) => (m.failed ? '400 (over budget)' : text);
        const walkCell = (w: Walk) => (w.failed ? '400 (over budget)' : `${human(w.bytes)} = ${(Number(w.bytes) / Number(scan)).toFixed(2)}x one scan (${human(w.bytes / BigInt(w.pages))} a page)`);
        summary.push(
          `| ${gbPerDay} GB/day | ${granularity} | ${cell(day, `${human(day.bytes)} (${dollars(day.bytes)})`)} | ${human(dayOld)} | ${cell(month, human(month.bytes))} | ${human(monthOld)} | ${walkCell(walked)} | ${walkCell(before)} | ${cell(lookup, human(lookup.bytes))} / ${cell(absent, human(absent.bytes))} | ${human(lookupOld)} | ${defaultsFail ? 'some fail' : 'none fails'} |`,
        );
      }
    }
    console.log('| volume | partitions | first page, 24 h | today | first page, 31 days | today | 7-day walk | walk, keyset cursors only | lookup present / absent | today | default requests |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const line of summary) console.log(line);
  } finally {
    await fake.close();
    await duckdb.close();
  }
}

interface Walk {
  readonly pages: number;
  readonly bytes: bigint;
  readonly queries: number;
  /** getQueryResults calls: reads of a finished query's result, which bill nothing. */
  readonly reads: number;
  readonly failed?: string;
}

/** Every page of a 7-day window, 1,000 rows a page; `keysetOnly` drops the cursors' resume points (the design before). */
async function walk(fake: FakeBigQuery, store: BigQueryStore, list: (from: bigint, limit: number, cursor?: PageCursor) => ListQuery, options: { keysetOnly?: boolean } = {}): Promise<Walk> {
  const requests = fake.requests.length;
  let cursor: PageCursor | undefined;
  let pages = 0;
  let bytes = 0n;
  let queries = 0;
  let failed: string | undefined;
  do {
    const page = await measured(fake, () => store.list(list(NOW - 7n * DAY, 1000, cursor)));
    bytes += page.bytes;
    queries += page.queries;
    pages++;
    failed = page.failed;
    const next = page.value?.nextCursor;
    cursor = next && options.keysetOnly ? { eventTimeMicros: next.eventTimeMicros, tieBreaker: next.tieBreaker } : next;
  } while (cursor && !failed);
  const reads = fake.requests.slice(requests).filter((r) => r.method === 'GET').length;
  return { pages, bytes, queries, reads, ...(failed ? { failed } : {}) };
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : String(Number(n.toPrecision(2)));
}

function row(what: string, m: { bytes: bigint; queries: number; failed?: string }, old: bigint): void {
  const ratio = Number(old) / Math.max(1, Number(m.bytes));
  const result = m.failed ? `400 (${m.failed})` : `${human(m.bytes)} ${dollars(m.bytes)} in ${m.queries} queries`;
  console.log(`  ${what.padEnd(44)} ${result}; today ${human(old)}${old > BUDGET ? ' (over the budget: 400)' : ''}${m.failed ? '' : `; today / new = ${ratio.toFixed(1)}x`}`);
}

/** totalBytesProcessed of one day's exposed columns at scale 1 (DAY partitions, widths unscaled). */
async function billedProcessed(fake: FakeBigQuery, from: bigint, to: bigint): Promise<bigint> {
  const before = fake.costs.length;
  await billed(fake, `SELECT \`event_id\`, \`event_time\`, \`kind\`, \`payload\` FROM ${TABLE} WHERE \`event_time\` >= @from_time AND \`event_time\` < @to_time`, from, to);
  return fake.costs[before].bytesProcessed;
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
