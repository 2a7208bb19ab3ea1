import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import { FieldType } from '../../schema/field';
import type { RecordSchema } from '../../schema/record-schema';
import { isoToMicros, microsToIso } from '../../schema/wire';
import { decodeRows, MalformedResponseError, ResultField, ResultRow } from './bigquery-decode';
import { errorReasons, toStoreError } from './bigquery-errors';
import { BuiltQuery, buildGetQuery, buildListQuery, listResultColumns, MESSAGE_ID_COLUMN, PING_SQL, tableReference } from './bigquery-sql';
import { StoreError, StoreErrorKind } from './errors';
import { PARTITION_MICROS, PartitionGranularity, Slice, floorTo, pageSlices, pageUpperBound, partitionsIn, splitSlice } from './page-slices';
import { cachedStore, QueryCacheOptions } from './query-cache';
import type { GetQuery, ListQuery, Page, PageCursor, ResumePoint, Store, WireRecord } from './store';

/** Where the view lives, what it holds and how each query is bounded. */
export interface BigQueryStoreOptions {
  /** Project that runs (and pays for) the queries and holds the view. */
  readonly projectId: string;
  /** Dataset of the view the API reads. */
  readonly datasetId: string;
  /** The view exposing the record's columns plus `publish_time` and `message_id`. */
  readonly viewId: string;
  /**
   * Location of the dataset, e.g. `EU`.
   *
   * @default - BigQuery infers it from the dataset
   */
  readonly location?: string;
  /** The exposed projection of the record schema (what the view selects). */
  readonly schema: RecordSchema;
  /** Upper bound on bytes billed per query; BigQuery fails a query that would bill more. */
  readonly maxBytesBilled: number | bigint | string;
  /**
   * Time partitioning of the table behind the view: pages read the window one partition-aligned slice at a time.
   *
   * @default PartitionGranularity.DAY (the analytics table's default)
   */
  readonly partitionGranularity?: PartitionGranularity;
  /**
   * Most rows one list query returns: a query reads its whole slice of the window (up to this many rows, in page
   * order) and each page reads only what it needs from the result, so later pages read on in the result for free
   * (`jobs.getQueryResults` runs no query). A slice holding more rows is queried again from the last row read, and
   * that query bills the slice's partitions again. Higher: fewer re-scans of busy partitions; lower: a first page
   * waits for a smaller sort and result table (BigQuery writes every result row, read or not).
   *
   * @default 100000
   */
  readonly maxRowsPerQuery?: number;
  /**
   * Time one BigQuery exchange may take: a query with its polling until it finishes, or one read of a finished
   * result (a page that reads on in a result, or spans two, makes a few such exchanges, at most `limit + 1`).
   */
  readonly queryTimeoutMs: number;
  /** Name of the pipeline, sent as the `pipeline` label for cost attribution. */
  readonly pipelineName: string;
  /**
   * Root URL of the BigQuery API, for tests against a local fake.
   *
   * @default - https://bigquery.googleapis.com
   */
  readonly apiEndpoint?: string;
  /**
   * Coalescing and caching of identical queries; `false` turns both off.
   *
   * @default - coalescing plus the query cache's defaults
   */
  readonly cache?: QueryCacheOptions | false;
  /**
   * Retries of one request on 429/5xx by the client library, with its exponential backoff; the query timeout
   * bounds them all.
   *
   * @default 1
   */
  readonly maxRetries?: number;
  /**
   * A ready client, e.g. with explicit credentials.
   *
   * @default - `new BigQuery({ projectId, apiEndpoint })` with application default credentials
   */
  readonly client?: BigQuery;
}

/** The parts of a `jobs.query` / `jobs.getQueryResults` response this store reads. */
interface QueryResponse {
  jobComplete?: boolean;
  jobReference?: { projectId?: string; jobId?: string; location?: string };
  schema?: { fields?: ResultField[] };
  rows?: ResultRow[];
  pageToken?: string;
  totalRows?: string;
}

