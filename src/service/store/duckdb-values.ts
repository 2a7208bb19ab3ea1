import {
  DuckDBAppender,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimeValue,
  DuckDBTimestampValue,
  DuckDBValue,
  dateValue,
  decimalValue,
  timeValue,
  timestampValue,
} from '@duckdb/node-api';
import { FieldDefinition, FieldMode, FieldType } from '../../schema/field';
import type { ScalarFieldType } from '../../schema/field-types';
import { NUMERIC_PRECISION as NUMERIC_WIDTH, NUMERIC_SCALE, canonicalBigNumeric, numericToWire, parseNumeric } from '../../schema/numeric';
import {
  MICROS_PER_DAY,
  dateTimeToWire,
  dateToEpochDays,
  epochDaysToDate,
  int64ToWire,
  isoToMicros,
  microsToIso,
  parseDateTime,
  parseTimeOfDay,
  timeOfDayToWire,
} from '../../schema/wire';
import { isStagedAsJson } from './duckdb-ddl';
import type { WireValue } from './store';

/**
 * Conversions between a record's stored form and DuckDB values.
 *
 * The stored form (`StoredEvent.record`) is an Avro-decoded event without union wrappers: STRING string, INT64
 * bigint or safe number, FLOAT64 number, NUMERIC decimal text, BOOLEAN boolean, TIMESTAMP microseconds (bigint or
 * number), DATE days since the epoch (or `YYYY-MM-DD`), JSON the document's text, BYTES one character per byte (Avro's JSON
 * encoding), TIME microseconds after midnight, DATETIME its literal text, BIGNUMERIC decimal text, RECORD an object,
 * REPEATED an array, and null (or absent) for null.
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
  if (field.type === FieldType.RECORD) throw new UnstorableValueError(path, `${field.type} values are staged as JSON text, not bound as parameters`);
  return DUCKDB_VALUES[field.type].toDuckDb(value, path);
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
  if (isStagedAsJson(field) || field.type === FieldType.RECORD) return (a, v) => a.appendVarchar(v as string);
  return DUCKDB_VALUES[field.type].append;
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
  if (field.type !== FieldType.RECORD) return DUCKDB_VALUES[field.type].stagingJson(value, path);
  const record = value as Record<string, unknown>;
  const members = (field.fields ?? []).map((f) => `${JSON.stringify(f.name)}:${stagingJson(f, record[f.name], `${path}.${f.name}`)}`);
  return `{${members.join(',')}}`;
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
  if (field.type !== FieldType.RECORD) return DUCKDB_VALUES[field.type].toWire(value);
  const entries = (value as DuckDBStructValue).entries;
  return Object.fromEntries((field.fields ?? []).map((f) => [f.name, toWire(f, entries[f.name])]));
}

/** How one scalar type is held in DuckDB: bound or appended, staged as JSON inside lists and structs, and read back. */
interface DuckDbValueMapping {
  /** The DuckDB value of a stored-form value (never null); throws UnstorableValueError where BigQuery would refuse it. */
  readonly toDuckDb: (value: unknown, path: string) => DuckDBValue;
  /** The typed Appender call of a top-level column. */
  readonly append: ColumnAppender;
  /** JSON text DuckDB casts back exactly, for values inside lists and structs (never null). */
  readonly stagingJson: (value: unknown, path: string) => string;
  /** The wire form of a DuckDB value (never null). */
  readonly toWire: (value: DuckDBValue) => WireValue;
}

