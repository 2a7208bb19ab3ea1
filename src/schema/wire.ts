/**
 * How stored values appear on the wire, shared by every store so the API answers the same everywhere:
 * timestamps as ISO 8601 UTC strings with microseconds, INT64 as a JSON number when it is a safe integer and as a
 * string otherwise, NUMERIC and BIGNUMERIC as strings, DATE as YYYY-MM-DD, DATETIME and TIME without a zone and with
 * microseconds, BYTES as base64, JSON columns as parsed JSON, nulls as null.
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

const MICROS_PER_SECOND = 1_000_000n;
/** Microseconds in a day: a TIME is below it. */
export const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;

/** `HH:MM:SS.ffffff` from microseconds after midnight (Avro `time-micros`, BigQuery TIME). */
export function timeOfDayToWire(micros: bigint): string {
  return microsToIso(micros).slice(11, 26);
}

/** Microseconds after midnight of a TIME literal `[H]H:[M]M:[S]S[.ffffff]`, or undefined when it is not one. */
export function parseTimeOfDay(text: string): bigint | undefined {
  const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return undefined;
  const seconds = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return seconds * MICROS_PER_SECOND + BigInt((m[4] ?? '').padEnd(6, '0'));
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff` from microseconds since 1970-01-01T00:00:00 of a civil date and time (BigQuery DATETIME). */
export function dateTimeToWire(micros: bigint): string {
  return microsToIso(micros).slice(0, 26);
}

/**
 * Microseconds since 1970-01-01T00:00:00 of a DATETIME literal `YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.ffffff]]` of
 * BigQuery's range (years 0001 to 9999), counted as if it were UTC; undefined when the text is not one.
 */
export function parseDateTime(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](.+))?$/.exec(text);
  if (!m) return undefined;
  const days = dateToEpochDays(`${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`);
  const time = m[4] === undefined ? 0n : parseTimeOfDay(m[4]);
  return days === undefined || time === undefined ? undefined : BigInt(days) * MICROS_PER_DAY + time;
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
