/**
 * Who called, as Cloud Run's IAM check established it. Cloud Run verifies the Google-signed ID token of a request
 * to a private service (`X-Serverless-Authorization` when present, otherwise `Authorization: Bearer`), then passes
 * it to the container with its signature replaced by `SIGNATURE_REMOVED_BY_GOOGLE`. The container cannot check
 * the signature itself; it relies on the service being private, which the construct enforces whenever the events
 * endpoint is on. A token that still carries a signature was not consumed by Cloud Run's check and is not trusted.
 */

/** What Cloud Run writes in place of the signature of a token it verified. */
export const SIGNATURE_REMOVED = 'SIGNATURE_REMOVED_BY_GOOGLE';
/** The attribute each message published through the API carries: the verified account that sent it. */
export const PUBLISHER_ATTRIBUTE = 'publisher';
/** The publisher attribute of events published locally without a configured allow-list. */
export const LOCAL_PUBLISHER = 'local';

/** Google's ID token issuers. */
const ISSUERS = new Set(['https://accounts.google.com', 'accounts.google.com']);
/** Google ID tokens are about 1 kB; a payload far larger is not one. */
const MAX_PAYLOAD_CHARS = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Reads request headers by name (Hono's `c.req.header`, a `Headers` object). */
export type HeaderReader = (name: string) => string | null | undefined;

/**
 * The verified caller's email, lowercased, or undefined when the request carries no token Cloud Run verified:
 * no header, not a bearer JWT, a signature still present, a payload that is not JSON, another issuer, no
 * verified email.
 */
export function verifiedCallerEmail(header: HeaderReader): string | undefined {
  // Cloud Run checks X-Serverless-Authorization first and then passes Authorization through untouched.
  const value = header('x-serverless-authorization') ?? header('authorization');
  const match = /^Bearer ([^.\s]+)\.([^.\s]+)\.([^.\s]+)$/i.exec(value?.trim() ?? '');
  if (!match || match[3] !== SIGNATURE_REMOVED) return undefined;
  const encoded = match[2];
  if (encoded.length > MAX_PAYLOAD_CHARS || !BASE64URL.test(encoded)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { iss, email, email_verified: emailVerified } = claims as Record<string, unknown>;
  if (typeof iss !== 'string' || !ISSUERS.has(iss)) return undefined;
  if (typeof email !== 'string' || email.length === 0 || (emailVerified !== true && emailVerified !== 'true')) return undefined;
  return email.toLowerCase();
}
