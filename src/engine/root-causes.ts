// Root causes: one problem, one finding. A trail that excludes KMS events fails every key it covers;
// the failures keep their per-subject detail and share one root cause (rule + the causing resource).
import { hash } from 'node:crypto';
import { type Severity, severityRank } from '../model/common.ts';
import type { CauseResource, ResultEntry, RootCause, RootCauseRef, SeverityCounts } from './result.ts';
import { emptySeverityCounts } from './result.ts';

/**
 * The root cause of one finding. When the subject itself is the cause its id is the finding's own
 * fingerprint, so baselines written before root causes existed still match.
 */
export function rootCauseOf(
  ruleId: string,
  subject: { kind: string; id: string; name?: string },
  fingerprint: string,
  findingKey: string | undefined,
  /** the resource the rule names as the cause (absent: the subject itself) */
  cause?: CauseResource,
): RootCauseRef {
  if (!cause || (cause.kind === subject.kind && cause.id === subject.id)) {
    return { id: fingerprint, resource: { kind: subject.kind, id: subject.id, ...(subject.name ? { name: subject.name } : {}) } };
  }
  const id = hash('sha256', `${ruleId}\n${cause.kind}:${cause.id}\n${findingKey ?? ''}`, 'hex').slice(0, 32);
  return { id, resource: cause };
}

/**
 * The root-cause id of a finding: the rule's named cause, or the finding itself when the subject is
 * its own cause (a result edited or merged after evaluation keeps its findings apart).
 */
export function causeKey(r: ResultEntry): string {
  const c = r.rootCause;
  return c && !(c.resource.kind === r.subject.kind && c.resource.id === r.subject.id) ? c.id : r.fingerprint;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Failures (not waived) grouped by root cause, most severe first, then by rule and resource; each with its failures. */
export function groupFailures(results: Iterable<ResultEntry>): { cause: RootCause; entries: ResultEntry[] }[] {
  const byId = new Map<string, { cause: RootCause; entries: ResultEntry[]; subjectSet: Set<string> }>();
  for (const r of results) {
    if (r.outcome !== 'fail') continue;
    const id = causeKey(r);
    let g = byId.get(id);
    if (!g) {
      const resource =
        id === r.fingerprint
          ? { kind: r.subject.kind, id: r.subject.id, ...(r.subject.name ? { name: r.subject.name } : {}) }
          : (r.rootCause as RootCauseRef).resource;
      g = { cause: { id, ruleId: r.ruleId, severity: r.severity, resource, message: r.message, subjects: [] }, entries: [], subjectSet: new Set() };
      byId.set(id, g);
    }
    if (severityRank(r.severity) < severityRank(g.cause.severity)) g.cause.severity = r.severity as Severity;
    g.subjectSet.add(r.subject.id);
    g.entries.push(r);
  }
  const groups = [...byId.values()].map(({ cause, entries, subjectSet }) => ({ cause: { ...cause, subjects: [...subjectSet].sort(cmp) }, entries }));
  groups.sort(
    ({ cause: a }, { cause: b }) =>
      severityRank(a.severity) - severityRank(b.severity) || cmp(a.ruleId, b.ruleId) || cmp(a.resource.id, b.resource.id) || cmp(a.id, b.id),
  );
  return groups;
}

/** The root causes of a result's failures and their count by severity (what the summary and the gate show). */
export function groupRootCauses(results: readonly ResultEntry[]): { rootCauses: RootCause[]; counts: { total: number; bySeverity: SeverityCounts } } {
  const rootCauses = groupFailures(results).map((g) => g.cause);
  const bySeverity = emptySeverityCounts();
  for (const c of rootCauses) bySeverity[c.severity]++;
  return { rootCauses, counts: { total: rootCauses.length, bySeverity } };
}
