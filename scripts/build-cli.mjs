// Bundles the command line (`cdktf-gcp-analytics-pipeline replay-dead-letters ...`) into one file: `npm run build:cli`.
// Usage: node scripts/build-cli.mjs [--outdir dist/cli]
import { chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, outdirArgument } from './node-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(outdirArgument(root, 'dist/cli'), 'cli.js');
// The DuckDB module stays outside: --duckdb is for the local pipeline, where the repository's node_modules has it.
await bundleForNode(join(root, 'src/service/replay/cli.ts'), outfile);
chmodSync(outfile, 0o755);
