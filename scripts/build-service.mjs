// Bundles the query service into one file for the Node.js version of its image, and copies its Dockerfile beside
// it: `npm run build:service`. The esbuild target is read from the Dockerfile's base image, so the two never differ.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = resolve(root, flag > 0 ? process.argv[flag + 1] : 'dist/service');
mkdirSync(outdir, { recursive: true });

const dockerfile = join(root, 'src/service/Dockerfile');
const base = /^FROM gcr\.io\/distroless\/nodejs(\d+)-/m.exec(readFileSync(dockerfile, 'utf8'));
if (!base) throw new Error(`${dockerfile}: no "FROM gcr.io/distroless/nodejs<major>-..." line to take the Node.js target from`);
const target = `node${base[1]}`;

const outfile = join(outdir, 'server.js');
await build({
  entryPoints: [join(root, 'src/service/server.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target,
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  // Native module, used only with STORE=duckdb (local mode): never part of the cloud image.
  external: ['@duckdb/node-api'],
  logLevel: 'warning',
});
copyFileSync(dockerfile, join(outdir, 'Dockerfile'));

const bytes = statSync(outfile).size;
console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), target ${target}`);
