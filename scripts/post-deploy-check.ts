/**
 * Post-deploy check of an analytics pipeline, runnable from a laptop or CI against any deployment: publishes uniquely
 * keyed events (to the Pub/Sub topic, or to a local `POST /v1/events`), polls `GET /v1/records/{key}` until each
 * appears (bounded), compares every field with what was published, and reports the publish-to-queryable latency.
 * Exits 0 when every event came back intact, 1 on a mismatch or a failed publish, 2 on a timeout, 64 on bad usage.
 *
 *   npx tsx scripts/post-deploy-check.ts --api-url https://flights-api-xyz.a.run.app \
 *     --topic projects/my-project/topics/flights-events --gcloud-identity-token
 *   npx tsx scripts/post-deploy-check.ts --api-url http://localhost:8080 --events-url http://localhost:8080/v1/events
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FieldDefinition, FieldMode, FieldType, RecordSchema } from '../src/schema';
import { wrapEvent } from '../src/service/events/avro-event';
import { epochDaysToDate, int64ToWire, isoToMicros, microsToIso } from '../src/schema/wire';

/** What to check and how. */
export interface CheckOptions {
  /** Base URL of the query API. */
  readonly apiUrl: string;
  /** Full topic id `projects/<project>/topics/<name>`; exclusive with `eventsUrl`. */
  readonly topic?: string;
  /** A `POST /v1/events` endpoint (local mode, or the API's optional events endpoint); exclusive with `topic`. */
  readonly eventsUrl?: string;
  /** The record definition (the pipeline's `PIPELINE_SCHEMA`). */
  readonly schema: RecordSchema;
  /** Events to publish. */
  readonly events: number;
  /** Overall bound of the check, in milliseconds. */
  readonly timeoutMs: number;
  /** Pause between polling rounds, in milliseconds. */
  readonly pollIntervalMs: number;
  /** Headers for API calls (an identity token for a private Cloud Run service). */
  readonly apiHeaders: Record<string, string>;
  /** Bearer token for the Pub/Sub REST API; asked for lazily (gcloud) when publishing to a topic. */
  readonly accessToken?: () => Promise<string>;
  /** Pub/Sub REST endpoint (tests point it to a fake). */
  readonly pubsubEndpoint: string;
  /** Progress lines; silent when absent. */
  readonly log?: (line: string) => void;
}

/** One published event and what became of it. */
export interface EventResult {
  readonly key: string;
  /** Milliseconds from the publish acknowledgement to the first successful read; absent when never read. */
  readonly latencyMs?: number;
  /** `field: expected X, got Y` for every difference. */
  readonly mismatches: string[];
}

/** The outcome of a check. */
export interface CheckReport {
  readonly ok: boolean;
  readonly runId: string;
  readonly target: string;
  readonly results: EventResult[];
  /** Keys not queryable before the timeout. */
  readonly timedOut: string[];
  /** Fields compared (the API's exposed columns). */
  readonly comparedFields: string[];
  readonly latencyMs?: { readonly min: number; readonly median: number; readonly max: number };
  /** Why the check could not run to the end (a failed publish, a refused request). */
  readonly error?: string;
}

/** Test events and their expected form on the wire. */
export interface GeneratedEvent {
  readonly key: string;
  /** Avro JSON encoding, as a producer publishes it. */
  readonly avro: Record<string, unknown>;
  /** The stored form (unwrapped), from which the expected API response derives. */
  readonly stored: Record<string, unknown>;
}

const MICROS_PER_MS = 1000;

/**
 * Uniquely keyed events covering every field: the first with every value set, the next with nullable fields null.
 * Times are `nowMs`, so the records lie in the API's default query window.
 */
export function generateEvents(schema: RecordSchema, runId: string, count: number, nowMs: number): GeneratedEvent[] {
  if (!schema.keyField) throw new Error(`schema ${schema.name} has no key field: the check reads records back by key`);
  return Array.from({ length: count }, (_, i) => {
    const key = `post-deploy-${runId}-${i}`;
    const stored = valuesOf(schema.fields, { runId, i, nowMs, withNulls: i % 2 === 1 });
    stored[schema.keyField!] = key;
    stored[schema.eventTimeField] = nowMs * MICROS_PER_MS + i;
    return { key, stored, avro: wrapEvent(schema, stored) };
  });
}

