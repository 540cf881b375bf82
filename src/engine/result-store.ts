// Results kept as columns (issue 21): per result a subject index, a rule index, outcome and severity
// in one byte, the fingerprint as 16 bytes, an interned message, and sparse extras (finding key,
// missing field, root cause, waiver). A million-key audit holds tens of bytes a result, not a graph
// of objects; entries are made when a reporter iterates them (same fields, order and bytes as before).
import { hash } from 'node:crypto';
import type { Severity } from '../model/common.ts';
import type { AuditResult, Outcome, ResultEntry, RootCause, RootCauseRef, SeverityCounts, SubjectRef } from './result.ts';
import { emptySeverityCounts } from './result.ts';
import type { CompactList } from './result-view.ts';
import type { SubjectTable } from './subject-table.ts';

/** Outcomes in report order (the order results are sorted by), and severities most severe first. */
export const OUTCOME_ORDER: readonly Outcome[] = ['fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'];
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const OUTCOME_CODE = Object.fromEntries(OUTCOME_ORDER.map((o, i) => [o, i])) as Record<Outcome, number>;
export const SEVERITY_CODE = Object.fromEntries(SEVERITY_ORDER.map((s, i) => [s, i])) as Record<Severity, number>;
const FAIL = OUTCOME_CODE.fail;
const NO_CAUSE = -1;

/** A rule as its results name it; `rank` is its place among the policy's sorted rule ids. */
export interface StoredRule {
  ruleId: string;
  category: string;
}

/** What one result holds besides its subject and rule. */
export interface StoredResult {
  outcome: Outcome;
  severity: Severity;
  message: string;
  /** The 16 bytes of the fingerprint (its hex is the result's `fingerprint`). */
  fingerprint: Uint8Array;
  findingKey?: string;
  missing?: string;
  /** A root cause other than the subject itself (failures and waived failures). */
  cause?: RootCauseRef;
  /** A failure whose root cause is the subject itself. */
  selfCause?: boolean;
  waiver?: AppliedWaiver;
}

type AppliedWaiver = NonNullable<ResultEntry['waiver']>;

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The first 16 bytes of SHA-256 of the text: a fingerprint or root-cause id before hex. */
export const digest16 = (text: string): Uint8Array => hash('sha256', text, 'buffer').subarray(0, 16);
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

export class ResultStore {
  private n = 0;
  private subj = new Int32Array(1024);
  private rule = new Uint16Array(1024);
  /** outcome code × 8 + severity code: the first sort key. */
  private code = new Uint8Array(1024);
  private fps = new Uint8Array(1024 * 16);
  private causeIx = new Int32Array(1024);
  private readonly messages: string[] = [];
  private readonly keys: (string | undefined)[] = [];
  private readonly missing = new Map<number, string>();
  private readonly waivers = new Map<number, AppliedWaiver>();
  private readonly selfCauses = new Set<number>();
  private readonly causes: RootCauseRef[] = [];
  private readonly causeIds = new Map<string, number>();
  private readonly interned = new Map<string, string>();
  private order: Int32Array | undefined;
  private readonly rules: readonly StoredRule[];
  private readonly table: SubjectTable;

  constructor(rules: readonly StoredRule[], table: SubjectTable) {
    this.rules = rules;
    this.table = table;
  }

  get length(): number {
    return this.n;
  }

  /** Store one result of rule `ruleIndex` (its place in `rules`) on subject `si`. */
  add(si: number, ruleIndex: number, r: StoredResult): void {
    const i = this.n++;
    if (i >= this.subj.length) this.resize(i + 1);
    this.subj[i] = si;
    this.rule[i] = ruleIndex;
    this.code[i] = OUTCOME_CODE[r.outcome] * 8 + SEVERITY_CODE[r.severity];
    this.fps.set(r.fingerprint, i * 16);
    let m = this.interned.get(r.message);
    if (m === undefined) {
      m = r.message;
      this.interned.set(m, m);
    }
    this.messages.push(m);
    this.keys.push(r.findingKey);
    if (r.missing !== undefined) this.missing.set(i, r.missing);
    if (r.waiver) this.waivers.set(i, r.waiver);
    if (r.selfCause) this.selfCauses.add(i);
    this.causeIx[i] = r.cause ? this.causeIndex(r.cause) : NO_CAUSE;
  }

  private resize(need: number): void {
    this.subj = grow(this.subj, need);
    this.rule = grow(this.rule, need);
    this.code = grow(this.code, need);
    this.causeIx = grow(this.causeIx, need);
    this.fps = grow(this.fps, this.subj.length * 16);
  }

  /** One shared object per root cause (the same rule, resource and finding key give the same id). */
  private causeIndex(c: RootCauseRef): number {
    let ix = this.causeIds.get(c.id);
    if (ix === undefined) {
      ix = this.causes.length;
      this.causes.push(c);
      this.causeIds.set(c.id, ix);
    }
    return ix;
  }

