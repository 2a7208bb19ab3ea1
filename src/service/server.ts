import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { systemClock } from './clock';
import { ConfigError, ServiceConfig, StoreKind, parseConfig } from './config';
import { LocalPublisher } from './events/local-publisher';
import type { Publisher } from './events/publisher';
import { PubSubRestPublisher } from './events/pubsub-rest-publisher';
import { Logger, createLogger } from './logger';
import type { Store } from './store/store';

/**
 * The process entry point: the only file that reads the environment or opens a port. Everything else receives
 * its configuration as arguments, so `createApp` stays pure and testable with `app.request()`.
 */

/** A started service. */
export interface RunningService {
  /** `http://<host>:<port>`: 127.0.0.1 when listening on every interface. */
  readonly url: string;
  readonly port: number;
  /** The address the server listens on (`::` or `0.0.0.0` for every interface). */
  readonly host: string;
  /** How long in-flight requests may run after `close()` before their connections are closed (`shutdownGraceMs`). */
  readonly shutdownGraceMs: number;
  readonly store: Store;
  /** Stops accepting (a quarter second later), lets in-flight requests finish (at most `shutdownGraceMs`), closes the store. */
  close(): Promise<void>;
}

/** Options of `startService` that do not come from the service's configuration. */
export interface StartOptions {
  /**
   * Time the platform leaves between SIGTERM and SIGKILL: the grace is capped to fit in it, exit included.
   *
   * @default - no cap (10 s on Cloud Run, which `main` detects from K_SERVICE)
   */
  readonly stopWindowMs?: number;
}

/** Bounds of the HTTP server. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** After SIGTERM, how long the listener stays open: long enough to read requests already sent, short beside the grace. */
const LISTEN_AFTER_SIGNAL_MS = 250;
/** From a store giving up on a query (its timeout) to the last byte of the error response. */
const RESPONSE_MARGIN_MS = 250;
/** What the process needs after the drain: closing the store and exiting. */
const EXIT_MARGIN_MS = 500;
/** Cloud Run sends SIGKILL 10 s after SIGTERM; the window cannot be configured. */
export const CLOUD_RUN_STOP_WINDOW_MS = 10_000;

/**
 * How long requests in flight at SIGTERM may still run: a request accepted in the last moment the listener is open
 * may run its query for the whole query timeout, then needs a moment to answer. Capped by the platform's stop window,
 * less the time to close the store and exit. Queries are the only unbounded wait of a request (publishing shares
 * their timeout), so nothing in flight outlives this.
 */
export function shutdownGraceMs(queryTimeoutMs: number, stopWindowMs?: number): number {
  const needed = LISTEN_AFTER_SIGNAL_MS + queryTimeoutMs + RESPONSE_MARGIN_MS;
  return stopWindowMs === undefined ? needed : Math.min(needed, stopWindowMs - EXIT_MARGIN_MS);
}

/** The longest query timeout whose grace fits in a stop window (9000 ms on Cloud Run). */
export function maxQueryTimeoutMs(stopWindowMs: number): number {
  return stopWindowMs - EXIT_MARGIN_MS - LISTEN_AFTER_SIGNAL_MS - RESPONSE_MARGIN_MS;
}

/**
 * Where the API reference's files are: beside the bundle (`dist/service/docs`, copied there by
 * scripts/build-service.mjs, and so in the image), else in swagger-ui-dist when running from the sources (`npm start`).
 */
const DOCS_ASSET_DIRECTORIES = [join(__dirname, 'docs'), join(__dirname, '..', '..', 'node_modules', 'swagger-ui-dist')];

/** Opens the store the configuration names; each store's module is loaded only when chosen. */
async function openStore(config: ServiceConfig, logger: Logger): Promise<{ store: Store; publisher?: Publisher }> {
  if (config.store === StoreKind.DUCKDB) {
    const { openLocalStore } = await import('./store/local-store');
    // Locally the service plays the topic, the subscription and the table too: the table holds every field of the
    // topic's schema, and the API reads the exposed ones.
    const tableSchema = config.eventSchema ?? config.schema;
    const { store, database } = await openLocalStore(
      { schema: tableSchema, servedFields: config.schema.fieldNames, path: config.duckdbPath, queryTimeoutMs: config.queryTimeoutMs },
      {
        ...(config.cacheTtlSeconds !== undefined ? { ttlMs: config.cacheTtlSeconds * 1000 } : {}),
        ...(config.cacheMaxBytes !== undefined ? { maxBytes: config.cacheMaxBytes } : {}),
      },
    );
    return { store, publisher: new LocalPublisher({ sink: database, schema: tableSchema, clock: systemClock, logger }) };
  }
  const { createBigQueryStore } = await import('./store/bigquery-store');
  const store = createBigQueryStore({
    projectId: config.projectId!,
    datasetId: config.datasetId!,
    viewId: config.viewId!,
    location: config.location,
    schema: config.schema,
    maxBytesBilled: config.maxBytesBilled,
    partitionGranularity: config.partitionGranularity,
    ...(config.maxRowsPerQuery !== undefined ? { maxRowsPerQuery: config.maxRowsPerQuery } : {}),
    queryTimeoutMs: config.queryTimeoutMs,
    pipelineName: config.pipelineName,
    cache: {
      ...(config.cacheTtlSeconds !== undefined ? { ttlMs: config.cacheTtlSeconds * 1000 } : {}),
      ...(config.cacheMaxBytes !== undefined ? { maxBytes: config.cacheMaxBytes } : {}),
    },
  });
  const publisher = config.eventsTopic ? new PubSubRestPublisher({ topic: config.eventsTopic, timeoutMs: config.queryTimeoutMs }) : undefined;
  return { store, publisher };
}