interface ValueContext {
  readonly runId: string;
  readonly i: number;
  readonly nowMs: number;
  readonly withNulls: boolean;
}

function valuesOf(fields: FieldDefinition[], ctx: ValueContext): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => {
    if (f.mode === FieldMode.REPEATED) return [f.name, [valueOf(f, ctx, 0), valueOf(f, ctx, 1)]];
    if (f.mode === FieldMode.NULLABLE && ctx.withNulls) return [f.name, null];
    return [f.name, valueOf(f, ctx, 0)];
  }));
}

function valueOf(field: FieldDefinition, ctx: ValueContext, item: number): unknown {
  const n = ctx.i * 10 + item;
  switch (field.type) {
    case FieldType.STRING: return `check-${ctx.runId}-${field.name}-${n}`;
    case FieldType.INT64: return 1000 + n;
    case FieldType.FLOAT64: return n + 0.25;
    case FieldType.NUMERIC: return `${1234 + n}.5`;
    case FieldType.BOOLEAN: return n % 2 === 0;
    case FieldType.TIMESTAMP: return (ctx.nowMs - 3_600_000) * MICROS_PER_MS + n;
    case FieldType.DATE: return Math.floor(ctx.nowMs / 86_400_000);
    case FieldType.JSON: return JSON.stringify({ check: ctx.runId, n, nested: { ok: true } });
    case FieldType.RECORD: return valuesOf(field.fields ?? [], { ...ctx, withNulls: false });
    default: throw new Error(`field ${field.name}: no test value for type ${String(field.type)}`);
  }
}

/** Every difference between a stored record and what the API returned, for the given (exposed) fields. */
export function compareRecord(fields: FieldDefinition[], stored: Record<string, unknown>, actual: Record<string, unknown>, prefix = ''): string[] {
  return fields.flatMap((f) => compareField(f, stored[f.name], actual[f.name], `${prefix}${f.name}`));
}

function compareField(field: FieldDefinition, expected: unknown, actual: unknown, path: string): string[] {
  if (field.mode === FieldMode.REPEATED) {
    const items = (expected as unknown[]) ?? [];
    if (!Array.isArray(actual) || actual.length !== items.length) return [`${path}: expected ${show(items.map((v) => wireOf(field, v)))}, got ${show(actual)}`];
    return items.flatMap((v, k) => compareValue(field, v, actual[k], `${path}[${k}]`));
  }
  if (expected === null || expected === undefined) return actual === null ? [] : [`${path}: expected null, got ${show(actual)}`];
  return compareValue(field, expected, actual, path);
}

function compareValue(field: FieldDefinition, expected: unknown, actual: unknown, path: string): string[] {
  const differ = () => [`${path}: expected ${show(wireOf(field, expected))}, got ${show(actual)}`];
  if (actual === null || actual === undefined) return differ();
  switch (field.type) {
    case FieldType.RECORD:
      return typeof actual === 'object' && !Array.isArray(actual)
        ? compareRecord(field.fields ?? [], expected as Record<string, unknown>, actual as Record<string, unknown>, `${path}.`)
        : differ();
    case FieldType.TIMESTAMP:
      return typeof actual === 'string' && isoToMicros(actual) === BigInt(expected as number) ? [] : differ();
    case FieldType.INT64:
      return (typeof actual === 'number' || typeof actual === 'string') && /^-?\d+$/.test(String(actual)) && BigInt(actual) === BigInt(expected as number) ? [] : differ();
    case FieldType.NUMERIC:
      return typeof actual === 'string' && decimal(actual) === decimal(String(expected)) ? [] : differ();
    case FieldType.JSON:
      return canonical(actual) === canonical(JSON.parse(expected as string)) ? [] : differ();
    case FieldType.DATE:
      return actual === epochDaysToDate(expected as number) ? [] : differ();
    default:
      return actual === expected ? [] : differ();
  }
}

