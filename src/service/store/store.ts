/**
 * The one interface every store implements (BigQuery in the cloud, DuckDB locally and in tests). The API layer
 * validates and decodes the request; a store only runs the bounded, parameterized query and returns rows that
 * are already in wire form (see ../wire.ts).
 */

/** A value on the wire: what JSON.stringify writes for one column. */
export type WireValue = string | number | boolean | null | WireValue[] | { [key: string]: WireValue };

/** One record as the API returns it: exposed columns only, already in wire form. */
export type WireRecord = Record<string, WireValue>;

/**
 * Where the previous page stopped: the last row's event time and tie-breaker (key, else message_id), which any store
 * can continue from exactly, and optionally where the next row sits in a finished query's result (BigQuery store).
 */
export interface PageCursor {
  /** Event time of the last row returned, in microseconds since the epoch, as a decimal string. */
  readonly eventTimeMicros: string;
  /** Key (or message_id when the schema has no key) of the last row returned. */
  readonly tieBreaker: string | number;
  /**
   * The row after the last one returned, inside the result of the query that read it: reading on from there bills
   * nothing. Only a hint: a store falls back to the keyset position when the result is gone.
   *
   * @default - none: the next page queries from the keyset position
   */
  readonly resume?: ResumePoint;
}

/** A row inside the result of a BigQuery query job, and the slice of the window that query covered. */
export interface ResumePoint {
  /** The job's id (in the store's own project). */
  readonly jobId: string;
  /**
   * The job's location, e.g. `EU`.
   *
   * @default - the store's location
   */
  readonly location?: string;
  /** Zero-based index of the row in the job's result. */
  readonly rowOffset: number;
  /** The slice `[from, to)` of the window the job read, in microseconds since the epoch, as decimal strings. */
  readonly sliceFromMicros: string;
  readonly sliceToMicros: string;
  /** The job stopped at the store's row cap: rows of the slice may follow its last row. */
  readonly capped: boolean;
}

/** A time-bounded, paginated read. `from` is inclusive, `to` exclusive; the API has checked the window. */
export interface ListQuery {
  readonly fromMicros: bigint;
  readonly toMicros: bigint;
  /** 1..1000 */
  readonly limit: number;
  readonly cursor?: PageCursor;
  /** Exposed columns to return (already validated); the event time field is always among them. */
  readonly fields: readonly string[];
  /** Equality filters on clustering fields, values already typed for their column. */
  readonly filters: Readonly<Record<string, string | number | boolean>>;
}

/** One page of records, newest first; `nextCursor` is absent on the last page. */
export interface Page {
  readonly records: WireRecord[];
  /**
   * `JSON.stringify(records)`, when the store holds the records already encoded: the API sends this text as is
   * instead of encoding `records` again.
   */
  readonly encodedRecords?: string;
  readonly nextCursor?: PageCursor;
}

/** One record lookup by key within a time window. */
export interface GetQuery {
  readonly key: string | number;
  readonly fromMicros: bigint;
  readonly toMicros: bigint;
  readonly fields: readonly string[];
}

/** A validated event plus the metadata Pub/Sub would attach on publish. */
export interface StoredEvent {
  readonly record: Record<string, unknown>;
  readonly messageId: string;
  readonly publishTimeMicros: bigint;
  readonly attributes?: Record<string, string>;
  /** The message exactly as published, kept by the dead-letter table if the record cannot be stored. */
  readonly data?: Buffer;
}

/** What every store does. Errors are StoreError (./errors.ts) so the API maps them to 503/504/400. */
export interface Store {
  list(query: ListQuery, signal?: AbortSignal): Promise<Page>;
  get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined>;
  /** Writes published events (local store; the cloud store writes through Pub/Sub instead). */
  insert?(events: readonly StoredEvent[]): Promise<void>;
  /** Resolves when the store answers a trivial query: backs `/readyz`. */
  ping(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
