import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import type { RecordSchema } from '../schema/record-schema';
import type { AppConfig } from './app-config';
import type { AppEnv } from './app-env';
import { Clock, systemClock } from './clock';
import type { Publisher } from './events/publisher';
import type { Logger } from './logger';
import { errorHandler, methodNotAllowedResponse, notFoundHandler } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { openApiRoutes } from './routes/openapi';
import { recordRoutes } from './routes/records';
import type { Store } from './store/store';

/** Largest events body by default: about one Pub/Sub message (10 MB per publish is Pub/Sub's hard limit, far more than one API call needs). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type { AppConfig } from './app-config';

/** Everything the app uses; nothing is read from the environment here. */
export interface AppDeps {
  readonly store: Store;
  /** The exposed projection of the record schema. */
  readonly schema: RecordSchema;
  readonly config: AppConfig;
  readonly logger: Logger;
  /**
   * Source of "now" (default windows).
   *
   * @default - the system clock
   */
  readonly clock?: Clock;
  /**
   * Where `POST /v1/events` publishes.
   *
   * @default - no events route (404)
   */
  readonly publisher?: Publisher;
  /**
   * The schema events must match (the topic's).
   *
   * @default - `schema`
   */
  readonly eventSchema?: RecordSchema;
}

/** Request ids a client may send us and have echoed: bounded, no spaces or quotes. */
const REQUEST_ID_LIMIT = 128;

/**
 * The query API as a Hono app: records, events (when a publisher is given), probes and the OpenAPI document,
 * with request ids, structured access logs, one JSON error shape, 404 for unknown paths and 405 + Allow for
 * wrong methods. Pure: no environment, no port; `app.request()` runs it in tests.
 */
export function createApp(deps: AppDeps) {
  const { store, schema, config, logger, publisher } = deps;
  const clock = deps.clock ?? systemClock;
  const app = new Hono<AppEnv>();
  app.use(requestId({ limitLength: REQUEST_ID_LIMIT, generator: () => randomUUID() }));
  app.use(requestLog({ logger, projectId: config.projectId, quietPaths: ['/healthz', '/readyz'], logRequestValues: config.logRequestValues }));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedResponse }));
  app.route('/', healthRoutes({ store, readinessTimeoutMs: config.readinessTimeoutMs ?? 2000 }));
  app.route('/v1/records', recordRoutes({ store, schema, limits: config, clock }));
  if (publisher) {
    app.route('/v1/events', eventRoutes({ publisher, schema: deps.eventSchema ?? schema, maxBodyBytes: config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, publishers: config.eventPublishers }));
  }
  app.route('/', openApiRoutes({ schema, config, eventsEnabled: publisher !== undefined, eventSchema: deps.eventSchema }));
  app.notFound(notFoundHandler);
  app.onError(errorHandler(logger));
  return app;
}
