import { createHash } from 'node:crypto';
import type { Principal } from '../model/access-entry.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import { type Fingerprints, type Severity, severityRank } from '../model/common.ts';
import type { Inventory, Subject } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { Waiver } from '../policy/schema.ts';
import { formatMessage } from '../rules/define-rule.ts';
import { findRule } from '../rules/index.ts';
import type { AnyRule, Need, ReportOptions, ResolvedScope, RuleContext, SameKey } from '../rules/types.ts';
import { globMatch } from '../util/glob.ts';
import { VERSION } from '../version.ts';
import { type Classifier, createClassifier } from './classify.ts';
import {
  type AuditResult,
  emptyOutcomeCounts,
  emptySeverityCounts,
  OUTCOME_PRECEDENCE,
  type Outcome,
  type OutcomeCounts,
  RESULT_VERSION,
  type ResultEntry,
} from './result.ts';

const DAY_MS = 86_400_000;

/** Thrown by `ctx.need()` to stop one evaluation with `unknown`. */
class MissingData {
  readonly field: string;
  readonly gap?: CollectionGap;
  constructor(field: string, gap?: CollectionGap) {
    this.field = field;
    this.gap = gap;
  }
}

export interface EvaluateOptions {
  now: Date;
  /** List pass results too (they are always counted). */
  includePassed?: boolean;
}

export function fingerprint(ruleId: string, subjectId: string, findingKey = ''): string {
  return createHash('sha256').update(`${ruleId}\n${subjectId}\n${findingKey}`).digest('hex').slice(0, 32);
}

const getPath = (obj: unknown, path: string): unknown => {
  let cur = obj;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
};

function gapCovers(gap: CollectionGap, provider: string, k: { id: string; account?: string; region?: string; container?: string }): boolean {
  if (gap.provider !== provider) return false;
  const s = gap.scope;
  return (
    (s.account === undefined || s.account === k.account) &&
    (s.region === undefined || s.region === k.region) &&
    (s.container === undefined || s.container === k.container) &&
    (s.subjectId === undefined || s.subjectId === k.id)
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
      return c.key(subject.value);
    case 'published-key':
      return c.published(subject.value);
    case 'artifact':
      return c.artifact(subject.value);
    default:
      return undefined;
  }
}

const worse = (a: Outcome, b: Outcome): Outcome => (OUTCOME_PRECEDENCE.indexOf(a) <= OUTCOME_PRECEDENCE.indexOf(b) ? a : b);

const waiverExpiry = (w: Waiver): number => (w.expires.length === 10 ? Date.parse(`${w.expires}T23:59:59.999Z`) : Date.parse(w.expires));

/**
 * Evaluate every enabled rule against every subject. Pure: the result depends only on the
 * inventory, the resolved policy and `now`. Every applicable (rule, subject) pair gets exactly one
 * outcome (or one per finding when it fails).
 */
