/**
 * The one contract between the `QueryApi` construct and the service it runs: the names of the container's
 * environment variables and how each value is written and read. Both sides import this file; it loads neither
 * cdktf nor hono, so the service bundle stays small and the constructs never reach into the service.
 */

/** Environment variable names the service reads, keyed by what they carry. */
export const SERVICE_ENV = {
  /** Which store answers queries: one of `STORE_KIND`. */
  store: 'STORE',
  port: 'PORT',
  /** Interface the server binds: loopback unless set (local mode). */
  host: 'HOST',
  projectId: 'GOOGLE_CLOUD_PROJECT',
  datasetId: 'BIGQUERY_DATASET',
  viewId: 'BIGQUERY_VIEW',
  location: 'BIGQUERY_LOCATION',
  pipelineName: 'PIPELINE_NAME',
  /** The exposed projection, as `RecordSchema.toJson()` writes it. */
  schema: 'PIPELINE_SCHEMA',
  maxQueryWindowDays: 'MAX_QUERY_WINDOW_DAYS',
  maxBytesBilled: 'MAX_BYTES_BILLED',
  queryTimeoutMs: 'QUERY_TIMEOUT_MS',
  cacheTtlSeconds: 'CACHE_TTL_SECONDS',
  cacheMaxBytes: 'CACHE_MAX_BYTES',
  /** Most rows one BigQuery list query hands on to later pages (the store's row cap). */
  maxRowsPerQuery: 'MAX_ROWS_PER_QUERY',
  maxBodyBytes: 'MAX_BODY_BYTES',
  /** DAY or HOUR: how the view's table is partitioned, which pages follow. */
  partitionGranularity: 'PARTITION_GRANULARITY',
  duckdbPath: 'DUCKDB_PATH',
  /** `true` logs request parameter values (debugging only). */
  logRequestValues: 'LOG_REQUEST_VALUES',
  /** `false` turns the API reference at `/docs` off (default `true`). */
  apiDocs: 'API_DOCS',
  /** `projects/<p>/topics/<t>`: where `POST /v1/events` publishes. */
  eventsTopic: 'EVENTS_TOPIC',
  /** The topic's whole record schema, as `RecordSchema.toJson()` writes it. */
  eventsSchema: 'EVENTS_SCHEMA',
  /** Who may publish: see `encodeEventPublishers`. */
  eventPublishers: 'EVENTS_PUBLISHERS',
} as const;

/** Values of `STORE`. */
export const STORE_KIND = { bigquery: 'bigquery', duckdb: 'duckdb' } as const;

/** One environment variable, as Cloud Run's container `env` takes it. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/** What the construct tells the service in the cloud. Values may be Terraform tokens: encoders never parse them. */
export interface CloudServiceSettings {
  readonly projectId: string;
  readonly datasetId: string;
  readonly viewId: string;
  readonly location: string;
  readonly pipelineName: string;
  /** `RecordSchema.toJson()` of the exposed projection. */
  readonly schemaJson: string;
  readonly maxQueryWindowDays: number;
  readonly maxBytesBilled: number;
  readonly queryTimeoutMs: number;
  /** `DAY` or `HOUR`: how the table under the view is partitioned. */
  readonly partitionGranularity: string;
  /** Whether `/docs` serves the API reference; the service's default is on, so only `false` is written. */
  readonly apiDocs?: boolean;
  /** Present when the events endpoint is on. */
  readonly events?: {
    readonly topicId: string;
    /** `RecordSchema.toJson()` of the topic's whole record. */
    readonly schemaJson: string;
    /** `user:<email>` or `serviceAccount:<email>` members. */
    readonly publishers: readonly string[];
  };
}

/** The container environment of the service in the cloud, in a stable order. */
export function encodeCloudServiceEnv(settings: CloudServiceSettings): EnvVar[] {
  const env: EnvVar[] = [
    { name: SERVICE_ENV.store, value: STORE_KIND.bigquery },
    { name: SERVICE_ENV.projectId, value: settings.projectId },
    { name: SERVICE_ENV.datasetId, value: settings.datasetId },
    { name: SERVICE_ENV.viewId, value: settings.viewId },
    { name: SERVICE_ENV.location, value: settings.location },
    { name: SERVICE_ENV.pipelineName, value: settings.pipelineName },
    { name: SERVICE_ENV.schema, value: settings.schemaJson },
    { name: SERVICE_ENV.maxQueryWindowDays, value: String(settings.maxQueryWindowDays) },
    { name: SERVICE_ENV.maxBytesBilled, value: String(settings.maxBytesBilled) },
    { name: SERVICE_ENV.queryTimeoutMs, value: String(settings.queryTimeoutMs) },
    { name: SERVICE_ENV.partitionGranularity, value: settings.partitionGranularity },
  ];
  if (settings.apiDocs === false) env.push({ name: SERVICE_ENV.apiDocs, value: 'false' });
  if (settings.events) {
    env.push(
      { name: SERVICE_ENV.eventsTopic, value: settings.events.topicId },
      { name: SERVICE_ENV.eventsSchema, value: settings.events.schemaJson },
      { name: SERVICE_ENV.eventPublishers, value: encodeEventPublishers(settings.events.publishers) },
    );
  }
  return env;
}

/** `EVENTS_PUBLISHERS`: the members, comma-separated (a member never holds a comma). */
export function encodeEventPublishers(members: readonly string[]): string {
  return members.join(',');
}

/** The only members the service can compare with an identity token's `email` claim. */
const PUBLISHER_MEMBER = /^(user|serviceAccount):[^\s@,]+@[^\s@,]+$/;

/** Whether `member` can be an event publisher (`user:<email>` or `serviceAccount:<email>`). */
export function isEventPublisherMember(member: string): boolean {
  return PUBLISHER_MEMBER.test(member);
}

/** The lowercased emails of an `EVENTS_PUBLISHERS` value, or what is wrong with it. */
export function decodeEventPublishers(text: string): { emails: string[] } | { problem: string } {
  const members = text.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (members.length === 0) return { problem: 'must name at least one user:<email> or serviceAccount:<email> member' };
  const bad = members.filter((m) => !isEventPublisherMember(m));
  if (bad.length > 0) return { problem: `must hold only user:<email> or serviceAccount:<email> members, got ${bad.map((m) => JSON.stringify(m)).join(', ')}` };
  return { emails: members.map((m) => m.slice(m.indexOf(':') + 1).toLowerCase()) };
}
