// Synth benchmark: the bundled example in a fresh process, best of several runs, against the same resources
// written by hand with deep imports, and the same hand-written stack through the provider's barrel import.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_SYNTH_RUNS ?? 5);
const pinnedImage = 'europe-docker.pkg.dev/my-project/apis/query-api:1.0.0';

/** Compiles a TypeScript entry to one CommonJS file next to the repo's node_modules (packages stay external). */
async function compile(entry, outfile) {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'error' });
}

/** `pubsub-topic` -> `pubsubTopic`, the barrel's namespace for a resource module. */
function camel(kebab) {
  return kebab.replace(/-(\w)/g, (_, c) => c.toUpperCase());
}

/** Best wall time (ms) and peak RSS (MB) of `node file` over `runs` fresh processes. */
function measure(file, outdir) {
  let best = Infinity;
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    rmSync(outdir, { recursive: true, force: true });
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ['--require', rssProbe, file], {
      cwd: root, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir, SERVICE_IMAGE: pinnedImage },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`${file} failed:\n${run.stderr}`);
    best = Math.min(best, ms);
    rss = Math.max(rss, Number(/max-rss-kb=(\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024);
  }
  return { ms: best, rss };
}

const work = mkdtempSync(join(root, 'bench', '.synth-'));
const rssProbe = join(work, 'rss-probe.cjs');
writeFileSync(rssProbe, "process.on('exit', () => process.stderr.write(`max-rss-kb=${process.resourceUsage().maxRSS}\\n`));\n");
try {
  const example = join(work, 'example.js');
  const deep = join(work, 'handwritten-deep.js');
  const barrel = join(work, 'handwritten-barrel.js');
  // The example's own entry point, exactly what `npm run synth` runs (with a registry image, so no image build).
  await compile(join(root, 'examples', 'flights', 'main.ts'), example);
  const constructsOnly = join(work, 'constructs-only.js');
  await compile(join(root, 'bench', 'synth-construct-entry.ts'), constructsOnly);
  await compile(join(root, 'bench', 'handwritten-stack.ts'), deep);
  // The same hand-written stack, each deep import rewritten to the barrel (what users write by default).
  const deepSource = readFileSync(join(root, 'bench', 'handwritten-stack.ts'), 'utf8');
  const barrelSource = deepSource.replace(
    /import \{ ([\w, ]+) \} from '@cdktf\/provider-google\/lib\/([\w-]+)';/g,
    (_, names, module) => `import * as google_${camel(module)} from '@cdktf/provider-google';\nconst { ${names} } = google_${camel(module)}.${camel(module)};`,
  );
  const barrelEntry = join(work, 'handwritten-barrel.ts');
  writeFileSync(barrelEntry, barrelSource);
  await compile(barrelEntry, barrel);

  const fleet = join(work, 'fleet.js');
  await compile(join(root, 'bench', 'fleet-entry.ts'), fleet);

  const outdir = join(work, 'out');
  const results = {
    example: measure(example, outdir),
    constructsOnly: measure(constructsOnly, outdir),
    handwrittenDeep: measure(deep, outdir),
    handwrittenBarrel: measure(barrel, outdir),
  };
  const row = (name, r) => `${name.padEnd(28)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.rss.toFixed(0).padStart(5)} MB peak RSS`;
  console.log(`synth, fresh process, best of ${runs}:`);
  console.log(row('example, as npm run synth', results.example));
  console.log(row('example without the checks', results.constructsOnly));
  console.log(row('hand-written, deep imports', results.handwrittenDeep));
  console.log(row('hand-written, barrel import', results.handwrittenBarrel));
  const ratios = (name, r) => {
    const vsDeep = r.ms / results.handwrittenDeep.ms;
    const vsBarrel = results.handwrittenBarrel.ms / r.ms;
    console.log(`${name.padEnd(28)} / hand-written deep = ${vsDeep.toFixed(2)}x (target <= 1.5x) ${vsDeep <= 1.5 ? 'OK' : 'MISSED'};`,
      `barrel / it = ${vsBarrel.toFixed(2)}x (target >= 5x) ${vsBarrel >= 5 ? 'OK' : 'MISSED'}`);
  };
  ratios('example, as npm run synth', results.example);
  ratios('example without the checks', results.constructsOnly);

  // The fleet: 50 pipelines, each with its monitoring, and the fleet view, in one stack and one process.
  const fleetRun = measure(fleet, outdir);
  const resources = Object.values(JSON.parse(readFileSync(join(outdir, 'stacks', 'fleet', 'cdk.tf.json'), 'utf8')).resource)
    .reduce((n, byName) => n + Object.keys(byName).length, 0);
  console.log(row('50 pipelines + FleetMonitoring', fleetRun), `${resources} resources`);
  console.log(`fleet synth = ${(fleetRun.ms / 1000).toFixed(1)} s (budget 20 s) ${fleetRun.ms <= 20_000 ? 'OK' : 'MISSED'}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
