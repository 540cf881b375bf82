import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

/**
 * Seconds each file took in a full run, hooks included (test/durations.json, written by
 * `node scripts/test-durations.ts` from vitest's cache). Only the order in which files start depends on it.
 */
const DURATIONS: Readonly<Record<string, number>> = existsSync('test/durations.json') ? JSON.parse(readFileSync('test/durations.json', 'utf8')) : {};
/** A file the table does not know yet: started before the many short files, after the known long ones. */
const UNKNOWN_SECONDS = 1;

/**
 * Longest files first, so that the workers finish together rather than one running a long file that
 * started last. Vitest does this from its own cache of earlier runs; a clean clone (CI) has none and
 * vitest then orders by file size, which put the slowest files (short sources that wait on fakes,
 * gcore or child processes) near the end. Without a full cache the committed table decides.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (files.every((f) => this.ctx.cache.getTestSpecificationResult(f))) return sorted;
    const seconds = (f: TestSpecification) => DURATIONS[relative(this.ctx.config.root, f.moduleId)] ?? UNKNOWN_SECONDS;
    // Projects stay in vitest's order, one after the other: a worker of the shared project is reused
    // only while the next file in the queue is a shared one too.
    const projects = [...new Set(sorted.map((f) => f.project.name))];
    const rank = (f: TestSpecification) => projects.indexOf(f.project.name);
    return [...sorted].sort((a, b) => rank(a) - rank(b) || seconds(b) - seconds(a));
  }
}

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    allowOnly: false,
    // vitest's default in run mode is one worker fewer than the cores: on a 2-core CI runner that is a
    // single worker, every file in series (wall ≈ the sum of file durations, ~300 s). Many files spend
    // their time waiting (fakes' deadlines, child processes, gcore), so one worker more than the cores
    // keeps them busy: on an idle 2-core machine 3 workers took 99.8 s against 122.2 s for 2, with the
    // same CPU time (2 min 12 s user).
    maxWorkers: Math.max(3, availableParallelism() + 1),
    sequence: { sequencer: LongestFirst },
    projects: [
      // Most files share worker processes: modules (zod schemas, SDKs, the rule registry) load once per
      // worker instead of once per file, about six times less CPU. test/setup.ts restores what a file
      // may change in the process (environment, working directory, exit code).
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
