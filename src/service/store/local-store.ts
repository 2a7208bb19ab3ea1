import { DuckDbStore, DuckDbStoreOptions } from './duckdb-store';
import { QueryCache, QueryCacheOptions, cachedStore } from './query-cache';
import type { Store } from './store';

/** The local store as the service runs it: what the API reads through, and the database the local publisher writes to. */
export interface LocalStore {
  /** The database behind a cache whose answers live until the next write (see openLocalStore). */
  readonly store: Store & { readonly cache: QueryCache };
  /** The database itself: writes go here, and each one ends the reuse of every answer read before it. */
  readonly database: DuckDbStore;
}

/**
 * Opens the embedded DuckDB store behind the query cache the BigQuery store has too, versioned by the store's writes:
 * identical requests between two writes (a dashboard's refresh, many clients on one page) cost one query, and no
 * answer is served after a write it predates, so a client always reads what it has just published.
 *
 * @param cache `ttlMs` bounds reuse further (`CACHE_TTL_SECONDS`; 0 only shares queries in flight), `maxBytes` the memory
 */
export async function openLocalStore(options: DuckDbStoreOptions, cache: Pick<QueryCacheOptions, 'ttlMs' | 'maxBytes'> = {}): Promise<LocalStore> {
  const database = await DuckDbStore.create(options);
  const store = cachedStore(database, { ttlMs: Infinity, ...cache, version: () => database.dataVersion });
  return { store, database };
}
