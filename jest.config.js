/** Type-checking happens once in `npm run typecheck`; jest only transpiles (isolatedModules). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }],
  },
  testTimeout: 60000,
  // A native handle (DuckDB or a child process) occasionally outlives its suite and keeps jest from exiting after
  // every test has passed; CI must end rather than wait for its timeout. Every suite still closes what it opens.
  forceExit: true,
};
