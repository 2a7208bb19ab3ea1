import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Socket, connect } from 'node:net';
import { flightEvents } from '../../examples/flights/flight-events';
import { sampleFlightEvents } from '../../examples/flights/sample-events';
import { microsToIso } from '../../src/schema/wire';
import { ServerProcess, startServerProcess } from './server-process';

/**
 * SIGTERM under load, on the real server process (what Cloud Run does on every scale-in and deploy): every request
 * already accepted gets its full response, new connections are refused, and the process exits 0 within Cloud Run's
 * 10 s between SIGTERM and SIGKILL.
 */

const CLOUD_RUN_GRACE_MS = 10_000;

/** A GET sent in full (`sent` gets the client socket's local port); resolves with its status and body size, or the client-side error code. */
function get(url: string, sent: Array<Promise<number>>): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false });
    sent.push(new Promise((r) => req.once('finish', () => r(req.socket?.localPort ?? 0))));
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve(`${res.statusCode}${bytes > 0 ? '' : ' empty'}`));
      res.on('error', (e) => resolve(`response ${e.message}`));
    });
    req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
    req.end();
  });
}

/**
 * Remote ports of the connections to `serverPort` still waiting in the kernel's accept queue: established, but with
 * no socket inode yet (inode 0 in /proc/net/tcp and tcp6). Closing the listener resets those, and no server can answer
 * a request it never accepted, so the test waits until none of its connections is left there before the signal (an
 * accepted connection has an inode; one already answered and closed is no longer established). Undefined where
 * /proc/net/tcp does not exist (not Linux).
 */
function queuedRemotePorts(serverPort: number): Set<number> | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined;
  const ports = new Set<number>();
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((file) => existsSync(file));
  for (const line of tables.flatMap((file) => readFileSync(file, 'utf8').split('\n').slice(1))) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 10) continue;
    const localPort = parseInt(columns[1]!.split(':')[1]!, 16);
    const remotePort = parseInt(columns[2]!.split(':')[1]!, 16);
    const established = columns[3] === '01';
    if (localPort === serverPort && established && columns[9] === '0') ports.add(remotePort);
  }
  return ports;
}

/** Waits until none of these client connections waits in the server's accept queue (checking every 20 ms). */
async function acceptedWithin(serverPort: number, clientPorts: number[], boundMs: number): Promise<boolean> {
  const until = performance.now() + boundMs;
  while (performance.now() < until) {
    const queued = queuedRemotePorts(serverPort);
    if (!queued || !clientPorts.some((p) => queued.has(p))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
  });
}

/** Whether a connection to the port is refused within the bound (trying every 50 ms). */
async function refusedWithin(port: number, boundMs: number): Promise<boolean> {
  const until = performance.now() + boundMs;
  while (performance.now() < until) {
    if ((await connectOutcome(port)) === 'ECONNREFUSED') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('graceful shutdown of the real server process under load', () => {
  let server: ServerProcess;
  const events = sampleFlightEvents({ nowMillis: Date.now() - 60_000, flights: 2500, days: 4 });
  const times = events.map((e) => BigInt(e.event_time as number));
  const window = `from=${microsToIso(times.reduce((a, b) => (a < b ? a : b)))}&to=${microsToIso(times.reduce((a, b) => (a > b ? a : b)) + 1n)}`;

  beforeAll(async () => {
    server = await startServerProcess({ PIPELINE_SCHEMA: flightEvents.toJson(), PIPELINE_NAME: 'shutdown' });
    for (let i = 0; i < events.length; i += 1000) {
      const response = await fetch(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events.slice(i, i + 1000)) });
      expect(response.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test('SIGTERM with 24 queries and a half-sent publish in flight: all answered, new connections refused, exit 0 within 10 s', async () => {
    // A publish whose body is half-sent when SIGTERM arrives: accepted, so it must still be answered.
    const body = JSON.stringify([{ ...events[0], event_id: 'published-during-drain' }]);
    const slow = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => slow.once('connect', resolve));
    let slowAnswer = '';
    slow.on('data', (chunk: Buffer) => (slowAnswer += chunk.toString()));
    const slowClosed = new Promise((resolve) => slow.once('close', resolve));
    slow.write(`POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 100)}`);

    // Twenty-four heavy queries (about 1,000 records each over the whole window), sent in full before the signal; each
    // its own (limits differ), since the local store shares one query among identical requests. The fields in reverse
    // order make the store decode and reorder every record: a page sent as the index holds it now takes a few
    // milliseconds, and all 24 could be answered before the signal, leaving no drain to prove.
    const sent: Array<Promise<number>> = [];
    const fields = `fields=${[...flightEvents.fieldNames].reverse().join(',')}`;
    const answers = Array.from({ length: 24 }, (_, i) => get(`${server.url}/v1/records?${window}&${fields}&limit=${1000 - i}${i % 2 ? '&airline=AF' : ''}`, sent));
    const clientPorts = [...(await Promise.all(sent)), slow.localPort ?? 0];
    expect(await acceptedWithin(server.port, clientPorts, 10_000)).toBe(true);

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    // The listener closes a moment after the signal: then a new connection is refused while the accepted requests drain.
    expect(await refusedWithin(server.port, 5_000)).toBe(true);

    slow.write(body.slice(100));
    expect(await Promise.all(answers)).toEqual(Array(24).fill('200'));
    await slowClosed;
    expect(slowAnswer).toMatch(/^HTTP\/1\.1 200 /);
    // Answers given during the drain close their keep-alive connection, so it cannot hold the exit back.
    expect(slowAnswer).toMatch(/\r\nConnection: close\r\n/i);
    expect(slowAnswer).toMatch(/"messageIds":\["\d+"\]/);

    const code = await server.exited;
    expect(code).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(CLOUD_RUN_GRACE_MS);
    // The server's own log proves the drain: queries it answered after it logged the signal were still running then.
    const [before, after] = server.output().split(/"message":"SIGTERM received: finishing in-flight requests[^"]*"/);
    expect(after).toBeDefined();
    const answered = (text: string) => (text.match(/"message":"GET \/v1\/records 200"/g) ?? []).length;
    expect(answered(before) + answered(after)).toBe(24);
    expect(answered(after)).toBeGreaterThan(0);
  }, 30_000);
});
