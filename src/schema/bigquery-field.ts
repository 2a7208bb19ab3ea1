/** One column of a BigQuery table schema, as the BigQuery API and `google_bigquery_table.schema` expect it. */
export interface BigQueryField {
  /** Column name. */
  readonly name: string;

  /**
   * BigQuery type, in the spelling the BigQuery API returns (STRING, INTEGER, FLOAT, NUMERIC, BOOLEAN, TIMESTAMP,
   * DATE, JSON, BYTES, RECORD) so Terraform sees no drift.
   */
  readonly type: string;

  /** REQUIRED, NULLABLE or REPEATED. */
  readonly mode: string;

  /**
   * Column description.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Sub-columns of a RECORD.
   *
   * @default - none
   */
  readonly fields?: BigQueryField[];
}

/**
 * The columns a BigQuery subscription with `write_metadata` fills beside the record's own fields.
 * `attributes` is JSON so it can be queried with JSON functions.
 */
export const METADATA_COLUMNS: BigQueryField[] = [
  { name: 'subscription_name', type: 'STRING', mode: 'NULLABLE', description: 'Pub/Sub subscription that wrote the row.' },
  { name: 'message_id', type: 'STRING', mode: 'NULLABLE', description: 'Pub/Sub message id.' },
  { name: 'publish_time', type: 'TIMESTAMP', mode: 'NULLABLE', description: 'When Pub/Sub accepted the message.' },
  { name: 'attributes', type: 'JSON', mode: 'NULLABLE', description: 'Pub/Sub message attributes.' },
];

/** The raw payload column of a dead-letter table: BYTES, so no payload can fail to be written. */
export const DEAD_LETTER_DATA_COLUMN: BigQueryField = {
  name: 'data',
  type: 'BYTES',
  mode: 'NULLABLE',
  description: 'The message payload exactly as published.',
};
