import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import { holdMethod } from './hold-method';
import { describeStoreContract, listAll } from './store-contract';
import { T0, flightEvents, published } from './store-contract-data';

describeStoreContract('DuckDB', async (schema, events) => {
  const store = await DuckDbStore.create({ schema });
  await store.insert(events);
  return store;
});

// The shape before the write-time index, still used once SQL changed the table behind the index's back.
describeStoreContract('DuckDB ranking the window per read', async (schema, events) => {
  const store = await DuckDbStore.create({ schema, readIndex: false });
  await store.insert(events);
  return store;
});

// Events in shuffled batches (out of event-time order), the index re-sorted after every write: the contract's reads
// meet it unsorted, being rewritten, and sorted, and writes between pages land in a re-sorted index.
// A fence post every third row: pages start and end between posts, and ties span several.
describeStoreContract('DuckDB re-sorting its index after every write', async (schema, events) => {
  const store = await DuckDbStore.create({ schema, unsortedIndexRows: 1, indexFenceStride: 3 });
  const shuffled = shuffle(events, 7);
  for (let i = 0; i < shuffled.length; i += 500) await store.insert(shuffled.slice(i, i + 500));
  return store;
});

/** A deterministic shuffle (the same order on every run). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const required = { mode: FieldMode.REQUIRED };
const tiny = new RecordSchema({
  name: 'Tiny',
  fields: [Field.string('id', required), Field.timestamp('event_time', required), Field.numeric('amount'), Field.json('doc')],
  eventTimeField: 'event_time',
  keyField: 'id',
});
const window = { fromMicros: T0, toMicros: T0 + 3_600_000_000n, limit: 10, fields: tiny.fieldNames, filters: {} };

describe('DuckDbStore', () => {
  test('dead-letters events whose NUMERIC or JSON the table cannot hold, and stores the rest', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    const result = await store.write([
      published({ id: 'ok', event_time: T0, amount: '1.50', doc: '{"a":1}' }, 'm1', T0),
      published({ id: 'bad-numeric', event_time: T0, amount: '1e5', doc: null }, 'm2', T0),
      published({ id: 'bad-json', event_time: T0, amount: null, doc: '{not json' }, 'm3', T0),
      published({ id: 'too-big', event_time: T0, amount: '1'.repeat(30), doc: null }, 'm4', T0),
    ]);
    expect(result.inserted).toBe(1);
    expect(result.deadLetters).toEqual([
      { messageId: 'm2', reason: expect.stringMatching(/^amount: "1e5" is not a NUMERIC/) },
      { messageId: 'm3', reason: 'doc: is not valid JSON text' },
      { messageId: 'm4', reason: expect.stringMatching(/^amount: .* is not a NUMERIC/) },
    ]);
    expect((await store.list(window)).records).toEqual([{ id: 'ok', event_time: '2024-05-01T00:00:00.000000Z', amount: '1.5', doc: { a: 1 } }]);
    const dead = await store.withConnection((c) => c.runAndReadAll(`SELECT message_id, reason, decode(data) AS data FROM ${store.deadLetterTableName} ORDER BY message_id`));
    expect(dead.getRowObjectsJson().map((r) => r.message_id)).toEqual(['m2', 'm3', 'm4']);
    expect(JSON.parse(String(dead.getRowObjectsJson()[1].data))).toMatchObject({ id: 'bad-json', doc: '{not json' });
    await store.close();
  });

  test('concurrent writes never mix their staged rows', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    const batch = (prefix: string) =>
      Array.from({ length: 300 }, (_, i) => published({ id: `${prefix}${i}`, event_time: T0 + BigInt(i), amount: '1', doc: null }, `${prefix}${i}`, T0));
    await Promise.all([store.insert(batch('a')), store.insert(batch('b')), store.insert(batch('c'))]);
    const count = await store.withConnection((c) => c.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(DISTINCT message_id)::INTEGER AS d FROM ${store.tableName}`));
    expect(count.getRowObjectsJson()).toEqual([{ n: 900, d: 900 }]);
    await store.close();
  });

  test('fails with StoreError TIMEOUT when a query runs past the limit, and keeps working', async () => {
    const store = await DuckDbStore.create({ schema: tiny, queryTimeoutMs: 200 });
    // Replace the table by an endless view: the list query cannot finish within 200 ms.
    await store.withConnection((c) => c.run(`DROP TABLE ${store.tableName}`));
    await store.withConnection((c) => c.run(
      `CREATE VIEW ${store.tableName} AS SELECT 'k' || (i % 1000003)::VARCHAR AS id, TIMESTAMP '2024-05-01' + to_microseconds(i % 1000) AS event_time,
       NULL::DECIMAL(38,9) AS amount, NULL::JSON AS doc, TIMESTAMP '2024-05-01' AS publish_time, i::VARCHAR AS message_id FROM range(5000000000) t(i)`,
    ));
    const error = await store.list(window).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.kind).toBe(StoreErrorKind.TIMEOUT);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });

  test('fails with StoreError TIMEOUT when the request is cancelled', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    const error = await store.list(window, AbortSignal.abort()).catch((e) => e);
    expect(error.kind).toBe(StoreErrorKind.TIMEOUT);
    await store.close();
  });

  test('fails with StoreError UNAVAILABLE once closed', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    await store.close();
    const calls: Array<() => Promise<unknown>> = [() => store.list(window), () => store.ping(), () => store.insert([])];
    for (const call of calls) {
      const error = await Promise.resolve().then(call).catch((e: StoreError) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).kind).toBe(StoreErrorKind.UNAVAILABLE);
    }
  });

  test('fails with StoreError UNAVAILABLE when the database cannot be opened', async () => {
    const error = await DuckDbStore.create({ schema: tiny, path: '/nonexistent-dir/x/y.duckdb' }).catch((e) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.kind).toBe(StoreErrorKind.UNAVAILABLE);
  });

  test('answers list queries in one phase when a view without rowid stands in for the table', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    await store.insert([
      published({ id: 'a', event_time: T0 + 3n, amount: '1', doc: null }, 'm1', T0),
      published({ id: 'a', event_time: T0 + 3n, amount: '2', doc: null }, 'm2', T0 + 1n),
      published({ id: 'b', event_time: T0 + 2n, amount: '3', doc: '{"x":[1]}' }, 'm3', T0),
    ]);
    const { records, nextCursor } = await store.list({ ...window, limit: 1 });
    await store.withConnection((c) => c.run(`CREATE TABLE kept AS SELECT * FROM ${store.tableName}`));
    await store.withConnection((c) => c.run(`DROP TABLE ${store.tableName}`));
    await store.withConnection((c) => c.run(`CREATE VIEW ${store.tableName} AS SELECT * FROM kept`));
    const again = await store.list({ ...window, limit: 1 });
    expect({ records: again.records, nextCursor: again.nextCursor }).toEqual({ records, nextCursor });
    expect((await store.list(window)).records.map((r) => [r.id, r.amount])).toEqual([['a', '2'], ['b', '3']]);
    await store.close();
  });

  test('keeps answering once more query shapes were asked than it keeps prepared', async () => {
    const store = await DuckDbStore.create({ schema: tiny, readConnections: 1 });
    await store.insert([published({ id: 'a', event_time: T0, amount: '1.5', doc: null }, 'm1', T0)]);
    const row: Record<string, unknown> = { id: 'a', event_time: '2024-05-01T00:00:00.000000Z', amount: '1.5', doc: null };
    // Every ordering of every non-empty field subset, with and without a filter: 128 distinct statements.
    const orderings = (rest: string[]): string[][] => rest.flatMap((f) => [[f], ...orderings(rest.filter((g) => g !== f)).map((o) => [f, ...o])]);
    for (const fields of orderings(tiny.fieldNames)) {
      for (const filters of [{}, { id: 'a' }] as Array<Record<string, string>>) {
        const page = await store.list({ ...window, fields, filters });
        expect(page.records).toEqual([Object.fromEntries(fields.map((f) => [f, row[f]]))]);
      }
    }
    await store.close();
  });

  test('keeps data in a database file across reopenings', async () => {
    const path = `${require('node:os').tmpdir()}/duckdb-store-${process.pid}-${Date.now()}.duckdb`;
    const first = await DuckDbStore.create({ schema: flightEvents, path });
    await first.close();
    const store = await DuckDbStore.create({ schema: tiny, path, tableName: 'tiny' });
    await store.insert([published({ id: 'a', event_time: T0, amount: null, doc: null }, 'm', T0)]);
    await store.close();
    const reopened = await DuckDbStore.create({ schema: tiny, path, tableName: 'tiny' });
    expect((await reopened.list(window)).records).toHaveLength(1);
    await reopened.close();
    require('node:fs').rmSync(path, { force: true });
  });
});

describe('the write-time index of the DuckDB store', () => {
  const keyed = new RecordSchema({
    name: 'Keyed',
    fields: [Field.string('id', required), Field.timestamp('event_time', required), Field.string('state')],
    eventTimeField: 'event_time',
    keyField: 'id',
    clusteringFields: ['state'],
  });
  const copies = [
    published({ id: 'a', event_time: T0 + 5n, state: 'old' }, 'm1', T0),
    published({ id: 'a', event_time: T0 + 5n, state: 'new' }, 'm2', T0 + 1n),
    published({ id: 'b', event_time: T0 + 6n, state: 'only' }, 'm3', T0),
  ];
  const all = { fromMicros: T0, toMicros: T0 + 3_600_000_000n, limit: 10, fields: ['id', 'state'], filters: {} };

  test('holds one row per event, the latest copy, whatever order the copies arrive in', async () => {
    const store = await DuckDbStore.create({ schema: keyed });
    await store.insert([copies[1], copies[2]]);
    await store.insert([copies[0]]); // an older copy arriving late never wins
    const rows = await store.withReadOnlyConnection(async (c) => (await c.runAndReadAll(`SELECT "__key", "state" FROM records_latest ORDER BY 1`)).getRowObjectsJson());
    expect(rows).toEqual([{ __key: 'a', state: 'new' }, { __key: 'b', state: 'only' }]);
    expect((await store.list(all)).records).toEqual([{ id: 'b', state: 'only' }, { id: 'a', state: 'new' }]);
    await store.close();
  });

  test('reads rank the window when asked or once SQL ran through withConnection, with the same answers', async () => {
    const indexed = await DuckDbStore.create({ schema: keyed });
    const ranked = await DuckDbStore.create({ schema: keyed, readIndex: false });
    for (const store of [indexed, ranked]) await store.insert(copies);
    expect(await ranked.list(all)).toEqual(await indexed.list(all));
    // A row written behind the index's back is still seen: the store stops trusting the index.
    await indexed.withConnection((c) => c.run(`INSERT INTO records VALUES ('c', TIMESTAMP '2024-05-01 00:00:01', 'raw', 'local', 'm4', TIMESTAMP '2024-05-01', NULL)`));
    expect((await indexed.list(all)).records[0]).toEqual({ id: 'c', state: 'raw' });
    await indexed.close();
    await ranked.close();
  });

  /** 400 events over 400 minutes, keys shuffled against time, every tenth with an older and a later copy. */
  const manyEvents = () => {
    const events = [];
    for (let i = 0; i < 400; i++) {
      const record = (state: string) => ({ id: `k${String((i * 37) % 400).padStart(3, '0')}`, event_time: T0 + BigInt(i) * 60_000_000n, state });
      events.push(published(record(i % 3 === 0 ? 'even' : 'odd'), `m${i}`, T0 + 10n));
      if (i % 10 === 0) events.push(published(record('stale'), `m${i}-old`, T0), published(record('late'), `m${i}-late`, T0 + 20n));
    }
    return events;
  };
  /** The reference answer: each event's latest copy, newest first, the key breaking ties. */
  const expected = (state?: string) =>
    manyEvents()
      .filter((e, _, events) => e.messageId.endsWith('-late') || (!e.messageId.endsWith('-old') && !events.some((c) => c.messageId === `${e.messageId}-late`)))
      .map((e) => ({ id: e.record.id as string, state: e.record.state as string, t: e.record.event_time as bigint }))
      .filter((r) => state === undefined || r.state === state)
      .sort((a, b) => (a.t === b.t ? (a.id < b.id ? 1 : -1) : a.t < b.t ? 1 : -1))
      .map(({ id, state }) => ({ id, state }));
  const wide = { ...all, toMicros: T0 + 8n * 3_600_000_000n };
  const pagesOf = async (store: DuckDbStore, filters: Record<string, string> = {}) => (await listAll(store, { ...wide, limit: 7, filters })).records;

  test('pages stay exact while batches arrive out of event-time order, before and after the index is re-sorted', async () => {
    const store = await DuckDbStore.create({ schema: keyed, unsortedIndexRows: 1_000_000 });
    const events = shuffle(manyEvents(), 3);
    for (let i = 0; i < events.length; i += 50) {
      await store.insert(events.slice(i, i + 50));
      if (i === 200) await store.sortIndex(); // a sorted part, then an unsorted tail after it
    }
    expect(await pagesOf(store)).toEqual(expected());
    expect(await pagesOf(store, { state: 'even' })).toEqual(expected('even'));
    await store.sortIndex();
    expect(await pagesOf(store)).toEqual(expected());
    expect(await pagesOf(store, { state: 'late' })).toEqual(expected('late'));
    // A later copy of a known event updates its row where it is: the index stays sorted.
    await store.insert(events.filter((e) => e.messageId.endsWith('-late')).map((e) => ({ ...e, messageId: `${e.messageId}-again`, publishTimeMicros: T0 + 30n })));
    // Sorted in list order: event time, newest first, in the order rows are stored.
    const stored = await store.withReadOnlyConnection(async (c) => (await c.runAndReadAll('SELECT epoch_us(event_time)::VARCHAR AS t FROM records_latest')).getRowObjectsJson());
    const times = stored.map((r) => BigInt(r.t as string));
    expect(times).toHaveLength(400);
    expect(times.every((t, i) => i === 0 || times[i - 1] >= t)).toBe(true);
    await store.close();
  });

  test('a re-sort neither loses nor copies events written or read while it is queued or running', async () => {
    // Reads through the fence run while re-sorts replace the index it describes.
    const store = await DuckDbStore.create({ schema: keyed, unsortedIndexRows: 1, indexFenceStride: 4 });
    const events = shuffle(manyEvents(), 5);
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < events.length; i += 40) {
      work.push(store.insert(events.slice(i, i + 40)), store.sortIndex(), store.list({ ...wide, limit: 5 }));
    }
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    // Every page read during the writes was exact for some moment: no key twice, no stale copy.
    for (const r of results) {
      const records = r.status === 'fulfilled' && (r.value as { records?: Array<{ id: string; state: string }> })?.records;
      if (!records) continue;
      expect(new Set(records.map((x) => x.id)).size).toBe(records.length);
      expect(records.filter((x) => x.state === 'stale')).toEqual([]);
    }
    expect(await pagesOf(store)).toEqual(expected());
    const count = await store.withReadOnlyConnection(async (c) => (await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM records_latest')).getRowObjectsJson());
    expect(count).toEqual([{ n: 400 }]);
    await store.close();
  });

  test('a re-sort never waits for reads; a read whose fence it replaced meanwhile is read again, exact', async () => {
    const store = await DuckDbStore.create({ schema: keyed, unsortedIndexRows: 1_000_000, indexFenceStride: 4, readConnections: 1 });
    const event = (id: string, minute: number) => published({ id, event_time: T0 + BigInt(minute) * 60_000_000n, state: 's' }, id, T0);
    await store.insert(Array.from({ length: 200 }, (_, i) => event(`o${String(i).padStart(3, '0')}`, i)));
    await store.sortIndex();
    // 60 newer events in the tail: the next re-sort moves every sorted row 60 rowids on, past what the old fence says.
    await store.insert(Array.from({ length: 60 }, (_, i) => event(`n${String(i).padStart(2, '0')}`, 300 + i)));
    const older = { ...all, toMicros: T0 + 200n * 60_000_000n, fields: ['id'] };
    const { nextCursor } = await store.list({ ...older, limit: 100 });
    // Hold the next read after it took its connection and the fence, while a re-sort runs.
    const prepare = holdMethod(store, 'prepare');
    const held = store.list({ ...all, toMicros: T0 + 400n * 60_000_000n, fields: ['id'], limit: 5, cursor: nextCursor });
    await new Promise((resolve) => setImmediate(resolve));
    // The re-sort (and a write queued behind it) completes while the read is held: nothing waits for reads.
    await store.sortIndex();
    await store.insert([event('late', 350)]);
    prepare.restore();
    prepare.release();
    // The held read's rowids describe the index before the re-sort, where its page now sits 60 rows further on.
    const page = await held;
    expect(page.records).toEqual(['o099', 'o098', 'o097', 'o096', 'o095'].map((id) => ({ id })));
    expect((await store.list({ ...all, toMicros: T0 + 400n * 60_000_000n, fields: ['id'], limit: 5, cursor: nextCursor })).records).toEqual(page.records);
    await store.close();
  });

  test('a read whose caller leaves while its statement is prepared says so, and never runs', async () => {
    const store = await DuckDbStore.create({ schema: keyed });
    await store.insert(copies);
    const prepare = holdMethod(store, 'prepare');
    const client = new AbortController();
    const read = store.list(all, client.signal);
    await new Promise((resolve) => setImmediate(resolve));
    client.abort();
    prepare.restore();
    prepare.release();
    await expect(read).rejects.toThrow('the request was cancelled before the query ran');
    expect((await store.list(all)).records).toHaveLength(2);
    await store.close();
  });

  test('refuses a fence stride that is not a whole number of rows from 1, naming it', async () => {
    for (const indexFenceStride of [0, 2.5, Number.NaN]) {
      await expect(DuckDbStore.create({ schema: keyed, indexFenceStride })).rejects.toThrow(`indexFenceStride must be a whole number of rows from 1, got ${indexFenceStride}`);
    }
  });

  test('pages read through the fence are exact where many events share one time, across posts, windows and filters', async () => {
    const store = await DuckDbStore.create({ schema: keyed, unsortedIndexRows: 1_000_000, indexFenceStride: 4 });
    // 30 times, 13 events each (keys shuffled against time): every time spans several posts of 4 rows.
    const events = Array.from({ length: 390 }, (_, i) =>
      published({ id: `k${String((i * 97) % 390).padStart(3, '0')}`, event_time: T0 + BigInt(Math.floor(i / 13)) * 60_000_000n, state: i % 4 === 0 ? 'even' : 'odd' }, `m${i}`, T0),
    );
    const shuffled = shuffle(events, 11);
    await store.insert(shuffled.slice(0, 300));
    await store.sortIndex();
    await store.insert(shuffled.slice(300)); // an unsorted tail after the sorted part
    const reference = (from: bigint, to: bigint, state?: string) =>
      events
        .map((e) => ({ id: e.record.id as string, state: e.record.state as string, t: e.record.event_time as bigint }))
        .filter((r) => r.t >= from && r.t < to && (state === undefined || r.state === state))
        .sort((a, b) => (a.t === b.t ? (a.id < b.id ? 1 : -1) : a.t < b.t ? 1 : -1))
        .map(({ id, state }) => ({ id, state }));
    for (let sorted = 0; sorted < 2; sorted++) {
      for (const [from, to] of [[0n, 30n], [3n, 17n], [12n, 13n], [29n, 40n]].map(([a, b]) => [T0 + a * 60_000_000n, T0 + b * 60_000_000n])) {
        for (const state of [undefined, 'even']) {
          const { records } = await listAll(store, { ...all, fromMicros: from, toMicros: to, limit: 5, filters: state ? { state } : {} });
          expect(records).toEqual(reference(from, to, state));
        }
      }
      for (const e of events.filter((_, i) => i % 37 === 0)) {
        expect(await store.get({ key: e.record.id as string, fromMicros: T0, toMicros: T0 + 3_600_000_000n, fields: ['id', 'state'] })).toEqual({ id: e.record.id, state: e.record.state });
      }
      await store.sortIndex();
    }
    await store.close();
  });

  test('close() does not wait for a re-sort: it rolls back or completes, and the file keeps every event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-sort-'));
    try {
      const path = join(dir, 'sorting.duckdb');
      const store = await DuckDbStore.create({ schema: keyed, path, unsortedIndexRows: 1_000_000 });
      await store.insert(shuffle(manyEvents(), 9));
      const sorting = store.sortIndex().then(
        () => 'sorted',
        (e) => (e instanceof StoreError ? 'interrupted' : `failed: ${(e as Error).message}`),
      );
      await new Promise((resolve) => setImmediate(resolve));
      await store.close();
      expect(['sorted', 'interrupted']).toContain(await sorting);
      const reopened = await DuckDbStore.create({ schema: keyed, path });
      expect(await pagesOf(reopened)).toEqual(expected());
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a database file from before the index gets it built at open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-index-'));
    try {
      const path = join(dir, 'old.duckdb');
      const old = await DuckDbStore.create({ schema: keyed, path });
      await old.insert(copies);
      await old.withConnection((c) => c.run('DROP TABLE records_latest'));
      await old.close();
      const reopened = await DuckDbStore.create({ schema: keyed, path });
      expect((await reopened.list(all)).records).toEqual([{ id: 'b', state: 'only' }, { id: 'a', state: 'new' }]);
      const count = await reopened.withReadOnlyConnection(async (c) => (await c.runAndReadAll('SELECT count(*) AS n FROM records_latest')).getRowObjectsJson());
      expect(count).toEqual([{ n: '2' }]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a page of every served field is the stored JSON text, byte for byte what encoding the ranked answer gives', async () => {
    const served = ['state', 'id'];
    const indexed = await DuckDbStore.create({ schema: keyed, servedFields: served });
    const ranked = await DuckDbStore.create({ schema: keyed, readIndex: false });
    for (const store of [indexed, ranked]) await store.insert(copies);
    const page = await indexed.list({ ...all, fields: served });
    expect(page.encodedRecords).toBe(JSON.stringify((await ranked.list({ ...all, fields: served })).records));
    expect(page.records).toEqual([{ state: 'only', id: 'b' }, { state: 'new', id: 'a' }]);
    // Other orders decode and pick; a field outside the served ones is read from the records table.
    const reordered = await indexed.list({ ...all, fields: ['id', 'state'] });
    expect(reordered.encodedRecords).toBeUndefined();
    expect(reordered.records.map((r) => Object.keys(r))).toEqual([['id', 'state'], ['id', 'state']]);
    const withTime = { ...all, fields: ['id', 'event_time'] };
    expect(await indexed.list(withTime)).toEqual(await ranked.list(withTime));
    expect(await indexed.get({ key: 'a', fromMicros: all.fromMicros, toMicros: all.toMicros, fields: ['event_time', 'state'] })).toEqual({ event_time: '2024-05-01T00:00:00.000005Z', state: 'new' });
    await Promise.all([indexed.close(), ranked.close()]);
  });

  test('a database file reopened with other served fields (set or order), new columns or other clustering rewrites its index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-served-'));
    const path = join(dir, 'served.duckdb');
    const page = async (schema: RecordSchema, servedFields: string[]) => {
      const store = await DuckDbStore.create({ schema, path, servedFields });
      try {
        return JSON.parse((await store.list({ ...all, fields: servedFields })).encodedRecords!);
      } finally {
        await store.close();
      }
    };
    try {
      const first = await DuckDbStore.create({ schema: keyed, path, servedFields: ['state'] });
      await first.insert(copies);
      await first.close();
      expect(await page(keyed, ['id', 'state'])).toEqual([{ id: 'b', state: 'only' }, { id: 'a', state: 'new' }]);
      const reordered = await page(keyed, ['state', 'id']);
      expect(reordered.map((r: object) => Object.keys(r))).toEqual([['state', 'id'], ['state', 'id']]);
      const withGate = new RecordSchema({ ...JSON.parse(keyed.toJson()).schema, fields: [...keyed.fields, Field.string('gate')] });
      expect(await page(withGate, ['id', 'state', 'gate'])).toEqual([{ id: 'b', state: 'only', gate: null }, { id: 'a', state: 'new', gate: null }]);
      const clustered = new RecordSchema({ ...JSON.parse(withGate.toJson()).schema, clusteringFields: ['state', 'gate'] });
      expect(await page(clustered, ['id', 'gate'])).toEqual([{ id: 'b', gate: null }, { id: 'a', gate: null }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a database file reopened as it was keeps its index, re-sorted or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-kept-'));
    const path = join(dir, 'kept.duckdb');
    try {
      const first = await DuckDbStore.create({ schema: keyed, path });
      await first.insert(copies);
      await first.sortIndex();
      // A marker only the kept index has: a rebuild from the records would replace it.
      await first.withConnection((c) => c.run(`UPDATE records_latest SET "__wire" = '{"marker":true}' WHERE "__key" = 'b'`));
      await first.close();
      const reopened = await DuckDbStore.create({ schema: keyed, path });
      const wire = await reopened.withReadOnlyConnection(async (c) => (await c.runAndReadAll(`SELECT "__wire" FROM records_latest WHERE "__key" = 'b'`)).getRows());
      expect(wire).toEqual([['{"marker":true}']]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses served fields the schema does not have', async () => {
    await expect(DuckDbStore.create({ schema: keyed, servedFields: ['id', 'gate'] })).rejects.toThrow('servedFields must name fields of Keyed, got unknown gate');
  });
});
