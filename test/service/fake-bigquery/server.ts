import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResultField, ResultRow } from '../../../src/service/store/bigquery-decode';
import type { QueryParameter } from '../../../src/service/store/bigquery-sql';
import { ScanCost, bytesBilled, bytesBilledLimitMessage } from './cost-model';

/**
 * A fake of the two BigQuery REST methods the store calls (`jobs.query` and `jobs.getQueryResults`) on
 * 127.0.0.1. It records every request, answers from an engine (static rows, or DuckDB through ./duckdb-engine)
 * and can be scripted to fail the next requests the ways BigQuery does.
 */

/** One received HTTP request. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
}

/** The `jobs.query` request body members the store sends. */
export interface QueryRequestBody {
  readonly query: string;
  readonly queryParameters?: QueryParameter[];
  readonly parameterMode?: string;
  readonly useLegacySql?: boolean;
  readonly location?: string;
  readonly maxResults?: number;
  readonly maximumBytesBilled?: string;
  readonly timeoutMs?: number;
  readonly jobTimeoutMs?: string;
  readonly labels?: Record<string, string>;
  readonly useQueryCache?: boolean;
  readonly formatOptions?: { readonly useInt64Timestamp?: boolean };
  readonly requestId?: string;
}

/** A complete query result: the schema and every row, in BigQuery's REST encoding. */
export interface QueryResult {
  readonly fields: ResultField[];
  readonly rows: ResultRow[];
  /** What the engine scanned; without it the query bills nothing (static engines). */
  readonly cost?: ScanCost;
}

/** What one query reported: the statement and its bytes, as `totalBytesProcessed` / `totalBytesBilled` say. */
export interface JobCost {
  readonly sql: string;
  readonly bytesProcessed: bigint;
  readonly bytesBilled: bigint;
}

/** Computes the result of a `jobs.query` body (SQL plus `queryParameters`). */
export type QueryEngine = (request: QueryRequestBody) => Promise<QueryResult>;

/** What the fake does with the next request instead of answering normally. */
export type Step =
  /** An error response in BigQuery's shape (`{ error: { code, message, errors: [{ reason }] } }`). */
  | { readonly kind: 'error'; readonly status: number; readonly reason: string; readonly message?: string; readonly headers?: Record<string, string> }
  /** `jobs.query` answers `jobComplete: false`; the job then stays unfinished for `polls` getQueryResults calls. */
  | { readonly kind: 'pending'; readonly polls: number }
  /** Waits, then answers normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Answers normally (to script a later request). */
  | { readonly kind: 'pass' }
  /** A 200 with this raw body. */
  | { readonly kind: 'raw'; readonly body: string }
  /** Closes the connection without answering. */
  | { readonly kind: 'reset' };

/** Options of `startFakeBigQuery`. */
export interface FakeBigQueryOptions {
  /** Answers queries; defaults to an empty result. */
  readonly engine?: QueryEngine;
  /** Rows per response page when the request sets no `maxResults`. */
  readonly pageSize?: number;
}

interface Job {
  readonly id: string;
  readonly projectId: string;
  readonly location?: string;
  readonly result: QueryResult;
  readonly bytesProcessed: bigint;
  readonly bytesBilled: bigint;
  pendingPolls: number;
  /** The result table is gone (BigQuery keeps an anonymous result about 24 hours): getQueryResults answers 404. */
  expired: boolean;
}

/** A running fake BigQuery. */
export class FakeBigQuery {
  /** Every request received, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** How many `delay` steps have finished waiting: a client that gave up before that never saw their answer. */
  public delaysElapsed = 0;
  /** The bytes of every query that ran (refused ones bill nothing and are absent), in order. */
  public readonly costs: JobCost[] = [];
  /** The engine answering queries; replaceable between tests. */
  public engine: QueryEngine;
  /** Rows per response page when the request sets no `maxResults`. */
  public pageSize: number;
  private readonly steps: Step[] = [];
  private readonly jobs = new Map<string, Job>();

  public constructor(private readonly server: Server, options: FakeBigQueryOptions) {
    this.engine = options.engine ?? (async () => ({ fields: [], rows: [] }));
    this.pageSize = options.pageSize ?? 10_000;
  }

