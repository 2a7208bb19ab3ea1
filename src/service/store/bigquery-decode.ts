import { canonicalNumeric } from '../numeric';
import { int64ToWire, microsToIso } from '../wire';
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
  switch (type) {
    case 'INTEGER':
    case 'INT64':
      if (!/^-?\d+$/.test(value)) throw new MalformedResponseError(`${path} is not an integer: ${value}`);
      return int64ToWire(value);
    case 'FLOAT':
    case 'FLOAT64':
      return decodeFloat(value, path);
    case 'NUMERIC': {
      // One canonical text on every store (../numeric.ts): BigQuery's own form, enforced rather than assumed.
      const text = canonicalNumeric(value);
      if (text === undefined) throw new MalformedResponseError(`${path} is not a NUMERIC: ${value}`);
      return text;
    }
    case 'BOOLEAN':
    case 'BOOL':
      return value.toLowerCase() === 'true';
    case 'TIMESTAMP':
      return microsToIso(timestampMicros(value, path));
    case 'JSON':
      try {
        return JSON.parse(value) as WireValue;
      } catch {
        throw new MalformedResponseError(`${path} is not JSON text`);
      }
    default:
      // STRING, DATE (already YYYY-MM-DD), DATETIME, TIME and anything newer pass through as BigQuery formats them.
      return value;
  }
}

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
