// What a page of the local store costs by the window's length and the page's position in it: every page of a 1-day
// and a 7-day window of the sample data (5 days of events), timed one query at a time on one core, with the index's
// fence (as the service runs it, minus the answer cache) and without it (the query shape before the fence).
import { flightApiFields, flightEvents } from '../examples/flights/flight-events';
import { sampleFlightEvents } from '../examples/flights/sample-events';
import { systemClock } from '../src/service/clock';
import { LocalPublisher } from '../src/service/events/local-publisher';
import { createLogger } from '../src/service/logger';
import { DuckDbStore } from '../src/service/store/duckdb-store';
import type { PageCursor } from '../src/service/store/store';

const DAY_MS = 86_400_000;
const REPEATS = 3;

async function walk(store: DuckDbStore, fields: readonly string[], nowMillis: number, days: number): Promise<number[]> {
  const times: number[] = [];
  let cursor: PageCursor | undefined;
  do {
    const query = { fromMicros: BigInt(nowMillis - days * DAY_MS) * 1000n, toMicros: BigInt(nowMillis) * 1000n, limit: 100, cursor, fields, filters: {} };
    // The fastest of a few runs of each page: the machine's jitter only ever adds time.
    let best = Infinity;
    let page;
    for (let i = 0; i < REPEATS; i++) {
      const started = process.hrtime.bigint();
      page = await store.list(query);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.push(best);
    cursor = page!.nextCursor;
  } while (cursor);
  return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

async function main(): Promise<void> {
  const nowMillis = Date.now();
  const logger = createLogger();
  const quiet = { ...logger, info: () => undefined };
  const served = flightEvents.project(flightApiFields).fieldNames;
  const events = sampleFlightEvents({ nowMillis, flights: 25_000 });
  console.log(`every page (100 records) of the last 1 and 7 days, ${events.length} sample events; best of ${REPEATS} per page, ms`);
  const results: Record<string, Record<number, number[]>> = {};
  for (const [name, indexFence] of [['without the fence', false], ['with the fence', true]] as const) {
    const store = await DuckDbStore.create({ schema: flightEvents, servedFields: served, readConnections: 1, indexFence });
    const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: systemClock, logger: quiet as typeof logger });
    for (let i = 0; i < events.length; i += 5000) await publisher.publish(events.slice(i, i + 5000));
    await store.sortIndex();
    results[name] = {};
    for (const days of [1, 7]) {
      const times = await walk(store, served, nowMillis, days);
      results[name][days] = times;
      console.log(`  ${name.padEnd(18)} ${days} day${days > 1 ? 's' : ' '}: ${String(times.length).padStart(5)} pages, first ${times[0]!.toFixed(2)}, median ${median(times).toFixed(2)}, last ${times[times.length - 1]!.toFixed(2)}`);
    }
    await store.close();
  }
  const fenced = results['with the fence']!;
  const ratio = median(fenced[7]!) / median(fenced[1]!);
  const firstRatio = fenced[7]![0]! / fenced[1]![0]!;
  console.log(`  a page of 7 days / a page of 1 day, with the fence: median ${ratio.toFixed(2)}x, first page ${firstRatio.toFixed(2)}x (target <= 2x) ${ratio <= 2 && firstRatio <= 2 ? 'OK' : 'MISSED'}`);
  console.log(`  a page of 7 days, without / with the fence: ${(median(results['without the fence']![7]!) / median(fenced[7]!)).toFixed(1)}x`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
