import { FieldDefinition, FieldMode, FieldType, RecordSchema } from '../../src/schema';
import * as bigQuerySql from '../../src/service/store/bigquery-sql';
import * as duckDbSql from '../../src/service/store/duckdb-query';
import type { GetQuery, ListQuery, Page, PageCursor, Store, StoredEvent, WireRecord } from '../../src/service/store/store';

/**
 * A Store wrapper for the bad-input properties: it forwards every call to a real store and, before that, checks
 * what the API layer hands it: every value typed as the schema says, and the SQL both query builders make from it
 * independent of the values (the same text as for placeholder values, the values only among the parameters).
 */

/** Where the checks of one query failed: thrown by the wrapper, so the property fails with the query in hand. */
export class StoreInputError extends Error {
  public constructor(message: string, public readonly query: unknown) {
    super(`${message}: ${JSON.stringify(query, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    this.name = 'StoreInputError';
  }
}

const MICROS_PER_DAY = 86_400_000_000n;
const BIGQUERY_TABLE = '`example-project.flights_api.flights`';
const CANONICAL = {
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  numeric: /^-?\d+(?:\.\d*[1-9])?$/,
  int64Text: /^-?\d{16,19}$/,
};

/** Whether a filter, key or tie-breaker value has the wire type of its column (see src/service/typed-values.ts). */
export function isTypedFor(field: FieldDefinition, value: unknown): boolean {
  switch (field.type) {
    case FieldType.STRING:
      return typeof value === 'string';
    case FieldType.INT64:
      return typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && CANONICAL.int64Text.test(value);
    case FieldType.BOOLEAN:
      return typeof value === 'boolean';
    case FieldType.DATE:
      return typeof value === 'string' && CANONICAL.date.test(value);
    case FieldType.TIMESTAMP:
      return typeof value === 'string' && CANONICAL.timestamp.test(value);
    case FieldType.NUMERIC:
      return typeof value === 'string' && CANONICAL.numeric.test(value);
    default:
      return false;
  }
}

/** Whether a published event reached the store in stored form, every field typed as the schema says (see duckdb-values.ts). */
export function isStoredForm(fields: readonly FieldDefinition[], record: Record<string, unknown>): boolean {
  return fields.every((field) => {
    const value = record[field.name];
    if (field.mode === FieldMode.REPEATED) return Array.isArray(value) && value.every((item) => isStoredScalar(field, item));
    if (value === null) return field.mode === FieldMode.NULLABLE;
    return isStoredScalar(field, value);
  });
}

function isStoredScalar(field: FieldDefinition, value: unknown): boolean {
  switch (field.type) {
    case FieldType.STRING:
    case FieldType.NUMERIC:
    case FieldType.JSON:
      return typeof value === 'string';
    case FieldType.INT64:
    case FieldType.TIMESTAMP:
    case FieldType.DATE:
      return Number.isSafeInteger(value);
    case FieldType.FLOAT64:
      return typeof value === 'number';
    case FieldType.BOOLEAN:
      return typeof value === 'boolean';
    case FieldType.RECORD:
      return typeof value === 'object' && value !== null && !Array.isArray(value) && isStoredForm(field.fields ?? [], value as Record<string, unknown>);
    default:
      return false;
  }
}

/** A value of the column's type that appears in no request: the skeleton query binds these. */
function placeholder(field: FieldDefinition): string | number | boolean {
  switch (field.type) {
    case FieldType.INT64:
      return 0;
    case FieldType.BOOLEAN:
      return true;
    case FieldType.DATE:
      return '2000-01-01';
    case FieldType.TIMESTAMP:
      return '2000-01-01T00:00:00.000000Z';
    case FieldType.NUMERIC:
      return '0';
    default:
      return 'x';
  }
}

function placeholderCursor(schema: RecordSchema): PageCursor {
  const key = schema.keyField ? schema.field(schema.keyField)! : undefined;
  return { eventTimeMicros: '0', tieBreaker: key?.type === FieldType.INT64 ? 0 : 'x' };
}

/** Request values (filters, key, cursor) as text, to look for in SQL. */
function requestValues(query: Partial<ListQuery & GetQuery>): string[] {
  const values = [...Object.values(query.filters ?? {}), query.key, query.cursor?.tieBreaker, query.cursor?.eventTimeMicros];
  return values.filter((v) => v !== undefined).map(String);
}

/**
 * The wrapper. `lists` and `gets` record every query received; `checkedQueries` counts the queries whose SQL was
 * compared on both builders.
 */
export class RecordingStore implements Store {
  public readonly lists: ListQuery[] = [];
  public readonly gets: GetQuery[] = [];
  public readonly inserts: StoredEvent[] = [];
  public checkedQueries = 0;

  public constructor(
    private readonly inner: Store,
    private readonly schema: RecordSchema,
    private readonly maxQueryWindowDays: number,
  ) {}

  public async list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    this.lists.push(query);
    this.checkWindow(query);
    const { schema } = this;
    if (!(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= 1000)) throw new StoreInputError('limit out of 1..1000', query);
    this.checkFields(query);
    for (const [name, value] of Object.entries(query.filters)) {
      const field = schema.field(name);
      if (!field || !schema.clusteringFields.includes(name)) throw new StoreInputError(`filter ${name} is not a clustering field`, query);
      if (!isTypedFor(field, value)) throw new StoreInputError(`filter ${name} is not typed as ${field.type}`, query);
    }
    if (query.cursor) this.checkCursor(query.cursor, query);

    const skeleton: ListQuery = {
      fromMicros: 0n,
      toMicros: MICROS_PER_DAY,
      limit: 1,
      fields: query.fields,
      filters: Object.fromEntries(Object.keys(query.filters).map((name) => [name, placeholder(schema.field(name)!)])),
      ...(query.cursor ? { cursor: placeholderCursor(schema) } : {}),
    };
    this.compareSql(query, duckDbSql.buildListQuery(schema, 'records', query), duckDbSql.buildListQuery(schema, 'records', skeleton));
    this.compareSql(query, bigQuerySql.buildListQuery(schema, BIGQUERY_TABLE, query), bigQuerySql.buildListQuery(schema, BIGQUERY_TABLE, skeleton));
    return this.inner.list(query, signal);
  }

  public async get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> {
    this.gets.push(query);
    this.checkWindow(query);
    this.checkFields(query);
    const key = this.schema.field(this.schema.keyField!)!;
    if (!isTypedFor(key, query.key)) throw new StoreInputError(`key is not typed as ${key.type}`, query);
    const skeleton: GetQuery = { fromMicros: 0n, toMicros: MICROS_PER_DAY, fields: query.fields, key: placeholder(key) as string | number };
    this.compareSql(query, duckDbSql.buildGetQuery(this.schema, 'records', query), duckDbSql.buildGetQuery(this.schema, 'records', skeleton));
    this.compareSql(query, bigQuerySql.buildGetQuery(this.schema, BIGQUERY_TABLE, query), bigQuerySql.buildGetQuery(this.schema, BIGQUERY_TABLE, skeleton));
    return this.inner.get(query, signal);
  }

  public async insert(events: readonly StoredEvent[]): Promise<void> {
    this.inserts.push(...events);
    return this.inner.insert?.(events);
  }

  public ping(signal?: AbortSignal): Promise<void> {
    return this.inner.ping(signal);
  }

  public close(): Promise<void> {
    return this.inner.close();
  }

  private checkWindow(query: ListQuery | GetQuery): void {
    if (typeof query.fromMicros !== 'bigint' || typeof query.toMicros !== 'bigint') throw new StoreInputError('window bounds are not bigint microseconds', query);
    if (query.toMicros <= query.fromMicros) throw new StoreInputError('empty window', query);
    if (query.toMicros - query.fromMicros > BigInt(this.maxQueryWindowDays) * MICROS_PER_DAY) throw new StoreInputError('window wider than the maximum', query);
  }

  private checkFields(query: ListQuery | GetQuery): void {
    const names = new Set(this.schema.fieldNames);
    if (!query.fields.every((f) => names.has(f))) throw new StoreInputError('unknown field requested', query);
    if (!query.fields.includes(this.schema.eventTimeField)) throw new StoreInputError('the event time field is missing', query);
  }

  private checkCursor(cursor: PageCursor, query: ListQuery): void {
    if (!/^-?\d{1,19}$/.test(cursor.eventTimeMicros)) throw new StoreInputError('cursor time is not decimal microseconds', query);
    const key = this.schema.keyField ? this.schema.field(this.schema.keyField)! : undefined;
    const ok = key ? isTypedFor(key, cursor.tieBreaker) : typeof cursor.tieBreaker === 'string' || Number.isSafeInteger(cursor.tieBreaker);
    if (!ok) throw new StoreInputError('cursor tie-breaker is not typed as the key', query);
  }

  /** The SQL text must be the placeholder query's, and no request value of 3+ characters may appear in it. */
  private compareSql(query: ListQuery | GetQuery, built: { sql: string }, skeleton: { sql: string }): void {
    if (built.sql !== skeleton.sql) throw new StoreInputError(`SQL text depends on request values:\n${built.sql}\n---\n${skeleton.sql}`, query);
    for (const value of requestValues(query)) {
      if (value.length >= 3 && !skeleton.sql.includes(value) && built.sql.includes(value)) throw new StoreInputError(`SQL text contains ${JSON.stringify(value)}`, query);
    }
    this.checkedQueries++;
  }
}
