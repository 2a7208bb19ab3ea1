import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { createLogger } from '../../src/service/logger';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import type { GetQuery, ListQuery, Page, Store, WireRecord } from '../../src/service/store/store';
import { microsToIso } from '../../src/schema/wire';
import { NOW_MILLIS, errorOf, harness } from '../service/app-harness';
import { MICROS_PER_HOUR, T0, ticketData, tickets } from '../service/store-contract-data';

/**
 * Faults of the store and of clients, each ending in its documented status with no hung request: a failing store
 * (503 + Retry-After), a query running past the query timeout (504), a slow store (200 within the bound), a
 * client leaving mid-request (the query is cancelled, the server stays healthy); and recovery once the fault clears.
 */

/** What the fault injector does to each call. */
type Fault = { kind: 'none' } | { kind: 'fail'; retryAfterSeconds: number } | { kind: 'slow'; delayMs: number } | { kind: 'hang' };

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

  public constructor(private readonly inner: Store) {}

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
    if (fault.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.kind === 'hang') {
      await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new StoreError(StoreErrorKind.TIMEOUT, 'cancelled')), { once: true }));
    }
    return call();
  }
}

const WINDOW = `from=${microsToIso(T0)}&to=${microsToIso(T0 + 500n * MICROS_PER_HOUR)}`;

async function ticketStore(options: { queryTimeoutMs?: number } = {}): Promise<DuckDbStore> {
  const store = await DuckDbStore.create({ schema: tickets, queryTimeoutMs: options.queryTimeoutMs });
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

  test('a query running past the query timeout is interrupted: 504 within the bound, and the next query answers', async () => {
    const store = await ticketStore({ queryTimeoutMs: 25 });
    // 1,000,000 rows in one hour: de-duplicating them by key takes far longer than 25 ms on any machine.
    await store.withConnection((c) => c.run(
      `INSERT INTO records SELECT 1000000 + i, TIMESTAMP '2024-05-01 00:00:00' + to_microseconds(i * 3), NULL, 'open', 'local', 'bulk-' || i, TIMESTAMP '2024-05-11 00:00:00', NULL FROM range(1000000) t(i)`,
    ));
    const { app } = harness({ store, schema: tickets });
    try {
      const started = performance.now();
      const responses = await Promise.all([1, 2, 3].map(() => app.request(`/v1/records?from=${microsToIso(T0)}&to=${microsToIso(T0 + MICROS_PER_HOUR)}&limit=1000`)));
      const elapsedMs = performance.now() - started;
      for (const response of responses) {
        expect(response.status).toBe(504);
        expect((await errorOf(response)).code).toBe('DEADLINE_EXCEEDED');
      }
      // Three queries on two connections, each cut at 25 ms: far below the 10 s Cloud Run leaves a request.
      expect(elapsedMs).toBeLessThan(3000);
      // The interrupted connections are back in the pool: a small query answers at once.
      const after = await app.request(`/v1/records/5?${WINDOW}`);
      expect(after.status).toBe(200);
      expect((await after.json()) as WireRecord).toMatchObject({ id: 5, state: 'closed' });
    } finally {
      await store.close();
    }
  });

  test('a slow store (300 ms per query, under the timeout) answers every one of 20 concurrent requests within the bound', async () => {
    const faulty = new FaultyStore(await ticketStore());
    faulty.fault = { kind: 'slow', delayMs: 300 };
    const { app } = harness({ store: faulty, schema: tickets });
    try {
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => app.request(`/v1/records?${WINDOW}&limit=${i + 1}`)));
      const elapsedMs = performance.now() - started;
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(elapsedMs).toBeLessThan(2000);
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
    const store = await ticketStore({ queryTimeoutMs: 60_000 });
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
      // never run when it was still waiting for a connection. DuckDB drops an interrupt that arrives before its query
      // starts executing, so a query caught in that instant still runs to its end; none may fail otherwise.
      expect(watched.outcomes.filter((o) => !['interrupted', 'cancelled before running', 'finished'].includes(o))).toEqual([]);
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
