import { FieldDefinition, FieldMode, FieldType } from '../schema/field';
import { FIELD_TYPES, parameterFactsOf } from '../schema/field-types';
import type { RecordSchema } from '../schema/record-schema';
import { ErrorCode } from './http-error';
import { DEFAULT_LIMIT, MAX_LIMIT } from './validation';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) or any other part of the document. */
type Json = Record<string, unknown>;

/** What the document says beyond the schema. */
export interface OpenApiOptions {
  /** Widest `[from, to)` one request may ask for, in days; stated on the window parameters. */
  readonly maxQueryWindowDays: number;
  /**
   * Title of the API.
   *
   * @default - "<record name> records"
   */
  readonly title?: string;
  /**
   * Version of the API document.
   *
   * @default '1.0.0'
   */
  readonly version?: string;
  /**
   * Base URL of the deployed service, e.g. the Cloud Run URL.
   *
   * @default - no `servers` entry (relative to where the document was fetched)
   */
  readonly serverUrl?: string;
  /**
   * Whether `POST /v1/events` is served.
   *
   * @default false
   */
  readonly eventsEnabled?: boolean;
  /**
   * The schema events are validated against (the topic's full schema), when it differs from the exposed one.
   *
   * @default - the exposed schema
   */
  readonly eventSchema?: RecordSchema;
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/**
 * The OpenAPI 3.1 document of the query API, generated from the exposed record schema: `GET /v1/records` with one
 * equality filter per clustering field, `GET /v1/records/{key}` when the schema has a key, `POST /v1/events` when
 * enabled (the body in Avro's JSON encoding), the probes, and the one error shape.
 */
export function buildOpenApiDocument(schema: RecordSchema, options: OpenApiOptions): Json {
  const recordName = componentName(schema.name);
  const paths: Json = { '/v1/records': { get: listOperation(schema, recordName, options) } };
  if (schema.keyField) paths['/v1/records/{key}'] = { get: getOperation(schema, recordName, options) };
  if (options.eventsEnabled) paths['/v1/events'] = { post: publishOperation(options.eventSchema ?? schema) };
  Object.assign(paths, probePaths());

  const schemas: Json = {
    [recordName]: recordSchema(schema),
    [`${recordName}Page`]: {
      type: 'object',
      description: `One page of ${schema.name} records, newest first.`,
      properties: {
        records: { type: 'array', items: ref('schemas', recordName) },
        nextCursor: { type: 'string', description: 'Pass as `cursor` to read the next page; absent on the last page.' },
      },
      required: ['records'],
      additionalProperties: false,
    },
    Error: errorSchema(),
  };
  if (options.eventsEnabled) schemas[`${recordName}Event`] = eventSchema(options.eventSchema ?? schema);

  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? `${schema.name} records`,
      version: options.version ?? '1.0.0',
      description: [
        schema.description ?? `Records of ${schema.name}.`,
        '',
        'Values on the wire: TIMESTAMP as ISO 8601 UTC with six fractional digits; INT64 as a JSON number when it is',
        'a safe integer (|n| <= 2^53 - 1) and as a decimal string otherwise; NUMERIC and BIGNUMERIC as decimal strings',
        'without trailing zeros; DATE as YYYY-MM-DD; DATETIME as YYYY-MM-DDTHH:MM:SS.ffffff and TIME as HH:MM:SS.ffffff',
        '(no zone); BYTES as base64; JSON columns as JSON; nulls as null; repeated fields as arrays (never null).',
      ].join('\n'),
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'records', description: 'Read the stored records.' },
      ...(options.eventsEnabled ? [{ name: 'events', description: 'Publish events into the pipeline.' }] : []),
      { name: 'operations', description: 'Probes and this document.' },
    ],
    paths,
    components: {
      schemas,
      parameters: windowParameters(options.maxQueryWindowDays),
      responses: errorResponses(),
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
      },
    },
  };
}

function listOperation(schema: RecordSchema, recordName: string, options: OpenApiOptions): Json {
  const filters = schema.clusteringFields.map((name) => {
    const field = schema.field(name)!;
    return {
      name,
      in: 'query',
      required: false,
      description: `Only records whose ${name} equals this value.${field.description ? ` ${field.name}: ${field.description}` : ''}`,
      schema: parameterSchema(field),
    };
  });
  return {
    operationId: 'listRecords',
    tags: ['records'],
    summary: `List ${schema.name} records in a time window`,
    description: [
      `Records whose ${schema.eventTimeField} lies in [from, to), newest first${schema.keyField ? `, ${schema.keyField} breaking ties` : ''}.`,
      schema.keyField
        ? `One record per event: copies with the same ${schema.keyField} and ${schema.eventTimeField} appear once, the copy published last; the same ${schema.keyField} at another ${schema.eventTimeField} is another event.`
        : 'Every delivered message is a record (no key).',
      `The window may span at most ${options.maxQueryWindowDays} days.`,
    ].join(' '),
    parameters: [
      ref('parameters', 'from'),
      ref('parameters', 'to'),
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Records per page.',
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The `nextCursor` of the previous page, unchanged.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 1024 },
      },
      fieldsParameter(schema),
      ...filters,
    ],
    responses: {
      '200': { description: 'A page of records.', content: { 'application/json': { schema: ref('schemas', `${recordName}Page`) } } },
      ...pick(['400', '503', '504']),
    },
  };
}

