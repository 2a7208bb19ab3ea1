import type { PageCursor } from './store/store';

/** Cursors are opaque to clients: versioned JSON in base64url, decoded and checked on every request. */
const CURSOR_VERSION = 1;
/** What a cursor looks like on the wire (base64url), stated once for validation and the OpenAPI document. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
/** Longest cursor accepted. */
export const CURSOR_MAX_LENGTH = 1024;
const CURSOR_TEXT = new RegExp(CURSOR_PATTERN);

/** The opaque `nextCursor` string for a page boundary. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, cursor.eventTimeMicros, cursor.tieBreaker])).toString('base64url');
}

/** The page boundary in a client's `cursor`, or undefined when it is not one we wrote. */
export function decodeCursor(text: string): PageCursor | undefined {
  if (text.length === 0 || text.length > CURSOR_MAX_LENGTH || !CURSOR_TEXT.test(text)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== CURSOR_VERSION) return undefined;
  const [, eventTimeMicros, tieBreaker] = parsed;
  if (typeof eventTimeMicros !== 'string' || !/^-?\d{1,19}$/.test(eventTimeMicros)) return undefined;
  const tieBreakerOk = (typeof tieBreaker === 'string' && tieBreaker.length <= 512) || Number.isSafeInteger(tieBreaker);
  if (!tieBreakerOk) return undefined;
  return { eventTimeMicros, tieBreaker };
}
