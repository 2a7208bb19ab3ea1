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

/** The DuckDB value and type of one typed BigQuery parameter. */
export function shimParameter(param: QueryParameter): { value: DuckDBValue; type: DuckDBType } {
  const text = param.parameterValue.value;
  switch (param.parameterType.type) {
    case 'TIMESTAMP': {
      const micros = isoToMicros(text);
      if (micros === undefined) throw new Error(`Invalid TIMESTAMP parameter ${param.name}: ${text}`);
      return { value: timestampValue(micros), type: TIMESTAMP };
    }
    case 'INT64':
      if (!/^-?\d+$/.test(text)) throw new Error(`Invalid INT64 parameter ${param.name}: ${text}`);
      return { value: BigInt(text), type: BIGINT };
    case 'FLOAT64':
      return { value: Number(text), type: DOUBLE };
    case 'BOOL':
      return { value: text.toLowerCase() === 'true', type: BOOLEAN };
    case 'NUMERIC': {
      const scaled = parseNumeric(text);
      if (scaled === undefined) throw new Error(`Invalid NUMERIC parameter ${param.name}: ${text}`);
      return { value: decimalValue(scaled, NUMERIC_PRECISION, NUMERIC_SCALE), type: DECIMAL(NUMERIC_PRECISION, NUMERIC_SCALE) };
    }
    case 'DATE': {
      const days = dateToEpochDays(text);
      if (days === undefined) throw new Error(`Invalid DATE parameter ${param.name}: ${text}`);
      return { value: dateValue(days), type: DATE };
    }
    default:
      return { value: text, type: VARCHAR };
  }
}

/**
 * A QueryEngine over the table of a DuckDB store, whose schema gives each result column its BigQuery type as the
 * view's schema would. Queries run between the store's writes, one at a time, and the store's close() waits for them.
 */
export function duckDbEngine(store: DuckDbStore): QueryEngine {
  const columns = new Map(store.schema.toBigQueryFields(true).map((f) => [f.name, f]));
  return (request: { query: string; queryParameters?: QueryParameter[] }) =>
    store.withConnection((connection) => execute(connection, store.tableName, columns, request));
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