/** Default of `BigQueryStoreOptions.maxRowsPerQuery`. */
export const DEFAULT_MAX_ROWS_PER_QUERY = 100_000;

/** A finished list query: its job, the slice it read, and its result's size and columns. */
interface SliceJob {
  /** Absent when BigQuery answered without a job reference: the result cannot be read on later. */
  readonly jobId?: string;
  readonly location?: string;
  readonly slice: Slice;
  readonly totalRows: number;
  /** The result stopped at the row cap: rows of the slice may follow its last row. */
  readonly capped: boolean;
  readonly fields: ResultField[];
}

/** A row a list request has read, and where it sits: the job and its index in the job's result. */
interface ReadRow {
  readonly record: WireRecord;
  readonly job: SliceJob;
  readonly index: number;
}

/** Where a list request reads on: slices below `upperMicros`, each after the keyset position `after` if any. */
interface Continuation {
  readonly upperMicros: bigint;
  readonly after?: PageCursor;
  /** The rest of a slice whose job stopped at the row cap, rather than the next older slice. */
  readonly sameSlice?: boolean;
}

/** BigQuery's reasons for a result that cannot be read (any more): the job's result table expired, or is not ours. */
const RESULT_GONE_REASONS = new Set(['notFound', 'accessDenied']);

/**
 * Whether reading a cursor's job result failed for the cursor's sake (expired, not ours, a location or offset that
 * names nothing: any 4xx but rate and quota limits), so the page falls back to the keyset query instead of a 500.
 */
function resultGone(error: unknown): boolean {
  const reasons = errorReasons(error);
  if (reasons.some((r) => RESULT_GONE_REASONS.has(r))) return true;
  const status = (error as { code?: unknown } | null)?.code;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429 && !reasons.some((r) => /rateLimit|quota/i.test(r));
}

/** Whether a tie-breaker sorts below the cursor's, as BigQuery orders it: INT64 by value, STRING by code point (UTF-8 bytes). */
function tieBefore(value: unknown, cursorTie: string | number, numeric: boolean): boolean {
  if (value === null || value === undefined) return false;
  if (numeric) {
    try {
      return BigInt(value as string | number) < BigInt(cursorTie);
    } catch {
      return false; // not an INT64: not a row of this query
    }
  }
  return Buffer.compare(Buffer.from(String(value), 'utf8'), Buffer.from(String(cursorTie), 'utf8')) < 0;
}

/** The `route` label of each statement, so billing reports split cost by endpoint. */
type Route = 'list-records' | 'get-record' | 'readyz';

/**
 * A Store that reads the pipeline's BigQuery view with parameterized GoogleSQL through `@google-cloud/bigquery`:
 * `jobs.query` per slice of the window (then `getQueryResults` while the job runs, and for later pages, which read on
 * in an earlier query's result), every query bounded by the event-time window, `maximumBytesBilled`, a server-side
 * job timeout and a client-side deadline, and labelled with the pipeline and route. Unless `cache: false`, identical
 * queries are coalesced and cached.
 */
export function createBigQueryStore(options: BigQueryStoreOptions): Store {
  const store = new BigQueryStore(options);
  return options.cache === false ? store : cachedStore(store, options.cache ?? {});
}

/** The uncached BigQuery store; `createBigQueryStore` is the usual entry point. */
export class BigQueryStore implements Store {
  private readonly client: BigQuery;
  private readonly table: string;
  private readonly labels: Record<string, string>;
  private readonly partitionMicros: bigint;
  private readonly maxRowsPerQuery: number;

