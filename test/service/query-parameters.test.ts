import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fc from 'fast-check';
import { flightEvents } from '../../examples/flights/flight-events';
import { encodeCursor } from '../../src/service/cursor';
import { ParameterSpec, getParameters, listParameters } from '../../src/service/query-parameters';
import { readings, tickets } from './store-contract-data';

/**
 * The parameters are stated once (query-parameters.ts): what `parse` accepts, the published JSON Schema must accept
 * too, so a client that follows the document is never refused for a value the document allows, and the other way round
 * for the bounded ones.
 */
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });

/** The value a client would put in the document's terms: numbers and booleans typed, lists split. */
function asDocumentValue(spec: ParameterSpec, text: string): unknown {
  const type = spec.schema.type;
  if (type === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (type === 'array') return text.split(',');
  return text;
}

function agree(spec: ParameterSpec, text: string): [string, boolean, boolean] {
  const parsed = !('error' in spec.parse(text));
  const allowed = ajv.validate(spec.schema, asDocumentValue(spec, text));
  return [text, parsed, allowed];
}

describe('one spec for the list query: validation and the OpenAPI document agree', () => {
  const list = listParameters(flightEvents, 31);

  test('limit: the same range on both sides', () => {
    for (const text of ['0', '1', '100', '1000', '1001', '-1', '12', '999']) {
      const [, parsed, allowed] = agree(list.limit, text);
      expect([text, parsed]).toEqual([text, allowed]);
    }
    fc.assert(fc.property(fc.integer({ min: -5000, max: 5000 }), (n) => {
      const [, parsed, allowed] = agree(list.limit, String(n));
      return parsed === allowed;
    }));
  });

  test('fields: the exposed names on both sides, unknown ones refused by both', () => {
    for (const text of ['event_id', 'event_id,status', 'revenue_eur', 'event_id,nope']) {
      const [, parsed, allowed] = agree(list.fields, text);
      expect([text, parsed]).toEqual([text, allowed]);
    }
  });

  test('cursor: every cursor the service accepts has the published shape', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 253_402_300_799_999_999n }), fc.string({ maxLength: 100 }), (micros, key) => {
      const text = encodeCursor({ eventTimeMicros: String(micros), tieBreaker: key });
      const [, parsed, allowed] = agree(list.cursor, text);
      return !parsed || allowed;
    }));
    expect(agree(list.cursor, 'not a cursor!')).toEqual(['not a cursor!', false, false]);
  });

  test('filters and keys: values parsed for their column are values of the published type', () => {
    const cases: Array<[ParameterSpec, string[]]> = [
      [listParameters(readings, 31).filters.find((f) => f.name === 'level')!, ['12', '-3', '1.5', 'x', '9007199254740991']],
      [listParameters(readings, 31).filters.find((f) => f.name === 'active')!, ['true', 'false', 'yes', '1']],
      [listParameters(readings, 31).filters.find((f) => f.name === 'day')!, ['2024-05-01', '2024-02-30', 'May 1']],
      [listParameters(readings, 31).filters.find((f) => f.name === 'price')!, ['12.5', '-0.25', '1e3', 'abc']],
      [getParameters(tickets, 31)!.key, ['42', '-1', 'abc', '4.2']],
    ];
    for (const [spec, texts] of cases) {
      for (const text of texts) {
        const [, parsed, allowed] = agree(spec, text);
        expect([spec.name, text, parsed]).toEqual([spec.name, text, allowed]);
      }
    }
  });
});
