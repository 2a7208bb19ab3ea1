import { DuckDBBlobValue, DuckDBConnection, DuckDBTimestampValue, DuckDBType, DuckDBValue, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { ResultField } from '../../../src/service/store/bigquery-decode';
import { shimParameter } from '../fake-bigquery/duckdb-engine';
import type { QueryEngine } from '../fake-bigquery/server';

/** BigQuery types of the columns the replay reads: the dead-letter table's and the ledger's. */
const COLUMN_TYPES: Record<string, string> = {
  data: 'BYTES',
  message_id: 'STRING',
  publish_time: 'TIMESTAMP',
  attributes: 'JSON',
  replay_id: 'STRING',
};

/**
 * A QueryEngine over a DuckDB database holding the dead-letter table (and the ledger the replay creates), for the
 * fake BigQuery server. The shim is syntax only: `project.dataset.table` to `table`, `@p` to `$p`, and an ARRAY
 * parameter's `IN UNNEST(@p)` to DuckDB's `IN (SELECT unnest($p))`.
 */
export function deadLetterEngine(connection: DuckDBConnection): QueryEngine {
  return async (request) => {
    const values: Record<string, DuckDBValue> = {};
    const types: Record<string, DuckDBType> = {};
    for (const param of request.queryParameters ?? []) {
      const array = (param.parameterValue as { arrayValues?: Array<{ value: string }> }).arrayValues;
      if ((param.parameterType.type as string) === 'ARRAY') {
        values[param.name] = listValue((array ?? []).map((v) => v.value));
        types[param.name] = LIST(VARCHAR);
      } else {
        const { value, type } = shimParameter(param);
        values[param.name] = value;
        types[param.name] = type;
      }
    }
    const sql = request.query
      .replace(/`[^`]*\.([^`.]+)`/g, '"$1"')
      .replace(/IN UNNEST\(@([A-Za-z_]\w*)\)/g, 'IN (SELECT unnest($$$1))')
      .replace(/@([A-Za-z_]\w*)/g, '$$$1');
    const reader = Object.keys(values).length > 0 ? await connection.runAndReadAll(sql, values, types) : await connection.runAndReadAll(sql);
    const names = /^\s*SELECT/i.test(sql) ? reader.columnNames() : [];
    const fields: ResultField[] = names.map((name) => ({ name, type: COLUMN_TYPES[name] ?? 'STRING', mode: 'NULLABLE' }));
    const rows = names.length === 0 ? [] : reader.getRows().map((row) => ({ f: row.map((value, i) => ({ v: encode(fields[i].type, value) })) }));
    return { fields, rows };
  };
}

function encode(type: string, value: DuckDBValue): unknown {
  if (value === null) return null;
  if (type === 'BYTES') return Buffer.from((value as DuckDBBlobValue).bytes).toString('base64');
  if (type === 'TIMESTAMP') return (value as DuckDBTimestampValue).micros.toString();
  return String(value);
}