  public constructor(private readonly options: BigQueryStoreOptions) {
    if (!(options.queryTimeoutMs > 0)) throw new Error(`queryTimeoutMs must be positive, got ${options.queryTimeoutMs}`);
    this.maxRowsPerQuery = options.maxRowsPerQuery ?? DEFAULT_MAX_ROWS_PER_QUERY;
    if (!Number.isSafeInteger(this.maxRowsPerQuery) || this.maxRowsPerQuery < 1) throw new Error(`maxRowsPerQuery must be a positive integer, got ${this.maxRowsPerQuery}`);
    if (!/^\d+$/.test(String(options.maxBytesBilled))) throw new Error(`maxBytesBilled must be a whole number of bytes, got ${String(options.maxBytesBilled)}`);
    this.table = tableReference(options.projectId, options.datasetId, options.viewId);
    const maxRetries = options.maxRetries ?? 1;
    this.client =
      options.client ??
      new BigQuery({
        projectId: options.projectId,
        ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
        ...(options.location ? { location: options.location } : {}),
        retryOptions: { autoRetry: maxRetries > 0, maxRetries, totalTimeout: Math.ceil(options.queryTimeoutMs / 1000) },
      });
    this.labels = { pipeline: labelValue(options.pipelineName), component: 'query-api' };
    this.partitionMicros = PARTITION_MICROS[options.partitionGranularity ?? PartitionGranularity.DAY];
  }

  /**
   * One page of records, newest first, one row per event (the latest copy of each key and event time). The window is
   * read newest slice first (./page-slices.ts) from the cursor down; each slice is one query returning its rows in
   * page order (up to `maxRowsPerQuery`), of which the page reads only the `limit + 1` it needs. The next page reads on
   * in the same result through the cursor's resume point, which bills nothing; it queries again only for the next
   * older slice, for the rest of a slice past the row cap, or when the result is gone (from the keyset position, exact).
   */
  public async list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    const want = query.limit + 1;
    const read: ReadRow[] = [];
    const cursor = query.cursor;
    let next: Continuation | undefined = { upperMicros: pageUpperBound(query.toMicros, cursor?.eventTimeMicros), ...(cursor ? { after: cursor } : {}) };
    // A `to` at or before the cursor's time cuts rows off the result: only the keyset query knows where.
    if (cursor?.resume && query.toMicros > BigInt(cursor.eventTimeMicros)) {
      const resumed = await this.resume(cursor, cursor.resume, query, read, want, signal);
      if (resumed !== 'gone') next = resumed;
    }
    while (next && read.length < want) next = await this.walkList(next, query, read, want, signal);

