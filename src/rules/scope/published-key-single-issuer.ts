import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { label, publishedKeyDomain, spreadOf } from '../lib/published.ts';

export default defineRule({
  id: 'published-key-single-issuer',
  aliases: ['SCP-01'],
  meta: {
    category: 'scope',
    severity: 'critical',
    fixedLimit: 'a published signing key is trusted by one issuer, one trust domain and one environment',
    description: 'A published signing key is trusted by one issuer, in one trust domain and one environment.',
    rationale:
      'Storm-0558: one metadata endpoint published consumer and enterprise keys together and a consumer key was accepted for enterprise tokens (MSRC 2023-09-06; CSRB F5, rec 6 "per-customer keys"). RFC 8725 §3.8 requires that the keys used belong to the token\'s issuer; the same public key under two issuers, trust domains or environments lets a token minted for one be accepted by the other.',
    remediation:
      "Give each issuer, trust domain and environment its own signing key: generate a new key for one side, publish it, move that issuer's signing to it, then remove the shared key from the other side's set. Where a common set is unavoidable, bind every key to its issuer (per-key `issuer`) and make relying parties check it.",
    subject: 'published-key',
    needs: [['fingerprints.spkiSha256', 'fingerprints.jwkThumbprint']],
    // The issuers trusting this key and its copies (trustedBy, issuer, labels, per-key issuer binding).
    reads: ['kty', 'use', 'trustedBy', 'issuer', 'keyIssuer', 'labels'],
    appliesTo: (k) => k.kty !== 'oct' && k.use !== 'enc',
    // One issuer among the sets read: a set that could not be read may publish the key for another.
    needsEveryPublishedSet: true,
  },
  options: z.strictObject({
    checkEnvironments: z.boolean().default(true).describe('also fail when the key spans several environments'),
  }),
  messages: {
    manyIssuers: 'Key {kid} is trusted by {count} issuers: {issuers}.',
    manyTrustDomains: 'Key {kid} is trusted in {count} trust domains: {domains} (issuers {issuers}).',
    manyEnvironments: 'Key {kid} is trusted in {count} environments: {environments}.',
  },
  check(k, ctx) {
    const same = ctx.sameKey(k.fingerprints);
    const published = same.published.some((p) => p.id === k.id) ? same.published : [k, ...same.published];
    const s = spreadOf(published, same.keys, ctx, publishedKeyDomain(k, ctx));
    const kid = label(k);
    const issuers = s.issuers.join(', ') || 'none declared';
    if (s.issuers.length > 1) ctx.report('manyIssuers', { kid, count: s.issuers.length, issuers }, { key: 'issuers' });
    if (s.trustDomains.length > 1)
      ctx.report('manyTrustDomains', { kid, count: s.trustDomains.length, domains: s.trustDomains.join(', '), issuers }, { key: 'trust-domains' });
    if (ctx.options.checkEnvironments && s.environments.length > 1)
      ctx.report('manyEnvironments', { kid, count: s.environments.length, environments: s.environments.join(', ') }, { key: 'environments' });
  },
});
