import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../app-env';
import type { Logger } from '../logger';
import { parseTrace, traceLogFields } from '../trace';

/** Options of the access log. */
export interface RequestLogOptions {
  readonly logger: Logger;
  /** Project whose Cloud Trace the trace ids belong to; without it entries carry no trace link. */
  readonly projectId?: string;
  /** Paths logged at DEBUG only, so health probes do not flood the logs. */
  readonly quietPaths?: readonly string[];
  /**
   * Log full request URLs, with record keys and filter values. For debugging only: the URLs carry what callers
   * asked for, which the logs' readers may not be allowed to see.
   *
   * @default false - the route pattern (`/v1/records/:key`) and the query's parameter names only
   */
  readonly logRequestValues?: boolean;
}

/**
 * One structured entry per request in Cloud Logging's `httpRequest` shape, linked to the request's trace; the
 * severity follows the status (5xx ERROR, 4xx WARNING). The URL is logged as its route pattern and parameter names,
 * never with values, unless `logRequestValues` is set.
 */
export function requestLog(options: RequestLogOptions): MiddlewareHandler<AppEnv> {
  const quiet = new Set(options.quietPaths ?? []);
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const trace = parseTrace(c.req.header('traceparent'), c.req.header('x-cloud-trace-context'));
    const size = c.res.headers.get('content-length');
    const route = routeOf(c);
    const fields = {
      httpRequest: {
        requestMethod: c.req.method,
        requestUrl: options.logRequestValues ? c.req.url : `${route}${queryNames(c.req.url)}`,
        status,
        latency: `${((performance.now() - started) / 1000).toFixed(3)}s`,
        userAgent: c.req.header('user-agent'),
        remoteIp: remoteIp(c.req.header('x-forwarded-for'), c.env),
        ...(size ? { responseSize: size } : {}),
        protocol: 'HTTP/1.1',
      },
      requestId: c.get('requestId'),
      ...traceLogFields(trace, options.projectId),
    };
    const message = `${c.req.method} ${options.logRequestValues ? c.req.path : route} ${status}`;
    if (status >= 500) options.logger.error(message, fields);
    else if (status >= 400) options.logger.warn(message, fields);
    else if (quiet.has(c.req.path)) options.logger.debug(message, fields);
    else options.logger.info(message, fields);
  };
}

/** The pattern of the route that answered (`/v1/records/:key`); `/*` when only the catch-all middleware matched. */
function routeOf(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((r) => !(r.method === 'ALL' && r.path === '/*'));
  return routes.at(-1)?.path ?? '/*';
}

/** Longest parameter name logged; longer ones, or ones that are not plain names, are logged as `_`. */
const MAX_NAME_LENGTH = 64;
const NAME = /^[A-Za-z_][\w.-]*$/;

/** `?name&other`: the query's distinct parameter names in order, without their values; empty without a query. */
function queryNames(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return '';
  const names = new Set<string>();
  for (const name of new URLSearchParams(url.slice(query + 1)).keys()) {
    names.add(name.length <= MAX_NAME_LENGTH && NAME.test(name) ? name : '_');
  }
  return names.size > 0 ? `?${[...names].join('&')}` : '';
}

/**
 * The client address: the last X-Forwarded-For hop, the one Cloud Run's front end appends (earlier hops are whatever
 * the client sent, so anyone can forge them); else the socket's peer.
 */
function remoteIp(forwardedFor: string | undefined, env: unknown): string | undefined {
  const last = forwardedFor?.split(',').at(-1)?.trim();
  if (last) return last;
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
