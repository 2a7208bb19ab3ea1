import { validate } from '@readme/openapi-parser';
import { flightEvents } from '../../examples/flights/flight-events';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { ErrorCode } from '../../src/service/http-error';
import { buildOpenApiDocument } from '../../src/service/openapi';
import { TYPED_WIRE, readings, tickets } from './store-contract-data';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs the real validator on a copy: it dereferences the document it is given. */
async function expectValid(document: Json): Promise<void> {
  const result = await validate(structuredClone(document) as never);
  expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
}

function param(operation: Json, name: string, document: Json): Json {
  const found = (operation.parameters as Json[])
    .map((p) => (p.$ref ? document.components.parameters[p.$ref.split('/').pop()] : p))
    .find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

/** The JSON types a schema allows, or undefined when it does not say (JSON columns, oneOf). */
function allowedTypes(schema: Json): string[] | undefined {
  if (schema.type) return [schema.type].flat();
  if (schema.oneOf) return (schema.oneOf as Json[]).flatMap((s) => (s.enum ? ['string'] : [s.type].flat()));
  return undefined;
}

/** Checks a value against the types (and nested properties and items) of a generated schema. */
function conforms(schema: Json, value: unknown, path: string): string[] {
  const jsonType = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  const types = allowedTypes(schema);
  if (types && !types.includes(jsonType) && !(jsonType === 'integer' && types.includes('number'))) return [`${path}: ${jsonType} not in ${types.join('|')}`];
  if (jsonType === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value as string)) return [`${path}: ${String(value)} does not match ${schema.pattern}`];
  if (jsonType === 'array' && schema.items) return (value as unknown[]).flatMap((v, i) => conforms(schema.items, v, `${path}[${i}]`));
  if (jsonType === 'object' && schema.properties) {
    return Object.entries(value as Json).flatMap(([k, v]) => (schema.properties[k] ? conforms(schema.properties[k], v, `${path}.${k}`) : [`${path}.${k}: not declared`]));
  }
  return [];
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
    expect(param((ticketsDoc.paths as Json)['/v1/records/{key}'].get, 'key', ticketsDoc).schema).toEqual({ type: 'integer', format: 'int64' });
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
    const names = (list.parameters as Json[]).map((p) => p.name ?? p.$ref.split('/').pop());
    expect(names).toEqual(['from', 'to', 'limit', 'cursor', 'fields', 'airline', 'origin', 'destination', 'status']);
    expect(param(list, 'from', flights).schema).toEqual({ type: 'string', format: 'date-time' });
    expect(param(list, 'to', flights).description).toMatch(/at most 31 days/);
    expect(param(list, 'limit', flights).schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(param(list, 'airline', flights)).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });

    const doc = buildOpenApiDocument(readings, { maxQueryWindowDays: 31 });
    const readingsList = (doc.paths as Json)['/v1/records'].get;
    expect(param(readingsList, 'level', doc).schema).toEqual({ type: 'integer', format: 'int64' });
    expect(param(readingsList, 'active', doc).schema).toEqual({ type: 'boolean' });
    expect(param(readingsList, 'day', doc).schema).toEqual({ type: 'string', format: 'date' });
    expect(param(readingsList, 'price', doc).schema).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(param((buildOpenApiDocument(tickets, { maxQueryWindowDays: 31 }).paths as Json)['/v1/records'].get, 'due', doc).schema).toEqual({
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

  test('a record on the wire conforms to the generated schema', () => {
    const record = (flights.components as Json).schemas.FlightEvent;
    expect(conforms(record, TYPED_WIRE, 'record')).toEqual([]);
    expect(conforms(record, { ...TYPED_WIRE, passengers: 12.5 }, 'record')).toEqual(['record.passengers: number not in integer|string|null']);
    expect(conforms(record, { ...TYPED_WIRE, revenue_eur: '12.50' }, 'record')).toHaveLength(1);
  });

  test('errors have one schema and every status the API answers', () => {
    const components = flights.components as Json;
    expect(components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.values(ErrorCode));
    expect(Object.keys(components.responses)).toEqual(['BadRequest', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType', 'Unavailable', 'Timeout']);
    expect(components.responses.Unavailable.headers['Retry-After']).toBeDefined();
    const paths = flights.paths as Json;
    expect(Object.keys(paths['/v1/records'].get.responses)).toEqual(['200', '400', '503', '504']);
    expect(Object.keys(paths['/v1/records/{key}'].get.responses)).toEqual(['200', '400', '404', '503', '504']);
    expect(Object.keys(paths['/v1/events'].post.responses)).toEqual(['200', '400', '413', '415', '503', '504']);
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

  test('describes the event schema when it differs from the exposed one', async () => {
    const exposed = flightEvents.project(['event_id', 'airline', 'status']);
    const doc = buildOpenApiDocument(exposed, { maxQueryWindowDays: 31, eventsEnabled: true, eventSchema: flightEvents });
    await expectValid(doc);
    const schemas = (doc.components as Json).schemas;
    expect(Object.keys(schemas.FlightEvent.properties)).toEqual(['event_id', 'event_time', 'airline', 'status']);
    expect(Object.keys(schemas.FlightEventEvent.properties)).toEqual(flightEvents.fieldNames);
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
