// Bounds for the reports people read (text, Markdown, HTML): beyond a number of rows they summarise
// and point at the full machine-readable report, so a million keys never make an unreadable (or
// unbounded) page. Pure.
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { eachSubject } from '../engine/result-view.ts';
import type { FailureGroup } from './root-causes.ts';
import type { ReportMeta } from './types.ts';

/** Rows a human report lists before it summarises (--report-limit, KEYHYGIENE_REPORT_LIMIT). */
export const DEFAULT_REPORT_LIMIT = 1000;

/** Subjects listed under one root cause; the rest are counted (the CSV and JSON reports list them all). */
export const SUBJECTS_PER_CAUSE = 20;

export const reportLimit = (meta: Pick<ReportMeta, 'limit'>): number => meta.limit ?? DEFAULT_REPORT_LIMIT;

/** Where the complete list is: the machine-readable report written in the same run, or how to get one. */
export function fullReportHint(meta: Pick<ReportMeta, 'fullReport'>): string {
  return meta.fullReport ? `the full report is ${meta.fullReport}` : 'write the full report with --format json --output FILE (or csv), or raise --report-limit';
}

/** A root cause as a human report shows it: the subjects listed (bounded) and how many are not. */
export interface ShownGroup {
  group: FailureGroup;
  /** The cause is the subject itself (one finding): nothing to list under it. */
  own: boolean;
  subjects: string[];
  moreSubjects: number;
}

/** What a bounded human report lists: root causes first, then the other findings, within `limit` rows. */
export interface BoundedFindings {
  groups: ShownGroup[];
  /** Root causes, and the failures they stand for, left out. */
  omittedGroups: number;
  omittedFailures: number;
  others: ResultEntry[];
  omittedOthers: number;
  totalGroups: number;
  totalFailures: number;
}

const isOwn = (g: FailureGroup): boolean => {
  const [first] = g.entries;
  return g.entries.length === 1 && first !== undefined && first.subject.id === g.cause.resource.id && first.subject.kind === g.cause.resource.kind;
};

/**
 * Root causes (each row, plus one row per subject listed under it) and then `others` (one row each),
 * until `limit` rows are used. Counts what was left out, so the report can say so.
 */
export function boundFindings(
  groups: readonly FailureGroup[],
  others: readonly ResultEntry[],
  limit: number,
  opts: { subjectRows?: boolean } = {},
): BoundedFindings {
  const perCause = opts.subjectRows === false ? 0 : SUBJECTS_PER_CAUSE;
  let budget = Math.max(1, limit);
  const shown: ShownGroup[] = [];
  let omittedFailures = 0;
  for (const group of groups) {
    if (budget <= 0) {
      omittedFailures += group.entries.length;
      continue;
    }
    const own = isOwn(group);
    const n = own ? 0 : group.cause.subjects.length;
    // The row, the subjects listed under it, and a line counting the rest when some are not listed.
    const room = n <= Math.min(perCause, budget - 1) ? n : Math.max(0, Math.min(perCause, budget - 2));
    const listed = group.cause.subjects.slice(0, own ? 0 : room);
    const moreSubjects = n - listed.length;
    budget -= perCause === 0 ? 1 : 1 + listed.length + (moreSubjects > 0 ? 1 : 0);
    shown.push({ group, own, subjects: listed, moreSubjects });
  }
  const keptOthers = others.slice(0, Math.max(0, budget));
  const totalFailures = groups.reduce((n, g) => n + g.entries.length, 0);
  return {
    groups: shown,
    omittedGroups: groups.length - shown.length,
    omittedFailures,
    others: keptOthers,
    omittedOthers: others.length - keptOthers.length,
    totalGroups: groups.length,
    totalFailures,
  };
}

/** One sentence for what a bounded report left out, or undefined when it lists everything. */
export function omittedNote(b: BoundedFindings, meta: Pick<ReportMeta, 'fullReport' | 'limit'>): string | undefined {
  if (b.omittedGroups === 0 && b.omittedOthers === 0) return undefined;
  const parts: string[] = [];
  if (b.omittedGroups) parts.push(`${b.omittedGroups} more root causes (${b.omittedFailures} failures)`);
  if (b.omittedOthers) parts.push(`${b.omittedOthers} more unknown, error or waived results`);
  return `${parts.join(' and ')} not listed: this report lists ${reportLimit(meta)} rows; ${fullReportHint(meta)}.`;
}

/** Keys, and keys that pass every rule that applies to them (a loop: no array of a million keys is copied). */
export function keyCounts(result: AuditResult): { keys: number; clean: number } {
  let keys = 0;
  let clean = 0;
  for (const x of eachSubject(result)) {
    if (x.kind !== 'key') continue;
    keys++;
    if (x.status === 'pass') clean++;
  }
  return { keys, clean };
}
