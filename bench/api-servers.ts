// One process, one store, two HTTP front ends: the query API's full request path (Hono app: validation,
// routing, logging, serialization) and a bare node:http handler answering the same query from the same store.
// bench/api.mjs starts this file once per store (BENCH_STORE=duckdb-ranked|duckdb-index|duckdb|memory) and loads
// both front ends in turn: a fresh process per store, so that one store's heap and leftover queries cannot slow the
// other's measurement.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { flightApiFields, flightEvents } from '../examples/flights/flight-events';
import { sampleFlightEvents } from '../examples/flights/sample-events';
import { createApp } from '../src/service/app';
import { systemClock } from '../src/service/clock';
import { encodeCursor } from '../src/service/cursor';
import { pageBody } from '../src/service/page-body';
import { LocalPublisher } from '../src/service/events/local-publisher';
import { createLogger } from '../src/service/logger';
import { isoToMicros } from '../src/schema/wire';
import { openLocalStore } from '../src/service/store/local-store';
import type { PageCursor, Store } from '../src/service/store/store';
import { MemoryRow, MemoryStore } from './memory-store';

const FLIGHTS = Number(process.env.BENCH_FLIGHTS ?? 25_000);
const WINDOW_MS = 24 * 3600 * 1000;

async function main(): Promise<void> {
  const nowMillis = Date.now();
  const logger = createLogger(); // the service logs one JSON line per request to stdout, as in production
  // duckdb: the local store as the service runs it (write-time index, its fence, answers reused until the next write).
  // duckdb-index: the database alone, every request a query. duckdb-ranked: the query shape before the write-time
  // index (ranking the window on every read, no cache), for comparison.
  const exposed = flightEvents.project(flightApiFields);
  const { store: cached, database: store } = await openLocalStore({ schema: flightEvents, servedFields: exposed.fieldNames, readIndex: process.env.BENCH_STORE !== 'duckdb-ranked' });
  const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: systemClock, logger });
  const events = sampleFlightEvents({ nowMillis, flights: FLIGHTS });
  for (let i = 0; i < events.length; i += 5000) await publisher.publish(events.slice(i, i + 5000));
  // The store re-sorts its index by itself a second after writes pause: wait for it, so that runs start from the same state.
  await store.sortIndex();

  const fromMicros = BigInt(nowMillis - WINDOW_MS) * 1000n;
  const toMicros = BigInt(nowMillis) * 1000n;
  // Only `duckdb` reads through the cache; the others read the database directly.
  let backing: Store = process.env.BENCH_STORE === 'duckdb' ? cached : store;
  if (process.env.BENCH_STORE === 'memory') {
    backing = new MemoryStore(await snapshot(store, exposed.fieldNames, nowMillis));
    await store.close();
  }

  /** Our full request path and a bare node:http handler over the same store; their URLs. */
  const frontEnds = async (backing: Store) => {
    const app = createApp({ store: backing, schema: exposed, eventSchema: flightEvents, config: { pipelineName: 'flights', maxQueryWindowDays: 31 }, logger });
    const ours = serve({ fetch: app.fetch, port: 0 });
    const bare = createServer((_req, res) => {
      backing.list({ fromMicros, toMicros, limit: 100, fields: exposed.fieldNames, filters: {} }).then(
        (page) => {
          const body = pageBody(page, page.nextCursor ? encodeCursor(page.nextCursor) : undefined);
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        },
        () => res.writeHead(503).end(),
      );
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => bare.once('listening', resolve));
    await new Promise((resolve) => (ours.listening ? resolve(undefined) : ours.once('listening', resolve)));
    return { ours: (ours.address() as AddressInfo).port, bare: (bare.address() as AddressInfo).port };
  };

  const query = `from=${new Date(nowMillis - WINDOW_MS).toISOString()}&to=${new Date(nowMillis).toISOString()}&limit=100`;
  const url = (port: number) => `http://127.0.0.1:${port}/v1/records?${query}`;
  const ports = await frontEnds(backing);
  // /readyz pings the store behind any queries still queued: it answers once a finished run's leftovers are done.
  // `distinct`: the same page with `to` a millisecond earlier per request (api.mjs counts), so no two share an answer.
  process.send!({
    rows: events.length,
    ours: url(ports.ours),
    bare: url(ports.bare),
    distinct: { port: ports.ours, from: new Date(nowMillis - WINDOW_MS).toISOString(), toMillis: nowMillis },
    drained: `http://127.0.0.1:${ports.ours}/readyz`,
  });
}

/** Every record the API can serve (de-duplicated, newest first), read once through the DuckDB store. */
async function snapshot(store: Store, fields: readonly string[], nowMillis: number): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  let cursor: PageCursor | undefined;
  do {
    const page = await store.list({ fromMicros: BigInt(nowMillis - 30 * WINDOW_MS) * 1000n, toMicros: BigInt(nowMillis) * 1000n, limit: 1000, cursor, fields, filters: {} });
    for (const record of page.records) {
      rows.push({ eventTimeMicros: isoToMicros(String(record.event_time))!, key: String(record.event_id), record });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
