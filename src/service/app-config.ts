/** The part of the configuration the HTTP layer uses (see ./config.ts for where each value comes from). */
export interface AppConfig {
  /** Name of the pipeline, shown in the OpenAPI document. */
  readonly pipelineName: string;
  /** Widest `[from, to)` one request may ask for, in days. */
  readonly maxQueryWindowDays: number;
  /**
   * Project whose Cloud Trace ids the logs link to.
   *
   * @default - log entries carry no trace link
   */
  readonly projectId?: string;
  /**
   * Largest request body, in bytes (`MAX_BODY_BYTES`): `POST /v1/events` answers 413 above it.
   *
   * @default 1048576 (1 MiB: a batch the size of one Pub/Sub message, well under Pub/Sub's 10 MB per publish)
   */
  readonly maxBodyBytes?: number;
  /**
   * How long `/readyz` waits for the store.
   *
   * @default 2000
   */
  readonly readinessTimeoutMs?: number;
  /**
   * Whether access logs carry full URLs (record keys, filter values): for debugging only.
   *
   * @default false - route patterns and parameter names only
   */
  readonly logRequestValues?: boolean;
  /**
   * Emails of the accounts `POST /v1/events` accepts, compared with the identity Cloud Run verified.
   *
   * @default - no check (local mode): anyone who reaches the service publishes
   */
  readonly eventPublishers?: readonly string[];
}
