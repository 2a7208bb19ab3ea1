import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { DuckDBInstance, DuckDBConnection, blobValue, timestampValue } from '@duckdb/node-api';
import { flightEvents } from '../../examples/flights/flight-events';
import { BigQueryReplayBackend } from '../../src/service/replay/bigquery-replay';
import { runCli } from '../../src/service/replay/cli';
import type { DeadLetterMessage } from '../../src/service/replay/dead-letter';
import { DuckDbReplayBackend } from '../../src/service/replay/duckdb-replay';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { FakeBigQuery, startFakeBigQuery } from './fake-bigquery/server';
import { FakePubSub, PublishRequest, startFakePubSub } from './fake-pubsub';
import { deadLetterEngine } from './replay/dead-letter-engine';
import { DEAD_LETTERS } from './replay/fixtures';
import { describeReplayContract } from './replay/replay-contract';

jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'));
process.env.METADATA_SERVER_DETECTION = 'none';

async function insertDeadLetters(connection: DuckDBConnection, table: string, deadLetters: DeadLetterMessage[]): Promise<void> {
  for (const d of deadLetters) {
    await connection.run(`INSERT INTO "${table}" (data, subscription_name, message_id, publish_time, attributes) VALUES ($data, 'flights-dead-letters-to-bigquery', $id, $time, $attributes)`, {
      data: blobValue(d.data),
      id: d.messageId,
      time: timestampValue(d.publishTimeMicros),
      attributes: JSON.stringify(d.attributes),
    });
  }
}

describeReplayContract('local DuckDB store', async (deadLetters) => {
  const store = await DuckDbStore.create({ schema: flightEvents });
  await store.withConnection((c) => insertDeadLetters(c, store.deadLetterTableName, deadLetters));
  const backend = await DuckDbReplayBackend.create(store);
  return {
    backend,
    published: async () => {
      const reader = await store.withConnection((c) => c.runAndReadAll(`SELECT event_id, attributes::VARCHAR AS attributes FROM ${store.tableName} ORDER BY message_id`));
      return reader.getRowObjects().map((r) => ({ eventId: String(r.event_id), attributes: JSON.parse(String(r.attributes)) as Record<string, string> }));
    },
    close: () => store.close(),
  };
});

