import type { Clock } from '../clock';
import { DeadLetterMessage, REPLAY_ATTRIBUTES, deadLetterCause, replayAttributes, replayId } from './dead-letter';

/** Which dead letters to read: a publish-time window (the dead-letter table's partitioning column), bounded. */
export interface DeadLetterQuery {
  /** Inclusive. */
  readonly fromMicros: bigint;
  /** Exclusive. */
  readonly toMicros: bigint;
  /** Rows read at most; one more is asked for, to tell the caller the window held more. */
  readonly limit: number;
}

/** One message to publish to the ingest topic. */
export interface OutgoingMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

/** A replay recorded in the ledger. */
export interface ReplayEntry {
  readonly replayId: string;
  readonly deadLetterMessageId: string;
  readonly deadLetterPublishTimeMicros: bigint;
  readonly replayedMessageId: string;
  readonly replayedAtMicros: bigint;
}

/** Where dead letters come from, where replays go, and the ledger that makes replays idempotent. */
export interface ReplayBackend {
  /** Where messages are re-published, for the report (a topic path, or the local database). */
  readonly target: string;
  /** Dead letters published within the window, oldest first. */
  readDeadLetters(query: DeadLetterQuery): Promise<DeadLetterMessage[]>;
  /** The ids among `replayIds` that the ledger already holds. */
  replayedIds(replayIds: readonly string[]): Promise<Set<string>>;
  /** Publishes messages (at most `maxBatch` per call) and answers their new message ids, in order. */
  publish(messages: readonly OutgoingMessage[]): Promise<string[]>;
  /** Records replays, after they were published. */
  record(entries: readonly ReplayEntry[]): Promise<void>;
  /** Messages one publish takes at most. */
  readonly maxBatch: number;
}

/** What a replay does besides reading: the filters, the schema check and whether it publishes. */
export interface ReplayOptions extends DeadLetterQuery {
  /** Only dead letters whose known cause contains this text. */
  readonly reasonContains?: string;
  /** Only dead letters carrying each of these attribute values. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Says why a payload would be refused by the topic's current schema, or undefined when it would be accepted. */
  readonly problem?: (data: Buffer) => string | undefined;
  /**
   * Also replay dead letters that were themselves replays (their replay failed again). Off by default, so that a
   * message the pipeline keeps refusing is not sent round again by every run; on, it goes out as the next generation.
   *
   * @default false
   */
  readonly includeFailedReplays?: boolean;
  /** Publishes when true; otherwise only reports what it would do. */
  readonly execute: boolean;
  /**
   * Messages shown in the report's sample.
   *
   * @default 5
   */
  readonly sampleSize?: number;
  readonly clock: Clock;
}

/** One dead letter in the report. */
export interface ReplaySample {
  readonly messageId: string;
  readonly publishTime: bigint;
  readonly replayId: string;
  readonly cause: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The payload as text, cut at 200 characters. */
  readonly data: string;
}

/** What a replay found and did. */
export interface ReplayReport {
  readonly target: string;
  readonly executed: boolean;
  /** Dead letters read in the window. */
  readonly read: number;
  /** The window held more than `limit` dead letters: narrow it or raise the limit, then run again. */
  readonly truncated: boolean;
  /** Read, but left out by `reasonContains` or `attributes`. */
  readonly filteredOut: number;
  /** Replayed by an earlier run (in the ledger). */
  readonly alreadyReplayed: number;
  /** Replays that were dead-lettered again: left out unless `includeFailedReplays`. */
  readonly failedReplays: number;
  /** Further copies of a message Pub/Sub dead-lettered more than once: same replay id, replayed once. */
  readonly duplicates: number;
  /** Payloads the current schema still refuses: not published (the topic would refuse them), with the first reasons. */
  readonly stillRefused: number;
  readonly stillRefusedSample: ReadonlyArray<{ readonly messageId: string; readonly problem: string }>;
  /** Would be published (dry run), or were published (execute). */
  readonly toReplay: number;
  /** Published by this run. */
  readonly replayed: number;
  /** Dead letters to replay, counted by cause. */
  readonly causes: ReadonlyArray<{ readonly cause: string; readonly count: number }>;
  readonly sample: readonly ReplaySample[];
}

