// Cost benchmark runner: bundles bench/cost.ts (the store, the fake BigQuery and its cost model) and runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../scripts/node-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(root, 'bench', '.cost-'));
try {
  const entry = join(work, 'cost.js');
  await bundleForNode(join(root, 'bench', 'cost.ts'), entry);
  const run = spawnSync(process.execPath, [entry], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
