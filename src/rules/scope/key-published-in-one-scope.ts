import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isSigningKey } from '../lib/keys.ts';
import { spreadOf } from '../lib/published.ts';

export default defineRule({
  id: 'key-published-in-one-scope',
  aliases: ['SCP-01K'],
  meta: {
    category: 'scope',
    severity: 'critical',
    fixedLimit:
      "a signing key is published by one issuer, in its own trust domain and environment (policy trustDomains/environments; an endpoint's serves: list excepted)",
    description: 'An inventoried signing key is published only by one issuer, inside its own trust domain and environment.',
    rationale:
      "The Storm-0558 consumer key signed enterprise tokens because the enterprise side trusted a set that held it (MSRC 2023-09-06; CSRB F5). Joining every key set to the inventory by public-key fingerprint shows which of your keys are trusted where, and names the key's owner record so the fix lands on the right key (RFC 8725 §3.8; NIST IA-13(1)).",
    remediation:
      'Remove the key from the sets of the foreign issuer, trust domain or environment; give that issuer its own key. If the key must stay in a shared set, publish it with a per-key `issuer` binding and make relying parties validate it.',
    subject: 'key',
    runtimeOnly: true,
    // Not published anywhere, or only in its own scope, among the sets read: an unread set may publish it elsewhere.
    needsEveryPublishedSet: true,
    needs: ['usage', 'fingerprints'],
    reads: ['classification'],
    appliesTo: (k) => k.usage === undefined || isSigningKey(k),
  },
  options: z.strictObject({
    checkEnvironments: z.boolean().default(true).describe('also fail when the key is published in several environments, or outside its own'),
  }),
  messages: {
    manyIssuers: 'Key is published for {count} issuers: {issuers} (in {urls}).',
    foreignTrustDomain: 'Key of trust domain {ours} is trusted in trust domain(s) {theirs} (issuers {issuers}).',
    manyTrustDomains: 'Key is trusted in {count} trust domains: {domains} (issuers {issuers}).',
    foreignEnvironment: 'Key of environment {ours} is trusted in environment(s) {theirs}.',
  },
  check(k, ctx) {
    const same = ctx.sameKey(k.fingerprints);
    if (same.published.length === 0) return;
    const own = ctx.scope(k);
    const pub = spreadOf(same.published, [], ctx, own.trustDomain);
    const issuers = pub.issuers.join(', ') || 'none declared';
    const urls = [...new Set(same.published.map((p) => p.url))].sort().join(', ');
    if (pub.issuers.length > 1) ctx.report('manyIssuers', { count: pub.issuers.length, issuers, urls }, { key: 'issuers' });
    if (own.trustDomain) {
      const theirs = pub.trustDomains.filter((d) => d !== own.trustDomain);
      if (theirs.length) ctx.report('foreignTrustDomain', { ours: own.trustDomain, theirs: theirs.join(', '), issuers }, { key: 'trust-domains' });
    } else if (pub.trustDomains.length > 1) {
      ctx.report('manyTrustDomains', { count: pub.trustDomains.length, domains: pub.trustDomains.join(', '), issuers }, { key: 'trust-domains' });
    }
    if (ctx.options.checkEnvironments && own.environment) {
      const theirs = pub.environments.filter((e) => e !== own.environment);
      if (theirs.length) ctx.report('foreignEnvironment', { ours: own.environment, theirs: theirs.join(', ') }, { key: 'environments' });
    }
  },
});
