import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isSigningKey } from '../lib/keys.ts';

export default defineRule({
  id: 'signing-key-single-scope',
  aliases: ['SCP-02'],
  meta: {
    category: 'scope',
    severity: 'high',
    fixedLimit: 'every signing key matches exactly one trust domain and one environment of the policy (or precedence decides)',
    description: 'Every signing key belongs to exactly one trust domain and exactly one environment.',
    rationale:
      'A consumer signing key was accepted for enterprise tokens because nothing bound it to its scope (MSRC 2023-09-06, CSRB F5). A key whose scope is not declared cannot be checked for scope violations at all. RFC 8725 §3.8; NIST IA-13(1).',
    remediation: "Declare the key's trust domain and environment: tag it (e.g. trust-domain=consumer, env=production) or add a matcher for it in the policy.",
    subject: 'key',
    needs: ['usage'],
    reads: ['classification'],
    // Usage decides applicability, so it is needed here: an unread usage is unknown, not not-applicable.
    appliesTo: (k, ctx) => isSigningKey({ usage: ctx.need(k.usage, 'usage') }),
  },
  options: z.strictObject({}),
  messages: {
    noTrustDomain: 'Signing key is not classified into any trust domain.',
    manyTrustDomains:
      'Signing key matches several trust domains: {names}, and the policy does not say which wins (add them to precedence.trustDomains, or narrow the matchers).',
    noEnvironment: 'Signing key is not classified into any environment.',
    manyEnvironments:
      'Signing key matches several environments: {names}, and the policy does not say which wins (add them to precedence.environments, or narrow the matchers).',
  },
  check(key, ctx) {
    // The classification itself is this rule's subject: read it without the ambiguity guard of ctx.scope.
    const s = ctx.classification(key);
    // Unclassified only because the tags could not be read is unknown, not a finding.
    if (s.trustDomains.length === 0 || s.environments.length === 0) ctx.need(key.tags, 'tags');
    if (s.trustDomains.length === 0) ctx.report('noTrustDomain', {}, { key: 'trust-domain' });
    else if (s.ambiguous?.trustDomains) ctx.report('manyTrustDomains', { names: s.trustDomains.join(', ') }, { key: 'trust-domain' });
    if (s.environments.length === 0) ctx.report('noEnvironment', {}, { key: 'environment' });
    else if (s.ambiguous?.environments) ctx.report('manyEnvironments', { names: s.environments.join(', ') }, { key: 'environment' });
  },
});
