// Bundles the command line (`cdktf-gcp-analytics-pipeline replay-dead-letters ...`) into one file: `npm run build:cli`.
// Usage: node scripts/build-cli.mjs [--outdir dist/cli]
import { build } from 'esbuild';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(root, flag > 0 ? process.argv[flag + 1] : 'dist/cli');
mkdirSync(outdir, { recursive: true });

const outfile = join(outdir, 'cli.js');
await build({
  entryPoints: [join(root, 'src/service/replay/cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  // Native module, needed only for --duckdb (the local pipeline, where the repository's node_modules has it).
  external: ['@duckdb/node-api'],
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);

const bytes = statSync(outfile).size;
console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes)`);
