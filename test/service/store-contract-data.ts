import { Field, FieldDefinition, FieldMode, FieldType, RecordSchema } from '../../src/schema';
import type { ListQuery, StoredEvent, WireRecord, WireValue } from '../../src/service/store/store';
import { epochDaysToDate, int64ToWire, microsToIso } from '../../src/schema/wire';
import { flightEvents } from '../../examples/flights/flight-events';

/**
 * Data sets of the store contract and a reference model of its query semantics (window, de-duplication, filters,
 * order), written independently of any store so every store is compared with the same expectations.
 */

const required = { mode: FieldMode.REQUIRED };
/** 2024-05-01T00:00:00Z in microseconds: every data set lives in May 2024. */
export const T0 = 1_714_521_600_000_000n;
/** One hour in microseconds. */
export const MICROS_PER_HOUR = 3_600_000_000n;
/** publish_time of first versions; re-published versions come later. */
const PUBLISHED = T0 + 240n * MICROS_PER_HOUR;

/** The example schema, re-exported so suites import their data sets from one place. */
export { flightEvents };

/** No key, clustered on INT64, BOOLEAN, DATE and NUMERIC: duplicates stay, message_id breaks ties. */
export const readings = new RecordSchema({
  name: 'Reading',
  fields: [
    Field.timestamp('event_time', required),
    Field.string('sensor', required),
    Field.int64('level'),
    Field.boolean('active'),
    Field.date('day'),
    Field.numeric('price'),
  ],
  eventTimeField: 'event_time',
  clusteringFields: ['level', 'active', 'day', 'price'],
});

/** An INT64 key and a TIMESTAMP clustering field. */
export const tickets = new RecordSchema({
  name: 'Ticket',
  fields: [Field.int64('id', required), Field.timestamp('event_time', required), Field.timestamp('due'), Field.string('state')],
  eventTimeField: 'event_time',
  keyField: 'id',
  clusteringFields: ['due'],
});

const AIRLINES = ['AF', 'KL', 'LH', 'BA'];
const AIRPORTS = ['CDG', 'AMS', 'FRA', 'LHR', 'MAD', 'FCO'];
const STATUSES = ['SCHEDULED', 'BOARDING', 'DEPARTED', 'ARRIVED', 'DELAYED'];

/** Number of distinct flight keys in the bulk of the flights data set. */
export const BULK_FLIGHTS = 2400;

/** Bulk flight i at an event time, with overrides. */
export function flight(i: number, eventTime: bigint, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: `evt-${String(i).padStart(5, '0')}`,
    event_time: eventTime,
    airline: AIRLINES[i % AIRLINES.length],
    flight_number: `${AIRLINES[i % AIRLINES.length]}${1000 + (i % 97)}`,
    flight_date: 19844 + (i % 3),
    origin: AIRPORTS[i % AIRPORTS.length],
    destination: AIRPORTS[(i + 1) % AIRPORTS.length],
    status: STATUSES[i % STATUSES.length],
    scheduled_departure: eventTime + MICROS_PER_HOUR,
    actual_departure: i % 2 === 0 ? eventTime + MICROS_PER_HOUR + 60_000_000n : null,
    scheduled_arrival: eventTime + 3n * MICROS_PER_HOUR,
    actual_arrival: null,
    passengers: i % 7 === 0 ? null : 100 + (i % 80),
    delay_minutes: i % 5,
    load_factor: (i % 100) / 100,
    revenue_eur: `${1000 + i}.${String(i % 100).padStart(2, '0')}`,
    international: i % 3 !== 0,
    aircraft: i % 11 === 0 ? null : { registration: `F-G${String(i % 1000).padStart(3, '0')}`, model: i % 2 ? 'A320' : null, seats: 180 },
    delay_reasons: i % 4 === 0 ? [] : ['WX', `R${i % 9}`],
    details: JSON.stringify({ gate: `K${i % 50}`, n: i }),
    ...overrides,
  };
}

/** One published version of a record. */
export function published(record: Record<string, unknown>, messageId: string, publishTimeMicros: bigint): StoredEvent {
  return { record, messageId, publishTimeMicros };
}

/**
 * Flights: 2,400 keys over 100 hours from T0, five keys per event time (so the key breaks ties), a typed row
 * exercising every wire type, copies of events (same key and event time: the latest publish_time wins, equal
 * publish_time -> highest message_id wins), one key re-used for a later event, and window-edge rows in hour 200.
 */
