import { defineConfig } from 'vitest/config';

/**
 * Test files that need a process of their own: one replaces a module with `vi.mock` (a shared worker
 * would have loaded the real one for another file); the others trust a throwaway TLS certificate
 * process-wide, which the Azure SDK's cached HTTPS agent would remember across files.
 */
const ISOLATED = [
  'test/engine/evaluate.test.ts',
  'test/providers/azure/collect.test.ts',
  'test/providers/entra/collect.test.ts',
  'test/demo/**/*.test.ts',
  'test/cli/iac.test.ts',
];

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
    projects: [
      // Most files share worker processes: modules (zod schemas, SDKs, the rule registry) load once per
      // worker instead of once per file, about six times less CPU. test/setup.ts restores what a file
      // may change in the process (environment, working directory, exit code).
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
