const { availableParallelism } = require('node:os');

/** Type-checking happens once in `npm run typecheck`; jest only transpiles (isolatedModules). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  testTimeout: 60000,
  // At least two workers, so that jest never runs the tests in its own process (its default on 2 cores): a native
  // module (DuckDB) that leaves a worker thread busy makes a process unable to exit, and jest ends a stuck worker
  // process with SIGKILL, where its own process would hang CI. It is also ~1.5x faster on 2 cores.
  maxWorkers: Math.max(2, availableParallelism() - 1),
};
