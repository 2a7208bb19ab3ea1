// One esbuild configuration for the files this package runs with plain `node`: the service and the command line.
import { build } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Bundles `entry` into one minified CommonJS file for `target`, with only the native DuckDB module left outside. */
export async function bundleForNode(entry, outfile, target = 'node20') {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target,
    format: 'cjs',
    minify: true,
    legalComments: 'linked',
    // Native module, used only with the local DuckDB store: never part of the cloud image.
    external: ['@duckdb/node-api'],
    logLevel: 'warning',
  });
  const bytes = statSync(outfile).size;
  console.log(`${outfile}: ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), target ${target}`);
}

/** The output directory named by `--outdir <dir>`, else the default, resolved against the repository root. */
export function outdirArgument(root, fallback) {
  const flag = process.argv.indexOf('--outdir');
  return resolve(root, flag > 0 ? process.argv[flag + 1] : fallback);
}
