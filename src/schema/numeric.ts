/**
 * NUMERIC values (BigQuery NUMERIC, DuckDB DECIMAL(38,9)) as exact scaled integers, and their one canonical text
 * on the wire: no exponent, no `+`, no trailing fraction zeros (`12.50` is `"12.5"`, `3.0` is `"3"`), as BigQuery's
 * REST API writes them.
 */

/** Digits after the point a NUMERIC keeps. */
export const NUMERIC_SCALE = 9;
/** Total digits a NUMERIC holds (29 before the point). */
export const NUMERIC_PRECISION = 38;

const NUMERIC_TEXT = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;

/**
 * The value times 10^9 of a NUMERIC text, rounding extra fraction digits half away from zero as BigQuery does;
 * undefined when the text is not a decimal number or is out of range.
 */
export function parseNumeric(text: string): bigint | undefined {
  const m = NUMERIC_TEXT.exec(text.trim());
  if (!m) return undefined;
  const fraction = m[3] ?? m[4] ?? '';
  let scaled = BigInt((m[2] ?? '0') + fraction.padEnd(NUMERIC_SCALE, '0').slice(0, NUMERIC_SCALE));
  if (fraction.length > NUMERIC_SCALE && fraction[NUMERIC_SCALE] >= '5') scaled += 1n;
  if (scaled.toString().length > NUMERIC_PRECISION) return undefined;
  return m[1] === '-' ? -scaled : scaled;
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
