import {
  DuckDBAppender,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampValue,
  DuckDBValue,
  dateValue,
  decimalValue,
  timestampValue,
} from '@duckdb/node-api';
import { FieldDefinition, FieldMode, FieldType } from '../../schema/field';
import { NUMERIC_PRECISION as NUMERIC_WIDTH, NUMERIC_SCALE, numericToWire, parseNumeric } from '../numeric';
import { dateToEpochDays, epochDaysToDate, int64ToWire, isoToMicros, microsToIso } from '../wire';
import { isStagedAsJson } from './duckdb-ddl';
import type { WireValue } from './store';

/**
 * Conversions between a record's stored form and DuckDB values.
 *
 * The stored form (`StoredEvent.record`) is an Avro-decoded event without union wrappers: STRING string, INT64
 * bigint or safe number, FLOAT64 number, NUMERIC decimal text, BOOLEAN boolean, TIMESTAMP microseconds (bigint or
 * number), DATE days since the epoch (or `YYYY-MM-DD`), JSON the document's text, RECORD an object, REPEATED an
 * array, and null (or absent) for null.
 */

/** A value the Avro schema accepts but the table cannot hold (as BigQuery would refuse it): it is dead-lettered. */
export class UnstorableValueError extends Error {
  public constructor(public readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'UnstorableValueError';
  }
}

/** A query parameter for a scalar column (filters, keys, cursors), from its wire or stored form. */
export function toParameterValue(field: FieldDefinition, value: unknown, path: string = field.name): DuckDBValue {
  return scalarToDuckDb(field, value, path);
}

function scalarToDuckDb(field: FieldDefinition, value: unknown, path: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case FieldType.STRING:
      return String(value);
    case FieldType.INT64:
      return BigInt(value as bigint | number | string);
    case FieldType.FLOAT64:
      return Number(value);
    case FieldType.NUMERIC:
      return decimalValue(scaledNumeric(String(value), path), NUMERIC_WIDTH, NUMERIC_SCALE);
    case FieldType.BOOLEAN:
      return Boolean(value);
    case FieldType.TIMESTAMP:
      return timestampValue(toMicros(value, path));
    case FieldType.DATE:
      return dateValue(toEpochDays(value, path));
    case FieldType.JSON:
      return jsonText(value, path);
    default:
      throw new UnstorableValueError(path, `${field.type} values are staged as JSON text, not bound as parameters`);
  }
}

function scaledNumeric(text: string, path: string): bigint {
  const scaled = parseNumeric(text);
  // BigQuery refuses such a row, so the subscription dead-letters it: the same happens locally.
  if (scaled === undefined) throw new UnstorableValueError(path, `${JSON.stringify(text)} is not a NUMERIC (at most 29 digits before the point, no exponent)`);
  return scaled;
}

function toMicros(value: unknown, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  const micros = typeof value === 'string' ? isoToMicros(value) : undefined;
  if (micros === undefined) throw new UnstorableValueError(path, `${String(value)} is not a TIMESTAMP in microseconds`);
  return micros;
}

/** BigQuery's DATE range, 0001-01-01 to 9999-12-31, in days since the epoch. */
const MIN_DATE_DAYS = -719_162;
const MAX_DATE_DAYS = 2_932_896;

function toEpochDays(value: unknown, path: string): number {
  const days = typeof value === 'number' && Number.isSafeInteger(value) ? value : typeof value === 'string' ? dateToEpochDays(value) : undefined;
  if (days === undefined) throw new UnstorableValueError(path, `${String(value)} is not a DATE in days since the epoch`);
  // Avro's int allows dates BigQuery refuses (and JavaScript cannot print): dead-letter them, never store a row no read can return.
  if (days < MIN_DATE_DAYS || days > MAX_DATE_DAYS) throw new UnstorableValueError(path, `${days} days since the epoch is outside BigQuery's DATE range (0001-01-01 to 9999-12-31)`);
  return days;
}

function jsonText(value: unknown, path: string): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
  } catch {
    throw new UnstorableValueError(path, 'is not valid JSON text');
  }
  return value;
}

/** How a staged column is appended: a typed Appender method per column type (generic appendValue is slower). */
export type ColumnAppender = (appender: DuckDBAppender, value: DuckDBValue) => void;

