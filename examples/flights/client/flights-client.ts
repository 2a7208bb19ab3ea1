import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './flights-api';

/** A flight event as the API returns it (the exposed fields; `fields` may leave some out). */
export type FlightEvent = components['schemas']['FlightEvent'];
/** The fields a request may ask for. */
export type FlightField = NonNullable<paths['/v1/records']['get']['parameters']['query']>['fields'] extends (infer F)[] | undefined ? F : never;

/**
 * A typed client of the flights API at `baseUrl`. `authorization` gives the `Authorization` header of each request:
 * `Bearer <a Google-signed identity token for baseUrl>` on Cloud Run, nothing locally.
 */
export function flightsClient(baseUrl: string, authorization?: () => Promise<string>) {
  const client = createClient<paths>({
    baseUrl,
    // The API takes `fields` comma-separated in one parameter (OpenAPI style form, explode false), as its document says.
    querySerializer: { array: { style: 'form', explode: false } },
  });
  if (authorization) {
    const auth: Middleware = {
      async onRequest({ request }) {
        request.headers.set('Authorization', await authorization());
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

/** The window's records, page by page, newest first: follows `nextCursor` until the last page. */
export async function* recordsInWindow(
  client: ReturnType<typeof flightsClient>,
  query: { from: string; to: string; limit?: number; fields?: FlightField[]; airline?: string },
): AsyncGenerator<FlightEvent[]> {
  let cursor: string | undefined;
  do {
    const { data, error, response } = await client.GET('/v1/records', { params: { query: { ...query, cursor } } });
    if (!data) throw failure('GET /v1/records', response, error);
    yield data.records;
    cursor = data.nextCursor;
  } while (cursor);
}

/** One flight event by its id (the copy published last, searched in the last 24 hours), or undefined when there is none. */
export async function flightEvent(client: ReturnType<typeof flightsClient>, eventId: string, fields?: FlightField[]): Promise<FlightEvent | undefined> {
  const { data, error, response } = await client.GET('/v1/records/{key}', { params: { path: { key: eventId }, query: { fields } } });
  if (response.status === 404) return undefined;
  if (!data) throw failure(`GET /v1/records/${eventId}`, response, error);
  return data;
}

/** The API's errors carry a message naming what was wrong; Cloud Run's own 401/403 are HTML pages. */
function failure(request: string, response: Response, error: { error: { message: string } } | string | undefined): Error {
  const reason = typeof error === 'object' ? error.error.message : response.status === 401 || response.status === 403 ? 'no valid identity token, or no roles/run.invoker on the service' : response.statusText;
  return new Error(`${request} failed with ${response.status}: ${reason}`);
}
