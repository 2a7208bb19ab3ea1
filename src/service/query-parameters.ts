import { FieldDefinition, FieldType } from '../schema/field';
import { parameterFactsOf } from '../schema/field-types';
import type { RecordSchema } from '../schema/record-schema';
import { isoToMicros } from '../schema/wire';
import { CURSOR_MAX_LENGTH, CURSOR_PATTERN, IssuedCursor, decodeCursor } from './cursor';
import type { PageCursor } from './store/store';
import { parseTypedValue, typeHint } from './typed-values';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
type Json = Record<string, unknown>;

/** A parsed value, or what was wrong with the text. */
export type Parsed<T> = { readonly value: T } | { readonly error: string };

/**
 * One URL parameter, stated once: `schema` is what the OpenAPI document publishes, `parse` is what validation
 * enforces, and both read the same bounds, pattern and names, so the two cannot drift.
 */
export interface ParameterSpec<T = unknown> {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  /** The value's JSON Schema, as the OpenAPI document states it. */
  readonly schema: Json;
  /** How a list travels in the query string (OpenAPI `style`/`explode`): comma-separated, in one parameter. */
  readonly commaSeparated?: boolean;
  /** The typed value of the text a client sent. */
  parse(text: string): Parsed<T>;
}

/** Page sizes of `GET /v1/records`. */
export const LIMIT = { minimum: 1, maximum: 1000, default: 100 } as const;

/** The parameters of `GET /v1/records`, in the order the OpenAPI document lists them. */
export interface ListParameters {
  readonly from: ParameterSpec<bigint>;
  readonly to: ParameterSpec<bigint>;
  readonly limit: ParameterSpec<number>;
  /** The cursor and the binding it carries; validation checks the binding against the request's fields and filters. */
  readonly cursor: ParameterSpec<IssuedCursor>;
  readonly fields: ParameterSpec<string[]>;
  /** One equality filter per clustering field, typed by its column. */
  readonly filters: ReadonlyArray<ParameterSpec<string | number | boolean>>;
}

/** The parameters of `GET /v1/records/{key}`. */
export interface GetParameters {
  readonly key: ParameterSpec<string | number>;
  readonly from: ParameterSpec<bigint>;
  readonly to: ParameterSpec<bigint>;
  readonly fields: ParameterSpec<string[]>;
}

/** `GET /v1/records`: the window (default the last 24 hours), paging, projection and the clustering-field filters. */
export function listParameters(schema: RecordSchema, maxQueryWindowDays: number): ListParameters {
  return {
    ...windowParameters(maxQueryWindowDays, 'to minus 24 hours'),
    limit: {
      name: 'limit',
      in: 'query',
      description: 'Records per page.',
      schema: { type: 'integer', ...LIMIT },
      parse: (text) => {
        const limit = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
        return limit >= LIMIT.minimum && limit <= LIMIT.maximum
          ? { value: limit }
          : { error: `limit must be an integer from ${LIMIT.minimum} to ${LIMIT.maximum}, got ${JSON.stringify(text)}` };
      },
    },
    cursor: {
      name: 'cursor',
      in: 'query',
      description:
        'The `nextCursor` of the previous page, unchanged, with the same `fields` and filters (another set is refused). ' +
        'A cursor does not expire: after about 24 hours the next page only costs a new query.',
      schema: { type: 'string', pattern: CURSOR_PATTERN, minLength: 1, maxLength: CURSOR_MAX_LENGTH },
      parse: (text) => {
        const issued = decodeCursor(text);
        return issued && cursorFits(schema, issued.cursor) ? { value: issued } : { error: 'cursor is malformed: pass the nextCursor of a previous page unchanged' };
      },
    },
    fields: fieldsParameter(schema),
    filters: schema.clusteringFields.map((name) => {
      const field = schema.field(name)!;
      return {
        name,
        in: 'query' as const,
        description: `Only records whose ${name} equals this value.${field.description ? ` ${field.name}: ${field.description}` : ''}`,
        schema: parameterSchema(field),
        parse: (text: string) => typedValue(field, name, text),
      };
    }),
  };
}