/**
 * The value of a top-level column in the staging table: scalars as DuckDB values, nested records and lists as
 * JSON text (see duckdb-ddl.ts). Throws UnstorableValueError for malformed NUMERIC or JSON, before any append.
 */
export function toStagedValue(field: FieldDefinition, value: unknown): DuckDBValue {
  if (isStagedAsJson(field)) return value === null || value === undefined ? (field.mode === FieldMode.REPEATED ? '[]' : null) : stagingJson(field, value, field.name);
  return scalarToDuckDb(field, value, field.name);
}

/** The Appender call of a staged column. */
export function columnAppender(field: FieldDefinition): ColumnAppender {
  if (isStagedAsJson(field)) return (a, v) => a.appendVarchar(v as string);
  switch (field.type) {
    case FieldType.INT64:
      return (a, v) => a.appendBigInt(v as bigint);
    case FieldType.FLOAT64:
      return (a, v) => a.appendDouble(v as number);
    case FieldType.NUMERIC:
      return (a, v) => a.appendDecimal(v as DuckDBDecimalValue);
    case FieldType.BOOLEAN:
      return (a, v) => a.appendBoolean(v as boolean);
    case FieldType.TIMESTAMP:
      return (a, v) => a.appendTimestamp(v as DuckDBTimestampValue);
    case FieldType.DATE:
      return (a, v) => a.appendDate(v as DuckDBDateValue);
    default:
      return (a, v) => a.appendVarchar(v as string);
  }
}

/** JSON text DuckDB casts back exactly: INT64 as exact digits, TIMESTAMP/DATE/NUMERIC as canonical strings. */
function stagingJson(field: FieldDefinition, value: unknown, path: string): string {
  if (field.mode === FieldMode.REPEATED) {
    const items = Array.isArray(value) ? value : [];
    return `[${items.map((item, i) => stagingScalarJson(field, item, `${path}[${i}]`)).join(',')}]`;
  }
  return stagingScalarJson(field, value, path);
}

function stagingScalarJson(field: FieldDefinition, value: unknown, path: string): string {
  if (value === null || value === undefined) return 'null';
  switch (field.type) {
    case FieldType.INT64:
      return BigInt(value as bigint | number | string).toString();
    case FieldType.NUMERIC:
      return JSON.stringify(numericToWire(scaledNumeric(String(value), path)));
    case FieldType.TIMESTAMP:
      return JSON.stringify(microsToIso(toMicros(value, path)));
    case FieldType.DATE:
      return JSON.stringify(epochDaysToDate(toEpochDays(value, path)));
    case FieldType.JSON:
      return jsonText(value, path);
    case FieldType.RECORD: {
      const record = value as Record<string, unknown>;
      const members = (field.fields ?? []).map((f) => `${JSON.stringify(f.name)}:${stagingJson(f, record[f.name], `${path}.${f.name}`)}`);
      return `{${members.join(',')}}`;
    }
    default:
      return JSON.stringify(value);
  }
}

/** The wire form (../wire.ts) of one DuckDB column value. */
export function toWire(field: FieldDefinition, value: DuckDBValue): WireValue {
  if (field.mode === FieldMode.REPEATED) {
    return value instanceof DuckDBListValue ? value.items.map((item) => scalarToWire(field, item)) : [];
  }
  return scalarToWire(field, value);
}

function scalarToWire(field: FieldDefinition, value: DuckDBValue): WireValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case FieldType.INT64:
      return int64ToWire(value as bigint);
    case FieldType.FLOAT64:
      return value as number;
    case FieldType.NUMERIC:
      return value instanceof DuckDBDecimalValue ? numericToWire(value.value, value.scale) : String(value);
    case FieldType.BOOLEAN:
      return value as boolean;
    case FieldType.TIMESTAMP:
      return microsToIso((value as DuckDBTimestampValue).micros);
    case FieldType.DATE:
      return epochDaysToDate((value as DuckDBDateValue).days);
    case FieldType.JSON:
      return JSON.parse(value as string) as WireValue;
    case FieldType.RECORD: {
      const entries = (value as DuckDBStructValue).entries;
      return Object.fromEntries((field.fields ?? []).map((f) => [f.name, toWire(f, entries[f.name])]));
    }
    default:
      return String(value);
  }
}
