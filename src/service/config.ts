import { RecordSchema } from '../schema/record-schema';
import type { AppConfig } from './app-config';
import { SERVICE_ENV as E, STORE_KIND, decodeEventPublishers } from '../contract/service-env';
import { PartitionGranularity } from './store/page-slices';
import { integerSetting } from './integer-setting';

/** Which store answers queries. */
export enum StoreKind {
  /** The view in BigQuery (Cloud Run). */
  BIGQUERY = 'bigquery',
  /** Embedded DuckDB (local mode and tests). */
  DUCKDB = 'duckdb',
}

/** The whole service configuration, from environment variables only (see `parseConfig`). */
export interface ServiceConfig extends AppConfig {
  /** `PORT`, default 8080; 0 picks a free port (tests do). */
  readonly port: number;
  /** `HOST`, the address to listen on; unset, every interface (what a container needs). `npm start` sets 127.0.0.1. */
  readonly host?: string;
  /** `STORE`: bigquery or duckdb. */
  readonly store: StoreKind;
  /** `PIPELINE_SCHEMA`: the exposed projection, as RecordSchema.toJson() wrote it. */
  readonly schema: RecordSchema;
  /** `GOOGLE_CLOUD_PROJECT`. */
  readonly projectId?: string;
  /** `BIGQUERY_DATASET` (required with STORE=bigquery). */
  readonly datasetId?: string;
  /** `BIGQUERY_VIEW` (required with STORE=bigquery). */
  readonly viewId?: string;
  /** `BIGQUERY_LOCATION`. */
  readonly location?: string;
  /** `MAX_BYTES_BILLED`, bytes per query (decimal string, may exceed 2^53). */
  readonly maxBytesBilled: string;
  /** `QUERY_TIMEOUT_MS`, default 9000: the longest whose shutdown grace fits Cloud Run's 10 s stop window. */
  readonly queryTimeoutMs: number;
  /** `EVENTS_TOPIC` (`projects/<p>/topics/<t>`): POST /v1/events publishes there; absent, the route is off in the cloud. */
  readonly eventsTopic?: string;
  /**
   * `EVENTS_PUBLISHERS`: comma-separated `user:<email>` / `serviceAccount:<email>` members allowed to publish,
   * checked against the identity Cloud Run verified. Required with `EVENTS_TOPIC`; optional locally, where
   * without it anyone who reaches the port publishes.
   */
  readonly eventPublishers?: readonly string[];
  /**
   * `EVENTS_SCHEMA`: the topic's full record schema (RecordSchema.toJson()), which events must match when the view
   * exposes fewer fields than the topic carries.
   *
   * @default - `schema`
   */
  readonly eventSchema?: RecordSchema;
  /** `DUCKDB_PATH`, default `:memory:`. */
  readonly duckdbPath: string;
  /**
   * `CACHE_TTL_SECONDS`: how long answers are reused; unset keeps the store's default (BigQuery: 30 s; the local
   * store: until the next write, which always ends reuse).
   */
  readonly cacheTtlSeconds?: number;
  /** `API_DOCS`: `true` (default) serves the API reference at `/docs`, `false` turns it off. */
  readonly apiDocs: boolean;
  /** `CACHE_MAX_BYTES`: bytes of encoded answers the query cache keeps; unset keeps the store's default. */
  readonly cacheMaxBytes?: number;
  /**
   * `MAX_ROWS_PER_QUERY` (1,001 to 10,000,000): rows one BigQuery list query returns for later pages to read on in;
   * unset keeps the store's default (100,000).
   */
  readonly maxRowsPerQuery?: number;
  /** `PARTITION_GRANULARITY` (`DAY` or `HOUR`, default `DAY`): the table's time partitioning, which pages read slice by slice. */
  readonly partitionGranularity: PartitionGranularity;
}

