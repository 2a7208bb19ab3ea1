import { createBigQueryStore } from '../../src/service/store/bigquery-store';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { duckDbEngine } from './fake-bigquery/duckdb-engine';
import { startFakeBigQuery } from './fake-bigquery/server';
import { describeStoreContract } from './store-contract';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
// No credentials in tests: do not probe for a GCE metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

// The same contract as the DuckDB store: the BigQuery store's SQL runs on DuckDB behind the fake BigQuery server.
// Later pages read on in the results of earlier pages' queries, so a page shows events as of the query of its slice.
describeStoreContract('BigQuery (fake server executing on DuckDB)', async (schema, events) => {
  const duckdb = await DuckDbStore.create({ schema });
  await duckdb.insert(events);
  // Small pages make every multi-page answer go through getQueryResults with a pageToken.
  const fake = await startFakeBigQuery({ engine: duckDbEngine(duckdb), pageSize: 500 });
  const store = createBigQueryStore({
    projectId: 'contract-project',
    datasetId: 'analytics_api',
    viewId: 'records_view',
    location: 'EU',
    schema,
    maxBytesBilled: 1_000_000_000,
    queryTimeoutMs: 20_000,
    pipelineName: 'contract',
    apiEndpoint: fake.url,
    cache: false,
    maxRetries: 0,
  });
  return {
    list: (q, signal) => store.list(q, signal),
    get: (q, signal) => store.get(q, signal),
    // Writes land in the table the fake queries, as the BigQuery subscription's writes land in the real one.
    insert: (events) => duckdb.insert(events),
    ping: (signal) => store.ping(signal),
    close: async () => {
      await store.close();
      await fake.close();
      await duckdb.close();
    },
  };
}, { pagesFromEarlierQueries: true });
