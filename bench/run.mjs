// `npm run bench`: every benchmark in one run, each printing its own ratios against its baseline.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let failed = false;
for (const bench of ['synth.mjs', 'api.mjs', 'local-pages.mjs', 'cost.mjs']) {
  console.log(`\n== ${bench} ==`);
  const run = spawnSync(process.execPath, [join(here, bench)], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
