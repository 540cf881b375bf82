import { basename } from 'node:path';
import type { AccessEntry, Principal } from '../model/access-entry.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import { type Fingerprints, type Severity, type SourceLocation, severityRank } from '../model/common.ts';
import type { Inventory, Subject } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy, ResolvedRuleConfig } from '../policy/resolve.ts';
import type { Waiver } from '../policy/schema.ts';
import { messageMaker } from '../rules/define-rule.ts';
import { findRule } from '../rules/index.ts';
import { mergeByPrincipal } from '../rules/lib/keys.ts';
import { MissingData } from '../rules/missing-data.ts';
import type { Ambiguity, AnyRule, Need, ReportOptions, ResolvedScope, RuleContext, SameKey } from '../rules/types.ts';
import { globMatch } from '../util/glob.ts';
import { VERSION } from '../version.ts';
import { type Classifier, createClassifier, describeAmbiguity } from './classify.ts';
import { relyingPartyIndex } from './relying-parties.ts';
import { type AuditResult, emptySeverityCounts, OUTCOME_PRECEDENCE, type Outcome, RESULT_VERSION, type ResultEntry } from './result.ts';
import { ResultStore } from './result-store.ts';
import { attachCompactList } from './result-view.ts';

import { cmp } from './root-causes.ts';

export { fingerprint } from './root-causes.ts';

import { countsOf, N_OUTCOMES, SubjectTable } from './subject-table.ts';

const DAY_MS = 86_400_000;

/** A sentence for an unknown verdict resting on a subject the policy does not place. */
function describeUnclassified(subject: string, dimension: string): string {
  const field = dimension === 'environment' ? 'environments' : 'trustDomains';
  return `${subject} matches no ${dimension} of the policy and the verdict depends on where it belongs; add a matcher for it under \`${field}:\`, or say what unmatched subjects are with \`unclassified:\` (ignore, or { ${dimension === 'environment' ? 'environment' : 'trustDomain'}: NAME }) (\`keyhygiene policy explain ${subject}\` shows what matched)`;
}

/** Stops the evaluation with `unknown` when the subject's scope is ambiguous: no silent choice. */
function decided<S extends { ambiguous?: Ambiguity }>(scope: S, subject: string): S {
  if (scope.ambiguous) throw new MissingData('classification', undefined, describeAmbiguity(subject, scope.ambiguous));
  return scope;
}

export interface EvaluateOptions {
  now: Date;
  /** List pass results too (they are always counted). */
  includePassed?: boolean;
  /**
   * The caller hands the inventory over (the CLI at scale, with nothing to do with it afterwards):
   * each key record is dropped once evaluated and `inventory.keys` is empty at the end, so a
   * million-key audit never holds the whole inventory and all its results at once.
   */
  release?: boolean;
  /** Observe every finding a rule reports, with its message id and data (the typed rule harness; debugging). */
  onFinding?: (finding: { ruleId: string; subjectId: string; messageId: string; data?: Record<string, string | number> }) => void;
}

// Timestamps: the layout providers and snapshots write (`2026-11-01T00:00:00Z`, with or without
// milliseconds) is read digit by digit, with no string hashed or built; anything else goes to
// Date.parse, once per distinct string.
const parsedTimes = new Map<string, number>();
const parseTime = (iso: string): number => {
  const t = typeof iso === 'string' ? utcTime(iso) : undefined;
  return t === undefined ? mapTime(iso) : t;
};
const mapTime = (iso: string): number => {
  let t = parsedTimes.get(iso);
  if (t === undefined) {
    t = Date.parse(iso);
    if (parsedTimes.size > 65_536) parsedTimes.clear();
    parsedTimes.set(iso, t);
  }
  return t;
};

/** The number the `n` decimal digits of `s` at `at` make, or -1 when one is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, as Date.parse reads it (a day past the
 * month's end rolls over in both); undefined for any other layout or an out-of-range field.
 */
