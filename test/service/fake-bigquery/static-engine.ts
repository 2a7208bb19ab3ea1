import type { ResultField, ResultRow } from '../../../src/service/store/bigquery-decode';
import type { QueryEngine } from './server';

/** A QueryEngine that answers every query with the same schema and rows (for decoding and paging tests). */
export function staticEngine(fields: ResultField[], rows: ResultRow[]): QueryEngine {
  return async () => ({ fields, rows });
}

/** A row in BigQuery's REST encoding from plain cell values: `row('a', null, ['x'])`. */
export function row(...values: unknown[]): ResultRow {
  return { f: values.map((v) => ({ v: cell(v) })) };
}

function cell(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => ({ v: cell(item) }));
  if (value && typeof value === 'object') return value; // already `{ f: [...] }`
  return value === null ? null : String(value);
}
