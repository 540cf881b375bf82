// The library entry `evaluatePolicy` is the one `keyhygiene audit` calls (src/cli/run-audit.ts): its
// `release` option hands the inventory over, and the result is the same as without it.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, loadPolicy, readSnapshots } from '../src/index.ts';

const dir = new URL('../examples/storm-0558/', import.meta.url).pathname;

describe('evaluatePolicy', () => {
  it('with release: the same result, and the inventory handed over has no key records left', () => {
    const policy = loadPolicy(`${dir}keyhygiene.yaml`);
    const kept = readSnapshots([`${dir}inventory.json`]);
    const handed = readSnapshots([`${dir}inventory.json`]);
    const now = new Date(kept.generatedAt);
    expect(kept.keys.length).toBeGreaterThan(2);
    const a = evaluatePolicy(kept, policy, { now });
    const b = evaluatePolicy(handed, policy, { now, release: true });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(handed.keys).toEqual([]);
    expect(kept.keys.length).toBe(a.inventory.keys);
  });
});
