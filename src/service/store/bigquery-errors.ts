import { StoreError, StoreErrorKind } from './errors';

/**
 * How BigQuery failures become StoreErrors. BigQuery reports the cause in `error.errors[].reason`
 * (https://cloud.google.com/bigquery/docs/error-messages); the HTTP status alone is ambiguous (403 is both
 * "rate limited" and "access denied").
 */

/** Seconds a client should wait per kind of refusal, when BigQuery sends no Retry-After of its own. */
export const RETRY_AFTER_SECONDS = {
  /** Per-user or per-table request rate: clears within seconds. */
  rateLimit: 2,
  /** Daily or concurrent-query quota: a longer pause actually helps. */
  quota: 60,
  /** BigQuery's own transient failures and unreachable endpoints. */
  backend: 5,
};

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'jobRateLimitExceeded']);
const QUOTA_REASONS = new Set(['quotaExceeded']);
const BACKEND_REASONS = new Set(['backendError', 'internalError']);
const TIMEOUT_REASONS = new Set(['timeout']);
const TOO_EXPENSIVE_REASONS = new Set(['bytesBilledLimitExceeded', 'billingTierLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET']);

interface ApiErrorLike {
  code?: unknown;
  errors?: Array<{ reason?: string; message?: string }>;
  response?: { headers?: Record<string, string | string[] | undefined> };
  type?: string;
  message?: string;
}

/** The reasons BigQuery attached to an error (`errors[].reason`), possibly none. */
export function errorReasons(error: unknown): string[] {
  const errors = (error as ApiErrorLike | null)?.errors;
  return Array.isArray(errors) ? errors.map((e) => e?.reason).filter((r): r is string => typeof r === 'string') : [];
}

/**
 * The StoreError an error from the BigQuery client stands for, or undefined when it is none of the kinds the API
 * explains to clients (invalid query, access denied, not found: deployment bugs that must surface as such).
 */
export function toStoreError(error: unknown): StoreError | undefined {
  if (error instanceof StoreError) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const reasons = new Set(errorReasons(error));
  const status = typeof e.code === 'number' ? e.code : undefined;
  const has = (set: Set<string>) => [...reasons].some((r) => set.has(r));
  const options = { cause: error };

  if (has(TOO_EXPENSIVE_REASONS)) {
    return new StoreError(StoreErrorKind.TOO_EXPENSIVE, tooExpensiveMessage(e.message), undefined, options);
  }
  if (has(TIMEOUT_REASONS)) {
    return new StoreError(StoreErrorKind.TIMEOUT, 'the query did not finish in time', undefined, options);
  }
  if (has(QUOTA_REASONS)) {
    return unavailable('BigQuery quota exhausted', retryAfter(e) ?? RETRY_AFTER_SECONDS.quota, options);
  }
  if (has(RATE_LIMIT_REASONS) || status === 429) {
    return unavailable('BigQuery rate limit reached', retryAfter(e) ?? RETRY_AFTER_SECONDS.rateLimit, options);
  }
  if (has(BACKEND_REASONS) || (status !== undefined && status >= 500 && status <= 599)) {
    return unavailable('BigQuery is temporarily unavailable', retryAfter(e) ?? RETRY_AFTER_SECONDS.backend, options);
  }
  if (isNetworkError(e)) {
    return unavailable('BigQuery cannot be reached', RETRY_AFTER_SECONDS.backend, options);
  }
  return undefined;
}

/** BigQuery says `Query exceeded limit for bytes billed: L. N or higher required.`: tell the client both figures. */
function tooExpensiveMessage(message: string | undefined): string {
  const figures = /bytes billed: (\d+)\. (\d+) or higher required/.exec(message ?? '');
  return figures ? `the query would bill ${figures[2]} bytes, over the limit of ${figures[1]} bytes per query` : 'the query would bill more bytes than this API allows per query';
}

function unavailable(message: string, retryAfterSeconds: number, options: { cause: unknown }): StoreError {
  return new StoreError(StoreErrorKind.UNAVAILABLE, message, retryAfterSeconds, options);
}

function isNetworkError(e: ApiErrorLike): boolean {
  return (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || e.type === 'system';
}

/** BigQuery's own Retry-After header (seconds) when it sent one. */
function retryAfter(e: ApiErrorLike): number | undefined {
  const header = e.response?.headers?.['retry-after'];
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}