export function utcTime(s: string): number | undefined {
  const len = s.length;
  if ((len !== 20 && len !== 24) || s.charCodeAt(len - 1) !== 90 /* Z */) return undefined;
  if (s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':' || (len === 24 && s[19] !== '.')) return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = len === 24 ? digits(s, 20, 3) : 0;
  // Years below 100 are not what Date.UTC reads them as (1900 + y): left to Date.parse.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

/**
 * Days from 1970-01-01 to year `y`, month `m` (1–12), day `d` of the proleptic Gregorian calendar,
 * by arithmetic (H. Hinnant's days_from_civil), as Date.UTC counts them but without its call: linear
 * in the day, so a day past the month's end rolls over as Date.UTC does. For `y` ≥ 1.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const NOTHING = Symbol('nothing');

/** Days from a timestamp to now; the last two timestamps asked are remembered (rules ask for a key's dates several times). */
function daysSinceFrom(nowMs: number): (iso: string) => number {
  // Nothing asked yet: a value no timestamp equals.
  let a: unknown = NOTHING;
  let aDays = 0;
  let b: unknown = NOTHING;
  let bDays = 0;
  return (iso) => {
    if (iso === a) return aDays;
    if (iso === b) return bDays;
    const days = (nowMs - parseTime(iso)) / DAY_MS;
    b = a;
    bDays = aDays;
    a = iso;
    aDays = days;
    return days;
  };
}

/** A compiled reader for a dot path (`rotation.automatic`), built once per rule, not per subject. */
const pathReader = (path: string): ((obj: unknown) => unknown) => {
  const segs = path.split('.');
  // One member (most needs): read without a loop.
  const only = segs.length === 1 ? path : undefined;
  if (only !== undefined) return (obj) => (obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[only] : undefined);
  return (obj) => {
    let cur = obj;
    for (const seg of segs) {
      if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return cur;
  };
};

interface CompiledNeed {
  field: string;
  first: string;
  /** The need is one top-level member (most are): read in place, with no reader called. */
  member: string | undefined;
  readers: ((obj: unknown) => unknown)[];
}

const compileNeeds = (needs: readonly Need[] | undefined): CompiledNeed[] =>
  (needs ?? []).map((need) => {
    const alternatives = typeof need === 'string' ? [need] : [...need];
    const only = alternatives.length === 1 ? (alternatives[0] as string) : undefined;
    const member = only !== undefined && !only.includes('.') ? only : undefined;
    return { field: alternatives.join(' | '), first: alternatives[0] as string, member, readers: alternatives.map(pathReader) };
  });

export function gapCovers(gap: CollectionGap, provider: string, k: { account?: string; region?: string; container?: string }, id: string): boolean {
  if (gap.provider !== provider) return false;
  const s = gap.scope;
  return (
    (s.account === undefined || s.account === k.account) &&
    (s.region === undefined || s.region === k.region) &&
    (s.container === undefined || s.container === k.container) &&
    (s.subjectId === undefined || s.subjectId === id)
  );
}

function trailCovers(t: AuditTrail, k: KeyRecord): boolean {
  const s = t.scope;
  if (s.provider !== k.provider) return false;
  if (s.accounts !== '*' && (k.account === undefined || !s.accounts.includes(k.account))) return false;
  if (s.regions !== undefined && s.regions !== '*' && (k.region === undefined || !s.regions.includes(k.region))) return false;
  if (s.containers !== undefined && (k.container === undefined || !s.containers.includes(k.container))) return false;
  return true;
}

const subjectsOf = (inv: Inventory): Subject[] => [
  ...inv.keys.map((value) => ({ kind: 'key' as const, id: value.id, value })),
  ...inv.trails.map((value) => ({ kind: 'trail' as const, id: value.id, value })),
  ...inv.publishedKeys.map((value) => ({ kind: 'published-key' as const, id: value.id, value })),
  ...inv.artifacts.map((value) => ({ kind: 'artifact' as const, id: value.id, value })),
  ...inv.gaps.map((value) => ({ kind: 'gap' as const, id: value.id, value })),
];

function scopeOf(subject: Subject, c: Classifier): ResolvedScope | undefined {
  switch (subject.kind) {
    case 'key':
      return c.classifyKey(subject.value);
    case 'published-key':
      return c.published(subject.value);
    case 'artifact':
      return c.artifact(subject.value);
    default:
      return undefined;
  }
}

const OUTCOME_RANK = Object.fromEntries(OUTCOME_PRECEDENCE.map((o, i) => [o, i])) as Record<Outcome, number>;

/** Count one outcome for a rule, the run and a subject, and keep the subject's worst outcome. */
/** Outcomes as small integers in precedence order (worst first), for the counting arrays below. */
const OUTCOME_INDEX = OUTCOME_RANK;
const NOT_APPLICABLE = OUTCOME_INDEX['not-applicable'];

/** Count one outcome for a rule, the run and a subject, and keep the subject's worst outcome. */
function tally(o: Outcome, rule: Int32Array, run: Int32Array, subjectCounts: Int32Array, status: Uint8Array, si: number): void {
  const i = OUTCOME_INDEX[o];
  rule[i]++;
  run[i]++;
  subjectCounts[si * N_OUTCOMES + i]++;
  if (i < (status[si] as number)) status[si] = i;
}

const waiverExpiry = (w: Waiver): number => (w.expires.length === 10 ? Date.parse(`${w.expires}T23:59:59.999Z`) : Date.parse(w.expires));

type GapLookup = (provider: string | undefined, subj: GapTarget & { id?: string }, field: string, id?: string) => CollectionGap | undefined;

/** Fields of a published key whose loss hides which keys a set publishes (labels, issuer or trust do not). */
const PUBLISHED_IDENTITY = ['fingerprints', 'publicKey'];

/** A JWKS gap that leaves a key set (or a key in it) unread: the set may publish any key. */
function unreadKeySet(gaps: readonly CollectionGap[]): CollectionGap | undefined {
  let first: CollectionGap | undefined;
  for (const g of gaps) {
    if (g.provider !== 'jwks') continue;
    if (g.affects !== undefined && !g.affects.some((f) => PUBLISHED_IDENTITY.includes(f))) continue;
    if (!first || g.id < first.id) first = g;
  }
  return first;
}

/** What rules look up, indexed once per run: gaps by provider, trails by location, keys by fingerprint. */
interface Lookups {
  gapIndex: GapIndex;
  gapFor: GapLookup;
  /** Trails covering a key's location (provider, account, region, container), computed once per location. */
  trailsAt(k: KeyRecord): readonly AuditTrail[];
  sameKey: (fp: Fingerprints | undefined) => SameKey;
  /** The first gap (by id) that leaves a published key set not fully read, if any. */
  unreadKeySet: CollectionGap | undefined;
  relyingPartiesFor: RuleContext<unknown, string>['relyingPartiesFor'];
}

function createLookups(inventory: Inventory, policy: ResolvedPolicy, eager: boolean): Lookups {
  const gapsByProvider = groupBy(inventory.gaps, (g) => g.provider);
  const gapIndex = indexGaps(inventory.gaps);
  const gapFor: GapLookup = (provider, subj, field, id = subj.id ?? '') => {
    if (!provider) return undefined;
    const gaps = gapsByProvider.get(provider);
    if (!gaps) return undefined;
    const top = field.split('.')[0] as string;
    return gaps.find((g) => (g.affects === undefined || g.affects.includes(top) || g.affects.includes(field)) && gapCovers(g, provider, subj, id));
  };
  const trailsByProvider = groupBy(inventory.trails, (t) => t.scope.provider);
  // Trails by provider, account, region and container: nested maps, no key string built per key.
  const trailCache = new Map<string, Map<string | undefined, Map<string | undefined, Map<string | undefined, readonly AuditTrail[]>>>>();
  const trailsAt = (k: KeyRecord): readonly AuditTrail[] => {
    const byContainer = level(level(level(trailCache, k.provider), k.account), k.region);
    let ts = byContainer.get(k.container);
    if (!ts) {
      ts = (trailsByProvider.get(k.provider) ?? []).filter((t) => trailCovers(t, k));
      byContainer.set(k.container, ts);
    }
    return ts;
  };
  const sameKey = guardedSameKey(fingerprintIndex(inventory, eager), gapIndex);
  return { gapIndex, gapFor, trailsAt, sameKey, unreadKeySet: unreadKeySet(inventory.gaps), relyingPartiesFor: relyingPartyIndex(policy) };
}

/** The map under `key` in `m`, made empty on first use. */
function level<K, V extends Map<unknown, unknown>>(m: Map<K, V>, key: K): V {
  let next = m.get(key);
  if (!next) {
    next = new Map() as V;
    m.set(key, next);
  }
  return next;
}

function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(keyOf(item));
    if (list) list.push(item);
    else out.set(keyOf(item), [item]);
  }
  return out;
}

