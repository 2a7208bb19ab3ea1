import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { createLogger } from '../../src/service/logger';
import { DuckDbStore, StartDeadline } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import type { GetQuery, ListQuery, Page, Store, WireRecord } from '../../src/service/store/store';
import { microsToIso } from '../../src/schema/wire';
import { NOW_MILLIS, errorOf, harness } from '../service/app-harness';
import { registerGate } from '../service/duckdb-gate';
import { MICROS_PER_HOUR, T0, ticketData, tickets } from '../service/store-contract-data';

/**
 * Faults of the store and of clients, each ending in its documented status with no hung request: a failing store
 * (503 + Retry-After), a query running past the query timeout (504), a slow store (200 within the bound), a
 * client leaving mid-request (the query is cancelled, the server stays healthy); and recovery once the fault clears.
 * No verdict depends on how fast the machine is: the test decides when a query's deadline passes and how long a
 * slow store takes.
 */

/** What the fault injector does to each call: `held` waits until the test releases the held calls. */
type Fault = { kind: 'none' } | { kind: 'fail'; retryAfterSeconds: number } | { kind: 'held' } | { kind: 'hang' };

/**
 * Query deadlines that pass when the test says (`DuckDbStore`'s `startDeadline` seam), not after a time the query
 * may or may not outlast on this machine. With `passAtStart`, each passes right after its query started it, while
 * the store is still preparing the statement.
 */
class ManualDeadlines {
  public passAtStart = false;
  private readonly running = new Set<() => void>();

  public readonly start: StartDeadline = (onDeadline) => {
    this.running.add(onDeadline);
    if (this.passAtStart) queueMicrotask(() => this.passOne(onDeadline));
    return () => this.running.delete(onDeadline);
  };

  /** Passes the deadline of every query in flight. */
  public pass(): void {
    for (const onDeadline of [...this.running]) this.passOne(onDeadline);
  }

  private passOne(onDeadline: () => void): void {
    if (this.running.delete(onDeadline)) onDeadline();
  }
}

/**
 * Puts a gate into every read of the store's write-time index: the index table becomes a view whose rows pass
 * through `test_gate` (see ../service/duckdb-gate.ts), so `gate` runs while DuckDB executes a read. `calls` counts
 * the chunks of rows that went through.
 */
async function gateIndexReads(store: DuckDbStore, gate: () => void): Promise<{ calls: number }> {
  const seen = { calls: 0 };
  // Not a write of records: the index stays in use, as it is for every read in production.
  await store.withReadOnlyConnection(async (c) => {
    registerGate(c, () => {
      seen.calls++;
      gate();
    });
    await c.run(`ALTER TABLE ${store.tableName}_latest RENAME TO ${store.tableName}_latest_rows`);
    await c.run(`CREATE VIEW ${store.tableName}_latest AS SELECT * FROM ${store.tableName}_latest_rows WHERE test_gate(message_id)`);
  });
  return seen;
}

/** A count that tests can wait on instead of sleeping: `reached(n)` resolves once it is at least n. */
class Counter {
  public value = 0;
  private readonly waiting: { n: number; resolve: () => void }[] = [];

  public add(): void {
    this.value++;
    for (const w of this.waiting.filter((x) => this.value >= x.n)) w.resolve();
  }

  public reached(n: number): Promise<void> {
    return this.value >= n ? Promise.resolve() : new Promise((resolve) => this.waiting.push({ n, resolve }));
  }
}

/**
 * The real DuckDB store, watched: how many list calls have entered it, and how each one ended: `finished`,
 * `interrupted` (DuckDB stopped the running query) or `cancelled before running` (it waited for a connection).
 */
class WatchedStore implements Store {
  public readonly entered = new Counter();
  public readonly settled = new Counter();
  public readonly outcomes: string[] = [];

  public constructor(private readonly inner: DuckDbStore) {}

