// Local page benchmark runner: bundles bench/local-pages.ts and runs it on one core (taskset, where it exists).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../scripts/node-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(root, 'bench', '.local-pages-'));
try {
  const entry = join(work, 'local-pages.js');
  await bundleForNode(join(root, 'bench', 'local-pages.ts'), entry);
  const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const run = pinned ? spawnSync('taskset', ['-c', '0', process.execPath, entry], { stdio: 'inherit' }) : spawnSync(process.execPath, [entry], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
