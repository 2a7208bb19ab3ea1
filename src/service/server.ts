import type { AddressInfo } from 'node:net';
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
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  /** Stops accepting (a quarter second later), lets in-flight requests finish (at most 8 s), closes the store. */
  close(): Promise<void>;
}

/** Bounds of the HTTP server; Cloud Run allows 10 s between SIGTERM and SIGKILL. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SHUTDOWN_GRACE_MS = 8_000;
/** After SIGTERM, how long the listener stays open: long enough to read requests already sent, short beside the grace. */
const LISTEN_AFTER_SIGNAL_MS = 250;

/** Opens the store the configuration names; each store's module is loaded only when chosen. */
async function openStore(config: ServiceConfig, logger: Logger): Promise<{ store: Store; publisher?: Publisher }> {
  if (config.store === StoreKind.DUCKDB) {
    const { DuckDbStore } = await import('./store/duckdb-store');
    // Locally the service plays the topic, the subscription and the table too: the table holds every field of the
    // topic's schema, and the API reads the exposed ones.
    const tableSchema = config.eventSchema ?? config.schema;
    const store = await DuckDbStore.create({ schema: tableSchema, path: config.duckdbPath, queryTimeoutMs: config.queryTimeoutMs });
    return { store, publisher: new LocalPublisher({ sink: store, schema: tableSchema, clock: systemClock, logger }) };
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

/** Starts the service with a parsed configuration on `config.port` (0 picks a free port). */
export async function startService(config: ServiceConfig, logger: Logger = createLogger()): Promise<RunningService> {
  const { store, publisher } = await openStore(config, logger);
  const app = createApp({ store, schema: config.schema, config, logger, clock: systemClock, publisher, eventSchema: config.eventSchema });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port }, () => resolve(s));
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
  const port = (http.address() as AddressInfo).port;
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
  logger.info(`listening on port ${port}`, { store: config.store, pipeline: config.pipelineName, eventsEnabled: publisher !== undefined });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      draining = true;
      for (const res of unanswered) if (!res.headersSent) res.shouldKeepAlive = false;
      const force = setTimeout(() => http.closeAllConnections(), SHUTDOWN_GRACE_MS);
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
  return { url: `http://127.0.0.1:${port}`, port, store, close };
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
  const service = await startService(config, logger);
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
