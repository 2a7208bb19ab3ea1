// zod/mini: the same validation as zod's classic API, tree-shaken to a few KB of the bundle instead of ~440 KB.
import * as z from 'zod/mini';
import type { ZodSafeParseResult } from 'zod';
import { FieldType } from '../schema/field';
import type { RecordSchema } from '../schema/record-schema';
import type { Clock } from './clock';
import { decodeCursor } from './cursor';
import { ApiError } from './http-error';
import type { ListQuery, PageCursor } from './store/store';
import { parseTypedValue, typeHint } from './typed-values';
import { isoToMicros } from '../schema/wire';

/** Limits of one request that come from configuration. */
export interface QueryLimits {
  /** Widest `[from, to)` a request may ask for, in days. */
  readonly maxQueryWindowDays: number;
}

/** A lookup of one key; the store's GetQuery without the key, which the path carries. */
export interface WindowAndFields {
  readonly fromMicros: bigint;
  readonly toMicros: bigint;
  readonly fields: readonly string[];
}

/** Largest page a client may ask for. */
export const MAX_LIMIT = 1000;
/** Page size when `limit` is absent. */
export const DEFAULT_LIMIT = 100;
const MICROS_PER_DAY = 86_400_000_000n;
/** `GET /v1/records` and `GET /v1/records/{key}` look at the last day unless told otherwise (a lookup bills its window). */
const DEFAULT_LIST_WINDOW = MICROS_PER_DAY;
/** A default `to` is "now" rounded up to the minute, so identical requests within a minute share one query and cache entry. */
export const DEFAULT_TO_ROUNDING_MICROS = 60_000_000n;

/** Where a transform reports problems (zod/mini's payload). */
type Ctx = { issues: unknown[] };

/** A query parameter given at most once (a repeated one arrives as an array and is refused by name). */
const once = (name: string) => z.optional(z.string({ error: `${name} must be given once` }));

