import type { RequestIdVariables } from 'hono/request-id';

/** Hono environment of the service: the request id every handler and log entry carries. */
export interface AppEnv {
  Variables: RequestIdVariables;
}
