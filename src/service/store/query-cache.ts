import type { GetQuery, ListQuery, Page, Store, WireRecord } from './store';

/** How long answers are kept and how many. */
export interface QueryCacheOptions {
  /**
   * How long an answer is served from memory, in milliseconds; 0 keeps only the coalescing of concurrent queries.
   * The service sets it from `CACHE_TTL_SECONDS`.
   *
   * @default 30000
   */
  readonly ttlMs?: number;
  /**
   * How long an answer is kept when its window ended before `settledAfterMs` ago: such data only changes by late
   * arrivals, so it can live longer.
   *
   * @default - same as ttlMs
   */
  readonly pastWindowTtlMs?: number;
  /**
   * How far in the past a window must end to count as settled (late Pub/Sub deliveries land within it).
   *
   * @default 3600000 (one hour)
   */
  readonly settledAfterMs?: number;
  /**
   * Most answers kept; the least recently used goes first.
   *
   * @default 10000
   */
  readonly maxEntries?: number;
  /**
   * Most bytes of answers kept, measured as their JSON encoding (what the API sends); the least recently used go
   * first, and an answer larger than a tenth of it is shared with concurrent callers but not kept. A kept page costs
   * about 2.5x its JSON size in heap, so the default (32 MiB, ~80 MiB of heap) fits a 512 MiB instance next to 80
   * concurrent requests of the largest page (1,000 rows of ~1 KB: ~80 MiB encoded, ~200 MiB in flight).
   *
   * @default 33554432
   */
  readonly maxBytes?: number;
  /**
   * The clock, in milliseconds since the epoch; tests pass a fake one.
   *
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * The version of the data answers come from, for a store that knows when its data changes (the local store counts
   * its writes): an answer is shared and kept only while the version stays the one its query started at, so none
   * outlives a write and a call after a write never joins a query started before it. With it, `ttlMs` may be
   * `Infinity`.
   *
   * @default - answers live for their TTL (BigQuery's data changes without the service knowing)
   */
  readonly version?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
  readonly bytes: number;
}

/** Counters of a cache since it was made: what `stats()` returns. */
export interface QueryCacheStats {
  /** Answers served from memory. */
  readonly hits: number;
  /** Answers shared with an identical call in flight. */
  readonly coalesced: number;
  /** Calls that ran the query. */
  readonly misses: number;
  /** Answers kept now, and their bytes (JSON encoding). */
  readonly entries: number;
  readonly bytes: number;
}

/** Default of `QueryCacheOptions.maxBytes`: 32 MiB of encoded answers. */
const DEFAULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Identical concurrent calls share one in-flight promise; settled answers are kept in a bounded LRU map until
 * they expire. Failures are never kept: the next identical call runs again.
 */
