// Local page benchmark runner: bundles bench/local-pages.ts and runs it on one core (taskset, where it exists).
import { runBundled } from './run-bundled.mjs';

await runBundled('local-pages', { oneCore: true });
