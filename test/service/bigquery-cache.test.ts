import * as fc from 'fast-check';
import { createBigQueryStore } from '../../src/service/store/bigquery-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import { QueryCache, QueryCacheOptions, cachedStore, listQueryKey } from '../../src/service/store/query-cache';
import type { ListQuery, Page, Store } from '../../src/service/store/store';
import { flightsStoreOptions } from './fake-bigquery/flights-store-options';
import { FakeBigQuery, startFakeBigQuery } from './fake-bigquery/server';
import { row, staticEngine } from './fake-bigquery/static-engine';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
// No credentials in tests: do not probe for a GCE metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

const NOW = Date.parse('2024-05-10T12:00:00Z');
const HOUR = 3_600_000_000n;
const RECENT_TO = BigInt(NOW) * 1000n;
const FIELDS = [
  { name: 'event_id', type: 'STRING', mode: 'NULLABLE' },
  { name: 'event_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
];

let fake: FakeBigQuery;
beforeAll(async () => {
  fake = await startFakeBigQuery({ engine: staticEngine(FIELDS, [row('evt-1', RECENT_TO - 1n)]) });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** A cached BigQuery store on the fake with a hand-moved clock. */
function storeWithClock(cache: Omit<QueryCacheOptions, 'now'> = {}) {
  const clock = { now: NOW };
  const store = createBigQueryStore({ ...flightsStoreOptions(fake.url), cache: { ttlMs: 30_000, ...cache, now: () => clock.now } });
  return { store, clock };
}

/** The last 12 h: one DAY partition, so each list is one BigQuery query. */
function recent(overrides: Partial<ListQuery> = {}): ListQuery {
  return { fromMicros: RECENT_TO - 12n * HOUR, toMicros: RECENT_TO, limit: 10, fields: ['event_id', 'event_time'], filters: {}, ...overrides };
}

describe('coalescing and caching in front of BigQuery', () => {
  test('N identical concurrent requests cause exactly one BigQuery query', async () => {
    const { store } = storeWithClock();
    // The delay keeps the first query in flight while the others arrive.
    fake.enqueue({ kind: 'delay', ms: 100 });
    const pages = await Promise.all(Array.from({ length: 25 }, () => store.list(recent({ filters: { airline: 'AF', status: 'DELAYED' } }))));
    expect(fake.queries).toHaveLength(1);
    expect(new Set(pages.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(pages[0].records).toEqual([{ event_id: 'evt-1', event_time: '2024-05-10T11:59:59.999999Z' }]);
  });

  test('filter order does not split identical queries', async () => {
    const { store } = storeWithClock();
    fake.enqueue({ kind: 'delay', ms: 50 });
    await Promise.all([store.list(recent({ filters: { airline: 'AF', status: 'DELAYED' } })), store.list(recent({ filters: { status: 'DELAYED', airline: 'AF' } }))]);
    expect(fake.queries).toHaveLength(1);
  });

  test('repeats within the TTL are served from memory; after it a new query runs', async () => {
    const { store, clock } = storeWithClock({ ttlMs: 30_000 });
    await store.list(recent());
    clock.now += 29_999;
    await store.list(recent());
    expect(fake.queries).toHaveLength(1);
    clock.now += 2;
    await store.list(recent());
    expect(fake.queries).toHaveLength(2);
  });

  test('different queries are never merged', async () => {
    const { store } = storeWithClock();
    fake.enqueue({ kind: 'delay', ms: 50 }, { kind: 'delay', ms: 50 });
    await Promise.all([
      store.list(recent({ filters: { airline: 'AF' } })),
      store.list(recent({ filters: { airline: 'KL' } })),
      store.list(recent({ limit: 11 })),
      store.list(recent({ fields: ['event_time'] })),
      store.list(recent({ cursor: { eventTimeMicros: String(RECENT_TO - 5n), tieBreaker: 'x' } })),
      store.get({ key: 'evt-1', fromMicros: RECENT_TO - HOUR, toMicros: RECENT_TO, fields: ['event_id'] }),
      store.get({ key: 'evt-2', fromMicros: RECENT_TO - HOUR, toMicros: RECENT_TO, fields: ['event_id'] }),
    ]);
    expect(fake.queries).toHaveLength(7);
  });

  test('identical concurrent lookups cause one query too', async () => {
    const { store } = storeWithClock();
    fake.enqueue({ kind: 'delay', ms: 50 });
    const q = { key: 'evt-1', fromMicros: RECENT_TO - HOUR, toMicros: RECENT_TO, fields: ['event_id'] };
    const results = await Promise.all([store.get(q), store.get(q), store.get(q)]);
    expect(fake.queries).toHaveLength(1);
    expect(results).toEqual([{ event_id: 'evt-1' }, { event_id: 'evt-1' }, { event_id: 'evt-1' }]);
  });

  test('failures are shared by the callers in flight but never cached', async () => {
    const { store } = storeWithClock();
    fake.enqueue({ kind: 'error', status: 503, reason: 'backendError' });
    const results = await Promise.allSettled([store.list(recent()), store.list(recent())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
    expect(fake.queries).toHaveLength(1);
    await expect(store.list(recent())).resolves.toMatchObject({ records: [{ event_id: 'evt-1' }] });
    expect(fake.queries).toHaveLength(2);
  });

  test('windows that ended long ago live for pastWindowTtlMs', async () => {
    const { store, clock } = storeWithClock({ ttlMs: 1000, pastWindowTtlMs: 600_000, settledAfterMs: 3_600_000 });
    const old = recent({ fromMicros: RECENT_TO - 36n * HOUR, toMicros: RECENT_TO - 24n * HOUR });
    await store.list(old);
    await store.list(recent());
    clock.now += 5000;
    await store.list(old);
    await store.list(recent());
    expect(fake.queries).toHaveLength(3);
    clock.now += 600_000;
    await store.list(old);
    expect(fake.queries).toHaveLength(4);
  });

  test("one caller's abort does not cancel the shared query for the others", async () => {
    const { store } = storeWithClock();
    fake.enqueue({ kind: 'delay', ms: 100 });
    const controller = new AbortController();
    const aborted = store.list(recent(), controller.signal);
    const kept = store.list(recent());
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    await expect(kept).resolves.toMatchObject({ records: [{ event_id: 'evt-1' }] });
    expect(fake.queries).toHaveLength(1);
  });

  test('ping is never cached', async () => {
    const { store } = storeWithClock();
    await store.ping();
    await store.ping();
    expect(fake.queries).toHaveLength(2);
  });
});

describe('QueryCache', () => {
  test('keeps at most maxEntries answers, evicting the least recently used', async () => {
    const cache = new QueryCache({ maxEntries: 2, now: () => 0 });
    const loads: string[] = [];
    const load = (key: string) => cache.get(key, 1000, async () => (loads.push(key), key));
    await load('a');
    await load('b');
    await load('a'); // a is now the most recently used
    await load('c'); // evicts b
    expect(cache.size).toBe(2);
    await load('a');
    await load('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  test('keeps at most maxBytes of JSON-encoded answers, least recently used out first; a huge answer is not kept', async () => {
    const cache = new QueryCache({ maxBytes: 1000, now: () => 0 });
    const loads: string[] = [];
    // Each answer encodes to exactly 40 bytes of JSON ("x" plus 38 characters between the quotes).
    const answer = (key: string) => key.padEnd(38, '.');
    const load = (key: string) => cache.get(key, 1000, async () => (loads.push(key), answer(key)));
    for (const key of 'abcdefghijklmnopqrstuvwxy') await load(key); // 25 x 40 = 1000 bytes: all kept
    expect(cache.stats()).toMatchObject({ entries: 25, bytes: 1000 });
    await load('a'); // a becomes the most recently used
    await load('z'); // 1040 bytes: b goes
    expect(cache.stats()).toMatchObject({ entries: 25, bytes: 1000 });
    await load('b');
    expect(loads.filter((k) => k === 'b')).toHaveLength(2);
    expect(loads.filter((k) => k === 'a')).toHaveLength(1);
    // 101 bytes is over a tenth of the budget: served, never kept.
    expect(await cache.get('big', 1000, async () => 'x'.repeat(99))).toHaveLength(99);
    expect(cache.stats()).toMatchObject({ entries: 25, bytes: 1000 });
  });

  test('counts hits, coalesced calls and misses', async () => {
    const cache = new QueryCache({ now: () => 0 });
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('v'), 10));
    await Promise.all([cache.get('k', 1000, slow), cache.get('k', 1000, slow), cache.get('k', 1000, slow)]);
    await cache.get('k', 1000, slow);
    expect(cache.stats()).toEqual({ hits: 1, coalesced: 2, misses: 1, entries: 1, bytes: 3 });
  });

  test('concurrent calls run each distinct key exactly once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 40 }), async (keys) => {
        const cache = new QueryCache({ now: () => 0 });
        const loads = new Map<string, number>();
        const results = await Promise.all(
          keys.map((key) =>
            cache.get(key, 0, async () => {
              loads.set(key, (loads.get(key) ?? 0) + 1);
              await new Promise((resolve) => setImmediate(resolve));
              return key.toUpperCase();
            }),
          ),
        );
        expect(results).toEqual(keys.map((k) => k.toUpperCase()));
        expect([...loads.values()].every((n) => n === 1)).toBe(true);
        expect(loads.size).toBe(new Set(keys).size);
      }),
      { numRuns: 100 },
    );
  });

  test('a TTL of 0 only coalesces', async () => {
    const inner: Store = {
      list: jest.fn(async (): Promise<Page> => ({ records: [] })),
      get: jest.fn(async () => undefined),
      ping: async () => undefined,
      close: async () => undefined,
    };
    const store = cachedStore(inner, { ttlMs: 0 });
    await Promise.all([store.list(recent()), store.list(recent())]);
    await store.list(recent());
    expect(inner.list).toHaveBeenCalledTimes(2);
  });

  test('an answer of a call in flight when clear() ran is shared with its callers but not kept', async () => {
    const cache = new QueryCache();
    let finish: (value: string) => void = () => undefined;
    const first = cache.get('k', 60_000, () => new Promise<string>((resolve) => (finish = resolve)));
    const joined = cache.get('k', 60_000, async () => 'never run');
    cache.clear();
    finish('before the clear');
    expect(await Promise.all([first, joined])).toEqual(['before the clear', 'before the clear']);
    expect(await cache.get('k', 60_000, async () => 'after the clear')).toBe('after the clear');
    expect(cache.stats()).toMatchObject({ misses: 2, coalesced: 1, hits: 0, entries: 1 });
  });

  test('keys keep field order and cursor but not filter order', () => {
    expect(listQueryKey(recent({ filters: { a: 1, b: 'x' } }))).toBe(listQueryKey(recent({ filters: { b: 'x', a: 1 } })));
    expect(listQueryKey(recent({ fields: ['event_id', 'event_time'] }))).not.toBe(listQueryKey(recent({ fields: ['event_time', 'event_id'] })));
    expect(listQueryKey(recent({ filters: { a: 1 } }))).not.toBe(listQueryKey(recent({ filters: { a: '1' } })));
    // A cursor counts whole: a page read through a (possibly forged) resume point is never served for another one.
    const keyset = { eventTimeMicros: '5', tieBreaker: 'k' };
    const resume = { jobId: 'job_a', rowOffset: 3, sliceFromMicros: '0', sliceToMicros: '9', capped: false };
    expect(listQueryKey(recent({ cursor: { ...keyset, resume } }))).not.toBe(listQueryKey(recent({ cursor: keyset })));
    expect(listQueryKey(recent({ cursor: { ...keyset, resume } }))).not.toBe(listQueryKey(recent({ cursor: { ...keyset, resume: { ...resume, rowOffset: 2 } } })));
    expect(listQueryKey(recent({ cursor: { ...keyset, resume } }))).toBe(listQueryKey(recent({ cursor: { ...keyset, resume: { ...resume } } })));
    expect(listQueryKey(recent({ cursor: { ...keyset, tieBreaker: 'j' } }))).not.toBe(listQueryKey(recent({ cursor: keyset })));
  });

  test('passes errors through untouched', async () => {
    const error = new StoreError(StoreErrorKind.TIMEOUT, 'slow');
    const cache = new QueryCache();
    await expect(cache.get('k', 1000, async () => Promise.reject(error))).rejects.toBe(error);
    expect(cache.size).toBe(0);
  });
});
