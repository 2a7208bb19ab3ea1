/**
 * How stored values appear on the wire, shared by every store so the API answers the same everywhere:
 * timestamps as ISO 8601 UTC strings with microseconds, INT64 as a JSON number when it is a safe integer and as a
 * string otherwise, NUMERIC as a string, DATE as YYYY-MM-DD, JSON columns as parsed JSON, nulls as null.
 */

const MICROS_PER_MILLI = 1000n;

/** `2024-05-01T10:00:00.123456Z` from microseconds since the epoch. */
export function microsToIso(micros: bigint): string {
  const millis = floorDiv(micros, MICROS_PER_MILLI);
  const extraMicros = micros - millis * MICROS_PER_MILLI;
  const iso = new Date(Number(millis)).toISOString(); // 2024-05-01T10:00:00.123Z
  return `${iso.slice(0, 23)}${extraMicros.toString().padStart(3, '0')}Z`;
}

/** Microseconds since the epoch from an ISO 8601 string with a zone; undefined when it is not one. */
export function isoToMicros(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!match) return undefined;
  const [, date, time = '00:00:00', fraction = '', zone = 'Z'] = match;
  if (match[2] !== undefined && match[4] === undefined) return undefined; // a time without a zone is ambiguous
  const millis = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${zone.toUpperCase() === 'Z' ? 'Z' : normalizeZone(zone)}`);
  if (Number.isNaN(millis)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: refuse dates that do not exist.
  if (new Date(Date.parse(`${date}T00:00:00Z`)).toISOString().slice(0, 10) !== date) return undefined;
  const micros = BigInt(millis) * MICROS_PER_MILLI + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return micros;
}

/** A JSON number when exact, else the decimal string (JavaScript numbers hold integers exactly up to 2^53 - 1). */
export function int64ToWire(value: bigint | number | string): number | string {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** `YYYY-MM-DD` from days since 1970-01-01 (Avro `date`). */
export function epochDaysToDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 from `YYYY-MM-DD`, or undefined when the text is not a real date of BigQuery's range (years 0001 to 9999). */
export function dateToEpochDays(text: string): number | undefined {
  if (!/^(?!0000)\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const millis = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== text) return undefined;
  return millis / 86_400_000;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function normalizeZone(zone: string): string {
  return zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
}
