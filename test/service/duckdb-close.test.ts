import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, FieldMode, RecordSchema } from '../../src/schema';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { StoreError, StoreErrorKind } from '../../src/service/store/errors';
import { registerGate } from './duckdb-gate';
import { T0, published } from './store-contract-data';

/**
 * Closing the store while it works. A DuckDB connection closed under a running query leaves that query's worker
 * thread blocked for good, and a Node process then never exits, not even through process.exit (measured: it
 * joins the worker threads). close() must therefore let every query end before it closes anything.
 */

const required = { mode: FieldMode.REQUIRED };
const tiny = new RecordSchema({
  name: 'Tiny',
  fields: [Field.string('id', required), Field.timestamp('event_time', required)],
  eventTimeField: 'event_time',
  keyField: 'id',
});
const window = { fromMicros: T0, toMicros: T0 + 3_600_000_000n, limit: 10, fields: tiny.fieldNames, filters: {} };
/**
 * Stands in for the table: a list query over it runs far longer than any test waits. Its rows pass through
 * `test_gate` (./duckdb-gate.ts), which tells the test that a query is running.
 */
const ENDLESS_VIEW = (table: string) =>
  `CREATE VIEW ${table} AS SELECT 'k' || (i % 1000003)::VARCHAR AS id, TIMESTAMP '2024-05-01' + to_microseconds(i % 1000) AS event_time,
   TIMESTAMP '2024-05-01' AS publish_time, i::VARCHAR AS message_id FROM range(5000000000) t(i) WHERE test_gate(message_id)`;

/** A store over the endless view; `running` resolves once DuckDB executes a query over it. */
async function endlessStore(readConnections: number): Promise<{ store: DuckDbStore; running: Promise<void> }> {
  const store = await DuckDbStore.create({ schema: tiny, queryTimeoutMs: 600_000, readConnections });
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  await store.withConnection(async (c) => {
    registerGate(c, () => started());
    await c.run(`DROP TABLE ${store.tableName}`);
    await c.run(ENDLESS_VIEW(store.tableName));
  });
  return { store, running };
}

function kindOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (e) => (e instanceof StoreError ? e.kind : `not a StoreError: ${(e as Error).message}`),
  );
}

describe('DuckDbStore.close() while the store works', () => {
  test('interrupts the running query, refuses the waiting ones, and resolves once all have ended', async () => {
    const { store, running: executing } = await endlessStore(1);
    const running = kindOf(store.list(window));
    const waiting = kindOf(store.list(window));
    // Closed while DuckDB is executing the first query, not after a guessed delay.
    await executing;
    await store.close();
    expect(await running).toBe(StoreErrorKind.UNAVAILABLE);
    expect(await waiting).toBe(StoreErrorKind.UNAVAILABLE);
    expect(await kindOf(store.ping())).toBe(StoreErrorKind.UNAVAILABLE);
  });

  test('completes the writes queued before it and refuses those after it: a reopened file holds exactly the former', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-close-'));
    try {
      const path = join(dir, 'store.duckdb');
      const store = await DuckDbStore.create({ schema: tiny, path });
      const before = Array.from({ length: 5 }, (_, i) =>
        store.write(Array.from({ length: 2000 }, (_, j) => published({ id: `k${i}-${j}`, event_time: T0 + BigInt(j) }, `m${i}-${j}`, T0))),
      );
      const closing = store.close();
      const after = kindOf(store.write([published({ id: 'late', event_time: T0 }, 'late', T0)]));
      await closing;
      expect((await Promise.all(before)).map((r) => r.inserted)).toEqual([2000, 2000, 2000, 2000, 2000]);
      expect(await after).toBe(StoreErrorKind.UNAVAILABLE);

      const reopened = await DuckDbStore.create({ schema: tiny, path });
      const count = await reopened.withConnection((c) => c.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(*) FILTER (id = 'late')::INTEGER AS late FROM ${reopened.tableName}`));
      expect(count.getRowObjects()).toEqual([{ n: 10_000, late: 0 }]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('waits for SQL lent out through withConnection before closing the connection under it', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    let finished = false;
    const lent = store.withConnection(async (c) => {
      await new Promise((r) => setTimeout(r, 100));
      await c.run('SELECT 1');
      finished = true;
    });
    await store.close();
    expect(finished).toBe(true);
    await expect(lent).resolves.toBeUndefined();
    expect(await kindOf(store.withConnection((c) => c.run('SELECT 1')))).toBe(StoreErrorKind.UNAVAILABLE);
  });

  test('is idempotent: concurrent calls share one close', async () => {
    const store = await DuckDbStore.create({ schema: tiny });
    const first = store.close();
    expect(store.close()).toBe(first);
    await first;
  });

  // The failure this guards against is a process that never ends: only a separate process can show it.
  test('a process that closes the store under running queries exits by itself', async () => {
    const script = `
      const { DuckDbStore } = require(${JSON.stringify(require.resolve('../../src/service/store/duckdb-store'))});
      const { RecordSchema } = require(${JSON.stringify(require.resolve('../../src/schema'))});
      const { registerGate } = require(${JSON.stringify(require.resolve('./duckdb-gate'))});
      (async () => {
        const schema = RecordSchema.fromJson(process.env.SCHEMA);
        const store = await DuckDbStore.create({ schema, queryTimeoutMs: 600000, readConnections: 2 });
        let started;
        const running = new Promise((resolve) => (started = resolve));
        await store.withConnection(async (c) => { registerGate(c, () => started()); await c.run('DROP TABLE records'); await c.run(process.env.VIEW_SQL); });
        const from = ${T0}n;
        const queries = [1, 2, 3].map(() => store.list({ fromMicros: from, toMicros: from + 3600000000n, limit: 10, fields: ['id'], filters: {} }).catch((e) => e.kind));
        await running; // a query is executing in DuckDB when the store closes
        await store.close();
        console.log(JSON.stringify(await Promise.all(queries)));
      })();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--eval', script], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, SCHEMA: tiny.toJson(), VIEW_SQL: ENDLESS_VIEW('records') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Generous: the process needs about a second; before the fix it never ended.
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: JSON.stringify(Array(3).fill(StoreErrorKind.UNAVAILABLE)) });
  }, 60_000);
});
