import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flightApiFields, flightEvents } from '../../examples/flights/flight-events';
import { Field, RecordSchema } from '../../src/schema';
import { parseConfig } from '../../src/service/config';
import { createLogger } from '../../src/service/logger';
import { startService } from '../../src/service/server';
import { validFlightEvent } from '../service/app-harness';

/** The flights schema with `gate` added at the end, as docs/schema-evolution.md tells `npm start` users to do. */
const withGate = new RecordSchema({ ...JSON.parse(flightEvents.toJson()).schema, fields: [...flightEvents.fields, Field.string('gate', { description: 'Departure gate.' })] });

/** Starts the local service on a database file, as `npm start` does with DUCKDB_PATH. */
function start(schema: RecordSchema, path: string) {
  const config = parseConfig({
    STORE: 'duckdb',
    PORT: '0',
    DUCKDB_PATH: path,
    PIPELINE_NAME: 'flights',
    PIPELINE_SCHEMA: schema.project([...flightApiFields, ...schema.fieldNames.filter((n) => !flightEvents.field(n))]).toJson(),
    EVENTS_SCHEMA: schema.toJson(),
  });
  return startService(config, createLogger(() => undefined));
}

async function post(url: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  expect(res.status).toBe(200);
}

describe('local pipeline: a field added between two starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-evolution-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('old and new events are served side by side, old rows with the new field null', async () => {
    const path = join(dir, 'flights.duckdb');
    const eventTime = (Date.now() - 3_600_000) * 1000;
    const before = await start(flightEvents, path);
    try {
      await post(before.url, [{ ...validFlightEvent('old-1'), event_time: eventTime }, { ...validFlightEvent('old-2'), event_time: eventTime + 1 }]);
    } finally {
      await before.close();
    }

    const after = await start(withGate, path);
    try {
      // Old producers keep publishing without the field; new ones send it.
      await post(after.url, [{ ...validFlightEvent('old-3'), event_time: eventTime + 2 }, { ...validFlightEvent('new-1'), event_time: eventTime + 3, gate: { string: 'K42' } }]);
      const res = await fetch(`${after.url}/v1/records?fields=event_id,gate`);
      expect(res.status).toBe(200);
      const { records } = (await res.json()) as { records: Array<{ event_id: string; gate: string | null }> };
      expect(records.map(({ event_id, gate }) => ({ event_id, gate }))).toEqual([
        { event_id: 'new-1', gate: 'K42' },
        { event_id: 'old-3', gate: null },
        { event_id: 'old-2', gate: null },
        { event_id: 'old-1', gate: null },
      ]);
      // A page of every served field is sent as the index keeps it: rewritten at the restart, so old rows have the field too.
      const all = await fetch(`${after.url}/v1/records`);
      expect(all.headers.get('content-type')).toBe('application/json');
      const page = (await all.json()) as { records: Array<Record<string, unknown>> };
      expect(page.records.map((r) => [r.event_id, r.gate])).toEqual([['new-1', 'K42'], ['old-3', null], ['old-2', null], ['old-1', null]]);
      const openapi = JSON.stringify(await (await fetch(`${after.url}/openapi.json`)).json());
      expect(openapi).toContain('"gate"');
    } finally {
      await after.close();
    }
  });

  test('fails to start when the schema changed in a way the table cannot take, naming the field', async () => {
    const path = join(dir, 'typed.duckdb');
    const first = await start(flightEvents, path);
    await first.close();
    const retyped = new RecordSchema({ ...JSON.parse(flightEvents.toJson()).schema, fields: flightEvents.fields.map((f) => (f.name === 'passengers' ? Field.string('passengers') : f)) });
    await expect(start(retyped, path)).rejects.toThrow(/cannot take the schema in place:\n {2}- passengers: the table holds BIGINT, the schema says VARCHAR/);
  });
});
