import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, isSigningKey } from '../lib/keys.ts';

export default defineRule({
  id: 'expiry-date-set',
  aliases: ['ROT-05', 'R8'],
  meta: {
    category: 'rotation',
    severity: 'medium',
    description: 'Every enabled key carries an expiry date (Azure `exp`) or a retire-by tag where the platform has no expiry field.',
    rationale:
      'A key without an end date is planned to live forever: the Storm-0558 key outlived its planned 2021 retirement by years (CSRB F1). An expiry makes the end of the cryptoperiod visible to the platform and to this audit. CIS Azure 8.3.1/8.3.2 (v5/v6); PCI DSS 3.6.1.1, 3.7.4; NIST SC-12.',
    remediation:
      'Azure: `az keyvault key set-attributes --vault-name VAULT --name KEY --expires 2027-01-31T00:00:00Z`, or a rotation policy with `expiresIn`. AWS/GCP: tag the key `retire-by=YYYY-MM-DD` (`aws kms tag-resource`, `gcloud kms keys update --update-labels`).',
    subject: 'key',
    reads: ['expiresAt', 'managedBy', 'state', 'tags'],
    // With `keys: signing`, a key whose usage was not collected stays in scope (check then needs it).
    // A key of a provider the options leave out is not judged: never a pass it did not earn.
    appliesTo: (k, ctx) => {
      const o = ctx.options as { keys?: string; providers?: string[] };
      const provider = !o.providers || o.providers.includes('*') || o.providers.includes(k.provider);
      return provider && isActive(k, ctx) && k.managedBy !== 'provider' && (o.keys !== 'signing' || k.usage === undefined || isSigningKey(k));
    },
  },
  options: z.strictObject({
    providers: z
      .array(z.string().min(1))
      .min(1)
      .default(['azure-keyvault'])
      .describe('providers whose keys must carry an end date; "*" = every provider (strict packs); default: where the platform has a native expiry'),
    retireByTag: z.string().default('retire-by').describe('tag that serves as the end date where there is no native expiry'),
    keys: z
      .enum(['all', 'signing'])
      .default('all')
      .describe('which keys need an end date: all, or signing keys only (storm-0558: CSRB F1 is a signing key that outlived its planned retirement)'),
  }),
  messages: {
    noExpiry:
      'Key has no expiry date and no {tag} tag (observed: expiry none): its cryptoperiod never ends. Limit: {scope} keys of {providers} carry an end date (expiry-date-set options, {source}).',
  },
  check(key, ctx) {
    if (ctx.options.keys === 'signing') ctx.need(key.usage, 'usage');
    const tags = key.tags ?? {};
    if (tags[ctx.options.retireByTag] !== undefined) return;
    const expiresAt = ctx.need(key.expiresAt, 'expiresAt');
    if (expiresAt === null) {
      ctx.need(key.tags, 'tags');
      const o = ctx.options;
      const source = o.providers.includes('*') || o.keys !== 'all' ? 'set by the policy or its pack' : 'default';
      ctx.report('noExpiry', { tag: o.retireByTag, scope: o.keys === 'signing' ? 'signing' : 'enabled', providers: o.providers.join(', '), source });
    }
  },
});
