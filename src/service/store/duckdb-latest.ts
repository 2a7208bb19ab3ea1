import { timestampValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import type { RecordSchema } from '../../schema/record-schema';
import { duckDbType, quoteIdent } from './duckdb-ddl';
import type { BoundQuery } from './duckdb-query';
import { toParameterValue } from './duckdb-values';
import type { GetQuery, ListQuery } from './store';

/**
 * The local store's read index, kept at write time (schemas with a key only): one row per event (key and event
 * time), its latest copy, with the columns lists filter and order on and the record already in wire form (JSON
 * text). A list page is then one top-N over this narrow table instead of ranking the whole window per read, and no
 * row needs converting on the way out.
 */

/** Key column of the index (the schema's key). */
export const LATEST_KEY = '__key';
/** Wire form of the record's served fields (DuckDbStoreOptions.servedFields), as JSON text. */
export const LATEST_WIRE = '__wire';

/** Name of the index table of a records table. */
export function latestTableName(tableName: string): string {
  return `${tableName}_latest`;
}

/** `CREATE TABLE` of the index: key, event time, copy order, clustering columns, wire JSON; one row per event. */
export function createLatestTableSql(schema: RecordSchema, tableName: string, indexName = latestTableName(tableName)): string {
  const key = schema.field(schema.keyField!)!;
  const eventTime = quoteIdent(schema.eventTimeField);
  const clustering = clusteringColumns(schema).map((name) => `${quoteIdent(name)} ${duckDbType(schema.field(name)!)}`);
  const columns = [
    `${quoteIdent(LATEST_KEY)} ${duckDbType(key)} NOT NULL`,
    `${eventTime} TIMESTAMP NOT NULL`,
    '"publish_time" TIMESTAMP NOT NULL',
    '"message_id" VARCHAR NOT NULL',
    ...clustering,
    `${quoteIdent(LATEST_WIRE)} VARCHAR NOT NULL`,
    `PRIMARY KEY (${quoteIdent(LATEST_KEY)}, ${eventTime})`,
  ];
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(indexName)} (${columns.join(', ')})`;
}

/** The temporary table new rows' wire forms are appended to (rowid of the records row, wire JSON). */
export function createLatestStagingSql(tableName: string): string {
  return `CREATE OR REPLACE TEMP TABLE ${quoteIdent(`${latestTableName(tableName)}_staging`)} ("__row" BIGINT, ${quoteIdent(LATEST_WIRE)} VARCHAR)`;
}

/**
 * Moves the staged rows into the index: within the batch the latest copy of each event first, then an upsert that
 * replaces a kept copy only by a later one (publish_time, then message_id), whatever order copies arrive in. The
 * update keeps the row at its rowid (its columns are scalars: DuckDB updates those in place), which the fence relies
 * on (./duckdb-fence.ts): nothing may delete from the index or update a column DuckDB rewrites as delete and insert.
 */
export function upsertLatestSql(schema: RecordSchema, tableName: string): string {
  const latest = quoteIdent(latestTableName(tableName));
  const eventTime = quoteIdent(schema.eventTimeField);
  const key = quoteIdent(schema.keyField!);
  const clustering = clusteringColumns(schema).map(quoteIdent);
  const values = [`r.${key}`, `r.${eventTime}`, 'r."publish_time"', 'r."message_id"', ...clustering.map((c) => `r.${c}`), `s.${quoteIdent(LATEST_WIRE)}`];
  const updated = ['"publish_time"', '"message_id"', ...clustering, quoteIdent(LATEST_WIRE)].map((c) => `${c} = excluded.${c}`);
  return [
    `INSERT INTO ${latest} SELECT ${values.join(', ')}`,
    `FROM ${quoteIdent(`${latestTableName(tableName)}_staging`)} s JOIN ${quoteIdent(tableName)} r ON r.rowid = s."__row"`,
    `QUALIFY row_number() OVER (PARTITION BY r.${key}, r.${eventTime} ORDER BY r."publish_time" DESC, r."message_id" DESC) = 1`,
    // New events go to the end of the index, the unsorted tail: in list order, so each batch is one sorted run.
    `ORDER BY r.${eventTime} DESC, r.${key} DESC`,
    `ON CONFLICT (${quoteIdent(LATEST_KEY)}, ${eventTime}) DO UPDATE SET ${updated.join(', ')}`,
    `WHERE excluded."publish_time" > ${latest}."publish_time" OR (excluded."publish_time" = ${latest}."publish_time" AND excluded."message_id" > ${latest}."message_id")`,
  ].join('\n');
}

/**
 * Rewrites the index in list order (event time, then key, newest first), in one transaction: a sorted copy replaces
 * it. A list page is a top-N over the window, and on a sorted index the scan meets the page's rows first; the top-N
 * then raises its bound at once and DuckDB's min/max zone maps skip the rest of the window (~4x less work per page on
 * the sample data than on an index filled in arrival order). Upserts keep a row where it is, so only new events,
 * appended after the sorted part, are out of order until the next rewrite.
 */
export function sortLatestSql(schema: RecordSchema, tableName: string): string[] {
  const latest = latestTableName(tableName);
  const sorted = `${latest}_sorted`;
  const eventTime = quoteIdent(schema.eventTimeField);
  const columns = [LATEST_KEY, schema.eventTimeField, 'publish_time', 'message_id', ...clusteringColumns(schema), LATEST_WIRE].map(quoteIdent).join(', ');
  return [
    'BEGIN TRANSACTION',
    `DROP TABLE IF EXISTS ${quoteIdent(sorted)}`,
    createLatestTableSql(schema, tableName, sorted),
    `INSERT INTO ${quoteIdent(sorted)} (${columns}) SELECT ${columns} FROM ${quoteIdent(latest)} ORDER BY ${eventTime} DESC, ${quoteIdent(LATEST_KEY)} DESC`,
    `DROP TABLE ${quoteIdent(latest)}`,
    `ALTER TABLE ${quoteIdent(sorted)} RENAME TO ${quoteIdent(latest)}`,
    'COMMIT',
  ];
}

/**
 * Checks that the index holds its rows in list order at rowids 0..n-1 (what the fence relies on): its row count,
 * its highest rowid and how many rows come before one they should follow.
 */
export function indexOrderSql(schema: RecordSchema, tableName: string): string {
  const eventTime = quoteIdent(schema.eventTimeField);
  const key = quoteIdent(LATEST_KEY);
  return [
    'SELECT count(*)::BIGINT AS "rows", coalesce(max(r), -1)::BIGINT AS "last", count(*) FILTER (WHERE t > pt OR (t = pt AND k > pk))::BIGINT AS "disorder"',
    `FROM (SELECT rowid AS r, ${eventTime} AS t, ${key} AS k, lag(${eventTime}) OVER w AS pt, lag(${key}) OVER w AS pk`,
    `FROM ${quoteIdent(latestTableName(tableName))} WINDOW w AS (ORDER BY rowid))`,
  ].join('\n');
}

/** The fence's posts: rowid and event time (epoch microseconds) of every `$stride`-th row of the index, by rowid. */
export function fencePostsSql(schema: RecordSchema, tableName: string): string {
  return `SELECT rowid AS r, epoch_us(${quoteIdent(schema.eventTimeField)}) AS t FROM ${quoteIdent(latestTableName(tableName))} WHERE rowid % $stride = 0 ORDER BY rowid`;
}

/** Rows of the index a query may read: the sorted part's rowids `[from, to)` and the unsorted tail from `tail` on. */
export interface IndexRowids {
  readonly from: number;
  readonly to: number;
  readonly tail: number;
}

/**
 * A list page from the index: wire JSON, event time and key of up to `limit + 1` events, newest first; within
 * `rowids` when the index's fence gave them (see ./duckdb-fence.ts).
 */
export function buildLatestListQuery(schema: RecordSchema, tableName: string, query: ListQuery, rowids?: IndexRowids): BoundQuery {
  const eventTime = quoteIdent(schema.eventTimeField);
  const key = quoteIdent(LATEST_KEY);
  const keyField = schema.field(schema.keyField!)!;
  const params: Record<string, DuckDBValue> = { from: timestampValue(query.fromMicros), to: timestampValue(query.toMicros), limit: query.limit + 1 };
  const conditions = [...rowidConditions(params, rowids), `${eventTime} >= $from`, `${eventTime} < $to`];
  Object.keys(query.filters)
    .sort()
    .forEach((name, i) => {
      params[`f${i}`] = toParameterValue(schema.field(name)!, query.filters[name], name);
      conditions.push(`${name === schema.keyField ? key : quoteIdent(name)} = $f${i}`);
    });
  if (query.cursor) {
    params.cursor_t = timestampValue(BigInt(query.cursor.eventTimeMicros));
    params.cursor_k = toParameterValue(keyField, query.cursor.tieBreaker, keyField.name);
    conditions.push(`(${eventTime} < $cursor_t OR (${eventTime} = $cursor_t AND ${key} < $cursor_k))`);
  }
  const sql = [
    `SELECT ${quoteIdent(LATEST_WIRE)} AS __wire, ${eventTime} AS __event_time, ${key} AS __tie_breaker FROM ${quoteIdent(latestTableName(tableName))}`,
    `WHERE ${conditions.join(' AND ')}`,
    `ORDER BY ${eventTime} DESC, ${key} DESC LIMIT $limit`,
  ].join('\n');
  return { sql, params };
}

/** A lookup from the index: the newest event with the key within the window (and `rowids`, if given). */
export function buildLatestGetQuery(schema: RecordSchema, tableName: string, query: GetQuery, rowids?: IndexRowids): BoundQuery {
  const eventTime = quoteIdent(schema.eventTimeField);
  const keyField = schema.field(schema.keyField!)!;
  const params: Record<string, DuckDBValue> = { key: toParameterValue(keyField, query.key, keyField.name), from: timestampValue(query.fromMicros), to: timestampValue(query.toMicros) };
  const conditions = [...rowidConditions(params, rowids), `${quoteIdent(LATEST_KEY)} = $key`, `${eventTime} >= $from`, `${eventTime} < $to`];
  const sql = [
    `SELECT ${quoteIdent(LATEST_WIRE)} AS __wire FROM ${quoteIdent(latestTableName(tableName))}`,
    `WHERE ${conditions.join(' AND ')}`,
    `ORDER BY ${eventTime} DESC LIMIT 1`,
  ].join('\n');
  return { sql, params };
}

/** The condition keeping a query to `rowids` (DuckDB prunes rowid ranges before it reads a column), with its parameters. */
function rowidConditions(params: Record<string, DuckDBValue>, rowids?: IndexRowids): string[] {
  if (!rowids) return [];
  params.row_from = BigInt(rowids.from);
  params.row_to = BigInt(rowids.to);
  params.row_tail = BigInt(rowids.tail);
  return ['(rowid >= $row_from AND rowid < $row_to OR rowid >= $row_tail)'];
}

/** Clustering fields other than the key and event time (the only fields lists filter on). */
function clusteringColumns(schema: RecordSchema): string[] {
  return schema.clusteringFields.filter((name) => name !== schema.keyField && name !== schema.eventTimeField);
}
