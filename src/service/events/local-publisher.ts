import type { RecordSchema } from '../../schema/record-schema';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { StoredEvent } from '../store/store';
import { AvroJsonEvent, unwrapEvent } from './avro-event';
import type { PublishOptions, Publisher } from './publisher';

/** A store that takes events and says which it dead-lettered (DuckDbStore.write). */
export interface EventSink {
  write(events: readonly StoredEvent[]): Promise<{ deadLetters: ReadonlyArray<{ messageId: string; reason: string }> }>;
}

/** Options of the local publisher. */
export interface LocalPublisherOptions {
  readonly sink: EventSink;
  readonly schema: RecordSchema;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Plays the topic and the BigQuery subscription locally: stamps publish_time and a message id, writes the rows at
 * once (so they are immediately queryable) and logs a warning for each event the table refused and dead-lettered.
 */
export class LocalPublisher implements Publisher {
  private sequence = 0;

  public constructor(private readonly options: LocalPublisherOptions) {}

  /** Stores the events; message ids sort in publish order, as the contract's tie-break on message_id expects. */
  public async publish(events: readonly AvroJsonEvent[], options: PublishOptions = {}): Promise<string[]> {
    const publishTimeMicros = BigInt(Math.floor(this.options.clock.nowMillis())) * 1000n;
    const stored: StoredEvent[] = events.map((event) => ({
      record: unwrapEvent(this.options.schema, event),
      messageId: `${publishTimeMicros}${String(this.sequence++ % 1_000_000).padStart(6, '0')}`,
      publishTimeMicros,
      ...(options.attributes ? { attributes: { ...options.attributes } } : {}),
      data: Buffer.from(JSON.stringify(event), 'utf8'),
    }));
    const { deadLetters } = await this.options.sink.write(stored);
    for (const dead of deadLetters) {
      this.options.logger.warn(`event ${dead.messageId} was dead-lettered: ${dead.reason}`, { messageId: dead.messageId, reason: dead.reason });
    }
    return stored.map((e) => e.messageId);
  }
}
