import type { DuckDBValue } from '@duckdb/node-api';
import { timestampValue } from '@duckdb/node-api';
import type { RecordSchema } from '../../schema/record-schema';
import { quoteIdent } from './duckdb-ddl';
import { toParameterValue } from './duckdb-values';
import type { GetQuery, ListQuery } from './store';

/** SQL text plus its named parameters; every request value travels as a parameter, never in the text. */
export interface BoundQuery {
  readonly sql: string;
  readonly params: Record<string, DuckDBValue>;
}

/** Alias of the hidden tie-breaker column a list query selects to build the next cursor. */
export const TIE_BREAKER_COLUMN = '__tie_breaker';

/** Alias of the event time a list query selects to build the next cursor. */
export const EVENT_TIME_COLUMN = '__event_time';

/**
 * The list query of the store contract: event-time window first, then de-duplication per event (key and event
 * time: latest publish_time, then highest message_id), then clustering filters and the keyset cursor, newest
 * first, `limit + 1` rows so the caller knows whether another page exists.
 *
 * Two phases: ranking, filtering and paging read only narrow columns (rowid, event time, key, publish_time,
 * message_id, filter columns); the requested columns (structs, lists, JSON) are then fetched for the page's
 * rowids alone. Needs a table (views have no rowid): `buildListQueryOnePhase` answers the same over any relation.
 */
export function buildListQuery(schema: RecordSchema, tableName: string, query: ListQuery): BoundQuery {
  const eventTime = quoteIdent(schema.eventTimeField);
  const { params, conditions } = listParts(schema, query);
  const narrow = unique([schema.eventTimeField, ...Object.keys(query.filters)]).map(quoteIdent);
  const table = quoteIdent(tableName);
  const window = `FROM ${table} WHERE ${eventTime} >= $from AND ${eventTime} < $to`;
  // With a key, a hash aggregate keeps each event's latest copy (arg_max over publish_time, then message_id) before
  // the filters apply, so an older copy never wins; it is several times cheaper than row_number() over a window.
  const windowed = schema.keyField
    ? [
        `WITH latest AS (SELECT ${quoteIdent(schema.keyField)} AS ${TIE_BREAKER_COLUMN},`,
        `arg_max(struct_pack(__row := rowid, ${narrow.map((c) => `${c} := ${c}`).join(', ')}), struct_pack(p := "publish_time", m := "message_id")) AS __latest`,
        `${window} GROUP BY ${quoteIdent(schema.keyField)}, ${eventTime}),`,
        `windowed AS (SELECT ${TIE_BREAKER_COLUMN}, __latest.__row AS __row, ${narrow.map((c) => `__latest.${c} AS ${c}`).join(', ')} FROM latest),`,
      ]
    : [`WITH windowed AS (SELECT rowid AS __row, ${narrow.join(', ')}, "message_id" AS ${TIE_BREAKER_COLUMN} ${window}),`];
  const sql = [
    ...windowed,
    `page AS (SELECT __row, ${eventTime} AS ${EVENT_TIME_COLUMN}, ${TIE_BREAKER_COLUMN} FROM windowed`,
    `WHERE ${['TRUE', ...conditions].join(' AND ')}`,
    `ORDER BY ${eventTime} DESC, ${TIE_BREAKER_COLUMN} DESC LIMIT $limit)`,
    `SELECT ${unique([...query.fields]).map((f) => `__records.${quoteIdent(f)}`).join(', ')}, page.${EVENT_TIME_COLUMN}, page.${TIE_BREAKER_COLUMN}`,
    `FROM page JOIN ${table} AS __records ON __records.rowid = page.__row`,
    `ORDER BY page.${EVENT_TIME_COLUMN} DESC, page.${TIE_BREAKER_COLUMN} DESC`,
  ].join('\n');
  return { sql, params };
}

