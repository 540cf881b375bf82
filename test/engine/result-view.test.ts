// The result's long lists kept compact (issue 21): `eachSubject` / `eachResult` read them one entry
// at a time; a plain read of `result.subjects` builds the same array, once; the streamed JSON of the
// view is the same bytes as JSON.stringify of the materialised result.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { eachResult, eachSubject, isCompact, resultCount, streamingView, subjectCount } from '../../src/engine/result-view.ts';
import { readInventoryFile } from '../../src/inventory/read.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { jsonChunks } from '../../src/util/json-stream.ts';

const dir = new URL('../../examples/storm-0558/', import.meta.url).pathname;
const run = (includePassed = false) => {
  const policy = resolvePolicyFile(`${dir}keyhygiene.yaml`);
  const inv = readInventoryFile(`${dir}inventory.json`);
  return { inv, result: evaluate(inv, policy, { now: new Date(inv.generatedAt), includePassed }) };
};

describe('result view', () => {
  it('iterates the subjects without building the array, in the order of the array built later', () => {
    const { inv, result } = run();
    expect(isCompact(result, 'subjects')).toBe(true);
    const iterated = [...eachSubject(result)];
    expect(subjectCount(result)).toBe(iterated.length);
    expect(iterated.length).toBe(inv.keys.length + inv.trails.length + inv.publishedKeys.length + inv.artifacts.length);
    expect(isCompact(result, 'subjects')).toBe(true);
    // Sorted by kind, then id; gaps are not subjects.
    const order = iterated.map((s) => `${s.kind}\u0000${s.id}`);
    expect(order).toEqual([...order].sort());
    expect(iterated.some((s) => s.kind === 'gap')).toBe(false);
    const array = result.subjects;
    expect(isCompact(result, 'subjects')).toBe(false);
    expect(array).toEqual(iterated);
    expect(result.subjects).toBe(array); // built once
  });

  it('counts subjects by status as the listed subjects say', () => {
    const { result } = run();
    const byStatus: Record<string, number> = {};
    for (const s of eachSubject(result)) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    for (const [status, n] of Object.entries(result.summary.subjects.byStatus)) expect(byStatus[status] ?? 0).toBe(n);
    expect(result.summary.subjects.total).toBe(subjectCount(result));
  });

  it('lets an assignment replace a list, and iteration follow it', () => {
    const { result } = run();
    const first = [...eachSubject(result)][0];
    result.subjects = first ? [first] : [];
    expect([...eachSubject(result)]).toEqual(first ? [first] : []);
    expect(subjectCount(result)).toBe(first ? 1 : 0);
    expect(isCompact(result, 'subjects')).toBe(false);
  });

  for (const includePassed of [false, true]) {
    it(`iterates results without building the array, as the array built later holds them (includePassed ${includePassed})`, () => {
      const { result } = run(includePassed);
      expect(isCompact(result, 'results')).toBe(true);
      const iterated = [...eachResult(result)];
      expect(resultCount(result)).toBe(iterated.length);
      expect(isCompact(result, 'results')).toBe(true);
      expect(iterated.some((r) => r.outcome === 'pass')).toBe(includePassed);
      expect(iterated.some((r) => r.outcome === 'fail' && r.rootCause)).toBe(true);
      const array = result.results;
      expect(isCompact(result, 'results')).toBe(false);
      expect(array).toEqual(iterated);
      expect(result.results).toBe(array);
      // Failures are counted once each in the summary, and every root cause groups some of them.
      expect(iterated.filter((r) => r.outcome === 'fail').length).toBe(result.summary.outcomes.fail);
      const causeIds = new Set(iterated.filter((r) => r.outcome === 'fail').map((r) => (r.rootCause?.id ?? r.fingerprint) as string));
      expect(new Set(result.rootCauses?.map((c) => c.id))).toEqual(causeIds);
    });
  }

  for (const includePassed of [false, true]) {
    it(`streams the same JSON bytes as the materialised result (includePassed ${includePassed})`, () => {
      const { result: a } = run(includePassed);
      const streamed = [...jsonChunks({ $schema: 'x', ...streamingView(a) })].join('');
      expect(isCompact(a, 'subjects')).toBe(true);
      const { result: b } = run(includePassed);
      expect(streamed).toBe(`${JSON.stringify({ $schema: 'x', ...b }, null, 2)}\n`);
      expect(JSON.parse(streamed).subjects.length).toBe(b.subjects.length);
    });
  }
});