/** The subject being evaluated, and the view rules see of it. */
interface Cursor {
  subject: Subject | undefined;
  index: number;
  scope: ResolvedScope | undefined;
  /** Fields of the subject hidden by a gap; the view is the value itself, or a guard that stops the rule with `unknown` on reading one. */
  hidden: HiddenFields | undefined;
  view: unknown;
  /** Trails covering the subject, computed once however many rules ask. */
  trails: readonly AuditTrail[] | undefined;
  /** Read once per subject, not once per rule: a context-only planned subject, a planned one. */
  context: boolean;
  planned: boolean;
  /** Why the last pair was `unknown` or `error`. */
  missing: MissingData | undefined;
  errorMessage: string | undefined;
}

interface WaiverState {
  w: Waiver;
  ruleId: string;
  expiresMs: number;
  matched: number;
}

interface Finding {
  messageId: string;
  data?: Record<string, string | number>;
  opts?: ReportOptions;
}

/** Everything one evaluation shares across rules and subjects. */
interface Run {
  inventory: Inventory;
  policy: ResolvedPolicy;
  options: EvaluateOptions;
  nowMs: number;
  classifier: Classifier;
  lookups: Lookups;
  /** Indexed like the inventory's records, keys first; a released subject's slot is undefined. */
  subjects: (Subject | undefined)[];
  scopes: (ResolvedScope | undefined)[];
  /** Each subject's reference, scope and counts, as columns (the summaries are made when read). */
  table: SubjectTable;
  /** The inventory's record counts, taken before any record is released. */
  counts: AuditResult['inventory'];
  cursor: Cursor;
  findings: Finding[];
  /** The results, as columns (entries are made when read). */
  store: ResultStore;
  totalCounts: Int32Array;
  failuresBySeverity: AuditResult['summary']['failuresBySeverity'];
  // Per-subject status, indexed like `subjects` (arrays, not maps: the loop runs rules × subjects times).
  status: Uint8Array;
  statusCounts: Int32Array;
  waivers: WaiverState[];
}

/** One enabled rule, ready to run on every subject of its kind. */
interface Plan {
  /** Place among the sorted rule ids (the results' rule column). */
  index: number;
  ruleId: string;
  rule: AnyRule;
  config: { severity: Severity; options: unknown };
  ruleCounts: Int32Array;
  needs: CompiledNeed[];
  ruleWaivers: WaiverState[];
  ctx: RuleContext<unknown, string>;
  /** The rule's messages filled in (its last few remembered). */
  message: ReturnType<typeof messageMaker>;
  // The rule's meta read once: every plan has this shape, rules' metas each their own (a read per pair
  // from 42 shapes is a megamorphic lookup, three million times on the bench).
  appliesTo: AnyRule['meta']['appliesTo'];
  runtimeOnly: boolean;
  standsOnPartialData: boolean;
  needsEveryPublishedSet: boolean;
  check: AnyRule['check'];
}

function startRun(inventory: Inventory, policy: ResolvedPolicy, options: EvaluateOptions): Run {
  // Each key is classified once below (run.scopes); the classifier remembers only keys rules look up.
  const classifier = createClassifier(policy);
  const subjects = subjectsOf(inventory);
  const status = new Uint8Array(subjects.length).fill(NOT_APPLICABLE);
  const statusCounts = new Int32Array(subjects.length * N_OUTCOMES);
  const table = new SubjectTable(status, statusCounts);
  const rules = [...policy.rules.keys()].sort().map((ruleId) => ({ ruleId, category: (findRule(ruleId) as AnyRule).meta.category }));
  return {
    inventory,
    policy,
    options,
    nowMs: options.now.getTime(),
    classifier,
    lookups: createLookups(inventory, policy, options.release === true),
    subjects,
    scopes: subjects.map((s) => scopeOf(s, classifier)),
    cursor: {
      subject: undefined,
      index: -1,
      scope: undefined,
      hidden: undefined,
      view: undefined,
      trails: undefined,
      context: false,
      planned: false,
      missing: undefined,
      errorMessage: undefined,
    },
    findings: [],
    counts: {
      generatedAt: inventory.generatedAt,
      providers: [...new Set(inventory.providers.map((p) => p.id))].sort(),
      keys: inventory.keys.length,
      trails: inventory.trails.length,
      publishedKeys: inventory.publishedKeys.length,
      artifacts: inventory.artifacts.length,
    },
    totalCounts: new Int32Array(N_OUTCOMES),
    failuresBySeverity: emptySeverityCounts(),
    status,
    statusCounts,
    table,
    store: new ResultStore(rules, table),
    waivers: policy.waivers.map((w) => ({ w, ruleId: findRule(w.rule)?.id ?? w.rule, expiresMs: waiverExpiry(w), matched: 0 })),
  };
}

