import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { flightEvents } from '../../examples/flights/flight-events';
import { sampleFlightEvents } from '../../examples/flights/sample-events';
import { AvroJsonEvent, unwrapEvent } from '../../src/service/events/avro-event';
import type { WireRecord } from '../../src/service/store/store';
import { microsToIso } from '../../src/schema/wire';
import { bodyOf } from './app-harness';
import { expectedWire } from './store-contract-data';

/**
 * The end-to-end integration test: the real server process (DuckDB store) on a free port; events published
 * over HTTP come back through the API field by field, thousands of rows page without gaps or duplicates, and a
 * re-published key shows only its latest version.
 */

const root = join(__dirname, '..', '..');
let child: ChildProcess;
let baseUrl: string;
let output = '';

/** Starts `src/service/server.ts` under tsx and resolves once it logs the port it listens on. */
function startServer(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/service/server.ts')], {
    cwd: root,
    env: { ...process.env, STORE: 'duckdb', PORT: '0', PIPELINE_SCHEMA: flightEvents.toJson(), PIPELINE_NAME: 'integration' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"message":"listening on port (\d+)"/.exec(output);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

async function getJson(path: string) {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: await bodyOf(response) };
}

async function publish(events: AvroJsonEvent[]): Promise<string[]> {
  const response = await fetch(`${baseUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  const body = (await response.json()) as { messageIds: string[] };
  if (response.status !== 200) throw new Error(`publish failed: ${response.status} ${JSON.stringify(body)}`);
  return body.messageIds;
}

/** What the API must answer for an event: its fields in wire form, computed independently of the service. */
function expectedRecord(event: AvroJsonEvent): WireRecord {
  const record = unwrapEvent(flightEvents, event);
  return Object.fromEntries(flightEvents.fields.map((f) => [f.name, expectedWire(f, record[f.name])]));
}

/** The latest version of each key, as the API must show it (later in publish order wins). */
function latestByKey(events: AvroJsonEvent[]): Map<string, AvroJsonEvent> {
  const latest = new Map<string, AvroJsonEvent>();
  for (const event of events) latest.set(event.event_id as string, event);
  return latest;
}

describe('integration: the real server process with the DuckDB store', () => {
  const events = sampleFlightEvents({ nowMillis: Date.now() - 60_000, flights: 900, days: 4 });
  const times = events.map((e) => BigInt(e.event_time as number));
  const from = microsToIso(times.reduce((a, b) => (a < b ? a : b)));
  const to = microsToIso(times.reduce((a, b) => (a > b ? a : b)) + 1n);
  const window = `from=${from}&to=${to}`;

  beforeAll(async () => {
    baseUrl = await startServer();
    for (let i = 0; i < events.length; i += 1000) await publish(events.slice(i, i + 1000));
  }, 60_000);

  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  test('the service is healthy and ready', async () => {
    expect((await getJson('/healthz')).status).toBe(200);
    expect((await getJson('/readyz')).status).toBe(200);
  });

  test('published events read back field by field, types included', async () => {
    const latest = latestByKey(events);
    const sample = [...latest.values()].filter((_, i) => i % 37 === 0);
    expect(sample.length).toBeGreaterThan(50);
    for (const event of sample) {
      const { status, body } = await getJson(`/v1/records/${encodeURIComponent(event.event_id as string)}?${window}`);
      expect(status).toBe(200);
      const expected = expectedRecord(event);
      expect(Object.keys(body)).toEqual(Object.keys(expected));
      for (const [field, value] of Object.entries(expected)) {
        expect({ field, value: body[field], type: typeof body[field] }).toEqual({ field, value, type: typeof value });
      }
    }
  });

  test('two hand-written events read back as literals written from the wire format, not from the service\'s converters', async () => {
    // Avro JSON as a producer sends it: timestamps in microseconds, dates in days, nullable fields as wrapped unions.
    const full: AvroJsonEvent = {
      event_id: 'literal-full', event_time: 1714604400000123, airline: 'AF', flight_number: 'AF1234', flight_date: 19845,
      origin: 'CDG', destination: 'JFK', status: 'DEPARTED', scheduled_departure: 1714604400000000,
      actual_departure: { long: 1714604500000000 }, scheduled_arrival: 1714608000000000, actual_arrival: { long: 1714608000000001 },
      passengers: { long: 180 }, delay_minutes: { long: 9007199254740990 }, load_factor: { double: 0.92 }, revenue_eur: { string: '35120.50' },
      international: true,
      aircraft: { 'com.example.flights.FlightEvent_aircraft': { registration: 'F-GKXA', model: { string: 'A320' }, seats: { long: 174 } } },
      delay_reasons: ['WX', '93'], details: { string: '{"gate":"K42","crew":[1,2]}' },
    };
    const empty: AvroJsonEvent = {
      ...full, event_id: 'literal-nulls', actual_departure: null, actual_arrival: null, passengers: null, delay_minutes: null,
      load_factor: null, revenue_eur: null, aircraft: null, delay_reasons: [], details: null,
    };
    await publish([full, empty]);
    const window = 'from=2024-05-01T22:00:00Z&to=2024-05-02T00:00:00Z';
    // The wire format as the README states it: ISO 8601 UTC timestamps with microseconds, INT64 as a number when safe
    // and a decimal string otherwise, NUMERIC as a string, DATE as YYYY-MM-DD, JSON as JSON, records as objects.
    expect((await getJson(`/v1/records/literal-full?${window}`)).body).toEqual({
      event_id: 'literal-full', event_time: '2024-05-01T23:00:00.000123Z', airline: 'AF', flight_number: 'AF1234', flight_date: '2024-05-02',
      origin: 'CDG', destination: 'JFK', status: 'DEPARTED', scheduled_departure: '2024-05-01T23:00:00.000000Z',
      actual_departure: '2024-05-01T23:01:40.000000Z', scheduled_arrival: '2024-05-02T00:00:00.000000Z', actual_arrival: '2024-05-02T00:00:00.000001Z',
      passengers: 180, delay_minutes: 9007199254740990, load_factor: 0.92, revenue_eur: '35120.5',
      international: true, aircraft: { registration: 'F-GKXA', model: 'A320', seats: 174 },
      delay_reasons: ['WX', '93'], details: { gate: 'K42', crew: [1, 2] },
    });
    expect((await getJson(`/v1/records/literal-nulls?${window}`)).body).toEqual({
      event_id: 'literal-nulls', event_time: '2024-05-01T23:00:00.000123Z', airline: 'AF', flight_number: 'AF1234', flight_date: '2024-05-02',
      origin: 'CDG', destination: 'JFK', status: 'DEPARTED', scheduled_departure: '2024-05-01T23:00:00.000000Z',
      actual_departure: null, scheduled_arrival: '2024-05-02T00:00:00.000000Z', actual_arrival: null,
      passengers: null, delay_minutes: null, load_factor: null, revenue_eur: null,
      international: true, aircraft: null, delay_reasons: [], details: null,
    });
  });

  test('pages through thousands of rows with no gaps and no duplicates, newest first', async () => {
    const latest = latestByKey(events);
    expect(latest.size).toBeGreaterThan(3000);
    const seen: Array<{ event_id: string; event_time: string }> = [];
    let cursor: string | undefined;
    do {
      const { status, body } = await getJson(`/v1/records?${window}&limit=487&fields=event_id${cursor ? `&cursor=${cursor}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.records);
      cursor = body.nextCursor;
    } while (cursor);
    const ids = seen.map((r) => r.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(latest.keys()));
    for (let i = 1; i < seen.length; i++) {
      const ordered = seen[i - 1].event_time > seen[i].event_time || (seen[i - 1].event_time === seen[i].event_time && seen[i - 1].event_id > seen[i].event_id);
      expect(ordered).toBe(true);
    }
  });

  test('a re-published key shows only its latest version', async () => {
    const original = events.find((e) => e.status === 'DEPARTED')!;
    const before = await getJson(`/v1/records/${original.event_id}?${window}&fields=status,passengers`);
    expect(before.status).toBe(200);
    await publish([{ ...original, passengers: { long: 1 }, delay_reasons: ['93', '41'] }]);
    const after = await getJson(`/v1/records/${original.event_id}?${window}&fields=passengers,delay_reasons`);
    expect(after.body).toEqual({ event_time: microsToIso(BigInt(original.event_time as number)), passengers: 1, delay_reasons: ['93', '41'] });
    const filtered = await getJson(`/v1/records?${window}&airline=${original.airline}&origin=${original.origin}&limit=1000&fields=event_id,passengers`);
    const matches = filtered.body.records.filter((r: WireRecord) => r.event_id === original.event_id);
    expect(matches).toEqual([{ event_id: original.event_id, event_time: microsToIso(BigInt(original.event_time as number)), passengers: 1 }]);
  });

  test('an invalid event is refused over HTTP and nothing of its batch is stored', async () => {
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ ...events[0], event_id: 'never-stored' }, { ...events[1], passengers: 5 }]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^event 1, field passengers/);
    expect((await getJson(`/v1/records/never-stored?${window}`)).status).toBe(404);
  });

  test('stops gracefully on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/SIGTERM received/);
  });
});