describe('with BigQuery and Pub/Sub', () => {
  let fake: FakeBigQuery;
  let pubsub: FakePubSub;
  let pubsubUrl: string;
  let publishes: PublishRequest[];
  beforeAll(async () => {
    fake = await startFakeBigQuery();
    pubsub = await startFakePubSub();
    ({ url: pubsubUrl, requests: publishes } = pubsub);
  });
  afterAll(async () => {
    await fake.close();
    await pubsub.close();
  });

  describeReplayContract('BigQuery dead-letter table and Pub/Sub topic', async (deadLetters) => {
    publishes.length = 0;
    fake.reset();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE TABLE flights_dead_letters (data BLOB, subscription_name VARCHAR, message_id VARCHAR, publish_time TIMESTAMP, attributes JSON)');
    await insertDeadLetters(connection, 'flights_dead_letters', deadLetters);
    fake.engine = deadLetterEngine(connection);
    const backend = new BigQueryReplayBackend({
      projectId: 'test-project',
      datasetId: 'flights',
      deadLetterTableId: 'flights_dead_letters',
      topic: 'projects/test-project/topics/flights-events',
      client: new BigQuery({ projectId: 'test-project', apiEndpoint: fake.url }),
      pubsubEndpoint: pubsubUrl,
      accessToken: null,
    });
    return {
      backend,
      published: async () =>
        publishes.flatMap((p) => {
          expect(p.url).toBe('/v1/projects/test-project/topics/flights-events:publish');
          return p.body.messages.map((m) => ({ eventId: (JSON.parse(Buffer.from(m.data, 'base64').toString('utf8')) as { event_id: string }).event_id, attributes: m.attributes ?? {} }));
        }),
      close: async () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  });

  test('every query is parameterized and bounded by bytes billed; the ledger is created only by a run that publishes', async () => {
    fake.reset();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run('CREATE TABLE flights_dead_letters (data BLOB, subscription_name VARCHAR, message_id VARCHAR, publish_time TIMESTAMP, attributes JSON)');
      await insertDeadLetters(connection, 'flights_dead_letters', DEAD_LETTERS);
      fake.engine = deadLetterEngine(connection);
      const args = ['replay-dead-letters', '--from', '2024-05-02T00:00:00Z', '--to', '2024-05-03T00:00:00Z', '--project', 'test-project', '--dataset', 'flights', '--table', 'flights_dead_letters', '--topic', 'projects/test-project/topics/flights-events', '--bigquery-endpoint', fake.url, '--pubsub-endpoint', pubsubUrl];
      const out: string[] = [];
      expect(await runCli(args, { out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(0);
      expect(out.join('')).toMatch(/to replay\s+3 {2}-> projects\/test-project\/topics\/flights-events/);
      expect(fake.queries.map((q) => q.query).join('\n')).not.toMatch(/CREATE TABLE/);
      for (const q of fake.queries) {
        expect(q.maximumBytesBilled).toBe(String(10 * 1024 ** 3));
        expect(q.query).not.toMatch(/2024-05/);
      }
      expect(fake.queries[0].query).toMatch(/WHERE publish_time >= @from AND publish_time < @to/);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('replay-dead-letters command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join(''), err: err.join('') };
  };

  test('dry run, then --execute, then nothing left, on a local database file', async () => {
    const path = join(dir, 'pipeline.duckdb');
    const schemaFile = join(dir, 'schema.json');
    // The pipeline's schema lock holds the record definition the CLI needs.
    writeFileSync(schemaFile, JSON.stringify({ lockfileVersion: 1, pipeline: 'flights', record: JSON.parse(flightEvents.toJson()) }));
    const store = await DuckDbStore.create({ schema: flightEvents, path });
    await store.withConnection((c) => insertDeadLetters(c, store.deadLetterTableName, DEAD_LETTERS));
    await store.close();
    const base = ['replay-dead-letters', '--duckdb', path, '--schema', schemaFile, '--from', '2024-05-02T00:00:00Z', '--to', '2024-05-03T00:00:00Z'];

    const dry = await run(base);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/: 5 read\n/);
    expect(dry.out).toMatch(/still refused by schema {2}1 {2}\(not published/);
    expect(dry.out).toMatch(/Field gate does not exist in table flights/);
    expect(dry.out).toMatch(/Dry run: nothing was published\. Run again with --execute to re-publish 2 messages\./);

    expect((await run([...base, '--execute'])).out).toMatch(/Published 2 messages/);
    const again = await run([...base, '--execute', '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ executed: true, alreadyReplayed: 3, replayed: 0 });
  });

  test.each([
    [['replay-dead-letters'], /--from must be an ISO 8601 time with a zone, got null/],
    [['replay-dead-letters', '--from', '2024-05-02', '--to', '2024-05-01T00:00:00Z', '--duckdb', 'x'], /--from must be before --to[\s\S]*--duckdb needs --schema/],
    [['replay-dead-letters', '--from', '2024-05-02T00:00:00Z', '--project', 'p'], /the BigQuery store needs --dataset, --topic/],
    [['replay-dead-letters', '--from', '2024-05-02T00:00:00Z', '--duckdb', 'x', '--schema', 'y', '--attribute', 'novalue', '--limit', '0'], /--limit must be an integer from 1 to 1000000, got "0"[\s\S]*--attribute must be name=value, got "novalue"/],
    [['replay-dead-letters', '--from', '2024-05-02T00:00:00Z', '--bogus'], /Unknown option '--bogus'/],
    [['replay-everything'], /unknown command "replay-everything"/],
  ])('fails when the arguments are wrong: %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});
