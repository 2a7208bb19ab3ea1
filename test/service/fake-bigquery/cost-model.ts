import type { BigQueryField } from '../../../src/schema';
import type { QueryParameter } from '../../../src/service/store/bigquery-sql';
import { isoToMicros } from '../../../src/schema/wire';

/**
 * BigQuery's on-demand cost of a query, computed from the rows the fake engine actually holds:
 * rows of the partitions the filter on the partitioning column cannot exclude, times the logical widths of the
 * columns the query names, per table reference; then BigQuery's billing rounding.
 *
 * Sources, as documented by Google:
 * - Data size per type (https://cloud.google.com/bigquery/docs/storage_overview#data_size_calculation):
 *   INT64, FLOAT64, DATE, DATETIME, TIME, TIMESTAMP 8; NUMERIC 16; BIGNUMERIC 32; BOOL 1; STRING and BYTES 2 plus
 *   their UTF-8 / raw length; JSON its UTF-8 text length; GEOGRAPHY 16 + 24 per vertex (modelled as 16 + text
 *   length); INTERVAL 16; STRUCT the sum of its fields; ARRAY the sum of its elements; NULL 0.
 * - On-demand billing (https://cloud.google.com/bigquery/pricing#on_demand_pricing): bytes are rounded up to the
 *   nearest MB, with a minimum of 10 MB per table referenced and per query; queries that fail bill nothing.
 * - Pruning (https://cloud.google.com/bigquery/docs/querying-partitioned-tables): only a filter on the
 *   partitioning column that compares it with constants (or parameters) skips partitions. Clustering gets no
 *   credit here: BigQuery does not state the bytes of a clustered block before the query runs.
 */

/** How the table behind the view is partitioned (the analytics table's `timePartitioning`). */
export interface Partitioning {
  /** The TIMESTAMP column the table is partitioned on. */
  readonly column: string;
  /** DAY or HOUR. */
  readonly granularity: 'DAY' | 'HOUR';
}

/** What the engine scanned for one query, before rounding. */
export interface ScanCost {
  /** Logical bytes of the columns read over the rows of the partitions not pruned (BigQuery's totalBytesProcessed). */
  readonly bytesProcessed: bigint;
  /** Table references in the statement; each bills at least 10 MB. */
  readonly tablesReferenced: number;
}

/** One megabyte as BigQuery bills it (2^20 bytes). */
export const MB = 1n << 20n;
/** Minimum bytes billed per table referenced and per query. */
export const MIN_BILLED_PER_TABLE = 10n * MB;

/** `totalBytesBilled` for a scan: each table reference rounded up to the MB, at least 10 MB each; nothing without a table. */
export function bytesBilled(cost: ScanCost): bigint {
  if (cost.tablesReferenced === 0) return 0n;
  const rounded = ((cost.bytesProcessed + MB - 1n) / MB) * MB;
  const minimum = MIN_BILLED_PER_TABLE * BigInt(cost.tablesReferenced);
  return rounded > minimum ? rounded : minimum;
}

/** The error message BigQuery gives when `maximumBytesBilled` is below what the query would bill. */
export function bytesBilledLimitMessage(limit: bigint, billed: bigint): string {
  return `Query exceeded limit for bytes billed: ${limit}. ${billed} or higher required.`;
}

/** A time bound on the partitioning column found in a WHERE clause. */
interface Bound {
  readonly op: '>=' | '>' | '<' | '<=' | '=';
  readonly micros: bigint;
}

/**
 * The bounds on the partitioning column in the WHERE clause following each reference to `table` in `sql`:
 * top-level `AND` conjuncts of the form `column op @param` (or `@param op column`). Any other shape (an OR, a
 * function of the column) prunes nothing, as in BigQuery. One entry per table reference.
 */
export function partitionBounds(sql: string, table: string, column: string, params: readonly QueryParameter[]): Bound[][] {
  const micros = new Map(params.filter((p) => p.parameterType.type === 'TIMESTAMP').map((p) => [p.name, isoToMicros(p.parameterValue.value)]));
  const references: Bound[][] = [];
  let at = sql.indexOf(table);
  while (at >= 0) {
    const after = sql.slice(at + table.length);
    const where = /^\s*(?:AS\s+\w+\s+|\w+\s+)?WHERE\s/i.exec(after);
    references.push(where ? boundsOf(whereClause(after.slice(where[0].length)), column, micros) : []);
    at = sql.indexOf(table, at + table.length);
  }
  return references;
}

/** The text of a WHERE clause up to the keyword or closing parenthesis that ends it. */
function whereClause(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return text.slice(0, i);
      depth--;
    } else if (depth === 0 && /^\s(QUALIFY|GROUP\s+BY|ORDER\s+BY|LIMIT|WINDOW|HAVING|UNION)\b/i.test(text.slice(i))) {
      return text.slice(0, i);
    }
  }
  return text;
}

