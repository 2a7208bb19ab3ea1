import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Stable error codes clients can branch on (gRPC-style names, as Google APIs use). */
export enum ErrorCode {
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  NOT_FOUND = 'NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  UNAVAILABLE = 'UNAVAILABLE',
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  INTERNAL = 'INTERNAL',
}

/** The one error body every failed request gets. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: unknown };
}

/** An error whose status, code and message are safe to show a client; `app.onError` renders it. */
export class ApiError extends Error {
  public constructor(
    public readonly status: ContentfulStatusCode,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
    /** Extra response headers (Retry-After, Allow). */
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A 400 naming what was wrong. */
  public static invalid(message: string, details?: unknown): ApiError {
    return new ApiError(400, ErrorCode.INVALID_ARGUMENT, message, details);
  }

  /** The error body of this error. */
  public toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}
