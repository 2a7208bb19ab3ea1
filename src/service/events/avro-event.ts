import type * as avro from 'avsc';
import { FieldDefinition, FieldMode, FieldType } from '../../schema/field';
import { FIELD_TYPES } from '../../schema/field-types';
import type { RecordSchema } from '../../schema/record-schema';

/** One event as a producer publishes it: Avro's JSON encoding, nullable values wrapped (`{"long": 3}`). */
export type AvroJsonEvent = Record<string, unknown>;

/** Why an event does not match the schema: where, and what was expected. */
export interface EventProblem {
  /** Path inside the event, e.g. `aircraft["com.example.flights.FlightEvent_aircraft"].seats`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Validates events exactly as Pub/Sub validates a publish to a topic with an Avro schema and JSON encoding:
 * avsc with wrapped unions, no undeclared fields, longs within the safe integer range of a JSON number.
 */
export class AvroEventValidator {
  private readonly type: avro.Type;
  private readonly fields: FieldDefinition[];
  private readonly hasBytes: boolean;

  public constructor(schema: RecordSchema) {
    // Required here, not at the top: avsc is only evaluated when events are enabled, keeping cold starts short.
    const avsc: typeof avro = require('avsc');
    this.type = avsc.Type.forSchema(schema.toAvro(), { wrapUnions: true });
    this.fields = schema.fields;
    this.hasBytes = schema.fields.some(holdsBytes);
  }

  /** The first problem of the event, or undefined when Pub/Sub would accept it. */
  public problem(event: unknown): EventProblem | undefined {
    let found: EventProblem | undefined;
    const value = this.hasBytes ? withBuffers(this.fields, event) : event;
    this.type.isValid(value, {
      noUndeclaredFields: true,
      errorHook: (path: string[], value: unknown, type: avro.Type) => {
        found ??= describe(path, value, type);
      },
    });
    return found;
  }
}

function holdsBytes(field: FieldDefinition): boolean {
  return field.type === FieldType.BYTES || (field.fields ?? []).some(holdsBytes);
}

/**
 * The event with each BYTES value in its JSON encoding (one character per byte, U+0000 to U+00FF) turned into the
 * Buffer avsc validates; anything else is left as is, so avsc reports it. The event itself is not changed.
 */
function withBuffers(fields: readonly FieldDefinition[], event: unknown): unknown {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return event;
  const record = event as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...record };
  for (const field of fields) {
    if (!holdsBytes(field) || !(field.name in record)) continue;
    const convert = (v: unknown): unknown => (field.type === FieldType.BYTES ? toBuffer(v) : withBuffers(field.fields ?? [], v));
    const value = record[field.name];
    if (field.mode === FieldMode.REPEATED) copy[field.name] = Array.isArray(value) ? value.map(convert) : value;
    else if (field.mode === FieldMode.NULLABLE) copy[field.name] = mapBranch(value, convert);
    else copy[field.name] = convert(value);
  }
  return copy;
}

/** A wrapped union's one branch `{"<name>": value}` with its value converted. */
function mapBranch(value: unknown, convert: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  return entries.length === 1 ? { [entries[0][0]]: convert(entries[0][1]) } : value;
}

function toBuffer(value: unknown): unknown {
  return typeof value === 'string' && !/[\u0100-\uffff]/.test(value) ? Buffer.from(value, 'latin1') : value;
}

/** The stored form of a valid event (see ../store/duckdb-values.ts): union wrappers removed, nothing else changed. */
export function unwrapEvent(schema: RecordSchema, event: AvroJsonEvent): Record<string, unknown> {
  return unwrapFields(schema.fields, event);
}

/**
 * The Avro JSON encoding of a record in stored form (the inverse of `unwrapEvent`): nullable values wrapped in
 * their branch name, nested records named after their path, microsecond timestamps and epoch-day dates as numbers.
 */
export function wrapEvent(schema: RecordSchema, record: Record<string, unknown>): AvroJsonEvent {
  return wrapFields(schema.fields, record, schema.namespace ? `${schema.namespace}.${schema.name}` : schema.name);
}

function wrapFields(fields: FieldDefinition[], record: Record<string, unknown>, recordName: string): AvroJsonEvent {
  return Object.fromEntries(fields.map((f) => [f.name, wrapField(f, record[f.name], recordName)]));
}

function wrapField(field: FieldDefinition, value: unknown, recordName: string): unknown {
  const nestedName = `${recordName}_${field.name}`;
  if (field.mode === FieldMode.REPEATED) return ((value as unknown[] | undefined) ?? []).map((item) => wrapValue(field, item, nestedName));
  if (field.mode === FieldMode.NULLABLE) {
    if (value === null || value === undefined) return null;
    return { [field.type === FieldType.RECORD ? nestedName : FIELD_TYPES[field.type].avroBranch]: wrapValue(field, value, nestedName) };
  }
  return wrapValue(field, value, nestedName);
}

function wrapValue(field: FieldDefinition, value: unknown, nestedName: string): unknown {
  if (field.type === FieldType.RECORD) return wrapFields(field.fields ?? [], value as Record<string, unknown>, nestedName);
  return typeof value === 'bigint' ? Number(value) : value;
}

function unwrapFields(fields: FieldDefinition[], value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, unwrapField(f, value[f.name])]));
}

function unwrapField(field: FieldDefinition, value: unknown): unknown {
  if (field.mode === FieldMode.REPEATED) return ((value as unknown[] | undefined) ?? []).map((item) => unwrapValue(field, item));
  if (field.mode === FieldMode.NULLABLE) {
    // A wrapped union holds exactly one branch: {"<type name>": value}.
    return value === null || value === undefined ? null : unwrapValue(field, Object.values(value as object)[0]);
  }
  return unwrapValue(field, value);
}

function unwrapValue(field: FieldDefinition, value: unknown): unknown {
  return field.type === FieldType.RECORD ? unwrapFields(field.fields ?? [], value as Record<string, unknown>) : value;
}

function describe(path: string[], value: unknown, type: avro.Type): EventProblem {
  const where = formatPath(path);
  if (type.typeName === 'record' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const declared = new Set((type as avro.types.RecordType).fields.map((f) => f.name));
    const extra = Object.keys(value).filter((k) => !declared.has(k));
    if (extra.length > 0) {
      return { path: where, message: `${extra.map((k) => JSON.stringify(k)).join(', ')} ${extra.length > 1 ? 'are not fields' : 'is not a field'} of ${type.name}` };
    }
  }
  return { path: where, message: `expected ${expected(type)}, got ${show(value)}` };
}

function expected(type: avro.Type): string {
  if (type.typeName === 'union:wrapped') {
    const branches = (type as avro.types.WrappedUnionType).types.map((t) => t.branchName).filter((b) => b !== 'null');
    return `null or ${branches.map((b) => `{"${b}": value}`).join(' or ')}`;
  }
  if (type.typeName === 'long') return 'an integer (Avro long; JSON numbers are exact up to 2^53 - 1)';
  if (type.typeName === 'int') return 'an integer (Avro int)';
  if (type.typeName === 'record') return `an object (${type.name})`;
  if (type.typeName === 'array') return 'an array';
  return type.typeName;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // JSON.parse takes any depth but JSON.stringify recurses: a deeply nested value must still get its 400.
    return 'a value nested too deeply to show';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatPath(path: string[]): string {
  return path
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `${i === 0 ? '' : '.'}${part}` : `[${JSON.stringify(part)}]`))
    .join('');
}
