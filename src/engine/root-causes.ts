// Root causes: one problem, one finding. A trail that excludes KMS events fails every key it covers;
// the failures keep their per-subject detail and share one root cause (rule + the causing resource).
import { hash } from 'node:crypto';
import { type Severity, severityRank } from '../model/common.ts';
import type { CauseResource, ResultEntry, RootCause, RootCauseRef, SeverityCounts } from './result.ts';
import { emptySeverityCounts } from './result.ts';

/** The text a named root cause's id is the hash of: rule, causing resource, finding key (also the memo key of one cause). */
export const causeText = (ruleId: string, cause: CauseResource, findingKey: string | undefined): string =>
  `${ruleId}\n${cause.kind}:${cause.id}\n${findingKey ?? ''}`;

/** The first 32 hex digits of SHA-256 of the text: a result fingerprint or a root-cause id. */
export const hash32 = (text: string): string => hash('sha256', text, 'hex').slice(0, 32);

/**
 * A result's fingerprint: stable across runs (baselines and waivers match on it), so a hash of what
 * identifies the result (rule, subject, finding key), computed when a report reads it.
 */
export const fingerprint = (ruleId: string, subjectId: string, findingKey = ''): string => hash32(`${ruleId}\n${subjectId}\n${findingKey}`);

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
    return { id: fingerprint, resource: selfResource(subject) };
  }
  return { id: hash32(causeText(ruleId, cause, findingKey)), resource: cause };
}

/** The subject itself as the resource of its root cause. */
export const selfResource = (s: { kind: string; id: string; name?: string }): CauseResource => ({
  kind: s.kind,
  id: s.id,
  ...(s.name ? { name: s.name } : {}),
});

/**
 * The root-cause id of a finding: the rule's named cause, or the finding itself when the subject is
 * its own cause (a result edited or merged after evaluation keeps its findings apart).
 */
export function causeKey(r: ResultEntry): string {
  const c = r.rootCause;
  return c && !(c.resource.kind === r.subject.kind && c.resource.id === r.subject.id) ? c.id : r.fingerprint;
}

/** Strings in code-unit order (what report order and ids sort by). */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One failure as root-cause grouping reads it; `resource` is asked only for the first failure of a cause. */
export interface Failure {
  id: string;
  ruleId: string;
  severity: Severity;
  message: string;
  subjectId: string;
  resource(): CauseResource;
}

/**
 * Failures grouped by root cause id, in the order they come (reports': the first failure of a cause
 * gives its rule and message; its severity is the most severe of its failures), then sorted most
 * severe first, then by rule, resource and id. `fact` returns undefined for what is not a failure.
 * The one grouping of both the entries (`groupFailures`) and evaluation's columns (ResultStore).
 * `fact` may fill and return the same object every time: it is read at once, and only its strings kept.
 */
export function groupCauses<T>(items: Iterable<T>, fact: (item: T) => Failure | undefined, keep: boolean): { cause: RootCause; entries: T[] }[] {
  const byId = new Map<string, { cause: RootCause; entries: T[]; subjects: CauseSubjects }>();
  for (const item of items) {
    const f = fact(item);
    if (!f) continue;
    let g = byId.get(f.id);
    if (!g) {
      g = {
        cause: { id: f.id, ruleId: f.ruleId, severity: f.severity, resource: f.resource(), message: f.message, subjects: [] },
        entries: [],
        subjects: new CauseSubjects(f.subjectId),
      };
      byId.set(f.id, g);
    } else {
      if (severityRank(f.severity) < severityRank(g.cause.severity)) g.cause.severity = f.severity;
      g.subjects.add(f.subjectId);
    }
    if (keep) g.entries.push(item);
  }
  const groups: { cause: RootCause; entries: T[] }[] = [];
  for (const { cause, entries, subjects } of byId.values()) {
    cause.subjects = subjects.sorted();
    groups.push({ cause, entries });
  }
  groups.sort(
    ({ cause: a }, { cause: b }) =>
      severityRank(a.severity) - severityRank(b.severity) || cmp(a.ruleId, b.ruleId) || cmp(a.resource.id, b.resource.id) || cmp(a.id, b.id),
  );
  return groups;
}

/**
 * The distinct subject ids of one cause. Failures come in report order, where one cause's subjects
 * mostly arrive sorted (one rule, by subject id): kept as a list while each id is past the last one
 * (a repeat of the last is dropped), as a set only once one arrives out of order.
 */
class CauseSubjects {
  private readonly list: string[];
  private set: Set<string> | undefined;

  constructor(first: string) {
    this.list = [first];
  }

  add(id: string): void {
    if (this.set) {
      this.set.add(id);
      return;
    }
    const last = this.list[this.list.length - 1] as string;
    if (id > last) this.list.push(id);
    else if (id !== last) this.set = new Set([...this.list, id]);
  }

  /** The ids in order, each once. */
  sorted(): string[] {
    return this.set ? sortedIds(this.set) : this.list;
  }
}

/** Ids in order (a set filled in report order is often sorted already: checked before sorting). */
function sortedIds(set: Set<string>): string[] {
  const ids = [...set];
  for (let i = 1; i < ids.length; i++) if ((ids[i - 1] as string) > (ids[i] as string)) return ids.sort(cmp);
  return ids;
}

/** An entry as a failure to group: its named cause, or the finding itself when the subject is its own cause. */
const entryFailure = (r: ResultEntry): Failure | undefined =>
  r.outcome !== 'fail'
    ? undefined
    : {
        id: causeKey(r),
        ruleId: r.ruleId,
        severity: r.severity,
        message: r.message,
        subjectId: r.subject.id,
        resource: () => (causeKey(r) === r.fingerprint ? selfResource(r.subject) : (r.rootCause as RootCauseRef).resource),
      };

/** Failures (not waived) grouped by root cause, most severe first, then by rule and resource; each with its failures. */
export function groupFailures(results: Iterable<ResultEntry>): { cause: RootCause; entries: ResultEntry[] }[] {
  return groupCauses(results, entryFailure, true);
}

/** Root causes and their count by severity (what the summary and the gate show), from grouped failures. */
export function causeSummary(groups: readonly { cause: RootCause }[]): { rootCauses: RootCause[]; counts: { total: number; bySeverity: SeverityCounts } } {
  const rootCauses = groups.map((g) => g.cause);
  const bySeverity = emptySeverityCounts();
  for (const c of rootCauses) bySeverity[c.severity]++;
  return { rootCauses, counts: { total: rootCauses.length, bySeverity } };
}

/** The root causes of a result's failures and their count by severity (what the summary and the gate show). */
export function groupRootCauses(results: readonly ResultEntry[]): { rootCauses: RootCause[]; counts: { total: number; bySeverity: SeverityCounts } } {
  return causeSummary(groupFailures(results));
}