/** Cause shown when neither the store nor Pub/Sub recorded one. */
export const UNKNOWN_CAUSE = 'unknown (no reason recorded: see the BigQuery subscription\'s error logs for that time)';

/**
 * Reads the dead letters of a window, leaves out those filtered, already replayed, duplicated or still refused by
 * the current schema, and (with `execute`) re-publishes the rest with their producer attributes plus replay markers,
 * recording each batch in the ledger once it is published. A crash between a publish and its record can replay that
 * one batch again on the next run; readers de-duplicate by the record key, and the replay id attribute marks it.
 */
export async function replayDeadLetters(backend: ReplayBackend, options: ReplayOptions): Promise<ReplayReport> {
  const all = await backend.readDeadLetters({ fromMicros: options.fromMicros, toMicros: options.toMicros, limit: options.limit + 1 });
  const truncated = all.length > options.limit;
  const read = truncated ? all.slice(0, options.limit) : all;
  const matched = read.filter((m) => matches(m, options));
  const matching = options.includeFailedReplays ? matched : matched.filter((m) => m.attributes[REPLAY_ATTRIBUTES.id] === undefined);
  const ids = matching.map(replayId);
  const done = ids.length > 0 ? await backend.replayedIds([...new Set(ids)]) : new Set<string>();
  const seen = new Set<string>();
  let alreadyReplayed = 0;
  let duplicates = 0;
  const refused: Array<{ messageId: string; problem: string }> = [];
  const pending: Array<{ message: DeadLetterMessage; id: string }> = [];
  matching.forEach((message, i) => {
    const id = ids[i];
    if (done.has(id)) alreadyReplayed++;
    else if (seen.has(id)) duplicates++;
    else {
      seen.add(id);
      const problem = options.problem?.(message.data);
      if (problem) refused.push({ messageId: message.messageId, problem });
      else pending.push({ message, id });
    }
  });

  let replayed = 0;
  if (options.execute) {
    for (let i = 0; i < pending.length; i += backend.maxBatch) {
      const batch = pending.slice(i, i + backend.maxBatch);
      const messageIds = await backend.publish(batch.map(({ message }) => ({ data: message.data, attributes: replayAttributes(message) })));
      const replayedAtMicros = BigInt(Math.floor(options.clock.nowMillis())) * 1000n;
      await backend.record(
        batch.map(({ message, id }, j) => ({
          replayId: id,
          deadLetterMessageId: message.messageId,
          deadLetterPublishTimeMicros: message.publishTimeMicros,
          replayedMessageId: messageIds[j],
          replayedAtMicros,
        })),
      );
      replayed += batch.length;
    }
  }

  const causes = new Map<string, number>();
  for (const { message } of pending) {
    const cause = deadLetterCause(message) ?? UNKNOWN_CAUSE;
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
  }
  return {
    target: backend.target,
    executed: options.execute,
    read: read.length,
    truncated,
    filteredOut: read.length - matched.length,
    failedReplays: matched.length - matching.length,
    alreadyReplayed,
    duplicates,
    stillRefused: refused.length,
    stillRefusedSample: refused.slice(0, options.sampleSize ?? 5),
    toReplay: pending.length,
    replayed,
    causes: [...causes].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count),
    sample: pending.slice(0, options.sampleSize ?? 5).map(({ message, id }) => ({
      messageId: message.messageId,
      publishTime: message.publishTimeMicros,
      replayId: id,
      cause: deadLetterCause(message) ?? UNKNOWN_CAUSE,
      attributes: message.attributes,
      data: preview(message.data),
    })),
  };
}

function matches(message: DeadLetterMessage, options: ReplayOptions): boolean {
  if (options.reasonContains !== undefined && !(deadLetterCause(message) ?? '').includes(options.reasonContains)) return false;
  return Object.entries(options.attributes ?? {}).every(([name, value]) => message.attributes[name] === value);
}

function preview(data: Buffer): string {
  const text = data.toString('utf8');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
