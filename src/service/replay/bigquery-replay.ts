import { BigQuery } from '@google-cloud/bigquery';
import { AccessTokenProvider, PubSubRestPublisher } from '../events/pubsub-rest-publisher';
import { tableReference } from '../store/bigquery-sql';
import { isoToMicros, microsToIso } from '../../schema/wire';
import { DeadLetterMessage, parseAttributes } from './dead-letter';
import type { DeadLetterQuery, OutgoingMessage, ReplayBackend, ReplayEntry } from './replay';

/** Where the pipeline's dead letters live in BigQuery and which topic takes the replays. */
export interface BigQueryReplayOptions {
  /** Project of the dataset (and of the query jobs). */
  readonly projectId: string;
  /** Dataset holding the dead-letter table (the pipeline's source dataset, `<name>`). */
  readonly datasetId: string;
  /** The dead-letter table, `<name>_dead_letters`; the ledger is `<it>_replays` beside it. */
  readonly deadLetterTableId: string;
  /** The ingest topic, `projects/<project>/topics/<name>-events`. */
  readonly topic: string;
  /**
   * Location of the dataset.
   *
   * @default - BigQuery infers it
   */
  readonly location?: string;
  /**
   * Upper bound on bytes billed by each query.
   *
   * @default '10737418240' (10 GiB)
   */
  readonly maxBytesBilled?: string;
  /** A ready BigQuery client (tests point it at a fake). */
  readonly client: BigQuery;
  /**
   * Root URL of the Pub/Sub API.
   *
   * @default 'https://pubsub.googleapis.com'
   */
  readonly pubsubEndpoint?: string;
  /**
   * Access tokens for Pub/Sub; `null` sends none (fakes).
   *
   * @default - application default credentials
   */
  readonly accessToken?: AccessTokenProvider | null;
}

/** Rows per ledger INSERT: 5 parameters each, well inside BigQuery's limit on query parameters. */
const LEDGER_ROWS_PER_INSERT = 500;
/** A table that does not exist yet, as BigQuery (404 notFound) and the DuckDB behind the fake phrase it. */
const NO_TABLE = /not found: table|does not exist/i;

/**
 * Replay in the cloud: reads the dead-letter table with a parameterized, partition-pruned query, re-publishes to
 * the ingest topic through the Pub/Sub REST API (the topic's schema validates each message again), and keeps its
 * ledger in a small table beside the dead-letter table, created on the first `--execute`.
 */
export class BigQueryReplayBackend implements ReplayBackend {
  /** Pub/Sub's limit of messages per publish request. */
  public readonly maxBatch = 1000;
  public readonly target: string;
  private readonly deadLetters: string;
  private readonly ledger: string;
  private readonly publisher: PubSubRestPublisher;
  private ledgerReady = false;

  public constructor(private readonly options: BigQueryReplayOptions) {
    this.target = options.topic;
    this.deadLetters = tableReference(options.projectId, options.datasetId, options.deadLetterTableId);
    this.ledger = tableReference(options.projectId, options.datasetId, `${options.deadLetterTableId}_replays`);
    this.publisher = new PubSubRestPublisher({
      topic: options.topic,
      ...(options.pubsubEndpoint ? { endpoint: options.pubsubEndpoint } : {}),
      ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}),
      timeoutMs: 60_000,
    });
  }

  public async readDeadLetters(query: DeadLetterQuery): Promise<DeadLetterMessage[]> {
    const rows = await this.query(
      `SELECT data, message_id, publish_time, attributes FROM ${this.deadLetters} ` +
        'WHERE publish_time >= @from AND publish_time < @to ORDER BY publish_time, message_id LIMIT @limit',
      { from: BigQuery.timestamp(microsToIso(query.fromMicros)), to: BigQuery.timestamp(microsToIso(query.toMicros)), limit: String(query.limit) },
      { from: 'TIMESTAMP', to: 'TIMESTAMP', limit: 'INT64' },
    );
    return rows.map((row) => {
      const iso = (row.publish_time as { value?: string } | null)?.value ?? '';
      const micros = isoToMicros(iso);
      if (micros === undefined) throw new Error(`dead letter ${String(row.message_id)} has no publish_time`);
      return {
        messageId: String(row.message_id),
        publishTimeMicros: micros,
        data: Buffer.isBuffer(row.data) ? row.data : Buffer.alloc(0),
        attributes: parseAttributes(row.attributes),
      };
    });
  }

  public async replayedIds(replayIds: readonly string[]): Promise<Set<string>> {
    try {
      const rows = await this.query(`SELECT replay_id FROM ${this.ledger} WHERE replay_id IN UNNEST(@ids)`, { ids: [...replayIds] }, { ids: ['STRING'] });
      return new Set(rows.map((r) => String(r.replay_id)));
    } catch (e) {
      // Nothing was ever replayed: the ledger is created by the first run that publishes.
      if (!this.ledgerReady && NO_TABLE.test((e as Error).message ?? '')) return new Set();
      throw e;
    }
  }

  public publish(messages: readonly OutgoingMessage[]): Promise<string[]> {
    return this.publisher.publishMessages(messages);
  }

  public async record(entries: readonly ReplayEntry[]): Promise<void> {
    await this.ensureLedger();
    for (let i = 0; i < entries.length; i += LEDGER_ROWS_PER_INSERT) {
      const batch = entries.slice(i, i + LEDGER_ROWS_PER_INSERT);
      const params: Record<string, unknown> = {};
      const types: Record<string, string> = {};
      const rows = batch.map((e, j) => {
        const values: Array<[string, string, string]> = [
          [`r${j}_id`, e.replayId, 'STRING'],
          [`r${j}_dl`, e.deadLetterMessageId, 'STRING'],
          [`r${j}_dlt`, microsToIso(e.deadLetterPublishTimeMicros), 'TIMESTAMP'],
          [`r${j}_new`, e.replayedMessageId, 'STRING'],
          [`r${j}_at`, microsToIso(e.replayedAtMicros), 'TIMESTAMP'],
        ];
        for (const [name, value, type] of values) {
          params[name] = type === 'TIMESTAMP' ? BigQuery.timestamp(value) : value;
          types[name] = type;
        }
        return `(${values.map(([name]) => `@${name}`).join(', ')})`;
      });
      await this.query(
        `INSERT INTO ${this.ledger} (replay_id, dead_letter_message_id, dead_letter_publish_time, replayed_message_id, replayed_at) VALUES ${rows.join(', ')}`,
        params,
        types,
      );
    }
  }

  /** Creates the ledger table once, before the first record. */
  public async ensureLedger(): Promise<void> {
    if (this.ledgerReady) return;
    await this.query(
      `CREATE TABLE IF NOT EXISTS ${this.ledger} (replay_id STRING NOT NULL, dead_letter_message_id STRING NOT NULL, ` +
        'dead_letter_publish_time TIMESTAMP NOT NULL, replayed_message_id STRING NOT NULL, replayed_at TIMESTAMP NOT NULL)',
      {},
      {},
    );
    this.ledgerReady = true;
  }

  private async query(sql: string, params: Record<string, unknown>, types: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const [rows] = await this.options.client.query({
      query: sql,
      ...(Object.keys(params).length > 0 ? { params, types: types as Record<string, string> } : {}),
      ...(this.options.location ? { location: this.options.location } : {}),
      maximumBytesBilled: this.options.maxBytesBilled ?? String(10 * 1024 ** 3),
      labels: { component: 'dead-letter-replay' },
    });
    return rows as Array<Record<string, unknown>>;
  }
}