export function flightData(): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < BULK_FLIGHTS; i++) {
    events.push(published(flight(i, bulkEventTime(i)), `m-${String(i).padStart(6, '0')}`, PUBLISHED + BigInt(i)));
  }
  // Corrected copies: a later copy of the same event (same event time) changes the status.
  for (let i = 0; i < BULK_FLIGHTS; i += 40) {
    events.push(published(flight(i, bulkEventTime(i), { status: 'CANCELLED' }), `n-${String(i).padStart(6, '0')}`, PUBLISHED + 10_000_000n + BigInt(i)));
  }
  // A stale copy published later in the batch order but with an older publish_time must lose.
  events.push(published(flight(1, bulkEventTime(1), { status: 'STALE' }), 'z-stale', PUBLISHED - 1n));
  // Same publish_time as the first copy (m-000002): the highest message_id wins.
  events.push(published(flight(2, bulkEventTime(2), { status: 'TIE-LOSER' }), 'm-000002-a', PUBLISHED + 2n));
  events.push(published(flight(2, bulkEventTime(2), { status: 'TIE-WINNER' }), 'm-000002-b', PUBLISHED + 2n));
  // The same key at another event time is another event: both are listed, the lookup finds the newer one.
  events.push(published(flight(3, T0 + 50n * MICROS_PER_HOUR, { status: 'RESCHEDULED' }), 'r-000003', PUBLISHED + 3n));
  events.push(...edgeFlights(), published(typedFlight(), 'm-typed', PUBLISHED));
  return events;
}

/** Event time of bulk flight i: five keys share each event time, 750 s apart, odd micros to test precision. */
export function bulkEventTime(i: number): bigint {
  return T0 + BigInt(Math.floor(i / 5)) * 750_000_000n + 123n;
}

/** Hour 200: from = EDGE_FROM, to = EDGE_TO; rows at from-1µs, from, to-1µs and to. */
export const EDGE_FROM = T0 + 200n * MICROS_PER_HOUR;
/** End (exclusive) of the edge window. */
export const EDGE_TO = EDGE_FROM + MICROS_PER_HOUR;

function edgeFlights(): StoredEvent[] {
  const at: Array<[string, bigint]> = [
    ['edge-before', EDGE_FROM - 1n],
    ['edge-from', EDGE_FROM],
    ['edge-last', EDGE_TO - 1n],
    ['edge-to', EDGE_TO],
  ];
  return at.map(([id, t], i) => published(flight(9000 + i, t, { event_id: id }), `m-${id}`, PUBLISHED));
}

/** Hour 300: the row whose wire form the contract spells out literally. */
export const TYPED_TIME = T0 + 300n * MICROS_PER_HOUR + 654_321n;

function typedFlight(): Record<string, unknown> {
  return flight(7, TYPED_TIME, {
    event_id: 'typed',
    airline: 'ZZ',
    flight_date: 19844,
    actual_departure: null,
    passengers: 9_007_199_254_740_993n,
    delay_minutes: -42,
    load_factor: 0.8125,
    revenue_eur: '12.50',
    international: false,
    aircraft: { registration: 'F-GKXA', model: null, seats: 174 },
    delay_reasons: ['93', '41'],
    details: '{"gate":"K42","crew":["a","b"],"nested":{"x":1.5,"ok":true,"none":null}}',
  });
}

/** The literal wire form of the typed row (every field). */
export const TYPED_WIRE: WireRecord = {
  event_id: 'typed',
  event_time: '2024-05-13T12:00:00.654321Z',
  airline: 'ZZ',
  flight_number: 'BA1007',
  flight_date: '2024-05-01',
  origin: 'AMS',
  destination: 'FRA',
  status: 'DEPARTED',
  scheduled_departure: '2024-05-13T13:00:00.654321Z',
  actual_departure: null,
  scheduled_arrival: '2024-05-13T15:00:00.654321Z',
  actual_arrival: null,
  passengers: '9007199254740993',
  delay_minutes: -42,
  load_factor: 0.8125,
  revenue_eur: '12.5',
  international: false,
  aircraft: { registration: 'F-GKXA', model: null, seats: 174 },
  delay_reasons: ['93', '41'],
  details: { gate: 'K42', crew: ['a', 'b'], nested: { x: 1.5, ok: true, none: null } },
};

/** Readings: 1,500 rows, 30 per event time (message_id breaks ties), plus exact duplicates of some rows. */
export function readingData(): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < 1500; i++) {
    const record = {
      event_time: T0 + BigInt(Math.floor(i / 30)) * 60_000_000n,
      sensor: `s${i % 13}`,
      level: i % 9 === 0 ? null : i % 4,
      active: i % 5 === 0 ? null : i % 2 === 0,
      day: i % 6 === 0 ? null : 19844 + (i % 3),
      price: i % 7 === 0 ? null : ['12.50', '0.000000001', '-3', '100'][i % 4],
    };
    events.push(published(record, `r-${String(i).padStart(5, '0')}`, PUBLISHED));
    // Without a key nothing is de-duplicated: a re-delivery is a second row.
    if (i % 100 === 0) events.push(published(record, `r-${String(i).padStart(5, '0')}-dup`, PUBLISHED + 1n));
  }
  return events;
}

