/**
 * Load test of the local service (loopback only, bounded): starts the real server process with the DuckDB store,
 * publishes generated flight events through `POST /v1/events`, then holds a FIXED request rate for a fixed time
 * (open loop: a request starts every 1/rate seconds whether or not earlier ones have answered, so a slow server
 * shows as latency and errors instead of quietly lowering the rate) and reports errors, latency percentiles and
 * the server's memory growth.
 *
 *   npx tsx scripts/load-test.ts --rate 50 --seconds 60
 *
 * Pass condition: zero errors (any status but 200, network error, or no answer within 5 s) and RSS growth from the
 * end of the warm-up to the end of the run within --max-rss-growth-mb (default 64). Exit code 0 when it passes.
 *
 *   npx tsx scripts/load-test.ts --soak --rate 100 --seconds 300
 *
 * Soak: the same fixed rate for longer, printing the server's RSS every 10 s; it also passes only when RSS levels
 * off (grows at most 16 MB over the second half of the run).
 */
import { parseArgs } from 'node:util';
import { flightApiFields, flightEvents } from '../examples/flights/flight-events';
import { sampleFlightEvents } from '../examples/flights/sample-events';
import { microsToIso } from '../src/schema/wire';
import { ServerProcess, rssBytes, startServerProcess } from '../test/reliability/server-process';

/** Options of one run. */
export interface LoadTestOptions {
  /** Requests started per second. */
  readonly rate: number;
  /** Length of the measured run, after the warm-up. */
  readonly seconds: number;
  /**
   * Warm-up at the same rate before measuring (JIT, DuckDB caches): memory is measured from its end.
   *
   * @default 3
   */
  readonly warmupSeconds?: number;
  /**
   * Flights of sample data (each 2 to 5 events).
   *
   * @default 1500
   */
  readonly flights?: number;
  /**
   * Largest RSS growth of the server that passes, in MB.
   *
   * @default 64
   */
  readonly maxRssGrowthMb?: number;
  /**
   * Soak: print RSS every 10 s and require it to level off (at most SOAK_LEVEL_MB over the second half).
   *
   * @default false
   */
  readonly soak?: boolean;
}

/** Most RSS growth over the second half of a soak that still counts as levelled off. */
const SOAK_LEVEL_MB = 16;

/** What a run measured. */
export interface LoadTestResult {
  readonly rate: number;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  /** First few error descriptions, for the report. */
  readonly errorSamples: string[];
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** Requests that started more than 20 ms after their slot (the generator itself fell behind). */
  readonly lateStarts: number;
  readonly rssMb: {
    readonly before: number;
    readonly after: number;
    readonly peak: number;
    readonly growth: number;
    /** Growth over the second half of the run alone: near zero once the process has settled, steady under a leak. */
    readonly secondHalfGrowth: number;
    readonly bound: number;
  };
  readonly rows: number;
  readonly passed: boolean;
}

/** A request must answer within this time to count as a success. */
const REQUEST_TIMEOUT_MS = 5000;
const HOUR_MS = 3_600_000;

/** The request mix: what third parties do (recent pages, filters, projections, next pages, single records). */
function requestMix(events: ReadonlyArray<Record<string, unknown>>, nowMillis: number): string[] {
  const keys = events.filter((_, i) => i % 97 === 0).map((e) => String(e.event_id));
  const iso = (ms: number) => microsToIso(BigInt(ms) * 1000n);
  const day = `from=${iso(nowMillis - 24 * HOUR_MS)}&to=${iso(nowMillis)}`;
  const paths = [
    `/v1/records?${day}`,
    `/v1/records?${day}&limit=1000&fields=event_id,status`,
    `/v1/records?${day}&airline=AF`,
    `/v1/records?${day}&airline=LH&status=DELAYED&limit=50`,
    `/v1/records?from=${iso(nowMillis - 4 * 24 * HOUR_MS)}&to=${iso(nowMillis - 3 * 24 * HOUR_MS)}&origin=CDG`,
    `/v1/records?from=${iso(nowMillis - 5 * 24 * HOUR_MS)}&to=${iso(nowMillis)}&fields=event_id,event_time,airline,status&limit=200`,
    '/healthz',
  ];
  for (const key of keys) paths.push(`/v1/records/${encodeURIComponent(key)}?from=${iso(nowMillis - 10 * 24 * HOUR_MS)}&to=${iso(nowMillis)}`);
  return paths;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number | undefined) => round((bytes ?? 0) / 1024 / 1024);

