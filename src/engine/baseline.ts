// Baselines: compare a result with a previous one by the stable fingerprints of its findings. Pure.
import type { AuditResult, BaselineSummary, Outcome, ResultEntry } from './result.ts';
import { causeKey } from './root-causes.ts';

/** Findings (fail, waived: a waiver does not make the problem go away) and undecided results are compared apart. */
type Kind = 'finding' | 'undecided';

/** What a finding is compared by: its root cause (one trail failing many keys is one problem), else its fingerprint. */
const causeOf = causeKey;

const kindOf = (o: Outcome): Kind | undefined => (o === 'fail' || o === 'waived' ? 'finding' : o === 'unknown' || o === 'error' ? 'undecided' : undefined);

/**
 * Mark each finding of `current` new or unchanged against `baseline`, and list the baseline's findings
 * that are gone as resolved. A finding is unchanged when the baseline had the same fingerprint (rule,
 * subject, finding key) in the same kind: a failure that used to be unknown is new. Findings compare
 * by root cause: a new key under a trail that already failed is the same problem, not a new one; counts
 * are of root causes.
 */
export function applyBaseline(current: AuditResult, baseline: AuditResult, file?: string): AuditResult {
  const before = new Map<string, Kind>();
  for (const r of baseline.results) {
    const k = kindOf(r.outcome);
    // Undecided results are per subject; findings follow their root cause.
    if (k) before.set(k === 'finding' ? causeOf(r) : r.fingerprint, k);
  }
  const now = new Map<string, Kind>();
  const seen = { new: new Set<string>(), unchanged: new Set<string>() };
  const results = current.results.map((r): ResultEntry => {
    const k = kindOf(r.outcome);
    if (!k) return r;
    const id = k === 'finding' ? causeOf(r) : r.fingerprint;
    now.set(id, k);
    const state = before.get(id) === k ? 'unchanged' : 'new';
    if (k === 'finding') seen[state].add(id);
    return { ...r, baseline: state };
  });
  // Resolved: root causes of the baseline that no finding of this run has any more (one entry each).
  const gone = new Set<string>();
  const resolved = baseline.results
    .filter((r) => {
      const id = causeOf(r);
      if (kindOf(r.outcome) !== 'finding' || now.get(id) === 'finding' || gone.has(id)) return false;
      gone.add(id);
      return true;
    })
    .map(({ baseline: _b, waiver: _w, ...rest }) => rest);
  const counts = { new: seen.new.size, unchanged: seen.unchanged.size, resolved: resolved.length };
  const summary: BaselineSummary = { ...(file ? { file } : {}), generatedAt: baseline.generatedAt, counts, resolved };
  return { ...current, results, baseline: summary };
}

/** Failures the baseline did not have (info excluded, as for every --fail-on threshold). */
export function newFailures(result: AuditResult): ResultEntry[] {
  return result.results.filter((r) => r.outcome === 'fail' && r.baseline === 'new' && r.severity !== 'info');
}

export interface ResultDiff {
  old: { generatedAt: string; file?: string };
  new: { generatedAt: string; file?: string };
  counts: { new: number; unchanged: number; resolved: number };
  added: ResultEntry[];
  resolved: BaselineSummary['resolved'];
  unchanged: ResultEntry[];
}

/** `keyhygiene diff OLD NEW`: the findings NEW added, kept and resolved relative to OLD. */
export function diffResults(oldResult: AuditResult, newResult: AuditResult, files: { old?: string; new?: string } = {}): ResultDiff {
  const marked = applyBaseline(newResult, oldResult, files.old);
  const findings = marked.results.filter((r) => kindOf(r.outcome) === 'finding');
  return {
    old: { generatedAt: oldResult.generatedAt, ...(files.old ? { file: files.old } : {}) },
    new: { generatedAt: newResult.generatedAt, ...(files.new ? { file: files.new } : {}) },
    counts: marked.baseline?.counts ?? { new: 0, unchanged: 0, resolved: 0 },
    added: findings.filter((r) => r.baseline === 'new'),
    resolved: marked.baseline?.resolved ?? [],
    unchanged: findings.filter((r) => r.baseline === 'unchanged'),
  };
}
