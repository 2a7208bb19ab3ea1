import {
  BIGINT,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampValue,
  DuckDBType,
  DuckDBValue,
  TIMESTAMP,
  VARCHAR,
  BLOB,
  blobValue,
  dateValue,
  decimalValue,
  timestampValue,
} from '@duckdb/node-api';
import type { BigQueryField } from '../../../src/schema';
import type { DuckDbStore } from '../../../src/service/store/duckdb-store';
import type { QueryParameter } from '../../../src/service/store/bigquery-sql';
import type { ResultCell, ResultField } from '../../../src/service/store/bigquery-decode';
import { NUMERIC_PRECISION, NUMERIC_SCALE, parseNumeric } from '../../../src/schema/numeric';
import { dateToEpochDays, epochDaysToDate, isoToMicros } from '../../../src/schema/wire';
import { Partitioning, ScanCost, columnsRead, partitionBounds, partitionPredicate, widthExpression } from './cost-model';
import type { QueryEngine, QueryResult } from './server';

/**
 * Runs the BigQuery SQL the store sends on a DuckDB table after a syntax-only shim, and answers in BigQuery's REST
 * encoding. The shim never rewrites the query's logic: it swaps quoting, parameter markers and the table name.
 */

/** The DuckDB text of a BigQuery statement: `project.dataset.view` to the table, backticks to quotes, `@p` to `$p`. */
export function shimSql(sql: string, tableName: string): string {
  return sql
    .replace(/`([^`]*)`/g, (_, name: string) => quote(name.includes('.') ? tableName : name))
    .replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, '$$$1');
}

/** The scalar parameter types GoogleSQL knows (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types). */
const SCALAR_TYPES = new Set(['INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOL', 'STRING', 'BYTES', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP', 'INTERVAL', 'JSON', 'GEOGRAPHY']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^(?:[+-]?inf|[+-]?Infinity|NaN)$/i;

/**
 * The DuckDB value and type of one typed BigQuery parameter. Like BigQuery, refuses a type name GoogleSQL does not
 * know and a value its type cannot parse (BOOL takes only `true` or `false`), so a store's wrong parameter fails here
 * as it would in the cloud. Types the fake's engine cannot represent are refused as such, never read as text.
 */
export function shimParameter(param: QueryParameter): { value: DuckDBValue; type: DuckDBType } {
  const type: string = param.parameterType?.type;
  const text: unknown = param.parameterValue?.value;
  if (!SCALAR_TYPES.has(type)) throw new Error(`Invalid query parameter type ${JSON.stringify(type)} for parameter ${param.name}`);
  if (typeof text !== 'string') throw new Error(`Query parameter ${param.name} of type ${type} has no value`);
  const invalid = () => new Error(`Invalid ${type} value for query parameter ${param.name}: ${JSON.stringify(text)}`);
  switch (type) {
    case 'TIMESTAMP': {
      const micros = isoToMicros(text);
      if (micros === undefined) throw invalid();
      return { value: timestampValue(micros), type: TIMESTAMP };
    }
    case 'INT64': {
      if (!/^[+-]?\d+$/.test(text)) throw invalid();
      const value = BigInt(text);
      if (value < INT64_MIN || value > INT64_MAX) throw invalid();
      return { value, type: BIGINT };
    }
    case 'FLOAT64':
      if (!FLOAT_TEXT.test(text)) throw invalid();
      return { value: /inf/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text), type: DOUBLE };
    case 'BOOL':
      if (!/^(?:true|false)$/i.test(text)) throw invalid();
      return { value: text.toLowerCase() === 'true', type: BOOLEAN };
    case 'NUMERIC': {
      const scaled = parseNumeric(text);
      if (scaled === undefined) throw invalid();
      return { value: decimalValue(scaled, NUMERIC_PRECISION, NUMERIC_SCALE), type: DECIMAL(NUMERIC_PRECISION, NUMERIC_SCALE) };
    }
    case 'DATE': {
      const days = dateToEpochDays(text);
      if (days === undefined) throw invalid();
      return { value: dateValue(days), type: DATE };
    }
    case 'STRING':
      return { value: text, type: VARCHAR };
    case 'BYTES':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw invalid();
      return { value: blobValue(Buffer.from(text, 'base64')), type: BLOB };
    case 'JSON':
      try {
        JSON.parse(text);
      } catch {
        throw invalid();
      }
      return { value: text, type: VARCHAR };
    default:
      throw new Error(`the fake BigQuery cannot run ${type} parameters (parameter ${param.name})`);
  }
}

/** Options of `duckDbEngine`: how the modelled table is partitioned and how wide its rows count. */
export interface DuckDbEngineOptions {
  /**
   * Partitioning of the table behind the view.
   *
   * @default - DAY partitions on the schema's event time field (the analytics table's default)
   */
  readonly partitioning?: Partitioning;
  /**
   * Each stored byte counts this many times: the cost benchmark stores fewer, narrower rows and scales their
   * widths up, keeping the model's arithmetic exact.
   *
   * @default 1n
   */
  readonly widthScale?: bigint;
}

/**
 * A QueryEngine over the table of a DuckDB store, whose schema gives each result column its BigQuery type as the
 * view's schema would, and which reports what BigQuery would bill for the query (./cost-model.ts). Queries run
 * between the store's writes, one at a time, and the store's close() waits for them.
 */
export function duckDbEngine(store: DuckDbStore, options: DuckDbEngineOptions = {}): QueryEngine {
  const fields = store.schema.toBigQueryFields(true);
  const columns = new Map(fields.map((f) => [f.name, f]));
  const model: CostModel = {
    fields,
    partitioning: options.partitioning ?? { column: store.schema.eventTimeField, granularity: 'DAY' },
    widthScale: options.widthScale ?? 1n,
  };
  return (request: { query: string; queryParameters?: QueryParameter[] }) =>
    store.withReadOnlyConnection(async (connection) => {
      const result = await execute(connection, store.tableName, columns, request);
      return { ...result, cost: await scanCost(connection, store.tableName, model, request) };
    });
}

interface CostModel {
  readonly fields: BigQueryField[];
  readonly partitioning: Partitioning;
  readonly widthScale: bigint;
}

/** What BigQuery would have scanned: per table reference, the columns named over the partitions not pruned. */
async function scanCost(connection: DuckDBConnection, tableName: string, model: CostModel, request: { query: string; queryParameters?: QueryParameter[] }): Promise<ScanCost> {
  const tables = [...new Set([...request.query.matchAll(/`[^`]*\.[^`]*`/g)].map((m) => m[0]))];
  const read = columnsRead(request.query, model.fields);
  const width = read.length > 0 ? read.map((f) => widthExpression(f, quote(f.name))).join(' + ') : '0';
  let bytesProcessed = 0n;
  let tablesReferenced = 0;
  for (const table of tables) {
    for (const bounds of partitionBounds(request.query, table, model.partitioning.column, request.queryParameters ?? [])) {
      tablesReferenced++;
      const where = partitionPredicate(bounds, model.partitioning, quote(model.partitioning.column));
      const reader = await connection.runAndReadAll(`SELECT CAST(coalesce(sum(${width}), 0) AS BIGINT) AS bytes FROM ${quote(tableName)} WHERE ${where.sql}`, where.params);
      bytesProcessed += BigInt(reader.getRows()[0][0] as bigint) * model.widthScale;
    }
  }
  return { bytesProcessed, tablesReferenced };
}

async function execute(
  connection: DuckDBConnection,
  tableName: string,
  columns: Map<string, BigQueryField>,
  request: { query: string; queryParameters?: QueryParameter[] },
): Promise<QueryResult> {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const param of request.queryParameters ?? []) {
    const { value, type } = shimParameter(param);
    values[param.name] = value;
    types[param.name] = type;
  }
  const sql = shimSql(request.query, tableName);
  const hasParams = Object.keys(values).length > 0;
  const reader = hasParams ? await connection.runAndReadAll(sql, values, types) : await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const fields: ResultField[] = names.map((name) => resultField(columns.get(name), name));
  const rows = reader.getRows().map((row) => ({ f: row.map((value, i) => encodeCell(fields[i], value)) }));
  return { fields, rows };
}

/** The result schema entry of a column: the view's column type, or INTEGER for computed ones (SELECT 1). */
function resultField(column: BigQueryField | undefined, name: string): ResultField {
  if (!column) return { name, type: 'INTEGER', mode: 'NULLABLE' };
  return {
    name: column.name,
    type: column.type,
    // Query results report NULLABLE for scalars, as BigQuery does for columns read through a view.
    mode: column.mode === 'REPEATED' ? 'REPEATED' : 'NULLABLE',
    ...(column.fields ? { fields: column.fields.map((f) => resultField(f, f.name)) } : {}),
  };
}

/** One cell in BigQuery's REST encoding: every scalar as text, RECORD as `{ f }`, REPEATED as `[{ v }]`. */
function encodeCell(field: ResultField, value: DuckDBValue): ResultCell {
  if (field.mode === 'REPEATED') {
    const items = value instanceof DuckDBListValue ? value.items : [];
    return { v: items.map((item) => ({ v: encodeScalar(field, item) })) };
  }
  return { v: encodeScalar(field, value) };
}

function encodeScalar(field: ResultField, value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'RECORD': {
      const entries = (value as DuckDBStructValue).entries;
      return { f: (field.fields ?? []).map((f) => encodeCell(f, entries[f.name] ?? null)) };
    }
    case 'TIMESTAMP':
      // formatOptions.useInt64Timestamp: microseconds since the epoch as int64 text.
      return (value as DuckDBTimestampValue).micros.toString();
    case 'DATE':
      return epochDaysToDate((value as DuckDBDateValue).days);
    case 'NUMERIC':
      // BigQuery prints NUMERIC without trailing fraction zeros (12.5, not 12.500000000).
      return (value instanceof DuckDBDecimalValue ? value.toString() : String(value)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    case 'FLOAT':
      return String(value);
    default:
      // INTEGER (bigint), BOOLEAN, STRING and JSON text: BigQuery sends them all as strings.
      return String(value);
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
