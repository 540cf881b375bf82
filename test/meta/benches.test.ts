// `npm run bench` imports every bench/*.bench.js and calls its default export; a suite written as a
// top-level script ran on import and then crashed the runner, so no later suite ran. Checked statically:
// importing a suite would run it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../bench');
const suites = readdirSync(dir).filter((f) => f.endsWith('.bench.js'));

describe('bench suites', () => {
  it('there are suites to check', () => {
    expect(suites.length).toBeGreaterThan(5);
  });
  it.each(suites)('%s exports a default function for bench/run.js', (file) => {
    const src = readFileSync(join(dir, file), 'utf8');
    expect(src).toMatch(/^export default (async )?(function\b|\()/m);
  });
});
