import { FieldType } from '../../schema/field';
import { FIELD_TYPES, ScalarFieldType } from '../../schema/field-types';
import { canonicalBigNumeric, canonicalNumeric } from '../../schema/numeric';
import { dateTimeToWire, int64ToWire, microsToIso, parseDateTime, parseTimeOfDay, timeOfDayToWire } from '../../schema/wire';
import type { WireRecord, WireValue } from './store';

/**
 * Decoding of BigQuery REST result rows (`{ f: [{ v }] }`, every scalar as text) into wire values (../wire.ts),
 * driven by the schema that comes with the response rather than by assumptions about the query.
 */

/** One column of a result schema, as `jobs.query` and `jobs.getQueryResults` return it. */
export interface ResultField {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly fields?: ResultField[];
}

/** One cell of a result row. */
export interface ResultCell {
  readonly v?: unknown;
}

/** One result row: cells in the order of the schema's fields. */
export interface ResultRow {
  readonly f: ResultCell[];
}

/** Thrown when a response does not have the shape BigQuery documents; never a client's fault. */
export class MalformedResponseError extends Error {
  public constructor(message: string) {
    super(`malformed BigQuery response: ${message}`);
    this.name = 'MalformedResponseError';
  }
}

/** Every row as an object keyed by column name, in wire form. */
export function decodeRows(fields: readonly ResultField[], rows: readonly ResultRow[]): WireRecord[] {
  return rows.map((row, i) => decodeStruct(fields, row, `row ${i}`));
}

function decodeStruct(fields: readonly ResultField[], row: unknown, path: string): WireRecord {
  const cells = (row as ResultRow | null)?.f;
  if (!Array.isArray(cells) || cells.length !== fields.length) {
    throw new MalformedResponseError(`${path} has ${Array.isArray(cells) ? cells.length : 'no'} cells for ${fields.length} columns`);
  }
  const record: WireRecord = {};
  fields.forEach((field, i) => {
    record[field.name] = decodeField(field, cells[i]?.v, `${path}.${field.name}`);
  });
  return record;
}

function decodeField(field: ResultField, value: unknown, path: string): WireValue {
  if (field.mode === 'REPEATED') {
    // BigQuery never returns NULL arrays; an absent one is empty, as the wire contract promises.
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new MalformedResponseError(`${path} is REPEATED but not an array`);
    return value.map((item, i) => decodeScalar(field, (item as ResultCell | null)?.v, `${path}[${i}]`));
  }
  return decodeScalar(field, value, path);
}

function decodeScalar(field: ResultField, value: unknown, path: string): WireValue {
  if (value === null || value === undefined) return null;
  const type = field.type.toUpperCase();
  if (type === 'RECORD' || type === 'STRUCT') return decodeStruct(field.fields ?? [], value, path);
  if (typeof value !== 'string') throw new MalformedResponseError(`${path} (${type}) is ${typeof value}, expected text`);
  const fieldType = FIELD_TYPE_OF_RESULT_TYPE.get(type);
  // Types no field has (GEOGRAPHY, INTERVAL, RANGE, anything newer) pass through as BigQuery formats them.
  return fieldType === undefined ? value : DECODERS[fieldType](value, path);
}

/** How each field type's cell text becomes its wire value: one entry per type (RECORD is structural). */
const DECODERS: Record<ScalarFieldType, (value: string, path: string) => WireValue> = {
  [FieldType.STRING]: (value) => value,
  [FieldType.INT64]: (value, path) => {
    if (!/^-?\d+$/.test(value)) throw new MalformedResponseError(`${path} is not an integer: ${value}`);
    return int64ToWire(value);
  },
  [FieldType.FLOAT64]: (value, path) => decodeFloat(value, path),
  [FieldType.NUMERIC]: (value, path) => {
    // One canonical text on every store (../../schema/numeric.ts): BigQuery's own form, enforced rather than assumed.
    const text = canonicalNumeric(value);
    if (text === undefined) throw new MalformedResponseError(`${path} is not a NUMERIC: ${value}`);
    return text;
  },
  [FieldType.BOOLEAN]: (value) => value.toLowerCase() === 'true',
  [FieldType.TIMESTAMP]: (value, path) => microsToIso(timestampMicros(value, path)),
  // Already YYYY-MM-DD.
  [FieldType.DATE]: (value) => value,
  [FieldType.JSON]: (value, path) => {
    try {
      return JSON.parse(value) as WireValue;
    } catch {
      throw new MalformedResponseError(`${path} is not JSON text`);
    }
  },
  // BigQuery sends BYTES base64-encoded, which is also their wire form.
  [FieldType.BYTES]: (value, path) => {
    if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new MalformedResponseError(`${path} is not base64: ${value}`);
    return value;
  },
  [FieldType.TIME]: (value, path) => {
    const micros = parseTimeOfDay(value);
    if (micros === undefined) throw new MalformedResponseError(`${path} is not a TIME: ${value}`);
    return timeOfDayToWire(micros);
  },
  [FieldType.DATETIME]: (value, path) => {
    const micros = parseDateTime(value);
    if (micros === undefined) throw new MalformedResponseError(`${path} is not a DATETIME: ${value}`);
    return dateTimeToWire(micros);
  },
  [FieldType.BIGNUMERIC]: (value, path) => {
    const text = canonicalBigNumeric(value);
    if (text === undefined) throw new MalformedResponseError(`${path} is not a BIGNUMERIC: ${value}`);
    return text;
  },
};

/** The field type of a result column, by the type name BigQuery gives it: the table's spelling or the standard SQL one. */
const FIELD_TYPE_OF_RESULT_TYPE = new Map<string, ScalarFieldType>([
  ...(Object.keys(FIELD_TYPES) as ScalarFieldType[]).map((t) => [FIELD_TYPES[t].bigQueryType, t] as const),
  ...(Object.keys(FIELD_TYPES) as ScalarFieldType[]).map((t) => [t as string, t] as const),
  ['BOOL', FieldType.BOOLEAN],
]);

/** JSON has no NaN or Infinity: those are sent as the strings BigQuery uses ("NaN", "Infinity", "-Infinity"). */
function decodeFloat(value: string, path: string): number | string {
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  throw new MalformedResponseError(`${path} is not a FLOAT64: ${value}`);
}

/** Microseconds from an int64 text (`formatOptions.useInt64Timestamp`) or, from older servers, float seconds. */
function timestampMicros(value: string, path: string): bigint {
  if (/^-?\d+$/.test(value)) return BigInt(value);
  const m = /^(-?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$|^(-?)(\d+)\.(\d*)$/.exec(value);
  if (!m) throw new MalformedResponseError(`${path} is not a TIMESTAMP: ${value}`);
  // Float seconds such as 1.714557600123456E9: shift the decimal point exactly instead of multiplying a double.
  const sign = m[1] ?? m[5];
  const digits = (m[2] ?? m[6]) + (m[3] ?? m[7] ?? '');
  const pointAt = (m[2] ?? m[6]).length + Number(m[4] ?? 0) + 6;
  const integer = pointAt <= 0 ? '0' : digits.padEnd(pointAt, '0').slice(0, pointAt);
  const micros = BigInt(integer || '0');
  return sign === '-' ? -micros : micros;
}
