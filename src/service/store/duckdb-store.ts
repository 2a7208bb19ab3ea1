import { createHash } from 'node:crypto';
import { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult, DuckDBPreparedStatement, DuckDBTimestampValue, DuckDBValue, blobValue, timestampValue } from '@duckdb/node-api';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordSchema } from '../../schema/record-schema';
import { int64ToWire } from '../../schema/wire';
import { evolveRecordsTable } from './duckdb-evolve';
import { EncodedPage } from './encoded-page';
import { createDeadLetterTableSql, createRecordsTableSql, createStagingTableSql, insertFromStagingSql, quoteIdent } from './duckdb-ddl';
import { BoundQuery, EVENT_TIME_COLUMN, TIE_BREAKER_COLUMN, buildGetQuery, buildListQuery, buildListQueryOnePhase } from './duckdb-query';
import { ColumnAppender, UnstorableValueError, columnAppender, toStagedValue, toWire } from './duckdb-values';
import { StoreError, StoreErrorKind } from './errors';
import { IndexFence, fencedRowids } from './duckdb-fence';
import { buildLatestGetQuery, buildLatestListQuery, createLatestStagingSql, createLatestTableSql, fencePostsSql, indexOrderSql, latestTableName, sortLatestSql, upsertLatestSql } from './duckdb-latest';
import type { GetQuery, ListQuery, Page, PageCursor, Store, StoredEvent, WireRecord } from './store';

/** Options of `DuckDbStore.create`. */
export interface DuckDbStoreOptions {
  /**
   * The record schema the table stores (locally, the topic's whole record); the table gets its fields plus the
   * subscription's metadata columns. `servedFields` says which of them the API serves.
   */
  readonly schema: RecordSchema;
  /**
   * Database file, or `:memory:`.
   *
   * @default ':memory:'
   */
  readonly path?: string;
  /**
   * Table of the records.
   *
   * @default 'records'
   */
  readonly tableName?: string;
  /**
   * Time limit of one query; past it the query is interrupted and fails with StoreError TIMEOUT.
   *
   * @default 10000
   */
  readonly queryTimeoutMs?: number;
  /**
   * Connections that answer reads in parallel (DuckDB runs one query at a time per connection).
   *
   * @default - one per core (`os.availableParallelism()`)
   */
  readonly readConnections?: number;
  /**
   * DuckDB worker threads. With one, each read connection runs its query on its own thread and concurrent
   * requests spread over the cores; more threads speed up a single large query but make concurrent small ones
   * contend for the same workers (on 2 cores, 32 concurrent list queries over 100,000 rows: ~1.6x the throughput).
   *
   * @default 1
   */
  readonly threads?: number;
  /**
   * Whether reads use the write-time index (schemas with a key; see ./duckdb-latest.ts). `false` ranks the window
   * on every read instead, the query shape before the index, which benchmarks compare against.
   *
   * @default true
   */
  readonly readIndex?: boolean;
  /**
   * The top-level fields the API serves (its exposed projection), in its order. The write-time index keeps each
   * event's wire text with exactly these, so a page of every served field goes out as stored, never decoded; pages
   * of other fields decode and pick, and fields outside these are read from the records table instead.
   *
   * @default - every field of the schema
   */
  readonly servedFields?: readonly string[];
  /**
   * New events the write-time index may hold out of list order (appended after its sorted part) before the write
   * that adds them queues a re-sort of the whole index; at least an eighth of the index is let through first, so
   * re-sorting costs each event a bounded number of copies however the index grows. A smaller tail (from 1,024 rows,
   * or this limit if lower) is re-sorted once writes pause for a second; a tail below that costs reads little.
   *
   * @default 4096
   */
  readonly unsortedIndexRows?: number;
  /**
   * Rows of the sorted index between two posts of its fence (see ./duckdb-fence.ts), which keeps one post per this
   * many rows in memory. A page of no filter but time reads at most about this many rows more than it returns (plus
   * the events sharing its first event time); a filtered page reads the window's rows after its cursor.
   *
   * @default 128
   */
  readonly indexFenceStride?: number;
  /**
   * Whether reads of the sorted index go through its fence. `false` reads without one, the query shape before it,
   * which benchmarks compare against.
   *
   * @default true
   */
  readonly indexFence?: boolean;
  /**
   * Starts the deadline of one query: calls `onDeadline` once `ms` have passed, unless the returned function cancels
   * it first. A seam for tests that decide exactly when a deadline passes (while a query runs, while its statement
   * is prepared) instead of guessing how long a query takes on the machine.
   *
   * @default - a `setTimeout` timer
   */
  readonly startDeadline?: StartDeadline;
}

/** Starts a deadline: `onDeadline` runs once after `ms`, unless the returned function is called first. */
export type StartDeadline = (onDeadline: () => void, ms: number) => () => void;

