import type { MiddlewareHandler } from 'hono';
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
}

/**
 * One structured entry per request in Cloud Logging's `httpRequest` shape, linked to the request's trace; the
 * severity follows the status (5xx ERROR, 4xx WARNING).
 */
export function requestLog(options: RequestLogOptions): MiddlewareHandler<AppEnv> {
  const quiet = new Set(options.quietPaths ?? []);
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const trace = parseTrace(c.req.header('traceparent'), c.req.header('x-cloud-trace-context'));
    const size = c.res.headers.get('content-length');
    const fields = {
      httpRequest: {
        requestMethod: c.req.method,
        requestUrl: c.req.url,
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
    const message = `${c.req.method} ${c.req.path} ${status}`;
    if (status >= 500) options.logger.error(message, fields);
    else if (status >= 400) options.logger.warn(message, fields);
    else if (quiet.has(c.req.path)) options.logger.debug(message, fields);
    else options.logger.info(message, fields);
  };
}

/** The client address: the first X-Forwarded-For hop (Cloud Run's front end sets it), else the socket's peer. */
function remoteIp(forwardedFor: string | undefined, env: unknown): string | undefined {
  const first = forwardedFor?.split(',')[0]?.trim();
  if (first) return first;
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
