// Bundles the query service into one file for Node 20+ and copies its Dockerfile beside it: `npm run build:service`.
// Usage: node scripts/build-service.mjs [--outdir dist/service]
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, outdirArgument } from './node-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = outdirArgument(root, 'dist/service');
await bundleForNode(join(root, 'src/service/server.ts'), join(outdir, 'server.js'));
copyFileSync(join(root, 'src/service/Dockerfile'), join(outdir, 'Dockerfile'));
