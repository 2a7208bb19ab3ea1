import { Field, FieldDefinition, FieldMode, FieldType, RecordSchema, RecordSchemaProps } from '../../src';

const required = { mode: FieldMode.REQUIRED };

function schemaWith(overrides: Partial<RecordSchemaProps> = {}): RecordSchema {
  return new RecordSchema({
    name: 'Event',
    fields: [Field.string('id', required), Field.timestamp('event_time', required), Field.string('kind')],
    eventTimeField: 'event_time',
    keyField: 'id',
    ...overrides,
  });
}

function single(field: FieldDefinition) {
  const schema = new RecordSchema({
    name: 'Event',
    fields: [Field.timestamp('event_time', required), field],
    eventTimeField: 'event_time',
  });
  return { avro: schema.toAvro().fields[1], bigquery: schema.toBigQueryFields()[1] };
}

describe('every type in Avro and BigQuery form', () => {
  test.each([
    [FieldType.STRING, 'string', 'STRING'],
    [FieldType.INT64, 'long', 'INTEGER'],
    [FieldType.FLOAT64, 'double', 'FLOAT'],
    [FieldType.NUMERIC, 'string', 'NUMERIC'],
    [FieldType.BOOLEAN, 'boolean', 'BOOLEAN'],
    [FieldType.TIMESTAMP, { type: 'long', logicalType: 'timestamp-micros' }, 'TIMESTAMP'],
    [FieldType.DATE, { type: 'int', logicalType: 'date' }, 'DATE'],
    [FieldType.JSON, 'string', 'JSON'],
  ])('%s is Avro %j and BigQuery %s', (type, avroType, bigQueryType) => {
    const { avro, bigquery } = single({ name: 'value', type, mode: FieldMode.REQUIRED, description: 'a value' });
    expect(avro).toEqual({ name: 'value', type: avroType, doc: 'a value' });
    expect(bigquery).toEqual({ name: 'value', type: bigQueryType, mode: 'REQUIRED', description: 'a value' });
  });

  test('a nullable field is an Avro union with null first and a null default', () => {
    const { avro, bigquery } = single(Field.int64('passengers'));
    expect(avro).toEqual({ name: 'passengers', type: ['null', 'long'], default: null });
    expect(bigquery).toEqual({ name: 'passengers', type: 'INTEGER', mode: 'NULLABLE' });
  });

  test('a repeated field is an Avro array defaulting to empty', () => {
    const { avro, bigquery } = single(Field.string('codes', { mode: FieldMode.REPEATED }));
    expect(avro).toEqual({ name: 'codes', type: { type: 'array', items: 'string' }, default: [] });
    expect(bigquery).toEqual({ name: 'codes', type: 'STRING', mode: 'REPEATED' });
  });

  test('a nested record becomes a named Avro record and a BigQuery RECORD with sub-fields', () => {
    const { avro, bigquery } = single(Field.record('aircraft', [Field.string('registration', required), Field.int64('seats')]));
    expect(avro).toEqual({
      name: 'aircraft',
      type: ['null', {
        type: 'record',
        name: 'Event_aircraft',
        fields: [
          { name: 'registration', type: 'string' },
          { name: 'seats', type: ['null', 'long'], default: null },
        ],
      }],
      default: null,
    });
    expect(bigquery).toEqual({
      name: 'aircraft', type: 'RECORD', mode: 'NULLABLE',
      fields: [
        { name: 'registration', type: 'STRING', mode: 'REQUIRED' },
        { name: 'seats', type: 'INTEGER', mode: 'NULLABLE' },
      ],
    });
  });

  test('repeated records nest with unique Avro names per path', () => {
    const schema = new RecordSchema({
      name: 'Trip',
      fields: [
        Field.timestamp('event_time', required),
        Field.record('legs', [Field.record('stop', [Field.string('code', required)], required)], { mode: FieldMode.REPEATED }),
      ],
      eventTimeField: 'event_time',
    });
    const legs = schema.toAvro().fields[1];
    expect(legs.type.type).toBe('array');
    expect(legs.type.items.name).toBe('Trip_legs');
    expect(legs.type.items.fields[0].type.name).toBe('Trip_legs_stop');
  });

  test('the record carries its namespace and doc', () => {
    const avro = schemaWith({ namespace: 'com.example', description: 'An event.' }).toAvro();
    expect(avro).toMatchObject({ type: 'record', name: 'Event', namespace: 'com.example', doc: 'An event.' });
  });

  test('toAvroJson and toBigQuerySchemaJson are the JSON texts of the same forms', () => {
    const schema = schemaWith();
    expect(JSON.parse(schema.toAvroJson())).toEqual(schema.toAvro());
    expect(JSON.parse(schema.toBigQuerySchemaJson(true))).toEqual(schema.toBigQueryFields(true));
  });
});

