import { validate } from '@readme/openapi-parser';
import { flightEvents } from '../../examples/flights/flight-events';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { ErrorCode } from '../../src/service/http-error';
import { SECURITY_SCHEME, buildOpenApiDocument } from '../../src/service/openapi';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { createLogger } from '../../src/service/logger';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { NOW_MILLIS, bodyOf, harness, stubStore, validFlightEvent } from './app-harness';
import { responseChecker } from './openapi-conformance';
import { MICROS_PER_HOUR, T0, TYPED_WIRE, expectedRecords, flightData, query, readingData, readings, ticketData, tickets } from './store-contract-data';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs the real validator on a copy: it dereferences the document it is given. */
async function expectValid(document: Json): Promise<void> {
  const result = await validate(structuredClone(document) as never);
  expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
}

function param(operation: Json, name: string): Json {
  const found = (operation.parameters as Json[]).find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

describe('buildOpenApiDocument', () => {
  const flights = buildOpenApiDocument(flightEvents, { maxQueryWindowDays: 31, eventsEnabled: true, serverUrl: 'https://flights-api-abc-ew.a.run.app', version: '2.1.0' });

  test('is a valid OpenAPI 3.1 document for the flights schema, with and without events', async () => {
    expect(flights.openapi).toBe('3.1.0');
    await expectValid(flights);
    await expectValid(buildOpenApiDocument(flightEvents, { maxQueryWindowDays: 7 }));
  });

  test('is valid for a keyless schema and for an INT64 key, and has no lookup route without a key', async () => {
    const keyless = buildOpenApiDocument(readings, { maxQueryWindowDays: 31, eventsEnabled: true });
    await expectValid(keyless);
    expect(Object.keys(keyless.paths as Json)).toEqual(['/v1/records', '/v1/events', '/healthz', '/readyz', '/openapi.json']);
    const ticketsDoc = buildOpenApiDocument(tickets, { maxQueryWindowDays: 31 });
    await expectValid(ticketsDoc);
    expect(param((ticketsDoc.paths as Json)['/v1/records/{key}'].get, 'key').schema).toEqual({ type: 'integer', format: 'int64' });
  });

  test('fails when the document is broken (the validator is not vacuous)', async () => {
    const broken = structuredClone(flights);
    delete (broken.paths as Json)['/v1/records/{key}'].get.parameters[0];
    (broken.paths as Json)['/v1/records/{key}'].get.parameters = (broken.paths as Json)['/v1/records/{key}'].get.parameters.filter(Boolean);
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
    expect(result.valid ? '' : result.errors.map((e) => e.message).join('\n')).toMatch(/key/);
  });

  test('lists the routes, with events only when enabled', () => {
    expect(Object.keys(flights.paths as Json)).toEqual(['/v1/records', '/v1/records/{key}', '/v1/events', '/healthz', '/readyz', '/openapi.json']);
    expect(Object.keys(buildOpenApiDocument(flightEvents, { maxQueryWindowDays: 31 }).paths as Json)).not.toContain('/v1/events');
    expect(flights.servers).toEqual([{ url: 'https://flights-api-abc-ew.a.run.app' }]);
    expect(flights.info).toMatchObject({ title: 'FlightEvent records', version: '2.1.0' });
  });

  test('GET /v1/records takes the window, paging, projection and one typed filter per clustering field', () => {
    const list = (flights.paths as Json)['/v1/records'].get;
    const names = (list.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(['from', 'to', 'limit', 'cursor', 'fields', 'airline', 'origin', 'destination', 'status']);
    expect(param(list, 'from').schema).toEqual({ type: 'string', format: 'date-time' });
    expect(param(list, 'to').description).toMatch(/at most 31 days/);
    expect(param(list, 'limit').schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(param(list, 'airline')).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });
    expect(param(list, 'cursor').schema).toEqual({ type: 'string', pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: 1024 });
    expect(param(list, 'fields')).toMatchObject({ style: 'form', explode: false, schema: { type: 'array', items: { enum: flightEvents.fieldNames } } });

    const doc = buildOpenApiDocument(readings, { maxQueryWindowDays: 31 });
    const readingsList = (doc.paths as Json)['/v1/records'].get;
    expect(param(readingsList, 'level').schema).toEqual({ type: 'integer', format: 'int64' });
    expect(param(readingsList, 'active').schema).toEqual({ type: 'boolean' });
    expect(param(readingsList, 'day').schema).toEqual({ type: 'string', format: 'date' });
    expect(param(readingsList, 'price').schema).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(param((buildOpenApiDocument(tickets, { maxQueryWindowDays: 31 }).paths as Json)['/v1/records'].get, 'due').schema).toEqual({
      type: 'string',
      format: 'date-time',
    });
  });

  test('the record schema uses wire types', () => {
    const record = (flights.components as Json).schemas.FlightEvent;
    expect(record.required).toEqual(['event_time']);
    expect(record.properties.event_time).toMatchObject({ type: 'string', format: 'date-time' });
    expect(record.properties.actual_departure.type).toEqual(['string', 'null']);
    expect(record.properties.passengers).toMatchObject({ type: ['integer', 'string', 'null'], format: 'int64' });
    expect(record.properties.passengers.$comment).toMatch(/2\^53/);
    expect(record.properties.revenue_eur.type).toEqual(['string', 'null']);
    expect(record.properties.flight_date).toMatchObject({ type: 'string', format: 'date' });
    expect(record.properties.international.type).toBe('boolean');
    expect(record.properties.aircraft).toMatchObject({ type: ['object', 'null'], required: ['registration', 'model', 'seats'] });
    expect(record.properties.aircraft.properties.seats.type).toEqual(['integer', 'string', 'null']);
    expect(record.properties.delay_reasons).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(record.properties.details.type).toBeUndefined();
    expect(record.properties.event_id.description).toMatch(/Unique id/);
  });

  test('errors have one schema and every status the API answers', () => {
    const components = flights.components as Json;
    expect(components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.values(ErrorCode));
    expect(Object.keys(components.responses)).toEqual(['BadRequest', 'Unauthenticated', 'Forbidden', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unavailable', 'Timeout']);
    expect(components.responses.Unavailable.headers['Retry-After']).toBeDefined();
    const paths = flights.paths as Json;
    expect(Object.keys(paths['/v1/records'].get.responses)).toEqual(['200', '400', '401', '403', '503', '504']);
    expect(Object.keys(paths['/v1/records/{key}'].get.responses)).toEqual(['200', '400', '401', '403', '404', '503', '504']);
    expect(Object.keys(paths['/v1/events'].post.responses)).toEqual(['200', '400', '401', '403', '413', '415', '503', '504']);
    expect(paths['/readyz'].get.responses['503']).toEqual({ $ref: '#/components/responses/Unavailable' });
  });

  test('the events body is the Avro JSON encoding, nullable values wrapped in their branch', () => {
    const event = (flights.components as Json).schemas.FlightEventEvent;
    expect(event.required).toEqual(flightEvents.fields.filter((f) => f.mode === FieldMode.REQUIRED).map((f) => f.name));
    expect(event.properties.event_time).toMatchObject({ type: 'integer', format: 'int64' });
    expect(event.properties.flight_date).toMatchObject({ type: 'integer', format: 'int32' });
    expect(event.properties.passengers.oneOf[1]).toMatchObject({ required: ['long'], properties: { long: { type: 'integer' } } });
    expect(event.properties.aircraft.oneOf[1].required).toEqual(['com.example.flights.FlightEvent_aircraft']);
    expect(event.properties.details.oneOf[1].properties.string).toMatchObject({ type: 'string', contentMediaType: 'application/json' });
    const body = (flights.paths as Json)['/v1/events'].post.requestBody.content['application/json'].schema;
    expect(body.oneOf[1]).toMatchObject({ type: 'array', maxItems: 1000 });
  });

  test('describes events without naming the fields the API hides', async () => {
    const exposed = flightEvents.project(['event_id', 'airline', 'status']);
    const doc = buildOpenApiDocument(exposed, { maxQueryWindowDays: 31, eventsEnabled: true, eventSchema: flightEvents });
    await expectValid(doc);
    const schemas = (doc.components as Json).schemas;
    expect(Object.keys(schemas.FlightEvent.properties)).toEqual(['event_id', 'event_time', 'airline', 'status']);
    expect(Object.keys(schemas.FlightEventEvent.properties)).toEqual(['event_id', 'event_time', 'airline', 'status']);
    expect(schemas.FlightEventEvent).toMatchObject({ additionalProperties: true, description: expect.stringMatching(/fields this API does not expose/) });
    // Nothing the document names with events on is missing from the read-only document ("details" is also the error's).
    const readOnly = buildOpenApiDocument(exposed, { maxQueryWindowDays: 31 });
    const [withEvents, withoutEvents] = [JSON.stringify(doc), JSON.stringify(readOnly)];
    const hidden = flightEvents.fieldNames.filter((name) => !exposed.field(name));
    expect(hidden.filter((name) => withEvents.includes(`"${name}"`) && !withoutEvents.includes(`"${name}"`))).toEqual([]);
    expect(schemas.FlightEvent).toEqual((readOnly.components as Json).schemas.FlightEvent);
  });

  test('every operation needs the identity token Cloud Run checks, and may answer 401 and 403', () => {
    expect(flights.security).toEqual([{ [SECURITY_SCHEME]: [] }]);
    expect((flights.components as Json).securitySchemes[SECURITY_SCHEME]).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const [path, item] of Object.entries(flights.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        expect([`${method} ${path}`, operation.security ?? flights.security]).toEqual([`${method} ${path}`, [{ [SECURITY_SCHEME]: [] }]]);
        expect(operation.responses).toMatchObject({ '401': { $ref: '#/components/responses/Unauthenticated' }, '403': { $ref: '#/components/responses/Forbidden' } });
      }
    }
  });

  test('a schema without namespace names nested branches by path only', () => {
    const schema = new RecordSchema({
      name: 'Order',
      fields: [Field.timestamp('at', { mode: FieldMode.REQUIRED }), Field.record('customer', [Field.string('id', { mode: FieldMode.REQUIRED })])],
      eventTimeField: 'at',
    });
    const event = (buildOpenApiDocument(schema, { maxQueryWindowDays: 1, eventsEnabled: true }).components as Json).schemas.OrderEvent;
    expect(event.properties.customer.oneOf[1].required).toEqual(['Order_customer']);
  });
});

describe('real responses conform to the served document (ajv, JSON Schema 2020-12)', () => {
  const ALL_MAY = '&from=2024-05-01T00:00:00Z&to=2024-05-31T00:00:00Z';

  /** Every page of the window, each response checked; returns how many records were seen. */
  async function walk(app: ReturnType<typeof harness>['app'], check: ReturnType<typeof responseChecker>, query: string): Promise<number> {
    let seen = 0;
    let url = `/v1/records?limit=1000${query}`;
    for (;;) {
      const res = await app.request(url);
      const body = await bodyOf(res);
      expect(check('GET', '/v1/records', res.status, body, res.headers)).toEqual([]);
      seen += body.records.length;
      if (!body.nextCursor) return seen;
      url = `/v1/records?limit=1000${query}&cursor=${body.nextCursor}`;
    }
  }

  test('flights: pages, projections, lookups, errors, events and probes', async () => {
    const store = await DuckDbStore.create({ schema: flightEvents });
    try {
      await store.insert(flightData());
      const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: { nowMillis: () => NOW_MILLIS }, logger: createLogger(() => undefined) });
      const { app } = harness({ store, schema: flightEvents, publisher });
      const docRes = await app.request('/openapi.json');
      const document = await bodyOf(docRes);
      const check = responseChecker(document);
      expect(check('GET', '/openapi.json', docRes.status, document)).toEqual([]);

      expect(await walk(app, check, ALL_MAY)).toBeGreaterThan(2400);
      expect(await walk(app, check, `${ALL_MAY}&fields=status,passengers&airline=AF`)).toBeGreaterThan(0);
      const requests: Array<[string, string, RequestInit?]> = [
        ['/v1/records/{key}', '/v1/records/typed?from=2024-05-13T00:00:00Z&to=2024-05-14T00:00:00Z'],
        ['/v1/records/{key}', '/v1/records/evt-00040?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&fields=status'],
        ['/v1/records/{key}', '/v1/records/nope'],
        ['/v1/records', '/v1/records?limit=0&from=yesterday'],
        ['/v1/records/{key}', '/v1/records/x?cursor=abc'],
        ['/healthz', '/healthz'],
        ['/readyz', '/readyz'],
        ['/v1/events', '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validFlightEvent()) }],
        ['/v1/events', '/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ event_id: 1 }]) }],
        ['/v1/events', '/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }],
      ];
      const statuses: number[] = [];
      for (const [path, url, init] of requests) {
        const res = await app.request(url, init);
        statuses.push(res.status);
        expect(check(init?.method ?? 'GET', path, res.status, await bodyOf(res), res.headers)).toEqual([]);
      }
      expect(statuses).toEqual([200, 200, 404, 400, 400, 200, 200, 200, 400, 415]);

      // A reader calling POST /v1/events where only named publishers may: the service's own 403.
      const guarded = harness({ store, schema: flightEvents, publisher, config: { eventPublishers: ['shop@acme.iam.gserviceaccount.com'] } }).app;
      const denied = await guarded.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validFlightEvent()) });
      expect(denied.status).toBe(403);
      expect(check('POST', '/v1/events', 403, await bodyOf(denied))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test.each([
    ['readings (no key; INT64, BOOLEAN, DATE and NUMERIC filters)', readings, readingData],
    ['tickets (INT64 key)', tickets, ticketData],
  ])('%s', async (_name, schema, data) => {
    const store = await DuckDbStore.create({ schema });
    try {
      await store.insert(data());
      const { app } = harness({ store, schema });
      const check = responseChecker(await bodyOf(await app.request('/openapi.json')));
      expect(await walk(app, check, ALL_MAY)).toBe(expectedRecords(schema, data(), query(schema, { fromMicros: T0, toMicros: T0 + 30n * 24n * MICROS_PER_HOUR, limit: 100_000 })).length);
    } finally {
      await store.close();
    }
  });

  test('fails when a response does not match (the check is not vacuous)', async () => {
    const check = responseChecker(await bodyOf(await harness({ store: stubStore(), schema: flightEvents }).app.request('/openapi.json')));
    expect(check('GET', '/v1/records/{key}', 200, TYPED_WIRE)).toEqual([]);
    expect(check('GET', '/v1/records/{key}', 200, { ...TYPED_WIRE, passengers: 12.5 })).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/passengers must be integer/)]),
    );
    expect(check('GET', '/v1/records/{key}', 200, { ...TYPED_WIRE, revenue_eur: '12.50' })).toEqual([expect.stringMatching(/\/revenue_eur must match pattern/)]);
    expect(check('GET', '/v1/records/{key}', 200, { ...TYPED_WIRE, unknown: 1 })).toEqual([expect.stringMatching(/must NOT have additional properties/)]);
    expect(check('GET', '/v1/records', 418, {})).toEqual(['GET /v1/records does not declare status 418']);
    expect(check('GET', '/v1/records', 200, { records: [] }, new Headers())).toEqual(['GET /v1/records 200 lacks the declared header Query-Window']);
    expect(check('GET', '/v1/records', 400, { error: { code: 'NOPE', message: 'x' } })).toEqual([expect.stringMatching(/\/error\/code must be equal to one of the allowed values/)]);
  });
});
