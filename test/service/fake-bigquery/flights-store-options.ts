import { flightEvents } from '../../../examples/flights/flight-events';
import type { BigQueryStoreOptions } from '../../../src/service/store/bigquery-store';

/** The BigQuery store of the flights view, pointed at a fake server; no retries, so a fault shows in the first answer. */
export function flightsStoreOptions(apiEndpoint: string): BigQueryStoreOptions {
  return {
    projectId: 'test-project',
    datasetId: 'analytics_api',
    viewId: 'flight_events_view',
    schema: flightEvents,
    maxBytesBilled: 1_000_000_000,
    queryTimeoutMs: 5000,
    pipelineName: 'flights',
    apiEndpoint,
    maxRetries: 0,
  };
}
