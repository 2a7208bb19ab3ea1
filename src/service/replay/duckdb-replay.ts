import { DuckDBBlobValue, DuckDBTimestampValue, LIST, VARCHAR, listValue, timestampValue } from '@duckdb/node-api';
import { unwrapEvent } from '../events/avro-event';
import { quoteIdent } from '../store/duckdb-ddl';
import type { DuckDbStore } from '../store/duckdb-store';
import { DeadLetterMessage, parseAttributes } from './dead-letter';
import type { DeadLetterQuery, OutgoingMessage, ReplayBackend, ReplayEntry } from './replay';

/**
 * Replay on the local pipeline: reads the local store's dead-letter table, re-publishes into the same store (which
 * plays the topic and the BigQuery subscription, so a message the table still refuses is dead-lettered again), and
 * keeps its ledger in `<table>_dead_letter_replays`, whose primary key refuses a second replay of one message.
 * Payloads must be valid for the store's schema: pass `problem` (from `jsonPayloadProblem`) to the replay.
 */
export class DuckDbReplayBackend implements ReplayBackend {
  /** Opens the ledger table next to the dead-letter table. */
  public static async create(store: DuckDbStore): Promise<DuckDbReplayBackend> {
    const ledger = `${store.deadLetterTableName}_replays`;
    await store.withConnection((c) =>
      c.run(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(ledger)} (replay_id VARCHAR PRIMARY KEY, dead_letter_message_id VARCHAR NOT NULL, ` +
          'dead_letter_publish_time TIMESTAMP NOT NULL, replayed_message_id VARCHAR NOT NULL, replayed_at TIMESTAMP NOT NULL)',
      ),
    );
    return new DuckDbReplayBackend(store, ledger);
  }

  public readonly maxBatch = 1000;
  public readonly target: string;
  private sequence = 0;

  private constructor(
    private readonly store: DuckDbStore,
    /** Table of replays done. */
    public readonly ledgerTableName: string,
  ) {
    this.target = `the local store's table ${store.tableName}`;
  }

  public async readDeadLetters(query: DeadLetterQuery): Promise<DeadLetterMessage[]> {
    const sql =
      `SELECT data, message_id, publish_time, attributes::VARCHAR AS attributes, reason FROM ${quoteIdent(this.store.deadLetterTableName)} ` +
      'WHERE publish_time >= $from AND publish_time < $to ORDER BY publish_time, message_id LIMIT $limit';
    const reader = await this.store.withConnection((c) =>
      c.runAndReadAll(sql, { from: timestampValue(query.fromMicros), to: timestampValue(query.toMicros), limit: query.limit }),
    );
    return reader.getRowObjects().map((row) => ({
      messageId: String(row.message_id),
      publishTimeMicros: (row.publish_time as DuckDBTimestampValue).micros,
      data: Buffer.from((row.data as DuckDBBlobValue | null)?.bytes ?? []),
      attributes: parseAttributes(row.attributes),
      ...(row.reason === null ? {} : { reason: String(row.reason) }),
    }));
  }

  public async replayedIds(replayIds: readonly string[]): Promise<Set<string>> {
    const sql = `SELECT replay_id FROM ${quoteIdent(this.ledgerTableName)} WHERE replay_id IN (SELECT unnest($ids))`;
    const reader = await this.store.withConnection((c) => c.runAndReadAll(sql, { ids: listValue([...replayIds]) }, { ids: LIST(VARCHAR) }));
    return new Set(reader.getRowObjects().map((r) => String(r.replay_id)));
  }

  /** Stores the messages as the local publisher would, with their attributes; refused values are dead-lettered again. */
  public async publish(messages: readonly OutgoingMessage[]): Promise<string[]> {
    const publishTimeMicros = BigInt(Date.now()) * 1000n;
    const events = messages.map((m) => ({
      record: unwrapEvent(this.store.schema, JSON.parse(m.data.toString('utf8')) as Record<string, unknown>),
      messageId: `${publishTimeMicros}r${String(this.sequence++ % 1_000_000).padStart(6, '0')}`,
      publishTimeMicros,
      attributes: { ...m.attributes },
      data: m.data,
    }));
    await this.store.write(events);
    return events.map((e) => e.messageId);
  }

  public async record(entries: readonly ReplayEntry[]): Promise<void> {
    const sql = `INSERT INTO ${quoteIdent(this.ledgerTableName)} VALUES ($replay_id, $dead_letter_message_id, $dead_letter_publish_time, $replayed_message_id, $replayed_at)`;
    await this.store.withConnection(async (c) => {
      for (const e of entries) {
        await c.run(sql, {
          replay_id: e.replayId,
          dead_letter_message_id: e.deadLetterMessageId,
          dead_letter_publish_time: timestampValue(e.deadLetterPublishTimeMicros),
          replayed_message_id: e.replayedMessageId,
          replayed_at: timestampValue(e.replayedAtMicros),
        });
      }
    });
  }
}
