// API benchmark (loopback only, bounded): our full request path against a bare node:http handler answering the
// same query from the same DuckDB store, then the bundled service's cold start and size.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_S = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = 32;

/** Loads one URL, or (`distinct`) the same page with `to` a millisecond earlier per request, so no two share an answer. */
function load(target) {
  const options = typeof target === 'string' ? { url: target } : distinctPages(target);
  return new Promise((resolve, reject) => {
    autocannon({ ...options, connections: CONNECTIONS, duration: DURATION_S }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

// One count for every run: the measured run must not ask the pages its warm-up run left in the cache.
let n = 0;
function distinctPages({ port, from, toMillis }) {
  const path = () => `/v1/records?from=${from}&to=${new Date(toMillis - n++).toISOString()}&limit=100`;
  return { url: `http://127.0.0.1:${port}`, requests: [{ setupRequest: (request) => ({ ...request, path: path() }) }] };
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawn to first 200 on /healthz, in milliseconds. */
async function coldStart(bundle) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bundle], {
    // The cloud configuration: the BigQuery store connects lazily, so nothing leaves the machine before /healthz.
    // Only the service's variables, as in its container: inheriting this shell's environment would also inherit
    // settings such as NODE_EXTRA_CA_CERTS, which alone adds ~45 ms to every Node start here.
    env: {
      PATH: process.env.PATH, PORT: String(port), STORE: 'bigquery', GOOGLE_CLOUD_PROJECT: 'bench-project', BIGQUERY_DATASET: 'flights_api',
      BIGQUERY_VIEW: 'flights', BIGQUERY_LOCATION: 'EU', PIPELINE_NAME: 'flights', PIPELINE_SCHEMA: schemaJson,
    },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 2000; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) return Number(process.hrtime.bigint() - started) / 1e6;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error('the bundled service did not answer /healthz within the bound');
  } finally {
    child.kill('SIGKILL');
  }
}

const work = mkdtempSync(join(root, 'bench', '.api-'));
let servers;
let schemaJson;
try {
  const entry = join(work, 'api-servers.js');
  await build({ entryPoints: [join(root, 'bench', 'api-servers.ts')], outfile: entry, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['@duckdb/node-api'], logLevel: 'error' });
  // On 2 cores the load generator and the servers would fight over both: pin the servers to core 0 and this process
  // (autocannon) to core 1 when taskset exists, so the two sides do not steal time from each other.
  const pinned = availableParallelism() >= 2 && spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' }).status === 0;
  console.log(`GET 100 records of the last 24 h; ${CONNECTIONS} connections, ${DURATION_S} s each, loopback`);
  console.log(pinned ? 'servers pinned to core 0, load generator to core 1' : 'not pinned (taskset missing or one core): the two sides share the cores');
  const stores = [
    ['duckdb-ranked', 'DuckDB store ranking the window on every read (the query shape before the write-time index)'],
    ['duckdb-index', 'DuckDB store alone: the write-time index and its fence, every request a query'],
    ['duckdb', 'DuckDB store as the local service runs it: the index, and answers reused until the next write'],
    ['memory', 'in-memory store (bench only: isolates the HTTP request path)'],
  ].filter(([store]) => !process.env.BENCH_API_STORES || process.env.BENCH_API_STORES.split(',').includes(store));
  const byStore = {};
  for (const [store, title] of stores) {
    const env = { ...process.env, BENCH_STORE: store };
    const stdio = ['ignore', 'ignore', 'inherit', 'ipc'];
    servers = pinned ? spawn('taskset', ['-c', '0', process.execPath, entry], { env, stdio }) : fork(entry, { env, stdio });
    const urls = await new Promise((resolve, reject) => {
      servers.once('message', resolve);
      servers.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
    });
    console.log(`\n${title}, ${urls.rows} events`);
    const results = {};
    // Warm both before measuring either (JIT, DuckDB caches, connection pools), so the order does not favour one.
    // Between runs, wait for the store to finish the requests a run leaves in flight when it stops (32 queued
    // DuckDB queries take ~1 s): otherwise they would slow the next run down, whichever front end it measures.
    const loadDrained = async (target) => {
      await fetch(urls.drained);
      return load(target);
    };
    // Stores in front of a database also take a load of distinct pages: what each request costs when none is reused.
    const runs = store.startsWith('duckdb-') || store === 'memory' ? ['bare', 'ours'] : ['bare', 'ours', 'distinct'];
    const titles = { bare: 'bare node:http', ours: 'query API (Hono, full path)', distinct: 'query API, distinct pages' };
    for (const name of runs) await loadDrained(urls[name]);
    for (const name of runs) {
      results[name] = await loadDrained(urls[name]);
      const r = results[name];
      const failures = r.errors + r.timeouts + r.non2xx;
      console.log(`  ${titles[name]}`.padEnd(32),
        `${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  failures ${failures}`);
    }
    const ratio = results.ours.requests.average / results.bare.requests.average;
    console.log(`  throughput ours / bare = ${(ratio * 100).toFixed(0)}% (target >= 80%) ${ratio >= 0.8 ? 'OK' : 'MISSED'}`);
    console.log(`  p99 at ${CONNECTIONS} connections = ${results.ours.latency.p99} ms (target < 50 ms) ${results.ours.latency.p99 < 50 ? 'OK' : 'MISSED'}`);
    byStore[store] = results.ours;
    const before = byStore['duckdb-ranked'];
    if (store.startsWith('duckdb') && store !== 'duckdb-ranked' && before) {
      const shape = store === 'duckdb' ? 'as the service runs it' : 'store alone';
      const speedup = results.ours.requests.average / before.requests.average;
      console.log(`  DuckDB list pages ${shape} / ranking the window = ${speedup.toFixed(1)}x (target >= 10x) ${speedup >= 10 ? 'OK' : 'MISSED'}`);
      console.log(`  DuckDB p99 ${shape} at ${CONNECTIONS} connections = ${results.ours.latency.p99} ms, before ${before.latency.p99} ms (target < 100 ms) ${results.ours.latency.p99 < 100 ? 'OK' : 'MISSED'}`);
    }
    if (results.distinct && before) {
      const r = results.distinct;
      console.log(`  distinct pages (no answer reused): ${(r.requests.average / before.requests.average).toFixed(1)}x the ranked shape, p99 ${r.latency.p99} ms (target < 100 ms) ${r.latency.p99 < 100 ? 'OK' : 'MISSED'}`);
    }
    servers.kill();
    await new Promise((resolve) => (servers.exitCode !== null || servers.signalCode !== null ? resolve() : servers.once('exit', resolve)));
  }
  // The cold start below runs on every core, as a Cloud Run instance would.
  if (pinned) spawnSync('taskset', ['-a', '-cp', `0-${availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' });
} finally {
  servers?.kill();
}

try {
  const bundle = join(root, 'dist', 'service', 'server.js');
  const { flightEvents } = await import(join(work, 'schema.cjs')).catch(async () => {
    await build({ entryPoints: [join(root, 'examples', 'flights', 'flight-events.ts')], outfile: join(work, 'schema.cjs'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
    return import(join(work, 'schema.cjs'));
  });
  schemaJson = flightEvents.toJson();
  await new Promise((resolve, reject) => spawn(process.execPath, [join(root, 'scripts', 'build-service.mjs')], { stdio: 'inherit' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('build:service failed')))));
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await coldStart(bundle));
  const best = Math.min(...runs);
  const size = statSync(bundle).size / 1024 / 1024;
  console.log(`cold start (spawn to first 200 on /healthz), best of 5 = ${best.toFixed(0)} ms (target < 300 ms) ${best < 300 ? 'OK' : 'MISSED'}`);
  console.log(`bundle dist/service/server.js = ${size.toFixed(2)} MB (target < 2 MB) ${size < 2 ? 'OK' : 'MISSED'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
