#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RecordSchema } from '../../schema/record-schema';
import { systemClock } from '../clock';
import { integerSetting } from '../integer-setting';
import { isoToMicros, microsToIso } from '../../schema/wire';
import { jsonPayloadProblem } from './payload-check';
import { ReplayBackend, ReplayReport, replayDeadLetters } from './replay';

/** Where the command writes; tests capture it. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE = `Usage: cdktf-gcp-analytics-pipeline replay-dead-letters --from <time> [--to <time>] <store> [options]

Reads the dead letters published in [--from, --to), says what replaying them would do, and with --execute
re-publishes them to the ingest topic with their attributes plus pipeline_replay_id / pipeline_replay_of /
pipeline_replay_generation. A message is replayed once: the ledger table beside the dead-letter table remembers it.

Store (one of):
  --project <p> --dataset <d> --topic projects/<p>/topics/<t>   BigQuery dead-letter table and Pub/Sub topic
      [--table <d>_dead_letters] [--location <loc>] [--bigquery-endpoint <url>] [--pubsub-endpoint <url>]
  --duckdb <file> [--table records]                             the local pipeline's database (stop npm start first)

Options:
  --from, --to <time>        publish-time window, ISO 8601 with a zone (--to defaults to now)
  --schema <file>            the topic's record schema (RecordSchema.toJson(), or the pipeline's schema lock file):
                             payloads it refuses are reported and not published. Required with --duckdb.
  --reason <text>            only dead letters whose recorded cause contains the text
  --attribute <name=value>   only dead letters with this attribute (repeatable)
  --limit <n>                dead letters read at most (default 10000)
  --sample <n>               dead letters shown (default 5)
  --include-failed-replays   also replay dead letters that were replays already (their replay failed again)
  --execute                  publish (default: dry run, nothing is written)
  --json                     print the report as JSON
`;

/** Runs the command line; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'replay-dead-letters') {
    io.err(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  let args: ReturnType<typeof parse>;
  try {
    args = parse(rest);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const problems: string[] = [];
  const fromMicros = args.from ? isoToMicros(args.from) : undefined;
  if (fromMicros === undefined) problems.push(`--from must be an ISO 8601 time with a zone, got ${JSON.stringify(args.from ?? null)}`);
  const toMicros = args.to ? isoToMicros(args.to) : BigInt(Date.now()) * 1000n;
  if (toMicros === undefined) problems.push(`--to must be an ISO 8601 time with a zone, got ${JSON.stringify(args.to)}`);
  if (fromMicros !== undefined && toMicros !== undefined && fromMicros >= toMicros) problems.push('--from must be before --to');
  const limit = integerSetting(args.limit, 10_000, 1, 1_000_000, '--limit', problems);
  const sampleSize = integerSetting(args.sample, 5, 0, 1000, '--sample', problems);
  const attributes: Record<string, string> = {};
  for (const pair of args.attribute ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) problems.push(`--attribute must be name=value, got ${JSON.stringify(pair)}`);
    else attributes[pair.slice(0, at)] = pair.slice(at + 1);
  }
  let schema: RecordSchema | undefined;
  if (args.schema) {
    try {
      schema = loadSchema(readFileSync(args.schema, 'utf8'));
    } catch (e) {
      problems.push(`--schema ${args.schema}: ${(e as Error).message}`);
    }
  }
  const local = args.duckdb !== undefined;
  const cloud = ['project', 'dataset', 'topic'] as const;
  if (local && cloud.some((k) => args[k] !== undefined)) problems.push('give either --duckdb or --project/--dataset/--topic, not both');
  if (!local && cloud.some((k) => args[k] === undefined)) problems.push(`the BigQuery store needs ${cloud.filter((k) => args[k] === undefined).map((k) => `--${k}`).join(', ')} (or --duckdb <file> for the local one)`);
  if (local && !args.schema) problems.push('--duckdb needs --schema: the local table is opened with the record schema');
  if (problems.length > 0) {
    io.err(`invalid arguments:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }

  let opened: { backend: ReplayBackend; close(): Promise<void> };
  try {
    opened = local ? await openLocal(args.duckdb!, args.table, schema!) : await openCloud(args);
  } catch (e) {
    io.err(`cannot open the store: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const report = await replayDeadLetters(opened.backend, {
      fromMicros: fromMicros!,
      toMicros: toMicros!,
      limit,
      sampleSize,
      execute: args.execute === true,
      includeFailedReplays: args['include-failed-replays'] === true,
      ...(args.reason !== undefined ? { reasonContains: args.reason } : {}),
      attributes,
      ...(schema ? { problem: jsonPayloadProblem(schema) } : {}),
      clock: systemClock,
    });
    io.out(args.json ? `${JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? microsToIso(v) : v), 2)}\n` : formatReport(report, fromMicros!, toMicros!));
    return 0;
  } catch (e) {
    io.err(`replay failed: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      schema: { type: 'string' },
      reason: { type: 'string' },
      attribute: { type: 'string', multiple: true },
      limit: { type: 'string' },
      sample: { type: 'string' },
      execute: { type: 'boolean' },
      'include-failed-replays': { type: 'boolean' },
      json: { type: 'boolean' },
      duckdb: { type: 'string' },
      table: { type: 'string' },
      project: { type: 'string' },
      dataset: { type: 'string' },
      topic: { type: 'string' },
      location: { type: 'string' },
      'bigquery-endpoint': { type: 'string' },
      'pubsub-endpoint': { type: 'string' },
    },
  }).values;
}

/** A record schema from `RecordSchema.toJson()` text, or from a schema lock file's `record` member. */
export function loadSchema(text: string): RecordSchema {
  const parsed = JSON.parse(text) as { record?: unknown };
  return RecordSchema.fromJson(JSON.stringify(parsed && typeof parsed === 'object' && parsed.record ? parsed.record : parsed));
}