function boundsOf(clause: string, column: string, micros: Map<string, bigint | undefined>): Bound[] {
  const bounds: Bound[] = [];
  const col = `\`${column}\``;
  for (const conjunct of splitTopLevelAnd(clause)) {
    const term = conjunct.trim();
    const direct = new RegExp(`^${escape(col)}\\s*(>=|<=|>|<|=)\\s*@(\\w+)$`).exec(term);
    const reversed = new RegExp(`^@(\\w+)\\s*(>=|<=|>|<|=)\\s*${escape(col)}$`).exec(term);
    if (direct) {
      const value = micros.get(direct[2]);
      if (value !== undefined) bounds.push({ op: direct[1] as Bound['op'], micros: value });
    } else if (reversed) {
      const value = micros.get(reversed[1]);
      const flipped = { '>=': '<=', '<=': '>=', '>': '<', '<': '>', '=': '=' } as const;
      if (value !== undefined) bounds.push({ op: flipped[reversed[2] as Bound['op']], micros: value });
    }
  }
  return bounds;
}

function splitTopLevelAnd(clause: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < clause.length; i++) {
    if (clause[i] === '(') depth++;
    else if (clause[i] === ')') depth--;
    else if (depth === 0 && /^\sAND\s/i.test(clause.slice(i, i + 5))) {
      parts.push(clause.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(clause.slice(start));
  return parts;
}

/**
 * DuckDB SQL keeping the rows of the partitions the bounds cannot exclude: a partition `[p, p + g)` is read unless
 * every value it can hold fails a bound. Rows with a NULL partitioning value sit in the `__NULL__` partition, which
 * any bound excludes.
 */
export function partitionPredicate(bounds: readonly Bound[], partitioning: Partitioning, quotedColumn: string): { sql: string; params: bigint[] } {
  if (bounds.length === 0) return { sql: 'TRUE', params: [] };
  const unit = partitioning.granularity === 'HOUR' ? 'hour' : 'day';
  const start = `epoch_us(date_trunc('${unit}', ${quotedColumn}))`;
  const width = partitioning.granularity === 'HOUR' ? 3_600_000_000n : 86_400_000_000n;
  const last = `(${start} + ${width - 1n})`;
  const terms: string[] = [];
  const params: bigint[] = [];
  for (const bound of bounds) {
    params.push(bound.micros);
    const p = `?`;
    // The partition survives when some instant in it satisfies the bound.
    if (bound.op === '>=') terms.push(`${last} >= ${p}`);
    else if (bound.op === '>') terms.push(`${last} > ${p}`);
    else if (bound.op === '<') terms.push(`${start} < ${p}`);
    else if (bound.op === '<=') terms.push(`${start} <= ${p}`);
    else {
      terms.push(`${start} <= ${p} AND ${last} >= ?`);
      params.push(bound.micros);
    }
  }
  return { sql: `${quotedColumn} IS NOT NULL AND ${terms.join(' AND ')}`, params };
}

/** The DuckDB expression of the logical bytes one column holds in a row, per BigQuery's data size rules. */
export function widthExpression(field: BigQueryField, value: string, depth = 0): string {
  if (field.mode === 'REPEATED') {
    const item = `__x${depth}`;
    return `coalesce(list_sum(list_transform(${value}, ${item} -> ${widthExpression({ ...field, mode: 'NULLABLE' }, item, depth + 1)})), 0)`;
  }
  const scalar = (bytes: string) => `(CASE WHEN ${value} IS NULL THEN 0 ELSE ${bytes} END)`;
  switch (field.type) {
    case 'RECORD':
    case 'STRUCT': {
      const parts = (field.fields ?? []).map((f) => widthExpression(f, `${value}."${f.name.replace(/"/g, '""')}"`, depth));
      return parts.length > 0 ? `(${parts.join(' + ')})` : '0';
    }
    case 'STRING':
      return scalar(`2 + strlen(${value})`);
    case 'BYTES':
      return scalar(`2 + octet_length(${value})`);
    case 'JSON':
      return scalar(`strlen(CAST(${value} AS VARCHAR))`);
    case 'GEOGRAPHY':
      return scalar(`16 + strlen(CAST(${value} AS VARCHAR))`);
    case 'BOOLEAN':
    case 'BOOL':
      return scalar('1');
    case 'NUMERIC':
    case 'INTERVAL':
      return scalar('16');
    case 'BIGNUMERIC':
      return scalar('32');
    case 'INTEGER':
    case 'INT64':
    case 'FLOAT':
    case 'FLOAT64':
    case 'TIMESTAMP':
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
      return scalar('8');
    default:
      throw new Error(`no BigQuery data size known for type ${field.type} of ${field.name}`);
  }
}

/** Columns of the table named (backtick-quoted) anywhere in the statement: what BigQuery's columnar scan reads. */
export function columnsRead(sql: string, columns: readonly BigQueryField[]): BigQueryField[] {
  const named = new Set([...sql.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]));
  return columns.filter((c) => named.has(c.name));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
