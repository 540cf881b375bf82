import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'key-classified',
  aliases: ['O4'],
  meta: {
    category: 'coverage',
    severity: 'medium',
    fixedLimit: 'every customer-managed key matches an environment and a key class of the policy',
    description: 'Every customer-managed key resolves to an environment and a key class.',
    rationale: 'Rules about scope, exposure and cryptoperiods can only be as good as the classification behind them: an unclassified key is held only to generic limits. NIST CM-8; PCI DSS 3.6.1.1; ISO 27001 A.5.9.',
    remediation: 'Tag the key (environment, key class) or add matchers for it under environments and keyClasses in the policy.',
    subject: 'key',
    reads: ['managedBy', 'classification'],
    appliesTo: (k) => k.managedBy !== 'provider',
  },
  options: z.strictObject({}),
  messages: {
    noEnvironment: 'Key matches no environment of the policy.',
    noKeyClass: 'Key matches no key class of the policy; generic limits apply.',
  },
  check(key, ctx) {
    const s = ctx.scope(key);
    // Unclassified only because the tags could not be read is unknown, not a finding.
    // A key the policy's `unclassified:` placed still matched no environment of its own.
    const noEnvironment = s.environments.length === 0 || s.placed?.environment === true;
    if (noEnvironment || !s.keyClass) ctx.need(key.tags, 'tags');
    if (noEnvironment) ctx.report('noEnvironment', {}, { key: 'environment' });
    if (!s.keyClass) ctx.report('noKeyClass', {}, { key: 'key-class' });
  },
});
