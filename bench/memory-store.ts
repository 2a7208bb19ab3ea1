import type { GetQuery, ListQuery, Page, Store, WireRecord } from '../src/service/store/store';

/** One stored row: its event time and key (the sort order) and its record in wire form. */
export interface MemoryRow {
  readonly eventTimeMicros: bigint;
  readonly key: string;
  readonly record: WireRecord;
}

/**
 * A bench-only store over an array sorted newest first: windows and cursors by binary search, no filters. It
 * answers in microseconds, so a benchmark over it measures the HTTP request path rather than the database.
 */
export class MemoryStore implements Store {
  public constructor(private readonly rows: readonly MemoryRow[]) {}

  public async list(query: ListQuery): Promise<Page> {
    const upper = query.cursor ? BigInt(query.cursor.eventTimeMicros) : query.toMicros;
    let i = this.firstBelow(upper, !query.cursor);
    if (query.cursor) while (i < this.rows.length && this.rows[i].eventTimeMicros === upper && this.rows[i].key >= String(query.cursor.tieBreaker)) i++;
    const page: MemoryRow[] = [];
    for (; i < this.rows.length && page.length <= query.limit && this.rows[i].eventTimeMicros >= query.fromMicros; i++) page.push(this.rows[i]);
    const records = page.slice(0, query.limit).map((row) => project(row.record, query.fields));
    const last = page.length > query.limit ? page[query.limit - 1] : undefined;
    return { records, ...(last ? { nextCursor: { eventTimeMicros: last.eventTimeMicros.toString(), tieBreaker: last.key } } : {}) };
  }

  public async get(query: GetQuery): Promise<WireRecord | undefined> {
    const row = this.rows.find((r) => r.key === String(query.key) && r.eventTimeMicros >= query.fromMicros && r.eventTimeMicros < query.toMicros);
    return row ? project(row.record, query.fields) : undefined;
  }

  public async ping(): Promise<void> {}

  public async close(): Promise<void> {}

  /** Index of the first row older than `micros` (`exclusiveUpper`, a window's `to`) or not newer (a cursor's time). */
  private firstBelow(micros: bigint, exclusiveUpper: boolean): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.rows[mid].eventTimeMicros;
      if (exclusiveUpper ? t >= micros : t > micros) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function project(record: WireRecord, fields: readonly string[]): WireRecord {
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}