/** A configuration the service cannot start with; the message names every variable at fault. */
export class ConfigError extends Error {
  public constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Default bytes-billed cap per query: 10 GiB, a few cents at on-demand prices. */
const DEFAULT_MAX_BYTES_BILLED = String(10 * 1024 ** 3);
const TOPIC = /^projects\/[^/]+\/topics\/[^/]+$/;

/** Reads and validates the service's environment variables; throws one ConfigError listing every problem. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const problems: string[] = [];
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = <T extends number | undefined>(name: string, fallback: T, min: number, max: number) => integerSetting(text(name), fallback, min, max, name, problems);

  const storeText = text(E.store);
  const store = Object.values(StoreKind).find((k) => k === storeText);
  if (!store) problems.push(`${E.store} must be one of ${Object.values(StoreKind).join(', ')}, got ${JSON.stringify(env[E.store] ?? null)}`);

  let schema: RecordSchema | undefined;
  const schemaJson = text(E.schema);
  if (!schemaJson) problems.push(`${E.schema} is required: the exposed record schema as RecordSchema.toJson() writes it`);
  else {
    try {
      schema = RecordSchema.fromJson(schemaJson);
    } catch (e) {
      problems.push(`${E.schema} is not a valid record schema: ${(e as Error).message}`);
    }
  }

  let eventSchema: RecordSchema | undefined;
  const eventSchemaJson = text(E.eventsSchema);
  if (eventSchemaJson) {
    try {
      eventSchema = RecordSchema.fromJson(eventSchemaJson);
    } catch (e) {
      problems.push(`${E.eventsSchema} is not a valid record schema: ${(e as Error).message}`);
    }
  }

  if (store === StoreKind.BIGQUERY) {
    for (const name of [E.projectId, E.datasetId, E.viewId]) {
      if (!text(name)) problems.push(`${name} is required when ${E.store}=${STORE_KIND.bigquery}`);
    }
  }
  const maxBytesBilled = text(E.maxBytesBilled) ?? DEFAULT_MAX_BYTES_BILLED;
  if (!/^[1-9]\d{0,18}$/.test(maxBytesBilled)) problems.push(`${E.maxBytesBilled} must be a positive number of bytes, got ${JSON.stringify(maxBytesBilled)}`);
  const granularity = text(E.partitionGranularity) ?? PartitionGranularity.DAY;
  const partitionGranularity = Object.values(PartitionGranularity).find((g) => g === granularity);
  if (!partitionGranularity) problems.push(`${E.partitionGranularity} must be DAY or HOUR, got ${JSON.stringify(granularity)}`);
  const eventsTopic = text(E.eventsTopic);
  if (eventsTopic && !TOPIC.test(eventsTopic)) problems.push(`${E.eventsTopic} must be projects/<project>/topics/<topic>, got ${JSON.stringify(eventsTopic)}`);
  const flag = (name: string, fallback: boolean): boolean => {
    const value = text(name) ?? String(fallback);
    if (value !== 'true' && value !== 'false') problems.push(`${name} must be true or false, got ${JSON.stringify(value)}`);
    return value === 'true' || (value !== 'false' && fallback);
  };
  const logRequestValues = flag(E.logRequestValues, false);
  const apiDocs = flag(E.apiDocs, true);
  let eventPublishers: string[] | undefined;
  const publishersText = text(E.eventPublishers);
  if (publishersText !== undefined) {
    const parsed = decodeEventPublishers(publishersText);
    if ('problem' in parsed) problems.push(`${E.eventPublishers} ${parsed.problem}`);
    else eventPublishers = parsed.emails;
  } else if (eventsTopic && store === StoreKind.BIGQUERY) {
    // Fail closed: in the cloud, invoking the API must never be enough to write.
    problems.push(`${E.eventPublishers} is required with ${E.eventsTopic}: the user: or serviceAccount: members allowed to publish`);
  }

  const config = {
    port: integer(E.port, 8080, 0, 65535),
    maxQueryWindowDays: integer(E.maxQueryWindowDays, 31, 1, 366),
    queryTimeoutMs: integer(E.queryTimeoutMs, 9_000, 100, 600_000),
    cacheTtlSeconds: integer(E.cacheTtlSeconds, undefined, 0, 86_400),
    cacheMaxBytes: integer(E.cacheMaxBytes, undefined, 0, 2 ** 40),
    // At least a full page and its extra row, so a page never needs two queries of one slice.
    maxRowsPerQuery: integer(E.maxRowsPerQuery, undefined, 1001, 10_000_000),
    maxBodyBytes: integer(E.maxBodyBytes, undefined, 1024, 10 * 1024 * 1024),
  };
  if (problems.length > 0 || !store || !schema) throw new ConfigError(problems);
  return {
    ...config,
    store,
    schema,
    pipelineName: text(E.pipelineName) ?? schema.name,
    projectId: text(E.projectId),
    datasetId: text(E.datasetId),
    viewId: text(E.viewId),
    location: text(E.location),
    maxBytesBilled,
    partitionGranularity: partitionGranularity ?? PartitionGranularity.DAY,
    host: text(E.host),
    logRequestValues,
    eventsTopic,
    eventPublishers,
    eventSchema,
    duckdbPath: text(E.duckdbPath) ?? ':memory:',
    apiDocs,
  };
}
