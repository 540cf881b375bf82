// The fault suite's oracle: a fault-free run through the proxy is the reference; each faulty run
// (same estate, same policy, a seeded fault plan) must keep the promises of issue 13:
//   - 0 lost: every subject of the reference is in the faulty inventory or covered by a gap;
//   - 0 pass that depends on a failed read: a pass must be a pass in the reference too, and its
//     subject must be read whole (equal to the reference) or the rule must not read what differs;
//   - wherever retries succeeded (no gap covers a subject) its record and its verdicts equal the
//     reference's;
//   - the run ends within its provider budgets.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { auditInventory, collectInventory } from '../../src/audit.ts';
import { createClassifier } from '../../src/engine/classify.ts';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import type { CollectionGap } from '../../src/model/collection-gap.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { type ResolvedPolicy, resolvePolicyFile } from '../../src/policy/resolve.ts';
import { RULES } from '../../src/rules/index.ts';

export interface FaultRun {
  inventory: Inventory;
  result: AuditResult;
  ms: number;
  /** The key fields the policy's matchers classify by (a rule that reads the classification reads these). */
  classifiedBy?: readonly string[];
}

export const NOW = new Date('2026-06-01T00:00:00Z');

/**
 * Collect and evaluate with the policy `yaml` (written to a fresh directory), timing the collection.
 * A collection still running after `limitMs` fails here, naming the limit (a hang is a defect to
 * report, not a test runner timeout).
 */