/** One entry per field type (RECORD is structural): the compiler refuses a type without one. */
const DUCKDB_VALUES: Record<ScalarFieldType, DuckDbValueMapping> = {
  [FieldType.STRING]: {
    toDuckDb: (value) => String(value),
    append: (a, v) => a.appendVarchar(v as string),
    stagingJson: (value) => JSON.stringify(value),
    toWire: (value) => String(value),
  },
  [FieldType.INT64]: {
    toDuckDb: (value) => BigInt(value as bigint | number | string),
    append: (a, v) => a.appendBigInt(v as bigint),
    stagingJson: (value) => BigInt(value as bigint | number | string).toString(),
    toWire: (value) => int64ToWire(value as bigint),
  },
  [FieldType.FLOAT64]: {
    toDuckDb: (value) => Number(value),
    append: (a, v) => a.appendDouble(v as number),
    stagingJson: (value) => JSON.stringify(value),
    toWire: (value) => value as number,
  },
  [FieldType.NUMERIC]: {
    toDuckDb: (value, path) => decimalValue(scaledNumeric(String(value), path), NUMERIC_WIDTH, NUMERIC_SCALE),
    append: (a, v) => a.appendDecimal(v as DuckDBDecimalValue),
    stagingJson: (value, path) => JSON.stringify(numericToWire(scaledNumeric(String(value), path))),
    toWire: (value) => (value instanceof DuckDBDecimalValue ? numericToWire(value.value, value.scale) : String(value)),
  },
  [FieldType.BOOLEAN]: {
    toDuckDb: (value) => Boolean(value),
    append: (a, v) => a.appendBoolean(v as boolean),
    stagingJson: (value) => JSON.stringify(value),
    toWire: (value) => value as boolean,
  },
  [FieldType.TIMESTAMP]: {
    toDuckDb: (value, path) => timestampValue(toMicros(value, path)),
    append: (a, v) => a.appendTimestamp(v as DuckDBTimestampValue),
    stagingJson: (value, path) => JSON.stringify(microsToIso(toMicros(value, path))),
    toWire: (value) => microsToIso((value as DuckDBTimestampValue).micros),
  },
  [FieldType.DATE]: {
    toDuckDb: (value, path) => dateValue(toEpochDays(value, path)),
    append: (a, v) => a.appendDate(v as DuckDBDateValue),
    stagingJson: (value, path) => JSON.stringify(epochDaysToDate(toEpochDays(value, path))),
    toWire: (value) => epochDaysToDate((value as DuckDBDateValue).days),
  },
  [FieldType.JSON]: {
    toDuckDb: (value, path) => jsonText(value, path),
    append: (a, v) => a.appendVarchar(v as string),
    stagingJson: (value, path) => jsonText(value, path),
    toWire: (value) => JSON.parse(value as string) as WireValue,
  },
  [FieldType.BYTES]: {
    toDuckDb: (value, path) => Buffer.from(toBytes(value, path)).toString('base64'),
    append: (a, v) => a.appendVarchar(v as string),
    stagingJson: (value, path) => JSON.stringify(Buffer.from(toBytes(value, path)).toString('base64')),
    toWire: (value) => String(value),
  },
  [FieldType.TIME]: {
    toDuckDb: (value, path) => timeValue(toTimeMicros(value, path)),
    append: (a, v) => a.appendTime(v as DuckDBTimeValue),
    stagingJson: (value, path) => JSON.stringify(timeOfDayToWire(toTimeMicros(value, path))),
    toWire: (value) => timeOfDayToWire((value as DuckDBTimeValue).micros),
  },
  [FieldType.DATETIME]: {
    toDuckDb: (value, path) => timestampValue(toDateTimeMicros(value, path)),
    append: (a, v) => a.appendTimestamp(v as DuckDBTimestampValue),
    stagingJson: (value, path) => JSON.stringify(dateTimeToWire(toDateTimeMicros(value, path))),
    toWire: (value) => dateTimeToWire((value as DuckDBTimestampValue).micros),
  },
  [FieldType.BIGNUMERIC]: {
    toDuckDb: (value, path) => canonicalBigNumericOf(value, path),
    append: (a, v) => a.appendVarchar(v as string),
    stagingJson: (value, path) => JSON.stringify(canonicalBigNumericOf(value, path)),
    toWire: (value) => String(value),
  },
};

/** The bytes of a BYTES value in stored form: Avro's JSON encoding, one character per byte. */
function toBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const text = String(value);
  // Avro's JSON encoding refuses characters above U+00FF, so only a broken caller gets here.
  if (/[\u0100-\uffff]/.test(text)) throw new UnstorableValueError(path, 'holds a character above U+00FF, which is no byte');
  return Buffer.from(text, 'latin1');
}

function toTimeMicros(value: unknown, path: string): bigint {
  const micros = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'string' ? parseTimeOfDay(value) : undefined;
  // Avro's long allows values BigQuery's TIME refuses: dead-letter them, as the subscription would.
  if (micros === undefined || micros < 0n || micros >= MICROS_PER_DAY) throw new UnstorableValueError(path, `${String(value)} is not a TIME in microseconds after midnight`);
  return micros;
}

function toDateTimeMicros(value: unknown, path: string): bigint {
  const micros = parseDateTime(String(value));
  if (micros === undefined) throw new UnstorableValueError(path, `${JSON.stringify(value)} is not a DATETIME (YYYY-MM-DD HH:MM:SS[.ffffff], years 0001 to 9999)`);
  return micros;
}

function canonicalBigNumericOf(value: unknown, path: string): string {
  const text = canonicalBigNumeric(String(value));
  // BigQuery refuses such a row, so the subscription dead-letters it: the same happens locally.
  if (text === undefined) throw new UnstorableValueError(path, `${JSON.stringify(value)} is not a BIGNUMERIC (decimal text within BigQuery's range, no exponent)`);
  return text;
}
