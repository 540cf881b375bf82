// Results for the reporter tests: the storm-0558 estate with one trail that fails many keys (a root
// cause shared by many subjects), and large results built from it. Summaries are recomputed so every
// format reads a consistent result.

import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { groupRootCauses } from '../../src/engine/root-causes.ts';
import { stormRun } from './storm-result.ts';

export const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail';

/** A failure whose cause is a trail shared by every key it covers, on key `i`. */
export function trailFailure(failure: ResultEntry, i: number): ResultEntry {
  const { findingKey: _, waiver: __, baseline: ___, ...base } = failure;
  const id = `arn:aws:kms:us-east-1:111111111111:key/${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
  return {
    ...base,
    ruleId: 'key-use-logged',
    category: 'logging',
    severity: 'high',
    outcome: 'fail',
    subject: { kind: 'key', id, provider: 'aws-kms', name: `alias/app-${i}` },
    message: 'No covering trail records use of this key: org-trail excludes kms.amazonaws.com events.',
    fingerprint: i.toString(16).padStart(32, 'a'),
    rootCause: { id: 'c0ffee00c0ffee00c0ffee00c0ffee00', resource: { kind: 'trail', id: TRAIL_ARN, name: 'org-trail' } },
  };
}

/** The result with its summary and root causes recomputed from its results. */
export function withResults(result: AuditResult, results: ResultEntry[]): AuditResult {
  const outcomes = { fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': result.summary.outcomes['not-applicable'] };
  const failuresBySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const r of results) {
    outcomes[r.outcome]++;
    if (r.outcome === 'fail') failuresBySeverity[r.severity]++;
  }
  // Passes are counted, not listed, unless the result lists them (--include-passed).
  if (outcomes.pass === 0) outcomes.pass = result.summary.outcomes.pass;
  const { rootCauses, counts } = groupRootCauses(results);
  return { ...result, results, rootCauses, summary: { ...result.summary, outcomes, failuresBySeverity, rootCauses: counts } };
}

/** The storm estate plus `shared` keys failing key-use-logged because of one trail. */
export function sharedCauseResult(shared: number, opts: { includePassed?: boolean } = {}): AuditResult {
  const { result } = stormRun(opts);
  const base = result.results.find((r) => r.outcome === 'fail') as ResultEntry;
  const extra = Array.from({ length: shared }, (_, i) => trailFailure(base, i));
  return withResults(result, [...result.results, ...extra]);
}

/** `n` results: the storm results repeated on distinct subjects (their root causes follow the subject). */
export function largeResult(n: number, opts: { includePassed?: boolean } = {}): AuditResult {
  const { result } = stormRun(opts);
  const results: ResultEntry[] = [];
  for (let i = 0; results.length < n; i++)
    for (const r of result.results) {
      if (results.length >= n) break;
      const fingerprint = (i.toString(16) + r.fingerprint).slice(0, 32);
      const id = `${r.subject.id}/${i}`;
      const own = r.rootCause?.resource.id === r.subject.id;
      const rootCause = r.rootCause && (own ? { id: fingerprint, resource: { ...r.rootCause.resource, id } } : r.rootCause);
      results.push({ ...r, subject: { ...r.subject, id }, fingerprint, ...(rootCause ? { rootCause } : {}) });
    }
  return withResults(result, results);
}
