import { FieldType } from './field';
import { canonicalBigNumeric, canonicalNumeric } from './numeric';
import { MICROS_PER_DAY, dateTimeToWire, dateToEpochDays, epochDaysToDate, int64ToWire, isoToMicros, microsToIso, parseDateTime } from './wire';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** Every field type but RECORD, whose facts follow from its sub-fields. */
export type ScalarFieldType = Exclude<FieldType, FieldType.RECORD>;

/** A scalar value in wire form (./wire.ts): what the API returns and what a typed URL parameter becomes. */
export type WireScalar = string | number | boolean;

/** An Avro type of the topic's schema: a primitive name, or a primitive annotated with a logical type. */
export type AvroScalarType = string | { readonly type: string; readonly logicalType: string };

/** Query parameter types, as BigQuery's REST API spells them. */
export type BigQueryParameterType = 'STRING' | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BIGNUMERIC' | 'BOOL' | 'TIMESTAMP' | 'DATE' | 'DATETIME' | 'TIME' | 'BYTES';

/** How a value of the type travels in a URL (equality filters and keys). */
export interface QueryParameterFacts {
  /** The OpenAPI schema of the URL text. */
  readonly schema: JsonSchema;
  /** The wire value of the URL text, or undefined when the text is not a value of the type. */
  readonly parse: (text: string) => WireScalar | undefined;
  /** What a valid value looks like, for error messages. */
  readonly hint: string;
}

