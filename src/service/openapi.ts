import { FieldDefinition, FieldMode, FieldType } from '../schema/field';
import { FIELD_TYPES } from '../schema/field-types';
import type { RecordSchema } from '../schema/record-schema';
import { ErrorCode } from './http-error';
import { getParameters, listParameters, openApiParameter } from './query-parameters';

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
   * Base URL of the service: the Cloud Run URL when deployed, `http://127.0.0.1:<port>` locally (`npm start`). The served
   * document names the origin it was fetched from (see ./routes/openapi.ts).
   *
   * @default - no `servers` entry
   */
  readonly serverUrl?: string;
  /**
   * Whether `POST /v1/events` is served.
   *
   * @default false
   */
  readonly eventsEnabled?: boolean;
  /**
   * The schema events are validated against (the topic's full schema), when it differs from the exposed one. Only
   * whether it has more fields shows in the document: this document is the read contract, and every caller of the
   * API may read it, so the topic's other fields are never named here.
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
  if (options.eventsEnabled) paths['/v1/events'] = { post: publishOperation(schema) };
  Object.assign(paths, probePaths());
  for (const item of Object.values(paths) as Json[]) {
    for (const operation of Object.values(item) as Json[]) {
      const responses = { ...(operation.responses as Json), ...pick(['401', '403']) };
      operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }

  const schemas: Json = {
    [recordName]: recordSchema(schema),
    [`${recordName}Page`]: {
      type: 'object',
      description: `One page of ${schema.name} records, newest first.`,
      properties: {
        records: { type: 'array', items: ref('schemas', recordName) },
        nextCursor: {
          type: 'string',
          description:
            'Pass as `cursor`, with the same `fields` and filters, to read the next page; absent on the last page. It never expires: ' +
            'within about 24 hours the next page reads on in the result already paid for, later it costs a new query.',
        },
      },
      required: ['records'],
      additionalProperties: false,
    },
    Error: errorSchema(),
  };
  if (options.eventsEnabled) schemas[`${recordName}Event`] = eventSchema(schema, hasHiddenFields(schema, options.eventSchema));

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
    // Cloud Run checks every request against roles/run.invoker before it reaches the service, probes included.
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: [
      { name: 'records', description: 'Read the stored records.' },
      ...(options.eventsEnabled ? [{ name: 'events', description: 'Publish events into the pipeline.' }] : []),
      { name: 'operations', description: 'Probes and this document.' },
    ],
    paths,
    components: {
      schemas,
      responses: errorResponses(),
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
        'Query-Window': {
          description: 'The window the answer covers, `<from>/<to>` (ISO 8601 intervals): defaults filled in, `to` rounded up to the minute.',
          schema: { type: 'string', pattern: '^[^/]+/[^/]+$' },
        },
      },
      securitySchemes: { [SECURITY_SCHEME]: securityScheme() },
    },
  };
}

/** The name of the one security scheme: what Cloud Run's IAM checks. */
export const SECURITY_SCHEME = 'googleIdToken';

function securityScheme(): Json {
  return {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: [
      "A Google-signed identity token whose audience is the service's URL, as `Authorization: Bearer <token>`.",
      'Cloud Run checks it before the request reaches the service: the caller needs `roles/run.invoker` on the',
      'service (401 without a valid token, 403 without the role). Get one with `gcloud auth print-identity-token`',
      "(a user), from the metadata server or a service account's credentials (code), or let",
      '`gcloud run services proxy` add it for you. A service deployed with public access accepts calls without it.',
    ].join(' '),
  };
}

/** Whether events carry fields the exposed (read) schema does not. */
function hasHiddenFields(schema: RecordSchema, eventSchema: RecordSchema | undefined): boolean {
  return (eventSchema?.fieldNames ?? []).some((name) => !schema.field(name));
}

function listOperation(schema: RecordSchema, recordName: string, options: OpenApiOptions): Json {
  const p = listParameters(schema, options.maxQueryWindowDays);
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
    parameters: [p.from, p.to, p.limit, p.cursor, p.fields, ...p.filters].map(openApiParameter),
    responses: {
      '200': {
        description: 'A page of records.',
        headers: { 'Query-Window': ref('headers', 'Query-Window') },
        content: { 'application/json': { schema: ref('schemas', `${recordName}Page`) } },
      },
      ...pick(['400', '503', '504']),
    },
  };
}