/** The production deadline: a timer of the event loop. */
const timerDeadline: StartDeadline = (onDeadline, ms) => {
  const timer = setTimeout(onDeadline, ms);
  return () => clearTimeout(timer);
};

/** An event the table refused (malformed NUMERIC or JSON text), kept in the dead-letter table instead. */
export interface DeadLetter {
  readonly messageId: string;
  readonly reason: string;
}

/** What `insert` did: every event is either stored or dead-lettered, none is lost. */
export interface InsertResult {
  readonly inserted: number;
  readonly deadLetters: DeadLetter[];
}

/** How often an interrupt is repeated until the query it targets settles (DuckDB drops one sent just before it starts). */
const INTERRUPT_RETRY_MS = 10;
/** Text DuckDB uses for an interrupted query. */
const INTERRUPTED = /interrupt/i;
/** DuckDB errors that mean the database itself is unusable, not that the query was wrong. */
const UNAVAILABLE = /connection|closed|IO Error|invalidated|FATAL/i;
/** The binder error of a query naming rowid on a relation that has none (a view put in the table's place). */
const NO_ROWID = /Binder Error.*"rowid"/s;
/**
 * Rows a hash join may turn into an IN filter on its probe-side scan (DuckDB's default is 50): the list query's
 * second phase fetches a page of up to 1,000 rows plus one by rowid, and with the IN filter its scan skips the
 * vectors holding none of them instead of reading every column of the table.
 */
const DYNAMIC_IN_FILTER_ROWS = 1001;
/** Prepared statements kept per read connection: one per query shape (fields, filters, cursor), oldest dropped first. */
const PREPARED_PER_CONNECTION = 64;
/** Rows between two posts of the index's fence (DuckDbStoreOptions.indexFenceStride). */
const DEFAULT_FENCE_STRIDE = 128;
/** Pause of the writes after which an index with an unsorted tail is re-sorted (a bulk load ends, traffic stops). */
const SORT_WHEN_IDLE_MS = 1000;
/** The smallest unsorted tail re-sorted in a pause: a trickle of events must not rewrite the whole index each time. */
const SORT_WHEN_IDLE_MIN_ROWS = 1024;
/** The unsorted tail may grow to this share of the index before a write re-sorts it (amortizes the rewrites). */
const UNSORTED_SHARE = 1 / 8;

/**
 * The local and test store: embedded DuckDB holding the same table a BigQuery subscription fills (record fields
 * plus subscription_name, message_id, publish_time, attributes) and a dead-letter table, answering the store
 * contract with parameterized SQL only.
 */
