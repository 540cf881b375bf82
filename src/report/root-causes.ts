import type { AuditResult, ResultEntry, RootCause } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import { causeKey, groupFailures } from '../engine/root-causes.ts';

/** A root cause with the failures it causes (their per-subject detail kept), for reporters. */
export interface FailureGroup {
  cause: RootCause;
  entries: ResultEntry[];
}

/**
 * The failures of a result grouped by root cause, from the findings themselves (so a result filtered
 * or merged after evaluation, or written before root causes existed, groups correctly).
 */
export function failureGroups(result: AuditResult): FailureGroup[] {
  return groupFailures(eachResult(result));
}

/** The results that `keep` accepts, in result order, read one at a time (the whole list is never built). */
export function resultsWhere(result: AuditResult, keep: (r: ResultEntry) => boolean): ResultEntry[] {
  const out: ResultEntry[] = [];
  for (const r of eachResult(result)) if (keep(r)) out.push(r);
  return out;
}

/** How a root cause is named in a report: the resource, and how many subjects it affects beyond itself. */
export function causeLabel(cause: RootCause): string {
  const name = cause.resource.name ?? cause.resource.id;
  const own = cause.subjects.length === 1 && cause.subjects[0] === cause.resource.id;
  if (own) return name;
  const n = cause.subjects.length;
  return `${cause.resource.kind} ${name} (${n} subject${n === 1 ? '' : 's'})`;
}

/** The root cause of one finding as the per-finding formats carry it: its id and the causing resource (the subject itself when it is its own cause). */
export function entryCause(r: ResultEntry): { id: string; resource: { kind: string; id: string } } {
  const id = causeKey(r);
  const resource = id === r.fingerprint || !r.rootCause ? r.subject : r.rootCause.resource;
  return { id, resource: { kind: resource.kind, id: resource.id } };
}
