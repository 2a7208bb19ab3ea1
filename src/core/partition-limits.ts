/**
 * BigQuery keeps at most this many partitions per table and refuses a write that would create one more
 * (https://cloud.google.com/bigquery/quotas#partitioned_tables).
 */
export const MAX_PARTITIONS_PER_TABLE = 10_000;

/** The longest retention whose hourly partitions stay within that limit: 416 days of 24 partitions. */
export const MAX_HOURLY_RETENTION_DAYS = Math.floor(MAX_PARTITIONS_PER_TABLE / 24);
