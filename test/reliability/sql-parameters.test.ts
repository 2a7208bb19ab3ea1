import * as fc from 'fast-check';
import { FieldType, RecordSchema } from '../../src/schema';
import * as bigQuerySql from '../../src/service/store/bigquery-sql';
import * as duckDbSql from '../../src/service/store/duckdb-query';
import type { GetQuery, ListQuery } from '../../src/service/store/store';
import { flightEvents, readings, tickets } from '../service/store-contract-data';

/**
 * Values only as parameters, at the SQL level: both query builders, given generated values of every column type
 * (any unicode, quotes, NUL, comment markers, placeholders of either dialect), write the same SQL text as for
 * placeholder values, never the value itself, and carry the value among the parameters. 1,000 cases, fixed seed.
 */

const SEED = 20_261_128;
const RUNS = 1000;
const BIGQUERY_TABLE = '`example-project.flights_api.flights`';

const injection = fc.constantFrom("'; DROP TABLE records; --", '"; DROP TABLE records; --', '`', '\\', '$1', '$from', '@from_time', '/*', '--', '\u0000', "''", 'x\' OR \'1\'=\'1');
const anyText = fc.oneof(injection, fc.string({ unit: 'binary', minLength: 3 }), fc.tuple(fc.string(), injection, fc.string()).map((p) => p.join('')));

/** A generated value of a clustering or key column in wire form, with the placeholder of its type. */
function valueOf(type: FieldType): { arbitrary: fc.Arbitrary<string | number | boolean>; placeholder: string | number | boolean } {
  switch (type) {
    case FieldType.INT64:
      return { arbitrary: fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) }).map(String)), placeholder: 0 };
    case FieldType.BOOLEAN:
      return { arbitrary: fc.boolean(), placeholder: true };
    case FieldType.DATE:
      return { arbitrary: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), placeholder: '2000-01-01' };
    case FieldType.TIMESTAMP:
      return { arbitrary: fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }).map((m) => `${new Date(Number(m / 1000n)).toISOString().slice(0, 19)}.${String(((m % 1_000_000n) + 1_000_000n) % 1_000_000n).padStart(6, '0')}Z`), placeholder: '2000-01-01T00:00:00.000000Z' };
    case FieldType.NUMERIC:
      return { arbitrary: fc.tuple(fc.bigInt({ min: -(10n ** 29n) + 1n, max: 10n ** 29n - 1n }), fc.integer({ min: 0, max: 999_999_999 })).map(([w, f]) => `${w}.${String(f).padStart(9, '0')}`.replace(/\.?0+$/, '')), placeholder: '0' };
    default:
      return { arbitrary: anyText, placeholder: 'x' };
  }
}

function listQueries(schema: RecordSchema) {
  const key = schema.keyField ? schema.field(schema.keyField)! : undefined;
  const tieBreaker = key ? valueOf(key.type) : valueOf(FieldType.STRING);
  const filters = fc.record(Object.fromEntries(schema.clusteringFields.map((name) => [name, valueOf(schema.field(name)!.type).arbitrary])), { requiredKeys: [] });
  return fc.record({
    fromMicros: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
    width: fc.bigInt({ min: 1n, max: 31n * 86_400_000_000n }),
    limit: fc.integer({ min: 1, max: 1000 }),
    fields: fc.subarray(schema.fieldNames, { minLength: 1 }),
    filters,
    cursor: fc.option(fc.record({ eventTimeMicros: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map(String), tieBreaker: tieBreaker.arbitrary })),
  });
}

/** Same SQL as the placeholder query, no value in it; each value among the parameters (BigQuery sends all as text, DuckDB binds strings as is). */
function expectOnlyParameters(values: Array<string | number | boolean>, built: { sql: string }, skeleton: { sql: string }, paramValues: unknown[]): void {
  expect(built.sql).toBe(skeleton.sql);
  for (const value of values) {
    const text = String(value);
    if (text.length >= 3 && !skeleton.sql.includes(text)) expect(built.sql).not.toContain(text);
  }
  for (const value of values) if (typeof value === 'string') expect(paramValues).toContain(value);
}