/** Tickets: INT64 keys (some beyond 2^53), a TIMESTAMP clustering field, one corrected copy. */
export function ticketData(): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let i = 0; i < 300; i++) {
    const id = i < 3 ? 9_007_199_254_740_993n + BigInt(i) : BigInt(i);
    const due = i % 10 === 0 ? null : T0 + BigInt(i % 3) * MICROS_PER_HOUR;
    events.push(published({ id, event_time: T0 + BigInt(Math.floor(i / 4)) * 1_000_000n, due, state: 'open' }, `t-${i}`, PUBLISHED));
  }
  events.push(published({ id: 5n, event_time: T0 + 1_000_000n, due: T0, state: 'closed' }, 't-5-v2', PUBLISHED + 5n));
  return events;
}

/** A list query over [from, to) with every field and no filter, ready to be overridden. */
export function query(schema: RecordSchema, overrides: Partial<ListQuery> = {}): ListQuery {
  return {
    fromMicros: T0,
    toMicros: T0 + 1000n * MICROS_PER_HOUR,
    limit: 1000,
    fields: schema.fieldNames,
    filters: {},
    ...overrides,
  };
}

/** Every record the contract says a list query matches (all pages), in order, in wire form. */
export function expectedRecords(schema: RecordSchema, events: StoredEvent[], q: ListQuery): WireRecord[] {
  const inWindow = events.filter((e) => {
    const t = BigInt(e.record[schema.eventTimeField] as bigint);
    return t >= q.fromMicros && t < q.toMicros;
  });
  const versions = schema.keyField ? latestCopies(schema, inWindow) : inWindow;
  const matching = versions.filter((e) =>
    Object.entries(q.filters).every(([name, value]) => expectedWire(schema.field(name)!, e.record[name]) === value),
  );
  const tie = (e: StoredEvent) => (schema.keyField ? e.record[schema.keyField] : e.messageId) as string | bigint;
  matching.sort((a, b) => {
    const ta = BigInt(a.record[schema.eventTimeField] as bigint);
    const tb = BigInt(b.record[schema.eventTimeField] as bigint);
    if (ta !== tb) return ta > tb ? -1 : 1;
    return compare(tie(b), tie(a));
  });
  return matching.map((e) => Object.fromEntries(q.fields.map((f) => [f, expectedWire(schema.field(f)!, e.record[f])])));
}

/** One copy per event (key and event time): the latest publish_time, then the highest message_id. */
function latestCopies(schema: RecordSchema, events: StoredEvent[]): StoredEvent[] {
  const latest = new Map<string, StoredEvent>();
  for (const e of events) {
    const key = `${String(e.record[schema.keyField!])}@${String(e.record[schema.eventTimeField])}`;
    const current = latest.get(key);
    const newer =
      !current ||
      e.publishTimeMicros > current.publishTimeMicros ||
      (e.publishTimeMicros === current.publishTimeMicros && e.messageId > current.messageId);
    if (newer) latest.set(key, e);
  }
  return [...latest.values()];
}

function compare(a: string | bigint | number, b: string | bigint | number): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The wire form the contract promises for a stored value (independent of any store's converter). */
export function expectedWire(field: FieldDefinition, value: unknown): WireValue {
  if (field.mode === FieldMode.REPEATED) return ((value as unknown[] | null) ?? []).map((v) => expectedScalar(field, v));
  return expectedScalar(field, value);
}

function expectedScalar(field: FieldDefinition, value: unknown): WireValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case FieldType.INT64:
      return int64ToWire(value as bigint | number);
    case FieldType.TIMESTAMP:
      return microsToIso(BigInt(value as bigint));
    case FieldType.DATE:
      return epochDaysToDate(value as number);
    case FieldType.NUMERIC:
      return canonicalDecimal(value as string);
    case FieldType.JSON:
      return JSON.parse(value as string);
    case FieldType.RECORD:
      return Object.fromEntries((field.fields ?? []).map((f) => [f.name, expectedWire(f, (value as Record<string, unknown>)[f.name])]));
    default:
      return value as WireValue;
  }
}

function canonicalDecimal(text: string): string {
  const [whole, fraction = ''] = text.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed ? `${whole}.${trimmed}` : whole;
}