describe('metadata and dead-letter columns', () => {
  test('write_metadata columns follow the record fields', () => {
    const names = schemaWith().toBigQueryFields(true).map((f) => `${f.name}:${f.type}`);
    expect(names).toEqual([
      'id:STRING', 'event_time:TIMESTAMP', 'kind:STRING',
      'subscription_name:STRING', 'message_id:STRING', 'publish_time:TIMESTAMP', 'attributes:JSON',
    ]);
  });

  test('without metadata only the record fields are columns', () => {
    expect(schemaWith().toBigQueryFields().map((f) => f.name)).toEqual(['id', 'event_time', 'kind']);
  });

  test('a dead-letter table holds the raw payload as BYTES plus the metadata', () => {
    expect(RecordSchema.deadLetterBigQueryFields().map((f) => `${f.name}:${f.type}:${f.mode}`)).toEqual([
      'data:BYTES:NULLABLE', 'subscription_name:STRING:NULLABLE', 'message_id:STRING:NULLABLE',
      'publish_time:TIMESTAMP:NULLABLE', 'attributes:JSON:NULLABLE',
    ]);
  });
});

describe('the runtime JSON form', () => {
  test('round-trips through toJson and fromJson', () => {
    const schema = schemaWith({ clusteringFields: ['kind'], description: 'd' });
    const copy = RecordSchema.fromJson(schema.toJson());
    expect(copy.toAvro()).toEqual(schema.toAvro());
    expect(copy.toBigQueryFields(true)).toEqual(schema.toBigQueryFields(true));
    expect(copy.keyField).toBe('id');
    expect(copy.clusteringFields).toEqual(['kind']);
  });

  test('modes are explicit in the stored form', () => {
    expect(schemaWith().fields.map((f) => f.mode)).toEqual(['REQUIRED', 'REQUIRED', 'NULLABLE']);
  });

  test('fails when the JSON is not JSON', () => {
    expect(() => RecordSchema.fromJson('{nope')).toThrow(/invalid RecordSchema JSON/);
  });

  test('fails when the JSON form has another version', () => {
    expect(() => RecordSchema.fromJson(JSON.stringify({ version: 2, schema: {} }))).toThrow(/expected \{ "version": 1/);
  });

  test('fails when the JSON form holds an invalid schema', () => {
    const json = JSON.stringify({ version: 1, schema: { name: 'E', fields: [Field.string('x')], eventTimeField: 'x' } });
    expect(() => RecordSchema.fromJson(json)).toThrow(/eventTimeField x must be a REQUIRED TIMESTAMP/);
  });
});

describe('projection', () => {
  test('keeps the listed fields in schema order plus the event time and the key', () => {
    const projected = schemaWith({ clusteringFields: ['kind'] }).project(['kind']);
    expect(projected.fieldNames).toEqual(['id', 'event_time', 'kind']);
    expect(projected.keyField).toBe('id');
    expect(projected.clusteringFields).toEqual(['kind']);
  });

  test('drops clustering fields that are not listed', () => {
    expect(schemaWith({ clusteringFields: ['kind'] }).project(['id']).clusteringFields).toEqual([]);
  });

  test('fails when a listed field does not exist', () => {
    expect(() => schemaWith().project(['kind', 'nope'])).toThrow(/cannot expose nope: not fields of Event/);
  });
});

describe('refusals', () => {
  const expectProblem = (props: Partial<RecordSchemaProps>, message: RegExp) =>
    expect(() => schemaWith(props)).toThrow(message);
  const withField = (field: FieldDefinition) => ({
    fields: [Field.string('id', required), Field.timestamp('event_time', required), field],
  });

  test('fails when the record name is not an Avro name', () => expectProblem({ name: 'my-event' }, /name must be an Avro name .* got "my-event"/));
  test('fails when the namespace is not dotted Avro names', () => expectProblem({ namespace: 'com..x' }, /namespace must be dot-separated Avro names/));
  test('fails when there are no fields', () => expectProblem({ fields: [] }, /fields must hold at least one field/));
  test('fails when a field name breaks Avro rules', () => expectProblem(withField(Field.string('flight-number')), /fields\[2\] \(flight-number\) name "flight-number" must start with a letter or _/));
  test('fails when a field name starts with a digit', () => expectProblem(withField(Field.string('1st')), /name "1st" must start with a letter/));
  test('fails when a field name is longer than 300 characters', () => expectProblem(withField(Field.string('a'.repeat(301))), /must be at most 300 characters, got 301/));
  test('fails when a field name uses a prefix BigQuery reserves', () => expectProblem(withField(Field.string('_PARTITIONTIME')), /must not start with _PARTITION/));
  test('fails when two fields share a name, case-insensitively', () => expectProblem(withField(Field.string('ID')), /name ID is a duplicate/));
  test('fails when a field is named like a metadata column', () => expectProblem(withField(Field.string('publish_time')), /field publish_time collides with a metadata column/));
  test('fails when a type is unknown', () => expectProblem(withField({ name: 'x', type: 'GEOGRAPHY' as FieldType }), /type must be one of STRING, .* got "GEOGRAPHY"/));
  test('fails when a mode is unknown', () => expectProblem(withField({ name: 'x', type: FieldType.STRING, mode: 'OPTIONAL' as FieldMode }), /mode must be one of REQUIRED, NULLABLE, REPEATED, got "OPTIONAL"/));
  test('fails when a description is longer than BigQuery allows', () => expectProblem(withField(Field.string('x', { description: 'd'.repeat(1025) })), /description must be a string of at most 1024/));
  test('fails when a RECORD has no fields', () => expectProblem(withField({ name: 'x', type: FieldType.RECORD }), /x\) is a RECORD and needs at least one entry in fields/));
  test('fails when a scalar has sub-fields', () => expectProblem(withField({ name: 'x', type: FieldType.STRING, fields: [Field.string('y')] }), /has fields but is a STRING/));
  test('fails when nested fields break the rules, naming the path', () =>
    expectProblem(withField(Field.record('outer', [Field.string('bad name')])), /fields\[2\] \(outer\)\.fields\[0\] \(bad name\) name "bad name"/));
  test('fails when records nest deeper than 15 levels', () => {
    let field: FieldDefinition = Field.string('leaf');
    for (let i = 0; i < 15; i++) field = Field.record(`level${i}`, [field]);
    expectProblem(withField(field), /nests records deeper than BigQuery's 15 levels/);
  });
  test('fails when the event-time field is missing', () => expectProblem({ eventTimeField: 'when' }, /eventTimeField "when" must name a top-level field/));
  test('fails when the event-time field is not a timestamp', () => expectProblem({ eventTimeField: 'kind' }, /eventTimeField kind must be a REQUIRED TIMESTAMP .* got NULLABLE STRING/));
  test('fails when the event-time field is nullable', () =>
    expectProblem({ fields: [Field.string('id', required), Field.timestamp('event_time')] }, /got NULLABLE TIMESTAMP/));
  test('fails when the key field is missing', () => expectProblem({ keyField: 'nope' }, /keyField "nope" must name a top-level field/));
  test('fails when the key field is nullable', () => expectProblem({ keyField: 'kind' }, /keyField kind must be a REQUIRED STRING or INT64, got NULLABLE STRING/));
  test('fails when the key field is a float', () => expectProblem({ ...withField(Field.float64('score', required)), keyField: 'score' }, /got REQUIRED FLOAT64/));
  test('fails when more than four clustering fields are given', () =>
    expectProblem({
      fields: ['a', 'b', 'c', 'd', 'e'].map((n) => Field.string(n)).concat([Field.timestamp('event_time', required)]),
      keyField: undefined,
      clusteringFields: ['a', 'b', 'c', 'd', 'e'],
    }, /clusteringFields may name at most 4 fields .* got 5/));
  test('fails when a clustering field repeats', () => expectProblem({ clusteringFields: ['kind', 'kind'] }, /must not repeat a field/));
  test('fails when a clustering field does not exist', () => expectProblem({ clusteringFields: ['nope'] }, /clusteringFields entry "nope" must name a top-level field/));
  test('fails when a clustering field has a type BigQuery cannot cluster on', () =>
    expectProblem({ ...withField(Field.float64('score')), clusteringFields: ['score'] }, /clusteringFields entry score must be a non-repeated .* got NULLABLE FLOAT64/));
  test('fails when a clustering field is repeated', () =>
    expectProblem({ ...withField(Field.string('tags', { mode: FieldMode.REPEATED })), clusteringFields: ['tags'] }, /got REPEATED STRING/));

  test('reports every broken rule in one error', () => {
    let error: Error | undefined;
    try {
      schemaWith({ name: '9', eventTimeField: 'kind', keyField: 'nope', clusteringFields: ['x'] });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(4);
  });
});

describe('Field factories', () => {
  test.each([
    [Field.string, FieldType.STRING], [Field.int64, FieldType.INT64], [Field.float64, FieldType.FLOAT64],
    [Field.numeric, FieldType.NUMERIC], [Field.boolean, FieldType.BOOLEAN], [Field.timestamp, FieldType.TIMESTAMP],
    [Field.date, FieldType.DATE], [Field.json, FieldType.JSON],
  ])('%p makes a field of its type', (factory, type) => {
    expect(factory('x', { mode: FieldMode.REPEATED, description: 'd' })).toEqual({ name: 'x', type, mode: FieldMode.REPEATED, description: 'd' });
  });
});

describe('the Avro definition is valid Avro', () => {
  test('a real Avro implementation parses the example schema and validates a Pub/Sub JSON-encoded event', () => {
    const avro = require('avsc');
    const { flightEvents } = require('../../examples/flights/flight-events');
    const type = avro.Type.forSchema(flightEvents.toAvro(), { wrapUnions: true });
    const micros = 1_700_000_000_000_000;
    const event = {
      event_id: 'e1', event_time: micros, airline: 'AF', flight_number: 'AF1', flight_date: 19675, origin: 'CDG',
      destination: 'JFK', status: 'DEPARTED', scheduled_departure: micros, actual_departure: { long: micros },
      scheduled_arrival: micros, actual_arrival: null, passengers: { long: 180 }, delay_minutes: null,
      load_factor: { double: 0.9 }, revenue_eur: { string: '1234.50' }, international: true,
      aircraft: { 'com.example.flights.FlightEvent_aircraft': { registration: 'F-GKXA', model: null, seats: { long: 180 } } },
      delay_reasons: ['93'], details: null,
    };
    expect(type.isValid(event)).toBe(true);
    expect(type.isValid({ ...event, passengers: 180 })).toBe(false);
  });
});