  /**
   * Sort into report order: outcome, severity, rule id, subject id, finding key (ties keep the order
   * they were added in). Subject ids are compared as strings only to rank them, once each.
   */
  sort(): void {
    const n = this.n;
    const idRank = this.table.idRanks();
    const nRules = this.rules.length;
    const nIds = idRank.length + 1;
    const rank = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rank[i] = ((this.code[i] as number) * nRules + (this.rule[i] as number)) * nIds + (idRank[this.subj[i] as number] as number);
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const keys = this.keys;
    order.sort((a, b) => (rank[a] as number) - (rank[b] as number) || cmp(keys[a] ?? '', keys[b] ?? '') || a - b);
    this.order = order;
    // Evaluation is over: the lookup tables that shared messages and causes are not needed any more.
    this.interned.clear();
    this.causeIds.clear();
  }

  private sorted(): Int32Array {
    if (!this.order) this.sort();
    return this.order as Int32Array;
  }

  /** Result `i` (in the order added) as reports see it, naming its subject by `subject`. */
  entry(i: number, subject: SubjectRef): ResultEntry {
    const { ruleId, category } = this.rules[this.rule[i] as number] as StoredRule;
    const code = this.code[i] as number;
    const outcome = OUTCOME_ORDER[code >> 3] as Outcome;
    const severity = SEVERITY_ORDER[code & 7] as Severity;
    const message = this.messages[i] as string;
    const fingerprint = hex(this.fps.subarray(i * 16, i * 16 + 16));
    const scope = this.table.scope(this.subj[i] as number);
    // Fields in the order reports show them.
    const e: ResultEntry = scope
      ? { ruleId, category, subject, scope, severity, outcome, message, fingerprint }
      : { ruleId, category, subject, severity, outcome, message, fingerprint };
    const missing = this.missing.get(i);
    if (missing !== undefined) e.missing = [missing];
    const key = this.keys[i];
    if (key !== undefined) e.findingKey = key;
    const c = this.causeIx[i] as number;
    if (c !== NO_CAUSE) e.rootCause = this.causes[c];
    else if (this.selfCauses.has(i)) e.rootCause = { id: fingerprint, resource: selfResource(subject) };
    const waiver = this.waivers.get(i);
    if (waiver) e.waiver = waiver;
    return e;
  }

  /** The results in report order; `share` gives the results of one subject one reference object. */
  *entries(share = false): Generator<ResultEntry> {
    const order = this.sorted();
    const refs = share ? new Map<number, SubjectRef>() : undefined;
    for (let k = 0; k < order.length; k++) {
      const i = order[k] as number;
      const si = this.subj[i] as number;
      let ref = refs?.get(si);
      if (!ref) {
        ref = this.table.ref(si);
        refs?.set(si, ref);
      }
      yield this.entry(i, ref);
    }
  }

  list(): CompactList<ResultEntry> {
    return { length: this.n, items: () => this.entries(), toArray: () => [...this.entries(true)] };
  }

  /** Failures (not waived) grouped by root cause, most severe first, then by rule, resource and id. */
  rootCauses(): { rootCauses: RootCause[]; counts: NonNullable<AuditResult['summary']['rootCauses']> } {
    const order = this.sorted();
    const groups = new Map<string, RootCause & { subjectSet: Set<string> }>();
    for (let k = 0; k < order.length; k++) {
      const i = order[k] as number;
      const code = this.code[i] as number;
      if (code >> 3 !== FAIL) continue;
      const si = this.subj[i] as number;
      const c = this.causeIx[i] as number;
      const id = c !== NO_CAUSE ? (this.causes[c] as RootCauseRef).id : hex(this.fps.subarray(i * 16, i * 16 + 16));
      let g = groups.get(id);
      if (!g) {
        const resource = c !== NO_CAUSE ? (this.causes[c] as RootCauseRef).resource : selfResource(this.table.ref(si));
        const { ruleId } = this.rules[this.rule[i] as number] as StoredRule;
        g = { id, ruleId, severity: SEVERITY_ORDER[code & 7] as Severity, resource, message: this.messages[i] as string, subjects: [], subjectSet: new Set() };
        groups.set(id, g);
      }
      if ((code & 7) < SEVERITY_CODE[g.severity]) g.severity = SEVERITY_ORDER[code & 7] as Severity;
      g.subjectSet.add(this.table.id(si));
    }
    const rootCauses = [...groups.values()].map(({ subjectSet, ...cause }) => ({ ...cause, subjects: sortedIds(subjectSet) }));
    rootCauses.sort(
      (a, b) => SEVERITY_CODE[a.severity] - SEVERITY_CODE[b.severity] || cmp(a.ruleId, b.ruleId) || cmp(a.resource.id, b.resource.id) || cmp(a.id, b.id),
    );
    const bySeverity: SeverityCounts = emptySeverityCounts();
    for (const c of rootCauses) bySeverity[c.severity]++;
    return { rootCauses, counts: { total: rootCauses.length, bySeverity } };
  }
}

/** The subject itself as the resource of its root cause. */
const selfResource = (s: SubjectRef): RootCauseRef['resource'] => ({ kind: s.kind, id: s.id, ...(s.name ? { name: s.name } : {}) });

function sortedIds(set: Set<string>): string[] {
  const ids = [...set];
  for (let i = 1; i < ids.length; i++) if ((ids[i - 1] as string) > (ids[i] as string)) return ids.sort(cmp);
  return ids;
}
