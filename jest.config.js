/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (no type-check per file): `npm run typecheck` type-checks the whole project once.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // One worker per core. Jest's default is cores − 1, which is a single worker on the 2-core CI
  // machine; the suites are independent (temp dirs, unique Redis prefixes, port 0), and the largest
  // process of a full run peaks at ~1 GB resident (measured), far inside the machine's memory.
  maxWorkers: '100%',
};