    const page = read.slice(0, query.limit);
    const extra = read[query.limit];
    const records = page.map((r) => project(r.record, query.fields));
    if (!extra) return { records };
    const last = page[page.length - 1].record;
    const nextCursor: PageCursor = { ...this.keysetOf(last), ...(extra.job.jobId ? { resume: resumePointOf(extra) } : {}) };
    return { records, nextCursor };
  }

  /**
   * Reads on in the result of the job a cursor points into: 'gone' when it cannot (the result expired, is not ours, or
   * is not the result this request expects), else where the walk continues once the job is read to its end.
   */
  private async resume(cursor: PageCursor, point: ResumePoint, query: ListQuery, read: ReadRow[], want: number, signal?: AbortSignal): Promise<Continuation | undefined | 'gone'> {
    const location = point.location ?? this.options.location;
    const ref = { jobId: point.jobId, ...(location ? { location } : {}) };
    let response: { fields: ResultField[]; rows: ResultRow[]; totalRows: number };
    try {
      response = await this.results(ref, point.rowOffset, want, signal);
    } catch (error) {
      if (!signal?.aborted && resultGone(error)) return 'gone';
      throw error;
    }
    const expected = listResultColumns(this.options.schema, query.fields);
    if (response.fields.map((f) => f.name).join() !== expected.join()) return 'gone';
    const slice = { fromMicros: BigInt(point.sliceFromMicros), toMicros: BigInt(point.sliceToMicros) };
    // Rows of another query than the cursor's (a forged or stale resume point) would not follow its position: every
    // row must come strictly after it in page order (event time, then tie-breaker, both descending) and lie in the slice.
    const cursorMicros = BigInt(cursor.eventTimeMicros);
    const eventTime = this.options.schema.eventTimeField;
    const tieName = this.options.schema.keyField ?? MESSAGE_ID_COLUMN;
    const numericTie = this.options.schema.field(tieName)?.type === FieldType.INT64;
    const fits = (r: WireRecord) => {
      const micros = rowMicros(r[eventTime]);
      const afterCursor = micros < cursorMicros || (micros === cursorMicros && tieBefore(r[tieName], cursor.tieBreaker, numericTie));
      return afterCursor && micros >= slice.fromMicros && micros < slice.toMicros;
    };
    let rows: WireRecord[];
    try {
      rows = decodeRows(response.fields, response.rows);
      if (!rows.every(fits)) return 'gone';
    } catch (error) {
      if (error instanceof MalformedResponseError) return 'gone';
      throw error;
    }
    const job: SliceJob = { ...ref, slice, totalRows: response.totalRows, capped: point.capped, fields: response.fields };
    return this.consume(job, point.rowOffset, rows, cursor, query, read, want, signal);
  }

  /**
   * Queries the slices below `start.upperMicros` newest first and reads their results until the page is full: undefined
   * when it is or the window is read to its end, else where to continue (a job stopped at its row cap).
   */
  private async walkList(start: Continuation, query: ListQuery, read: ReadRow[], want: number, signal?: AbortSignal): Promise<Continuation | undefined> {
    let restart: Continuation | undefined;
    // Rows per partition seen so far: further slices stay narrow enough to hold about half a row cap, so a walk through dense
    // partitions does not query many at once only to stop at the cap in the first and query the rest again.
    let densest = 0;
    const widestPartitions = () => (densest > 0 ? BigInt(Math.max(1, Math.floor(this.maxRowsPerQuery / 2 / densest))) : BigInt(Number.MAX_SAFE_INTEGER));
    const readSlice = async (slice: Slice) => {
      const sliceQuery = { ...query, ...slice, cursor: start.after };
      const { job, rows } = await this.querySlice(buildListQuery(this.options.schema, this.table, sliceQuery, this.maxRowsPerQuery), slice, want - read.length, signal);
      densest = Math.max(densest, job.totalRows / partitionsIn(slice, this.partitionMicros));
      const next = await this.consume(job, 0, decodeRows(job.fields, rows), start.after, query, read, want, signal);
      if (next?.sameSlice) restart = next;
      return next === undefined || restart !== undefined;
    };
    await this.walkSlices(query.fromMicros, start.upperMicros, readSlice, widestPartitions);
    return restart;
  }

  /**
   * Appends the rows of `job` from `offset` (the first ones already fetched) until the page has `want` rows: undefined
   * when it has, or the window's start is passed; else where the walk continues, the next older slice or, for a job
   * stopped at its row cap, the same slice after its last row (`lastRead`: the row just before `offset`).
   */
  private async consume(
    job: SliceJob,
    offset: number,
    fetched: WireRecord[],
    lastRead: PageCursor | undefined,
    query: ListQuery,
    read: ReadRow[],
    want: number,
    signal?: AbortSignal,
  ): Promise<Continuation | undefined> {
    const eventTime = this.options.schema.eventTimeField;
    let at = offset;
    let batch = fetched;
    let last = lastRead;
    for (let fetches = 0; ; fetches++) {
      for (const record of batch) {
        // A window that starts later than the one the job was queried for (a default window moves every minute).
        if (rowMicros(record[eventTime]) < query.fromMicros) return undefined;
        read.push({ record, job, index: at++ });
        last = this.keysetOf(record);
        if (read.length >= want) return undefined;
      }
      if (at >= job.totalRows) break;
      if (!job.jobId) throw new MalformedResponseError(`a result of ${job.totalRows} rows without a jobReference to read it`);
      if (fetches > 0 && batch.length === 0) throw new MalformedResponseError(`a result of ${job.totalRows} rows ended at row ${at}`);
      const more = await this.results({ jobId: job.jobId, ...(job.location ? { location: job.location } : {}) }, at, want - read.length, signal);
      batch = decodeRows(more.fields, more.rows);
    }
    if (!job.capped) return { upperMicros: job.slice.fromMicros };
    if (!last) throw new MalformedResponseError('a result at its row cap without rows');
    return { upperMicros: pageUpperBound(job.slice.toMicros, last.eventTimeMicros), after: last, sameSlice: true };
  }

  /** The keyset position of a row: its event time and tie-breaker. */
  private keysetOf(record: WireRecord): PageCursor {
    const tieName = this.options.schema.keyField ?? MESSAGE_ID_COLUMN;
    return { eventTimeMicros: String(rowMicros(record[this.options.schema.eventTimeField])), tieBreaker: record[tieName] as string | number };
  }

  /** The newest event with the key within the window (its latest copy), searched newest slice first, or undefined. */
  public async get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> {
    let found: WireRecord | undefined;
    await this.walkSlices(query.fromMicros, query.toMicros, async (slice) => {
      const { fields: columns, rows } = await this.run(buildGetQuery(this.options.schema, this.table, { ...query, ...slice }), 'get-record', signal);
      [found] = decodeRows(columns, rows);
      return found !== undefined;
    });
    return found ? project(found, query.fields) : undefined;
  }

  /**
   * Runs `read` on the slices of `[fromMicros, upperMicros)` newest first until it returns true. A slice BigQuery
   * refuses as too expensive (which bills nothing) is read as its two halves instead, down to one partition; a
   * single partition over the byte budget fails the request with TOO_EXPENSIVE, never with a partial page.
   */
  private async walkSlices(fromMicros: bigint, upperMicros: bigint, read: (slice: Slice) => Promise<boolean>, widestPartitions?: () => bigint): Promise<void> {
    const slices = pageSlices(fromMicros, upperMicros, this.partitionMicros, widestPartitions);
    const halves: Slice[] = [];
    for (;;) {
      const slice = halves.pop() ?? slices.next().value;
      if (!slice) return;
      try {
        if (await read(slice)) return;
      } catch (error) {
        const tooExpensive = error instanceof StoreError && error.kind === StoreErrorKind.TOO_EXPENSIVE;
        const split = tooExpensive ? splitSlice(slice, this.partitionMicros) : undefined;
        if (tooExpensive && !split) throw this.partitionOverBudget(error, slice);
        if (!split) throw error;
        halves.push(split[1], split[0]);
      }
    }
  }

  /**
   * BigQuery bills a partition whole, so when one partition alone is over the byte budget no narrower window helps:
   * the error says so, and names what does (fewer fields; for the operator, HOUR partitions or a higher budget).
   */
  private partitionOverBudget(error: StoreError, slice: Slice): StoreError {
    const granularity = this.options.partitionGranularity ?? PartitionGranularity.DAY;
    const start = microsToIso(floorTo(slice.fromMicros, this.partitionMicros));
    return new StoreError(StoreErrorKind.TOO_EXPENSIVE, `${error.message}, and one ${granularity} partition (from ${start}) alone is over it`, undefined, {
      cause: error,
      hint: 'a narrower window bills the same whole partition: request fewer fields, or ask the API\'s operator for HOUR partitions or a higher byte budget (MAX_BYTES_BILLED)',
    });
  }

  /** Runs `SELECT 1`: proves credentials, quota and the endpoint without billing a byte. */
  public async ping(signal?: AbortSignal): Promise<void> {
    await this.run({ sql: PING_SQL, params: [] }, 'readyz', signal);
  }

  /** Nothing to release: the client keeps no open connections of its own. */
  public async close(): Promise<void> {}

  /**
   * Runs one list statement to completion and returns its job and the first `count` rows of its result (fewer when
   * the response is full: BigQuery caps each response's size); the rest stays in the job's result for later reads.
   */
  private async querySlice(query: BuiltQuery, slice: Slice, count: number, signal?: AbortSignal): Promise<{ job: SliceJob; rows: ResultRow[] }> {
    const deadline = Date.now() + this.options.queryTimeoutMs;
    try {
      const request = { ...this.queryRequest(query, 'list-records'), maxResults: count };
      let response = await this.call({ method: 'POST', uri: '/queries', json: request }, deadline, signal);
      const ref = response.jobReference?.jobId ? { jobId: response.jobReference.jobId, ...(response.jobReference.location ? { location: response.jobReference.location } : {}) } : undefined;
      while (response.jobComplete !== true) {
        if (!ref) throw new MalformedResponseError('an unfinished query without a jobReference');
        response = await this.call(this.resultsRequest(ref, 0, count, deadline), deadline, signal);
      }
      const { fields, totalRows } = finishedResult(response);
      return { job: { ...ref, slice, totalRows, capped: totalRows >= this.maxRowsPerQuery, fields }, rows: response.rows ?? [] };
    } catch (error) {
      throw this.storeError(error, signal);
    }
  }

  /**
   * Up to `count` rows of a finished job's result from row `startIndex` (`jobs.getQueryResults`: reads the job's result
   * table, runs no query and bills nothing), with the result's columns and size.
   */
  private async results(ref: { jobId: string; location?: string }, startIndex: number, count: number, signal?: AbortSignal): Promise<{ fields: ResultField[]; rows: ResultRow[]; totalRows: number }> {
    const deadline = Date.now() + this.options.queryTimeoutMs;
    try {
      let response: QueryResponse;
      do response = await this.call(this.resultsRequest(ref, startIndex, count, deadline), deadline, signal);
      while (response.jobComplete !== true);
      return { ...finishedResult(response), rows: response.rows ?? [] };
    } catch (error) {
      throw this.storeError(error, signal);
    }
  }

  /** The `jobs.getQueryResults` request for rows `startIndex..startIndex + count - 1`, waiting at most until the deadline. */
  private resultsRequest(ref: { jobId: string; location?: string }, startIndex: number, count: number, deadline: number) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeout(this.options.queryTimeoutMs);
    return {
      uri: `/queries/${encodeURIComponent(ref.jobId)}`,
      qs: {
        ...(ref.location ? { location: ref.location } : {}),
        startIndex,
        maxResults: count,
        timeoutMs: remaining,
        'formatOptions.useInt64Timestamp': true,
      },
    };
  }

  /** The StoreError an error stands for, the caller's abort reason, or the error itself (a deployment bug). */
  private storeError(error: unknown, signal?: AbortSignal): unknown {
    if (signal?.aborted) return signal.reason;
    return toStoreError(error) ?? error;
  }

  /** Runs one statement to completion and returns every result row, or throws a StoreError. */
  private async run(query: BuiltQuery, route: Route, signal?: AbortSignal): Promise<{ fields: ResultField[]; rows: ResultRow[] }> {
    const deadline = Date.now() + this.options.queryTimeoutMs;
    try {
      let response = await this.call({ method: 'POST', uri: '/queries', json: this.queryRequest(query, route) }, deadline, signal);
      const job = response.jobReference;
      const rows: ResultRow[] = [];
      for (;;) {
        if (response.jobComplete === true) {
          rows.push(...(response.rows ?? []));
          if (!response.pageToken) break;
        }
        if (!job?.jobId) throw new MalformedResponseError(response.jobComplete ? 'a pageToken without a jobReference' : 'an unfinished query without a jobReference');
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw timeout(this.options.queryTimeoutMs);
        response = await this.call(
          {
            uri: `/queries/${encodeURIComponent(job.jobId)}`,
            qs: {
              ...(job.location ? { location: job.location } : {}),
              ...(response.jobComplete && response.pageToken ? { pageToken: response.pageToken } : {}),
              timeoutMs: remaining,
              'formatOptions.useInt64Timestamp': true,
            },
          },
          deadline,
          signal,
        );
      }
      const fields = response.schema?.fields;
      if (!Array.isArray(fields)) throw new MalformedResponseError('a finished query without a schema');
      return { fields, rows };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const mapped = toStoreError(error);
      if (mapped) throw mapped;
      throw error;
    }
  }

  /** The `jobs.query` body: every limit the design asks for, values only as typed parameters. */
  private queryRequest(query: BuiltQuery, route: Route): Record<string, unknown> {
    return {
      query: query.sql,
      useLegacySql: false,
      parameterMode: 'NAMED',
      queryParameters: query.params,
      ...(this.options.location ? { location: this.options.location } : {}),
      maximumBytesBilled: String(this.options.maxBytesBilled),
      // timeoutMs bounds the wait for this response; jobTimeoutMs makes BigQuery stop the job itself.
      timeoutMs: this.options.queryTimeoutMs,
      jobTimeoutMs: String(this.options.queryTimeoutMs),
      useQueryCache: true,
      labels: { ...this.labels, route },
      formatOptions: { useInt64Timestamp: true },
      // Lets BigQuery recognise a retried request instead of running the query twice.
      requestId: randomUUID(),
    };
  }

  /** One HTTP call through the client, abandoned at the deadline or when the caller goes away. */
  private call(reqOpts: { method?: string; uri: string; json?: unknown; qs?: Record<string, unknown> }, deadline: number, signal?: AbortSignal): Promise<QueryResponse> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(timeout(this.options.queryTimeoutMs));
    return new Promise<QueryResponse>((resolve, reject) => {
      const timer = setTimeout(() => finish(timeout(this.options.queryTimeoutMs)), remaining);
      const onAbort = () => finish(signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (error: unknown, body?: QueryResponse) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (!body || typeof body !== 'object') reject(new MalformedResponseError('the body is not a JSON object'));
        else resolve(body);
      };
      // The HTTP layer (node-fetch 3 under teeny-request) has no timeout: an abandoned request ends when BigQuery
      // answers, which jobTimeoutMs bounds.
      this.client.request(reqOpts, (err, body) => finish(err, body as QueryResponse));
    });
  }
}

