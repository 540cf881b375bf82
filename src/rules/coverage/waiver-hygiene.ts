import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

const expiryMs = (expires: string): number => (expires.length === 10 ? Date.parse(`${expires}T23:59:59.999Z`) : Date.parse(expires));

export default defineRule({
  id: 'waiver-hygiene',
  aliases: ['GOV-02'],
  meta: {
    category: 'coverage',
    severity: 'high',
    fixedLimit: 'a waiver is in force (not expired), ends within maxHorizonDays and names a ticket when requireTicket',
    description: 'Waivers on a key are time-boxed: none has expired, none runs further ahead than the policy allows, and each names a ticket when required.',
    rationale:
      'Microsoft paused rotation after an outage and the pause became permanent, with nothing to say it had lapsed (CSRB F2). An exception must name an owner, a reason and an end; a far-off or lapsed end is no end. NIST CA-5 (plan of action and milestones); SOC 2 CC4.2.',
    remediation:
      'Fix the underlying finding, or renew the waiver with a new approver decision, a ticket and an expiry within the allowed horizon; delete waivers that no longer apply.',
    subject: 'key',
    appliesTo: (k, ctx) => ctx.waiversFor(k.id).length > 0,
  },
  options: z.strictObject({
    maxHorizonDays: z.number().int().positive().default(365).describe('furthest a waiver may expire ahead of the audit time (open-ended otherwise)'),
    requireTicket: z.boolean().default(false).describe('every waiver must reference a ticket'),
  }),
  messages: {
    expired: 'The waiver of {rule} expired on {expires}; the finding it covered counts again.',
    openEnded: 'The waiver of {rule} runs until {expires}, {days} days ahead (limit {max} days, {source}): it is open-ended in practice.',
    noTicket: 'The waiver of {rule} names no ticket.',
  },
  check(key, ctx) {
    const nowMs = ctx.now.getTime();
    for (const w of ctx.waiversFor(key.id)) {
      const at = expiryMs(w.expires);
      const k = `${w.rule}:${w.finding ?? ''}`;
      if (at < nowMs) ctx.report('expired', { rule: w.rule, expires: w.expires }, { key: `expired:${k}` });
      else {
        const days = Math.floor((at - nowMs) / 86_400_000);
        if (days > ctx.options.maxHorizonDays) ctx.report('openEnded', { rule: w.rule, expires: w.expires, days, max: ctx.options.maxHorizonDays, source: ctx.limitSource('maxHorizonDays') }, { key: `open:${k}` });
      }
      if (ctx.options.requireTicket && !w.ticket) ctx.report('noTicket', { rule: w.rule }, { key: `ticket:${k}` });
    }
  },
});
