import * as fc from 'fast-check';
import { flightEvents } from '../../examples/flights/flight-events';
import { Field } from '../../src/schema';
import { buildListQuery, parameter, parameterTypeOf, quoteIdentifier, tableReference } from '../../src/service/store/bigquery-sql';
import { shimParameter, shimSql } from './fake-bigquery/duckdb-engine';
import { readings } from './store-contract-data';

const TABLE = tableReference('my-project', 'analytics_api', 'flight_events_view');

describe('bigquery-sql', () => {
  test('quotes schema identifiers and refuses anything else', () => {
    expect(quoteIdentifier('event_time')).toBe('`event_time`');
    expect(() => quoteIdentifier('a`b')).toThrow(/not a column name/);
    expect(() => quoteIdentifier('x; DROP TABLE y')).toThrow(/not a column name/);
  });

  test('table references follow BigQuery naming, domain-scoped projects included', () => {
    expect(TABLE).toBe('`my-project.analytics_api.flight_events_view`');
    expect(tableReference('example.com:my-project', 'd', 'v')).toBe('`example.com:my-project.d.v`');
    expect(() => tableReference('My Project', 'd', 'v')).toThrow(/invalid BigQuery project id/);
    expect(() => tableReference('my-project', 'd-1', 'v')).toThrow(/invalid BigQuery dataset id/);
  });

  test('parameter types follow the column type; JSON and REPEATED columns are never parameters', () => {
    expect(parameterTypeOf(Field.boolean('b'))).toBe('BOOL');
    expect(parameterTypeOf(Field.numeric('n'))).toBe('NUMERIC');
    expect(parameterTypeOf(Field.date('d'))).toBe('DATE');
    expect(() => parameterTypeOf(Field.json('j'))).toThrow(/cannot be a query parameter/);
    expect(() => buildListQuery(flightEvents, TABLE, { fromMicros: 0n, toMicros: 1n, limit: 1, fields: ['event_time'], filters: { delay_reasons: 'WX' } })).toThrow(
      /not a column/,
    );
  });

  test('TIMESTAMP parameters are ISO 8601 UTC with microseconds, from microseconds or ISO text', () => {
    expect(parameter('t', 'TIMESTAMP', 1_714_557_600_123_456n).parameterValue.value).toBe('2024-05-01T10:00:00.123456Z');
    expect(parameter('t', 'TIMESTAMP', '2024-05-01T12:00:00.5+02:00').parameterValue.value).toBe('2024-05-01T10:00:00.500000Z');
    expect(parameter('t', 'TIMESTAMP', '-1').parameterValue.value).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => parameter('t', 'TIMESTAMP', 'yesterday')).toThrow(/not a TIMESTAMP/);
  });

  test('the SQL text never depends on request values (property)', () => {
    const base = { fromMicros: 0n, toMicros: 1n, limit: 10, fields: ['event_id', 'event_time'] };
    const reference = buildListQuery(flightEvents, TABLE, { ...base, filters: { airline: 'AF' }, cursor: { eventTimeMicros: '0', tieBreaker: 'k' } }).sql;
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), fc.integer({ min: 1, max: 1000 }), (airline, key, micros, limit) => {
        const built = buildListQuery(flightEvents, TABLE, { ...base, limit, filters: { airline }, cursor: { eventTimeMicros: String(micros), tieBreaker: key } });
        expect(built.sql).toBe(reference);
        expect(built.params.find((p) => p.name === 'filter_0')?.parameterValue.value).toBe(airline);
      }),
      { numRuns: 300 },
    );
  });

  test('selects the requested fields in schema order plus the event time and tie-breaker', () => {
    const { sql } = buildListQuery(readings, '`p-12345.d.v`', { fromMicros: 0n, toMicros: 1n, limit: 1, fields: ['price', 'sensor'], filters: {} });
    expect(sql.split('\n')[0]).toBe('SELECT `sensor`, `price`, `event_time`, `message_id`');
  });
});

describe('the fake server dialect shim (syntax only)', () => {
  test('swaps quoting, parameter markers and the table name, and nothing else', () => {
    const { sql } = buildListQuery(flightEvents, TABLE, {
      fromMicros: 0n,
      toMicros: 1n,
      limit: 1,
      fields: ['event_id', 'event_time'],
      filters: { airline: 'AF' },
      cursor: { eventTimeMicros: '0', tieBreaker: 'x' },
    });
    const shimmed = shimSql(sql, 'records');
    expect(shimmed).toBe(
      sql
        .replace(TABLE, '"records"')
        .replace(/`/g, '"')
        .replace(/@/g, '$'),
    );
    expect(shimmed).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY "event_id", "event_time" ORDER BY "publish_time" DESC, "message_id" DESC) = 1');
  });

  test('binds parameters with their declared types', () => {
    expect(shimParameter({ name: 'n', parameterType: { type: 'INT64' }, parameterValue: { value: '9007199254740993' } }).value).toBe(9007199254740993n);
    expect(shimParameter({ name: 'b', parameterType: { type: 'BOOL' }, parameterValue: { value: 'false' } }).value).toBe(false);
    expect(String(shimParameter({ name: 'd', parameterType: { type: 'NUMERIC' }, parameterValue: { value: '-3.5' } }).value)).toMatch(/^-3\.50*$/);
    expect(() => shimParameter({ name: 't', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: 'nope' } })).toThrow(/Invalid TIMESTAMP/);
  });
});
