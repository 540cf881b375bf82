import { z } from 'zod';
import type { PublishedKey } from '../../model/published-key.ts';
import { defineRule } from '../define-rule.ts';
import { issuerMatches, label, publishedKeyDomain } from '../lib/published.ts';
import type { ResolvedRelyingParty } from '../types.ts';

/** Why the relying party would accept a token this key signs, or undefined when it would not. */
function acceptance(k: PublishedKey, rp: ResolvedRelyingParty): string | undefined {
  if (!rp.validatesIssuer) return 'it does not validate the issuer (validatesIssuer: false)';
  const allowed = rp.allowedIssuers ?? [];
  // Without a per-key binding, a key of the set can sign a token for any issuer the party allows.
  if (!k.keyIssuer) return `the key carries no per-key \`issuer\` binding, so it can sign for any issuer the party allows (${allowed.join(', ')})`;
  const bound = k.keyIssuer;
  return allowed.some((a) => issuerMatches(bound, a)) ? `the key is bound to ${bound}, an issuer the party allows` : undefined;
}

export default defineRule({
  id: 'relying-party-foreign-key',
  aliases: ['SCP-07'],
  meta: {
    category: 'scope',
    severity: 'critical',
    description: "No relying party of one trust domain would accept a token signed by another domain's key.",
    rationale:
      'Storm-0558: enterprise mail accepted tokens signed by a consumer key because it took keys from the multi-tenant common endpoint and did not check that the issuer matched the key (MSRC 2023-07-14, 2023-09-06; CSRB F5). The flaw belongs to the relying party and the endpoint it trusts, not to a key the endpoint is meant to serve (RFC 8725 §3.8).',
    remediation:
      "Make the relying party validate the `iss` claim against its own issuers and the key's `issuer` binding (validatesIssuer: true, allowedIssuers), publish a per-key `issuer` on the shared endpoint, or point the party at a key set of its own domain only.",
    subject: 'published-key',
    reads: ['keyIssuer', 'issuer', 'labels', 'trustedBy', 'classification'],
    appliesTo: (k, ctx) => ctx.relyingPartiesFor(k).length > 0,
  },
  options: z.strictObject({}),
  messages: {
    accepts:
      'Relying party {party} (trust domain {ours}) trusts {source} and would accept a token signed by key {kid} of trust domain {theirs}: {why}. Limit: a party accepts only its own domain (policy relyingParties.{party}).',
  },
  check(k, ctx) {
    const parties = ctx.relyingPartiesFor(k);
    const theirs = publishedKeyDomain(k, ctx);
    for (const rp of parties) {
      const why = acceptance(k, rp);
      if (!why) continue;
      if (theirs === undefined) ctx.unclassified(label(k), 'trust domain');
      if (theirs === rp.trustDomain) continue;
      ctx.report(
        'accepts',
        { party: rp.name, ours: rp.trustDomain, source: k.url, kid: label(k), theirs: theirs ?? '', why },
        { key: rp.name, cause: { kind: 'relying-party', id: rp.name } },
      );
    }
  },
});