function getOperation(schema: RecordSchema, recordName: string, _options: OpenApiOptions): Json {
  const key = schema.field(schema.keyField!)!;
  return {
    operationId: 'getRecord',
    tags: ['records'],
    summary: `Read one ${schema.name} by ${key.name}`,
    description: `The newest event with this key within [from, to) (default: the last 24 hours; a wider window costs more), its copy published last.`,
    parameters: [
      { name: 'key', in: 'path', required: true, description: `The record's ${key.name}.`, schema: parameterSchema(key) },
      ref('parameters', 'from'),
      ref('parameters', 'to'),
      fieldsParameter(schema),
    ],
    responses: {
      '200': { description: 'The record.', content: { 'application/json': { schema: ref('schemas', recordName) } } },
      ...pick(['400', '404', '503', '504']),
    },
  };
}

function publishOperation(schema: RecordSchema): Json {
  const event = ref('schemas', `${componentName(schema.name)}Event`);
  return {
    operationId: 'publishEvents',
    tags: ['events'],
    summary: `Publish ${schema.name} events`,
    description:
      "One event or a batch, in Avro's JSON encoding (nullable values wrapped in their branch, e.g. {\"long\": 3}), " +
      'validated exactly as Pub/Sub validates a publish: one invalid event refuses the whole request.',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { oneOf: [event, { type: 'array', items: event, minItems: 1, maxItems: 1000 }] },
        },
      },
    },
    responses: {
      '200': {
        description: 'Every event was accepted; the message ids are in request order.',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { messageIds: { type: 'array', items: { type: 'string' } } },
              required: ['messageIds'],
              additionalProperties: false,
            },
          },
        },
      },
      ...pick(['400', '413', '415', '503', '504']),
    },
  };
}

