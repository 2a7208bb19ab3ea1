import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The published `bin`: one file that runs without node_modules for the cloud store. */
describe('command-line bundle', () => {
  const root = join(__dirname, '..', '..');
  const outdir = mkdtempSync(join(tmpdir(), 'cli-bundle-'));
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--outdir', outdir], { cwd: root, stdio: 'pipe', timeout: 60_000 });
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('is executable, starts away from node_modules and explains itself', () => {
    const file = join(outdir, 'cli.js');
    expect(statSync(file).mode & 0o111).not.toBe(0);
    const help = spawnSync(process.execPath, [file, '--help'], { cwd: outdir, encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cdktf-gcp-analytics-pipeline replay-dead-letters --from <time>/);
    const wrong = spawnSync(process.execPath, [file, 'replay-dead-letters', '--from', 'yesterday'], { cwd: outdir, encoding: 'utf8', timeout: 30_000 });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--from must be an ISO 8601 time with a zone, got "yesterday"/);
  });

  test('the package names it as its bin and ships it', () => {
    const pkg = require(join(root, 'package.json')) as { bin: Record<string, string>; files: string[] };
    expect(pkg.bin).toEqual({ 'cdktf-gcp-analytics-pipeline': 'dist/cli/cli.js' });
    expect(pkg.files).toContain('dist/cli/**');
  });
});
