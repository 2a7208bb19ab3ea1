import { MalformedResponseError, ResultField, decodeRows } from '../../src/service/store/bigquery-decode';

const field = (type: string, mode = 'NULLABLE', fields?: ResultField[]): ResultField => ({ name: 'v', type, mode, ...(fields ? { fields } : {}) });
const decode = (type: string, v: unknown, mode?: string) => decodeRows([field(type, mode)], [{ f: [{ v }] }])[0].v;

describe('bigquery-decode', () => {
  test.each([
    ['INTEGER', '42', 42],
    ['INT64', '-9007199254740993', '-9007199254740993'],
    ['FLOAT', '1.0E-5', 0.00001],
    ['FLOAT', 'NaN', 'NaN'],
    ['FLOAT64', '-Infinity', '-Infinity'],
    ['NUMERIC', '12.50', '12.5'],
    ['NUMERIC', '-0.000000001', '-0.000000001'],
    ['NUMERIC', '100', '100'],
    ['BOOLEAN', 'false', false],
    ['BOOL', 'true', true],
    ['TIMESTAMP', '1714557600123456', '2024-05-01T10:00:00.123456Z'],
    ['TIMESTAMP', '-1', '1969-12-31T23:59:59.999999Z'],
    ['TIMESTAMP', '1.714557600123456E9', '2024-05-01T10:00:00.123456Z'],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['JSON', '{"a":[1,null]}', { a: [1, null] }],
    ['STRING', '', ''],
  ])('%s %j', (type, v, expected) => {
    expect(decode(type, v)).toEqual(expected);
  });

  test('nulls stay null, a null REPEATED is an empty array', () => {
    expect(decode('STRING', null)).toBeNull();
    expect(decode('STRING', null, 'REPEATED')).toEqual([]);
    expect(decode('INTEGER', [{ v: '1' }, { v: '9007199254740993' }], 'REPEATED')).toEqual([1, '9007199254740993']);
  });

  test('nested and repeated records', () => {
    const schema = [field('RECORD', 'REPEATED', [field('INTEGER'), { name: 'w', type: 'STRING', mode: 'NULLABLE' }])];
    const rows = [{ f: [{ v: [{ v: { f: [{ v: '1' }, { v: null }] } }] }] }];
    expect(decodeRows(schema, rows)).toEqual([{ v: [{ v: 1, w: null }] }]);
  });

  test.each([
    ['INTEGER', '1.5'],
    ['NUMERIC', '1e5'],
    ['TIMESTAMP', 'yesterday'],
    ['JSON', '{'],
    ['FLOAT', 'fast'],
    ['STRING', 42],
  ])('fails when a %s cell is %j', (type, v) => {
    expect(() => decode(type, v)).toThrow(MalformedResponseError);
  });

  test('fails when a row has the wrong number of cells', () => {
    expect(() => decodeRows([field('STRING')], [{ f: [] }])).toThrow(/row 0 has 0 cells for 1 columns/);
  });
});
