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
   * @default 1000
   */
  readonly maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch; tests pass a fake one.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * Identical concurrent calls share one in-flight promise; settled answers are kept in a bounded LRU map until
 * they expire. Failures are never kept: the next identical call runs again.
 */
export class QueryCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly entries = new Map<string, Entry<unknown>>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  public constructor(options: Pick<QueryCacheOptions, 'maxEntries' | 'now'> = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
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
      this.entries.delete(key);
      if (cached.expiresAt > this.now()) {
        // Re-inserting moves the entry to the back of the Map's order: that order is the LRU list.
        this.entries.set(key, cached);
        return cached.value as T;
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;

    const promise = load().then(
      (value) => {
        this.inFlight.delete(key);
        if (ttlMs > 0) this.remember(key, { value, expiresAt: this.now() + ttlMs });
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

  /** Drops every kept answer (in-flight calls still complete and are shared). */
  public clear(): void {
    this.entries.clear();
  }

  private remember(key: string, entry: Entry<unknown>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** The cache key of a list query: every input that changes the answer, with filters in a fixed order. */
export function listQueryKey(query: ListQuery): string {
  const filters = Object.keys(query.filters)
    .sort()
    .map((name) => [name, query.filters[name]]);
  const cursor = query.cursor ? [query.cursor.eventTimeMicros, query.cursor.tieBreaker] : null;
  return JSON.stringify(['list', String(query.fromMicros), String(query.toMicros), query.limit, cursor, query.fields, filters]);
}

/** The cache key of a lookup. */
export function getQueryKey(query: GetQuery): string {
  return JSON.stringify(['get', typeof query.key, query.key, String(query.fromMicros), String(query.toMicros), query.fields]);
}

/**
 * Wraps a store so identical concurrent `list`/`get` calls cause one query and repeats within the TTL cause none.
 * `ping` and `close` pass through: readiness must reflect the store now. A caller's abort signal only stops that
 * caller's wait; the shared query keeps running for the others, bounded by the store's own timeout.
 */
export function cachedStore(store: Store, options: QueryCacheOptions = {}): Store {
  const cache = new QueryCache(options);
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  const pastWindowTtlMs = options.pastWindowTtlMs ?? ttlMs;
  const settledAfterMs = options.settledAfterMs ?? 3_600_000;
  const ttlFor = (toMicros: bigint) => (toMicros <= BigInt(Math.floor(now() - settledAfterMs)) * 1000n ? pastWindowTtlMs : ttlMs);

  const wrapped: Store = {
    list: (query: ListQuery, signal?: AbortSignal): Promise<Page> =>
      untilAborted(cache.get(listQueryKey(query), ttlFor(query.toMicros), () => store.list(query)), signal),
    get: (query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> =>
      untilAborted(cache.get(getQueryKey(query), ttlFor(query.toMicros), () => store.get(query)), signal),
    ping: (signal?: AbortSignal) => store.ping(signal),
    close: () => store.close(),
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
