import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import type { RecordSchema } from '../../schema/record-schema';
import type { AppEnv } from '../app-env';
import type { Clock } from '../clock';
import { encodeCursor } from '../cursor';
import { ApiError, ErrorCode } from '../http-error';
import type { Store } from '../store/store';
import { QueryLimits, getQuerySchema, listQuerySchema, parseKey, safeParse, validationError } from '../validation';

/** What the records resource needs. */
export interface RecordRoutesDeps {
  readonly store: Store;
  /** The exposed projection: the only fields a client can see, filter or request. */
  readonly schema: RecordSchema;
  readonly limits: QueryLimits;
  readonly clock: Clock;
}

/** Turns a failed validation into the API's 400 instead of zod-validator's default body. */
const throwOnInvalid = (result: { success: boolean; error?: unknown }) => {
  if (!result.success) throw validationError(result.error as Parameters<typeof validationError>[0]);
};

/**
 * `GET /v1/records` (a page of records, newest first, `nextCursor` while more remain) and, when the schema has a
 * key, `GET /v1/records/{key}` (the latest version of one record, 404 when absent).
 */
export const recordRoutes = ({ store, schema, limits, clock }: RecordRoutesDeps) => {
  const list = new Hono<AppEnv>().get('/', zValidator('query', listQuerySchema(schema, limits, clock), throwOnInvalid, { validationFunction: safeParse }), async (c) => {
    const page = await store.list(c.req.valid('query'), c.req.raw.signal);
    return c.json({ records: page.records, ...(page.nextCursor ? { nextCursor: encodeCursor(page.nextCursor) } : {}) });
  });
  if (!schema.keyField) return list;
  return list.get('/:key', zValidator('query', getQuerySchema(schema, limits, clock), throwOnInvalid, { validationFunction: safeParse }), async (c) => {
    const key = parseKey(schema, c.req.param('key'));
    const record = await store.get({ key, ...c.req.valid('query') }, c.req.raw.signal);
    if (!record) throw new ApiError(404, ErrorCode.NOT_FOUND, `no record with ${schema.keyField} ${JSON.stringify(key)} in the window`);
    return c.json(record);
  });
};