async function openLocal(path: string, tableName: string | undefined, schema: RecordSchema) {
  const { DuckDbStore } = await import('../store/duckdb-store');
  const { DuckDbReplayBackend } = await import('./duckdb-replay');
  const store = await DuckDbStore.create({ schema, path, ...(tableName ? { tableName } : {}), readConnections: 1 });
  try {
    return { backend: await DuckDbReplayBackend.create(store), close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function openCloud(args: ReturnType<typeof parse>) {
  const { BigQuery } = await import('@google-cloud/bigquery');
  const { BigQueryReplayBackend } = await import('./bigquery-replay');
  const endpoint = args['bigquery-endpoint'];
  const client = new BigQuery({ projectId: args.project!, ...(endpoint ? { apiEndpoint: endpoint } : {}), ...(args.location ? { location: args.location } : {}) });
  const pubsubEndpoint = args['pubsub-endpoint'];
  const backend = new BigQueryReplayBackend({
    projectId: args.project!,
    datasetId: args.dataset!,
    deadLetterTableId: args.table ?? `${args.dataset}_dead_letters`,
    topic: args.topic!,
    client,
    ...(args.location ? { location: args.location } : {}),
    ...(pubsubEndpoint ? { pubsubEndpoint } : {}),
    // A plain-HTTP endpoint is a local fake or emulator: it takes no credentials.
    ...(pubsubEndpoint?.startsWith('http://') ? { accessToken: null } : {}),
  });
  return { backend, close: async () => undefined };
}

/** The report as text for a terminal. */
export function formatReport(report: ReplayReport, fromMicros: bigint, toMicros: bigint): string {
  const lines = [
    `Dead letters published from ${microsToIso(fromMicros)} to ${microsToIso(toMicros)}: ${report.read} read${report.truncated ? ' (the window holds more: raise --limit or narrow it, then run again)' : ''}`,
    `  left out by filters      ${report.filteredOut}`,
    `  already replayed         ${report.alreadyReplayed}`,
    `  failed replays           ${report.failedReplays}${report.failedReplays > 0 ? '  (replayed before and refused again: --include-failed-replays sends them once more)' : ''}`,
    `  duplicate dead letters   ${report.duplicates}`,
    `  still refused by schema  ${report.stillRefused}${report.stillRefused > 0 ? '  (not published: the topic would refuse them)' : ''}`,
    `  ${report.executed ? 'replayed' : 'to replay'}${report.executed ? '                ' : '               '}${report.executed ? report.replayed : report.toReplay}  -> ${report.target}`,
  ];
  if (report.causes.length > 0) lines.push('', 'Causes:', ...report.causes.map((c) => `  ${String(c.count).padStart(6)}  ${c.cause}`));
  if (report.stillRefusedSample.length > 0) lines.push('', 'Still refused:', ...report.stillRefusedSample.map((r) => `  ${r.messageId}  ${r.problem}`));
  if (report.sample.length > 0) {
    lines.push('', `Sample (${report.sample.length} of ${report.toReplay}):`);
    for (const s of report.sample) {
      lines.push(`  ${s.messageId}  published ${microsToIso(s.publishTime)}  replay id ${s.replayId}`, `    cause:      ${s.cause}`);
      lines.push(`    attributes: ${JSON.stringify(s.attributes)}`, `    data:       ${s.data}`);
    }
  }
  lines.push(
    '',
    report.executed
      ? `Published ${report.replayed} messages and recorded them in the replay ledger; running again replays none of them.`
      : report.toReplay > 0
        ? `Dry run: nothing was published. Run again with --execute to re-publish ${report.toReplay} messages.`
        : 'Dry run: nothing to replay.',
  );
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
