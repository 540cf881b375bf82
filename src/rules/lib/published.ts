import type { KeyRecord } from '../../model/key-record.ts';
import type { KeySetTrust, PublishedKey } from '../../model/published-key.ts';
import { anyGlobMatch } from '../../util/glob.ts';
import type { ResolvedScope, RuleContext } from '../types.ts';

/** A per-key `issuer` may be a template (`https://login.microsoftonline.com/{tenantid}/v2.0`). */
export function issuerPattern(issuer: string): RegExp {
  const parts = issuer.split(/\{[^}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

export const issuerMatches = (bound: string, issuer: string): boolean =>
  bound === issuer || issuerPattern(bound).test(issuer) || issuerPattern(issuer).test(bound);

/** Distinct issuers that point relying parties at the key's set. */
export const setIssuers = (k: PublishedKey): string[] =>
  [
    ...new Set(
      (k.trustedBy ?? [])
        .map((t) => t.issuer)
        .concat(k.issuer)
        .filter((i): i is string => !!i),
    ),
  ].sort();

export interface TrustContext {
  issuer?: string;
  scope: ResolvedScope;
}

/**
 * Where a published key is accepted: one context per issuer that trusts its set, narrowed to the
 * key's own `issuer` binding when it carries one (a relying party that checks the binding accepts it
 * nowhere else). Each context is classified like the key itself, by labels or issuer matchers.
 */
export function trustContexts(k: PublishedKey, ctx: RuleContext<unknown, string>): TrustContext[] {
  let entries: Pick<KeySetTrust, 'issuer' | 'labels'>[] = k.trustedBy?.length ? k.trustedBy : [{ issuer: k.issuer, labels: k.labels }];
  if (k.keyIssuer) {
    const bound = k.keyIssuer;
    const matching = entries.filter((t) => t.issuer !== undefined && issuerMatches(bound, t.issuer));
    entries = matching.length ? matching : [{ issuer: bound }];
  }
  return entries.map((t) => {
    // The key as this issuer sees it, reading through `k` (not a copy of every field: `k` may be the
    // engine's guarded view, where reading a field a gap hides makes the verdict unknown).
    const probe = Object.create(k, { issuer: { value: t.issuer, enumerable: true }, labels: { value: t.labels, enumerable: true } }) as PublishedKey;
    return { issuer: t.issuer, scope: ctx.publishedScope(probe) };
  });
}

export interface Spread {
  issuers: string[];
  trustDomains: string[];
  environments: string[];
}

/** Issuers, trust domains and environments a key is found in, across published copies and inventoried records. */
export function spreadOf(published: readonly PublishedKey[], keys: readonly KeyRecord[], ctx: RuleContext<unknown, string>): Spread {
  const issuers = new Set<string>();
  const domains = new Set<string>();
  const envs = new Set<string>();
  for (const p of published) {
    for (const t of trustContexts(p, ctx)) {
      if (t.issuer) issuers.add(t.issuer);
      for (const d of t.scope.trustDomains) domains.add(d);
      for (const e of t.scope.environments) envs.add(e);
    }
  }
  for (const k of keys) {
    const s = ctx.scope(k);
    for (const d of s.trustDomains) domains.add(d);
    for (const e of s.environments) envs.add(e);
  }
  return { issuers: [...issuers].sort(), trustDomains: [...domains].sort(), environments: [...envs].sort() };
}

export const label = (k: PublishedKey): string => k.kid ?? k.fingerprints.jwkThumbprint ?? k.id;

/** Options shared by published-key rules: sets the rule deliberately leaves alone. */
export const exceptUrlsDescription = 'key set URLs or files (globs) this rule does not judge, e.g. a deliberately private test fixture';

/** Whether the rule's `exceptUrls` option names the key's set (then the rule does not apply). */
export const excepted = (k: PublishedKey, ctx: RuleContext<unknown, string>): boolean =>
  anyGlobMatch((ctx.options as { exceptUrls?: string[] }).exceptUrls ?? [], k.url);
