// `audit --snapshot FILE…` and a policy's `providers: { snapshot: … }` are one code path: the same
// snapshots give the same result either way, with the snapshots' own provider runs kept.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../../src/paths.ts';
import { runCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/tmp.ts';

const STORM = join(EXAMPLES_DIR, 'storm-0558');
const inventory = JSON.parse(readFileSync(join(STORM, 'inventory.json'), 'utf8'));

describe('snapshots: one path for --snapshot and the snapshot provider', () => {
  it('gives identical results for the flag and the policy block over the same two snapshots', async () => {
    const t = tempDir();
    // A second, newer snapshot: one key again (an identical duplicate collapses) and one gap of its own.
    const part2 = t.write(
      'part2.json',
      JSON.stringify({
        ...inventory,
        generatedAt: '2026-11-02T00:00:00Z',
        providers: [{ id: 'aws', finishedAt: '2026-11-02T00:00:00Z' }],
        keys: inventory.keys.slice(0, 1),
        trails: [],
        publishedKeys: [],
        artifacts: [],
        gaps: [],
      }),
    );
    const part1 = t.write('part1.json', readFileSync(join(STORM, 'inventory.json'), 'utf8'));
    const policyText = readFileSync(join(STORM, 'keyhygiene.yaml'), 'utf8');
    // Named like the example's policy: a failure's limit source names the policy file that set it.
    const viaBlock = t.write(
      'keyhygiene.yaml',
      policyText.replace(/providers:\n\s+snapshot:\n\s+paths: \[inventory\.json\]/, 'providers:\n  snapshot:\n    paths: [part1.json, part2.json]'),
    );
    expect(readFileSync(viaBlock, 'utf8')).toContain('part2.json');
    const a = await runCli(['audit', '--policy', viaBlock, '--now', 'snapshot', '--format', 'json', '--include-passed', '--output', join(t.dir, 'a.json')]);
    const b = await runCli([
      'audit',
      '--policy',
      join(STORM, 'keyhygiene.yaml'),
      '--snapshot',
      part1,
      '--snapshot',
      part2,
      '--now',
      'snapshot',
      '--format',
      'json',
      '--include-passed',
      '--output',
      join(t.dir, 'b.json'),
    ]);
    expect(a.stderr).toBe(b.stderr);
    expect(a.status).toBe(b.status);
    const ra = JSON.parse(readFileSync(join(t.dir, 'a.json'), 'utf8'));
    const rb = JSON.parse(readFileSync(join(t.dir, 'b.json'), 'utf8'));
    expect(ra.results).toEqual(rb.results);
    expect(ra.inventory).toEqual(rb.inventory);
    // Evaluated as of the newest snapshot, and the evidence's own provider runs are named.
    expect(ra.inventory.generatedAt).toBe('2026-11-02T00:00:00Z');
    expect(ra.inventory.providers).toEqual(['aws', 'azure', 'entra', 'jwks', 'm365']);
    expect(ra.inventory.keys).toBe(inventory.keys.length);
    expect(ra.results.length).toBeGreaterThan(10);
  });
});
