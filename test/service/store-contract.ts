import type { RecordSchema } from '../../src/schema';
import type { ListQuery, Page, Store, StoredEvent, WireRecord } from '../../src/service/store/store';
import {
  BULK_FLIGHTS,
  EDGE_FROM,
  EDGE_TO,
  MICROS_PER_HOUR,
  T0,
  TYPED_TIME,
  TYPED_WIRE,
  bulkEventTime,
  expectedRecords,
  flight,
  flightData,
  flightEvents,
  published,
  query,
  readingData,
  readings,
  ticketData,
  tickets,
} from './store-contract-data';

/** Builds a store of the given schema holding exactly these events (the metadata columns filled from them). */
export type MakeStore = (schema: RecordSchema, events: StoredEvent[]) => Promise<Store>;

/** Every page of a list query, following nextCursor; fails if paging does not end. */
export async function listAll(store: Store, q: ListQuery): Promise<{ records: WireRecord[]; pages: Page[] }> {
  const pages: Page[] = [];
  let cursor = q.cursor;
  for (let i = 0; i < 10_000; i++) {
    const page = await store.list({ ...q, cursor });
    pages.push(page);
    if (!page.nextCursor) return { records: pages.flatMap((p) => p.records), pages };
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

/** What a store says about rows that change while a client pages. */
export interface StoreContractOptions {
  /**
   * Later pages may come from the result of a query an earlier page ran (the BigQuery store reads on in it for free):
   * a page then shows each event as it was when the query of its slice ran, not as it is now.
   *
   * @default false: every page reads the table as it is now
   */
  readonly pagesFromEarlierQueries?: boolean;
}

/**
 * The store contract every store passes (DuckDB here, BigQuery against its fake server elsewhere): window bounds,
 * order, keyset paging, projection, clustering filters of each type, de-duplication, lookups and wire types.
 */
export function describeStoreContract(name: string, makeStore: MakeStore, options: StoreContractOptions = {}): void {
  describe(`${name} store contract`, () => {
    describe('flight events (string key, every wire type)', () => {
      const events = flightData();
      let store: Store;
      beforeAll(async () => {
        store = await makeStore(flightEvents, events);
      });
      afterAll(() => store?.close());

      const ids = (records: WireRecord[]) => records.map((r) => r.event_id);

      test('window is [from, to) to the microsecond', async () => {
        const page = await store.list(query(flightEvents, { fromMicros: EDGE_FROM, toMicros: EDGE_TO, fields: ['event_id', 'event_time'] }));
        expect(page.records).toEqual([
          { event_id: 'edge-last', event_time: '2024-05-09T08:59:59.999999Z' },
          { event_id: 'edge-from', event_time: '2024-05-09T08:00:00.000000Z' },
        ]);
        expect(page.nextCursor).toBeUndefined();
      });

      test('every wire type, including null, nested, repeated, unsafe INT64 and NUMERIC', async () => {
        const page = await store.list(query(flightEvents, { fromMicros: TYPED_TIME, toMicros: TYPED_TIME + 1n }));
        expect(page.records).toEqual([TYPED_WIRE]);
        expect(Object.keys(page.records[0])).toEqual(flightEvents.fieldNames);
      });

      test('matches the reference model, newest first with the key as tie-breaker', async () => {
        const q = query(flightEvents, { toMicros: T0 + 101n * MICROS_PER_HOUR });
        const page = await store.list(q);
        const expected = expectedRecords(flightEvents, events, q).slice(0, 1000);
        expect(page.records).toEqual(expected);
        expect(page.nextCursor).toBeDefined();
      });

      test('pages through thousands of rows without gaps or duplicates', async () => {
        const q = query(flightEvents, { limit: 97, fields: ['event_id', 'event_time'] });
        const { records, pages } = await listAll(store, q);
        const expected = expectedRecords(flightEvents, events, q);
        expect(expected.length).toBeGreaterThan(BULK_FLIGHTS);
        expect(new Set(records.map((r) => `${r.event_id}@${r.event_time}`)).size).toBe(records.length);
        expect(records).toEqual(expected);
        expect(pages.slice(0, -1).every((p) => p.records.length === 97 && p.nextCursor)).toBe(true);
        expect(pages[pages.length - 1].nextCursor).toBeUndefined();
      });

      test('pages with a projection that leaves out the key', async () => {
        const q = query(flightEvents, { limit: 250, fields: ['event_time', 'airline', 'status'], filters: { airline: 'AF' } });
        const { records } = await listAll(store, q);
        expect(records).toEqual(expectedRecords(flightEvents, events, q));
        expect(Object.keys(records[0])).toEqual(['event_time', 'airline', 'status']);
      });

      test('no nextCursor when the last page is exactly full', async () => {
        const all = expectedRecords(flightEvents, events, query(flightEvents, { fromMicros: EDGE_FROM, toMicros: EDGE_TO }));
        const page = await store.list(query(flightEvents, { fromMicros: EDGE_FROM, toMicros: EDGE_TO, limit: all.length }));
        expect(page.records).toHaveLength(all.length);
        expect(page.nextCursor).toBeUndefined();
        const short = await store.list(query(flightEvents, { fromMicros: EDGE_FROM, toMicros: EDGE_TO, limit: 1 }));
        expect(short.records).toHaveLength(1);
        expect(short.nextCursor).toBeDefined();
      });

      test('projection returns exactly the requested fields', async () => {
        const page = await store.list(query(flightEvents, { fromMicros: TYPED_TIME, toMicros: TYPED_TIME + 1n, fields: ['event_time', 'aircraft', 'details'] }));
        expect(page.records).toEqual([{ event_time: TYPED_WIRE.event_time, aircraft: TYPED_WIRE.aircraft, details: TYPED_WIRE.details }]);
      });

      test('equality filters on clustering fields, combined', async () => {
        const cases: Array<Record<string, string>> = [{ airline: 'KL' }, { origin: 'CDG', destination: 'AMS' }, { airline: 'LH', status: 'DELAYED' }, { airline: 'nope' }];
        for (const filters of cases) {
          const q = query(flightEvents, { filters, fields: ['event_id', 'airline', 'origin', 'destination', 'status'] });
          const { records } = await listAll(store, q);
          expect(records).toEqual(expectedRecords(flightEvents, events, q));
        }
      });

      test('each event (key and event time) appears once: latest publish_time wins, then the highest message_id', async () => {
        const q = query(flightEvents, { fields: ['event_id', 'status', 'event_time'] });
        const { records } = await listAll(store, q);
        const events = new Map(records.map((r) => [`${r.event_id}@${r.event_time}`, r]));
        expect(events.size).toBe(records.length);
        expect(records.filter((r) => r.event_id === 'evt-00040')).toEqual([{ event_id: 'evt-00040', status: 'CANCELLED', event_time: '2024-05-01T01:40:00.000123Z' }]);
        expect(records.filter((r) => r.event_id === 'evt-00001').map((r) => r.status)).toEqual(['BOARDING']);
        expect(records.filter((r) => r.event_id === 'evt-00002').map((r) => r.status)).toEqual(['TIE-WINNER']);
      });

      test('a key at another event time is another event: both are listed, newest first', async () => {
        const { records } = await listAll(store, query(flightEvents, { fields: ['event_id', 'status', 'event_time'] }));
        expect(records.filter((r) => r.event_id === 'evt-00003')).toEqual([
          { event_id: 'evt-00003', status: 'RESCHEDULED', event_time: '2024-05-03T02:00:00.000000Z' },
          { event_id: 'evt-00003', status: 'ARRIVED', event_time: '2024-05-01T00:00:00.000123Z' },
        ]);
      });

      test('a stale copy never reappears under a filter', async () => {
        const cases: Array<Record<string, string>> = [{ status: 'STALE' }, { status: 'TIE-LOSER' }];
        for (const filters of cases) {
          expect((await store.list(query(flightEvents, { filters }))).records).toEqual([]);
        }
        // evt-00040 was SCHEDULED before a later copy corrected it to CANCELLED.
        const { records } = await listAll(store, query(flightEvents, { filters: { status: 'SCHEDULED' }, fields: ['event_id'] }));
        expect(ids(records)).not.toContain('evt-00040');
        expect(ids(records)).toContain('evt-00005');
      });

      test('get returns the newest event with the key within the window, its latest copy', async () => {
        const window = { fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields: flightEvents.fieldNames };
        expect(await store.get({ ...window, key: 'typed' })).toEqual(TYPED_WIRE);
        expect(await store.get({ ...window, key: 'evt-00040', fields: ['event_id', 'status'] })).toEqual({ event_id: 'evt-00040', status: 'CANCELLED' });
        expect(await store.get({ ...window, key: 'evt-00002', fields: ['status'] })).toEqual({ status: 'TIE-WINNER' });
        expect(await store.get({ ...window, key: 'evt-00003', fields: ['status'] })).toEqual({ status: 'RESCHEDULED' });
        // A window ending before the newer event finds the older one.
        expect(await store.get({ ...window, toMicros: T0 + 10n * MICROS_PER_HOUR, key: 'evt-00003', fields: ['status'] })).toEqual({ status: 'ARRIVED' });
      });

      test('get returns undefined when the key is absent or outside the window', async () => {
        const fields = ['event_id'];
        expect(await store.get({ key: 'missing', fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields })).toBeUndefined();
        expect(await store.get({ key: 'edge-to', fromMicros: EDGE_FROM, toMicros: EDGE_TO, fields })).toBeUndefined();
        expect(await store.get({ key: 'edge-from', fromMicros: EDGE_FROM, toMicros: EDGE_TO, fields })).toEqual({ event_id: 'edge-from' });
        expect(await store.get({ key: "x' OR '1'='1", fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields })).toBeUndefined();
      });

      test('an empty window is an empty last page', async () => {
        const page = await store.list(query(flightEvents, { fromMicros: T0 - 10n, toMicros: T0 }));
        expect(page.records).toEqual([]);
        expect(page.nextCursor).toBeUndefined();
      });

      test('ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('copies arriving while a client pages', () => {
      // 600 bulk flights, 5 per event time; 120 event times, 750 s apart.
      const events = flightData().slice(0, 600);
      let store: Store;
      beforeAll(async () => {
        store = await makeStore(flightEvents, events);
      });
      afterAll(() => store?.close());

      test('no duplicate and no stale copy across pages, copies published between pages included', async () => {
        const q = query(flightEvents, { limit: 50, fields: ['event_id', 'event_time', 'status'] });
        const seen: WireRecord[] = [];
        let page = await store.list(q);
        seen.push(...page.records);
        page = await store.list({ ...q, cursor: page.nextCursor });
        seen.push(...page.records);
        // Late copies (a later publish_time, same key and event time) of events already read and of events still to come.
        const late = [599, 560, 301, 300, 5].map((i) => published(flight(i, bulkEventTime(i), { status: 'LATE' }), `late-${i}`, T0 + 10_000n * MICROS_PER_HOUR));
        expect(store.insert).toBeDefined();
        await store.insert!(late);
        while (page.nextCursor) {
          page = await store.list({ ...q, cursor: page.nextCursor });
          seen.push(...page.records);
        }
        const seenEvents = seen.map((r) => `${r.event_id}@${r.event_time}`);
        expect(new Set(seenEvents).size).toBe(seen.length);
        expect(seen).toHaveLength(600);
        const id = (i: number) => `evt-${String(i).padStart(5, '0')}`;
        const status = new Map(seen.map((r) => [r.event_id, r.status]));
        const before = new Map(events.map((e) => [e.record.event_id, e.record.status]));
        const state = (i: number) => (status.get(id(i)) === 'LATE' ? 'LATE' : status.get(id(i)) === before.get(id(i)) ? 'then current' : status.get(id(i)));
        // Read before the copies arrived: the copy then current; read after: the late copy, or, from a query run
        // before it arrived, the copy current then (never both: no duplicate above).
        const readAfter = options.pagesFromEarlierQueries ? expect.stringMatching(/^(LATE|then current)$/) : 'LATE';
        expect([599, 560, 301, 300, 5].map(state)).toEqual(['then current', 'then current', readAfter, readAfter, readAfter]);
        // Every later read sees only the latest copies.
        const again = await listAll(store, q);
        expect(again.records.filter((r) => r.status === 'LATE').map((r) => r.event_id)).toEqual(['evt-00599', 'evt-00560', 'evt-00301', 'evt-00300', 'evt-00005']);
        expect(again.records).toHaveLength(600);
      });
    });

    describe('readings (no key: duplicates kept, message_id breaks ties; INT64, BOOLEAN, DATE, NUMERIC filters)', () => {
      const events = readingData();
      let store: Store;
      beforeAll(async () => {
        store = await makeStore(readings, events);
      });
      afterAll(() => store?.close());

      test('pages through every row, duplicates included, in message_id order within an event time', async () => {
        const q = query(readings, { limit: 64 });
        const { records } = await listAll(store, q);
        expect(records).toHaveLength(events.length);
        expect(records).toEqual(expectedRecords(readings, events, q));
      });

      test.each([
        ['INT64', { level: 2 }],
        ['BOOLEAN', { active: false }],
        ['DATE', { day: '2024-05-02' }],
        ['NUMERIC', { price: '12.5' }],
        ['NUMERIC (tiny)', { price: '0.000000001' }],
        ['several', { level: 0, active: true, price: '12.5' }],
      ])('equality filter on %s', async (_type, filters) => {
        const q = query(readings, { limit: 200, filters, fields: ['event_time', 'sensor', 'level', 'active', 'day', 'price'] });
        const { records } = await listAll(store, q);
        const expected = expectedRecords(readings, events, q);
        expect(expected.length).toBeGreaterThan(0);
        expect(records).toEqual(expected);
      });
    });

    describe('tickets (INT64 key beyond 2^53, TIMESTAMP filter)', () => {
      const events = ticketData();
      let store: Store;
      beforeAll(async () => {
        store = await makeStore(tickets, events);
      });
      afterAll(() => store?.close());

      test('pages with an INT64 tie-breaker and de-duplicates', async () => {
        const q = query(tickets, { limit: 7 });
        const { records } = await listAll(store, q);
        expect(records).toEqual(expectedRecords(tickets, events, q));
        expect(records.filter((r) => r.id === 5)).toEqual([{ id: 5, event_time: '2024-05-01T00:00:01.000000Z', due: '2024-05-01T00:00:00.000000Z', state: 'closed' }]);
        expect(records.map((r) => r.id)).toContain('9007199254740994');
      });

      test('equality filter on TIMESTAMP', async () => {
        const q = query(tickets, { limit: 50, filters: { due: '2024-05-01T01:00:00.000000Z' } });
        const { records } = await listAll(store, q);
        expect(records.length).toBeGreaterThan(0);
        expect(records).toEqual(expectedRecords(tickets, events, q));
      });

      test('get by INT64 key, safe and unsafe', async () => {
        const window = { fromMicros: T0, toMicros: T0 + MICROS_PER_HOUR, fields: ['id', 'state'] };
        expect(await store.get({ ...window, key: 5 })).toEqual({ id: 5, state: 'closed' });
        expect(await store.get({ ...window, key: '9007199254740995' })).toEqual({ id: '9007199254740995', state: 'open' });
        expect(await store.get({ ...window, key: 100_000 })).toBeUndefined();
      });
    });
  });
}
