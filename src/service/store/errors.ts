/** Why a store could not answer; the API maps each kind to one status (see ../app error handler). */
export enum StoreErrorKind {
  /** The store cannot be reached or refused for load/quota reasons: 503 with Retry-After. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** The query ran past its time limit: 504. */
  TIMEOUT = 'TIMEOUT',
  /** The query would scan more bytes than allowed (maximumBytesBilled): 400, narrow the window or filter. */
  TOO_EXPENSIVE = 'TOO_EXPENSIVE',
}

/** A store failure the API can explain to a client without leaking internals. */
export class StoreError extends Error {
  /** What the client can change about the request, when the API's generic advice for the kind would not help. */
  public readonly hint?: string;

  public constructor(
    public readonly kind: StoreErrorKind,
    message: string,
    /** Seconds a client should wait before retrying (UNAVAILABLE only). */
    public readonly retryAfterSeconds?: number,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.hint = options?.hint;
    this.name = 'StoreError';
  }
}