export async function auditWith(yaml: string, limitMs = 25_000): Promise<FaultRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-faults-'));
  const file = join(dir, 'keyhygiene.yaml');
  writeFileSync(file, yaml);
  const policy = resolvePolicyFile(file);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the collection was still running after ${limitMs} ms: its deadlines and budget did not end it`)), limitMs);
  });
  const inventory = await Promise.race([collectInventory(policy, { now: NOW }), limit]).finally(() => clearTimeout(timer));
  const ms = performance.now() - t0;
  return { inventory, result: auditInventory(inventory, policy, NOW, true), ms, classifiedBy: classifiedBy(policy) };
}

interface Located {
  kind: string;
  id: string;
  provider?: string;
  account?: string;
  region?: string;
  container?: string;
  url?: string;
  trustedBy?: { discoveryUrl?: string }[];
  /** trails: where they apply */
  scope?: { accounts?: string[] | '*'; regions?: string[] | '*'; containers?: string[] };
}

/** A scope part of a gap matches the subject's own value, or one of the values a trail applies to. */
function partMatches(want: string | undefined, own: string | undefined, list: readonly string[] | '*' | undefined): boolean {
  return want === undefined || want === own || (Array.isArray(list) && list.includes(want));
}

/** Every subject of an inventory (keys, trails, published keys, artifacts) by kind and id. */
export function subjects(inv: Inventory): Map<string, Located & { value: unknown }> {
  const out = new Map<string, Located & { value: unknown }>();
  const add = (kind: string, list: readonly object[]) => {
    for (const v of list as (Located & object)[]) out.set(`${kind}:${v.id}`, { ...v, kind, value: v });
  };
  add('key', inv.keys);
  add('trail', inv.trails);
  add('published-key', inv.publishedKeys);
  add('artifact', inv.artifacts);
  return out;
}

/**
 * The gaps that cover a subject: same provider, every scope part either absent or equal (for a trail:
 * one of the accounts, regions, containers it applies to); a published key is also covered by a gap on
 * its key set URL or on a discovery document that trusted it.
 */
export function coveringGaps(gaps: readonly CollectionGap[], s: Located): CollectionGap[] {
  const listed = s.kind === 'trail' ? listedAt(s) : undefined;
  if (listed) {
    const hit = gaps.filter((g) => g.provider === s.provider && coversListing(g, listed));
    if (hit.length) return hit;
  }
  const alsoIds = new Set([s.id, s.url, ...(s.trustedBy ?? []).map((t) => t.discoveryUrl)].filter((x): x is string => x !== undefined));
  return gaps.filter((g) => {
    if (g.provider !== s.provider) return false;
    const sc = g.scope;
    return (
      partMatches(sc.account, s.account, s.scope?.accounts) &&
      partMatches(sc.region, s.region, s.scope?.regions) &&
      partMatches(sc.container, s.container, s.scope?.containers) &&
      (sc.subjectId === undefined || alsoIds.has(sc.subjectId))
    );
  });
}

/** Where an AWS trail is listed: its owner account and home region, from its ARN. */
function listedAt(s: Located): { account: string; region: string } | undefined {
  const m = /^arn:aws[\w-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\//.exec(s.id);
  return m ? { region: m[1] as string, account: m[2] as string } : undefined;
}

/**
 * A gap on the trail listing of the account and region a trail lives in (one that leaves `trails`
 * unknown there) covers the trail: the report says the trails listed there could not be read.
 */
function coversListing(g: CollectionGap, at: { account: string; region: string }): boolean {
  const sc = g.scope;
  if (sc.subjectId !== undefined || !(g.affects === undefined || g.affects.includes('trails'))) return false;
  return sc.account === at.account && (sc.region === undefined || sc.region === at.region);
}

/**
 * The fields a policy classifies keys by: its matchers' (tags; ids match a key's id, name and aliases).
 * A rule that reads the classification reads only these: a pass with an unread alias is supported when
 * no matcher looks at aliases (the engine makes the verdict unknown when one does).
 */
function classifiedBy(policy: ResolvedPolicy): string[] {
  const fields = createClassifier(policy).keyFieldsRead;
  return fields.flatMap((f) => (f === 'aliases' ? ['aliases', 'name'] : [f]));
}

/** The top-level fields a rule reads, with `classification` as the fields the policy classifies by (all that could be, when unknown). */
function ruleFields(classification: readonly string[] = ['tags', 'aliases', 'name']): Map<string, Set<string>> {
  return new Map(
    RULES.map((r) => {
      const needs = (r.meta.needs ?? []).flatMap((n) => (typeof n === 'string' ? [n] : [...n]));
      const reads = (r.meta.reads ?? []).flatMap((f) => (f === 'classification' ? classification : [f]));
      return [r.id, new Set([...needs, ...reads].map((f) => f.split('.')[0] as string))];
    }),
  );
}

/** Top-level fields whose values differ between two records. */
function differingFields(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const verdictKey = (r: ResultEntry) => `${r.ruleId}|${r.subject.kind}:${r.subject.id}|${r.findingKey ?? ''}`;

export interface Violations {
  lost: string[];
  unsupportedPass: string[];
  divergent: string[];
  /** subjects in the faulty run that are covered by a gap (informational) */
  covered: number;
}

/** Compare a faulty run with the fault-free reference. */
export function compare(reference: FaultRun, faulty: FaultRun): Violations {
  const ref = subjects(reference.inventory);
  const got = subjects(faulty.inventory);
  const gaps = faulty.inventory.gaps;
  const out: Violations = { lost: [], unsupportedPass: [], divergent: [], covered: 0 };
  for (const [id, s] of ref) {
    if (!got.has(id) && coveringGaps(gaps, s).length === 0) out.lost.push(id);
  }
  const refVerdicts = new Map(reference.result.results.map((r) => [verdictKey(r), r.outcome]));
  const fieldsOf = ruleFields(faulty.classifiedBy);
  const clean = new Set<string>();
  for (const [id, s] of got) {
    const before = ref.get(id);
    if (coveringGaps(gaps, s).length > 0) {
      out.covered++;
      continue;
    }
    if (!before || !isDeepStrictEqual(before.value, s.value)) {
      out.divergent.push(`${id}: ${before ? differingFields(before.value as object, s.value as object).join(', ') : 'not in the reference'}`);
      continue;
    }
    clean.add(id);
  }
  for (const r of faulty.result.results) {
    const sid = `${r.subject.kind}:${r.subject.id}`;
    const before = refVerdicts.get(verdictKey(r));
    if (clean.has(sid) && before !== r.outcome) out.divergent.push(`${r.ruleId} on ${sid}: ${before} in the reference, ${r.outcome} now`);
    if (r.outcome !== 'pass') continue;
    if (before !== 'pass') out.unsupportedPass.push(`${r.ruleId} on ${sid}: pass, ${before} in the reference`);
    const s = got.get(sid);
    const b = ref.get(sid);
    if (s && b) {
      const read = fieldsOf.get(r.ruleId) ?? new Set<string>();
      const diff = differingFields(b.value as object, s.value as object).filter((f) => read.has(f));
      if (diff.length) out.unsupportedPass.push(`${r.ruleId} on ${sid}: pass although ${diff.join(', ')} differ from the reference`);
    }
  }
  return out;
}

/**
 * The promises of issue 13 for one faulty run: 0 lost, 0 pass on a failed read, equal wherever no gap
 * covers a subject, within `limitMs`; gaps beyond the reference's make the audit incomplete.
 */
export function expectHonestRun(reference: FaultRun, run: FaultRun, limitMs: number): void {
  const v = compare(reference, run);
  expect(v.lost).toEqual([]);
  expect(v.unsupportedPass).toEqual([]);
  expect(v.divergent).toEqual([]);
  expect(run.ms).toBeLessThan(limitMs);
  if (run.inventory.gaps.length > reference.inventory.gaps.length) expect(run.result.summary.incomplete).toBe(true);
}