  public async list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    this.entered.add();
    try {
      const page = await this.inner.list(query, signal);
      this.outcomes.push('finished');
      return page;
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      const cancelled = /cancelled before (the query|it) ran/.test((e as Error).message);
      this.outcomes.push(cause && /interrupt/i.test(cause.message) ? 'interrupted' : cancelled ? 'cancelled before running' : `failed: ${(e as Error).message}`);
      throw e;
    } finally {
      this.settled.add();
    }
  }

  public get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> {
    return this.inner.get(query, signal);
  }

  public ping(signal?: AbortSignal): Promise<void> {
    return this.inner.ping(signal);
  }

  public close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * A real store behind a switchable fault. `hang` answers nothing until the request's signal aborts (what a client
 * library does when its caller gives up); `aborted` counts the calls whose signal did abort.
 */
class FaultyStore implements Store {
  public fault: Fault = { kind: 'none' };
  public readonly calls = new Counter();
  public readonly aborted = new Counter();
  private readonly held: Array<() => void> = [];

  public constructor(private readonly inner: Store) {}

  /** Lets every held call go on to the real store. */
  public release(): void {
    for (const release of this.held.splice(0)) release();
  }

  public list(query: ListQuery, signal?: AbortSignal): Promise<Page> {
    return this.faulty(signal, () => this.inner.list(query, signal));
  }

  public get(query: GetQuery, signal?: AbortSignal): Promise<WireRecord | undefined> {
    return this.faulty(signal, () => this.inner.get(query, signal));
  }

  public ping(signal?: AbortSignal): Promise<void> {
    return this.faulty(signal, () => this.inner.ping(signal));
  }

  public close(): Promise<void> {
    return this.inner.close();
  }

  private async faulty<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    this.calls.add();
    signal?.addEventListener('abort', () => this.aborted.add(), { once: true });
    const fault = this.fault;
    if (fault.kind === 'fail') throw new StoreError(StoreErrorKind.UNAVAILABLE, 'injected: the store is down', fault.retryAfterSeconds);
    if (fault.kind === 'held') await new Promise<void>((release) => this.held.push(release));
    if (fault.kind === 'hang') {
      await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new StoreError(StoreErrorKind.TIMEOUT, 'cancelled')), { once: true }));
    }
    return call();
  }
}

const WINDOW = `from=${microsToIso(T0)}&to=${microsToIso(T0 + 500n * MICROS_PER_HOUR)}`;

async function ticketStore(options: { queryTimeoutMs?: number; startDeadline?: StartDeadline; readConnections?: number } = {}): Promise<DuckDbStore> {
  const store = await DuckDbStore.create({ schema: tickets, ...options });
  await store.insert(ticketData());
  return store;
}

