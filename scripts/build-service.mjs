// Bundles the query service into one file for the Node.js version of its image, and copies its Dockerfile beside
// it: `npm run build:service`. The esbuild target is read from the Dockerfile's base image, so the two never differ.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { copyFileSync, readFileSync } from 'node:fs';
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