/** True when `k` is the subject under evaluation (its record or the guarded view of it). */
const isCurrent = (c: Cursor, k: unknown): boolean => c.subject !== undefined && (k === c.subject.value || k === c.view);

/** A key's classification; unknown when a gap hides a field the policy's matchers classify keys by. */
function keyClassification(run: Run, k: KeyRecord): ResolvedScope {
  const { classifier, cursor } = run;
  const mine = isCurrent(cursor, k);
  const hidden = mine ? cursor.hidden : classifier.keyFieldsRead.length ? hiddenFields(run.lookups.gapIndex, k, k.id) : undefined;
  assertClassifiable(classifier.keyFieldsRead, hidden);
  return mine && cursor.scope ? cursor.scope : classifier.key(k);
}

function trailsFor(run: Run, k: KeyRecord): readonly AuditTrail[] {
  const gap = run.lookups.gapFor(k.provider, k, 'trails');
  if (gap) throw new MissingData('trails', gap);
  const { cursor } = run;
  if (!isCurrent(cursor, k)) return run.lookups.trailsAt(k);
  cursor.trails ??= run.lookups.trailsAt(k);
  return cursor.trails;
}

/** The context methods every rule shares; each rule adds its options and its `report`. */
function sharedContext(run: Run): Omit<RuleContext<unknown, string>, 'options' | 'report' | 'limitSource'> {
  const { policy, classifier, lookups, nowMs } = run;
  return {
    now: run.options.now,
    inventory: run.inventory,
    scope: (k) => decided(keyClassification(run, k), k.name ?? k.id),
    classification: (k) => keyClassification(run, k),
    principalScope: (p: Principal) => decided(classifier.principal(p), p.name ?? p.id),
    unclassified: (subject, dimension) => {
      if (policy.unclassified === 'ignore') return;
      throw new MissingData('classification', undefined, describeUnclassified(subject, dimension));
    },
    publishedScope: (k) => decided(classifier.published(k), k.id),
    artifactScope: (a) => classifier.artifact(a),
    relyingPartiesFor: lookups.relyingPartiesFor,
    sameKey: lookups.sameKey,
    trailsFor: (k) => trailsFor(run, k),
    accessByPrincipal: accessMemo(),
    needAllPublished() {
      if (lookups.unreadKeySet) throw new MissingData('published', lookups.unreadKeySet);
    },
    need(value, field, reason) {
      if (value !== undefined) return value;
      const s = run.cursor.subject as Subject;
      const v = s.value as GapTarget;
      throw new MissingData(field, reason ? undefined : lookups.gapFor(v.provider, v, field, s.id), reason);
    },
    daysSince: daysSinceFrom(nowMs),
    waiversFor: (subjectId) =>
      policy.waivers.length === 0
        ? NO_WAIVERS
        : policy.waivers.filter((w) => (w.subject !== undefined ? w.subject === subjectId : globMatch(w.subjectGlob as string, subjectId))),
  };
}

/**
 * `mergeByPrincipal` remembering its last answer: rules run one subject at a time and several merge
 * the same key's entries (records are never modified once read: the same array gives the same merge).
 * One per evaluation.
 */
function accessMemo(): (entries: readonly AccessEntry[] | undefined) => readonly AccessEntry[] {
  let last: readonly AccessEntry[] | undefined;
  let lastLength = -1;
  let merged: readonly AccessEntry[] = [];
  return (entries) => {
    if (entries !== last || (entries?.length ?? -1) !== lastLength) {
      merged = mergeByPrincipal(entries);
      last = entries;
      lastLength = entries?.length ?? -1;
    }
    return merged;
  };
}

const NO_WAIVERS: readonly Waiver[] = Object.freeze([]);

/** Where a rule option's value comes from: the pack or policy file that named it, else the rule's default. */
export function limitSourceOf(ruleId: string, config: ResolvedRuleConfig | undefined): (option: string) => string {
  const from = config?.optionsFrom;
  // Asked once per finding that names its limit: the sentence is made once per option.
  const said = new Map<string, string>();
  const say = (option: string): string => {
    if (!from?.names.includes(option)) return `default of ${ruleId} option ${option}`;
    const where = /[/\\]|\.ya?ml$/.test(from.ref) ? `policy ${basename(from.ref)}` : `pack ${from.ref}`;
    return `${where}, rules.${ruleId}.${option}`;
  };
  return (option) => {
    let text = said.get(option);
    if (text === undefined) {
      text = say(option);
      said.set(option, text);
    }
    return text;
  };
}