/** What the API should answer for a stored value (see src/service/wire.ts). */
function wireOf(field: FieldDefinition, value: unknown): unknown {
  switch (field.type) {
    case FieldType.TIMESTAMP: return microsToIso(BigInt(value as number));
    case FieldType.INT64: return int64ToWire(value as number);
    case FieldType.DATE: return epochDaysToDate(value as number);
    case FieldType.JSON: return JSON.parse(value as string);
    default: return value;
  }
}

/** A decimal without insignificant zeros: BigQuery may answer NUMERIC `1234.5` as `1234.500000000`. */
function decimal(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return `invalid:${text}`;
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The fields the API exposes, from its OpenAPI document (`GET /openapi.json`); every field when it says nothing. */
async function exposedFields(options: CheckOptions): Promise<FieldDefinition[]> {
  try {
    const response = await fetch(new URL('/openapi.json', options.apiUrl), { headers: options.apiHeaders, signal: AbortSignal.timeout(10_000) });
    if (response.ok) {
      const doc = (await response.json()) as { paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> } }>; components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> } };
      const ref = doc.paths?.['/v1/records/{key}']?.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
      const properties = ref ? doc.components?.schemas?.[ref.split('/').pop()!]?.properties : undefined;
      if (properties) return options.schema.fields.filter((f) => f.name in properties);
    }
  } catch {
    // An API without an OpenAPI document: compare every field.
  }
  return options.schema.fields;
}

