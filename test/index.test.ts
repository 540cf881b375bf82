// The library entry `evaluatePolicy` is the one `keyhygiene audit` calls (src/cli/run-audit.ts): its
// `release` option hands the inventory over, and the result is the same as without it.
import { describe, expect, it } from 'vitest';
import { eachResult, eachSubject, evaluatePolicy, loadPolicy, readSnapshots, resultCount, subjectCount } from '../src/index.ts';

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

  it('iterates results and subjects one at a time, as the arrays list them', () => {
    const policy = loadPolicy(`${dir}keyhygiene.yaml`);
    const inv = readSnapshots([`${dir}inventory.json`]);
    const r = evaluatePolicy(inv, policy, { now: new Date(inv.generatedAt), includePassed: true });
    const results = [...eachResult(r)];
    const subjects = [...eachSubject(r)];
    expect(resultCount(r)).toBe(results.length);
    expect(subjectCount(r)).toBe(subjects.length);
    expect(results).toEqual(r.results);
    expect(subjects).toEqual(r.subjects);
    expect(results.filter((x) => x.outcome === 'pass').length).toBe(r.summary.outcomes.pass);
  });
});
