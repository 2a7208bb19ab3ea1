import { createHash } from 'node:crypto';
import type { ListQuery, PageCursor, ResumePoint } from './store/store';

/**
 * Cursors are opaque to clients: versioned JSON in base64url, decoded and checked on every request.
 * - v1 `[1, time, tieBreaker]`: the keyset position only. Still accepted, so cursors handed out before a deploy work.
 * - v2 `[2, time, tieBreaker, binding]`, plus `jobId, location, rowOffset, sliceFrom, sliceTo, capped` when the page
 *   came from a BigQuery job whose result the next page can read on for free. `binding` is a short hash of the
 *   fields and filters the cursor was issued for: a v2 cursor is refused with other ones.
 */
const KEYSET_VERSION = 1;
const RESUMABLE_VERSION = 2;
/** What a cursor looks like on the wire (base64url), stated once for validation and the OpenAPI document. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
/** Longest cursor accepted. */
export const CURSOR_MAX_LENGTH = 1024;
const CURSOR_TEXT = new RegExp(CURSOR_PATTERN);
const MICROS_TEXT = /^-?\d{1,19}$/;
/** 11 base64url characters: 66 bits of SHA-256, plenty to tell one client's parameter sets apart. */
const BINDING_TEXT = /^[A-Za-z0-9_-]{11}$/;
/** BigQuery job ids: letters, digits, `_` and `-` (JobReference.jobId in the REST reference). */
const JOB_ID_TEXT = /^[A-Za-z0-9_-]{1,1024}$/;
/** BigQuery locations: `US`, `EU`, `europe-west1`, ... */
const LOCATION_TEXT = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
/** Largest row offset a cursor may carry; far above any row cap a store would use. */
const MAX_ROW_OFFSET = 1_000_000_000;

/** A cursor as a client sent it: the position, and the binding when the cursor carries one (v2). */
export interface IssuedCursor {
  readonly cursor: PageCursor;
  /** The `queryBinding` of the request that issued the cursor; absent on v1 cursors, which bind nothing. */
  readonly binding?: string;
}

/**
 * The hash a v2 cursor carries of the parameters that decide which rows a query returns and in which columns:
 * fields (already normalized: schema order, event time included) and filters (their typed values). The window is left
 * out on purpose: a default window moves every minute, and a cursor stays exact in any window (see the stores).
 */
export function queryBinding(query: Pick<ListQuery, 'fields' | 'filters'>): string {
  const filters = Object.keys(query.filters)
    .sort()
    .map((name) => [name, typeof query.filters[name], query.filters[name]]);
  return createHash('sha256').update(JSON.stringify([query.fields, filters])).digest('base64url').slice(0, 11);
}

/**
 * The opaque `nextCursor` string for a page boundary: v2 bound to `binding` when given (the API always gives it), v1
 * otherwise. A resume point that would make the cursor longer than allowed is left out (the keyset stays exact).
 */
export function encodeCursor(cursor: PageCursor, binding?: string): string {
  const encode = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');
  if (binding === undefined) return encode([KEYSET_VERSION, cursor.eventTimeMicros, cursor.tieBreaker]);
  const keyset = [RESUMABLE_VERSION, cursor.eventTimeMicros, cursor.tieBreaker, binding];
  const r = cursor.resume;
  if (r) {
    const resumable = encode([...keyset, r.jobId, r.location ?? '', r.rowOffset, r.sliceFromMicros, r.sliceToMicros, r.capped ? 1 : 0]);
    if (resumable.length <= CURSOR_MAX_LENGTH) return resumable;
  }
  return encode(keyset);
}

/** The page boundary in a client's `cursor`, or undefined when it is not one we wrote. */
export function decodeCursor(text: string): IssuedCursor | undefined {
  if (text.length === 0 || text.length > CURSOR_MAX_LENGTH || !CURSOR_TEXT.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const [version, eventTimeMicros, tieBreaker, binding, ...resume] = parsed as unknown[];
  if (typeof eventTimeMicros !== 'string' || !MICROS_TEXT.test(eventTimeMicros)) return undefined;
  const tieBreakerOk = (typeof tieBreaker === 'string' && tieBreaker.length <= 512) || Number.isSafeInteger(tieBreaker);
  if (!tieBreakerOk) return undefined;
  const keyset = { eventTimeMicros, tieBreaker: tieBreaker as string | number };
  if (version === KEYSET_VERSION && parsed.length === 3) return { cursor: keyset };
  if (version !== RESUMABLE_VERSION || typeof binding !== 'string' || !BINDING_TEXT.test(binding)) return undefined;
  if (resume.length === 0) return { cursor: keyset, binding };
  const point = resumePoint(resume, BigInt(eventTimeMicros));
  return point ? { cursor: { ...keyset, resume: point }, binding } : undefined;
}

/** The resume point of a v2 cursor, strictly checked: formats, a slice `from < to` at or below the cursor's time. */
function resumePoint(items: unknown[], cursorMicros: bigint): ResumePoint | undefined {
  if (items.length !== 6) return undefined;
  const [jobId, location, rowOffset, sliceFromMicros, sliceToMicros, capped] = items;
  if (typeof jobId !== 'string' || !JOB_ID_TEXT.test(jobId)) return undefined;
  if (typeof location !== 'string' || (location !== '' && !LOCATION_TEXT.test(location))) return undefined;
  if (typeof rowOffset !== 'number' || !Number.isSafeInteger(rowOffset) || rowOffset < 0 || rowOffset > MAX_ROW_OFFSET) return undefined;
  if (typeof sliceFromMicros !== 'string' || !MICROS_TEXT.test(sliceFromMicros)) return undefined;
  if (typeof sliceToMicros !== 'string' || !MICROS_TEXT.test(sliceToMicros)) return undefined;
  if (capped !== 0 && capped !== 1) return undefined;
  const from = BigInt(sliceFromMicros);
  if (from >= BigInt(sliceToMicros) || from > cursorMicros) return undefined;
  return { jobId, ...(location ? { location } : {}), rowOffset, sliceFromMicros, sliceToMicros, capped: capped === 1 };
}
