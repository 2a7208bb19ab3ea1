import { flightEvents } from '../../../examples/flights/flight-events';
import { StoreError } from '../../../src/service/store/errors';
import { createBigQueryStore } from '../../../src/service/store/bigquery-store';
import { Step, startFakeBigQuery } from './server';
import { row, staticEngine } from './static-engine';

/**
 * Runs the BigQuery store over the library's real HTTP stack (teeny-request and node-fetch, which jest cannot
 * load) against the fake, and prints one JSON line per case; ../bigquery-transport.test.ts runs it in a child
 * process.
 */
async function main(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const fields = [
    { name: 'event_id', type: 'STRING', mode: 'NULLABLE' },
    { name: 'event_time', type: 'TIMESTAMP', mode: 'NULLABLE' },
  ];
  const fake = await startFakeBigQuery({ engine: staticEngine(fields, [row('b', '1714557600000001'), row('a', '1714557600000000')]), pageSize: 1 });
  const store = createBigQueryStore({
    projectId: 'test-project',
    datasetId: 'analytics_api',
    viewId: 'flight_events_view',
    schema: flightEvents,
    maxBytesBilled: 1_000_000,
    // Wide enough for a loaded CI machine; only the never-finishing job waits for all of it.
    queryTimeoutMs: 3000,
    pipelineName: 'flights',
    apiEndpoint: fake.url,
    cache: false,
    maxRetries: 0,
  });
  // One DAY partition: one query per list.
  const query = { fromMicros: 1_714_521_600_000_000n, toMicros: 1_714_608_000_000_000n, limit: 5, fields: ['event_id', 'event_time'], filters: {} };
  const cases: Array<[string, Step | undefined]> = [
    ['ok', undefined],
    ['rateLimit', { kind: 'error', status: 429, reason: 'rateLimitExceeded' }],
    ['tooExpensive', { kind: 'error', status: 400, reason: 'bytesBilledLimitExceeded' }],
    ['reset', { kind: 'reset' }],
    ['pending', { kind: 'pending', polls: 1_000_000 }],
  ];
  // The first request loads the HTTP stack and settles auth: keep that out of the timed cases.
  await store.list(query);
  for (const [name, step] of cases) {
    fake.reset();
    if (step) fake.enqueue(step);
    try {
      const page = await store.list(query);
      console.log(JSON.stringify({ name, records: page.records, requests: fake.requests.length }));
    } catch (e) {
      console.log(JSON.stringify({ name, error: e instanceof StoreError ? e.kind : String(e), retryAfterSeconds: (e as StoreError).retryAfterSeconds }));
    }
  }
  await fake.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