function strictQuery<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.join(', ')} (allowed: ${allowed})` : undefined,
  });
}

/**
 * Validates the query string of `GET /v1/records` and turns it into a store ListQuery: `from`/`to` (ISO 8601,
 * default the last 24 h, at most `maxQueryWindowDays` apart), `limit` (1..1000, default 100), `cursor`, `fields`
 * and one equality filter per clustering field, typed by its column. Anything else is refused by name.
 */
export function listQuerySchema(schema: RecordSchema, limits: QueryLimits, clock: Clock) {
  const filters = Object.fromEntries(schema.clusteringFields.map((name) => [name, once(name)]));
  const query = strictQuery({ from: once('from'), to: once('to'), limit: once('limit'), cursor: once('cursor'), fields: once('fields'), ...filters });
  return z.pipe(
    query,
    z.transform((raw, ctx): ListQuery => {
      const values = raw as Record<string, string | undefined>;
      const window = parseWindow(values.from, values.to, DEFAULT_LIST_WINDOW, limits, clock, ctx);
      const limit = parseLimit(values.limit, ctx);
      const cursor = parseCursor(schema, values.cursor, ctx);
      const fields = parseFields(schema, values.fields, ctx);
      const typedFilters: Record<string, string | number | boolean> = {};
      for (const name of schema.clusteringFields) {
        const text = values[name];
        if (text === undefined) continue;
        const field = schema.field(name)!;
        const value = parseTypedValue(field, text);
        if (value === undefined) addIssue(ctx, name, `${name} must be ${typeHint(field)}, got ${JSON.stringify(text)}`);
        else typedFilters[name] = value;
      }
      if (!window || limit === undefined || cursor === null || !fields) return z.NEVER;
      return { ...window, limit, ...(cursor ? { cursor } : {}), fields, filters: typedFilters };
    }),
  );
}

/** Validates the query string of `GET /v1/records/{key}`: `from`/`to` (default: the last 24 h) and `fields`. */
export function getQuerySchema(schema: RecordSchema, limits: QueryLimits, clock: Clock) {
  const query = strictQuery({ from: once('from'), to: once('to'), fields: once('fields') });
  return z.pipe(
    query,
    z.transform((raw, ctx): WindowAndFields => {
    const window = parseWindow(raw.from, raw.to, DEFAULT_LIST_WINDOW, limits, clock, ctx);
    const fields = parseFields(schema, raw.fields, ctx);
    if (!window || !fields) return z.NEVER;
    return { ...window, fields };
    }),
  );
}

/** The key in `/v1/records/{key}`, typed by the key field, or a 400 naming it. */
export function parseKey(schema: RecordSchema, text: string): string | number {
  const field = schema.keyField ? schema.field(schema.keyField) : undefined;
  const value = field ? parseTypedValue(field, text) : undefined;
  if (field === undefined || value === undefined || typeof value === 'boolean') {
    throw ApiError.invalid(`the key must be ${field ? typeHint(field) : 'a key'} (${schema.keyField}), got ${JSON.stringify(text)}`, {
      issues: [{ parameter: schema.keyField, message: 'invalid key' }],
    });
  }
  return value;
}

/** The 400 for a failed validation: every problem in the message, and per parameter in details. */
export function validationError(error: { readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> }): ApiError {
  const issues = error.issues.map((issue) => ({ parameter: issue.path.length > 0 ? String(issue.path[0]) : undefined, message: issue.message }));
  return ApiError.invalid(issues.map((i) => i.message).join('; '), { issues });
}

function addIssue(ctx: Ctx, parameter: string, message: string): void {
  ctx.issues.push({ code: 'custom', path: [parameter], message, input: undefined });
}

function parseWindow(
  fromText: string | undefined,
  toText: string | undefined,
  defaultWidth: bigint,
  limits: QueryLimits,
  clock: Clock,
  ctx: Ctx,
): { fromMicros: bigint; toMicros: bigint } | undefined {
  const from = fromText === undefined ? undefined : isoToMicros(fromText);
  const to = toText === undefined ? undefined : isoToMicros(toText);
  const hint = 'an ISO 8601 timestamp with a zone, e.g. 2024-05-01T10:00:00Z';
  if (fromText !== undefined && from === undefined) addIssue(ctx, 'from', `from must be ${hint}, got ${JSON.stringify(fromText)}`);
  if (toText !== undefined && to === undefined) addIssue(ctx, 'to', `to must be ${hint}, got ${JSON.stringify(toText)}`);
  if ((fromText !== undefined && from === undefined) || (toText !== undefined && to === undefined)) return undefined;
  const toMicros = to ?? roundUp(nowMicros(clock), DEFAULT_TO_ROUNDING_MICROS);
  const fromMicros = from ?? toMicros - defaultWidth;
  if (toMicros <= fromMicros) {
    addIssue(ctx, 'to', `to must be after from (from ${fromText ?? 'default'}, to ${toText ?? 'now'})`);
    return undefined;
  }
  const maxWidth = BigInt(limits.maxQueryWindowDays) * MICROS_PER_DAY;
  if (toMicros - fromMicros > maxWidth) {
    addIssue(ctx, from === undefined ? 'to' : 'from', `the window from..to may span at most ${limits.maxQueryWindowDays} days; narrow from or to`);
    return undefined;
  }
  return { fromMicros, toMicros };
}

function parseLimit(text: string | undefined, ctx: Ctx): number | undefined {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    addIssue(ctx, 'limit', `limit must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(text)}`);
    return undefined;
  }
  return limit;
}

/** BigQuery's TIMESTAMP range (0001-01-01 to 9999-12-31 23:59:59.999999 UTC) in microseconds. */
const MIN_TIMESTAMP_MICROS = -62_135_596_800_000_000n;
const MAX_TIMESTAMP_MICROS = 253_402_300_799_999_999n;

/** undefined when absent, null when malformed or not a position this schema's pages can have. */
function parseCursor(schema: RecordSchema, text: string | undefined, ctx: Ctx): PageCursor | undefined | null {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor || !cursorFits(schema, cursor)) {
    addIssue(ctx, 'cursor', 'cursor is malformed: pass the nextCursor of a previous page unchanged');
    return null;
  }
  return cursor;
}

/** A forged cursor must get its 400 here, not fail in the store: a time stores can bind, a tie-breaker of the key's type. */
function cursorFits(schema: RecordSchema, cursor: PageCursor): boolean {
  const micros = BigInt(cursor.eventTimeMicros);
  if (micros < MIN_TIMESTAMP_MICROS || micros > MAX_TIMESTAMP_MICROS) return false;
  const key = schema.keyField ? schema.field(schema.keyField) : undefined;
  return key?.type !== FieldType.INT64 || parseTypedValue(key, String(cursor.tieBreaker)) !== undefined;
}

function parseFields(schema: RecordSchema, text: string | undefined, ctx: Ctx): string[] | undefined {
  if (text === undefined) return schema.fieldNames;
  const requested = text.split(',').map((s) => s.trim());
  const unknown = requested.filter((name) => !schema.field(name));
  if (unknown.length > 0 || text.trim() === '') {
    const names = unknown.map((n) => JSON.stringify(n)).join(', ');
    addIssue(ctx, 'fields', `fields lists unknown field ${names || '""'} (exposed fields: ${schema.fieldNames.join(', ')})`);
    return undefined;
  }
  // The event time is always returned: it orders the page and locates the cursor.
  const keep = new Set([...requested, schema.eventTimeField]);
  return schema.fieldNames.filter((name) => keep.has(name));
}

function roundUp(micros: bigint, unit: bigint): bigint {
  return ((micros + unit - 1n) / unit) * unit;
}

function nowMicros(clock: Clock): bigint {
  return BigInt(Math.floor(clock.nowMillis())) * 1000n;
}

/** zod/mini schemas have no methods: zod-validator runs them through this (typed as the classic result it expects). */
export const safeParse = <T extends z.ZodMiniType>(schema: T, value: unknown) =>
  z.safeParse(schema, value) as unknown as ZodSafeParseResult<z.output<T>>;
