import type { PublishedKey } from '../model/published-key.ts';
import type { ResolvedPolicy } from '../policy/resolve.ts';
import type { ResolvedRelyingParty } from '../rules/types.ts';
import { globMatch } from '../util/glob.ts';

const stripSlash = (s: string) => s.replace(/\/+$/, '');

/** Every place a relying party can name to trust a published key's set: its URL, discovery documents, issuers. */
function trustPoints(k: PublishedKey): string[] {
  const points = [k.url, k.issuer, ...(k.trustedBy ?? []).flatMap((t) => [t.issuer, t.discoveryUrl, t.jwksUri])];
  return [...new Set(points.filter((p): p is string => !!p).map(stripSlash))];
}

/** The policy's relying parties that take keys from a published key's set (by URL, discovery document or issuer; globs allowed). */
export function relyingPartyIndex(policy: Pick<ResolvedPolicy, 'relyingParties'>): (k: PublishedKey) => readonly ResolvedRelyingParty[] {
  const parties = Object.entries(policy.relyingParties ?? {}).map(([name, rp]) => ({ name, ...rp }));
  if (parties.length === 0) return () => [];
  return (k) => {
    const points = trustPoints(k);
    return parties.filter((rp) => rp.trusts.some((t) => points.some((p) => globMatch(stripSlash(t), p))));
  };
}
