import { zValidator } from '@hono/zod-validator';
import { Hono, MiddlewareHandler } from 'hono';
import type { RecordSchema } from '../../schema/record-schema';
import type { AppEnv } from '../app-env';
import type { Clock } from '../clock';
import { encodeCursor, queryBinding } from '../cursor';
import { ApiError, ErrorCode } from '../http-error';
import { pageBody } from '../page-body';
import type { Store } from '../store/store';
import { microsToIso } from '../../schema/wire';
import { QueryLimits, getQuerySchema, keyParser, listQuerySchema, safeParse, validationError } from '../validation';

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
 * HEAD would run the whole query only to drop its body (Hono answers HEAD with the GET handler): refused, with the
 * method that works, before any validation or query. Attached per route, so unknown paths keep their 404 route.
 */
const refuseHead: MiddlewareHandler<AppEnv> = async (c, next) => (c.req.method === 'HEAD' ? c.body(null, 405, { Allow: 'GET' }) : next());

/** The resolved window (defaults applied, `to` rounded), as an ISO 8601 interval, so a client sees what it was served. */
const windowHeader = (window: { fromMicros: bigint; toMicros: bigint }) => `${microsToIso(window.fromMicros)}/${microsToIso(window.toMicros)}`;

/**
 * `GET /v1/records` (a page of records, newest first, `nextCursor` while more remain) and, when the schema has a
 * key, `GET /v1/records/{key}` (the latest version of one record, 404 when absent).
 */
export const recordRoutes = ({ store, schema, limits, clock }: RecordRoutesDeps) => {
  const list = new Hono<AppEnv>().get('/', refuseHead, zValidator('query', listQuerySchema(schema, limits, clock), throwOnInvalid, { validationFunction: safeParse }), async (c) => {
    const query = c.req.valid('query');
    const page = await store.list(query, c.req.raw.signal);
    c.header('Query-Window', windowHeader(query));
    const nextCursor = page.nextCursor ? encodeCursor(page.nextCursor, queryBinding(query)) : undefined;
    return c.body(pageBody(page, nextCursor), 200, { 'Content-Type': 'application/json' });
  });
  if (!schema.keyField) return list;
  const parseKey = keyParser(schema);
  return list.get('/:key', refuseHead, zValidator('query', getQuerySchema(schema, limits, clock), throwOnInvalid, { validationFunction: safeParse }), async (c) => {
    const key = parseKey(c.req.param('key'));
    const window = c.req.valid('query');
    c.header('Query-Window', windowHeader(window));
    const record = await store.get({ key, ...window }, c.req.raw.signal);
    if (!record) throw new ApiError(404, ErrorCode.NOT_FOUND, `no record with ${schema.keyField} ${JSON.stringify(key)} in the window`);
    return c.json(record);
  });
};
