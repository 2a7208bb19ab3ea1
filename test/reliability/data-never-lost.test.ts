import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBBlobValue, DuckDBInstance } from '@duckdb/node-api';
import { flightEvents } from '../../examples/flights/flight-events';
import { sampleFlightEvents } from '../../examples/flights/sample-events';
import { AvroJsonEvent, unwrapEvent } from '../../src/service/events/avro-event';
import type { WireRecord } from '../../src/service/store/store';
import { microsToIso } from '../../src/schema/wire';
import { expectedWire } from '../service/store-contract-data';
import { ServerProcess, startServerProcess } from './server-process';

/**
 * Data never lost, end to end on the real server process (DuckDB in a file, over HTTP): invalid events are refused
 * with a 400 naming the event and the field and nothing of their batch is stored; events Avro accepts but the table
 * cannot hold are dead-lettered into the local dead-letter table, not dropped; every valid event reads back through
 * the API, count and every field, and every accepted message is in exactly one of the two tables.
 */

const AIRCRAFT = 'com.example.flights.FlightEvent_aircraft';

interface Published {
  readonly event: AvroJsonEvent;
  readonly messageId: string;
}

describe('data never lost: the local pipeline end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'never-lost-'));
  const databasePath = join(dir, 'pipeline.duckdb');
  let server: ServerProcess;

  const sample = sampleFlightEvents({ nowMillis: Date.now() - 60_000, flights: 600, days: 3, seed: 7 });
  const base = sample[0];
  /** Valid events with the strings and numbers that break naive pipelines: quotes, SQL, unicode, NUL, extremes. */
  const odd: AvroJsonEvent[] = [
    { ...base, event_id: "odd-'; DROP TABLE records; --", airline: 'A"F', flight_number: "O'Brien 1" },
    { ...base, event_id: 'odd-ünïcødé-✈️-😀', origin: 'مرحبا', destination: '東京', status: '\u202eDELAYED' },
    { ...base, event_id: 'odd-nul', flight_number: 'AF\u0000123', delay_reasons: ['', '\u0000', 'x'.repeat(5000)] },
    {
      ...base,
      event_id: 'odd-extremes',
      passengers: { long: 9_007_199_254_740_990 },
      delay_minutes: { long: -9_007_199_254_740_990 },
      load_factor: { double: 5e-324 },
      revenue_eur: { string: '99999999999999999999999999999.999999999' },
      flight_date: -719_162,
      aircraft: { [AIRCRAFT]: { registration: '\ttab\nnewline\\', model: null, seats: { long: 0 } } },
      details: { string: '{"nested":{"deep":[1,2,{"x":null}]},"quote":"\\"","nul":"\\u0000"}' },
    },
  ];
  const valid = [...sample, ...odd];
  /** Avro accepts these, the table refuses them (as BigQuery would): each must land in the dead-letter table. */
  const unstorable: AvroJsonEvent[] = [
    { ...base, event_id: 'dead-numeric', revenue_eur: { string: 'twelve euros' } },
    { ...base, event_id: 'dead-json', details: { string: '{"gate": K42' } },
    { ...base, event_id: 'dead-date', flight_date: 2_147_483_647 },
  ];
  /** Each invalid batch, the event index and field its 400 must name. */
  const invalidBatches: Array<{ events: unknown; message: RegExp; index: number; field: string }> = [
    { events: [{ ...sample[1], event_id: 'never-1' }, { ...sample[2], passengers: 5 }], message: /^event 1, field passengers: expected null or \{"long": value\}/, index: 1, field: 'passengers' },
    { events: { ...sample[3], event_id: 'never-2', airline: undefined }, message: /^the event, field airline: expected string, got nothing/, index: 0, field: 'airline' },
    { events: [sample[4], sample[5], { ...sample[6], event_id: 'never-3', coupon: 'X' }], message: /^event 2: "coupon" is not a field/, index: 2, field: '' },
    { events: [{ ...sample[7], event_id: 'never-4', aircraft: { [AIRCRAFT]: { registration: 'F-X', model: null, seats: { long: '180' } } } }], message: /^event 0, field aircraft\[.+\]\.seats\.long/, index: 0, field: `aircraft["${AIRCRAFT}"].seats.long` },
    { events: [{ ...sample[8], event_id: 'never-5', event_time: '2024-05-01T10:00:00Z' }], message: /^event 0, field event_time: expected an integer/, index: 0, field: 'event_time' },
  ];

  const times = valid.map((e) => BigInt(e.event_time as number));
  const window = `from=${microsToIso(times.reduce((a, b) => (a < b ? a : b)))}&to=${microsToIso(times.reduce((a, b) => (a > b ? a : b)) + 1n)}`;
  const published: Published[] = [];
  const deadLettered: Published[] = [];

  async function post(body: unknown): Promise<{ status: number; body: { messageIds?: string[]; error?: { message: string; details?: { problems: Array<{ index: number; field: string }> } } } }> {
    const response = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as never };
  }

  beforeAll(async () => {
    server = await startServerProcess({ PIPELINE_SCHEMA: flightEvents.toJson(), PIPELINE_NAME: 'never-lost', DUCKDB_PATH: databasePath });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('invalid events are refused with a 400 naming the event and the field; nothing of their batch is stored', async () => {
    for (const { events, message, index, field } of invalidBatches) {
      const { status, body } = await post(events);
      expect(status).toBe(400);
      expect(body.error!.message).toMatch(message);
      expect(body.error!.message).toMatch(/nothing was published$/);
      expect(body.error!.details!.problems[0]).toMatchObject({ index, field });
    }
    for (const id of ['never-1', 'never-2', 'never-3', 'never-4', 'never-5', sample[4].event_id, sample[5].event_id]) {
      const response = await fetch(`${server.url}/v1/records/${encodeURIComponent(String(id))}?${window}`);
      expect({ id, status: response.status }).toEqual({ id, status: 404 });
    }
  });

  test('valid and table-refused events are all accepted, in batches mixing both', async () => {
    const mixed = [...valid.slice(0, 500), ...unstorable, ...valid.slice(500)];
    for (let i = 0; i < mixed.length; i += 700) {
      const batch = mixed.slice(i, i + 700);
      const { status, body } = await post(batch);
      expect(status).toBe(200);
      expect(body.messageIds).toHaveLength(batch.length);
      batch.forEach((event, k) => (unstorable.includes(event) ? deadLettered : published).push({ event, messageId: body.messageIds![k] }));
    }
    expect(deadLettered.map((d) => d.event.event_id)).toEqual(['dead-numeric', 'dead-json', 'dead-date']);
  });

  test('every valid event reads back through the API: the count and every field of the latest version of each key', async () => {
    const latest = new Map<string, AvroJsonEvent>();
    for (const { event } of published) latest.set(String(event.event_id), event);
    const read = new Map<string, WireRecord>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await fetch(`${server.url}/v1/records?${window}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { records: WireRecord[]; nextCursor?: string };
      for (const record of page.records) {
        expect(read.has(String(record.event_id))).toBe(false);
        read.set(String(record.event_id), record);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(read.size).toBe(latest.size);
    for (const [id, event] of latest) {
      const stored = unwrapEvent(flightEvents, event);
      const expected = Object.fromEntries(flightEvents.fields.map((f) => [f.name, expectedWire(f, stored[f.name])]));
      expect({ id, record: read.get(id) }).toEqual({ id, record: expected });
    }
    for (const { event } of deadLettered) {
      expect((await fetch(`${server.url}/v1/records/${event.event_id}?${window}`)).status).toBe(404);
    }
  });

  test('after a graceful stop, every accepted message is in the records table or the dead-letter table, once', async () => {
    expect(await server.stop()).toBe(0);
    const instance = await DuckDBInstance.create(databasePath);
    const connection = await instance.connect();
    try {
      const stored = (await connection.runAndReadAll('SELECT message_id FROM records')).getRowObjects().map((r) => String(r.message_id));
      const dead = (await connection.runAndReadAll('SELECT message_id, reason, data FROM records_dead_letter')).getRowObjects();
      expect(stored.sort()).toEqual(published.map((p) => p.messageId).sort());
      expect(dead.map((r) => String(r.message_id)).sort()).toEqual(deadLettered.map((d) => d.messageId).sort());
      // The raw event is kept as a BLOB of its JSON, as a BigQuery dead-letter table keeps the message data.
      const reasons = Object.fromEntries(dead.map((r) => [JSON.parse(Buffer.from((r.data as DuckDBBlobValue).bytes).toString('utf8')).event_id, String(r.reason)]));
      expect(reasons).toEqual({
        'dead-numeric': expect.stringMatching(/^revenue_eur: "twelve euros" is not a NUMERIC/),
        'dead-json': expect.stringMatching(/^details: is not valid JSON text/),
        'dead-date': expect.stringMatching(/^flight_date: 2147483647 days since the epoch is outside BigQuery's DATE range/),
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
