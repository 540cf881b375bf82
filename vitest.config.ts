import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Test files that need a process of their own, found by what they do: replacing a module with
 * `vi.mock` (a shared worker would have loaded the real one for another file), or trusting a throwaway
 * TLS certificate process-wide (the Azure SDK's cached HTTPS agent would remember it across files).
 */
const NEEDS_OWN_PROCESS = /\bvi\.mock\(|setDefaultCACertificates|startAzureDemo|startAzureFake|useAzureFake|startEntraFake|Demo\.run\(/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}
const ISOLATED = testFiles('test').filter((f) => NEEDS_OWN_PROCESS.test(readFileSync(f, 'utf8')));

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
    // vitest's default in run mode is one worker fewer than the cores: on a 2-core CI runner that is a
    // single worker, every file in series (wall ≈ the sum of file durations, ~300 s). Many files spend
    // their time waiting (fakes' deadlines, child processes, gcore), so a worker per core keeps both busy.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      // Most files share worker processes: modules (zod schemas, SDKs, the rule registry) load once per
      // worker instead of once per file, about six times less CPU. test/setup.ts restores what a file
      // may change in the process (environment, working directory, exit code).
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
