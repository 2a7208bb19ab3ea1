import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { flightEvents } from '../../examples/flights/flight-events';
import {
  CheckOptions, compareRecord, exitCodeOf, formatReport, generateEvents, optionsFromArgs, runPostDeployCheck,
} from '../../scripts/post-deploy-check';
import { AvroEventValidator } from '../../src/service/events/avro-event';
import { parseConfig } from '../../src/service/config';
import { silentLogger } from '../../src/service/logger';
import { RunningService, startService } from '../../src/service/server';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The local pipeline: the real service on DuckDB, playing topic, subscription and table. */
let pipeline: RunningService;

beforeAll(async () => {
  pipeline = await startService({ ...parseConfig({ STORE: 'duckdb', PIPELINE_SCHEMA: flightEvents.toJson(), PIPELINE_NAME: 'flights' }), port: 0 }, silentLogger);
});

afterAll(async () => {
  await pipeline?.close();
});

/** A throwaway HTTP server on a free loopback port. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

async function body(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function options(overrides: Partial<CheckOptions>): CheckOptions {
  return {
    apiUrl: pipeline.url, eventsUrl: `${pipeline.url}/v1/events`, schema: flightEvents, events: 3, timeoutMs: 15_000, pollIntervalMs: 50,
    apiHeaders: {}, pubsubEndpoint: 'http://127.0.0.1:9', ...overrides,
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, path.join(ROOT, 'scripts', 'post-deploy-check.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('post-deploy check against the local pipeline', () => {
  it('publishes keyed events, reads each back, finds every field equal and measures the latency', async () => {
    const report = await runPostDeployCheck(options({}));
    expect(report.error).toBeUndefined();
    expect(report.timedOut).toEqual([]);
    expect(report.results).toHaveLength(3);
    for (const r of report.results) {
      expect(r.key).toMatch(new RegExp(`^post-deploy-${report.runId}-\\d$`));
      expect(r.mismatches).toEqual([]);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(report.comparedFields).toEqual(flightEvents.fieldNames);
    expect(report.latencyMs!.min).toBeLessThanOrEqual(report.latencyMs!.max);
    expect(report.ok).toBe(true);
    expect(exitCodeOf(report)).toBe(0);
    expect(formatReport(report, 15_000)).toMatch(/passed[\s\S]*Publish-to-queryable latency: min \d+ ms, median \d+ ms, max \d+ ms/);
  });

  it('runs from the command line, prints JSON, appends the Markdown report and exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      const reportFile = path.join(dir, 'summary.md');
      const { code, stdout } = await cli(['--api-url', pipeline.url, '--events-url', `${pipeline.url}/v1/events`, '--events', '2', '--timeout', '30', '--poll-interval', '100', '--json', '--report', reportFile]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.ok).toBe(true);
      expect(report.results).toHaveLength(2);
      expect(fs.readFileSync(reportFile, 'utf8')).toMatch(/^### Post-deploy check passed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes to a topic through the Pub/Sub REST API with a bearer token, as Pub/Sub validates it', async () => {
    const validator = new AvroEventValidator(flightEvents);
    const seen: { url?: string; authorization?: string; attributes?: unknown; problems: unknown[] } = { problems: [] };
    // A fake Pub/Sub that validates like the topic's schema, then delivers like the BigQuery subscription.
    const pubsub = await serve(async (req, res) => {
      const request = JSON.parse(await body(req));
      seen.url = req.url;
      seen.authorization = req.headers.authorization;
      seen.attributes = request.messages[0].attributes;
      const events = request.messages.map((m: { data: string }) => JSON.parse(Buffer.from(m.data, 'base64').toString('utf8')));
      seen.problems = events.map((e: unknown) => validator.problem(e)).filter(Boolean);
      await fetch(`${pipeline.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageIds: events.map((_: unknown, i: number) => String(i)) }));
    });
    try {
      const report = await runPostDeployCheck(options({
        eventsUrl: undefined, topic: 'projects/acme/topics/flights-events', pubsubEndpoint: pubsub.url, accessToken: async () => 'ya29.token',
      }));
      expect(report.ok).toBe(true);
      expect(seen.url).toBe('/v1/projects/acme/topics/flights-events:publish');
      expect(seen.authorization).toBe('Bearer ya29.token');
      expect(seen.attributes).toEqual({ source: 'post-deploy-check', run_id: report.runId });
      expect(seen.problems).toEqual([]);
    } finally {
      await pubsub.close();
    }
  });

  it('sends the identity token to the API and reads within a narrow window', async () => {
    const authorizations = new Set<string | undefined>();
    const reads: string[] = [];
    const proxy = await serve(async (req, res) => {
      authorizations.add(req.headers.authorization);
      if (req.url!.startsWith('/v1/records/')) reads.push(req.url!);
      const upstream = await fetch(`${pipeline.url}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: req.method === 'POST' ? await body(req) : undefined });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    try {
      const report = await runPostDeployCheck(options({ apiUrl: proxy.url, eventsUrl: `${proxy.url}/v1/events`, apiHeaders: { authorization: 'Bearer id-token' } }));
      expect(report.ok).toBe(true);
      expect([...authorizations]).toEqual(['Bearer id-token']);
      // Reads are bounded to two hours around the event time, so BigQuery prunes to one or two partitions.
      for (const url of reads) {
        const query = new URL(url, proxy.url).searchParams;
        expect(Date.parse(query.get('to')!) - Date.parse(query.get('from')!)).toBe(2 * 3_600_000);
      }
    } finally {
      await proxy.close();
    }
  });

  it('fails with exit code 1 naming the field when the API answers a different value', async () => {
    // The real pipeline behind a proxy that corrupts one field, as a broken view or serializer would.
    const proxy = await serve(async (req, res) => {
      const upstream = await fetch(`${pipeline.url}${req.url}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: req.method === 'POST' ? await body(req) : undefined });
      let text = await upstream.text();
      if (upstream.status === 200 && req.url!.startsWith('/v1/records/')) text = JSON.stringify({ ...JSON.parse(text), airline: 'XX' });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    });
    try {
      const report = await runPostDeployCheck(options({ apiUrl: proxy.url, eventsUrl: `${proxy.url}/v1/events`, events: 1 }));
      expect(report.ok).toBe(false);
      expect(report.results[0].mismatches).toEqual([`airline: expected "check-${report.runId}-airline-0", got "XX"`]);
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('fails with exit code 2 within the bound when the records never become queryable', async () => {
    const api = await serve(async (req, res) => {
      if (req.method === 'POST') {
        await body(req);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"messageIds":["1","2"]}');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND","message":"no record"}}');
      }
    });
    try {
      const started = Date.now();
      const { code, stdout } = await cli(['--api-url', api.url, '--events-url', `${api.url}/v1/events`, '--events', '2', '--timeout', '2', '--poll-interval', '200']);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(code).toBe(2);
      expect(stdout).toMatch(/FAILED[\s\S]*not queryable within 2 s/);
    } finally {
      await api.close();
    }
  });

  it('stops at once when the API refuses the caller', async () => {
    const api = await serve(async (req, res) => {
      await body(req);
      res.writeHead(req.method === 'POST' ? 200 : 403, { 'content-type': 'application/json' }).end('{}');
    });
    try {
      const report = await runPostDeployCheck(options({ apiUrl: api.url, eventsUrl: `${api.url}/v1/events`, timeoutMs: 30_000 }));
      expect(report.error).toMatch(/refused the check: HTTP 403 \(pass an identity token/);
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('reports a refused publish as an error', async () => {
    const report = await runPostDeployCheck(options({ eventsUrl: `${pipeline.url}/v1/no-such-endpoint` }));
    expect(report.error).toMatch(/publishing to .*\/v1\/no-such-endpoint failed: HTTP 404/);
    expect(exitCodeOf(report)).toBe(1);
  });
});

describe('post-deploy check parts', () => {
  it('generates unique keys, current event times and nulls in every other event', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    const events = generateEvents(flightEvents, 'r1', 2, now);
    expect(events.map((e) => e.key)).toEqual(['post-deploy-r1-0', 'post-deploy-r1-1']);
    expect(events[0].stored.event_time).toBe(now * 1000);
    expect(events[0].stored.passengers).not.toBeNull();
    expect(events[1].stored.passengers).toBeNull();
    const validator = new AvroEventValidator(flightEvents);
    expect(events.map((e) => validator.problem(e.avro))).toEqual([undefined, undefined]);
  });

  it('compares wire forms by meaning: timestamps, INT64 strings, NUMERIC zeros, JSON key order', () => {
    const [event] = generateEvents(flightEvents, 'r2', 1, Date.parse('2026-11-28T12:00:00Z'));
    const fields = flightEvents.fields.filter((f) => ['event_time', 'passengers', 'revenue_eur', 'details', 'flight_date'].includes(f.name));
    const exact = {
      event_time: '2026-11-28T12:00:00.000000Z',
      passengers: String(event.stored.passengers),
      revenue_eur: `${event.stored.revenue_eur}00000000`,
      details: Object.fromEntries(Object.entries(JSON.parse(event.stored.details as string)).reverse()),
      flight_date: '2026-11-28',
    };
    expect(compareRecord(fields, event.stored, exact)).toEqual([]);
    expect(compareRecord(fields, event.stored, { ...exact, event_time: '2026-11-28T12:00:00.000001Z', flight_date: null })).toEqual([
      'event_time: expected "2026-11-28T12:00:00.000000Z", got "2026-11-28T12:00:00.000001Z"',
      'flight_date: expected "2026-11-28", got null',
    ]);
  });

  it('reads its options from the command line and the environment', async () => {
    const { options: parsed } = await optionsFromArgs(
      ['--api-url', 'https://api.example', '--topic', 'projects/p/topics/t', '--header', 'X-Trace: 1', '--header=X-Other: 2', '--events=5', '--timeout', '60', '--json'],
      { IDENTITY_TOKEN: 'id', ACCESS_TOKEN: 'access' },
    );
    expect(parsed).toMatchObject({ apiUrl: 'https://api.example', topic: 'projects/p/topics/t', events: 5, timeoutMs: 60_000, apiHeaders: { 'x-trace': '1', 'x-other': '2', authorization: 'Bearer id' } });
    expect(await parsed.accessToken!()).toBe('access');
    expect(parsed.schema.name).toBe('FlightEvent');
  });

  it.each([
    [['--topic', 'projects/p/topics/t'], /--api-url must be the http\(s\) URL/],
    [['--api-url', 'https://a'], /exactly one of --topic .* and --events-url/],
    [['--api-url', 'https://a', '--topic', 'projects/p/topics/t', '--events-url', 'http://e'], /exactly one of/],
    [['--api-url', 'https://a', '--topic', 'flights-events'], /--topic must be projects\/<project>\/topics\/<name>/],
    [['--api-url', 'https://a', '--topic', 'projects/p/topics/t', '--timeout', '0'], /--timeout must be an integer between 1 and 3600, got "0"/],
    [['--api-url', 'https://a', '--topic', 'projects/p/topics/t', '--nope', '1'], /unknown option --nope/],
    [['--api-url', 'https://a', '--topic', 'projects/p/topics/t', '--events'], /--events needs a value/],
    [['--api-url', 'https://a', '--topic', 'projects/p/topics/t', 'extra'], /unexpected argument extra/],
  ])('fails when the command line is %j', async (args, message) => {
    await expect(optionsFromArgs(args as string[], {})).rejects.toThrow(message);
  });
});
