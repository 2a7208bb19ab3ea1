// One process, one store, two HTTP front ends: the query API's full request path (Hono app: validation,
// routing, logging, serialization) and a bare node:http handler answering the same query from the same store.
// bench/api.mjs forks this file and loads both in turn.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { flightApiFields, flightEvents } from '../examples/flights/flight-events';
import { sampleFlightEvents } from '../examples/flights/sample-events';
import { createApp } from '../src/service/app';
import { systemClock } from '../src/service/clock';
import { encodeCursor } from '../src/service/cursor';
import { LocalPublisher } from '../src/service/events/local-publisher';
import { createLogger } from '../src/service/logger';
import { DuckDbStore } from '../src/service/store/duckdb-store';

const FLIGHTS = Number(process.env.BENCH_FLIGHTS ?? 25_000);
const WINDOW_MS = 24 * 3600 * 1000;

async function main(): Promise<void> {
  const nowMillis = Date.now();
  const logger = createLogger(); // the service logs one JSON line per request to stdout, as in production
  const store = await DuckDbStore.create({ schema: flightEvents });
  const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: systemClock, logger });
  const events = sampleFlightEvents({ nowMillis, flights: FLIGHTS });
  for (let i = 0; i < events.length; i += 5000) await publisher.publish(events.slice(i, i + 5000));

  const exposed = flightEvents.project(flightApiFields);
  const app = createApp({ store, schema: exposed, eventSchema: flightEvents, config: { pipelineName: 'flights', maxQueryWindowDays: 31 }, logger });
  const ours = serve({ fetch: app.fetch, port: 0 });

  const fromMicros = BigInt(nowMillis - WINDOW_MS) * 1000n;
  const toMicros = BigInt(nowMillis) * 1000n;
  const bare = createServer((_req, res) => {
    store.list({ fromMicros, toMicros, limit: 100, fields: exposed.fieldNames, filters: {} }).then(
      (page) => {
        const body = JSON.stringify({ records: page.records, ...(page.nextCursor ? { nextCursor: encodeCursor(page.nextCursor) } : {}) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      },
      () => res.writeHead(503).end(),
    );
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => bare.once('listening', resolve));

  const query = `from=${new Date(nowMillis - WINDOW_MS).toISOString()}&to=${new Date(nowMillis).toISOString()}&limit=100`;
  process.send!({
    rows: events.length,
    ours: `http://127.0.0.1:${(ours.address() as AddressInfo).port}/v1/records?${query}`,
    bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/v1/records?${query}`,
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
