import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, round } from '../lib/keys.ts';

export default defineRule({
  id: 'expiry-approaching',
  aliases: ['R9'],
  meta: {
    category: 'rotation',
    severity: 'low',
    description: 'No enabled key reaches its expiry within the warning window without automatic rotation to replace it.',
    rationale:
      'An expiry that arrives unnoticed either breaks the services that use the key or pushes someone to extend it by hand, the manual step that lapsed at Microsoft (CSRB F2, F3). Warning ahead of time turns the expiry into a planned rotation. PCI DSS 3.7.4; NIST SC-12.',
    remediation:
      'Rotate the key before it expires: Azure `az keyvault key rotate`, or set a rotation policy that rotates before expiry; AWS/GCP: create the successor, move the alias, then update the retire-by tag.',
    subject: 'key',
    appliesTo: (k, ctx) => isActive(k, ctx) && k.expiresAt !== null && k.rotation?.automatic !== true,
    needs: ['expiresAt'],
    reads: ['rotation.automatic', 'state'],
  },
  options: z.strictObject({
    warnDays: z.number().int().positive().default(30).describe('days before expiry that the key is reported'),
  }),
  messages: {
    soon: 'Key expires on {date}, in {days} days (warning window {max} days, {source}), and nothing rotates it automatically.',
  },
  check(key, ctx) {
    const expiresAt = key.expiresAt as string;
    const left = -ctx.daysSince(expiresAt);
    if (left >= 0 && left <= ctx.options.warnDays)
      ctx.report('soon', { date: expiresAt.slice(0, 10), days: round(left), max: ctx.options.warnDays, source: ctx.limitSource('warnDays') });
  },
});
