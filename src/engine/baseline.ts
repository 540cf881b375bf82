// Baselines: compare a result with a previous one by the stable fingerprints of its findings. Pure.
import type { AuditResult, BaselineSummary, Outcome, ResultEntry } from './result.ts';

/** Findings (fail, waived: a waiver does not make the problem go away) and undecided results are compared apart. */
type Kind = 'finding' | 'undecided';

const kindOf = (o: Outcome): Kind | undefined => (o === 'fail' || o === 'waived' ? 'finding' : o === 'unknown' || o === 'error' ? 'undecided' : undefined);

/**
 * Mark each finding of `current` new or unchanged against `baseline`, and list the baseline's findings
 * that are gone as resolved. A finding is unchanged when the baseline had the same fingerprint (rule,
 * subject, finding key) in the same kind: a failure that used to be unknown is new.
 */
export function applyBaseline(current: AuditResult, baseline: AuditResult, file?: string): AuditResult {
  const before = new Map<string, Kind>();
  for (const r of baseline.results) {
    const k = kindOf(r.outcome);
    if (k) before.set(r.fingerprint, k);
  }
  const now = new Map<string, Kind>();
  const counts = { new: 0, unchanged: 0, resolved: 0 };
  const results = current.results.map((r): ResultEntry => {
    const k = kindOf(r.outcome);
    if (!k) return r;
    now.set(r.fingerprint, k);
    const state = before.get(r.fingerprint) === k ? 'unchanged' : 'new';
    if (k === 'finding') counts[state]++;
    return { ...r, baseline: state };
  });
  const resolved = baseline.results
    .filter((r) => kindOf(r.outcome) === 'finding' && now.get(r.fingerprint) !== 'finding')
    .map(({ baseline: _b, waiver: _w, ...rest }) => rest);
  counts.resolved = resolved.length;
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
