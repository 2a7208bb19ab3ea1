import { flightApiFields, flightEvents } from './flight-events';

/**
 * The service's environment for `npm start`: the DuckDB store playing the topic, the subscription and the table, on
 * the loopback interface unless `HOST` asks for another (`HOST=0.0.0.0` to reach it from other machines: its
 * `POST /v1/events` takes unauthenticated writes).
 */
export function localServiceEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return {
    ...env,
    STORE: 'duckdb',
    HOST: env.HOST?.trim() || '127.0.0.1',
    PIPELINE_NAME: env.PIPELINE_NAME ?? 'flights',
    // As in the cloud: the API serves the exposed fields, producers publish whole events.
    PIPELINE_SCHEMA: flightEvents.project(flightApiFields).toJson(),
    EVENTS_SCHEMA: flightEvents.toJson(),
  };
}