function getOperation(schema: RecordSchema, recordName: string, options: OpenApiOptions): Json {
  const p = getParameters(schema, options.maxQueryWindowDays)!;
  return {
    operationId: 'getRecord',
    tags: ['records'],
    summary: `Read one ${schema.name} by ${schema.keyField}`,
    description: `The newest event with this key within [from, to) (default: the last 24 hours; a wider window costs more), its copy published last.`,
    parameters: [p.key, p.from, p.to, p.fields].map(openApiParameter),
    responses: {
      '200': {
        description: 'The record.',
        headers: { 'Query-Window': ref('headers', 'Query-Window') },
        content: { 'application/json': { schema: ref('schemas', recordName) } },
      },
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
        description: 'Answers as soon as the process serves HTTP; Cloud Run probes it to start and keep the instance.',
        responses: { '200': { description: 'Up.', content: { 'application/json': { schema: status('ok') } } } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'The store answers',
        description: 'Asks the store (BigQuery or DuckDB) a trivial question, within a short timeout.',
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
        description: 'The OpenAPI document of this service, naming the origin it was fetched from as its server.',
        responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
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

/**
 * An event in Avro's JSON encoding, as Pub/Sub validates it against the topic's schema. Only the exposed fields are
 * described: when the topic has more, the document says so without naming them.
 */
function eventSchema(schema: RecordSchema, hiddenFields: boolean): Json {
  const body = avroRecordBody(schema.fields, { namespace: schema.namespace, path: [schema.name] });
  const description = `A ${schema.name} event in Avro's JSON encoding: nullable values are wrapped in their Avro branch.`;
  if (!hiddenFields) return { type: 'object', description, ...body };
  return {
    type: 'object',
    description:
      `${description} The topic's schema has fields this API does not expose; they are not listed here, as every ` +
      "caller of the API can read this document. The topic's Avro schema is the full contract for publishers.",
    ...body,
    additionalProperties: true,
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

/** Who writes an error body: the service (its one JSON shape) or Cloud Run's front end (Google's HTML page). */
enum ErrorSource {
  SERVICE = 'service',
  CLOUD_RUN = 'cloudRun',
}

const ERROR_RESPONSES: Record<string, { name: string; description: string; retryAfter?: boolean; from?: ErrorSource[] }> = {
  '400': { name: 'BadRequest', description: 'A parameter or the body is invalid; the message names it.' },
  '401': { name: 'Unauthenticated', description: "No valid Google-signed identity token for this service's URL; Cloud Run answers before the service.", from: [ErrorSource.CLOUD_RUN] },
  '403': {
    name: 'Forbidden',
    description:
      'The caller lacks roles/run.invoker on the service (Cloud Run answers, in HTML), or may not use this operation ' +
      '(the service answers in its error shape, e.g. a reader calling POST /v1/events).',
    from: [ErrorSource.CLOUD_RUN, ErrorSource.SERVICE],
  },
  '404': { name: 'NotFound', description: 'No such record (or path).' },
  '413': { name: 'PayloadTooLarge', description: 'The body is larger than the service accepts.' },
  '415': { name: 'UnsupportedMediaType', description: 'The body is not application/json.' },
  '503': { name: 'Unavailable', description: 'The store cannot answer now; retry after Retry-After seconds.', retryAfter: true },
  '504': { name: 'Timeout', description: 'The query did not finish in time; narrow the window or add filters.' },
};

function errorResponses(): Json {
  return Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description, retryAfter, from = [ErrorSource.SERVICE] }) => [
      name,
      {
        description,
        ...(retryAfter ? { headers: { 'Retry-After': ref('headers', 'Retry-After') } } : {}),
        content: {
          ...(from.includes(ErrorSource.CLOUD_RUN) ? { 'text/html': { schema: { type: 'string' } } } : {}),
          ...(from.includes(ErrorSource.SERVICE) ? { 'application/json': { schema: ref('schemas', 'Error') } } : {}),
        },
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
