// Bundles the query service into one file for Node 20+ and copies its Dockerfile beside it: `npm run build:service`.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(root, flag > 0 ? process.argv[flag + 1] : 'dist/service');
mkdirSync(outdir, { recursive: true });

const outfile = join(outdir, 'server.js');
await build({
  entryPoints: [join(root, 'src/service/server.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  // Native module, used only with STORE=duckdb (local mode): never part of the cloud image.
  external: ['@duckdb/node-api'],
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/service/Dockerfile'), join(outdir, 'Dockerfile'));

const bytes = statSync(outfile).size;
console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes)`);
