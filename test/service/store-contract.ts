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
  expectedRecords,
  flightData,
  flightEvents,
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

/**
 * The store contract every store passes (DuckDB here, BigQuery against its fake server elsewhere): window bounds,
 * order, keyset paging, projection, clustering filters of each type, de-duplication, lookups and wire types.
 */
export function describeStoreContract(name: string, makeStore: MakeStore): void {
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
        expect(new Set(ids(records)).size).toBe(records.length);
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

      test('each key appears once, latest publish_time wins, then the highest message_id', async () => {
        const q = query(flightEvents, { fields: ['event_id', 'status', 'event_time'] });
        const { records } = await listAll(store, q);
        const byId = new Map(records.map((r) => [r.event_id, r]));
        expect(byId.size).toBe(records.length);
        expect(byId.get('evt-00040')).toMatchObject({ status: 'CANCELLED', event_time: '2024-05-01T01:40:00.000999Z' });
        expect(byId.get('evt-00001')?.status).toBe('BOARDING');
        expect(byId.get('evt-00002')?.status).toBe('TIE-WINNER');
      });

      test('a stale version never reappears under a filter', async () => {
        const cases: Array<Record<string, string>> = [{ status: 'STALE' }, { status: 'TIE-LOSER' }];
        for (const filters of cases) {
          expect((await store.list(query(flightEvents, { filters }))).records).toEqual([]);
        }
        // evt-00040 was SCHEDULED before it was re-published as CANCELLED.
        const { records } = await listAll(store, query(flightEvents, { filters: { status: 'SCHEDULED' }, fields: ['event_id'] }));
        expect(ids(records)).not.toContain('evt-00040');
        expect(ids(records)).toContain('evt-00005');
      });

      test('get returns the latest version within the window', async () => {
        const window = { fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields: flightEvents.fieldNames };
        expect(await store.get({ ...window, key: 'typed' })).toEqual(TYPED_WIRE);
        expect(await store.get({ ...window, key: 'evt-00040', fields: ['event_id', 'status'] })).toEqual({ event_id: 'evt-00040', status: 'CANCELLED' });
        expect(await store.get({ ...window, key: 'evt-00002', fields: ['status'] })).toEqual({ status: 'TIE-WINNER' });
      });

      test('get returns undefined when the key is absent or outside the window', async () => {
        const fields = ['event_id'];
        expect(await store.get({ key: 'missing', fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields })).toBeUndefined();
        expect(await store.get({ key: 'edge-to', fromMicros: EDGE_FROM, toMicros: EDGE_TO, fields })).toBeUndefined();
        expect(await store.get({ key: 'edge-from', fromMicros: EDGE_FROM, toMicros: EDGE_TO, fields })).toEqual({ event_id: 'edge-from' });
        expect(await store.get({ key: "x' OR '1'='1", fromMicros: T0, toMicros: T0 + 1000n * MICROS_PER_HOUR, fields })).toBeUndefined();
      });

      test('an empty window is an empty last page', async () => {
        expect(await store.list(query(flightEvents, { fromMicros: T0 - 10n, toMicros: T0 }))).toEqual({ records: [] });
      });

      test('ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
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
        expect(records.filter((r) => r.id === 5)).toEqual([{ id: 5, event_time: '2024-05-01T00:00:00.000001Z', due: '2024-05-01T00:00:00.000000Z', state: 'closed' }]);
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
