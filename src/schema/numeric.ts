/**
 * NUMERIC and BIGNUMERIC values (BigQuery NUMERIC, DuckDB DECIMAL(38,9); BigQuery BIGNUMERIC) as exact scaled
 * integers, and their one canonical text on the wire: no exponent, no `+`, no trailing fraction zeros (`12.50` is
 * `"12.5"`, `3.0` is `"3"`), as BigQuery's REST API writes them.
 */

/** Digits after the point a NUMERIC keeps. */
export const NUMERIC_SCALE = 9;
/** Total digits a NUMERIC holds (29 before the point). */
export const NUMERIC_PRECISION = 38;

/** Digits after the point a BIGNUMERIC keeps. */
export const BIGNUMERIC_SCALE = 38;
/** A BIGNUMERIC is a 256-bit two's complement integer scaled by 10^38. */
const BIGNUMERIC_MAX = 2n ** 255n - 1n;
const BIGNUMERIC_MIN = -(2n ** 255n);

const DECIMAL_TEXT = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;

/** The value times 10^scale of a decimal text, rounding extra fraction digits half away from zero as BigQuery does. */
function parseScaled(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[3] ?? m[4] ?? '';
  let scaled = BigInt((m[2] ?? '0') + fraction.padEnd(scale, '0').slice(0, scale));
  if (fraction.length > scale && fraction[scale] >= '5') scaled += 1n;
  return m[1] === '-' ? -scaled : scaled;
}

/**
 * The value times 10^9 of a NUMERIC text, rounding extra fraction digits half away from zero as BigQuery does;
 * undefined when the text is not a decimal number or is out of range.
 */
export function parseNumeric(text: string): bigint | undefined {
  const scaled = parseScaled(text, NUMERIC_SCALE);
  if (scaled === undefined || (scaled < 0n ? -scaled : scaled).toString().length > NUMERIC_PRECISION) return undefined;
  return scaled;
}

/** The value times 10^38 of a BIGNUMERIC text (rounded as `parseNumeric` does), or undefined when it is not one. */
export function parseBigNumeric(text: string): bigint | undefined {
  const scaled = parseScaled(text, BIGNUMERIC_SCALE);
  return scaled === undefined || scaled < BIGNUMERIC_MIN || scaled > BIGNUMERIC_MAX ? undefined : scaled;
}

/** The canonical text of a scaled NUMERIC. */
export function numericToWire(scaled: bigint, scale: number = NUMERIC_SCALE): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}

/** The canonical text of a NUMERIC text (`"012.50"` is `"12.5"`), or undefined when it is not one. */
export function canonicalNumeric(text: string): string | undefined {
  const scaled = parseNumeric(text);
  return scaled === undefined ? undefined : numericToWire(scaled);
}

/** The canonical text of a BIGNUMERIC text, or undefined when it is not one. */
export function canonicalBigNumeric(text: string): string | undefined {
  const scaled = parseBigNumeric(text);
  return scaled === undefined ? undefined : numericToWire(scaled, BIGNUMERIC_SCALE);
}
