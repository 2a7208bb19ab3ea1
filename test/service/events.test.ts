import { flightEvents } from '../../examples/flights/flight-events';
import { sampleFlightEvents } from '../../examples/flights/sample-events';
import { AvroEventValidator, unwrapEvent, wrapEvent } from '../../src/service/events/avro-event';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { PubSubRestPublisher } from '../../src/service/events/pubsub-rest-publisher';
import { createLogger } from '../../src/service/logger';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { AIRCRAFT, NOW_MILLIS, bodyOf, errorOf, harness, stubStore, validFlightEvent } from './app-harness';
import { FakePubSub, PublishRequest, startFakePubSub } from './fake-pubsub';

const valid = () => validFlightEvent();

async function setup() {
  const store = await DuckDbStore.create({ schema: flightEvents });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger((e) => logs.push(e));
  const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: { nowMillis: () => NOW_MILLIS }, logger });
  const { app } = harness({ store, schema: flightEvents, publisher });
  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.request('/v1/events', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { store, app, post, logs };
}

describe('POST /v1/events (local)', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    env = await setup();
  });
  afterEach(() => env.store.close());

  test('accepts one event, answers its message id, and the record is queryable at once', async () => {
    const res = await env.post(valid());
    expect(res.status).toBe(200);
    const { messageIds } = await bodyOf(res);
    expect(messageIds).toEqual([expect.stringMatching(/^\d+$/)]);
    const record = await bodyOf(await env.app.request('/v1/records/evt-1'));
    expect(record).toEqual({
      event_id: 'evt-1',
      event_time: '2024-05-01T23:00:00.000123Z',
      airline: 'AF',
      flight_number: 'AF1234',
      flight_date: '2024-05-02',
      origin: 'CDG',
      destination: 'JFK',
      status: 'DEPARTED',
      scheduled_departure: '2024-05-01T23:00:00.000000Z',
      actual_departure: '2024-05-01T23:01:40.000000Z',
      scheduled_arrival: '2024-05-02T00:00:00.000000Z',
      actual_arrival: null,
      passengers: 180,
      delay_minutes: null,
      load_factor: 0.92,
      revenue_eur: '35120.5',
      international: true,
      aircraft: { registration: 'F-GKXA', model: 'A320', seats: 174 },
      delay_reasons: ['WX'],
      details: { gate: 'K42' },
    });
    const stored = await env.store.withConnection((c) => c.runAndReadAll(`SELECT message_id, publish_time FROM ${env.store.tableName}`));
    expect(stored.getRowObjectsJson()).toEqual([{ message_id: messageIds[0], publish_time: '2024-05-02 00:00:00' }]);
  });

  test('accepts a batch; a re-published key shows its latest version only', async () => {
    const batch = [valid(), { ...valid(), event_id: 'evt-2' }, { ...valid(), status: 'ARRIVED' }];
    const { messageIds } = await bodyOf(await env.post(batch));
    expect(messageIds).toHaveLength(3);
    expect(new Set(messageIds).size).toBe(3);
    const { records } = await bodyOf(await env.app.request('/v1/records?fields=event_id,status'));
    expect(records.map((r: { event_id: string; status: string }) => `${r.event_id}:${r.status}`)).toEqual(['evt-2:DEPARTED', 'evt-1:ARRIVED']);
  });

  const invalid: Array<[string, (e: Record<string, unknown>) => unknown, RegExp]> = [
    ['a required field is missing', ({ airline: _a, ...rest }) => rest, /^the event, field airline: expected string, got nothing \(the field is missing\)/],
    ['a value has the wrong type', (e) => ({ ...e, international: 'yes' }), /^the event, field international: expected boolean, got "yes"/],
    ['a nullable value is not wrapped', (e) => ({ ...e, passengers: 180 }), /^the event, field passengers: expected null or \{"long": value\}, got 180/],
    ['a union branch has the wrong name', (e) => ({ ...e, passengers: { int: 1 } }), /field passengers: expected null or \{"long": value\}/],
    ['a nested value has the wrong type', (e) => ({ ...e, aircraft: { [AIRCRAFT]: { registration: 7, model: null, seats: null } } }), new RegExp(`field aircraft\\["${AIRCRAFT.replace(/\./g, '\\.')}"\\]\\.registration: expected string, got 7`)],
    ['a repeated item has the wrong type', (e) => ({ ...e, delay_reasons: ['WX', 41] }), /field delay_reasons\[1\]: expected string, got 41/],
    ['a field is not in the schema', (e) => ({ ...e, gate: 'K42' }), /^the event: "gate" is not a field of com\.example\.flights\.FlightEvent/],
    ['a long exceeds 2^53', (e) => ({ ...e, event_time: 2 ** 60 }), /field event_time: expected an integer \(Avro long/],
    ['a timestamp is an ISO string', (e) => ({ ...e, event_time: '2024-05-01T00:00:00Z' }), /field event_time: expected an integer/],
    ['the event is not an object', () => 42, /^the event: expected an object/],
  ];
  test.each(invalid)('fails when %s: 400 naming the field, nothing stored', async (_name, mutate, message) => {
    const res = await env.post(mutate(valid()));
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect((await bodyOf(await env.app.request('/v1/records'))).records).toEqual([]);
  });

  test('fails when one event of a batch is invalid: the whole batch is refused, naming the index', async () => {
    const batch = [valid(), { ...valid(), event_id: 'evt-2' }, { ...valid(), event_id: 'evt-3', origin: null }, { ...valid(), status: 5 }];
    const res = await env.post(batch);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.message).toMatch(/^event 2, field origin: expected string, got null \(and 1 more problems\); nothing was published/);
    expect(error.details).toEqual({
      problems: [
        { index: 2, field: 'origin', message: 'expected string, got null' },
        { index: 3, field: 'status', message: 'expected string, got 5' },
      ],
    });
    const count = await env.store.withConnection((c) => c.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${env.store.tableName}`));
    expect(count.getRowObjectsJson()).toEqual([{ n: 0 }]);
  });

  test.each([
    ['the body is not JSON', '{"event_id":', /^the body is not valid JSON/],
    ['the batch is empty', [], /^send 1 to 1000 events per request, got 0/],
    ['the batch is too large', Array.from({ length: 1001 }, () => ({})), /^send 1 to 1000 events per request, got 1001/],
  ])('fails when %s', async (_name, body, message) => {
    const res = await env.post(body);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(message);
  });

  test('fails when the content type is not JSON: 415', async () => {
    const res = await env.post(valid(), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('fails when the body is too large: 413', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents, publisher: { publish: async () => [] }, config: { maxBodyBytes: 1024 } });
    const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([valid(), valid(), valid()]) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('fails when the body is over 1 MiB by default: 413 (about one Pub/Sub message)', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents, publisher: { publish: async () => [] } });
    const event = JSON.stringify(valid());
    const body = `[${Array(Math.ceil((1024 * 1024) / event.length) + 1).fill(event).join(',')}]`;
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).message).toMatch(/larger than 1048576 bytes/);
  });

  test('values Avro accepts but the table refuses are dead-lettered, logged, and not lost', async () => {
    const res = await env.post([{ ...valid(), event_id: 'bad', revenue_eur: { string: 'lots' } }, { ...valid(), event_id: 'good' }]);
    expect(res.status).toBe(200);
    const { messageIds } = await bodyOf(res);
    const { records } = await bodyOf(await env.app.request('/v1/records?fields=event_id'));
    expect(records.map((r: { event_id: string }) => r.event_id)).toEqual(['good']);
    const dead = await env.store.withConnection((c) => c.runAndReadAll(`SELECT message_id, reason FROM ${env.store.deadLetterTableName}`));
    expect(dead.getRowObjectsJson()).toEqual([{ message_id: messageIds[0], reason: expect.stringMatching(/^revenue_eur: "lots" is not a NUMERIC/) }]);
    expect(env.logs).toContainEqual(expect.objectContaining({ severity: 'WARNING', message: expect.stringMatching(/dead-lettered: revenue_eur/) }));
  });

  test('fails when the method is not POST: 405 with Allow', async () => {
    const res = await env.app.request('/v1/events');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  test('events are validated against the topic schema, not the narrower exposed one', async () => {
    const published: unknown[] = [];
    const exposed = flightEvents.project(['event_id', 'airline', 'status']);
    const { app } = harness({ store: stubStore(), schema: exposed, eventSchema: flightEvents, publisher: { publish: async (e) => (published.push(...e), ['1']) } });
    const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid()) });
    expect(res.status).toBe(200);
    expect(published).toEqual([valid()]);
  });

  test('without a publisher the route does not exist', async () => {
    const { app } = harness({ store: stubStore(), schema: flightEvents });
    expect((await app.request('/v1/events', { method: 'POST', body: '{}' })).status).toBe(404);
  });
});

describe('Avro JSON encoding', () => {
  test('the sample events are valid and survive unwrap + wrap unchanged', () => {
    const validator = new AvroEventValidator(flightEvents);
    const events = sampleFlightEvents({ nowMillis: NOW_MILLIS, flights: 200 });
    expect(events.length).toBeGreaterThan(600);
    for (const event of events) {
      expect(validator.problem(event)).toBeUndefined();
      expect(wrapEvent(flightEvents, unwrapEvent(flightEvents, event))).toEqual(event);
    }
  });

  test('the sample events are deterministic and hold re-published keys', () => {
    const a = sampleFlightEvents({ nowMillis: NOW_MILLIS });
    expect(sampleFlightEvents({ nowMillis: NOW_MILLIS })).toEqual(a);
    expect(new Set(a.map((e) => e.event_id)).size).toBeLessThan(a.length);
  });
});

describe('PubSubRestPublisher against a local fake Pub/Sub', () => {
  let pubsub: FakePubSub;
  let url: string;
  let requests: PublishRequest[];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  beforeAll(async () => {
    pubsub = await startFakePubSub();
    pubsub.respond = () => answer;
    ({ url, requests } = pubsub);
  });
  afterAll(() => pubsub.close());
  beforeEach(() => {
    requests.length = 0;
  });

  const topic = 'projects/my-project/topics/flight-events';
  const appWith = (publisher: PubSubRestPublisher) => harness({ store: stubStore(), schema: flightEvents, publisher }).app;
  const post = (app: ReturnType<typeof appWith>, body: unknown) =>
    app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('publishes one request per batch, data base64 JSON, with a bearer token', async () => {
    answer = { status: 200, body: { messageIds: ['11', '12'] } };
    const app = appWith(new PubSubRestPublisher({ topic, endpoint: url, accessToken: async () => 'token-1' }));
    const res = await post(app, [valid(), { ...valid(), event_id: 'evt-2' }]);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ messageIds: ['11', '12'] });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(`/v1/${topic}:publish`);
    expect(requests[0].auth).toBe('Bearer token-1');
    expect(requests[0].body.messages.map((m) => JSON.parse(Buffer.from(m.data, 'base64').toString('utf8')))).toEqual([valid(), { ...valid(), event_id: 'evt-2' }]);
  });

  test('invalid events never reach Pub/Sub', async () => {
    const app = appWith(new PubSubRestPublisher({ topic, endpoint: url, accessToken: null }));
    expect((await post(app, { ...valid(), status: null })).status).toBe(400);
    expect(requests).toHaveLength(0);
  });

  test('fails when Pub/Sub refuses the events: 400 with its reason', async () => {
    answer = { status: 400, body: { error: { code: 400, message: 'Invalid data in message: schema mismatch', status: 'INVALID_ARGUMENT' } } };
    const app = appWith(new PubSubRestPublisher({ topic, endpoint: url, accessToken: null }));
    const res = await post(app, valid());
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('Pub/Sub refused the events: Invalid data in message: schema mismatch');
  });

  test.each([429, 500, 503, 403])('fails when Pub/Sub answers %s: 503 with Retry-After', async (status) => {
    answer = { status, body: { error: { message: 'nope' } } };
    const app = appWith(new PubSubRestPublisher({ topic, endpoint: url, accessToken: null }));
    const res = await post(app, valid());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  test('fails when Pub/Sub cannot be reached: 503', async () => {
    const app = appWith(new PubSubRestPublisher({ topic, endpoint: 'http://127.0.0.1:1', accessToken: null }));
    expect((await post(app, valid())).status).toBe(503);
  });

  test('fails when the topic is not a topic path', () => {
    expect(() => new PubSubRestPublisher({ topic: 'flight-events' })).toThrow(/topic must be projects\/<project>\/topics\/<topic>, got "flight-events"/);
  });
});