export function evaluate(inventory: Inventory, policy: ResolvedPolicy, options: EvaluateOptions): AuditResult {
  const now = options.now;
  const nowMs = now.getTime();
  const classifier = createClassifier(policy, inventory.keys);
  const subjects = subjectsOf(inventory);

  // Gaps by provider, so per-subject lookups stay cheap on large inventories.
  const gapsByProvider = new Map<string, CollectionGap[]>();
  for (const g of inventory.gaps) gapsByProvider.set(g.provider, [...(gapsByProvider.get(g.provider) ?? []), g]);
  const gapFor = (
    provider: string | undefined,
    subj: { id: string; account?: string; region?: string; container?: string },
    field: string,
  ): CollectionGap | undefined => {
    if (!provider) return undefined;
    const top = field.split('.')[0] as string;
    return gapsByProvider
      .get(provider)
      ?.find((g) => (g.affects === undefined || g.affects.includes(top) || g.affects.includes(field)) && gapCovers(g, provider, subj));
  };
  const trailsByProvider = new Map<string, AuditTrail[]>();
  for (const t of inventory.trails) trailsByProvider.set(t.scope.provider, [...(trailsByProvider.get(t.scope.provider) ?? []), t]);

  const sameKey = fingerprintIndex(inventory);

  const results: ResultEntry[] = [];
  const totals = emptyOutcomeCounts();
  const failuresBySeverity = emptySeverityCounts();
  const subjectStatus = new Map<string, { status: Outcome; counts: OutcomeCounts }>();
  const rulesSummary: AuditResult['rules'] = [];

  const waivers = policy.waivers.map((w) => ({ w, ruleId: findRule(w.rule)?.id ?? w.rule, expiresMs: waiverExpiry(w), matched: 0 }));

  const ruleIds = [...policy.rules.keys()].sort();
  let current: Subject | undefined;
  let findings: { messageId: string; data?: Record<string, string | number>; opts?: ReportOptions }[] = [];

  for (const ruleId of ruleIds) {
    const rule = findRule(ruleId) as AnyRule;
    const config = policy.rules.get(ruleId) as { severity: Severity; options: unknown };
    const counts = emptyOutcomeCounts();
    const ctx: RuleContext<unknown, string> = {
      options: config.options,
      now,
      inventory,
      scope: (k) => classifier.key(k),
      principalScope: (p: Principal) => classifier.principal(p),
      publishedScope: (k) => classifier.published(k),
      sameKey,
      trailsFor(k) {
        const gap = gapFor(k.provider, k, 'trails');
        if (gap) throw new MissingData('trails', gap);
        return (trailsByProvider.get(k.provider) ?? []).filter((t) => trailCovers(t, k));
      },
      need(value, field) {
        if (value === undefined) {
          const s = current as Subject;
          const v = s.value as { provider?: string; account?: string; region?: string; container?: string };
          throw new MissingData(field, gapFor(v.provider, { ...v, id: s.id }, field));
        }
        return value;
      },
      report(messageId, data, opts) {
        findings.push({ messageId, data, opts });
      },
      daysSince: (iso) => (nowMs - Date.parse(iso)) / DAY_MS,
    };

    for (const subject of subjects) {
      if (subject.kind !== rule.meta.subject) continue;
      current = subject;
      findings = [];
      let outcome: Outcome;
      let missing: MissingData | undefined;
      let errorMessage: string | undefined;
      try {
        if (rule.meta.appliesTo && !rule.meta.appliesTo(subject.value, ctx)) {
          outcome = 'not-applicable';
        } else {
          missing = firstMissing(rule.meta.needs, subject, gapFor);
          if (missing) outcome = 'unknown';
          else {
            rule.check(subject.value, ctx);
            outcome = findings.length ? 'fail' : 'pass';
          }
        }
      } catch (err) {
        if (err instanceof MissingData) {
          missing = err;
          outcome = 'unknown';
        } else {
          outcome = 'error';
          errorMessage = err instanceof Error ? err.message : String(err);
        }
      }

      if (outcome === 'not-applicable') {
        counts['not-applicable']++;
        totals['not-applicable']++;
        continue;
      }

      const scope = scopeOf(subject, classifier);
      const v = subject.value as { provider?: string; name?: string };
      const subjectRef = { kind: subject.kind, id: subject.id, provider: v.provider, name: v.name };
      const scopeRef = scope ? compactScope(scope) : undefined;
      const entryBase = { ruleId, category: rule.meta.category, subject: subjectRef, scope: scopeRef };
      const outcomesForSubject: Outcome[] = [];

      if (outcome === 'fail') {
        for (const f of findings) {
          const key = f.opts?.key;
          let severity = config.severity;
          const esc = f.opts?.escalateTo;
          if (esc && severityRank(esc) < severityRank(severity)) severity = esc;
          const entry: ResultEntry = {
            ...entryBase,
            severity,
            outcome: 'fail',
            message: formatMessage(rule.messages[f.messageId] ?? f.messageId, f.data),
            fingerprint: fingerprint(ruleId, subject.id, key),
            ...(key !== undefined ? { findingKey: key } : {}),
          };
          const waiver = waivers.find(
            (x) =>
              x.ruleId === ruleId &&
              (x.w.subject !== undefined ? x.w.subject === subject.id : globMatch(x.w.subjectGlob as string, subject.id)) &&
              (x.w.finding === undefined || x.w.finding === key),
          );
          if (waiver) {
            waiver.matched++;
            const active = waiver.expiresMs >= nowMs;
            entry.waiver = {
              reason: waiver.w.reason,
              approver: waiver.w.approver,
              expires: waiver.w.expires,
              ...(waiver.w.ticket ? { ticket: waiver.w.ticket } : {}),
              status: active ? 'active' : 'expired',
            };
            if (active) entry.outcome = 'waived';
            else entry.message += ` (waiver expired ${waiver.w.expires})`;
          }
          if (entry.outcome === 'fail') failuresBySeverity[entry.severity]++;
          counts[entry.outcome]++;
          totals[entry.outcome]++;
          outcomesForSubject.push(entry.outcome);
          results.push(entry);
        }
      } else {
        counts[outcome]++;
        totals[outcome]++;
        outcomesForSubject.push(outcome);
        if (outcome !== 'pass' || options.includePassed) {
          const entry: ResultEntry = {
            ...entryBase,
            severity: config.severity,
            outcome,
            message:
              outcome === 'pass'
                ? rule.meta.description
                : outcome === 'error'
                  ? `The rule failed while evaluating this subject: ${errorMessage}`
                  : unknownMessage(missing as MissingData),
            fingerprint: fingerprint(ruleId, subject.id),
          };
          if (outcome === 'unknown' && missing) entry.missing = [missing.field];
          results.push(entry);
        }
      }

      let st = subjectStatus.get(subject.id);
      if (!st) {
        st = { status: 'not-applicable', counts: emptyOutcomeCounts() };
        subjectStatus.set(subject.id, st);
      }
      for (const o of outcomesForSubject) {
        st.counts[o]++;
        st.status = worse(st.status, o);
      }
    }
    rulesSummary.push({ id: ruleId, category: rule.meta.category, severity: config.severity, counts });
  }

  results.sort(compareResults);

  const subjectList: AuditResult['subjects'] = subjects
    .filter((s) => s.kind !== 'gap')
    .map((s) => {
      const st = subjectStatus.get(s.id) ?? { status: 'not-applicable' as const, counts: emptyOutcomeCounts() };
      const scope = scopeOf(s, classifier);
      const v = s.value as { provider?: string; name?: string };
      return {
        kind: s.kind,
        id: s.id,
        ...(v.provider ? { provider: v.provider } : {}),
        ...(v.name ? { name: v.name } : {}),
        ...(scope ? { scope: compactScope(scope) } : {}),
        status: st.status,
        counts: st.counts,
      };
    })
    .sort((a, b) => cmp(a.kind, b.kind) || cmp(a.id, b.id));
  const byStatus = emptyOutcomeCounts();
  for (const s of subjectList) byStatus[s.status]++;

  return {
    version: RESULT_VERSION,
    tool: { name: 'keyhygiene', version: VERSION },
    generatedAt: now.toISOString(),
    policy: { ...(policy.file ? { file: policy.file } : {}), extends: policy.extends, rulesEnabled: ruleIds.length },
    inventory: {
      generatedAt: inventory.generatedAt,
      providers: [...new Set(inventory.providers.map((p) => p.id))].sort(),
      keys: inventory.keys.length,
      trails: inventory.trails.length,
      publishedKeys: inventory.publishedKeys.length,
      artifacts: inventory.artifacts.length,
    },
    summary: {
      outcomes: totals,
      failuresBySeverity,
      subjects: { total: subjectList.length, byStatus },
      gaps: inventory.gaps.length,
      incomplete: inventory.gaps.length > 0 || totals.unknown > 0 || totals.error > 0,
    },
    rules: rulesSummary,
    subjects: subjectList,
    results,
    waivers: waivers
      .map(({ w, ruleId, expiresMs, matched }) => ({
        rule: ruleId,
        ...(w.subject !== undefined ? { subject: w.subject } : {}),
        ...(w.subjectGlob !== undefined ? { subjectGlob: w.subjectGlob } : {}),
        ...(w.finding !== undefined ? { finding: w.finding } : {}),
        reason: w.reason,
        approver: w.approver,
        expires: w.expires,
        ...(w.ticket ? { ticket: w.ticket } : {}),
        status: matched === 0 ? ('unused' as const) : expiresMs >= nowMs ? ('active' as const) : ('expired' as const),
        matched,
      }))
      .sort((a, b) => cmp(a.rule, b.rule) || cmp(a.subject ?? a.subjectGlob ?? '', b.subject ?? b.subjectGlob ?? '')),
    gaps: [...inventory.gaps].sort((a, b) => cmp(a.id, b.id)),
  };
}