/** Starts the service with a parsed configuration on `config.host` (every interface by default) and `config.port` (0 picks a free port). */
export async function startService(config: ServiceConfig, logger: Logger = createLogger(), options: StartOptions = {}): Promise<RunningService> {
  const graceMs = shutdownGraceMs(config.queryTimeoutMs, options.stopWindowMs);
  if (options.stopWindowMs !== undefined && config.queryTimeoutMs > maxQueryTimeoutMs(options.stopWindowMs)) {
    logger.warn(
      `QUERY_TIMEOUT_MS ${config.queryTimeoutMs} does not fit the ${options.stopWindowMs} ms between SIGTERM and SIGKILL: requests in flight ` +
        `when the instance stops may be cut after ${graceMs} ms; set it to ${maxQueryTimeoutMs(options.stopWindowMs)} or less`,
    );
  }
  const { store, publisher } = await openStore(config, logger);
  const app = createApp({
    store,
    schema: config.schema,
    config,
    logger,
    clock: systemClock,
    publisher,
    eventSchema: config.eventSchema,
    docsAssetDirectories: config.apiDocs ? DOCS_ASSET_DIRECTORIES : undefined,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    // A taken port must stop the start with its reason, not crash later on an unhandled 'error' event.
    s.once('error', (e) => {
      void store.close();
      reject(e);
    });
  });
  const http = server as unknown as import('node:http').Server;
  http.headersTimeout = HEADERS_TIMEOUT_MS;
  http.requestTimeout = REQUEST_TIMEOUT_MS;
  http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const { port, address: host } = http.address() as AddressInfo;
  // Answers given during the drain close their connection: an idle keep-alive one would hold the exit until the grace ends.
  let draining = false;
  /** Set once the listener closed: from then on, connections left idle are ended at once. */
  let idleClosing = false;
  const unanswered = new Set<import('node:http').ServerResponse>();
  http.on('request', (_req, res: import('node:http').ServerResponse) => {
    if (draining) res.shouldKeepAlive = false;
    unanswered.add(res);
    // 'close' also fires when the client leaves before the answer, so the set never keeps a response.
    res.once('close', () => {
      unanswered.delete(res);
      // A response begun before the signal kept its connection alive: idle now, it would hold the exit.
      if (idleClosing) setImmediate(() => http.closeIdleConnections());
    });
  });
  logger.info(`listening on port ${port}`, { host, store: config.store, pipeline: config.pipelineName, eventsEnabled: publisher !== undefined, shutdownGraceMs: graceMs });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      draining = true;
      for (const res of unanswered) if (!res.headersSent) res.shouldKeepAlive = false;
      const force = setTimeout(() => http.closeAllConnections(), graceMs);
      // Closing at once would reset requests that clients had sent in full: connections still in the kernel's accept
      // queue, and accepted ones whose request is not parsed yet (http.Server's close() ends "idle" connections). So
      // keep listening a moment (Cloud Run routes nothing new after SIGTERM), and close after one more poll of the loop.
      setTimeout(() =>
        setImmediate(() => {
          idleClosing = true;
          http.close(() => {
            clearTimeout(force);
            resolve();
          });
        }),
      LISTEN_AFTER_SIGNAL_MS);
    }).then(() => store.close()));
  return { url: `http://${urlHost(host)}:${port}`, port, host, shutdownGraceMs: graceMs, store, close };
}

/** The host part of a URL reaching `address`: loopback for the wildcard addresses, brackets around IPv6. */
function urlHost(address: string): string {
  if (address === '::' || address === '0.0.0.0') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

/** Reads the environment, starts the service and stops it gracefully on SIGTERM or SIGINT. */
export async function main(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningService> {
  const logger = createLogger();
  let config: ServiceConfig;
  try {
    config = parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) logger.error(e.message, { problems: e.problems });
    throw e;
  }
  // Cloud Run sets K_SERVICE: there SIGKILL follows SIGTERM after 10 s, and the grace must fit.
  const service = await startService(config, logger, { stopWindowMs: env.K_SERVICE ? CLOUD_RUN_STOP_WINDOW_MS : undefined });
  const stop = (signal: string) => {
    logger.info(`${signal} received: finishing in-flight requests, then exiting`);
    service.close().then(
      () => process.exit(0),
      (e) => {
        logger.error(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return service;
}

if (require.main === module) {
  main().catch((e) => {
    if (!(e instanceof ConfigError)) process.stderr.write(`failed to start: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
