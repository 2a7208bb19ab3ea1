import type { RecordSchema } from '../../src/schema';
import { AppConfig, createApp } from '../../src/service/app';
import type { Publisher } from '../../src/service/events/publisher';
import { LogEntry, Severity, createLogger } from '../../src/service/logger';
import type { Store } from '../../src/service/store/store';
import { T0 } from './store-contract-data';

/** "Now" in app tests: one day after the data sets start, so the default window [now - 24 h, now) holds data. */
export const NOW_MILLIS = Number(T0 / 1000n) + 86_400_000;

/** An app over the given store with a pinned clock and logs captured in memory (tests stay quiet). */
export function harness(options: {
  store: Store;
  schema: RecordSchema;
  publisher?: Publisher;
  config?: Partial<AppConfig>;
  eventSchema?: RecordSchema;
  docsAssetDirectories?: readonly string[];
  nowMillis?: number;
}) {
  const logs: LogEntry[] = [];
  // Readiness waits 5 s here: a real DuckDB ping on a loaded CI machine can take longer than a production-like 100 ms,
  // and only the readiness tests (which set their own timeout) are about that wait.
  const app = createApp({
    store: options.store,
    schema: options.schema,
    config: { pipelineName: 'test-pipeline', maxQueryWindowDays: 31, projectId: 'test-project', readinessTimeoutMs: 5000, ...options.config },
    logger: createLogger((entry) => logs.push(entry), Severity.DEBUG),
    clock: { nowMillis: () => options.nowMillis ?? NOW_MILLIS },
    publisher: options.publisher,
    eventSchema: options.eventSchema,
    docsAssetDirectories: options.docsAssetDirectories,
  });
  return { app, logs };
}

/** A store whose every method fails or answers as told. */
export function stubStore(overrides: Partial<Store> = {}): Store {
  return {
    list: async () => ({ records: [] }),
    get: async () => undefined,
    ping: async () => undefined,
    close: async () => undefined,
    ...overrides,
  };
}

/** The error body of a response, checked for the one error shape and the absence of stack traces. */
export async function errorOf(response: Response): Promise<{ code: string; message: string; details?: unknown }> {
  const text = await response.text();
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

/** A response's JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function bodyOf(response: Response): Promise<any> {
  return response.json();
}

/** Nested-record branch name of the flights schema's `aircraft` union in Avro's JSON encoding. */
export const AIRCRAFT = 'com.example.flights.FlightEvent_aircraft';

/** A valid flight event in Avro's JSON encoding (what Pub/Sub accepts), an hour before `NOW_MILLIS`. */
export function validFlightEvent(id = 'evt-1'): Record<string, unknown> {
  return {
    event_id: id,
    event_time: (NOW_MILLIS - 3_600_000) * 1000 + 123,
    airline: 'AF',
    flight_number: 'AF1234',
    flight_date: 19845,
    origin: 'CDG',
    destination: 'JFK',
    status: 'DEPARTED',
    scheduled_departure: (NOW_MILLIS - 3_600_000) * 1000,
    actual_departure: { long: (NOW_MILLIS - 3_500_000) * 1000 },
    scheduled_arrival: NOW_MILLIS * 1000,
    actual_arrival: null,
    passengers: { long: 180 },
    delay_minutes: null,
    load_factor: { double: 0.92 },
    revenue_eur: { string: '35120.50' },
    international: true,
    aircraft: { [AIRCRAFT]: { registration: 'F-GKXA', model: { string: 'A320' }, seats: { long: 174 } } },
    delay_reasons: ['WX'],
    details: { string: '{"gate":"K42"}' },
  };
}
