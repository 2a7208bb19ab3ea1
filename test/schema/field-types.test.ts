import * as avro from 'avsc';
import { FieldType } from '../../src';
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
  ])('fails when a %s parameter is %j', (type, text) => {
    expect(parameterFactsOf(type)!.parse(text)).toBeUndefined();
    expect(parameterFactsOf(type)!.hint).toMatch(/\w/);
  });
});