/** The list query in one phase, every requested column carried through the ranking: for relations without rowid. */
export function buildListQueryOnePhase(schema: RecordSchema, tableName: string, query: ListQuery): BoundQuery {
  const eventTime = quoteIdent(schema.eventTimeField);
  const { params, conditions } = listParts(schema, query);
  const tieBreaker = quoteIdent(schema.keyField ?? 'message_id');
  // Rank inside the window before filtering: a filter must never let an older copy of an event win.
  const ranked = schema.keyField
    ? `, row_number() OVER (PARTITION BY ${tieBreaker}, ${eventTime} ORDER BY "publish_time" DESC, "message_id" DESC) AS __version`
    : '';
  const inner = unique([...query.fields, schema.eventTimeField, ...Object.keys(query.filters)]).map(quoteIdent);
  const sql = [
    `WITH windowed AS (SELECT ${inner.join(', ')}, ${tieBreaker} AS ${TIE_BREAKER_COLUMN}${ranked}`,
    `FROM ${quoteIdent(tableName)} WHERE ${eventTime} >= $from AND ${eventTime} < $to)`,
    `SELECT ${unique([...query.fields]).map(quoteIdent).join(', ')}, ${eventTime} AS ${EVENT_TIME_COLUMN}, ${TIE_BREAKER_COLUMN}`,
    `FROM windowed WHERE ${[schema.keyField ? '__version = 1' : 'TRUE', ...conditions].join(' AND ')}`,
    `ORDER BY ${eventTime} DESC, ${TIE_BREAKER_COLUMN} DESC LIMIT $limit`,
  ].join('\n');
  return { sql, params };
}

/** Parameters and the filter and cursor conditions shared by both list query shapes. */
function listParts(schema: RecordSchema, query: ListQuery) {
  const eventTime = quoteIdent(schema.eventTimeField);
  const params: Record<string, DuckDBValue> = {
    from: timestampValue(query.fromMicros),
    to: timestampValue(query.toMicros),
    limit: query.limit + 1,
  };
  const conditions = Object.keys(query.filters).map((name, i) => {
    params[`f${i}`] = toParameterValue(fieldOf(schema, name), query.filters[name], name);
    return `${quoteIdent(name)} = $f${i}`;
  });
  if (query.cursor) {
    params.cursor_t = timestampValue(BigInt(query.cursor.eventTimeMicros));
    params.cursor_k = tieBreakerValue(schema, query.cursor.tieBreaker);
    conditions.push(`(${eventTime} < $cursor_t OR (${eventTime} = $cursor_t AND ${TIE_BREAKER_COLUMN} < $cursor_k))`);
  }
  return { params, conditions };
}

/** The newest event with one key within the window, its latest copy (by publish_time, then message_id). */
export function buildGetQuery(schema: RecordSchema, tableName: string, query: GetQuery): BoundQuery {
  if (!schema.keyField) throw new Error(`${schema.name} has no keyField: records cannot be looked up by key`);
  const eventTime = quoteIdent(schema.eventTimeField);
  const sql = [
    `SELECT ${unique([...query.fields]).map(quoteIdent).join(', ')} FROM ${quoteIdent(tableName)}`,
    `WHERE ${eventTime} >= $from AND ${eventTime} < $to AND ${quoteIdent(schema.keyField)} = $key`,
    `ORDER BY ${eventTime} DESC, "publish_time" DESC, "message_id" DESC LIMIT 1`,
  ].join('\n');
  return {
    sql,
    params: { from: timestampValue(query.fromMicros), to: timestampValue(query.toMicros), key: tieBreakerValue(schema, query.key) },
  };
}

function tieBreakerValue(schema: RecordSchema, value: string | number): DuckDBValue {
  if (!schema.keyField) return String(value);
  return toParameterValue(fieldOf(schema, schema.keyField), value, schema.keyField);
}

function fieldOf(schema: RecordSchema, name: string) {
  const field = schema.field(name);
  if (!field) throw new Error(`${name} is not a field of ${schema.name}`);
  return field;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