/** An HTTP server on loopback serving the app; resolves with its URL and a close function. */
async function listen(app: ReturnType<typeof harness>['app']): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        (server as unknown as import('node:http').Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('faults of the store', () => {
  test('a failing store answers 503 with Retry-After and the error shape; the same app answers 200 once it recovers', async () => {
    const faulty = new FaultyStore(await ticketStore());
    const { app } = harness({ store: faulty, schema: tickets });
    try {
      faulty.fault = { kind: 'fail', retryAfterSeconds: 7 };
      for (const path of [`/v1/records?${WINDOW}`, `/v1/records/5?${WINDOW}`, '/readyz']) {
        const response = await app.request(path);
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect((await errorOf(response)).code).toBe('UNAVAILABLE');
      }
      expect((await app.request(`/v1/records?${WINDOW}`)).headers.get('retry-after')).toBe('7');
      expect((await app.request('/healthz')).status).toBe(200); // the process is alive: Cloud Run must not restart it

      faulty.fault = { kind: 'none' };
      const recovered = await app.request(`/v1/records?${WINDOW}&limit=5`);
      expect(recovered.status).toBe(200);
      expect(((await recovered.json()) as { records: unknown[] }).records).toHaveLength(5);
      expect((await app.request('/readyz')).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });

  test('a real DuckDB store that is closed answers 503 with Retry-After, never a 500', async () => {
    const store = await ticketStore();
    const { app } = harness({ store, schema: tickets });
    await store.close();
    const response = await app.request(`/v1/records?${WINDOW}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await errorOf(response)).code).toBe('UNAVAILABLE');
  });

  test('a query running past the query timeout is interrupted inside DuckDB: 504, and the next queries answer', async () => {
    const deadlines = new ManualDeadlines();
    const store = await ticketStore({ startDeadline: deadlines.start });
    // The deadlines pass while DuckDB is executing the queries, whatever the speed of the machine.
    let armed = true;
    const gate = await gateIndexReads(store, () => armed && deadlines.pass());
    const watched = new WatchedStore(store);
    const { app } = harness({ store: watched, schema: tickets });
    try {
      // One query at a time, so that each deadline passes while its own query runs: a deadline passing between the
      // call into DuckDB and the start of execution would reach no query (see the prepare case below).
      for (const limit of [1, 2, 3]) {
        const response = await app.request(`/v1/records?${WINDOW}&limit=${limit}`);
        expect(response.status).toBe(504);
        expect((await errorOf(response)).code).toBe('DEADLINE_EXCEEDED');
      }
      // Each query ran, and DuckDB stopped it when its deadline passed (no query ended on its own).
      expect(gate.calls).toBe(3);
      expect(watched.outcomes).toEqual(['interrupted', 'interrupted', 'interrupted']);
      // The interrupted connections are back in the pool: queries whose deadline does not pass answer.
      armed = false;
      const after = await Promise.all([app.request(`/v1/records/5?${WINDOW}`), app.request(`/v1/records?${WINDOW}&limit=3`)]);
      expect(after.map((r) => r.status)).toEqual([200, 200]);
      expect((await after[0].json()) as WireRecord).toMatchObject({ id: 5, state: 'closed' });
    } finally {
      await store.close();
    }
  });

  test('a deadline that passes while the statement is prepared fails the read with 504: the query never runs unbounded', async () => {
    const deadlines = new ManualDeadlines();
    const store = await ticketStore({ startDeadline: deadlines.start, readConnections: 1 });
    const gate = await gateIndexReads(store, () => undefined);
    const { app } = harness({ store, schema: tickets });
    const path = `/v1/records/5?${WINDOW}`;
    try {
      // The statement is prepared once and cached: the deadline then passes while the connection is idle, and its
      // interrupt reaches no query.
      expect((await app.request(path)).status).toBe(200);
      const callsBefore = gate.calls;
      expect(callsBefore).toBeGreaterThan(0);

      deadlines.passAtStart = true;
      const response = await app.request(path);
      expect(response.status).toBe(504);
      expect((await errorOf(response)).code).toBe('DEADLINE_EXCEEDED');
      // The store refused to start the query: DuckDB read no row for it.
      expect(gate.calls).toBe(callsBefore);

      deadlines.passAtStart = false;
      expect((await app.request(path)).status).toBe(200);
    } finally {
      await store.close();
    }
  });

  test('a slow store (under the timeout) answers every one of 20 concurrent requests: none waits for another', async () => {
    const faulty = new FaultyStore(await ticketStore());
    faulty.fault = { kind: 'held' };
    const { app } = harness({ store: faulty, schema: tickets });
    try {
      const responses = Promise.all(Array.from({ length: 20 }, (_, i) => app.request(`/v1/records?${WINDOW}&limit=${i + 1}`)));
      // All twenty are in the store at once before any answers: the app does not serialize slow queries.
      await faulty.calls.reached(20);
      faulty.release();
      expect((await responses).map((r) => r.status)).toEqual(Array(20).fill(200));
    } finally {
      await faulty.close();
    }
  });
});

describe('faults of clients, over a real HTTP server', () => {
  test('a client that disconnects mid-request cancels its query; the server stays healthy and later requests answer', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    const faulty = new FaultyStore(await ticketStore());
    const store = await DuckDbStore.create({ schema: tickets });
    const publisher = new LocalPublisher({ sink: store, schema: tickets, clock: { nowMillis: () => NOW_MILLIS }, logger: createLogger(() => undefined) });
    const { app, logs } = harness({ store: faulty, schema: tickets, publisher });
    const server = await listen(app);
    try {
      faulty.fault = { kind: 'hang' };
      // Ten GETs whose answers never come, abandoned by their clients once all ten hang in the store.
      const requests: ReturnType<typeof httpRequest>[] = [];
      const abandoned = Array.from({ length: 10 }, (_, i) =>
        new Promise<string>((resolve) => {
          const req = httpRequest(`${server.url}/v1/records?${WINDOW}&limit=${i + 1}`, { agent: false });
          req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
          req.on('response', () => resolve('answered'));
          req.end();
          requests.push(req);
        }),
      );
      await faulty.calls.reached(10);
      expect(faulty.aborted.value).toBe(0);
      for (const req of requests) req.destroy();
      expect(await Promise.all(abandoned)).toEqual(Array(10).fill('ECONNRESET'));
      // Every abandoned query sees its signal abort: nothing keeps running for a client that left.
      await faulty.aborted.reached(10);
      // A POST whose body stops half-way, then the socket goes: the handler never reaches the store.
      const body = JSON.stringify([{ id: 1, event_time: 1, due: null, state: null }]);
      const socket = connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      socket.write(`POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      socket.destroy();
      await socketClosed;
      expect(faulty.calls.value).toBe(10);

      faulty.fault = { kind: 'none' };
      const later = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/v1/records?${WINDOW}&limit=3`)));
      expect(later.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(uncaught).toEqual([]);
      expect(logs.filter((e) => e.severity === 'ERROR' && !/ 5\d\d$/.test(e.message))).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
      await server.close();
      await faulty.close();
      await store.close();
    }
  });

  test('clients leaving while their queries are in the real DuckDB store stop them and free the connections: later queries answer', async () => {
    // Two read connections on any machine (the default is one per core), so that four of the six queries wait.
    const store = await ticketStore({ queryTimeoutMs: 60_000, readConnections: 2 });
    await store.withConnection((c) => c.run(
      `INSERT INTO records SELECT 1000000 + i, TIMESTAMP '2024-05-01 00:00:00' + to_microseconds(i * 3), NULL, 'open', 'local', 'bulk-' || i, TIMESTAMP '2024-05-11 00:00:00', NULL FROM range(1000000) t(i)`,
    ));
    const watched = new WatchedStore(store);
    const { app } = harness({ store: watched, schema: tickets });
    const server = await listen(app);
    try {
      // More heavy queries than the store has read connections (2): two run in DuckDB, four wait for a connection.
      const heavy = `${server.url}/v1/records?from=${microsToIso(T0)}&to=${microsToIso(T0 + MICROS_PER_HOUR)}&limit=1000`;
      const clients = Array.from({ length: 6 }, () => new AbortController());
      const outcomes = Promise.all(clients.map((client) => fetch(heavy, { signal: client.signal }).then((r) => String(r.status), (e: Error) => e.name)));
      // Every client leaves once all six requests are inside the store, not after a guessed delay.
      await watched.entered.reached(6);
      for (const client of clients) client.abort();
      expect(await outcomes).toEqual(Array(6).fill('AbortError'));

      await watched.settled.reached(6);
      // Each query stopped when its client left (the query timeout is a minute away): interrupted inside DuckDB, or
      // never run when it was still waiting for a connection. None ran to its end: DuckDB drops an interrupt that
      // arrives just before its query starts executing, and the store repeats it until the query settles.
      expect(watched.outcomes.filter((o) => !['interrupted', 'cancelled before running'].includes(o))).toEqual([]);
      expect(watched.outcomes.filter((o) => o === 'cancelled before running').length).toBeGreaterThan(0);
      // Their connections are back: a small query answers.
      const later = await Promise.all(Array.from({ length: 4 }, () => fetch(`${server.url}/v1/records/5?${WINDOW}`)));
      expect(later.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