function makePlan(run: Run, ruleId: string, index: number, shared: ReturnType<typeof sharedContext>): Plan {
  const rule = findRule(ruleId) as AnyRule;
  const config = run.policy.rules.get(ruleId) as ResolvedRuleConfig;
  const { findings, options } = run;
  const ctx: RuleContext<unknown, string> = {
    ...shared,
    options: config.options,
    limitSource: limitSourceOf(ruleId, config),
    report(messageId, data, opts) {
      findings.push({ messageId, data, opts });
      options.onFinding?.({ ruleId, subjectId: (run.cursor.subject as Subject).id, messageId, ...(data ? { data } : {}) });
    },
  };
  const ruleWaivers = run.waivers.filter((x) => x.ruleId === ruleId);
  return {
    index,
    ruleId,
    rule,
    config,
    ruleCounts: new Int32Array(N_OUTCOMES),
    needs: compileNeeds(rule.meta.needs),
    ruleWaivers,
    ctx,
    message: messageMaker(rule.messages),
    appliesTo: rule.meta.appliesTo,
    runtimeOnly: !!rule.meta.runtimeOnly,
    standsOnPartialData: !!rule.meta.failureStandsOnPartialData,
    needsEveryPublishedSet: !!rule.meta.needsEveryPublishedSet,
    check: rule.check,
  };
}

/**
 * Evaluate every enabled rule against every subject. Pure: the result depends only on the
 * inventory, the resolved policy and `now`. Every applicable (rule, subject) pair gets exactly one
 * outcome (or one per finding when it fails).
 */
export function evaluate(inventory: Inventory, policy: ResolvedPolicy, options: EvaluateOptions): AuditResult {
  const run = startRun(inventory, policy, options);
  const ruleIds = [...policy.rules.keys()].sort();
  const shared = sharedContext(run);
  const plans = ruleIds.map((ruleId, i) => makePlan(run, ruleId, i, shared));
  const plansFor = (kind: Subject['kind']) => plans.filter((p) => p.rule.meta.subject === kind);
  const plansByKind = {
    key: plansFor('key'),
    trail: plansFor('trail'),
    'published-key': plansFor('published-key'),
    artifact: plansFor('artifact'),
    gap: plansFor('gap'),
  };
  // Every plan runs on one subject before the next, so a key's data stays in cache across rules, and
  // the subject's summary is final when they are done.
  const nKeys = inventory.keys.length;
  for (let si = 0; si < run.subjects.length; si++) {
    const subject = run.subjects[si] as Subject;
    enterSubject(run, si);
    for (const plan of plansByKind[subject.kind]) recordPair(run, plan, evaluatePair(run, plan), si);
    // Keys come first among the subjects: slot si of the subjects is slot si of inventory.keys.
    if (options.release && si < nKeys) {
      run.subjects[si] = undefined;
      (inventory.keys as (KeyRecord | undefined)[])[si] = undefined;
    }
  }
  run.cursor.subject = undefined;
  if (options.release) inventory.keys.length = 0;
  run.store.sort();
  return assembleResult(run, plans, ruleIds);
}

function enterSubject(run: Run, si: number): void {
  const subject = run.subjects[si] as Subject;
  const c = run.cursor;
  c.subject = subject;
  c.index = si;
  c.scope = run.scopes[si];
  c.trails = undefined;
  c.context = isContext(subject);
  c.planned = isPlanned(subject);
  run.table.add(si, subject, c.scope);
  c.hidden = subject.kind === 'gap' ? undefined : hiddenFields(run.lookups.gapIndex, subject.value as GapTarget, subject.id);
  c.view = c.hidden ? guardedView(subject.value as object, c.hidden) : subject.value;
}

/** Run one rule on the current subject: its outcome, with why in the cursor when unknown or error. */
function evaluatePair(run: Run, plan: Plan): Outcome {
  const { ctx } = plan;
  const c = run.cursor;
  const subject = c.subject as Subject;
  if (run.findings.length !== 0) run.findings.length = 0;
  c.missing = undefined;
  c.errorMessage = undefined;
  try {
    if (c.context || (plan.runtimeOnly && c.planned) || (plan.appliesTo && !plan.appliesTo(c.view as never, ctx))) return 'not-applicable';
    c.missing =
      firstMissing(plan.needs, subject, run.lookups.gapFor) ?? (c.hidden ? firstHidden(plan.rule.meta.needs, plan.rule.meta.reads, c.hidden) : undefined);
    if (c.missing) return plan.standsOnPartialData && c.missing.gap?.affects?.length ? judgePartial(run, plan) : 'unknown';
    plan.check(c.view, ctx);
    if (run.findings.length) return 'fail';
    // A pass concluded from the published sets read holds only when every set was read.
    if (plan.needsEveryPublishedSet) ctx.needAllPublished();
    return 'pass';
  } catch (err) {
    if (err instanceof MissingData) {
      c.missing = declaredPath(err, plan.rule.meta);
      return 'unknown';
    }
    c.errorMessage = err instanceof Error ? err.message : String(err);
    return 'error';
  }
}

/**
 * A rule whose failures stand on partial data, with a gap hiding part of what it needs: judged on what
 * was read (a public grant read is a fact whatever else is unread). A failure stands; anything else
 * stays `unknown` for the gap, never a pass. Only for gaps that name the fields they hide: a gap on
 * everything about the subject (a deferred change, conflicting snapshots) leaves no fact to judge.
 */
function judgePartial(run: Run, plan: Plan): Outcome {
  const c = run.cursor;
  const missing = c.missing;
  try {
    plan.check((c.subject as Subject).value, plan.ctx);
  } catch (err) {
    if (!(err instanceof MissingData)) throw err;
  }
  if (run.findings.length) return 'fail';
  c.missing = missing;
  return 'unknown';
}

