// Runs npm scripts at the same time (`node scripts/run-parallel.mjs typecheck lint build`): `npm test` starts with three
// single-threaded steps (~12 s, ~10 s, ~11 s here) that need nothing from each other, and CI has two cores. Each
// script's output is printed whole when it ends, so the logs do not interleave; the exit code is 1 if any failed.
import { spawn } from 'node:child_process';

const npm = process.env.npm_execpath;
const run = (script) =>
  new Promise((resolve) => {
    const started = Date.now();
    // npm_execpath is npm's own CLI when this runs from an npm script; otherwise `npm` from PATH.
    const child = npm ? spawn(process.execPath, [npm, 'run', '-s', script]) : spawn('npm', ['run', '-s', script], { shell: process.platform === 'win32' });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => {
      process.stdout.write(Buffer.concat(output));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`${code === 0 ? 'ok' : 'FAILED'}: npm run ${script} (${seconds} s)`);
      resolve(code === 0);
    });
  });

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/run-parallel.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}
const results = await Promise.all(scripts.map(run));
process.exit(results.every(Boolean) ? 0 : 1);
