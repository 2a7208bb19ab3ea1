import { AvroJsonEvent, wrapEvent } from '../../src/service/events/avro-event';
import { flightEvents } from './flight-events';

/** Options of the sample generator. */
export interface SampleFlightOptions {
  /** Events end just before this time (milliseconds since the epoch). */
  readonly nowMillis: number;
  /**
   * Flights generated; each yields 2 to 5 events.
   *
   * @default 1500
   */
  readonly flights?: number;
  /**
   * Days of history the flights spread over, ending at `nowMillis`.
   *
   * @default 5
   */
  readonly days?: number;
  /**
   * Seed of the pseudo-random generator: the same seed and time give the same events.
   *
   * @default 42
   */
  readonly seed?: number;
}

const AIRLINES = [
  { code: 'AF', hub: 'CDG' },
  { code: 'KL', hub: 'AMS' },
  { code: 'LH', hub: 'FRA' },
  { code: 'BA', hub: 'LHR' },
  { code: 'IB', hub: 'MAD' },
  { code: 'AZ', hub: 'FCO' },
  { code: 'LX', hub: 'ZRH' },
  { code: 'SK', hub: 'CPH' },
];
const AIRPORTS: Record<string, string> = {
  CDG: 'FR', ORY: 'FR', NCE: 'FR', AMS: 'NL', FRA: 'DE', MUC: 'DE', LHR: 'GB', MAD: 'ES', BCN: 'ES',
  FCO: 'IT', ZRH: 'CH', CPH: 'DK', LIS: 'PT', VIE: 'AT', DUB: 'IE', JFK: 'US',
};
const AIRCRAFT = [
  { model: 'A320', seats: 174 },
  { model: 'A321', seats: 212 },
  { model: 'A319', seats: 142 },
  { model: 'B737', seats: 186 },
  { model: 'E190', seats: 100 },
  { model: 'A350', seats: 324 },
];
const DELAY_CODES = ['WX', '93', '81', '41', '63', '17'];
const MINUTE = 60_000;
const MICROS_PER_MILLI = 1000n;

/** A small deterministic PRNG (mulberry32), so every `npm start` shows the same data shape. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic flight events in Avro's JSON encoding (what a producer publishes to the topic): each flight goes
 * SCHEDULED, BOARDING, DEPARTED, ARRIVED, some are DELAYED or CANCELLED, and about 5% of events are published a
 * second time with corrected values under the same event_id, so the API's de-duplication shows.
 */
export function sampleFlightEvents(options: SampleFlightOptions): AvroJsonEvent[] {
  const next = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const airports = Object.keys(AIRPORTS);
  const spanMillis = (options.days ?? 5) * 24 * 60 * MINUTE;
  const events: Array<Record<string, unknown>> = [];
  const republished: Array<Record<string, unknown>> = [];

  for (let i = 0; i < (options.flights ?? 1500); i++) {
    const airline = pick(AIRLINES);
    const outbound = next() < 0.5;
    let other = pick(airports);
    if (other === airline.hub) other = airline.hub === 'JFK' ? 'CDG' : 'JFK';
    const origin = outbound ? airline.hub : other;
    const destination = outbound ? other : airline.hub;
    const aircraft = pick(AIRCRAFT);
    // Whole minutes, at least 4 hours before now, so every event of the flight lies in the past.
    const departure = Math.floor((options.nowMillis - 4 * 60 * MINUTE - next() * (spanMillis - 5 * 60 * MINUTE)) / MINUTE) * MINUTE;
    const blockMinutes = 60 + Math.floor(next() * 180);
    const arrival = departure + blockMinutes * MINUTE;
    const cancelled = next() < 0.03;
    const delayMinutes = next() < 0.25 ? 5 + Math.floor(next() * 120) : 0;
    const passengers = Math.floor(aircraft.seats * (0.55 + next() * 0.45));
    // 7919 is prime and coprime with 8900: every flight of a run gets its own number.
    const flightNumber = `${airline.code}${100 + ((i * 7919) % 8900)}`;
    const flightDate = new Date(departure).toISOString().slice(0, 10);
    const base = {
      airline: airline.code,
      flight_number: flightNumber,
      flight_date: flightDate,
      origin,
      destination,
      scheduled_departure: micros(departure),
      actual_departure: null as bigint | null,
      scheduled_arrival: micros(arrival),
      actual_arrival: null as bigint | null,
      passengers: null as number | null,
      delay_minutes: null as number | null,
      load_factor: null as number | null,
      revenue_eur: null as string | null,
      international: AIRPORTS[origin] !== AIRPORTS[destination],
      aircraft: { registration: `${airline.code === 'AF' ? 'F-G' : `${airline.code}-`}${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}${String.fromCharCode(65 + ((i * 13) % 26))}`, model: aircraft.model, seats: aircraft.seats },
      delay_reasons: [] as string[],
      details: null as string | null,
    };
    const event = (status: string, at: number, overrides: Record<string, unknown> = {}) => ({
      ...base,
      event_id: `${flightNumber}-${flightDate}-${status}`,
      event_time: micros(at),
      flight_date: daysSinceEpoch(flightDate),
      status,
      ...overrides,
    });
    const sold = { passengers, load_factor: Math.round((passengers / aircraft.seats) * 1000) / 1000, revenue_eur: (passengers * (80 + next() * 220)).toFixed(2) };
    events.push(event('SCHEDULED', departure - (20 + Math.floor(next() * 48)) * 60 * MINUTE));
    if (cancelled) {
      events.push(event('CANCELLED', departure - 90 * MINUTE, { delay_reasons: [pick(DELAY_CODES)], details: JSON.stringify({ note: 'crew shortage', rebooked: true }) }));
      continue;
    }
    if (delayMinutes > 0) {
      const reasons = [pick(DELAY_CODES), pick(DELAY_CODES)].filter((c, k, all) => all.indexOf(c) === k);
      events.push(event('DELAYED', departure - 30 * MINUTE, { delay_minutes: delayMinutes, delay_reasons: reasons }));
    }
    const actualDeparture = departure + delayMinutes * MINUTE;
    const gate = `${pick(['A', 'B', 'C', 'D', 'K', 'L'])}${1 + Math.floor(next() * 60)}`;
    events.push(event('BOARDING', actualDeparture - 35 * MINUTE, { details: JSON.stringify({ gate }) }));
    const departed = event('DEPARTED', actualDeparture, { ...sold, actual_departure: micros(actualDeparture), delay_minutes: delayMinutes, details: JSON.stringify({ gate, runway: pick(['09L', '27R', '26', '08']) }) });
    events.push(departed);
    const actualArrival = arrival + (delayMinutes - 10 + Math.floor(next() * 20)) * MINUTE;
    events.push(event('ARRIVED', actualArrival, { ...sold, actual_departure: micros(actualDeparture), actual_arrival: micros(actualArrival), delay_minutes: delayMinutes }));
    // The airline corrects the passenger count a few minutes later: same event_id, published again.
    if (next() < 0.05) republished.push({ ...departed, passengers: passengers - 1, details: JSON.stringify({ gate, corrected: true }) });
  }
  return [...events, ...republished].map((e) => wrapEvent(flightEvents, e));
}

function micros(millis: number): bigint {
  return BigInt(millis) * MICROS_PER_MILLI;
}

function daysSinceEpoch(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}
