import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { flightApiFields, flightEvents } from '../../examples/flights/flight-events';
import { LOCAL_URL, flightsOpenApiDocument } from '../../examples/flights/openapi-document';
import { bodyOf, harness, stubStore } from './app-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output', 'openapi');
const run = promisify(execFile);
/** The shape of a Cloud Run service's URL (Redocly flags localhost as an example server, rightly for a deployed API). */
const CLOUD_RUN_HOST = 'flights-api-4ktxfwgp7a-ew.a.run.app';

/** A finding: `<linter> <rule> <severity> <where>`. */
type Finding = { linter: string; rule: string; severity: string; where: string };

/**
 * Warnings kept on purpose, each with its reason; any other warning (or any error) fails. Both rules ask for
 * facts of whoever runs the pipeline and publishes its data, which the library cannot know and must not invent.
 */
const REASONED_WARNINGS: Record<string, string> = {
  'redocly info-license': "the license of a pipeline's data is its owner's to state",
  'spectral info-contact': "the contact for a pipeline's API is its owner's to state",
};

/** Redocly CLI reports each run to its vendor and checks for updates unless told not to: tests send nothing out. */
const QUIET_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/** Runs a linter CLI once; both exit non-zero when they find errors, and print their findings as JSON anyway. */
async function lint(bin: string, args: string[]): Promise<string> {
  try {
    return (await run(path.join(ROOT, 'node_modules', '.bin', bin), args, { cwd: ROOT, env: QUIET_ENV, maxBuffer: 10 * 1024 * 1024 })).stdout;
  } catch (e) {
    const failed = e as { stdout?: string; stderr?: string };
    if (!failed.stdout) throw new Error(`${bin} failed without output: ${failed.stderr}`, { cause: e });
    return failed.stdout;
  }
}

describe('OpenAPI linters on the flights example document', () => {
  const file = path.join(OUT, 'flights.openapi.json');

  beforeAll(async () => {
    // The document exactly as the service serves it on Cloud Run, which ends TLS in front of it.
    const schema = flightEvents.project(flightApiFields);
    const { app } = harness({ store: stubStore(), schema, eventSchema: flightEvents, publisher: { publish: async () => [] }, config: { pipelineName: 'flights' } });
    const served = await bodyOf(await app.request(`http://${CLOUD_RUN_HOST}/openapi.json`, { headers: { 'X-Forwarded-Proto': 'https' } }));
    expect(served).toEqual(flightsOpenApiDocument(`https://${CLOUD_RUN_HOST}`));
    // Under `npm start`, the same document names the local origin.
    expect((await bodyOf(await app.request(`${LOCAL_URL}/openapi.json`))).servers).toEqual([{ url: LOCAL_URL }]);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file, JSON.stringify(served, null, 2));
  });

  test('Redocly (recommended) and Spectral (spectral:oas): no error, no warning without a reason', async () => {
    const [redocly, spectral] = await Promise.all([
      lint('redocly', ['lint', file, '--format', 'json', '--config', path.join(ROOT, 'redocly.yaml')]),
      lint('spectral', ['lint', file, '--format', 'json', '--ruleset', path.join(ROOT, '.spectral.yaml'), '--fail-severity', 'warn']),
    ]);
    const findings: Finding[] = [
      ...(JSON.parse(redocly).problems as Array<{ ruleId: string; severity: string; location: Array<{ pointer: string }> }>).map((p) => ({
        linter: 'redocly',
        rule: p.ruleId,
        severity: p.severity,
        where: p.location[0]?.pointer ?? '',
      })),
      ...(JSON.parse(spectral) as Array<{ code: string; severity: number; path: string[] }>).map((p) => ({
        linter: 'spectral',
        rule: p.code,
        severity: ['error', 'warn', 'info', 'hint'][p.severity],
        where: `#/${p.path.join('/')}`,
      })),
    ];
    const unreasoned = findings.filter((f) => f.severity === 'error' || !REASONED_WARNINGS[`${f.linter} ${f.rule}`]);
    expect(unreasoned).toEqual([]);
    // Every reason still applies: a warning fixed later must leave this list too.
    expect(findings.map((f) => `${f.linter} ${f.rule}`).sort()).toEqual(Object.keys(REASONED_WARNINGS).sort());
  });
});
