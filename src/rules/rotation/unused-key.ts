import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'unused-key',
  aliases: ['O5', 'L7'],
  meta: {
    category: 'rotation',
    severity: 'low',
    fixedLimit: 'a disabled key is retired rather than kept (flagDisabled), an enabled one is used within maxIdleDays',
    description: 'No customer-managed key sits disabled, or enabled but unused, longer than the idle limit: retire it or use it.',
    rationale:
      'Keys nobody uses still carry access policies, still count as trusted and are rarely watched; the Storm-0558 key was one no one looked at. Prowler, Steampipe and CloudSploit flag unused and disabled keys. NIST CM-8, SC-12; ISO 27001 A.5.9.',
    remediation:
      'Confirm with the owner, then schedule deletion (`aws kms schedule-key-deletion --pending-window-in-days 30`, `az keyvault key delete`, `gcloud kms keys versions destroy`), or re-enable it if it is needed.',
    subject: 'key',
    reads: ['lastUsedAt', 'managedBy', 'state'],
    runtimeOnly: true,
    appliesTo: (k, ctx) => k.managedBy !== 'provider' && ['enabled', 'disabled'].includes(ctx.need(k.state, 'state')),
  },
  options: z.strictObject({
    maxIdleDays: z.number().int().positive().default(90).describe('days without use after which an enabled key is reported'),
    flagDisabled: z.boolean().default(true).describe('report disabled keys (retire them instead of keeping them around)'),
  }),
  messages: {
    disabled: 'Key is disabled but kept; schedule its deletion or re-enable it.',
    neverUsed: 'Key was created {age} days ago and has never been used; the limit is {max} idle days ({source}).',
    idle: 'Key was last used {days} days ago (limit {max} days, {source}).',
  },
  check(key, ctx) {
    if (key.state === 'disabled') {
      if (ctx.options.flagDisabled) ctx.report('disabled');
      return;
    }
    const lastUsed = ctx.need(key.lastUsedAt, 'lastUsedAt');
    const max = ctx.options.maxIdleDays;
    if (lastUsed === null) {
      const age = Math.floor(ctx.daysSince(ctx.need(key.createdAt, 'createdAt')));
      if (age > max) ctx.report('neverUsed', { age, max, source: ctx.limitSource('maxIdleDays') });
      return;
    }
    const days = Math.floor(ctx.daysSince(lastUsed));
    if (days > max) ctx.report('idle', { days, max, source: ctx.limitSource('maxIdleDays') });
  },
});
