// Bundles the query service into one file for the Node.js version of its image, and copies its Dockerfile beside
// it: `npm run build:service`. The esbuild target is read from the Dockerfile's base image, so the two never differ.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
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
// The API reference's renderer (served at /docs, never from a CDN), with its license, beside the bundle.
const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
mkdirSync(join(outdir, 'docs'), { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE', 'NOTICE']) copyFileSync(join(swaggerUi, file), join(outdir, 'docs', file));

const bytes = statSync(outfile).size;
console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), target ${target}`);
const docsBytes = readdirSync(join(outdir, 'docs')).reduce((sum, file) => sum + statSync(join(outdir, 'docs', file)).size, 0);
console.log(`${join(outdir, 'docs')}: ${(docsBytes / 1024 / 1024).toFixed(2)} MB (the API reference's files)`);