function probePaths(): Json {
  const status = (value: string) => ({
    type: 'object',
    properties: { status: { const: value } },
    required: ['status'],
  });
  return {
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['operations'],
        summary: 'The process is up',
        responses: { '200': { description: 'Up.', content: { 'application/json': { schema: status('ok') } } } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'The store answers',
        responses: {
          '200': { description: 'Ready to serve queries.', content: { 'application/json': { schema: status('ready') } } },
          ...pick(['503']),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        tags: ['operations'],
        summary: 'This document',
        responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
}

function windowParameters(maxQueryWindowDays: number): Json {
  const bound = (name: string, what: string, fallback: string) => ({
    name,
    in: 'query',
    required: false,
    description: `${what} (ISO 8601 with a zone). Default: ${fallback}. from..to spans at most ${maxQueryWindowDays} days.`,
    schema: { type: 'string', format: 'date-time' },
    example: name === 'from' ? '2024-05-01T00:00:00Z' : '2024-05-02T00:00:00Z',
  });
  return {
    from: bound('from', 'Start of the window, inclusive', 'to minus 24 hours'),
    to: bound('to', 'End of the window, exclusive', 'now, rounded up to the minute (the Query-Window header states the window served)'),
  };
}

function fieldsParameter(schema: RecordSchema): Json {
  return {
    name: 'fields',
    in: 'query',
    required: false,
    description: `Comma-separated fields to return (${schema.eventTimeField} is always returned). Default: all of ${schema.fieldNames.join(', ')}.`,
    schema: { type: 'string' },
    style: 'form',
    explode: false,
  };
}

/** A URL parameter's schema: the text a client sends for a value of the field. */
function parameterSchema(field: FieldDefinition): Json {
  return parameterFactsOf(field.type)?.schema ?? { type: 'string' };
}

/** The record as the API returns it: every property optional but the event time, since `fields` projects. */
function recordSchema(schema: RecordSchema): Json {
  return {
    type: 'object',
    ...(schema.description ? { description: schema.description } : {}),
    properties: Object.fromEntries(schema.fields.map((f) => [f.name, wireSchema(f)])),
    required: [schema.eventTimeField],
    additionalProperties: false,
  };
}

/** One field in wire form (../wire.ts): the JSON a client receives. */
function wireSchema(field: FieldDefinition): Json {
  const base = wireBase(field);
  const described = (s: Json) => ({ ...s, ...(field.description ? { description: field.description } : {}), ...(field.deprecated ? { deprecated: true } : {}) });
  if (field.mode === FieldMode.REPEATED) return described({ type: 'array', items: base });
  if (field.mode === FieldMode.NULLABLE) return described(nullable(base));
  return described(base);
}

function wireBase(field: FieldDefinition): Json {
  if (field.type !== FieldType.RECORD) return FIELD_TYPES[field.type].wireSchema;
  return {
    type: 'object',
    properties: Object.fromEntries((field.fields ?? []).map((f) => [f.name, wireSchema(f)])),
    required: (field.fields ?? []).map((f) => f.name),
    additionalProperties: false,
  };
}

/** The schema plus null: a type array where there is a `type`, else a oneOf. */
function nullable(schema: Json): Json {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.type)) return { ...schema, type: [...schema.type, 'null'] };
  if (Array.isArray(schema.oneOf)) return { ...schema, oneOf: [...schema.oneOf, { type: 'null' }] };
  return schema; // JSON columns already accept null
}

/** An event in Avro's JSON encoding, as Pub/Sub validates it against the topic's schema. */
function eventSchema(schema: RecordSchema): Json {
  return {
    type: 'object',
    description: `A ${schema.name} event in Avro's JSON encoding: nullable values are wrapped in their Avro branch.`,
    ...avroRecordBody(schema.fields, { namespace: schema.namespace, path: [schema.name] }),
  };
}

/** Where a field sits in the Avro schema: nested record types are named after their path, in the record's namespace. */
interface AvroScope {
  readonly namespace?: string;
  readonly path: string[];
}

function avroRecordBody(fields: FieldDefinition[], scope: AvroScope): Json {
  return {
    properties: Object.fromEntries(fields.map((f) => [f.name, avroFieldSchema(f, scope)])),
    // Avro fills absent nullable (null) and repeated ([]) fields from their defaults.
    required: fields.filter((f) => f.mode === FieldMode.REQUIRED).map((f) => f.name),
    additionalProperties: false,
  };
}

function avroFieldSchema(field: FieldDefinition, scope: AvroScope): Json {
  const base = avroBase(field, scope);
  const described = (s: Json) => ({ ...s, ...(field.description ? { description: field.description } : {}), ...(field.deprecated ? { deprecated: true } : {}) });
  if (field.mode === FieldMode.REPEATED) return described({ type: 'array', items: base, default: [] });
  if (field.mode === FieldMode.NULLABLE) {
    const branch = avroBranchName(field, scope);
    return described({
      oneOf: [{ type: 'null' }, { type: 'object', properties: { [branch]: base }, required: [branch], additionalProperties: false }],
      default: null,
    });
  }
  return described(base);
}

function avroBase(field: FieldDefinition, scope: AvroScope): Json {
  if (field.type !== FieldType.RECORD) return FIELD_TYPES[field.type].eventSchema;
  return { type: 'object', ...avroRecordBody(field.fields ?? [], { ...scope, path: [...scope.path, field.name] }) };
}

/** The key of a wrapped union branch: the Avro type name (nested records by their full, path-derived name). */
function avroBranchName(field: FieldDefinition, scope: AvroScope): string {
  if (field.type !== FieldType.RECORD) return FIELD_TYPES[field.type].avroBranch;
  const name = [...scope.path, field.name].join('_');
  return scope.namespace ? `${scope.namespace}.${name}` : name;
}

function errorSchema(): Json {
  return {
    type: 'object',
    description: 'The one error shape of every failed request.',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string', enum: Object.values(ErrorCode) },
          message: { type: 'string', description: 'What was wrong, naming the parameter or field.' },
          details: { description: 'Structured details, e.g. one entry per invalid parameter or event.' },
        },
        required: ['code', 'message'],
        additionalProperties: false,
      },
    },
    required: ['error'],
    additionalProperties: false,
  };
}

const ERROR_RESPONSES: Record<string, { name: string; description: string; retryAfter?: boolean }> = {
  '400': { name: 'BadRequest', description: 'A parameter or the body is invalid; the message names it.' },
  '404': { name: 'NotFound', description: 'No such record (or path).' },
  '413': { name: 'PayloadTooLarge', description: 'The body is larger than the service accepts.' },
  '415': { name: 'UnsupportedMediaType', description: 'The body is not application/json.' },
  '503': { name: 'Unavailable', description: 'The store cannot answer now; retry after Retry-After seconds.', retryAfter: true },
  '504': { name: 'Timeout', description: 'The query did not finish in time; narrow the window or add filters.' },
};

function errorResponses(): Json {
  return Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description, retryAfter }) => [
      name,
      {
        description,
        ...(retryAfter ? { headers: { 'Retry-After': ref('headers', 'Retry-After') } } : {}),
        content: { 'application/json': { schema: ref('schemas', 'Error') } },
      },
    ]),
  );
}

function pick(statuses: string[]): Json {
  return Object.fromEntries(statuses.map((s) => [s, ref('responses', ERROR_RESPONSES[s].name)]));
}

/** Component names allow letters, digits, `.`, `-` and `_`; record names are Avro names, so they already fit. */
function componentName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
