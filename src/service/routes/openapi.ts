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

/**
 * `GET /openapi.json`: the document generated from the exposed schema, built on first request and kept, with the
 * origin it was fetched from as its server: the service URL on Cloud Run, `http://127.0.0.1:<port>` under `npm start`.
 */
export const openApiRoutes = ({ schema, config, eventsEnabled, eventSchema }: OpenApiRoutesDeps) => {
  let document: Record<string, unknown> | undefined;
  return new Hono<AppEnv>().get('/openapi.json', (c) => {
    // Built lazily: it is not needed to answer the first request after a cold start.
    document ??= buildOpenApiDocument(schema, { title: config.pipelineName, maxQueryWindowDays: config.maxQueryWindowDays, eventsEnabled, eventSchema });
    const { openapi, info, ...rest } = document;
    return c.json({ openapi, info, servers: [{ url: requestOrigin(c.req.url, c.req.header('x-forwarded-proto')) }], ...rest });
  });
};

/** The origin a client reached: Cloud Run ends TLS in front of the container and says so in X-Forwarded-Proto. */
function requestOrigin(url: string, forwardedProto: string | undefined): string {
  const origin = new URL(url);
  const proto = forwardedProto?.split(',')[0].trim().toLowerCase();
  if (proto === 'https' || proto === 'http') origin.protocol = `${proto}:`;
  return origin.origin;
}