/** Starts `rate` requests per second over `paths` for `seconds`; resolves once every request has answered or timed out. */
async function paced(baseUrl: string, paths: string[], rate: number, seconds: number, onSample?: () => void) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let lateStarts = 0;
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now();
  let nextSample = started + 1000;
  for (let i = 0; i < total; i++) {
    const slot = started + (i * 1000) / rate;
    const wait = slot - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (performance.now() - slot > 20) lateStarts++;
    if (onSample && performance.now() >= nextSample) {
      onSample();
      nextSample += 1000;
    }
    const path = paths[i % paths.length];
    const t0 = performance.now();
    inFlight.push(
      fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
        async (response) => {
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (response.status !== 200) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`${response.status} ${path}`);
          }
        },
        (e: Error) => {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${e.name}: ${e.message} ${path}`);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { requests: total, errors, errorSamples, latencies, lateStarts };
}

/** Publishes the sample events through the API, 1,000 per request (Pub/Sub's batch limit). */
async function publish(server: ServerProcess, events: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const response = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events.slice(i, i + 1000)) });
    if (response.status !== 200) throw new Error(`loading sample events failed: ${response.status} ${await response.text()}`);
  }
}

/** One run: start the service, load it, measure, stop it. */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const bound = options.maxRssGrowthMb ?? 64;
  const server = await startServerProcess({
    PIPELINE_NAME: 'load-test',
    PIPELINE_SCHEMA: flightEvents.project(flightApiFields).toJson(),
    EVENTS_SCHEMA: flightEvents.toJson(),
  });
  try {
    const nowMillis = Date.now();
    const events = sampleFlightEvents({ nowMillis, flights: options.flights ?? 1500 });
    await publish(server, events);
    const paths = requestMix(events, nowMillis);
    await paced(server.url, paths, options.rate, options.warmupSeconds ?? 3);

    const pid = server.child.pid!;
    const before = rssBytes(pid);
    let peak = before ?? 0;
    const samples: number[] = [];
    const sample = () => {
      const rss = rssBytes(pid) ?? 0;
      samples.push(rss);
      peak = Math.max(peak, rss);
      if (options.soak && samples.length % 10 === 0) process.stderr.write(`t=${samples.length} s  server RSS ${mb(rss)} MB\n`);
    };
    const run = await paced(server.url, paths, options.rate, options.seconds, sample);
    const after = rssBytes(pid);
    peak = Math.max(peak, after ?? 0);
    const growth = mb(after) - mb(before);
    const secondHalfGrowth = round(mb(after) - mb(samples[Math.floor(samples.length / 2)] ?? before));
    return {
      rate: options.rate,
      seconds: options.seconds,
      requests: run.requests,
      errors: run.errors,
      errorSamples: run.errorSamples,
      latencyMs: {
        p50: round(percentile(run.latencies, 50)),
        p95: round(percentile(run.latencies, 95)),
        p99: round(percentile(run.latencies, 99)),
        max: round(run.latencies[run.latencies.length - 1] ?? 0),
      },
      lateStarts: run.lateStarts,
      rssMb: { before: mb(before), after: mb(after), peak: mb(peak), growth: round(growth), secondHalfGrowth, bound },
      rows: events.length,
      passed: run.errors === 0 && growth <= bound && (!options.soak || secondHalfGrowth <= SOAK_LEVEL_MB),
    };
  } finally {
    await server.stop();
  }
}

/** The command line: every option takes a positive number, except the flags `--json` and `--soak`. */
function commandLine(args: string[]) {
  const number = { type: 'string' } as const;
  const { values } = parseArgs({
    args,
    options: { 'rate': number, 'seconds': number, 'warmup': number, 'flights': number, 'max-rss-growth-mb': number, 'json': { type: 'boolean' }, 'soak': { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const positive = (name: Exclude<keyof typeof values, 'json' | 'soak'>, fallback: number): number => {
    const text = values[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
    return value;
  };
  return { positive, json: values.json ?? false, soak: values.soak ?? false };
}

async function cli(args: string[]): Promise<void> {
  const { positive, json, soak } = commandLine(args);
  const options: LoadTestOptions = {
    rate: positive('rate', 50),
    seconds: positive('seconds', 20),
    warmupSeconds: positive('warmup', 3),
    flights: positive('flights', 1500),
    maxRssGrowthMb: positive('max-rss-growth-mb', 64),
    soak,
  };
  if (options.rate > 2000 || options.seconds > 600) throw new Error('refusing to run above 2,000 requests/s or 600 s: this is a bounded test');
  const result = await runLoadTest(options);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const { latencyMs: l, rssMb: m } = result;
    process.stdout.write(
      [
        `${result.rows} events in DuckDB; ${result.requests} requests at ${result.rate}/s for ${result.seconds} s (loopback, open loop)`,
        `errors ${result.errors}${result.errorSamples.length ? ` (${result.errorSamples.join('; ')})` : ''}; late starts ${result.lateStarts}`,
        `latency p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`,
        `server RSS ${m.before} MB -> ${m.after} MB (peak ${m.peak} MB), growth ${m.growth} MB (bound ${m.bound} MB), of which ${m.secondHalfGrowth} MB in the second half`,
        result.passed ? 'PASS' : 'FAIL',
        '',
      ].join('\n'),
    );
  }
  process.exitCode = result.passed ? 0 : 1;
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`load test failed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
