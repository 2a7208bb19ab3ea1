import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

// The README's minimal example must compile against the public API and synthesize as written.
const root = join(__dirname, '..', '..');

function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /<!-- minimal-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block after <!-- minimal-example -->');
  return match[1];
}

describe('the README minimal example', () => {
  const dir = mkdtempSync(join(root, 'test', 'readme', '.example-'));
  // Imported as the package name in the README; here it resolves to the sources.
  const file = join(dir, 'main.ts');
  writeFileSync(file, readmeExample().replace(/'cdktf-gcp-analytics-pipeline'/g, "'../../../src'"));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('type-checks against the public API', () => {
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
      esModuleInterop: true, skipLibCheck: true, types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  test('synthesizes plain Terraform JSON', () => {
    const out = mkdtempSync(join(tmpdir(), 'readme-synth-'));
    try {
      const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const run = spawnSync(process.execPath, [tsx, file], { cwd: out, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'cdktf.out', 'manifest.json'), 'utf8'));
      const stack = manifest.stacks.analytics.synthesizedStackPath as string;
      const synthesized = JSON.parse(readFileSync(join(out, 'cdktf.out', stack), 'utf8'));
      expect(Object.keys(synthesized.resource)).toEqual(expect.arrayContaining([
        'google_pubsub_schema', 'google_pubsub_topic', 'google_pubsub_subscription', 'google_bigquery_dataset',
        'google_bigquery_table', 'google_cloud_run_v2_service',
      ]));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