/** Lookup of inventory subjects by public-key fingerprint, built on first use. */
function fingerprintIndex(inv: Inventory): (fp: Fingerprints | undefined) => SameKey {
  let index: Map<string, { keys: Set<KeyRecord>; published: Set<PublishedKey>; artifacts: Set<ArtifactFinding> }> | undefined;
  const build = () => {
    const m = new Map<string, { keys: Set<KeyRecord>; published: Set<PublishedKey>; artifacts: Set<ArtifactFinding> }>();
    const slot = (fp: string) => {
      let e = m.get(fp);
      if (!e) {
        e = { keys: new Set(), published: new Set(), artifacts: new Set() };
        m.set(fp, e);
      }
      return e;
    };
    const add = <T>(fp: Fingerprints | undefined, pick: (e: ReturnType<typeof slot>) => Set<T>, item: T) => {
      if (fp?.spkiSha256) pick(slot(`s:${fp.spkiSha256}`)).add(item);
      if (fp?.jwkThumbprint) pick(slot(`j:${fp.jwkThumbprint}`)).add(item);
    };
    for (const k of inv.keys) add(k.fingerprints, (e) => e.keys, k);
    for (const k of inv.publishedKeys) add(k.fingerprints, (e) => e.published, k);
    for (const a of inv.artifacts) add(a.fingerprints, (e) => e.artifacts, a);
    return m;
  };
  return (fp) => {
    if (!fp || (!fp.spkiSha256 && !fp.jwkThumbprint)) return { keys: [], published: [], artifacts: [] };
    index ??= build();
    const hits = [fp.spkiSha256 && index.get(`s:${fp.spkiSha256}`), fp.jwkThumbprint && index.get(`j:${fp.jwkThumbprint}`)].filter((x) => !!x) as {
      keys: Set<KeyRecord>;
      published: Set<PublishedKey>;
      artifacts: Set<ArtifactFinding>;
    }[];
    const union = <T>(pick: (e: (typeof hits)[number]) => Set<T>, sortKey: (t: T) => string): T[] =>
      [...new Set(hits.flatMap((h) => [...pick(h)]))].sort((a, b) => cmp(sortKey(a), sortKey(b)));
    return {
      keys: union(
        (h) => h.keys,
        (k) => k.id,
      ),
      published: union(
        (h) => h.published,
        (k) => k.id,
      ),
      artifacts: union(
        (h) => h.artifacts,
        (a) => a.id,
      ),
    };
  };
}

