import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

/** Google's published .proto files (googleapis), as shipped by the `google-proto-files` package. */
const PROTO_DIR = path.dirname(require.resolve('google-proto-files/package.json'));

/** Loads Google API protos by their import path (`google/monitoring/dashboard/v1/dashboard.proto`), comments kept. */
export function loadGoogleProtos(...files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  // Imports resolve inside the package; google/protobuf/* falls back to protobufjs's bundled copies.
  root.resolvePath = (_origin, target) => {
    const inPackage = path.join(PROTO_DIR, target);
    return fs.existsSync(inPackage) ? inPackage : target;
  };
  root.loadSync(files, { alternateCommentMode: true });
  root.resolveAll();
  return root;
}

const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const WRAPPERS: { [type: string]: string } = {
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.DoubleValue': 'double',
};

/** The `google.api.field_behavior` annotations of a field (REQUIRED, OUTPUT_ONLY, ...). */
export function fieldBehaviors(field: protobuf.Field): string[] {
  const parsed = (field.parsedOptions ?? []) as { [key: string]: unknown }[];
  return parsed.flatMap((option) => Object.entries(option).filter(([k]) => k === '(google.api.field_behavior)').map(([, v]) => String(v)));
}

function scalarProblems(type: string, value: unknown, where: string): string[] {
  const bad = (what: string) => [`${where}: expected ${what} (${type}), got ${JSON.stringify(value)}`];
  if (type === 'string') return typeof value === 'string' ? [] : bad('a string');
  if (type === 'bool') return typeof value === 'boolean' ? [] : bad('a boolean');
  if (type === 'bytes') return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ? [] : bad('base64 text');
  if (type === 'double' || type === 'float') {
    return typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? [] : bad('a number');
  }
  const integer = typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && /^-?\d+$/.test(value);
  if (INT32.has(type) || INT64.has(type)) {
    if (!integer) return bad('an integer');
    return type.startsWith('u') || type.startsWith('fixed') ? (Number(value) >= 0 ? [] : bad('a non-negative integer')) : [];
  }
  return [`${where}: unknown scalar type ${type}`];
}

function wellKnownProblems(fullName: string, value: unknown, where: string): string[] | undefined {
  if (WRAPPERS[fullName]) return scalarProblems(WRAPPERS[fullName], value, where);
  if (fullName === '.google.protobuf.Duration') {
    return typeof value === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(value) ? [] : [`${where}: expected a Duration such as "60s", got ${JSON.stringify(value)}`];
  }
  if (fullName === '.google.protobuf.Timestamp') {
    return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${where}: expected an RFC 3339 Timestamp, got ${JSON.stringify(value)}`];
  }
  if (fullName === '.google.protobuf.Value') return [];
  if (fullName === '.google.protobuf.Struct') return isObject(value) ? [] : [`${where}: expected an object, got ${JSON.stringify(value)}`];
  if (fullName === '.google.protobuf.ListValue') return Array.isArray(value) ? [] : [`${where}: expected an array, got ${JSON.stringify(value)}`];
  return undefined;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueProblems(field: protobuf.Field, value: unknown, where: string): string[] {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    const allowed = Object.keys(resolved.values);
    return typeof value === 'string' && allowed.includes(value)
      ? []
      : [`${where}: ${JSON.stringify(value)} is not a value of enum ${resolved.fullName.slice(1)} (allowed: ${allowed.join(', ')})`];
  }
  if (resolved instanceof protobuf.Type) return messageProblems(resolved, value, where);
  return scalarProblems(field.type, value, where);
}

/**
 * Why `json` is not a valid proto3 JSON encoding of `type`, strictly: unknown fields, wrong scalar types, enum values
 * outside the enum, two members of one oneof, REQUIRED fields missing, OUTPUT_ONLY fields set. Empty when valid.
 */
export function messageProblems(type: protobuf.Type, json: unknown, where = type.name): string[] {
  const wellKnown = wellKnownProblems(type.fullName, json, where);
  if (wellKnown) return wellKnown;
  if (!isObject(json)) return [`${where}: expected a ${type.fullName.slice(1)} object, got ${JSON.stringify(json)}`];

  const problems: string[] = [];
  const byJsonName = new Map(type.fieldsArray.map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(json)) {
    const field = byJsonName.get(key) ?? type.fieldsArray.find((f) => (f.options?.json_name as string | undefined) === key);
    const here = `${where}.${key}`;
    if (!field) {
      problems.push(`${here}: ${type.fullName.slice(1)} has no field ${JSON.stringify(key)}`);
      continue;
    }
    if (fieldBehaviors(field).includes('OUTPUT_ONLY')) problems.push(`${here}: output only, the API sets it`);
    if (field instanceof protobuf.MapField) {
      if (!isObject(value)) problems.push(`${here}: expected a map object, got ${JSON.stringify(value)}`);
      else for (const [k, v] of Object.entries(value)) problems.push(...valueProblems(field, v, `${here}[${JSON.stringify(k)}]`));
    } else if (field.repeated) {
      if (!Array.isArray(value)) problems.push(`${here}: expected an array, got ${JSON.stringify(value)}`);
      else value.forEach((v, i) => problems.push(...valueProblems(field, v, `${here}[${i}]`)));
    } else {
      problems.push(...valueProblems(field, value, here));
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => json[f.name] !== undefined).map((f) => f.name);
    if (set.length > 1) problems.push(`${where}: oneof ${oneof.name} takes one of its fields, got ${set.join(' and ')}`);
  }
  for (const field of type.fieldsArray) {
    if (fieldBehaviors(field).includes('REQUIRED') && json[field.name] === undefined) problems.push(`${where}.${field.name}: required`);
  }
  return problems;
}
