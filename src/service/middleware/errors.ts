import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../app-env';
import { PublishError } from '../events/publisher';
import { ApiError, ErrorCode } from '../http-error';
import type { Logger } from '../logger';
import { StoreError, StoreErrorKind } from '../store/errors';

/** Seconds a client waits after a 503 when the store gave no hint. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** The API error a thrown value stands for; unknown errors become a generic 500 naming the request id. */
export function toApiError(err: unknown, requestId: string): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreError) {
    switch (err.kind) {
      case StoreErrorKind.UNAVAILABLE:
        return new ApiError(503, ErrorCode.UNAVAILABLE, 'the data store is unavailable; retry later', undefined, {
          'Retry-After': String(err.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS),
        });
      case StoreErrorKind.TIMEOUT:
        return new ApiError(504, ErrorCode.DEADLINE_EXCEEDED, 'the query took too long; narrow the window or add filters');
      case StoreErrorKind.TOO_EXPENSIVE:
        // The store's message says what the query would bill and the limit; the client learns what to narrow.
        return ApiError.invalid(`${err.message}; ${err.hint ?? 'narrow the window (from, to), request fewer fields, or add filters'}`);
    }
  }
  if (err instanceof PublishError) {
    // Pub/Sub validates against the topic's schema too: its 400 is the client's fault, anything else is ours.
    if (err.status === 400) return ApiError.invalid(`Pub/Sub refused the events: ${err.message}`);
    return new ApiError(503, ErrorCode.UNAVAILABLE, 'the topic is unavailable; retry later', undefined, { 'Retry-After': String(DEFAULT_RETRY_AFTER_SECONDS) });
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. malformed JSON body): the status is right, the message is safe.
    return new ApiError(err.status as 400, err.status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_ARGUMENT, err.message || 'bad request');
  }
  return new ApiError(500, ErrorCode.INTERNAL, `internal error; quote request id ${requestId} when reporting it`);
}

/** `app.onError`: one JSON error shape, a log entry for every failure, the stack only in the log. */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    const requestId = c.get('requestId') ?? 'unknown';
    const apiError = toApiError(err, requestId);
    if (apiError.status >= 500 && !(err instanceof StoreError) && !(err instanceof PublishError)) {
      logger.error(`unhandled error: ${(err as Error)?.message ?? String(err)}`, { requestId, stack_trace: (err as Error)?.stack });
    } else if (err instanceof StoreError || err instanceof PublishError) {
      logger.warn(`${err.name}: ${err.message}`, { requestId });
    }
    return respond(c, apiError);
  };
}

/** `app.notFound`: unknown paths get the JSON error shape too. */
export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  respond(c, new ApiError(404, ErrorCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`));

/** The 405 for a known path and a wrong method. */
export function methodNotAllowedResponse(c: Context<AppEnv>, methods: string[]): Response {
  return respond(c, new ApiError(405, ErrorCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}`, undefined, { Allow: methods.join(', ') }));
}

function respond(c: Context<AppEnv>, error: ApiError): Response {
  return c.json(error.toBody(), error.status, error.headers);
}
