import { buildOpenApiDocument } from '../../src/service/openapi';
import { flightApiFields, flightEvents } from './flight-events';

/** Where `npm start` serves the flights API by default. */
export const LOCAL_URL = 'http://127.0.0.1:8080';

/**
 * The OpenAPI document the flights example serves under `npm start` (the exposed fields, `POST /v1/events` on),
 * as `GET /openapi.json` answers it at `serverUrl`. The typed client's types are generated from it.
 */
export function flightsOpenApiDocument(serverUrl = LOCAL_URL): Record<string, unknown> {
  return buildOpenApiDocument(flightEvents.project(flightApiFields), {
    title: 'flights',
    maxQueryWindowDays: 31,
    eventsEnabled: true,
    eventSchema: flightEvents,
    serverUrl,
  });
}