/** Count an outcome and, unless it is a pass nobody asked to list or not applicable, record its results. */
function recordPair(run: Run, plan: Plan, outcome: Outcome, si: number): void {
  if (outcome === 'not-applicable') {
    plan.ruleCounts[NOT_APPLICABLE]++;
    run.totalCounts[NOT_APPLICABLE]++;
    return;
  }
  if (outcome === 'pass' && !run.options.includePassed) {
    tally('pass', plan.ruleCounts, run.totalCounts, run.statusCounts, run.status, si);
    return;
  }
  const c = run.cursor;
  if (outcome === 'fail') {
    for (const f of run.findings) recordFinding(run, plan, f, si);
    return;
  }
  tally(outcome, plan.ruleCounts, run.totalCounts, run.statusCounts, run.status, si);
  const { missing, errorMessage } = c;
  const message =
    outcome === 'pass'
      ? plan.rule.meta.description
      : outcome === 'error'
        ? `The rule failed while evaluating this subject: ${errorMessage}`
        : unknownMessage(missing as MissingData);
  run.store.add(si, plan.index, outcome, plan.config.severity, message, outcome === 'unknown' && missing ? { missing: missing.field } : undefined);
}

/** One failure a rule reported: its severity (escalated when the rule says so), root cause and waiver. */
function recordFinding(run: Run, plan: Plan, f: Finding, si: number): void {
  const { config } = plan;
  const subject = run.cursor.subject as Subject;
  const subjectId = subject.id;
  const key = f.opts?.key;
  let severity = config.severity;
  const esc = f.opts?.escalateTo;
  if (esc && severityRank(esc) < severityRank(severity)) severity = esc;
  const cause = f.opts?.cause;
  const self = !cause || (cause.kind === subject.kind && cause.id === subjectId);
  const waived = waiverFor(plan.ruleWaivers, subjectId, key, run.nowMs);
  let message = plan.message(f.messageId, f.data);
  if (waived && waived.status === 'expired') message += ` (waiver expired ${waived.expires})`;
  const outcome = waived?.status === 'active' ? 'waived' : 'fail';
  run.store.add(si, plan.index, outcome, severity, message, { findingKey: key, cause: self ? undefined : cause, waiver: waived });
  if (outcome === 'fail') run.failuresBySeverity[severity]++;
  tally(outcome, plan.ruleCounts, run.totalCounts, run.statusCounts, run.status, si);
}

/** The first waiver naming this subject (and finding): active ones waive it, expired ones say so in the message. */
function waiverFor(waivers: readonly WaiverState[], subjectId: string, key: string | undefined, nowMs: number): ResultEntry['waiver'] {
  if (waivers.length === 0) return undefined;
  const waiver = waivers.find(
    (x) =>
      (x.w.subject !== undefined ? x.w.subject === subjectId : globMatch(x.w.subjectGlob as string, subjectId)) &&
      (x.w.finding === undefined || x.w.finding === key),
  );
  if (!waiver) return undefined;
  waiver.matched++;
  return {
    reason: waiver.w.reason,
    approver: waiver.w.approver,
    expires: waiver.w.expires,
    ...(waiver.w.ticket ? { ticket: waiver.w.ticket } : {}),
    status: waiver.expiresMs >= nowMs ? 'active' : 'expired',
  };
}

/** Every waiver of the policy with how many results it matched and whether it is active, expired or unused. */
function waiverSummaries(run: Run): AuditResult['waivers'] {
  return run.waivers
    .map(({ w, ruleId, expiresMs, matched }) => ({
      rule: ruleId,
      ...(w.subject !== undefined ? { subject: w.subject } : {}),
      ...(w.subjectGlob !== undefined ? { subjectGlob: w.subjectGlob } : {}),
      ...(w.finding !== undefined ? { finding: w.finding } : {}),
      reason: w.reason,
      approver: w.approver,
      expires: w.expires,
      ...(w.ticket ? { ticket: w.ticket } : {}),
      status: matched === 0 ? ('unused' as const) : expiresMs >= run.nowMs ? ('active' as const) : ('expired' as const),
      matched,
    }))
    .sort((a, b) => cmp(a.rule, b.rule) || cmp(a.subject ?? a.subjectGlob ?? '', b.subject ?? b.subjectGlob ?? ''));
}

function assembleResult(run: Run, plans: readonly Plan[], ruleIds: readonly string[]): AuditResult {
  const { inventory, policy } = run;
  const rules = plans.map(({ ruleId, rule, config, ruleCounts }) => ({
    id: ruleId,
    category: rule.meta.category,
    severity: config.severity,
    counts: countsOf(ruleCounts),
  }));
  const subjects = run.table.list();
  const causes = run.store.rootCauses();
  const byStatus = run.table.byStatus();
  const totals = countsOf(run.totalCounts);
  const result: AuditResult = {
    version: RESULT_VERSION,
    tool: { name: 'keyhygiene', version: VERSION },
    generatedAt: run.options.now.toISOString(),
    policy: { ...(policy.file ? { file: policy.file } : {}), extends: policy.extends, rulesEnabled: ruleIds.length },
    inventory: run.counts,
    summary: {
      outcomes: totals,
      failuresBySeverity: run.failuresBySeverity,
      rootCauses: causes.counts,
      subjects: { total: subjects.length, byStatus },
      gaps: inventory.gaps.length,
      incomplete: inventory.gaps.length > 0 || totals.unknown > 0 || totals.error > 0,
    },
    rules,
    subjects: [],
    rootCauses: causes.rootCauses,
    results: [],
    waivers: waiverSummaries(run),
    gaps: [...inventory.gaps].sort((a, b) => cmp(a.id, b.id)),
  };
  // Made when read (reporters iterate them with eachSubject, one at a time).
  attachCompactList(result, 'subjects', subjects);
  attachCompactList(result, 'results', run.store.list());
  return result;
}

