import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { issuerMatches, label, setIssuers } from '../lib/published.ts';

export default defineRule({
  id: 'shared-key-set-issuer-binding',
  aliases: ['SCP-03'],
  meta: {
    category: 'scope',
    severity: 'critical',
    fixedLimit: 'every key of a set trusted by several issuers carries a per-key issuer binding to one of them',
    description: 'Every key in a set trusted by several issuers carries a per-key `issuer` binding to one of them.',
    rationale:
      "Microsoft's common endpoint served consumer and enterprise keys in one set, and mail accepted any of them because nothing bound a key to its issuer (MSRC 2023-09-06). Microsoft now publishes an `issuer` on every key of its v2.0 keys documents; RFC 8725 §3.8 makes the key-to-issuer check mandatory for relying parties.",
    remediation:
      "Publish an `issuer` member on every key of the shared set (the issuer, or a template like https://idp/{tenantid}/v2.0), and make relying parties reject a token whose `iss` does not match its key's binding — or split the set per issuer.",
    subject: 'published-key',
    needs: ['trustedBy'],
    reads: ['issuer', 'keyIssuer'],
    appliesTo: (k) => k.trustedBy === undefined || setIssuers(k).length > 1,
  },
  options: z.strictObject({}),
  messages: {
    unbound: 'Key {kid} sits in a set trusted by {count} issuers ({issuers}) but carries no `issuer` binding.',
    foreignBinding: 'Key {kid} is bound to issuer {bound}, which is none of the issuers trusting its set ({issuers}).',
  },
  check(k, ctx) {
    const issuers = setIssuers(k);
    const data = { kid: label(k), count: issuers.length, issuers: issuers.join(', ') };
    // An unbound key is the endpoint's problem (it publishes no binding for any of them): one root cause per set.
    if (!k.keyIssuer) ctx.report('unbound', data, { cause: { kind: 'endpoint', id: k.url } });
    else if (!issuers.some((i) => issuerMatches(k.keyIssuer as string, i))) ctx.report('foreignBinding', { ...data, bound: k.keyIssuer });
  },
});
