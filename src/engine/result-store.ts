// Results kept as columns (issue 21): per result a subject index, a rule index, outcome and severity
// in one byte, an interned message, and sparse extras (finding key, missing field, root cause,
// waiver). A million-key audit holds tens of bytes a result, not a graph of objects; entries are
// made when a reporter iterates them (same fields, order and bytes as before), and so is each
// fingerprint (a hash of rule, subject and finding key: evaluation hashes nothing per result).
import { SEVERITIES, type Severity, severityRank } from '../model/common.ts';
import type { AuditResult, CauseResource, Outcome, ResultEntry, RootCause, RootCauseRef, SubjectRef } from './result.ts';
import type { CompactList } from './result-view.ts';
import { causeSummary, causeText, cmp, type Failure, fingerprint, groupCauses, hash32, selfResource } from './root-causes.ts';
import type { SubjectTable } from './subject-table.ts';

/** Outcomes in report order (the order results are sorted by). */
export const OUTCOME_ORDER: readonly Outcome[] = ['fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'];
const OUTCOME_CODE = Object.fromEntries(OUTCOME_ORDER.map((o, i) => [o, i])) as Record<Outcome, number>;
const FAIL = OUTCOME_CODE.fail;
const WAIVED = OUTCOME_CODE.waived;
const NO_CAUSE = -1;

/** A rule as its results name it; `rank` is its place among the policy's sorted rule ids. */
export interface StoredRule {
  ruleId: string;
  category: string;
}

/** What a result holds besides its subject, rule, outcome, severity and message, when it has it. */
export interface ResultExtras {
  findingKey?: string;
  missing?: string;
  /**
   * The resource a failure (or waived failure) names as its root cause, other than the subject
   * itself; a failure without one is its own cause.
   */
  cause?: CauseResource;
  waiver?: AppliedWaiver;
}

type AppliedWaiver = NonNullable<ResultEntry['waiver']>;

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

/**
 * Indices 0…n-1 by rank, then finding key, then index. When rank × n fits in a double exactly, each
 * index is packed under its rank and the numbers sorted natively (no comparator call per step); the
 * few runs of equal rank (several findings of one rule on one subject) are then ordered by finding key.
 */
export function sortByRank(rank: Float64Array, keys: readonly (string | undefined)[], rankBound: number): Int32Array {
  const n = rank.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const byKey = (a: number, b: number): number => (rank[a] as number) - (rank[b] as number) || cmp(keys[a] ?? '', keys[b] ?? '') || a - b;
  if (rankBound * n >= Number.MAX_SAFE_INTEGER) return order.sort(byKey);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = (rank[i] as number) * n + i;
  packed.sort();
  for (let k = 0; k < n; k++) order[k] = (packed[k] as number) % n;
  // Equal ranks come out by index; where a run of them has finding keys, order it by key first.
  for (let k = 0; k < n; ) {
    let end = k + 1;
    while (end < n && rank[order[end] as number] === rank[order[k] as number]) end++;
    if (end - k > 1) order.subarray(k, end).sort(byKey);
    k = end;
  }
  return order;
}

export class ResultStore {
  private n = 0;
  private subj = new Int32Array(1024);
  private rule = new Uint16Array(1024);
  /** outcome code × 8 + severity code: the first sort key. */
  private code = new Uint8Array(1024);
  private causeIx = new Int32Array(1024);
  private readonly messages: string[] = [];
  private readonly keys: (string | undefined)[] = [];
  private readonly missing = new Map<number, string>();
  private readonly waivers = new Map<number, AppliedWaiver>();
  /** One shared object per root cause, found by the text its id hashes (rule, resource, finding key). */
  private readonly causes: RootCauseRef[] = [];
  private readonly causeIds = new Map<string, number>();
  /** Per rule, the causes it named by resource id. */
  private readonly causesByRule: Map<string, { kind: string; findingKey: string | undefined; ix: number }[]>[] = [];
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
  add(si: number, ruleIndex: number, outcome: Outcome, severity: Severity, message: string, extras?: ResultExtras): void {
    const i = this.n++;
    if (i >= this.subj.length) this.resize(i + 1);
    this.subj[i] = si;
    this.rule[i] = ruleIndex;
    this.code[i] = OUTCOME_CODE[outcome] * 8 + severityRank(severity);
    let m = this.interned.get(message);
    if (m === undefined) {
      m = message;
      this.interned.set(m, m);
    }
    this.messages.push(m);
    this.keys.push(extras?.findingKey);
    this.causeIx[i] = NO_CAUSE;
    if (!extras) return;
    if (extras.missing !== undefined) this.missing.set(i, extras.missing);
    if (extras.waiver) this.waivers.set(i, extras.waiver);
    if (extras.cause) this.causeIx[i] = this.causeIndex(ruleIndex, extras.cause, extras.findingKey);
  }