export class QueryCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private bytes = 0;
  /** Raised by clear(): answers of calls that started before it are shared but not kept. */
  private epoch = 0;
  private counts = { hits: 0, coalesced: 0, misses: 0 };

  public constructor(options: Pick<QueryCacheOptions, 'maxEntries' | 'maxBytes' | 'now'> = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Hits, coalesced calls and misses so far, and what is kept now. */
  public stats(): QueryCacheStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.bytes };
  }

  /** Number of answers currently kept (expired ones included until touched). */
  public get size(): number {
    return this.entries.size;
  }

  /**
   * The answer for `key`: from the cache, from an identical call in flight, or by running `load` once.
   *
   * @param ttlMs how long the answer may be served once `load` resolves; 0 or less shares it only while in flight
   */
  public async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) {
      this.forget(key, cached);
      if (cached.expiresAt > this.now()) {
        // Re-inserting moves the entry to the back of the Map's order: that order is the LRU list.
        this.remember(key, cached);
        this.counts.hits++;
        return cached.value as T;
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.counts.coalesced++;
      return pending as Promise<T>;
    }

    this.counts.misses++;
    const epoch = this.epoch;
    const promise = load().then(
      (value) => {
        this.inFlight.delete(key);
        if (ttlMs > 0 && epoch === this.epoch) {
          const bytes = encodedBytes(value);
          if (bytes <= this.maxBytes / 10) this.remember(key, { value, expiresAt: this.now() + ttlMs, bytes });
        }
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Drops every kept answer; calls in flight still complete and are shared, but their answers are not kept. */
  public clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.epoch++;
  }

  private remember(key: string, entry: Entry<unknown>): void {
    const previous = this.entries.get(key);
    if (previous) this.forget(key, previous);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, Entry<unknown>];
      this.forget(oldest, evicted);
    }
  }

  private forget(key: string, entry: Entry<unknown>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/**
 * Bytes of an answer as the API sends it (UTF-8 JSON); an absent answer (a lookup's 404) counts as a few bytes. A
 * page that carries its records' JSON (Page.encodedRecords) is measured by it, its records never decoded for this.
 */
function encodedBytes(value: unknown): number {
  if (value === undefined) return 16;
  const encoded = (value as Partial<Page>).encodedRecords;
  if (typeof encoded === 'string') return Buffer.byteLength(encoded) + Buffer.byteLength(JSON.stringify((value as Page).nextCursor ?? null));
  return Buffer.byteLength(JSON.stringify(value));
}

/**
 * The cache key of a list query: every input that changes the answer, with filters in a fixed order. A cursor counts
 * whole, resume point included: the store checks a resume point's rows against the keyset position, but a forged one
 * could still point into another query's result, and its page must never be served to anyone else.
 */
export function listQueryKey(query: ListQuery): string {
  const filters = Object.keys(query.filters)
    .sort()
    .map((name) => [name, query.filters[name]]);
  const cursor = query.cursor ? [query.cursor.eventTimeMicros, query.cursor.tieBreaker, query.cursor.resume ?? null] : null;
  return JSON.stringify(['list', String(query.fromMicros), String(query.toMicros), query.limit, cursor, query.fields, filters]);
}

/** The cache key of a lookup. */
export function getQueryKey(query: GetQuery): string {
  return JSON.stringify(['get', typeof query.key, query.key, String(query.fromMicros), String(query.toMicros), query.fields]);
}

/**
 * Wraps a store so identical concurrent `list`/`get` calls cause one query and repeats within the TTL cause none.
 * `ping` and `close` pass through (close drops every kept answer first): readiness must reflect the store now. A
 * caller's abort signal only stops that caller's wait; the shared query keeps running for the others, bounded by the
 * store's own timeout.
 */
export function cachedStore(store: Store, options: QueryCacheOptions = {}): Store & { readonly cache: QueryCache } {
  const cache = new QueryCache(options);
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  const pastWindowTtlMs = options.pastWindowTtlMs ?? ttlMs;
  const settledAfterMs = options.settledAfterMs ?? 3_600_000;
  const ttlFor = (toMicros: bigint) => (toMicros <= BigInt(Math.floor(now() - settledAfterMs)) * 1000n ? pastWindowTtlMs : ttlMs);
  let seenVersion = options.version?.();
  /** The key of a query at the data's current version; a new version first drops what the old one kept. */
  const versioned = (key: string) => {
    if (!options.version) return key;
    const version = options.version();
    if (version !== seenVersion) {
      cache.clear();
      seenVersion = version;
    }
    return `${version}:${key}`;
  };

  const wrapped: Store & { cache: QueryCache } = {
    cache,
    list: (query: ListQuery, signal?: AbortSignal): Promise<Page> =>
      untilAborted(cache.get(versioned(listQueryKey(query)), ttlFor(query.toMicros), () => store.list(query)), signal),
    get: (query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> =>
      untilAborted(cache.get(versioned(getQueryKey(query)), ttlFor(query.toMicros), () => store.get(query)), signal),
    ping: (signal?: AbortSignal) => store.ping(signal),
    // A closed store answers nothing, from memory neither.
    close: () => {
      cache.clear();
      return store.close();
    },
  };
  if (store.insert) wrapped.insert = store.insert.bind(store);
  return wrapped;
}

/** The shared promise, or the caller's abort reason as soon as the caller goes away. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