/**
 * `sameKey` with every record seen through its own gaps: a rule that reads a field of another subject
 * (the same public key under another issuer) is `unknown` when a gap hides that field there, exactly
 * as for its own subject.
 */
function guardedSameKey(sameKey: (fp: Fingerprints | undefined) => SameKey, index: GapIndex): (fp: Fingerprints | undefined) => SameKey {
  if (index.bySubject.size === 0 && index.broad.size === 0) return sameKey;
  const views = new WeakMap<object, object>();
  const view = <T extends { id: string; provider?: string }>(v: T): T => {
    let out = views.get(v);
    if (!out) {
      const hidden = hiddenFields(index, v as GapTarget, v.id);
      out = hidden ? guardedView(v, hidden) : v;
      views.set(v, out);
    }
    return out as T;
  };
  return (fp) => {
    const s = sameKey(fp);
    return { keys: s.keys.map(view), published: s.published.map(view), artifacts: s.artifacts.map(view) };
  };
}

/** The records under one fingerprint, in inventory order (lists made on the first record of their kind). */
type FingerprintSlot = { keys?: KeyRecord[]; published?: PublishedKey[]; artifacts?: ArtifactFinding[]; sorted?: SameKey };
/** Slots by SPKI SHA-256 and by JWK thumbprint: two maps, so no key string is built per record or lookup. */
type FingerprintIndex = { spki: Map<string, FingerprintSlot>; jwk: Map<string, FingerprintSlot> };

const byId = (a: { id: string }, b: { id: string }): number => cmp(a.id, b.id);
const NONE: readonly never[] = Object.freeze([]);
const NO_SAME_KEY: SameKey = Object.freeze({ keys: NONE, published: NONE, artifacts: NONE });

/** Each record once, sorted by id (a list of one is both already). */
const uniqueById = <T extends { id: string }>(list: readonly T[]): readonly T[] => (list.length < 2 ? list : Object.freeze([...new Set(list)].sort(byId)));

/** Everything under one fingerprint, sorted by id: computed once, shared (frozen) by every rule that asks. */
const sortedSlot = (e: FingerprintSlot): SameKey =>
  (e.sorted ??= Object.freeze({
    keys: uniqueById(Object.freeze(e.keys ?? NONE)),
    published: uniqueById(Object.freeze(e.published ?? NONE)),
    artifacts: uniqueById(Object.freeze(e.artifacts ?? NONE)),
  }));

type SlotKind = 'keys' | 'published' | 'artifacts';

function addTo(m: Map<string, FingerprintSlot>, fp: string, kind: SlotKind, item: KeyRecord | PublishedKey | ArtifactFinding): void {
  let e = m.get(fp);
  if (!e) {
    e = {};
    m.set(fp, e);
  }
  const list = e[kind] as unknown[] | undefined;
  if (list) list.push(item);
  else (e as Record<SlotKind, unknown[]>)[kind] = [item];
}

function buildFingerprintIndex(inv: Inventory): FingerprintIndex {
  const index: FingerprintIndex = { spki: new Map(), jwk: new Map() };
  const add = (fp: Fingerprints | undefined, kind: SlotKind, item: KeyRecord | PublishedKey | ArtifactFinding) => {
    if (fp?.spkiSha256) addTo(index.spki, fp.spkiSha256, kind, item);
    if (fp?.jwkThumbprint) addTo(index.jwk, fp.jwkThumbprint, kind, item);
  };
  for (const k of inv.keys) add(k.fingerprints, 'keys', k);
  for (const k of inv.publishedKeys) add(k.fingerprints, 'published', k);
  for (const a of inv.artifacts) add(a.fingerprints, 'artifacts', a);
  return index;
}

/** Lookup of inventory subjects by public-key fingerprint (SPKI SHA-256 or JWK thumbprint), built on first use (or at once: `eager`). */
function fingerprintIndex(inv: Inventory, eager: boolean): (fp: Fingerprints | undefined) => SameKey {
  // Built before any record is released when the evaluation releases them.
  let index: FingerprintIndex | undefined = eager ? buildFingerprintIndex(inv) : undefined;
  return (fp) => {
    if (!fp || (!fp.spkiSha256 && !fp.jwkThumbprint)) return NO_SAME_KEY;
    index ??= buildFingerprintIndex(inv);
    const s = fp.spkiSha256 ? index.spki.get(fp.spkiSha256) : undefined;
    const j = fp.jwkThumbprint ? index.jwk.get(fp.jwkThumbprint) : undefined;
    if (!s || !j) return s || j ? sortedSlot((s ?? j) as FingerprintSlot) : NO_SAME_KEY;
    // Both fingerprints found: the union, each record once.
    const union = <T extends { id: string }>(x: readonly T[], y: readonly T[]): T[] => [...new Set([...x, ...y])].sort(byId);
    const [a, b] = [sortedSlot(s), sortedSlot(j)];
    return { keys: union(a.keys, b.keys), published: union(a.published, b.published), artifacts: union(a.artifacts, b.artifacts) };
  };
}

/** Planned subjects (from IaC) carry provenance `planned`; live ones carry none or `live`. */
const isPlanned = (s: Subject): boolean => (s.value as { provenance?: string }).provenance === 'planned';
/** A planned subject the change leaves alone (--changed-only): context for others, never a finding. */
const isContext = (s: Subject): boolean => (s.value as { source?: SourceLocation }).source?.context === true;