  /** The `apiEndpoint` to give the client. */
  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Bodies of the `jobs.query` calls received: one per query the store ran. */
  public get queries(): QueryRequestBody[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/queries$/.test(r.path)).map((r) => r.body as QueryRequestBody);
  }

  /** Scripts the next requests, one step each, in order. */
  public enqueue(...steps: Step[]): void {
    this.steps.push(...steps);
  }

  /** Ids of the jobs run so far, oldest first. */
  public get jobIds(): string[] {
    return [...this.jobs.keys()];
  }

  /** Drops the results of these jobs (default: all so far), as BigQuery does about 24 hours after a query. */
  public expireResults(jobIds: readonly string[] = this.jobIds): void {
    for (const id of jobIds) {
      const job = this.jobs.get(id);
      if (job) job.expired = true;
    }
  }

  /** Forgets recorded requests, scripted steps and jobs. */
  public reset(): void {
    this.requests.length = 0;
    this.costs.length = 0;
    this.steps.length = 0;
    this.jobs.clear();
  }

  /** Stops the server, cutting open connections. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Handles one request; exposed for the server callback only. */
  public async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body });

    const step = this.steps.shift();
    if (step?.kind === 'delay') {
      await sleep(step.ms);
      this.delaysElapsed++;
    }
    if (step?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (step?.kind === 'raw') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(step.body);
      return;
    }
    if (step?.kind === 'error') {
      sendError(res, step.status, step.reason, step.message ?? step.reason, step.headers);
      return;
    }

    const queryPath = /^\/bigquery\/v2\/projects\/([^/]+)\/queries$/.exec(url.pathname);
    const resultsPath = /^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(url.pathname);
    try {
      if (req.method === 'POST' && queryPath) {
        await this.query(decodeURIComponent(queryPath[1]), body as QueryRequestBody | undefined, step?.kind === 'pending' ? step.polls : 0, res);
      } else if (req.method === 'GET' && resultsPath) {
        await this.results(decodeURIComponent(resultsPath[1]), decodeURIComponent(resultsPath[2]), url.searchParams, res);
      } else {
        sendError(res, 404, 'notFound', `Not found: ${req.method} ${url.pathname}`);
      }
    } catch (e) {
      // The engine refused the SQL: BigQuery answers such queries with 400 invalidQuery.
      sendError(res, 400, 'invalidQuery', (e as Error).message);
    }
  }

  private async query(projectId: string, request: QueryRequestBody | undefined, pendingPolls: number, res: ServerResponse): Promise<void> {
    if (!request || typeof request.query !== 'string') {
      sendError(res, 400, 'invalid', 'Required parameter is missing: query');
      return;
    }
    const result = await this.engine(request);
    const bytesProcessed = result.cost?.bytesProcessed ?? 0n;
    const billed = result.cost ? bytesBilled(result.cost) : 0n;
    // BigQuery refuses before billing when the query would bill more than maximumBytesBilled.
    if (request.maximumBytesBilled !== undefined && billed > BigInt(request.maximumBytesBilled)) {
      sendError(res, 400, 'bytesBilledLimitExceeded', bytesBilledLimitMessage(BigInt(request.maximumBytesBilled), billed));
      return;
    }
    this.costs.push({ sql: request.query, bytesProcessed, bytesBilled: billed });
    const job: Job = { id: `job_${randomUUID().replace(/-/g, '')}`, projectId, location: request.location ?? 'US', result, bytesProcessed, bytesBilled: billed, pendingPolls, expired: false };
    this.jobs.set(job.id, job);
    const jobReference = { projectId, jobId: job.id, location: job.location };
    if (pendingPolls > 0) {
      sendJson(res, { kind: 'bigquery#queryResponse', jobReference, jobComplete: false });
      return;
    }
    // jobs.query states what the query billed; getQueryResults (below) reads the result again and bills nothing.
    sendJson(res, { kind: 'bigquery#queryResponse', jobReference, ...this.page(job, 0, request.maxResults), totalBytesBilled: String(job.bytesBilled) });
  }

  private async results(projectId: string, jobId: string, params: URLSearchParams, res: ServerResponse): Promise<void> {
    const job = this.jobs.get(jobId);
    // Jobs live in their project (and location): another project's id names no job of this one.
    if (!job || job.projectId !== projectId || (params.has('location') && params.get('location') !== job.location)) {
      sendError(res, 404, 'notFound', `Not found: Job ${projectId}:${params.get('location') ?? 'US'}.${jobId}`);
      return;
    }
    if (job.expired) {
      sendError(res, 404, 'notFound', `Not found: Table ${projectId}:_${job.id.slice(4, 12)}.anon${job.id.slice(12)} was not found in location ${job.location}`);
      return;
    }
    const jobReference = { projectId, jobId, location: job.location };
    if (job.pendingPolls > 0) {
      job.pendingPolls--;
      // BigQuery holds getQueryResults up to timeoutMs before saying "not yet"; a short wait keeps clients from spinning.
      await sleep(Math.min(Number(params.get('timeoutMs') ?? 0), 25));
      sendJson(res, { kind: 'bigquery#getQueryResultsResponse', jobReference, jobComplete: false });
      return;
    }
    const start = Number(params.get('pageToken') ?? params.get('startIndex') ?? 0);
    const maxResults = params.get('maxResults') ? Number(params.get('maxResults')) : undefined;
    sendJson(res, { kind: 'bigquery#getQueryResultsResponse', jobReference, ...this.page(job, start, maxResults) });
  }

  /** One page of a result: `maxResults` rows from `start`, never more than `pageSize` (BigQuery's 10 MB per response). */
  private page(job: Job, start: number, maxResults?: number): Record<string, unknown> {
    const size = Math.max(1, Math.min(maxResults ?? this.pageSize, this.pageSize));
    const rows = job.result.rows.slice(start, start + size);
    const next = start + size < job.result.rows.length ? String(start + size) : undefined;
    return {
      jobComplete: true,
      schema: { fields: job.result.fields },
      totalRows: String(job.result.rows.length),
      // Like BigQuery, an empty result carries no `rows` member at all.
      ...(rows.length > 0 ? { rows } : {}),
      ...(next ? { pageToken: next } : {}),
      totalBytesProcessed: String(job.bytesProcessed),
      cacheHit: false,
    };
  }
}

/** Starts a fake BigQuery on 127.0.0.1 and a free port. */
export async function startFakeBigQuery(options: FakeBigQueryOptions = {}): Promise<FakeBigQuery> {
  const holder: { fake?: FakeBigQuery } = {};
  const server = createServer((req, res) => {
    holder.fake?.handle(req, res).catch((e: Error) => sendError(res, 500, 'internalError', e.message));
  });
  const fake = new FakeBigQuery(server, options);
  holder.fake = fake;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return fake;
}

function sendJson(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, reason: string, message: string, headers?: Record<string, string>): void {
  const error = { code: status, message, errors: [{ message, domain: 'global', reason }], status: STATUS_TEXT[status] ?? 'UNKNOWN' };
  sendJson(res, { error }, status, headers);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