async function publish(options: CheckOptions, runId: string, events: GeneratedEvent[]): Promise<void> {
  if (options.topic) {
    const token = await options.accessToken!();
    const response = await fetch(`${options.pubsubEndpoint}/v1/${options.topic}:publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        messages: events.map((e) => ({
          // The topic's schema uses JSON encoding: the message data is the Avro JSON text.
          data: Buffer.from(JSON.stringify(e.avro)).toString('base64'),
          attributes: { source: 'post-deploy-check', run_id: runId },
        })),
      }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`publishing to ${options.topic} failed: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
    return;
  }
  const response = await fetch(options.eventsUrl!, {
    method: 'POST',
    headers: { ...options.apiHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(events.map((e) => e.avro)),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`publishing to ${options.eventsUrl} failed: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes, polls, compares and measures. Never throws for a failed check: the report says what went wrong. */
export async function runPostDeployCheck(options: CheckOptions): Promise<CheckReport> {
  const log = options.log ?? (() => undefined);
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const target = options.topic ?? options.eventsUrl ?? '';
  const deadline = Date.now() + options.timeoutMs;
  const fields = await exposedFields(options);
  const comparedFields = fields.map((f) => f.name);
  const events = generateEvents(options.schema, runId, options.events, Date.now());
  const fail = (error: string, results: EventResult[] = [], timedOut: string[] = []): CheckReport => ({ ok: false, runId, target, results, timedOut, comparedFields, error });

  log(`publishing ${events.length} events to ${target} (run ${runId})`);
  try {
    await publish(options, runId, events);
  } catch (e) {
    return fail((e as Error).message);
  }
  const publishedAt = Date.now();
  const seen = new Map<string, EventResult>();

  let refused: string | undefined;
  // One round reads every pending key at once, so each latency is measured to within one polling interval.
  const read = async (event: GeneratedEvent) => {
    // A two-hour window around the event time: BigQuery scans one or two day partitions per poll, not the maximum window.
    const eventMs = Number(event.stored[options.schema.eventTimeField]) / MICROS_PER_MS;
    const url = new URL(`/v1/records/${encodeURIComponent(event.key)}`, options.apiUrl);
    url.searchParams.set('from', new Date(eventMs - 3_600_000).toISOString());
    url.searchParams.set('to', new Date(eventMs + 3_600_000).toISOString());
    let response: Response;
    try {
      response = await fetch(url, {
        headers: options.apiHeaders,
        signal: AbortSignal.timeout(Math.max(1000, Math.min(15_000, deadline - Date.now()))),
      });
    } catch (e) {
      log(`  ${event.key}: ${(e as Error).message}, retrying`);
      return;
    }
    if (response.status === 200) {
      const latencyMs = Date.now() - publishedAt;
      const mismatches = compareRecord(fields, event.stored, (await response.json()) as Record<string, unknown>);
      seen.set(event.key, { key: event.key, latencyMs, mismatches });
      log(`  ${event.key}: queryable after ${latencyMs} ms${mismatches.length ? `, ${mismatches.length} mismatches` : ''}`);
    } else if (response.status === 401 || response.status === 403) {
      refused = `the API refused the check: HTTP ${response.status} (pass an identity token for a private service)`;
    } else {
      // 404 until the subscription has written the record; 5xx are retried within the bound.
      await response.body?.cancel();
    }
  };
  while (seen.size < events.length && Date.now() < deadline && !refused) {
    await Promise.all(events.filter((e) => !seen.has(e.key)).map(read));
    if (seen.size < events.length && !refused) await sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
  if (refused) return fail(refused, [...seen.values()]);

  const results = events.map((e) => seen.get(e.key) ?? { key: e.key, mismatches: [] });
  const timedOut = events.filter((e) => !seen.has(e.key)).map((e) => e.key);
  const latencies = results.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs])).sort((a, b) => a - b);
  const latencyMs = latencies.length > 0
    ? { min: latencies[0], median: latencies[Math.floor((latencies.length - 1) / 2)], max: latencies[latencies.length - 1] }
    : undefined;
  const ok = timedOut.length === 0 && results.every((r) => r.mismatches.length === 0);
  return { ok, runId, target, results, timedOut, comparedFields, latencyMs };
}

/** The report as Markdown, for a CI run summary. */
export function formatReport(report: CheckReport, timeoutMs: number): string {
  const lines = [`### Post-deploy check ${report.ok ? 'passed' : 'FAILED'} (run ${report.runId})`, ''];
  if (report.error) lines.push(`Error: ${report.error}`, '');
  if (report.latencyMs) lines.push(`Publish-to-queryable latency: min ${report.latencyMs.min} ms, median ${report.latencyMs.median} ms, max ${report.latencyMs.max} ms.`, '');
  lines.push(`Target: \`${report.target}\`; fields compared: ${report.comparedFields.join(', ')}.`, '');
  for (const r of report.results) {
    const state = r.latencyMs === undefined ? `not queryable within ${timeoutMs / 1000} s` : `${r.latencyMs} ms, ${r.mismatches.length === 0 ? 'every field matches' : `${r.mismatches.length} mismatches`}`;
    lines.push(`- \`${r.key}\`: ${state}`);
    for (const m of r.mismatches) lines.push(`  - ${m}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The exit code of a report: 0 passed, 1 mismatch or error, 2 timeout. */
export function exitCodeOf(report: CheckReport): number {
  if (report.error || report.results.some((r) => r.mismatches.length > 0)) return 1;
  return report.timedOut.length > 0 ? 2 : 0;
}

function gcloud(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('gcloud', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`gcloud ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

const USAGE = `Usage: post-deploy-check --api-url URL (--topic projects/P/topics/T | --events-url URL) [options]
  --identity-token TOKEN    Bearer token for a private API (default: $IDENTITY_TOKEN)
  --gcloud-identity-token   Take the identity token from \`gcloud auth print-identity-token\`
  --header "Name: value"    Extra header for API calls (repeatable)
  --access-token TOKEN      Token for the Pub/Sub REST API (default: $ACCESS_TOKEN, else \`gcloud auth print-access-token\`)
  --schema FILE             The pipeline's schema as JSON (PIPELINE_SCHEMA); default: the flights example's
  --events N                Events to publish, 1 to 100 (default 3)
  --timeout SECONDS         Bound of the whole check (default 120)
  --poll-interval MS        Pause between polling rounds (default 1000)
  --report FILE             Append the Markdown report to FILE (e.g. $GITHUB_STEP_SUMMARY)
  --json                    Print the report as JSON`;

class UsageError extends Error {}

/** The options of the command line, as `node:util` `parseArgs` reads them. */
const OPTIONS = {
  'api-url': { type: 'string' },
  'topic': { type: 'string' },
  'events-url': { type: 'string' },
  'identity-token': { type: 'string' },
  'gcloud-identity-token': { type: 'boolean' },
  'header': { type: 'string', multiple: true },
  'access-token': { type: 'string' },
  'schema': { type: 'string' },
  'events': { type: 'string' },
  'timeout': { type: 'string' },
  'poll-interval': { type: 'string' },
  'report': { type: 'string' },
  'json': { type: 'boolean' },
  'pubsub-endpoint': { type: 'string' },
} as const;

/** `parseArgs` with its errors turned into usage errors: `unknown option --x`, `--x needs a value`. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option.split(/[ ,]/)[0]} needs a value`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`);
    throw new UsageError(message);
  }
}

/** Parses the command line (and the environment) into check options. */
export async function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ options: CheckOptions; reportFile?: string; json: boolean }> {
  const values = parseCommandLine(argv);
  const one = (name: Exclude<keyof typeof OPTIONS, 'header' | 'gcloud-identity-token' | 'json'>) => values[name];
  const integer = (name: 'events' | 'timeout' | 'poll-interval', fallback: number, min: number, max: number) => {
    const text = one(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(text)}`);
    return n;
  };

  const apiUrl = one('api-url');
  if (!apiUrl || !/^https?:\/\//.test(apiUrl)) throw new UsageError('--api-url must be the http(s) URL of the query API');
  const topic = one('topic');
  const eventsUrl = one('events-url');
  if (!topic === !eventsUrl) throw new UsageError('give exactly one of --topic (Pub/Sub) and --events-url (POST /v1/events)');
  if (topic && !/^projects\/[^/]+\/topics\/[^/]+$/.test(topic)) throw new UsageError(`--topic must be projects/<project>/topics/<name>, got ${JSON.stringify(topic)}`);

  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must be "Name: value", got ${JSON.stringify(header)}`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  const identityToken = one('identity-token') ?? (values['gcloud-identity-token'] ? await gcloud(['auth', 'print-identity-token']) : env.IDENTITY_TOKEN);
  if (identityToken) headers.authorization = `Bearer ${identityToken}`;

  const schemaFile = one('schema');
  const schema = schemaFile
    ? RecordSchema.fromJson(fs.readFileSync(schemaFile, 'utf8'))
    : (await import('../examples/flights/flight-events')).flightEvents;
  const accessToken = one('access-token') ?? env.ACCESS_TOKEN;

  return {
    options: {
      apiUrl,
      topic,
      eventsUrl,
      schema,
      events: integer('events', 3, 1, 100),
      timeoutMs: integer('timeout', 120, 1, 3600) * 1000,
      pollIntervalMs: integer('poll-interval', 1000, 10, 60_000),
      apiHeaders: headers,
      accessToken: async () => accessToken ?? gcloud(['auth', 'print-access-token']),
      pubsubEndpoint: one('pubsub-endpoint') ?? 'https://pubsub.googleapis.com',
      log: (line) => process.stderr.write(`${line}\n`),
    },
    reportFile: one('report'),
    json: values.json ?? false,
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = await optionsFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`post-deploy-check: ${(e as Error).message}\n${e instanceof UsageError ? `${USAGE}\n` : ''}`);
    return 64;
  }
  const report = await runPostDeployCheck(parsed.options);
  const markdown = formatReport(report, parsed.options.timeoutMs);
  process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : markdown);
  if (parsed.reportFile) fs.appendFileSync(parsed.reportFile, markdown);
  return exitCodeOf(report);
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e) => {
    process.stderr.write(`post-deploy-check failed: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