function firstMissing(
  needs: readonly CompiledNeed[],
  subject: Subject,
  gapFor: (provider: string | undefined, s: { account?: string; region?: string; container?: string }, field: string, id: string) => CollectionGap | undefined,
): MissingData | undefined {
  for (const need of needs) {
    if (need.member !== undefined) {
      if ((subject.value as unknown as Record<string, unknown>)[need.member] !== undefined) continue;
    } else {
      let present = false;
      for (let i = 0; i < need.readers.length && !present; i++) present = (need.readers[i] as (obj: unknown) => unknown)(subject.value) !== undefined;
      if (present) continue;
    }
    const v = subject.value as { provider?: string; account?: string; region?: string; container?: string };
    return new MissingData(need.field, gapFor(v.provider, v, need.first, subject.id));
  }
  return undefined;
}

/** A gap with no `affects` hides every field in its scope. */
/** Pseudo-field a rule declares in `reads` when it uses the key's classification (tags, aliases). */
export const CLASSIFICATION = 'classification';
const ALL_FIELDS = '*';
/** Fields that identify a subject: they come with its listing, so no gap hides them. */
export const IDENTITY_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'provider',
  'account',
  'region',
  'container',
  'name',
  'kind',
  'url',
  'kid',
  'location',
  'offset',
]);
type HiddenFields = Map<string, CollectionGap>;
type GapTarget = { provider?: string; account?: string; region?: string; container?: string };

interface GapIndex {
  bySubject: Map<string, CollectionGap[]>;
  broad: Map<string, CollectionGap[]>;
}

function indexGaps(gaps: readonly CollectionGap[]): GapIndex {
  const bySubject = new Map<string, CollectionGap[]>();
  const broad = new Map<string, CollectionGap[]>();
  for (const g of gaps) {
    const [m, k] = g.scope.subjectId !== undefined ? [bySubject, g.scope.subjectId] : [broad, g.provider];
    const list = m.get(k);
    if (list) list.push(g);
    else m.set(k, [g]);
  }
  return { bySubject, broad };
}

/** The top-level fields of a subject that a gap covering it leaves unknown; undefined when none. */
function hiddenFields(index: GapIndex, v: GapTarget, id: string): HiddenFields | undefined {
  if (!v.provider || (index.bySubject.size === 0 && index.broad.size === 0)) return undefined;
  let out: HiddenFields | undefined;
  for (const list of [index.bySubject.get(id), index.broad.get(v.provider)]) {
    for (const g of list ?? []) {
      if (!gapCovers(g, v.provider, v, id)) continue;
      out ??= new Map();
      for (const f of g.affects ?? [ALL_FIELDS]) {
        const top = f.split('.')[0] as string;
        if (!out.has(top)) out.set(top, g);
      }
    }
  }
  return out;
}

const hiddenGap = (hidden: HiddenFields, field: string | symbol): CollectionGap | undefined =>
  typeof field !== 'string' || IDENTITY_FIELDS.has(field) ? undefined : (hidden.get(field) ?? hidden.get(ALL_FIELDS));

/**
 * A read-only view of a subject that stops the evaluation with `unknown` when a rule reads a field a
 * gap hides, whether or not the field is present (a partial read must not decide a verdict) and
 * whether or not the rule declared it.
 */
function guardedView(value: object, hidden: HiddenFields): object {
  return new Proxy(value, {
    get(target, prop, receiver) {
      const g = hiddenGap(hidden, prop);
      if (g) throw new MissingData(String(prop), g);
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      const g = hiddenGap(hidden, prop);
      if (g) throw new MissingData(String(prop), g);
      return Reflect.has(target, prop);
    },
  });
}

/** Stops the evaluation with `unknown` when a gap hides a field the policy's matchers classify keys by. */
function assertClassifiable(fieldsRead: readonly string[], hidden: HiddenFields | undefined): void {
  if (!hidden) return;
  for (const f of fieldsRead) {
    const g = hiddenGap(hidden, f);
    if (g) throw new MissingData(f, g);
  }
}

/** `rotation` hidden while the rule declared `rotation.automatic`: name the declared path. */
function declaredPath(m: MissingData, meta: AnyRule['meta']): MissingData {
  if (m.field.includes('.')) return m;
  const declared = [...(meta.needs ?? []).flatMap((n) => (typeof n === 'string' ? [n] : [...n])), ...(meta.reads ?? [])];
  const path = declared.find((f) => f.startsWith(`${m.field}.`));
  return path ? new MissingData(path, m.gap) : m;
}

/** A declared need or read that a gap hides, even when a (possibly partial) value is present. */
function firstHidden(needs: readonly Need[] | undefined, reads: readonly string[] | undefined, hidden: HiddenFields | undefined): MissingData | undefined {
  if (!hidden) return undefined;
  for (const need of [...(needs ?? []), ...(reads ?? [])]) {
    // `classification` is checked where it is read (ctx.scope), against the fields the policy's matchers use.
    if (need === CLASSIFICATION) continue;
    const alternatives = typeof need === 'string' ? [need] : need;
    const gaps = alternatives.map((f) => hiddenGap(hidden, f.split('.')[0] as string));
    if (gaps.every((g) => g !== undefined)) return new MissingData(alternatives.join(' | '), gaps[0]);
  }
  return undefined;
}

function unknownMessage(m: MissingData): string {
  if (m.reason) return `Not evaluated: ${m.reason}.`;
  const base = `Not evaluated: ${m.field} was not collected`;
  return m.gap ? `${base} (${m.gap.operation}: ${m.gap.reason}).` : `${base} for this subject.`;
}