/** `GET /v1/records/{key}`: the key, the window (default the last 24 hours: a lookup bills its window) and the projection. */
export function getParameters(schema: RecordSchema, maxQueryWindowDays: number): GetParameters | undefined {
  const key = schema.keyField ? schema.field(schema.keyField) : undefined;
  if (!key) return undefined;
  return {
    key: {
      name: 'key',
      in: 'path',
      description: `The record's ${key.name}.`,
      schema: parameterSchema(key),
      parse: (text) => {
        const value = parseTypedValue(key, text);
        // A BOOLEAN key cannot be looked up: keys are strings or integers.
        if (value === undefined || typeof value === 'boolean') return { error: `the key must be ${typeHint(key)} (${key.name}), got ${JSON.stringify(text)}` };
        return { value };
      },
    },
    ...windowParameters(maxQueryWindowDays, 'to minus 24 hours'),
    fields: fieldsParameter(schema),
  };
}

/** The parameters of a spec in OpenAPI form. */
export function openApiParameter(spec: ParameterSpec): Json {
  return {
    name: spec.name,
    in: spec.in,
    required: spec.in === 'path',
    description: spec.description,
    schema: spec.schema,
    ...(spec.commaSeparated ? { style: 'form', explode: false } : {}),
  };
}

const TIMESTAMP_HINT = 'an ISO 8601 timestamp with a zone, e.g. 2024-05-01T10:00:00Z';

function windowParameters(maxQueryWindowDays: number, fromDefault: string): { from: ParameterSpec<bigint>; to: ParameterSpec<bigint> } {
  // No `example`: reference pages fill it into "try it", and a fixed date would query a window with no data.
  const bound = (name: 'from' | 'to', what: string, fallback: string): ParameterSpec<bigint> => ({
    name,
    in: 'query',
    description: `${what} (ISO 8601 with a zone). Default: ${fallback}. from..to spans at most ${maxQueryWindowDays} days.`,
    schema: { type: 'string', format: 'date-time' },
    parse: (text) => {
      const micros = isoToMicros(text);
      return micros === undefined ? { error: `${name} must be ${TIMESTAMP_HINT}, got ${JSON.stringify(text)}` } : { value: micros };
    },
  });
  return {
    from: bound('from', 'Start of the window, inclusive', fromDefault),
    to: bound('to', 'End of the window, exclusive', 'now, rounded up to the minute (the Query-Window header states the window served)'),
  };
}

function fieldsParameter(schema: RecordSchema): ParameterSpec<string[]> {
  const names = schema.fieldNames;
  return {
    name: 'fields',
    in: 'query',
    description: `Fields to return, comma-separated (${schema.eventTimeField} is always returned). Default: all.`,
    schema: { type: 'array', items: { type: 'string', enum: names }, minItems: 1 },
    commaSeparated: true,
    parse: (text) => {
      const requested = text.split(',').map((s) => s.trim());
      const unknown = requested.filter((name) => !names.includes(name));
      if (unknown.length > 0 || text.trim() === '') {
        const listed = unknown.map((n) => JSON.stringify(n)).join(', ');
        return { error: `fields lists unknown field ${listed || '""'} (exposed fields: ${names.join(', ')})` };
      }
      // The event time is always returned: it orders the page and locates the cursor.
      const keep = new Set([...requested, schema.eventTimeField]);
      return { value: names.filter((name) => keep.has(name)) };
    },
  };
}

function typedValue(field: FieldDefinition, label: string, text: string): Parsed<string | number | boolean> {
  const value = parseTypedValue(field, text);
  return value === undefined ? { error: `${label} must be ${typeHint(field)}, got ${JSON.stringify(text)}` } : { value };
}

/** BigQuery's TIMESTAMP range (0001-01-01 to 9999-12-31 23:59:59.999999 UTC) in microseconds. */
const MIN_TIMESTAMP_MICROS = -62_135_596_800_000_000n;
const MAX_TIMESTAMP_MICROS = 253_402_300_799_999_999n;

/**
 * A forged cursor must get its 400 here, not fail in the store: times stores can bind (the position and a resume
 * point's slice), a tie-breaker of the key's type.
 */
function cursorFits(schema: RecordSchema, cursor: PageCursor): boolean {
  const times = [cursor.eventTimeMicros, ...(cursor.resume ? [cursor.resume.sliceFromMicros, cursor.resume.sliceToMicros] : [])].map(BigInt);
  if (times.some((micros) => micros < MIN_TIMESTAMP_MICROS || micros > MAX_TIMESTAMP_MICROS)) return false;
  const key = schema.keyField ? schema.field(schema.keyField) : undefined;
  return key?.type !== FieldType.INT64 || parseTypedValue(key, String(cursor.tieBreaker)) !== undefined;
}

/** A URL parameter's schema: the text a client sends for a value of the field (its type's facts). */
function parameterSchema(field: FieldDefinition): Json {
  return parameterFactsOf(field.type)?.schema ?? { type: 'string' };
}
