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
 * nowhere else; `bound = false` ignores the binding: every issuer the set serves). Each context is
 * classified like the key itself, by labels or issuer matchers.
 */
export function trustContexts(k: PublishedKey, ctx: RuleContext<unknown, string>, bound = true): TrustContext[] {
  let entries: Pick<KeySetTrust, 'issuer' | 'labels'>[] = k.trustedBy?.length ? k.trustedBy : [{ issuer: k.issuer, labels: k.labels }];
  if (bound && k.keyIssuer) {
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

/** Trust domains the key's set declares it serves (`serves:` on a jwks issuer or key set), sorted. */
export const servedDomains = (k: PublishedKey): string[] => [...new Set((k.trustedBy ?? []).flatMap((t) => t.serves ?? []))].sort();

/** The trust domain of a published key: its endpoint's labels or matchers, else the one of the inventoried keys with the same public key. */
export function publishedKeyDomain(k: PublishedKey, ctx: RuleContext<unknown, string>): string | undefined {
  const own = ctx.publishedScope(k).trustDomain;
  if (own) return own;
  const domains = new Set(ctx.sameKey(k.fingerprints).keys.map((key) => ctx.scope(key).trustDomain));
  domains.delete(undefined);
  return domains.size === 1 ? [...domains][0] : undefined;
}

/**
 * A context the key's endpoint is meant to serve: the set declares it serves the key's own domain
 * and this context's domains. Such a context is the endpoint's design, judged on the endpoint
 * (shared-endpoint-issuer-validation), not a sign that the key left its scope.
 */
function servedContext(t: TrustContext, served: readonly string[], own: string | undefined): boolean {
  if (!own || !served.includes(own)) return false;
  const domains = t.scope.trustDomains;
  return domains.length > 0 && !domains.includes(own) && domains.every((d) => served.includes(d));
}

export interface Spread {
  issuers: string[];
  trustDomains: string[];
  environments: string[];
}

/**
 * Issuers, trust domains and environments a key is found in, across published copies and inventoried
 * records. With the key's own trust domain, the other domains an endpoint declares it serves are left out.
 */
export function spreadOf(published: readonly PublishedKey[], keys: readonly KeyRecord[], ctx: RuleContext<unknown, string>, own?: string): Spread {
  const issuers = new Set<string>();
  const domains = new Set<string>();
  const envs = new Set<string>();
  for (const p of published) {
    const served = servedDomains(p);
    for (const t of trustContexts(p, ctx)) {
      if (servedContext(t, served, own)) continue;
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