const bigQueryValues = (built: bigQuerySql.BuiltQuery) => built.params.map((p) => p.parameterValue.value);
const duckDbStrings = (built: duckDbSql.BoundQuery) => Object.values(built.params).filter((v) => typeof v === 'string');

describe('both SQL builders take request values only as parameters (property)', () => {
  for (const schema of [flightEvents, tickets, readings]) {
    test(`list queries on ${schema.name} (${RUNS / 4} cases)`, () => {
      fc.assert(
        fc.property(listQueries(schema), (q) => {
          const fields = [...new Set([...q.fields, schema.eventTimeField])];
          const query: ListQuery = {
            fromMicros: q.fromMicros,
            toMicros: q.fromMicros + q.width,
            limit: q.limit,
            fields,
            filters: q.filters as Record<string, string | number | boolean>,
            ...(q.cursor ? { cursor: q.cursor as ListQuery['cursor'] } : {}),
          };
          const key = schema.keyField ? schema.field(schema.keyField)! : undefined;
          const skeleton: ListQuery = {
            fromMicros: 0n,
            toMicros: 1n,
            limit: 1,
            fields,
            filters: Object.fromEntries(Object.keys(query.filters).map((name) => [name, valueOf(schema.field(name)!.type).placeholder])),
            ...(q.cursor ? { cursor: { eventTimeMicros: '0', tieBreaker: valueOf(key?.type ?? FieldType.STRING).placeholder as string | number } } : {}),
          };
          const values = [...Object.values(query.filters), ...(query.cursor ? [query.cursor.tieBreaker] : [])];
          const stringValues = [
            ...Object.entries(query.filters).filter(([name]) => schema.field(name)!.type === FieldType.STRING).map(([, v]) => v),
            ...(query.cursor && key?.type !== FieldType.INT64 ? [query.cursor.tieBreaker] : []),
          ];
          const duck = duckDbSql.buildListQuery(schema, 'records', query);
          expectOnlyParameters(stringValues, duck, duckDbSql.buildListQuery(schema, 'records', skeleton), duckDbStrings(duck));
          const big = bigQuerySql.buildListQuery(schema, BIGQUERY_TABLE, query);
          expectOnlyParameters(values, big, bigQuerySql.buildListQuery(schema, BIGQUERY_TABLE, skeleton), bigQueryValues(big));
        }),
        { seed: SEED, numRuns: RUNS / 4 },
      );
    });
  }

  test(`key lookups on STRING and INT64 keys (${RUNS / 4} cases)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(flightEvents, tickets).chain((schema) => fc.tuple(fc.constant(schema), valueOf(schema.field(schema.keyField!)!.type).arbitrary)),
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.subarray(flightEvents.fieldNames, { minLength: 1 }),
        ([schema, generatedKey], fromMicros, names) => {
        const keyType = schema.field(schema.keyField!)!.type;
        const key = generatedKey as string | number;
        const fields = [...new Set([...names.filter((n) => schema.field(n)), schema.eventTimeField])];
        const query: GetQuery = { key, fromMicros, toMicros: fromMicros + 1n, fields };
        const skeleton: GetQuery = { key: valueOf(keyType).placeholder as string | number, fromMicros: 0n, toMicros: 1n, fields };
        const duck = duckDbSql.buildGetQuery(schema, 'records', query);
        expectOnlyParameters(keyType === FieldType.STRING ? [key] : [], duck, duckDbSql.buildGetQuery(schema, 'records', skeleton), duckDbStrings(duck));
        const big = bigQuerySql.buildGetQuery(schema, BIGQUERY_TABLE, query);
        expectOnlyParameters([key], big, bigQuerySql.buildGetQuery(schema, BIGQUERY_TABLE, skeleton), bigQueryValues(big));
        },
      ),
      { seed: SEED, numRuns: RUNS / 4 },
    );
  });
});
