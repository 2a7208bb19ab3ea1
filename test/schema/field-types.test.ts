import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as avro from 'avsc';
import { Field, FieldType } from '../../src';
import { FIELD_TYPES, ScalarFieldType, parameterFactsOf } from '../../src/schema/field-types';

const SCALAR_TYPES = Object.values(FieldType).filter((t): t is ScalarFieldType => t !== FieldType.RECORD);

/**
 * The Avro types a BigQuery subscription writes into each BigQuery column type ("Schema compatibility",
 * https://cloud.google.com/pubsub/docs/bigquery): primitives by name, logical types as `type/logicalType`.
 */
const SUBSCRIPTION_WRITES: Record<string, string[]> = {
  STRING: ['string'],
  INTEGER: ['int', 'long'],
  FLOAT: ['float', 'double'],
  NUMERIC: ['int', 'long', 'float', 'double', 'bytes', 'string', 'fixed', 'bytes/decimal'],
  BOOLEAN: ['boolean'],
  TIMESTAMP: ['string', 'long/timestamp-micros'],
  DATE: ['string', 'int/date'],
  JSON: ['string'],
  BYTES: ['bytes', 'fixed'],
  TIME: ['string', 'long/time-micros'],
  DATETIME: ['string'],
  BIGNUMERIC: ['int', 'long', 'float', 'double', 'bytes', 'string', 'fixed', 'bytes/decimal'],
};

function avroSpelling(type: ScalarFieldType): string {
  const a = FIELD_TYPES[type].avro;
  return typeof a === 'string' ? a : `${a.type}/${a.logicalType}`;
}

describe('FIELD_TYPES', () => {
  test.each(SCALAR_TYPES)('%s: the Avro branch name is the one avsc gives a nullable value', (type) => {
    const union = avro.Type.forSchema(['null', FIELD_TYPES[type].avro] as avro.Schema, { wrapUnions: true }) as avro.types.WrappedUnionType;
    expect(union.types[1].branchName).toBe(FIELD_TYPES[type].avroBranch);
  });

  test.each(SCALAR_TYPES)('%s: a BigQuery subscription writes its Avro type into its BigQuery column', (type) => {
    expect(SUBSCRIPTION_WRITES[FIELD_TYPES[type].bigQueryType]).toContain(avroSpelling(type));
  });

  test('every type the API filters or looks up by can be parsed from a URL and bound as a BigQuery parameter', () => {
    for (const type of SCALAR_TYPES) {
      const facts = FIELD_TYPES[type];
      if (facts.clusterable || facts.keyable) {
        expect({ type, parameter: facts.parameter !== undefined, bound: facts.bigQueryParameterType !== undefined }).toEqual({ type, parameter: true, bound: true });
      }
      if (facts.keyable) expect({ type, clusterable: facts.clusterable }).toEqual({ type, clusterable: true });
    }
    expect(parameterFactsOf(FieldType.RECORD)).toBeUndefined();
  });

  test.each([
    [FieldType.STRING, 'LH-400', 'LH-400'],
    [FieldType.INT64, '9007199254740993', '9007199254740993'],
    [FieldType.INT64, '-42', -42],
    [FieldType.NUMERIC, '+012.500', '12.5'],
    [FieldType.BOOLEAN, 'false', false],
    [FieldType.TIMESTAMP, '2024-05-01T12:00:00.5+02:00', '2024-05-01T10:00:00.500000Z'],
    [FieldType.DATE, '2024-02-29', '2024-02-29'],
    [FieldType.DATETIME, '2024-5-1 10:00:00.5', '2024-05-01T10:00:00.500000'],
    [FieldType.DATETIME, '0001-01-01', '0001-01-01T00:00:00.000000'],
    [FieldType.BIGNUMERIC, '-00.100000000000000000000000000000000000001', '-0.1'],
    [FieldType.BIGNUMERIC, '0.000000000000000000000000000000000000005', '0.00000000000000000000000000000000000001'],
    [FieldType.BIGNUMERIC, '578960446186580977117854925043439539266.34992332820282019728792003956564819967', '578960446186580977117854925043439539266.34992332820282019728792003956564819967'],
  ])('%s parameter %j reads as the wire value %j, which reads as itself', (type, text, wire) => {
    const parse = parameterFactsOf(type)!.parse;
    expect(parse(text)).toEqual(wire);
    expect(parse(String(wire))).toEqual(wire);
  });

  test.each([
    [FieldType.INT64, '9223372036854775808'],
    [FieldType.INT64, '1.5'],
    [FieldType.NUMERIC, '1e3'],
    [FieldType.BOOLEAN, 'yes'],
    [FieldType.TIMESTAMP, '2024-05-01T10:00:00'],
    [FieldType.DATE, '2023-02-29'],
    [FieldType.DATETIME, '2024-05-01T24:00:00'],
    [FieldType.DATETIME, '2024-05-01T10:00:00Z'],
    [FieldType.BIGNUMERIC, '578960446186580977117854925043439539266.34992332820282019728792003956564819968'],
    [FieldType.BIGNUMERIC, '1e3'],
  ])('fails when a %s parameter is %j', (type, text) => {
    expect(parameterFactsOf(type)!.parse(text)).toBeUndefined();
    expect(parameterFactsOf(type)!.hint).toMatch(/\w/);
  });

  test("the README's field type table says what the table says, one row per type with its factory", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `([A-Z0-9]+)` \(`(\w+)`\) \| (\w+) \|.*\| (yes|no) \/ (yes|no) \|$/gm)].map((m) => [m[1], m.slice(2)]));
    expect([...rows.keys()].sort()).toEqual(Object.values(FieldType).sort());
    for (const type of SCALAR_TYPES) {
      const facts = FIELD_TYPES[type];
      const [factory, bigQueryType, key, cluster] = rows.get(type)!;
      expect({ type, factory: typeof (Field as unknown as Record<string, unknown>)[factory], bigQueryType, key, cluster })
        .toEqual({ type, factory: 'function', bigQueryType: facts.bigQueryType, key: facts.keyable ? 'yes' : 'no', cluster: facts.clusterable ? 'yes' : 'no' });
    }
  });
});
