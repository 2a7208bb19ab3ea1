import { createHash } from 'node:crypto';

/**
 * A message the pipeline could not store, as the dead-letter table holds it: the payload exactly as published, the
 * Pub/Sub metadata, and the reason when one is known.
 */
export interface DeadLetterMessage {
  /** `message_id` of the dead-letter row. */
  readonly messageId: string;
  /** `publish_time` of the dead-letter row (the table's partitioning column), microseconds since the epoch. */
  readonly publishTimeMicros: bigint;
  /** The payload exactly as the producer published it. */
  readonly data: Buffer;
  /** Every attribute the row holds: the producer's, Pub/Sub's `CloudPubSubDeadLetter*` ones, earlier replay markers. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Why it was refused, when the store recorded it (the local store does; BigQuery rows carry it as an attribute). */
  readonly reason?: string;
}

/** Attributes Pub/Sub adds when it forwards a message to a dead-letter topic; never re-published. */
export const PUBSUB_DEAD_LETTER_PREFIX = 'CloudPubSubDeadLetter';
/** Attribute in which Pub/Sub states why an export subscription (BigQuery, Cloud Storage) could not deliver a message. */
export const DELIVERY_ERROR_ATTRIBUTE = 'CloudPubSubDeadLetterSourceDeliveryErrorMessage';
/** Attribute holding the original publish time of a dead-lettered message. */
export const SOURCE_PUBLISH_TIME_ATTRIBUTE = 'CloudPubSubDeadLetterSourceTopicPublishTime';
/** Attribute holding how many times Pub/Sub tried to deliver the message before giving up. */
export const DELIVERY_COUNT_ATTRIBUTE = 'CloudPubSubDeadLetterSourceDeliveryCount';

/** Replay markers added to every re-published message. */
export const REPLAY_ATTRIBUTES = {
  /** Deterministic id of the replay: the same dead letter always gets the same id (see `replayId`). */
  id: 'pipeline_replay_id',
  /** `message_id` of the dead-letter row that was replayed. */
  of: 'pipeline_replay_of',
  /** 1 for a first replay, 2 when a replayed message was dead-lettered again and replayed once more, and so on. */
  generation: 'pipeline_replay_generation',
} as const;

const MARKER_NAMES: ReadonlySet<string> = new Set(Object.values(REPLAY_ATTRIBUTES));

/** The attributes the producer set: without Pub/Sub's dead-letter attributes and earlier replay markers. */
export function originalAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes)
      .filter(([name]) => !name.startsWith(PUBSUB_DEAD_LETTER_PREFIX) && !MARKER_NAMES.has(name))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Which replay of the original message re-publishing this dead letter would be. */
export function replayGeneration(message: DeadLetterMessage): number {
  const previous = Number(message.attributes[REPLAY_ATTRIBUTES.generation] ?? 0);
  return (Number.isSafeInteger(previous) && previous > 0 ? previous : 0) + 1;
}

/**
 * The replay id: a hash of what identifies the original message (payload, producer attributes, original publish
 * time) and the replay generation. Pub/Sub may dead-letter one message more than once, under different message
 * ids; both copies get the same replay id, so the ledger replays it once.
 */
export function replayId(message: DeadLetterMessage): string {
  const sourcePublishTime = message.attributes[SOURCE_PUBLISH_TIME_ATTRIBUTE] ?? message.publishTimeMicros.toString();
  const material = JSON.stringify([sourcePublishTime, replayGeneration(message), originalAttributes(message.attributes), message.data.toString('base64')]);
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

/** The attributes of the re-published message: the producer's, plus the replay markers. */
export function replayAttributes(message: DeadLetterMessage): Record<string, string> {
  return {
    ...originalAttributes(message.attributes),
    [REPLAY_ATTRIBUTES.id]: replayId(message),
    [REPLAY_ATTRIBUTES.of]: message.messageId,
    [REPLAY_ATTRIBUTES.generation]: String(replayGeneration(message)),
  };
}

/** Why the message was dead-lettered, when the store or Pub/Sub recorded it. */
export function deadLetterCause(message: DeadLetterMessage): string | undefined {
  return message.reason ?? message.attributes[DELIVERY_ERROR_ATTRIBUTE];
}

/** Attributes as stored in a JSON column: an object of strings, JSON text of one, or null. */
export function parseAttributes(value: unknown): Record<string, string> {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`attributes must be a JSON object, got ${JSON.stringify(parsed)}`);
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}
