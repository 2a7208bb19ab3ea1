import { Hono } from 'hono';
import type { RecordSchema } from '../../schema/record-schema';
import type { AppConfig } from '../app-config';
import type { AppEnv } from '../app-env';
import { buildOpenApiDocument } from '../openapi';

/** What the OpenAPI route needs. */
export interface OpenApiRoutesDeps {
  readonly schema: RecordSchema;
  readonly config: AppConfig;
  readonly eventsEnabled: boolean;
  /** The topic's schema, when events are enabled and it differs from the exposed one. */
  readonly eventSchema?: RecordSchema;
}

/** `GET /openapi.json`: the document generated from the exposed schema, built on first request and kept. */
export const openApiRoutes = ({ schema, config, eventsEnabled, eventSchema }: OpenApiRoutesDeps) => {
  let document: unknown;
  return new Hono<AppEnv>().get('/openapi.json', (c) => {
    // Built lazily: it is not needed to answer the first request after a cold start.
    document ??= buildOpenApiDocument(schema, { title: config.pipelineName, maxQueryWindowDays: config.maxQueryWindowDays, eventsEnabled, eventSchema });
    return c.json(document);
  });
};
