// Bundles the query service into one file for the Node.js version of its image, and copies its Dockerfile beside
// it: `npm run build:service`. The esbuild target is read from the Dockerfile's base image, so the two never differ.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, outdirArgument } from './node-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = outdirArgument(root, 'dist/service');

const dockerfile = join(root, 'src/service/Dockerfile');
const base = /^FROM gcr\.io\/distroless\/nodejs(\d+)-/m.exec(readFileSync(dockerfile, 'utf8'));
if (!base) throw new Error(`${dockerfile}: no "FROM gcr.io/distroless/nodejs<major>-..." line to take the Node.js target from`);

await bundleForNode(join(root, 'src/service/server.ts'), join(outdir, 'server.js'), `node${base[1]}`);
copyFileSync(dockerfile, join(outdir, 'Dockerfile'));
// The API reference's renderer (served at /docs, never from a CDN), with its license, beside the bundle.
const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
mkdirSync(join(outdir, 'docs'), { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE', 'NOTICE']) copyFileSync(join(swaggerUi, file), join(outdir, 'docs', file));
const docsBytes = readdirSync(join(outdir, 'docs')).reduce((sum, file) => sum + statSync(join(outdir, 'docs', file)).size, 0);
console.log(`${join(outdir, 'docs')}: ${(docsBytes / 1024 / 1024).toFixed(2)} MB (the API reference's files)`);
