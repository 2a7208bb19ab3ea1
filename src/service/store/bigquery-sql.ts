import { BIGQUERY_IDENTIFIER, BIGQUERY_PROJECT_ID } from '../../contract/bigquery-names';
import { FieldDefinition, FieldMode, FieldType } from '../../schema/field';
import { BigQueryParameterType, FIELD_TYPES } from '../../schema/field-types';
import type { RecordSchema } from '../../schema/record-schema';
import { isoToMicros, microsToIso } from '../../schema/wire';
import type { GetQuery, ListQuery } from './store';

/**
 * The SQL the BigQuery store sends: GoogleSQL (standard SQL) with typed named parameters. Identifiers come from
 * the validated schema and are backtick-quoted; every value from a request travels as a parameter.
 */

export type { BigQueryParameterType } from '../../schema/field-types';

/** One named query parameter in the REST shape of `QueryRequest.queryParameters[]`. */
export interface QueryParameter {
  readonly name: string;
  readonly parameterType: { readonly type: BigQueryParameterType };
  readonly parameterValue: { readonly value: string };
}

/** A statement and its parameters, ready for `jobs.query`. */
export interface BuiltQuery {
  readonly sql: string;
  readonly params: QueryParameter[];
}

/** The metadata columns the BigQuery subscription writes beside each record; the API never returns them. */
export const PUBLISH_TIME_COLUMN = 'publish_time';
/** The Pub/Sub message id column: the tie-breaker when the schema has no key. */
export const MESSAGE_ID_COLUMN = 'message_id';

/** The cheapest statement BigQuery answers: backs `/readyz` without scanning a byte. */
export const PING_SQL = 'SELECT 1 AS ok';


/** A backtick-quoted column name; refuses anything that is not a plain schema identifier. */
export function quoteIdentifier(name: string): string {
  if (!BIGQUERY_IDENTIFIER.test(name)) throw new Error(`refusing to quote ${JSON.stringify(name)}: not a column name`);
  return `\`${name}\``;
}

/** The backtick-quoted `project.dataset.table` reference, after checking each part against BigQuery's naming rules. */
export function tableReference(projectId: string, datasetId: string, tableId: string): string {
  if (!BIGQUERY_PROJECT_ID.test(projectId)) throw new Error(`invalid BigQuery project id ${JSON.stringify(projectId)}`);
  if (!BIGQUERY_IDENTIFIER.test(datasetId)) throw new Error(`invalid BigQuery dataset id ${JSON.stringify(datasetId)}`);
  if (!BIGQUERY_IDENTIFIER.test(tableId)) throw new Error(`invalid BigQuery table or view id ${JSON.stringify(tableId)}`);
  return `\`${projectId}.${datasetId}.${tableId}\``;
}

/** The BigQuery parameter type matching a field's column type (../../schema/field-types.ts). */
export function parameterTypeOf(field: FieldDefinition): BigQueryParameterType {
  const type = field.type === FieldType.RECORD ? undefined : FIELD_TYPES[field.type].bigQueryParameterType;
  if (type === undefined) throw new Error(`field ${field.name} of type ${field.type} cannot be a query parameter`);
  return type;
}

/** A parameter of the given type; values are sent as text, the form the REST API documents for every scalar. */
export function parameter(name: string, type: BigQueryParameterType, value: string | number | boolean | bigint): QueryParameter {
  const text = type === 'TIMESTAMP' ? timestampParameterText(value) : String(value);
  return { name, parameterType: { type }, parameterValue: { value: text } };
}

/**
 * The list statement over one slice `[fromMicros, toMicros)` of the window (the store walks the window newest slice
 * first, see ./page-slices.ts). With a key, the subquery keeps the latest copy of each event (key and event time:
 * copies of an event share its event time, so they all lie in the slice) before the clustering filters apply, so a
 * stale copy can never match a filter; the cursor bounds the same subquery, as it only compares event time and key.
 * The statement returns up to `rowLimit` rows (default `limit + 1`); the BigQuery store asks for the slice's rows up
 * to its row cap and reads only what a page needs, so later pages read on in the same result.
 */
export function buildListQuery(schema: RecordSchema, table: string, query: ListQuery, rowLimit = query.limit + 1): BuiltQuery {
  const eventTime = quoteIdentifier(schema.eventTimeField);
  const tieName = schema.keyField ?? MESSAGE_ID_COLUMN;
  const tieBreaker = quoteIdentifier(tieName);
  const params: QueryParameter[] = [...windowParameters(query)];

  const filterNames = Object.keys(query.filters).sort();
  const outer: string[] = [];
  filterNames.forEach((name, i) => {
    const field = topLevelField(schema, name);
    const param = `filter_${i}`;
    params.push(parameter(param, parameterTypeOf(field), query.filters[name]));
    outer.push(`${quoteIdentifier(name)} = @${param}`);
  });
  const inner: string[] = [];
  if (query.cursor) {
    params.push(parameter('cursor_time', 'TIMESTAMP', BigInt(query.cursor.eventTimeMicros)));
    params.push(parameter('cursor_key', tieBreakerType(schema), query.cursor.tieBreaker));
    inner.push(`(${eventTime} < @cursor_time OR (${eventTime} = @cursor_time AND ${tieBreaker} < @cursor_key))`);
  }
  params.push(parameter('row_limit', 'INT64', rowLimit));

  const selected = listResultColumns(schema, query.fields);
  const columns = [...new Set([...selected, ...filterNames])];
  const where = outer.length > 0 ? `\nWHERE ${outer.join('\n  AND ')}` : '';
  const sql = [
    `SELECT ${selected.map(quoteIdentifier).join(', ')}`,
    `FROM (${windowSubquery(schema, table, columns, inner)}\n)${where}`,
    `ORDER BY ${eventTime} DESC, ${tieBreaker} DESC`,
    'LIMIT @row_limit',
  ].join('\n');
  return { sql, params };
}

