import type { Principal } from '../../model/access-entry.ts';
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
 * Does an exempted member (GCP `exemptedMembers`: user:, serviceAccount:, group:, domain:) cover a
 * principal that holds use of the key? `yes` for the member itself, a user of an exempted domain, or
 * anyone when the key is open to all (allUsers, allAuthenticatedUsers); `maybe` where group membership
 * decides it (an exempted group may hold the user, a bound group may hold the exempted user), which the
 * audit does not read; `no` otherwise.
 */
export function exemptionCovers(member: string, p: Principal): 'yes' | 'maybe' | 'no' {
  const m = member.toLowerCase();
  const id = p.id.toLowerCase();
  if (m === id || p.kind === 'public' || p.kind === 'any-authenticated') return 'yes';
  const [mType = '', mValue = ''] = splitMember(m);
  const [pType = '', pValue = ''] = splitMember(id);
  if (mType === 'domain' && pType === 'user') return pValue.endsWith(`@${mValue}`) ? 'yes' : 'no';
  const people = ['user', 'serviceaccount', 'group', 'domain'];
  if (mType === 'group' && people.includes(pType)) return 'maybe';
  if ((pType === 'group' || pType === 'domain') && people.includes(mType)) {
    // A domain holds its users only; a group may hold users, service accounts and groups.
    if (pType === 'domain') return mType === 'user' && mValue.endsWith(`@${pValue}`) ? 'yes' : mType === 'group' ? 'maybe' : 'no';
    return 'maybe';
  }
  // A principal set (every service account of a project, folder or organization; a pool's identities) may hold the other.
  const sets = ['serviceaccount', 'principal', 'principalset'];
  if ((mType === 'principalset' && sets.includes(pType)) || (pType === 'principalset' && sets.includes(mType))) return 'maybe';
  return 'no';
}

const splitMember = (m: string): [string, string] => {
  const colon = m.indexOf(':');
  return colon > 0 ? [m.slice(0, colon), m.slice(colon + 1)] : ['', m];
};

/**
 * A trail that exempts principals (GCP Data Access exemptedMembers) does not record *their* use: for a
 * key one of them can use, the trail does not record every use of the key. Needs the key's access. An
 * exemption that may cover a user (group membership, an undecided condition) leaves the verdict unknown.
 */
function withExemptions(key: KeyRecord, verdicts: readonly TrailVerdict[], ctx: RuleContext<unknown, string>): TrailVerdict[] {
  const access = ctx.need(key.access, 'access').filter((e) => e.capabilities.some((c) => USE_CAPABILITIES.has(c)));
  let open: string | undefined;
  const out = verdicts.map((v) => {
    const exempt = v.trail.exemptedPrincipals;
    if (v.problem || !exempt?.length) return v;
    const users = new Set<string>();
    for (const e of access)
      for (const m of exempt) {
        const covers = exemptionCovers(m, e.principal);
        if (covers === 'yes' && !e.undecided?.length) users.add(e.principal.name ?? e.principal.id);
        else if (covers !== 'no')
          open ??= `${v.trail.name ?? v.trail.id} exempts ${m} from Data Access logging, and ${e.principal.name ?? e.principal.id} can use this key${covers === 'maybe' ? ' (group membership is not read)' : ' under a condition the audit cannot decide'}`;
      }
    if (!users.size) return v;
    return { trail: v.trail, problem: `exempts ${[...users].sort().join(', ')} from Data Access logging, who can use this key` };
  });
  if (open && out.some((v) => !v.problem)) ctx.need(undefined, 'access', open);
  return out;
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
