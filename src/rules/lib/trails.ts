import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import type { RuleContext } from '../types.ts';
import { USE_CAPABILITIES } from './keys.ts';

/** Event sources that carry a provider's key operations, as trails name them in exclusions. */
export const KEY_EVENT_SOURCES: Record<string, readonly string[]> = {
  'aws-kms': ['kms.amazonaws.com'],
  'azure-keyvault': ['Microsoft.KeyVault', 'AuditEvent'],
  'gcp-kms': ['cloudkms.googleapis.com'],
};

export interface TrailVerdict {
  trail: AuditTrail;
  /** Why the trail does not record this key's use; undefined when it does. */
  problem?: string;
}

/**
 * Judge each trail that covers the key: does it record data-plane use of the key? A trail with an
 * unknown property leaves the evaluation unknown rather than passing or failing on a guess.
 */
export function judgeTrails(key: KeyRecord, ctx: RuleContext<unknown, string>): readonly TrailVerdict[] {
  const verdicts = judgeLocation(key, ctx);
  for (const v of verdicts) if (!v.problem && v.trail.exemptedPrincipals?.length) return withExemptions(key, verdicts, ctx);
  return verdicts;
}

/**
 * A trail that exempts principals (GCP Data Access exemptedMembers) does not record *their* use: for a
 * key one of them can use, the trail does not record every use of the key. Needs the key's access.
 */
function withExemptions(key: KeyRecord, verdicts: readonly TrailVerdict[], ctx: RuleContext<unknown, string>): TrailVerdict[] {
  const access = ctx.need(key.access, 'access');
  return verdicts.map((v) => {
    const exempt = v.trail.exemptedPrincipals;
    if (v.problem || !exempt?.length) return v;
    const users = access.filter((e) => exempt.includes(e.principal.id) && e.capabilities.some((c) => USE_CAPABILITIES.has(c)));
    if (!users.length) return v;
    const names = [...new Set(users.map((e) => e.principal.name ?? e.principal.id))].sort();
    return { trail: v.trail, problem: `exempts ${names.join(', ')} from Data Access logging, who can use this key` };
  });
}

/** Verdicts that depend only on the key's location (provider, account, region, container). */
function judgeLocation(key: KeyRecord, ctx: RuleContext<unknown, string>): readonly TrailVerdict[] {
  const trails = ctx.trailsFor(key);
  // Verdicts depend only on the trails (one shared array per location), so they are memoized on it.
  const memo = verdictMemo.get(trails);
  if (memo) {
    if (memo.missing) ctx.need(undefined, memo.missing);
    return memo.verdicts;
  }
  try {
    const verdicts = judge(key, trails, ctx);
    verdictMemo.set(trails, { verdicts });
    return verdicts;
  } catch (err) {
    const field = (err as { field?: unknown }).field;
    if (typeof field === 'string') verdictMemo.set(trails, { verdicts: [], missing: field });
    throw err;
  }
}

const verdictMemo = new WeakMap<readonly AuditTrail[], { verdicts: readonly TrailVerdict[]; missing?: string }>();

function judge(key: KeyRecord, trails: readonly AuditTrail[], ctx: RuleContext<unknown, string>): TrailVerdict[] {
  const sources = KEY_EVENT_SOURCES[key.provider] ?? [];
  return trails.map((trail) => {
    if (ctx.need(trail.enabled, `trail ${trail.id} enabled`) === false) return { trail, problem: 'is not logging' };
    const excluded = (trail.excludedSources ?? []).filter((s) => sources.includes(s));
    if (excluded.length) return { trail, problem: `excludes ${excluded.join(', ')} events` };
    if (ctx.need(trail.capturesDataPlane, `trail ${trail.id} capturesDataPlane`) === false) return { trail, problem: 'records admin events only, not key use' };
    return { trail };
  });
}
