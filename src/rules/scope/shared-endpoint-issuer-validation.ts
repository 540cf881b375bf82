import { z } from 'zod';
import type { PublishedKey } from '../../model/published-key.ts';
import { defineRule } from '../define-rule.ts';
import { label, servedDomains, trustContexts } from '../lib/published.ts';
import type { ResolvedRelyingParty, RuleContext } from '../types.ts';

interface Served {
  domains: string[];
  /** Where the domains come from: the endpoint's `serves:` declaration, or the issuers that trust it. */
  from: string;
  /** An issuer of the endpoint matches no trust domain: it may serve more than we can see. */
  unclassified: boolean;
}

/** The trust domains an endpoint serves: declared (`serves:`) and those of every issuer that trusts it, per-key bindings ignored. */
function servedBy(k: PublishedKey, ctx: RuleContext<unknown, string>): Served {
  const declared = servedDomains(k);
  const domains = new Set(declared);
  let unclassified = false;
  for (const t of trustContexts(k, ctx, false)) {
    for (const d of t.scope.trustDomains) domains.add(d);
    if (t.scope.trustDomains.length === 0) unclassified = true;
  }
  const from = declared.length ? `declared serves: [${declared.join(', ')}]` : 'the trust domains of the issuers trusting it';
  return { domains: [...domains].sort(), from, unclassified };
}

/** Why the relying party would take a token of any domain the endpoint serves, or undefined when it binds keys to issuers. */
function flaw(k: PublishedKey, rp: ResolvedRelyingParty): string | undefined {
  if (!rp.validatesIssuer) return 'it does not validate the issuer (observed: validatesIssuer: false)';
  if (!k.keyIssuer)
    return `it checks \`iss\` against ${(rp.allowedIssuers ?? []).join(', ')} but key ${label(k)} carries no per-key \`issuer\` binding (observed: no issuer member), so the check cannot tie the key to one domain`;
  return undefined;
}

export default defineRule({
  id: 'shared-endpoint-issuer-validation',
  meta: {
    category: 'scope',
    severity: 'critical',
    description: 'No relying party trusts an endpoint that serves several trust domains without validating each token’s issuer against a per-key binding.',
    rationale:
      "Storm-0558: the multi-tenant common endpoint served consumer and enterprise keys, and enterprise mail trusted it without checking that a token's issuer matched its key, so a consumer key signed accepted enterprise tokens (MSRC 2023-07-14, 2023-09-06; CSRB F5, rec 13). The flaw is the pair endpoint + relying party, not any key the endpoint is meant to serve (RFC 8725 §3.8; Microsoft identity platform: validate the issuer against the key's `issuer`).",
    remediation:
      "Make the relying party validate the issuer (validatesIssuer: true with its allowedIssuers) and check each key's `issuer` binding; publish an `issuer` member on every key of the shared endpoint; or point the party at a key set that serves its own trust domain only.",
    subject: 'published-key',
    reads: ['trustedBy', 'issuer', 'labels', 'keyIssuer', 'classification'],
    appliesTo: (k, ctx) => ctx.relyingPartiesFor(k).length > 0,
  },
  options: z.strictObject({}),
  messages: {
    unvalidated:
      'Endpoint {endpoint} serves {count} trust domains ({domains}; from {from}) and relying party {party} (trust domain {ours}) trusts it although {why}: a token signed by any key of the endpoint is accepted for any of those domains. Limit: a party that trusts a multi-domain endpoint validates the issuer against a per-key binding (policy relyingParties.{party}).',
  },
  check(k, ctx) {
    const served = servedBy(k, ctx);
    if (served.domains.length < 2) {
      // One domain as far as the policy can tell; an issuer it cannot place may hide a second one.
      if (served.unclassified) ctx.unclassified(k.url, 'trust domain');
      return;
    }
    for (const rp of ctx.relyingPartiesFor(k)) {
      const why = flaw(k, rp);
      if (!why) continue;
      const data = {
        endpoint: k.url,
        count: served.domains.length,
        domains: served.domains.join(', '),
        from: served.from,
        party: rp.name,
        ours: rp.trustDomain,
      };
      ctx.report('unvalidated', { ...data, why }, { key: rp.name, cause: { kind: 'endpoint', id: k.url } });
    }
  },
});
