// Runs a TypeScript benchmark of bench/: bundles it (scripts/node-bundle.mjs) into a scratch directory, runs it with
// plain `node`, optionally on one core (taskset, where it exists), and sets this process's exit code to its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../scripts/node-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Bundles and runs bench/<name>.ts; `oneCore` pins it to core 0 when taskset exists. */
export async function runBundled(name, { oneCore = false } = {}) {
  const work = mkdtempSync(join(here, `.${name}-`));
  try {
    const entry = join(work, `${name}.js`);
    await bundleForNode(join(here, `${name}.ts`), entry);
    const pinned = oneCore && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
    const run = pinned ? spawnSync('taskset', ['-c', '0', process.execPath, entry], { stdio: 'inherit' }) : spawnSync(process.execPath, [entry], { stdio: 'inherit' });
    process.exitCode = run.status ?? 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