export class DuckDbStore implements Store {
  /** Opens (or creates) the database and its tables. */
  public static async create(options: DuckDbStoreOptions): Promise<DuckDbStore> {
    const tableName = options.tableName ?? 'records';
    const stride = options.indexFenceStride;
    if (stride !== undefined && (!Number.isSafeInteger(stride) || stride < 1)) throw new Error(`indexFenceStride must be a whole number of rows from 1, got ${stride}`);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.path ?? ':memory:', {
        threads: String(Math.max(1, options.threads ?? 1)),
        // An in-memory database spills large queries to `.tmp` in the working directory by default: use the OS's.
        ...(options.path === undefined || options.path === ':memory:' ? { temp_directory: join(tmpdir(), `duckdb-store-${process.pid}`) } : {}),
        dynamic_or_filter_threshold: String(DYNAMIC_IN_FILTER_ROWS),
      });
    } catch (e) {
      throw new StoreError(StoreErrorKind.UNAVAILABLE, `cannot open DuckDB database ${options.path ?? ':memory:'}: ${(e as Error).message}`, 5, { cause: e });
    }
    const servedFields = options.servedFields ?? options.schema.fieldNames;
    const unknown = servedFields.filter((name) => !options.schema.field(name));
    if (unknown.length > 0) throw new Error(`servedFields must name fields of ${options.schema.name}, got unknown ${unknown.join(', ')}`);
    const connection = await instance.connect();
    const readers: DuckDBConnection[] = [];
    try {
      await connection.run(createRecordsTableSql(options.schema, tableName));
      // A database file kept across restarts (DUCKDB_PATH) takes compatible schema changes as BigQuery does.
      await evolveRecordsTable(connection, options.schema, tableName);
      await connection.run(createDeadLetterTableSql(`${tableName}_dead_letter`));
      // TEMP: private to the writing connection and gone with it, so a database file never keeps staged rows.
      await connection.run(createStagingTableSql(options.schema, `${tableName}_staging`));
      if (options.schema.keyField) {
        await openIndexFor(connection, options.schema, tableName, servedFields);
        await connection.run(createLatestStagingSql(tableName));
      }
      for (let i = 0; i < Math.max(1, options.readConnections ?? availableParallelism()); i++) readers.push(await instance.connect());
    } catch (e) {
      // Nothing may stay open when opening fails: a native handle left behind keeps the process alive.
      for (const open of [...readers, connection]) open.closeSync();
      instance.closeSync();
      throw e;
    }
    const store = new DuckDbStore(options.schema, tableName, instance, connection, readers, options.queryTimeoutMs ?? 10_000, options.startDeadline ?? timerDeadline);
    store.indexStale = options.readIndex === false;
    store.servedFields = servedFields;
    store.served = new Set(servedFields);
    store.unsortedIndexLimit = options.unsortedIndexRows ?? 4096;
    store.fenceStride = options.indexFence === false ? 0 : (options.indexFenceStride ?? DEFAULT_FENCE_STRIDE);
    // A database file written before the index existed: build it once from the records. Either way the order of an
    // existing file's index is unknown: it counts as unsorted (re-sorted in the background, the store answers meanwhile).
    if (options.schema.keyField) {
      await store.afterWrites(() => store.indexRowsAfter(-1n, true)).catch(async (e) => {
        await store.close();
        throw e;
      });
    }
    return store;
  }

  /** Table of dead letters: the raw event (JSON text as a BLOB), metadata and the reason it was refused. */
  public readonly deadLetterTableName: string;
  private readonly idle: DuckDBConnection[];
  private readonly appenders: ColumnAppender[];
  /** Writes run one at a time: they share the staging table. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly waiting: Array<{ resolve: (connection: DuckDBConnection) => void; reject: (error: Error) => void }> = [];
  private closed = false;
  private closing?: Promise<void>;
  /** Resolves once every read connection is back after close() began. */
  private allReadersBack?: () => void;
  /** Set once the records relation turned out to have no rowid: list queries then run in one phase. */
  private onePhase = false;
  /**
   * Set once SQL ran through `withConnection`, which may have changed the records behind the index (raw inserts, a
   * view standing in for the table): reads then rank the window on every query, as before the index, and stay exact.
   */
  private indexStale = false;
  /** Statements prepared on each read connection, by SQL text: planning costs about as much as a small query. */
  private readonly prepared = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  /** The fields each index row's wire text holds, in order (DuckDbStoreOptions.servedFields). */
  private servedFields: readonly string[] = [];
  private served: ReadonlySet<string> = new Set();
  /** Rows of the write-time index in list order: its size when it was last sorted (new events are appended after them). */
  private sortedIndexRows = 0;
  private unsortedIndexLimit = 4096;
  /** The re-sort queued behind the writes, if any: one at a time is enough. */
  private sortQueued?: Promise<void>;
  /** Set while a re-sort runs on the writing connection: close() interrupts it rather than wait for it. */
  private sorting = false;
  private sortWhenIdle?: ReturnType<typeof setTimeout>;
  private version = 0;
  /** The sorted index's fence, while it describes the index reads see; unset while a re-sort commits. */
  private fence?: IndexFence;
  /** Rows between two posts; 0 keeps no fence. */
  private fenceStride = DEFAULT_FENCE_STRIDE;
  /** Re-sorts that began to commit: a read whose fence one of them replaced while it ran is read again without it. */
  private sortCommits = 0;

  private constructor(
    /** The schema of the stored records. */
    public readonly schema: RecordSchema,
    /** Table of the records (record fields plus metadata columns). */
    public readonly tableName: string,
    private readonly instance: DuckDBInstance,
    /** The connection that created the tables and writes; `withConnection` lends it out between writes. */
    private readonly connection: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
    private readonly queryTimeoutMs: number,
    private readonly startDeadline: StartDeadline,
  ) {
    this.deadLetterTableName = `${tableName}_dead_letter`;
    this.idle = [...readers];
    this.appenders = schema.fields.map(columnAppender);
  }

  /** Whether the index's wire texts hold every one of these fields. */
  private serves(fields: readonly string[]): boolean {
    return fields.every((name) => this.served.has(name));
  }

  /** One page of records, newest first, per the store contract. */
  public async list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    if (this.schema.keyField && !this.indexStale && this.serves(query.fields)) return this.listFromIndex(query, signal);
    return pageOf(await this.listRows(query, signal), query.limit, (row) => this.toRecord(row, query.fields));
  }

  /**
   * A page from the write-time index: one top-N query over the window's rowids the fence gives (the BigQuery store
   * reads partition slices to bound bytes billed; locally nothing is billed, and each slice query paid the scan of
   * the event-time column again: a 24 h page took three), the records already in wire form.
   */
  private async listFromIndex(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    const rowidsOf = (fence: IndexFence) =>
      fencedRowids(fence, {
        fromMicros: query.fromMicros,
        toMicros: query.toMicros,
        cursorMicros: query.cursor ? BigInt(query.cursor.eventTimeMicros) : undefined,
        rows: query.limit + 1,
        filtered: Object.keys(query.filters).length > 0,
      });
    const { wires, nextCursor } = await this.readResult(
      (fence) => buildLatestListQuery(this.schema, this.tableName, query, fence && rowidsOf(fence)),
      signal,
      (result) => indexRows(result, query.limit),
    );
    if (sameFields(query.fields, this.servedFields)) {
      // Each wire text is JSON.stringify of exactly these fields in this order (openIndexFor): the page's
      // JSON is the texts joined, and its records are decoded only if someone reads them (the API does not), on
      // each read: a page kept by a cache then holds its JSON only, the size the cache counts.
      return new EncodedPage(`[${wires.join(',')}]`, nextCursor);
    }
    const records = wires.map((wire) => pick(JSON.parse(wire) as WireRecord, query.fields));
    return nextCursor ? { records, nextCursor } : { records };
  }

  private async listRows(query: ListQuery, signal?: AbortSignal): Promise<Array<Record<string, DuckDBValue>>> {
    if (this.onePhase) return this.read(buildListQueryOnePhase(this.schema, this.tableName, query), signal);
    try {
      return await this.read(buildListQuery(this.schema, this.tableName, query), signal);
    } catch (e) {
      if (e instanceof StoreError || !NO_ROWID.test((e as Error)?.message ?? '')) throw e;
      this.onePhase = true;
      return this.read(buildListQueryOnePhase(this.schema, this.tableName, query), signal);
    }
  }

  /** The newest event with the key within the window, its latest copy, or undefined. */
  public async get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> {
    if (!this.indexStale && this.serves(query.fields)) {
      // One query over the window: locally there are no partitions to bill, and one scan of the key column beats many.
      const rowidsOf = (fence: IndexFence) => fencedRowids(fence, { fromMicros: query.fromMicros, toMicros: query.toMicros, rows: 1, filtered: true });
      const [row] = await this.readResult((fence) => buildLatestGetQuery(this.schema, this.tableName, query, fence && rowidsOf(fence)), signal);
      return row ? pick(JSON.parse(row.__wire as string) as WireRecord, query.fields) : undefined;
    }
    const rows = await this.read(buildGetQuery(this.schema, this.tableName, query), signal);
    return rows.length === 0 ? undefined : this.toRecord(rows[0], query.fields);
  }

  /**
   * Stores events in bulk (Appender into a staging table, then one INSERT casting nested values: prepared INSERTs
   * are ~100x slower). An event whose value the table cannot hold goes to the dead-letter table, as the BigQuery
   * subscription's dead-letter topic would take it.
   */
  public async insert(events: readonly StoredEvent[]): Promise<void> {
    await this.write(events);
  }

  /** Like `insert`, and says which events were dead-lettered and why (the local publisher logs them). */
  public write(events: readonly StoredEvent[]): Promise<InsertResult> {
    return this.afterWrites(() => this.changing(() => this.writeNow(events)));
  }

  /**
   * Counts the writes that may have changed what reads return (raised before each one's promise settles): a cache of
   * answers keyed by it never serves one from before a write (see QueryCacheOptions.version).
   */
  public get dataVersion(): number {
    return this.version;
  }

  /** Runs a change, then raises the data version whatever its outcome (a failed write may have stored part). */
  private async changing<T>(change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.version++;
    }
  }

  /**
   * Runs `use` with the connection that writes, after the writes queued before it and before those queued after,
   * so that its SQL never overlaps a write (tests and the fake BigQuery server run their own SQL this way).
   * close() waits for it.
   */
  public withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.afterWrites(() => {
      this.indexStale = true;
      return this.changing(() => use(this.connection));
    });
  }

  /**
   * Like `withConnection`, for SQL that only reads: the write-time index stays in use (the fake BigQuery server
   * runs its queries this way).
   */
  public withReadOnlyConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.afterWrites(() => use(this.connection));
  }

  /** Queues work on the writing connection; refused once close() has begun, waited for when queued before. */
  private afterWrites<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const result = this.writing.then(work);
    this.writing = result.catch(() => undefined);
    return result;
  }

  private async writeNow(events: readonly StoredEvent[]): Promise<InsertResult> {
    const rows: DuckDBValue[][] = [];
    const deadLetters: Array<DeadLetter & { event: StoredEvent }> = [];
    for (const event of events) {
      try {
        rows.push(this.toRow(event));
      } catch (e) {
        if (!(e instanceof UnstorableValueError)) throw e;
        deadLetters.push({ messageId: event.messageId, reason: e.message, event });
      }
    }
    try {
      if (rows.length > 0) await this.insertRows(rows);
      if (deadLetters.length > 0) await this.appendDeadLetters(deadLetters);
    } catch (e) {
      throw this.storeError(e);
    }
    return { inserted: rows.length, deadLetters: deadLetters.map(({ messageId, reason }) => ({ messageId, reason })) };
  }

  /** Resolves when the database answers `SELECT 1`. */
  public async ping(signal?: AbortSignal): Promise<void> {
    await this.read({ sql: 'SELECT 1 AS ok', params: {} }, signal);
  }

  /**
   * Closes every connection and the database; later calls fail with StoreError UNAVAILABLE. Writes queued before
   * the call still complete; reads in flight are interrupted, and they and the reads waiting for a connection fail
   * with UNAVAILABLE.
   */
  public close(): Promise<void> {
    this.closing ??= this.closeWhenIdle();
    return this.closing;
  }

  private async closeWhenIdle(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sortWhenIdle);
    for (const waiter of this.waiting.splice(0)) waiter.reject(closedError());
    // A connection closed under a running query leaves that query's worker blocked for good, and the process can
    // then never exit (not even through process.exit, which joins the worker threads): wait for every query first.
    const readersBack = new Promise<void>((resolve) => (this.allReadersBack = resolve));
    const interruptBusy = () => {
      for (const reader of this.readers) if (!this.idle.includes(reader)) reader.interrupt();
      // A re-sort only speeds reads up: a stop (SIGTERM leaves little time) does not wait for one; it rolls back.
      if (this.sorting) this.connection.interrupt();
    };
    interruptBusy();
    // Repeated for the same reason as a read's own interrupt: one sent just before a query starts is dropped.
    const retrying = setInterval(interruptBusy, INTERRUPT_RETRY_MS);
    this.releaseIfAllBack();
    try {
      await Promise.all([this.writing, readersBack]);
    } finally {
      clearInterval(retrying);
    }
    // Cached statements hold native references that keep the process alive until collected: free them with the connections.
    for (const statements of this.prepared.values()) for (const statement of statements.values()) statement.destroySync();
    this.prepared.clear();
    for (const c of [this.connection, ...this.readers]) c.closeSync();
    this.instance.closeSync();
  }

  private releaseIfAllBack(): void {
    if (this.idle.length === this.readers.length) this.allReadersBack?.();
  }

  private toRow(event: StoredEvent): DuckDBValue[] {
    const values = this.schema.fields.map((f) => toStagedValue(f, event.record[f.name]));
    return [
      ...values,
      'local',
      event.messageId,
      timestampValue(event.publishTimeMicros),
      event.attributes ? JSON.stringify(event.attributes) : null,
    ];
  }

  /** Appender into the staging table, then one set-based INSERT casting nested columns (see duckdb-ddl.ts). */
  private async insertRows(rows: DuckDBValue[][]): Promise<void> {
    const staging = `${this.tableName}_staging`;
    const lastRow = this.schema.keyField ? await this.lastRowid() : undefined;
    const appender = await this.connection.createAppender(staging, 'main', 'temp');
    const columns = this.appenders.length;
    try {
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) {
          const value = row[i];
          if (value === null) appender.appendNull();
          else if (i < columns) this.appenders[i](appender, value);
          else if (typeof value === 'string') appender.appendVarchar(value);
          else appender.appendValue(value);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    try {
      await this.connection.run(insertFromStagingSql(this.schema, this.tableName, staging));
    } finally {
      await this.connection.run(`DELETE FROM ${quoteIdent(staging)}`);
    }
    if (lastRow !== undefined) await this.indexRowsAfter(lastRow, false);
  }

  /**
   * Sorts the write-time index in list order now (after the writes queued before), so that list pages read no more
   * of it than they return (see sortLatestSql). Writes do this on their own; tests and benchmarks call it to start
   * from a known order.
   */
  public sortIndex(): Promise<void> {
    return this.afterWrites(() => this.sortIndexNow());
  }

  private async sortIndexNow(): Promise<void> {
    if (!this.schema.keyField || this.indexStale || this.closed) return;
    // This sort takes in the tail a pause in the writes would have sorted.
    clearTimeout(this.sortWhenIdle);
    this.sortWhenIdle = undefined;
    const statements = sortLatestSql(this.schema, this.tableName);
    const commit = statements.pop()!;
    this.sorting = true;
    try {
      for (const sql of statements) await this.connection.run(sql);
      // From here a read that took the fence may meet the sorted copy, whose rowids the fence does not describe: new
      // reads go without a fence until the new one is read, and those in flight see the count move and read again.
      this.fence = undefined;
      this.sortCommits++;
      await this.connection.run(commit);
    } catch (e) {
      // A failed COMMIT may still have replaced the index (DuckDB can report a failure after the commit took effect):
      // the fence stays unset, reads go without one until the next re-sort reads a new one.
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw this.storeError(e);
    } finally {
      this.sorting = false;
    }
    this.sortedIndexRows = await this.indexRowCount();
    this.fence = await this.readFence();
  }

  /**
   * The fence of the index just sorted, or undefined if its rows are not in list order at rowids 0..n-1 (reads then
   * go without one: slower, never wrong).
   */
  private async readFence(): Promise<IndexFence | undefined> {
    if (this.fenceStride === 0) return undefined;
    const [order] = (await this.connection.runAndReadAll(indexOrderSql(this.schema, this.tableName))).getRowObjects();
    const rows = Number(order.rows as bigint);
    if (rows === 0 || order.disorder !== 0n || Number(order.last as bigint) !== rows - 1) return undefined;
    const stride = this.fenceStride;
    const posts = (await this.connection.runAndReadAll(fencePostsSql(this.schema, this.tableName), { stride: BigInt(stride) })).getRows();
    const times = new BigInt64Array(posts.length);
    for (let i = 0; i < posts.length; i++) {
      if (posts[i]![0] !== BigInt(i * stride)) return undefined;
      times[i] = posts[i]![1] as bigint;
    }
    return { stride, sortedRows: rows, times };
  }

  private async indexRowCount(): Promise<number> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${quoteIdent(latestTableName(this.tableName))}`);
    return reader.getRows()[0][0] as number;
  }

  /**
   * After new events entered the index: queues a re-sort once its unsorted tail is past the limit, else (unless the
   * tail is small) re-sorts it when writes pause. Both run behind the writes: no write overlaps a re-sort, so none is
   * lost or copied twice.
   */
  private sortLater(indexRows: number): void {
    const unsorted = indexRows - this.sortedIndexRows;
    if (unsorted <= 0 || this.closed) return;
    clearTimeout(this.sortWhenIdle);
    this.sortWhenIdle = undefined;
    if (unsorted < Math.max(this.unsortedIndexLimit, indexRows * UNSORTED_SHARE)) {
      if (unsorted < Math.min(this.unsortedIndexLimit, SORT_WHEN_IDLE_MIN_ROWS)) return;
      this.sortWhenIdle = setTimeout(() => this.queueSort(), SORT_WHEN_IDLE_MS);
      // A pending re-sort is no reason to keep the process alive.
      this.sortWhenIdle.unref();
      return;
    }
    this.queueSort();
  }

  private queueSort(): void {
    // A failed re-sort rolls back and leaves the index as it was, unsorted but exact: the next write tries again.
    this.sortQueued ??= this.afterWrites(() => this.sortIndexNow())
      .catch(() => undefined)
      .finally(() => (this.sortQueued = undefined));
  }

  /** The highest rowid of the records table (rows are appended, never deleted: new rows get higher rowids). */
  private async lastRowid(): Promise<bigint> {
    const reader = await this.connection.runAndReadAll(`SELECT coalesce(max(rowid), -1) FROM ${quoteIdent(this.tableName)}`);
    return BigInt(reader.getRows()[0][0] as bigint);
  }

  /**
   * Puts the records after `rowid` into the write-time index, in wire form, each event's latest copy winning. With
   * `onlyIfEmpty`, only when the index is empty (a database file from before the index); else schedules its re-sort.
   */
  private async indexRowsAfter(rowid: bigint, onlyIfEmpty: boolean): Promise<void> {
    if (onlyIfEmpty) {
      const indexRows = await this.indexRowCount();
      if (indexRows > 0) return this.sortLater(indexRows);
    }
    const table = quoteIdent(this.tableName);
    const reader = await this.connection.runAndReadAll(`SELECT rowid AS "__row", * FROM ${table} WHERE rowid > $after`, { after: rowid });
    const rows = reader.getRowObjects();
    if (rows.length === 0) return;
    const staging = `${latestTableName(this.tableName)}_staging`;
    const appender = await this.connection.createAppender(staging, 'main', 'temp');
    try {
      for (const row of rows) {
        appender.appendBigInt(row.__row as bigint);
        appender.appendVarchar(JSON.stringify(this.toRecord(row, this.servedFields)));
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    try {
      await this.connection.run(upsertLatestSql(this.schema, this.tableName));
    } finally {
      await this.connection.run(`DELETE FROM ${quoteIdent(staging)}`);
    }
    this.sortLater(await this.indexRowCount());
  }

  private async appendDeadLetters(deadLetters: Array<DeadLetter & { event: StoredEvent }>): Promise<void> {
    const sql = `INSERT INTO ${quoteIdent(this.deadLetterTableName)} VALUES ($data, 'local-dead-letter', $message_id, $publish_time, $attributes, $reason)`;
    for (const { event, messageId, reason } of deadLetters) {
      // The message as the producer published it, as a BigQuery dead-letter table keeps it; else the record as JSON.
      const payload = event.data ?? Buffer.from(JSON.stringify(event.record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), 'utf8');
      await this.connection.run(sql, {
        data: blobValue(payload),
        message_id: messageId,
        publish_time: timestampValue(event.publishTimeMicros),
        attributes: event.attributes ? JSON.stringify(event.attributes) : null,
        reason,
      });
    }
  }

  private toRecord(row: Record<string, DuckDBValue>, fields: readonly string[]): WireRecord {
    const record: WireRecord = {};
    for (const name of fields) {
      const field = this.schema.field(name);
      if (field) record[name] = toWire(field, row[name]);
    }
    return record;
  }

  private read(query: BoundQuery, signal?: AbortSignal): Promise<Array<Record<string, DuckDBValue>>> {
    return this.readResult(query, signal);
  }

  /**
   * Runs a read on an idle read connection, under the deadline and the caller's abort signal. `collect` takes what
   * the caller needs from the materialized result (its chunks are read synchronously, without a round trip to the
   * database per chunk); by default every row as an object. A query of the index is built from the fence (if any)
   * once the read has its connection; if a re-sort began to commit meanwhile, the index may have been replaced under
   * the fence's rowids before the query started: it runs again without one, within the same deadline (rare: re-sorts
   * follow bulk writes). A re-sort never waits for reads, so neither do the writes queued behind it.
   */
  private async readResult<T = Array<Record<string, DuckDBValue>>>(
    query: BoundQuery | ((fence?: IndexFence) => BoundQuery),
    signal?: AbortSignal,
    collect?: (result: DuckDBMaterializedResult) => T,
  ): Promise<T> {
    this.assertOpen();
    const connection = await this.acquire();
    let timedOut = false;
    let retrying: ReturnType<typeof setInterval> | undefined;
    const interrupt = () => {
      connection.interrupt();
      // DuckDB drops an interrupt that arrives after the query is submitted but before it starts executing: repeat it
      // until this read settles, so no query runs on for a deadline, a client or a close that has already passed.
      retrying ??= setInterval(() => connection.interrupt(), INTERRUPT_RETRY_MS);
    };
    const cancelDeadline = this.startDeadline(() => {
      timedOut = true;
      interrupt();
    }, this.queryTimeoutMs);
    signal?.addEventListener('abort', interrupt, { once: true });
    /** Runs one statement on this read's connection, unless the deadline, the caller or close() came first. */
    const run = async (bound: BoundQuery): Promise<T> => {
      const statement = await this.prepare(connection, bound.sql);
      // close() began while the statement was being prepared: its interrupt came before this query, so refuse it here.
      this.assertOpen();
      // The deadline or the caller's abort passed while preparing: that interrupt reached no query, so stop here.
      if (timedOut) throw new StoreError(StoreErrorKind.TIMEOUT, `the query did not start within ${this.queryTimeoutMs} ms`);
      if (signal?.aborted) throw new StoreError(StoreErrorKind.TIMEOUT, 'the request was cancelled before the query ran');
      statement.bind(bound.params);
      if (collect) return collect(await statement.run());
      return (await statement.runAndReadAll()).getRowObjects() as T;
    };
    try {
      if (signal?.aborted) throw new StoreError(StoreErrorKind.TIMEOUT, 'the request was cancelled before the query ran');
      if (typeof query !== 'function') return await run(query);
      const [fence, commits] = [this.fence, this.sortCommits];
      const result = await run(query(fence));
      if (!fence || commits === this.sortCommits) return result;
      // A re-sort began to commit while this read ran: the index may have been replaced under the fence's rowids
      // before the query started. Read again without the fence, on the same connection and under the same deadline.
      return await run(query(undefined));
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (this.closed) throw new StoreError(StoreErrorKind.UNAVAILABLE, 'the local database closed while the query ran', 5, { cause: e });
      if (timedOut || signal?.aborted || INTERRUPTED.test((e as Error).message)) {
        throw new StoreError(StoreErrorKind.TIMEOUT, `the query did not finish within ${this.queryTimeoutMs} ms`, undefined, { cause: e });
      }
      throw this.storeError(e);
    } finally {
      clearInterval(retrying);
      cancelDeadline();
      signal?.removeEventListener('abort', interrupt);
      this.release(connection);
    }
  }

  private async prepare(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let statements = this.prepared.get(connection);
    if (!statements) this.prepared.set(connection, (statements = new Map()));
    const cached = statements.get(sql);
    if (cached) return cached;
    const statement = await connection.prepare(sql);
    if (statements.size >= PREPARED_PER_CONNECTION) {
      const [oldest, evicted] = statements.entries().next().value!;
      statements.delete(oldest);
      evicted.destroySync();
    }
    statements.set(sql, statement);
    return statement;
  }

  private storeError(e: unknown): unknown {
    if (e instanceof StoreError) return e;
    if (this.closed || UNAVAILABLE.test((e as Error)?.message ?? '')) {
      return new StoreError(StoreErrorKind.UNAVAILABLE, 'the local database is not available', 5, { cause: e });
    }
    return e;
  }

  private assertOpen(): void {
    if (this.closed) throw closedError();
  }

  private acquire(): Promise<DuckDBConnection> {
    const connection = this.idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) {
      next.resolve(connection);
      return;
    }
    this.idle.push(connection);
    if (this.closed) this.releaseIfAllBack();
  }
}

function closedError(): StoreError {
  return new StoreError(StoreErrorKind.UNAVAILABLE, 'the local database is closed', 5);
}

/** Whether the requested fields are exactly these, in this order. */
function sameFields(requested: readonly string[], fields: readonly string[]): boolean {
  return requested.length === fields.length && requested.every((name, i) => name === fields[i]);
}

/** Version of the index's wire texts: raise it when what toRecord writes for a value changes. */
const INDEX_TEXT_VERSION = 1;

/**
 * Creates the write-time index, or keeps the one a database file holds if it was written for this schema and these
 * served fields (in this order) by this version; otherwise replaces it with an empty one, which the store then builds
 * from the records. A file kept across restarts may hold an index of another projection, of a schema before new
 * columns or other clustering columns. The fingerprint lives in a table of its own, which the index's re-sorts (a
 * sorted copy replacing the table) leave alone.
 */
async function openIndexFor(connection: DuckDBConnection, schema: RecordSchema, tableName: string, servedFields: readonly string[]): Promise<void> {
  const fingerprint = createHash('sha256').update(JSON.stringify({ version: INDEX_TEXT_VERSION, schema: schema.toJson(), servedFields })).digest('hex');
  const index = quoteIdent(latestTableName(tableName));
  const meta = quoteIdent(`${latestTableName(tableName)}_fingerprint`);
  await connection.run(`CREATE TABLE IF NOT EXISTS ${meta} (fingerprint VARCHAR NOT NULL)`);
  const rows = (await connection.runAndReadAll(`SELECT fingerprint FROM ${meta}`)).getRows();
  if (rows.length === 1 && rows[0]![0] === fingerprint) {
    await connection.run(createLatestTableSql(schema, tableName));
    return;
  }
  await connection.run(`DROP TABLE IF EXISTS ${index}`);
  await connection.run(createLatestTableSql(schema, tableName));
  await connection.run(`DELETE FROM ${meta}`);
  await connection.run(`INSERT INTO ${meta} VALUES ($fingerprint)`, { fingerprint });
}

/** The requested fields of a wire record, in the requested order. */
function pick(record: WireRecord, fields: readonly string[]): WireRecord {
  const out: WireRecord = {};
  for (const name of fields) out[name] = record[name] ?? null;
  return out;
}

/**
 * The wire texts of an index list query's rows (wire, event time, key; up to `limit + 1`), and the cursor at the
 * `limit`th row when there is one more: other values are not converted, a page needs none of them.
 */
function indexRows(result: DuckDBMaterializedResult, limit: number): { wires: string[]; nextCursor?: PageCursor } {
  const wires: string[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const column = chunk.getColumnVector(0);
    for (let row = 0; row < chunk.rowCount; row++) {
      if (wires.length < limit) {
        wires.push(column.getItem(row) as string);
        continue;
      }
      // One row more than the page: the cursor is at the page's last row, the previous one.
      const [lastChunk, lastRow] = row > 0 ? [chunk, row - 1] : [result.getChunk(c - 1), result.getChunk(c - 1).rowCount - 1];
      const tieBreaker = lastChunk.getColumnVector(2).getItem(lastRow);
      return {
        wires,
        nextCursor: {
          eventTimeMicros: (lastChunk.getColumnVector(1).getItem(lastRow) as DuckDBTimestampValue).micros.toString(),
          tieBreaker: typeof tieBreaker === 'bigint' ? int64ToWire(tieBreaker) : String(tieBreaker),
        },
      };
    }
  }
  return { wires };
}

/** A page from up to `limit + 1` rows: the first `limit` as records, and a cursor at the last of them when more remain. */
function pageOf(rows: Array<Record<string, DuckDBValue>>, limit: number, toRecord: (row: Record<string, DuckDBValue>) => WireRecord): Page {
  const records = rows.slice(0, limit).map(toRecord);
  if (rows.length <= limit) return { records };
  const last = rows[limit - 1];
  const tieBreaker = last[TIE_BREAKER_COLUMN];
  return {
    records,
    nextCursor: {
      eventTimeMicros: (last[EVENT_TIME_COLUMN] as { micros: bigint }).micros.toString(),
      tieBreaker: typeof tieBreaker === 'bigint' ? int64ToWire(tieBreaker) : String(tieBreaker),
    },
  };
}