/** What one field type means everywhere: the table, the topic, the API and queries. */
export interface FieldTypeFacts {
  /** Column type in the spelling the BigQuery API returns, so Terraform shows no drift after apply. */
  readonly bigQueryType: string;
  /**
   * Type of a BigQuery query parameter holding a value of the column (BOOLEAN is spelled BOOL there); none where
   * GoogleSQL defines no equality (JSON).
   */
  readonly bigQueryParameterType?: BigQueryParameterType;
  /** The Avro type of the topic's schema, with its logical type. */
  readonly avro: AvroScalarType;
  /** Branch name of a nullable value in Avro's JSON encoding (`{"long": 3}`): the Avro type beneath any logical type. */
  readonly avroBranch: string;
  /** JSON Schema of a value in an event (Avro's JSON encoding), as Pub/Sub validates it. */
  readonly eventSchema: JsonSchema;
  /** JSON Schema of a value in the API's responses (./wire.ts). */
  readonly wireSchema: JsonSchema;
  /** How a value is written in a URL, when the type can be a key or a filter. */
  readonly parameter?: QueryParameterFacts;
  /** BigQuery can cluster on it, so the API offers an equality filter on it. */
  readonly clusterable: boolean;
  /** It can identify a record in a URL path (`GET /v1/records/{key}`). */
  readonly keyable: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Decimal text as producers and URLs may write it. */
const DECIMAL_INPUT = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$';
/** Decimal text as the API writes it: no exponent, no `+`, no trailing fraction zeros. */
const DECIMAL_CANONICAL = '^-?[0-9]+(\\.[0-9]*[1-9])?$';
/** DATETIME literals as producers and URLs may write them. */
const DATETIME_INPUT = '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{1,6})?)?$';

/**
 * NUMERIC and BIGNUMERIC: decimal text in events (BigQuery converts it on write, and dead-letters a malformed number)
 * and canonical text on the wire.
 */
function decimalFacts(type: 'NUMERIC' | 'BIGNUMERIC', canonical: (text: string) => string | undefined): FieldTypeFacts {
  return {
    bigQueryType: type,
    bigQueryParameterType: type,
    avro: 'string',
    avroBranch: 'string',
    eventSchema: { type: 'string', pattern: DECIMAL_INPUT, $comment: 'Decimal text; BigQuery converts it on write.' },
    wireSchema: { type: 'string', pattern: DECIMAL_CANONICAL, $comment: 'Exact decimal, canonical: no exponent, no trailing fraction zeros.' },
    parameter: { schema: { type: 'string', pattern: DECIMAL_INPUT }, parse: canonical, hint: 'a decimal number, e.g. 12.5' },
    clusterable: true,
    keyable: false,
  };
}

/** Each field type's facts, one entry per type: the compiler refuses a type without one. */
export const FIELD_TYPES: Readonly<Record<ScalarFieldType, FieldTypeFacts>> = {
  [FieldType.STRING]: {
    bigQueryType: 'STRING',
    bigQueryParameterType: 'STRING',
    avro: 'string',
    avroBranch: 'string',
    eventSchema: { type: 'string' },
    wireSchema: { type: 'string' },
    parameter: { schema: { type: 'string' }, parse: (text) => text, hint: 'a string' },
    clusterable: true,
    keyable: true,
  },
  [FieldType.INT64]: {
    bigQueryType: 'INTEGER',
    bigQueryParameterType: 'INT64',
    avro: 'long',
    avroBranch: 'long',
    eventSchema: { type: 'integer', format: 'int64', minimum: -MAX_SAFE, maximum: MAX_SAFE },
    wireSchema: {
      type: ['integer', 'string'],
      format: 'int64',
      pattern: '^-?[0-9]{1,19}$',
      minimum: -MAX_SAFE,
      maximum: MAX_SAFE,
      $comment: 'A JSON number when |value| <= 2^53 - 1 (exact in every JSON parser), else a decimal string.',
    },
    parameter: {
      schema: { type: 'integer', format: 'int64' },
      parse: (text) => {
        if (!/^-?\d{1,19}$/.test(text)) return undefined;
        const value = BigInt(text);
        return value < INT64_MIN || value > INT64_MAX ? undefined : int64ToWire(value);
      },
      hint: 'an integer',
    },
    clusterable: true,
    keyable: true,
  },
  [FieldType.FLOAT64]: {
    bigQueryType: 'FLOAT',
    bigQueryParameterType: 'FLOAT64',
    avro: 'double',
    avroBranch: 'double',
    eventSchema: { type: 'number' },
    wireSchema: { oneOf: [{ type: 'number' }, { enum: ['NaN', 'Infinity', '-Infinity'], $comment: 'Non-finite values, which JSON numbers cannot hold.' }] },
    clusterable: false,
    keyable: false,
  },
  [FieldType.NUMERIC]: decimalFacts('NUMERIC', canonicalNumeric),
  [FieldType.BOOLEAN]: {
    bigQueryType: 'BOOLEAN',
    bigQueryParameterType: 'BOOL',
    avro: 'boolean',
    avroBranch: 'boolean',
    eventSchema: { type: 'boolean' },
    wireSchema: { type: 'boolean' },
    parameter: { schema: { type: 'boolean' }, parse: (text) => (text === 'true' ? true : text === 'false' ? false : undefined), hint: 'true or false' },
    clusterable: true,
    keyable: false,
  },
  [FieldType.TIMESTAMP]: {
    bigQueryType: 'TIMESTAMP',
    bigQueryParameterType: 'TIMESTAMP',
    avro: { type: 'long', logicalType: 'timestamp-micros' },
    avroBranch: 'long',
    eventSchema: { type: 'integer', format: 'int64', $comment: 'Avro timestamp-micros: microseconds since 1970-01-01T00:00:00Z.' },
    wireSchema: { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$', examples: ['2024-05-01T10:00:00.123456Z'] },
    parameter: {
      schema: { type: 'string', format: 'date-time' },
      parse: (text) => {
        const micros = isoToMicros(text);
        return micros === undefined ? undefined : microsToIso(micros);
      },
      hint: 'an ISO 8601 timestamp with a zone, e.g. 2024-05-01T10:00:00Z',
    },
    clusterable: true,
    keyable: false,
  },
  [FieldType.DATE]: {
    bigQueryType: 'DATE',
    bigQueryParameterType: 'DATE',
    avro: { type: 'int', logicalType: 'date' },
    avroBranch: 'int',
    eventSchema: { type: 'integer', format: 'int32', $comment: 'Avro date: days since 1970-01-01.' },
    wireSchema: { type: 'string', format: 'date' },
    parameter: {
      schema: { type: 'string', format: 'date' },
      parse: (text) => {
        const days = dateToEpochDays(text);
        return days === undefined ? undefined : epochDaysToDate(days);
      },
      hint: 'a date YYYY-MM-DD',
    },
    clusterable: true,
    keyable: false,
  },
  [FieldType.JSON]: {
    bigQueryType: 'JSON',
    avro: 'string',
    avroBranch: 'string',
    eventSchema: { type: 'string', contentMediaType: 'application/json', $comment: 'A JSON document as text.' },
    wireSchema: { $comment: 'Any JSON value, as stored.' },
    clusterable: false,
    keyable: false,
  },
  [FieldType.BYTES]: {
    bigQueryType: 'BYTES',
    bigQueryParameterType: 'BYTES',
    avro: 'bytes',
    avroBranch: 'bytes',
    eventSchema: { type: 'string', pattern: '^[\\u0000-\\u00ff]*$', $comment: "Avro's JSON encoding of bytes: one character per byte, U+0000 to U+00FF." },
    wireSchema: { type: 'string', contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
    clusterable: false,
    keyable: false,
  },
  [FieldType.TIME]: {
    bigQueryType: 'TIME',
    bigQueryParameterType: 'TIME',
    avro: { type: 'long', logicalType: 'time-micros' },
    avroBranch: 'long',
    eventSchema: { type: 'integer', format: 'int64', minimum: 0, maximum: Number(MICROS_PER_DAY) - 1, $comment: 'Avro time-micros: microseconds after midnight.' },
    wireSchema: { type: 'string', pattern: '^[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}$', examples: ['10:00:00.123456'] },
    clusterable: false,
    keyable: false,
  },
  [FieldType.DATETIME]: {
    bigQueryType: 'DATETIME',
    bigQueryParameterType: 'DATETIME',
    // BigQuery converts DATETIME literals on write (Pub/Sub maps no Avro logical type to DATETIME).
    avro: 'string',
    avroBranch: 'string',
    eventSchema: { type: 'string', pattern: DATETIME_INPUT, $comment: 'A civil date and time without zone; BigQuery converts it on write.' },
    wireSchema: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}$', examples: ['2024-05-01T10:00:00.123456'] },
    parameter: {
      schema: { type: 'string', pattern: DATETIME_INPUT },
      parse: (text) => {
        const micros = parseDateTime(text);
        return micros === undefined ? undefined : dateTimeToWire(micros);
      },
      hint: 'a date and time without a zone, e.g. 2024-05-01T10:00:00',
    },
    clusterable: true,
    keyable: false,
  },
  [FieldType.BIGNUMERIC]: decimalFacts('BIGNUMERIC', canonicalBigNumeric),
};

/** How a value of the type travels in a URL; undefined for types that cannot be keys or filters. */
export function parameterFactsOf(type: FieldType): QueryParameterFacts | undefined {
  return type === FieldType.RECORD ? undefined : FIELD_TYPES[type].parameter;
}
