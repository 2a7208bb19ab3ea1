import type { AvroJsonEvent } from './avro-event';

/** What a publish carries besides the events. */
export interface PublishOptions {
  /** Pub/Sub message attributes set on every message of the batch (the verified publisher, for one). */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Publishes validated events: into the local store, or to the Pub/Sub topic in the cloud. */
export interface Publisher {
  /** Publishes all events or none; resolves to their message ids, in order. */
  publish(events: readonly AvroJsonEvent[], options?: PublishOptions): Promise<string[]>;
}

/** Pub/Sub's answer to a publish that failed, kept for the API's error mapping. */
export class PublishError extends Error {
  public constructor(
    /** HTTP status Pub/Sub answered, or 0 when it could not be reached. */
    public readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PublishError';
  }
}
