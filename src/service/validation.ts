// zod/mini: the same validation as zod's classic API, tree-shaken to a few KB of the bundle instead of ~440 KB.
import * as z from 'zod/mini';
import type { ZodSafeParseResult } from 'zod';
import type { RecordSchema } from '../schema/record-schema';
import type { Clock } from './clock';
import { queryBinding } from './cursor';
import { ApiError } from './http-error';
import { LIMIT, ParameterSpec, getParameters, listParameters } from './query-parameters';
import type { ListQuery } from './store/store';

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

const MICROS_PER_DAY = 86_400_000_000n;
/** `GET /v1/records` and `GET /v1/records/{key}` look at the last day unless told otherwise (a lookup bills its window). */
const DEFAULT_LIST_WINDOW = MICROS_PER_DAY;
/** A default `to` is "now" rounded up to the minute, so identical requests within a minute share one query and cache entry. */
const DEFAULT_TO_ROUNDING_MICROS = 60_000_000n;

/** Where a transform reports problems (zod/mini's payload). */
type Ctx = { issues: unknown[] };

/** A query parameter given at most once (a repeated one arrives as an array and is refused by name). */
const once = (name: string) => z.optional(z.string({ error: `${name} must be given once` }));

/** The query string's shape from the specs: each parameter at most once, anything else refused by name. */
function strictQuery(specs: ReadonlyArray<ParameterSpec>) {
  const allowed = specs.map((p) => p.name).join(', ');
  return z.strictObject(Object.fromEntries(specs.map((p) => [p.name, once(p.name)])), {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.join(', ')} (allowed: ${allowed})` : undefined,
  });
}

const INVALID = Symbol('invalid');

/** The parameter's value when given and valid, `fallback` when absent, `INVALID` (with an issue) otherwise. */
function read<T>(spec: ParameterSpec<T>, raw: Record<string, string | undefined>, ctx: Ctx, fallback?: T): T | typeof INVALID | undefined {
  const text = raw[spec.name];
  if (text === undefined) return fallback;
  const parsed = spec.parse(text);
  if ('error' in parsed) {
    addIssue(ctx, spec.name, parsed.error);
    return INVALID;
  }
  return parsed.value;
}

/**
 * Validates the query string of `GET /v1/records` and turns it into a store ListQuery, by the parameters'
 * specs (./query-parameters.ts, which the OpenAPI document states too): `from`/`to` (default the last 24 h, at
 * most `maxQueryWindowDays` apart), `limit`, `cursor`, `fields` and one equality filter per clustering field.
 */
export function listQuerySchema(schema: RecordSchema, limits: QueryLimits, clock: Clock) {
  const params = listParameters(schema, limits.maxQueryWindowDays);
  return z.pipe(
    strictQuery([params.from, params.to, params.limit, params.cursor, params.fields, ...params.filters]),
    z.transform((query, ctx): ListQuery => {
      const raw = query as Record<string, string | undefined>;
      const window = readWindow(params, raw, DEFAULT_LIST_WINDOW, limits, clock, ctx);
      const limit = read(params.limit, raw, ctx, LIMIT.default);
      const cursor = read(params.cursor, raw, ctx);
      const fields = read(params.fields, raw, ctx, schema.fieldNames);
      const filters: Record<string, string | number | boolean> = {};
      let filtersValid = true;
      for (const spec of params.filters) {
        const value = read(spec, raw, ctx);
        if (value === INVALID) filtersValid = false;
        else if (value !== undefined) filters[spec.name] = value;
      }
      if (cursor && cursor !== INVALID && fields !== INVALID && filtersValid && cursor.binding !== undefined && cursor.binding !== queryBinding({ fields: fields!, filters })) {
        addIssue(ctx, 'cursor', 'cursor was issued for other fields or filters: pass the fields and filters of the request that returned it');
        return z.NEVER;
      }
      if (!window || limit === INVALID || cursor === INVALID || fields === INVALID || !filtersValid) return z.NEVER;
      return { ...window, limit: limit!, ...(cursor ? { cursor: cursor.cursor } : {}), fields: fields!, filters };
    }),
  );
}

/** Validates the query string of `GET /v1/records/{key}`: `from`/`to` (default: the last 24 h) and `fields`. */
export function getQuerySchema(schema: RecordSchema, limits: QueryLimits, clock: Clock) {
  const params = getParameters(schema, limits.maxQueryWindowDays);
  if (!params) throw new Error(`${schema.name} has no key field: there is no lookup by key`);
  return z.pipe(
    strictQuery([params.from, params.to, params.fields]),
    z.transform((query, ctx): WindowAndFields => {
      const raw = query as Record<string, string | undefined>;
      const window = readWindow(params, raw, DEFAULT_LIST_WINDOW, limits, clock, ctx);
      const fields = read(params.fields, raw, ctx, schema.fieldNames);
      if (!window || fields === INVALID) return z.NEVER;
      return { ...window, fields: fields! };
    }),
  );
}

/** Reads the key in `/v1/records/{key}`, typed by the key field, or throws a 400 naming it; built once per route. */
export function keyParser(schema: RecordSchema): (text: string) => string | number {
  const spec = getParameters(schema, 1)?.key;
  return (text) => {
    const parsed = spec ? spec.parse(text) : { error: `${schema.name} has no key field` };
    if ('error' in parsed) throw ApiError.invalid(parsed.error, { issues: [{ parameter: schema.keyField, message: 'invalid key' }] });
    return parsed.value;
  };
}

/** The 400 for a failed validation: every problem in the message, and per parameter in details. */
export function validationError(error: { readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }> }): ApiError {
  const issues = error.issues.map((issue) => ({ parameter: issue.path.length > 0 ? String(issue.path[0]) : undefined, message: issue.message }));
  return ApiError.invalid(issues.map((i) => i.message).join('; '), { issues });
}

function addIssue(ctx: Ctx, parameter: string, message: string): void {
  ctx.issues.push({ code: 'custom', path: [parameter], message, input: undefined });
}

/** `[from, to)` from the two parameters: defaults filled, ordered, and no wider than allowed. */
function readWindow(
  params: { readonly from: ParameterSpec<bigint>; readonly to: ParameterSpec<bigint> },
  raw: Record<string, string | undefined>,
  defaultWidth: bigint,
  limits: QueryLimits,
  clock: Clock,
  ctx: Ctx,
): { fromMicros: bigint; toMicros: bigint } | undefined {
  const from = read(params.from, raw, ctx);
  const to = read(params.to, raw, ctx);
  if (from === INVALID || to === INVALID) return undefined;
  const toMicros = to ?? roundUp(nowMicros(clock), DEFAULT_TO_ROUNDING_MICROS);
  const fromMicros = from ?? toMicros - defaultWidth;
  if (toMicros <= fromMicros) {
    addIssue(ctx, 'to', `to must be after from (from ${raw.from ?? 'default'}, to ${raw.to ?? 'now'})`);
    return undefined;
  }
  const maxWidth = BigInt(limits.maxQueryWindowDays) * MICROS_PER_DAY;
  if (toMicros - fromMicros > maxWidth) {
    addIssue(ctx, from === undefined ? 'to' : 'from', `the window from..to may span at most ${limits.maxQueryWindowDays} days; narrow from or to`);
    return undefined;
  }
  return { fromMicros, toMicros };
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