function timeout(ms: number): StoreError {
  return new StoreError(StoreErrorKind.TIMEOUT, `the query did not finish within ${ms} ms`);
}

function project(row: WireRecord, fields: readonly string[]): WireRecord {
  const out: WireRecord = {};
  for (const name of fields) out[name] = row[name] ?? null;
  return out;
}

/** The columns and size of a finished job's result, as a response states them. */
function finishedResult(response: QueryResponse): { fields: ResultField[]; totalRows: number } {
  const fields = response.schema?.fields;
  if (!Array.isArray(fields)) throw new MalformedResponseError('a finished query without a schema');
  const totalRows = Number(response.totalRows);
  if (!Number.isSafeInteger(totalRows) || totalRows < 0) throw new MalformedResponseError(`totalRows ${JSON.stringify(response.totalRows)} is not a row count`);
  return { fields, totalRows };
}

/** Where a row sits in its job's result, for the next page's cursor. */
function resumePointOf(row: ReadRow): ResumePoint {
  const { job } = row;
  return {
    jobId: job.jobId!,
    ...(job.location ? { location: job.location } : {}),
    rowOffset: row.index,
    sliceFromMicros: String(job.slice.fromMicros),
    sliceToMicros: String(job.slice.toMicros),
    capped: job.capped,
  };
}

/** Microseconds of a decoded TIMESTAMP, for the cursor. */
function rowMicros(iso: unknown): bigint {
  const micros = typeof iso === 'string' ? isoToMicros(iso) : undefined;
  if (micros === undefined) throw new MalformedResponseError(`event time ${JSON.stringify(iso)} is not a TIMESTAMP`);
  return micros;
}

/** Label values: lowercase letters, digits, `_` and `-`, at most 63 characters (BigQuery's rules). */
export function labelValue(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}