/** The columns a list statement returns, in order: the requested fields, then event time and tie-breaker if missing. */
export function listResultColumns(schema: RecordSchema, fields: readonly string[]): string[] {
  return selectedColumns(schema, fields, [schema.eventTimeField, schema.keyField ?? MESSAGE_ID_COLUMN]);
}

/**
 * The lookup statement over one slice of the window: the newest event with the key (its latest copy), or no row.
 * The store searches the window newest slice first and stops at the first slice holding the key.
 */
export function buildGetQuery(schema: RecordSchema, table: string, query: GetQuery): BuiltQuery {
  if (!schema.keyField) throw new Error(`schema ${schema.name} has no keyField: records cannot be looked up by key`);
  const key = quoteIdentifier(schema.keyField);
  const eventTime = quoteIdentifier(schema.eventTimeField);
  const selected = selectedColumns(schema, query.fields, []);
  const sql = [
    `SELECT ${selected.map(quoteIdentifier).join(', ')}`,
    `FROM ${table}`,
    `WHERE ${eventTime} >= @from_time AND ${eventTime} < @to_time`,
    `  AND ${key} = @record_key`,
    `ORDER BY ${eventTime} DESC, ${quoteIdentifier(PUBLISH_TIME_COLUMN)} DESC, ${quoteIdentifier(MESSAGE_ID_COLUMN)} DESC`,
    'LIMIT 1',
  ].join('\n');
  const params = [...windowParameters(query), parameter('record_key', tieBreakerType(schema), query.key)];
  return { sql, params };
}

/** The parameters bounding the event time; listed first because every statement filters the partition column first. */
function windowParameters(query: { fromMicros: bigint; toMicros: bigint }): QueryParameter[] {
  return [parameter('from_time', 'TIMESTAMP', query.fromMicros), parameter('to_time', 'TIMESTAMP', query.toMicros)];
}

/** The rows of the slice (the partition filter first), one per event (key and event time) when the schema has a key. */
function windowSubquery(schema: RecordSchema, table: string, columns: string[], conditions: string[]): string {
  const eventTime = quoteIdentifier(schema.eventTimeField);
  const lines = [
    `SELECT ${columns.map(quoteIdentifier).join(', ')}`,
    `FROM ${table}`,
    `WHERE ${[`${eventTime} >= @from_time AND ${eventTime} < @to_time`, ...conditions].join(' AND ')}`,
  ];
  if (schema.keyField) {
    const order = `${quoteIdentifier(PUBLISH_TIME_COLUMN)} DESC, ${quoteIdentifier(MESSAGE_ID_COLUMN)} DESC`;
    lines.push(`QUALIFY ROW_NUMBER() OVER (PARTITION BY ${quoteIdentifier(schema.keyField)}, ${eventTime} ORDER BY ${order}) = 1`);
  }
  return lines.map((l) => `\n  ${l}`).join('');
}

/** Requested fields in schema order, plus the columns the store needs (event time, tie-breaker) if missing. */
function selectedColumns(schema: RecordSchema, fields: readonly string[], needed: string[]): string[] {
  const wanted = new Set(fields);
  const unknown = fields.filter((n) => !schema.field(n));
  if (unknown.length > 0) throw new Error(`${unknown.join(', ')} not columns of ${schema.name}`);
  const columns = schema.fieldNames.filter((n) => wanted.has(n));
  for (const name of needed) if (!columns.includes(name)) columns.push(name);
  return columns;
}

function topLevelField(schema: RecordSchema, name: string): FieldDefinition {
  const field = schema.field(name);
  if (!field || field.mode === FieldMode.REPEATED) throw new Error(`${JSON.stringify(name)} is not a column of ${schema.name}`);
  return field;
}

function tieBreakerType(schema: RecordSchema): BigQueryParameterType {
  const key = schema.keyField ? schema.field(schema.keyField) : undefined;
  return key ? parameterTypeOf(key) : 'STRING';
}

/** TIMESTAMP parameters as ISO 8601 UTC text with microseconds: microseconds, ISO text or Date in. */
function timestampParameterText(value: string | number | boolean | bigint): string {
  if (typeof value === 'bigint') return microsToIso(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return microsToIso(BigInt(value));
  const micros = typeof value === 'string' ? (/^-?\d+$/.test(value) ? BigInt(value) : isoToMicros(value)) : undefined;
  if (micros === undefined) throw new Error(`${JSON.stringify(value)} is not a TIMESTAMP`);
  return microsToIso(micros);
}
