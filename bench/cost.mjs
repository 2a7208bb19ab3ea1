// Cost benchmark runner: bundles bench/cost.ts (the store, the fake BigQuery and its cost model) and runs it.
import { runBundled } from './run-bundled.mjs';

await runBundled('cost');
