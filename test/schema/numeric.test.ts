import fc from 'fast-check';
import { canonicalNumeric, numericToWire, parseNumeric } from '../../src/schema/numeric';

describe('NUMERIC text', () => {
  test.each([
    ['12.50', '12.5'],
    ['012.500', '12.5'],
    ['3.0', '3'],
    ['-0.000', '0'],
    ['+7', '7'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.000000001', '-0.000000001'],
    ['0.0000000005', '0.000000001'],
    ['-0.0000000005', '-0.000000001'],
    ['0.0000000004', '0'],
    ['99999999999999999999999999999.999999999', '99999999999999999999999999999.999999999'],
  ])('%s is %s on the wire', (text, wire) => {
    expect(canonicalNumeric(text)).toBe(wire);
  });

  test.each(['', '1e5', 'abc', '1.2.3', '--1', ' ', '100000000000000000000000000000'])('refuses %j', (text) => {
    expect(canonicalNumeric(text)).toBeUndefined();
  });

  test('canonical text parses back to the same value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), (scaled) => {
        expect(parseNumeric(numericToWire(scaled))).toBe(scaled);
      }),
    );
  });
});