function firstMissing(
  needs: readonly Need[] | undefined,
  subject: Subject,
  gapFor: (provider: string | undefined, s: { id: string }, field: string) => CollectionGap | undefined,
): MissingData | undefined {
  if (!needs) return undefined;
  for (const need of needs) {
    const alternatives = typeof need === 'string' ? [need] : need;
    if (alternatives.some((p) => getPath(subject.value, p) !== undefined)) continue;
    const field = alternatives.join(' | ');
    const v = subject.value as { provider?: string };
    return new MissingData(field, gapFor(v.provider, { ...(subject.value as object), id: subject.id }, alternatives[0] as string));
  }
  return undefined;
}

function unknownMessage(m: MissingData): string {
  const base = `Not evaluated: ${m.field} was not collected`;
  return m.gap ? `${base} (${m.gap.operation}: ${m.gap.reason}).` : `${base} for this subject.`;
}

function compactScope(s: ResolvedScope): { environment?: string; trustDomain?: string; keyClass?: string } | undefined {
  const out: { environment?: string; trustDomain?: string; keyClass?: string } = {};
  if (s.environment) out.environment = s.environment;
  if (s.trustDomain) out.trustDomain = s.trustDomain;
  if (s.keyClass) out.keyClass = s.keyClass.name;
  return Object.keys(out).length ? out : undefined;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const OUTCOME_ORDER: Record<Outcome, number> = { fail: 0, error: 1, unknown: 2, waived: 3, pass: 4, 'not-applicable': 5 };

export function compareResults(a: ResultEntry, b: ResultEntry): number {
  return (
    OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] ||
    severityRank(a.severity) - severityRank(b.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.subject.id, b.subject.id) ||
    cmp(a.findingKey ?? '', b.findingKey ?? '')
  );
}