  private resize(need: number): void {
    this.subj = grow(this.subj, need);
    this.rule = grow(this.rule, need);
    this.code = grow(this.code, need);
    this.causeIx = grow(this.causeIx, need);
  }

  /** One shared object per root cause: the same rule, resource and finding key give the same one (the first named). */
  private causeIndex(ruleIndex: number, cause: CauseResource, findingKey: string | undefined): number {
    // By the rule and the resource's id first: kind and finding key compared, no text built or hashed.
    let byId = this.causesByRule[ruleIndex];
    if (!byId) {
      byId = new Map();
      this.causesByRule[ruleIndex] = byId;
    }
    let known = byId.get(cause.id);
    if (!known) {
      known = [];
      byId.set(cause.id, known);
    }
    for (const r of known) if (r.kind === cause.kind && r.findingKey === findingKey) return r.ix;
    const ix = this.causeByText(ruleIndex, cause, findingKey);
    known.push({ kind: cause.kind, findingKey, ix });
    return ix;
  }

  private causeByText(ruleIndex: number, cause: CauseResource, findingKey: string | undefined): number {
    const text = causeText((this.rules[ruleIndex] as StoredRule).ruleId, cause, findingKey);
    let ix = this.causeIds.get(text);
    if (ix === undefined) {
      ix = this.causes.length;
      this.causes.push({ id: hash32(text), resource: cause });
      this.causeIds.set(text, ix);
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
    this.order = sortByRank(rank, this.keys, 64 * nRules * nIds);

    // Evaluation is over: the lookup tables that shared messages and causes are not needed any more.
    this.interned.clear();
    this.causeIds.clear();
    this.causesByRule.length = 0;
  }

  private sorted(): Int32Array {
    if (!this.order) this.sort();
    return this.order as Int32Array;
  }

  /** The fingerprint of result `i`: a hash of its rule, subject and finding key (made when read). */
  private fingerprint(i: number): string {
    return fingerprint((this.rules[this.rule[i] as number] as StoredRule).ruleId, this.table.id(this.subj[i] as number), this.keys[i]);
  }

  /** A failure or a waived failure that names no other root cause is its own. */
  private selfCaused(i: number): boolean {
    const outcome = (this.code[i] as number) >> 3;
    return this.causeIx[i] === NO_CAUSE && (outcome === FAIL || outcome === WAIVED);
  }

  /** Result `i` (in the order added) as reports see it, naming its subject by `subject`. */
  entry(i: number, subject: SubjectRef): ResultEntry {
    const { ruleId, category } = this.rules[this.rule[i] as number] as StoredRule;
    const code = this.code[i] as number;
    const outcome = OUTCOME_ORDER[code >> 3] as Outcome;
    const severity = SEVERITIES[code & 7] as Severity;
    const message = this.messages[i] as string;
    const fingerprint = this.fingerprint(i);
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
    else if (this.selfCaused(i)) e.rootCause = { id: fingerprint, resource: selfResource(subject) };
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

  /**
   * Failures (not waived) grouped by root cause, most severe first, then by rule, resource and id:
   * the grouping of the entries (root-causes.ts), read from the columns without making entries.
   */
  rootCauses(): { rootCauses: RootCause[]; counts: NonNullable<AuditResult['summary']['rootCauses']> } {
    const table = this.table;
    // One object filled per failure: the grouping reads it at once and keeps only its strings.
    let cause: RootCauseRef | undefined;
    let si = 0;
    const f: Failure = {
      id: '',
      ruleId: '',
      severity: 'info',
      message: '',
      subjectId: '',
      resource: () => (cause ? cause.resource : selfResource(table.ref(si))),
    };
    const failure = (i: number): Failure | undefined => {
      const code = this.code[i] as number;
      if (code >> 3 !== FAIL) return undefined;
      si = this.subj[i] as number;
      cause = this.causes[this.causeIx[i] as number];
      f.id = cause ? cause.id : this.fingerprint(i);
      f.ruleId = (this.rules[this.rule[i] as number] as StoredRule).ruleId;
      f.severity = SEVERITIES[code & 7] as Severity;
      f.message = this.messages[i] as string;
      f.subjectId = table.id(si);
      return f;
    };
    return causeSummary(groupCauses(this.sorted(), failure, false));
  }
}
