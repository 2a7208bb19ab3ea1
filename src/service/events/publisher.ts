import type { AvroJsonEvent } from './avro-event';

/** Publishes validated events: into the local store, or to the Pub/Sub topic in the cloud. */
export interface Publisher {
  /** Publishes all events or none; resolves to their message ids, in order. */
  publish(events: readonly AvroJsonEvent[]): Promise<string[]>;
}
