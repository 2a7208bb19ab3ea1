import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { openLocalStore } from '../../src/service/store/local-store';
import type { ListQuery } from '../../src/service/store/store';
import { holdMethod } from './hold-method';
import { T0, published } from './store-contract-data';

const required = { mode: FieldMode.REQUIRED };
const schema = new RecordSchema({
  name: 'Keyed',
  fields: [Field.string('id', required), Field.timestamp('event_time', required), Field.string('state')],
  eventTimeField: 'event_time',
  keyField: 'id',
});
const page: ListQuery = { fromMicros: T0, toMicros: T0 + 3_600_000_000n, limit: 10, fields: ['id', 'event_time', 'state'], filters: {} };
const event = (id: string, state: string, messageId = id, publishMicros = T0) => published({ id, event_time: T0 + 1n, state }, messageId, publishMicros);

/** The local store with a count of the queries that reached the database. */
async function counted() {
  const local = await openLocalStore({ schema });
  const queries = { list: 0, get: 0 };
  const list = local.database.list.bind(local.database);
  const get = local.database.get.bind(local.database);
  local.database.list = (...args) => (queries.list++, list(...args));
  local.database.get = (...args) => (queries.get++, get(...args));
  return { ...local, queries };
}

describe('the local store as the service runs it (DuckDB behind a cache versioned by writes)', () => {
  test('identical requests between two writes cost one query, concurrent or not', async () => {
    const { store, database, queries } = await counted();
    await database.write([event('a', 'new')]);
    const pages = await Promise.all(Array.from({ length: 20 }, () => store.list(page)));
    await store.list(page);
    expect(queries.list).toBe(1);
    expect(new Set(pages.map((p) => p.encodedRecords ?? JSON.stringify(p.records))).size).toBe(1);
    expect(store.cache.stats()).toMatchObject({ misses: 1, coalesced: 19, hits: 1 });
    await store.close();
  });

  test('a write ends the reuse: the next request reads it, even while a query from before it is in flight', async () => {
    const { store, database, queries } = await counted();
    await database.write([event('a', 'first')]);
    expect((await store.list(page)).records).toEqual([expect.objectContaining({ id: 'a', state: 'first' })]);
    const inFlight = store.list({ ...page, limit: 5 });
    await database.write([event('a', 'second', 'm2', T0 + 1n), event('b', 'other')]);
    const after = await store.list({ ...page, limit: 5 });
    expect(after.records.map((r) => [r.id, r.state])).toEqual([['b', 'other'], ['a', 'second']]);
    await inFlight;
    expect((await store.get({ key: 'a', fromMicros: page.fromMicros, toMicros: page.toMicros, fields: ['state'] }))).toEqual({ state: 'second' });
    expect(queries.list).toBe(3);
    await store.close();
  });

  test('an answer read while a write runs is not reused after it', async () => {
    const { store, database } = await counted();
    await database.write([event('a', 'first')]);
    const insertRows = holdMethod(database, 'insertRows');
    const writing = database.write([event('a', 'second', 'm2', T0 + 1n)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.list(page)).records.map((r) => r.state)).toEqual(['first']);
    insertRows.release();
    await writing;
    insertRows.restore();
    expect((await store.list(page)).records.map((r) => r.state)).toEqual(['second']);
    await store.close();
  });

  test('a closed store answers nothing, from memory neither', async () => {
    const { store, database } = await counted();
    await database.write([event('a', 'kept')]);
    await store.list(page);
    await store.close();
    await expect(store.list(page)).rejects.toThrow('the local database is closed');
  });

  test('SQL run through withConnection ends the reuse too', async () => {
    const { store, database } = await counted();
    await database.write([event('a', 'kept')]);
    expect((await store.list(page)).records).toHaveLength(1);
    await database.withConnection((c) => c.run('DELETE FROM records'));
    expect((await store.list(page)).records).toEqual([]);
    await store.close();
  });

  test('answers are measured by the JSON the API sends, and a TTL of 0 only shares queries in flight', async () => {
    const local = await openLocalStore({ schema });
    await local.database.write([event('a', 'x'), event('b', 'y')]);
    const answer = await local.store.list(page);
    expect(local.store.cache.stats().bytes).toBe(Buffer.byteLength(answer.encodedRecords!) + Buffer.byteLength('null'));
    expect(JSON.parse(answer.encodedRecords!)).toEqual(answer.records);
    await local.store.close();

    const uncached = await openLocalStore({ schema }, { ttlMs: 0 });
    await uncached.database.write([event('a', 'x')]);
    await Promise.all([uncached.store.list(page), uncached.store.list(page)]);
    await uncached.store.list(page);
    expect(uncached.store.cache.stats()).toMatchObject({ misses: 2, coalesced: 1, hits: 0, entries: 0 });
    await uncached.store.close();
  });
});
