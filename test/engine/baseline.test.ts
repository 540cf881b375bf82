import { describe, expect, it } from 'vitest';
import { applyBaseline, diffResults, newFailures } from '../../src/engine/baseline.ts';
import { exitCodeFor } from '../../src/engine/exit-code.ts';
import { AuditResult, type ResultEntry } from '../../src/engine/result.ts';
import { causeKey } from '../../src/engine/root-causes.ts';
import { stormRun } from '../helpers/storm-result.ts';

const before = stormRun().result;
const fails = before.results.filter((r) => r.outcome === 'fail');
const [fixed, stays] = fails as [ResultEntry, ResultEntry];
const unknownBefore = before.results.find((r) => r.outcome === 'unknown') as ResultEntry;
const waived = before.results.find((r) => r.outcome === 'waived') as ResultEntry;

/** The next run: one failure fixed, one new failure, an unknown that now fails, the rest as before. */
const brandNew: ResultEntry = {
  ...stays,
  fingerprint: 'a'.repeat(32),
  rootCause: { id: 'a'.repeat(32), resource: { kind: 'principal', id: 'new-principal' } },
  findingKey: 'new-principal',
  message: 'a new principal can use the key',
  severity: 'high',
};
const after: AuditResult = {
  ...before,
  generatedAt: '2026-11-08T06:00:00.000Z',
  results: [
    ...before.results.filter((r) => r.fingerprint !== fixed.fingerprint && r.fingerprint !== unknownBefore.fingerprint),
    brandNew,
    { ...unknownBefore, outcome: 'fail', message: 'now readable, and failing' },
  ],
};

describe('applyBaseline', () => {
  const marked = applyBaseline(after, before, 'previous.json');
  const state = (fp: string) => marked.results.find((r) => r.fingerprint === fp)?.baseline;

  it('marks findings new or unchanged by fingerprint, and lists resolved ones', () => {
    expect(state(stays.fingerprint)).toBe('unchanged');
    expect(state(brandNew.fingerprint)).toBe('new');
    expect(state(waived.fingerprint)).toBe('unchanged');
    expect(marked.baseline?.resolved.map((r) => r.fingerprint)).toEqual([fixed.fingerprint]);
    expect(marked.baseline?.file).toBe('previous.json');
    expect(marked.baseline?.generatedAt).toBe(before.generatedAt);
  });

  it('a failure that used to be unknown is new: the baseline never accepted it', () => {
    expect(state(unknownBefore.fingerprint)).toBe('new');
  });

  it('counts findings (fail and waived) and keeps the result schema-valid', () => {
    const findings = after.results.filter((r) => r.outcome === 'fail' || r.outcome === 'waived');
    // Counted by root cause: the example's common endpoint is one cause failing two published keys.
    const causes = new Set(findings.map((r) => causeKey(r)));
    expect(causes.size).toBeLessThan(findings.length);
    expect(marked.baseline?.counts).toEqual({ new: 2, unchanged: causes.size - 2, resolved: 1 });
    expect(AuditResult.safeParse(marked).success).toBe(true);
    // Pure: the inputs are untouched.
    expect(after.results.some((r) => r.baseline)).toBe(false);
  });

  it('against itself everything is unchanged and nothing resolved', () => {
    const same = applyBaseline(before, before);
    expect(same.baseline?.counts.new).toBe(0);
    expect(same.baseline?.counts.resolved).toBe(0);
    expect(newFailures(same)).toEqual([]);
  });

  it('--fail-on new gates only on new failures', () => {
    expect(
      newFailures(marked)
        .map((r) => r.fingerprint)
        .sort(),
    ).toEqual([brandNew.fingerprint, unknownBefore.fingerprint].sort());
    expect(exitCodeFor(marked, { failOn: 'new', allowIncomplete: true })).toBe(1);
    const same = applyBaseline(before, before);
    expect(exitCodeFor(same, { failOn: 'new', allowIncomplete: true })).toBe(0);
    expect(exitCodeFor(same, { failOn: 'new', allowIncomplete: false })).toBe(3);
    // The severity gate still sees every failure.
    expect(exitCodeFor(same, { failOn: 'high', allowIncomplete: true })).toBe(1);
    // An info-level new failure does not gate.
    const info = applyBaseline({ ...before, results: [...before.results, { ...brandNew, severity: 'info' }] }, before);
    expect(exitCodeFor(info, { failOn: 'new', allowIncomplete: true })).toBe(0);
  });
});

describe('diffResults', () => {
  it('reports added, unchanged and resolved findings between two results', () => {
    const d = diffResults(before, after, { old: 'a.json', new: 'b.json' });
    expect(d.added.map((r) => r.fingerprint).sort()).toEqual([brandNew.fingerprint, unknownBefore.fingerprint].sort());
    expect(d.resolved.map((r) => r.fingerprint)).toEqual([fixed.fingerprint]);
    expect(d.counts).toEqual({ new: 2, unchanged: new Set(d.unchanged.map((r) => causeKey(r))).size, resolved: 1 });
    expect(d.old).toEqual({ generatedAt: before.generatedAt, file: 'a.json' });
    const back = diffResults(after, before);
    expect(back.added.map((r) => r.fingerprint)).toEqual([fixed.fingerprint]);
    expect(back.resolved.map((r) => r.fingerprint).sort()).toEqual([brandNew.fingerprint, unknownBefore.fingerprint].sort());
  });
});
