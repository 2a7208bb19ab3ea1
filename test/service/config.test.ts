import { flightEvents } from '../../examples/flights/flight-events';
import { ConfigError, StoreKind, parseConfig } from '../../src/service/config';

const schemaJson = flightEvents.toJson();
const bigquery = {
  STORE: 'bigquery',
  GOOGLE_CLOUD_PROJECT: 'my-project',
  BIGQUERY_DATASET: 'flights_api',
  BIGQUERY_VIEW: 'flight_events_view',
  PIPELINE_SCHEMA: schemaJson,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).message).toMatch(/^invalid configuration:\n {2}- /);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  test('applies the documented defaults', () => {
    const config = parseConfig(bigquery);
    expect(config).toMatchObject({
      port: 8080,
      store: StoreKind.BIGQUERY,
      projectId: 'my-project',
      datasetId: 'flights_api',
      viewId: 'flight_events_view',
      pipelineName: 'FlightEvent',
      maxQueryWindowDays: 31,
      queryTimeoutMs: 9_000,
      maxBytesBilled: '10737418240',
      partitionGranularity: 'DAY',
      duckdbPath: ':memory:',
      apiDocs: true,
    });
    expect(config.eventsTopic).toBeUndefined();
    expect(config.eventSchema).toBeUndefined();
    expect(config.cacheTtlSeconds).toBeUndefined();
    expect(config.host).toBeUndefined();
    expect(config.logRequestValues).toBe(false);
    expect(config.schema.toJson()).toBe(schemaJson);
  });

  test('reads every variable', () => {
    const config = parseConfig({
      ...bigquery,
      PORT: '9090',
      BIGQUERY_LOCATION: 'EU',
      PIPELINE_NAME: 'flights',
      MAX_QUERY_WINDOW_DAYS: '7',
      MAX_BYTES_BILLED: '99999999999999999',
      QUERY_TIMEOUT_MS: '5000',
      EVENTS_TOPIC: 'projects/my-project/topics/flight-events',
      EVENTS_PUBLISHERS: 'serviceAccount:Shop@acme.iam.gserviceaccount.com, user:ana@example.com',
      CACHE_TTL_SECONDS: '0',
      EVENTS_SCHEMA: schemaJson,
      API_DOCS: 'false',
      PARTITION_GRANULARITY: 'HOUR',
      CACHE_MAX_BYTES: '1048576',
      MAX_ROWS_PER_QUERY: '250000',
      MAX_BODY_BYTES: '2048',
      HOST: '127.0.0.1',
      LOG_REQUEST_VALUES: 'true',
    });
    expect(config.eventSchema?.toJson()).toBe(schemaJson);
    expect(config.apiDocs).toBe(false);
    expect(config).toMatchObject({
      port: 9090,
      location: 'EU',
      pipelineName: 'flights',
      maxQueryWindowDays: 7,
      maxBytesBilled: '99999999999999999',
      queryTimeoutMs: 5000,
      eventsTopic: 'projects/my-project/topics/flight-events',
      eventPublishers: ['shop@acme.iam.gserviceaccount.com', 'ana@example.com'],
      cacheTtlSeconds: 0,
      partitionGranularity: 'HOUR',
      cacheMaxBytes: 1_048_576,
      maxRowsPerQuery: 250_000,
      maxBodyBytes: 2048,
      host: '127.0.0.1',
      logRequestValues: true,
    });
  });

  test('DuckDB needs no Google variables', () => {
    expect(parseConfig({ STORE: 'duckdb', PIPELINE_SCHEMA: schemaJson, DUCKDB_PATH: '/tmp/x.duckdb' })).toMatchObject({ store: StoreKind.DUCKDB, duckdbPath: '/tmp/x.duckdb' });
  });

  test('fails when STORE is missing or unknown', () => {
    expect(problemsOf({ PIPELINE_SCHEMA: schemaJson })).toEqual(['STORE must be one of bigquery, duckdb, got null']);
    expect(problemsOf({ PIPELINE_SCHEMA: schemaJson, STORE: 'postgres' })).toEqual(['STORE must be one of bigquery, duckdb, got "postgres"']);
  });

  test('fails when PIPELINE_SCHEMA is missing or invalid', () => {
    expect(problemsOf({ STORE: 'duckdb' })).toEqual([expect.stringMatching(/^PIPELINE_SCHEMA is required/)]);
    expect(problemsOf({ STORE: 'duckdb', PIPELINE_SCHEMA: '{' })).toEqual([expect.stringMatching(/^PIPELINE_SCHEMA is not a valid record schema: invalid RecordSchema JSON/)]);
    expect(problemsOf({ STORE: 'duckdb', PIPELINE_SCHEMA: '{"version":1,"schema":{"name":"X","fields":[],"eventTimeField":"t"}}' })).toEqual([
      expect.stringMatching(/^PIPELINE_SCHEMA is not a valid record schema: invalid RecordSchema "X"/),
    ]);
  });

  test('fails when BigQuery variables are missing, naming each', () => {
    expect(problemsOf({ STORE: 'bigquery', PIPELINE_SCHEMA: schemaJson, BIGQUERY_VIEW: ' ' })).toEqual([
      'GOOGLE_CLOUD_PROJECT is required when STORE=bigquery',
      'BIGQUERY_DATASET is required when STORE=bigquery',
      'BIGQUERY_VIEW is required when STORE=bigquery',
    ]);
  });

  test.each([
    ['PORT', '65536', /^PORT must be an integer from 0 to 65535, got "65536"/],
    ['PORT', 'http', /^PORT must be an integer/],
    ['MAX_QUERY_WINDOW_DAYS', '400', /^MAX_QUERY_WINDOW_DAYS must be an integer from 1 to 366/],
    ['QUERY_TIMEOUT_MS', '-1', /^QUERY_TIMEOUT_MS must be an integer/],
    ['CACHE_TTL_SECONDS', '1.5', /^CACHE_TTL_SECONDS must be an integer/],
    ['MAX_ROWS_PER_QUERY', '1000', /^MAX_ROWS_PER_QUERY must be an integer from 1001 to 10000000/],
    ['MAX_BYTES_BILLED', '0', /^MAX_BYTES_BILLED must be a positive number of bytes, got "0"/],
    ['EVENTS_TOPIC', 'flight-events', /^EVENTS_TOPIC must be projects\/<project>\/topics\/<topic>/],
    ['EVENTS_SCHEMA', '{}', /^EVENTS_SCHEMA is not a valid record schema/],
    ['API_DOCS', 'off', /^API_DOCS must be true or false, got "off"/],
    ['MAX_BODY_BYTES', '100', /^MAX_BODY_BYTES must be an integer from 1024 to 10485760/],
    ['PARTITION_GRANULARITY', 'MONTH', /^PARTITION_GRANULARITY must be DAY or HOUR, got "MONTH"/],
    ['LOG_REQUEST_VALUES', 'yes', /^LOG_REQUEST_VALUES must be true or false, got "yes"/],
  ])('fails when %s is %s', (name, value, message) => {
    const events = name === 'EVENTS_TOPIC' ? { EVENTS_PUBLISHERS: 'user:ana@example.com' } : {};
    expect(problemsOf({ ...bigquery, ...events, [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  test('fails when the cloud events endpoint has no publishers: invoking must not be enough to write', () => {
    expect(problemsOf({ ...bigquery, EVENTS_TOPIC: 'projects/my-project/topics/flight-events' }))
      .toEqual([expect.stringMatching(/^EVENTS_PUBLISHERS is required with EVENTS_TOPIC/)]);
  });

  test.each(['group:writers@example.com', 'domain:example.com', 'ana@example.com', ' , '])('fails when EVENTS_PUBLISHERS is %j', (value) => {
    expect(problemsOf({ ...bigquery, EVENTS_TOPIC: 'projects/my-project/topics/flight-events', EVENTS_PUBLISHERS: value }))
      .toEqual([expect.stringMatching(/^EVENTS_PUBLISHERS must (hold only|name at least one) user:<email> or serviceAccount:<email> member/)]);
  });

  test('publishes locally without EVENTS_PUBLISHERS, and checks it when given', () => {
    expect(parseConfig({ STORE: 'duckdb', PIPELINE_SCHEMA: schemaJson }).eventPublishers).toBeUndefined();
    expect(parseConfig({ STORE: 'duckdb', PIPELINE_SCHEMA: schemaJson, EVENTS_PUBLISHERS: 'user:ana@example.com' }).eventPublishers).toEqual(['ana@example.com']);
  });

  test('fails listing every problem at once', () => {
    expect(problemsOf({ STORE: 'x', PORT: 'y' })).toHaveLength(3);
  });
});
