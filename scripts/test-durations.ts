// Write test/durations.json: seconds each test file took (hooks included), from vitest's own cache of
// the last run (node_modules/.vite/vitest/*/results.json), or from the cache file given as argument.
// vitest.config.ts starts the longest files first from it on a clean clone, where vitest has no cache
// of its own: two workers then finish together instead of one waiting on a long file started last.
// Run after a full `npm test` on an idle machine: `node scripts/test-durations.ts`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Cache {
  projects?: Record<string, { files?: Record<string, { duration?: number }> }>;
}

const root = join(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules/.vite/vitest');
const sources = process.argv[2]
  ? [process.argv[2]]
  : existsSync(cacheDir)
    ? readdirSync(cacheDir)
        .map((d) => join(cacheDir, d, 'results.json'))
        .filter((f) => existsSync(f))
    : [];
if (sources.length === 0) {
  console.error('no vitest results cache: run `npm test` first, or pass the path of a results.json');
  process.exit(2);
}
const seconds: Record<string, number> = {};
for (const source of sources) {
  const cache = JSON.parse(readFileSync(source, 'utf8')) as Cache;
  for (const project of Object.values(cache.projects ?? {}))
    for (const [file, r] of Object.entries(project.files ?? {}))
      if (typeof r.duration === 'number' && existsSync(join(root, file))) seconds[file] = Math.max(seconds[file] ?? 0, Math.round(r.duration / 100) / 10);
}
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(join(root, 'test/durations.json'), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(
  `wrote test/durations.json (${Object.keys(sorted).length} files, ${Object.values(sorted)
    .reduce((a, b) => a + b, 0)
    .toFixed(1)} s in all)`,
);
