import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError, ErrorCode } from '../http-error';
import type { Store } from '../store/store';

/** What the probes need. */
export interface HealthRoutesDeps {
  readonly store: Store;
  /** How long `/readyz` waits for the store before answering 503. */
  readonly readinessTimeoutMs: number;
}

/** Seconds a load balancer should wait before probing a store that did not answer. */
const READY_RETRY_AFTER_SECONDS = 5;

/** `GET /healthz` (the process answers) and `GET /readyz` (the store answers a trivial query in time). */
export const healthRoutes = ({ store, readinessTimeoutMs }: HealthRoutesDeps) =>
  new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const signal = AbortSignal.timeout(readinessTimeoutMs);
      try {
        await Promise.race([
          store.ping(signal),
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('ping timed out')), { once: true })),
        ]);
      } catch {
        // A slow store is as unready as a broken one: 503 either way, so traffic moves elsewhere.
        throw new ApiError(503, ErrorCode.UNAVAILABLE, 'the data store is not reachable', undefined, { 'Retry-After': String(READY_RETRY_AFTER_SECONDS) });
      }
      return c.json({ status: 'ready' });
    });
