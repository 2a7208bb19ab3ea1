import { FieldDefinition } from './field';

/** The definition of one record: the single source of truth for Avro, BigQuery, the API and local storage. */
export interface RecordSchemaProps {
  /** Record name, used as the Avro record name: a letter or `_`, then letters, digits or `_`. */
  readonly name: string;

  /**
   * Avro namespace: dot-separated Avro names.
   *
   * @default - no namespace
   */
  readonly namespace?: string;

  /**
   * What one record describes; goes into the Avro `doc` and the OpenAPI document.
   *
   * @default - no description
   */
  readonly description?: string;

  /** The record's fields, in column order. */
  readonly fields: FieldDefinition[];

  /**
   * The top-level REQUIRED TIMESTAMP field that says when the event happened. It partitions the table and
   * bounds every API query.
   */
  readonly eventTimeField: string;

  /**
   * A top-level REQUIRED STRING or INT64 field that identifies an event: `GET /v1/records/{key}` looks it up, and
   * copies of an event are collapsed on it. Copies (Pub/Sub redeliveries, producer retries, corrections) must
   * carry the same key AND the same event time: the API returns one row per key and event time, the copy with the
   * latest `publish_time` (then the highest `message_id`). The same key at another event time is another event and
   * is listed too. This keeps a page's cost bounded by the partitions holding its rows; it is not an entity table
   * where the newest version of a key hides the older ones.
   *
   * @default - no key: no lookup route and no de-duplication
   */
  readonly keyField?: string;

  /**
   * Up to four top-level fields the table is clustered on, most selective first. The API offers equality
   * filters on them.
   *
   * @default - no clustering
   */
  readonly clusteringFields?: string[];
}
