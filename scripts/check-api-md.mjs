// Fails when API.md no longer matches the compiled public API (.jsii): run `npm run docs` and commit it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'api-md-'));
try {
  const fresh = join(dir, 'API.md');
  execFileSync(process.execPath, [join('node_modules', 'jsii-docgen', 'bin', 'jsii-docgen'), '-o', fresh], { stdio: 'inherit' });
  const committed = readFileSync('API.md', 'utf8');
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('API.md is stale: the public API changed. Run `npm run build && npm run docs` and commit API.md.');
    process.exit(1);
  }
  console.log('API.md matches the public API.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
