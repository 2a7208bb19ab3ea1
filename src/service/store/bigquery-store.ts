import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import type { RecordSchema } from '../../schema/record-schema';
import { isoToMicros } from '../../schema/wire';
import { decodeRows, MalformedResponseError, ResultField, ResultRow } from './bigquery-decode';
import { toStoreError } from './bigquery-errors';
import { BuiltQuery, buildGetQuery, buildListQuery, MESSAGE_ID_COLUMN, PING_SQL, tableReference } from './bigquery-sql';
import { StoreError, StoreErrorKind } from './errors';
import { PARTITION_MICROS, PartitionGranularity, Slice, pageSlices, pageUpperBound, splitSlice } from './page-slices';
import { cachedStore, QueryCacheOptions } from './query-cache';
import type { GetQuery, ListQuery, Page, Store, WireRecord } from './store';

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
  /** Time one query may take end to end, including polling and result pages. */
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
}

/** The `route` label of each statement, so billing reports split cost by endpoint. */
type Route = 'list-records' | 'get-record' | 'readyz';

/**
 * A Store that reads the pipeline's BigQuery view with parameterized GoogleSQL through `@google-cloud/bigquery`:
 * one `jobs.query` per request (then `getQueryResults` while the job runs or pages remain), every query bounded by
 * the event-time window, `maximumBytesBilled`, a server-side job timeout and a client-side deadline, and
 * labelled with the pipeline and route. Unless `cache: false`, identical queries are coalesced and cached.
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

  public constructor(private readonly options: BigQueryStoreOptions) {
    if (!(options.queryTimeoutMs > 0)) throw new Error(`queryTimeoutMs must be positive, got ${options.queryTimeoutMs}`);
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
   * read newest slice first (./page-slices.ts) from the cursor down, and the page stops at the slice that completes
   * it: bytes billed follow the partitions holding the page's rows, not the window's length.
   */
  public async list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    const all: WireRecord[] = [];
    await this.walkSlices(query.fromMicros, pageUpperBound(query.toMicros, query.cursor?.eventTimeMicros), async (slice) => {
      const sliceQuery = { ...query, ...slice, limit: query.limit - all.length };
      const { fields: columns, rows } = await this.run(buildListQuery(this.options.schema, this.table, sliceQuery), 'list-records', signal);
      all.push(...decodeRows(columns, rows));
      return all.length > query.limit;
    });
    const page = all.slice(0, query.limit);
    const tieName = this.options.schema.keyField ?? MESSAGE_ID_COLUMN;
    const last = all.length > query.limit ? page[page.length - 1] : undefined;
    const nextCursor = last
      ? { eventTimeMicros: String(rowMicros(last[this.options.schema.eventTimeField])), tieBreaker: last[tieName] as string | number }
      : undefined;
    const records = page.map((r) => project(r, query.fields));
    return nextCursor ? { records, nextCursor } : { records };
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
  private async walkSlices(fromMicros: bigint, upperMicros: bigint, read: (slice: Slice) => Promise<boolean>): Promise<void> {
    const slices = pageSlices(fromMicros, upperMicros, this.partitionMicros);
    const halves: Slice[] = [];
    for (;;) {
      const slice = halves.pop() ?? slices.next().value;
      if (!slice) return;
      try {
        if (await read(slice)) return;
      } catch (error) {
        const split = error instanceof StoreError && error.kind === StoreErrorKind.TOO_EXPENSIVE ? splitSlice(slice, this.partitionMicros) : undefined;
        if (!split) throw error;
        halves.push(split[1], split[0]);
      }
    }
  }

  /** Runs `SELECT 1`: proves credentials, quota and the endpoint without billing a byte. */
  public async ping(signal?: AbortSignal): Promise<void> {
    await this.run({ sql: PING_SQL, params: [] }, 'readyz', signal);
  }

  /** Nothing to release: the client keeps no open connections of its own. */
  public async close(): Promise<void> {}

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
