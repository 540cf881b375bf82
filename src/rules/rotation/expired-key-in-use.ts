import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, round } from '../lib/keys.ts';

export default defineRule({
  id: 'expired-key-in-use',
  aliases: ['ROT-04'],
  meta: {
    category: 'rotation',
    severity: 'critical',
    fixedLimit: 'a key is disabled once its expiry or retire-by date has passed',
    description: 'No key past its expiry or retire-by date is still enabled.',
    rationale:
      'The Storm-0558 key was due to retire in March 2021 and its certificate had expired, yet it still signed trusted tokens in 2023 (CSRB F1, F4). SP 800-57: destroy at the end of the cryptoperiod; PCI DSS 3.7.5.',
    remediation: 'Disable the key (after its successor is published), or if it must stay, set a new retire-by date through a recorded exception.',
    subject: 'key',
    reads: ['expiresAt', 'state', 'tags'],
    appliesTo: (k, ctx) => isActive(k, ctx),
  },
  options: z.strictObject({
    retireByTag: z.string().default('retire-by').describe('tag holding a planned retirement date (YYYY-MM-DD)'),
  }),
  messages: {
    expired: 'Key expired on {date} ({days} days ago) but is still enabled.',
    retired: 'Key was due to retire on {date} ({days} days ago, tag {tag}) but is still enabled.',
    badDate: 'Tag {tag} holds "{value}", which is not a date (YYYY-MM-DD).',
  },
  check(key, ctx) {
    const tag = ctx.options.retireByTag;
    const retireBy = key.tags?.[tag];
    let failed = false;
    if (retireBy !== undefined) {
      const ms = Date.parse(retireBy.length === 10 ? `${retireBy}T23:59:59Z` : retireBy);
      const days = (ctx.now.getTime() - ms) / 86_400_000;
      if (Number.isNaN(ms)) ctx.report('badDate', { tag, value: retireBy }, { key: tag });
      else if (days > 0) ctx.report('retired', { date: retireBy, days: round(days), tag }, { key: tag });
      failed = Number.isNaN(ms) || days > 0;
    }
    // Missing tags or expiry leave the outcome unknown, unless the retire-by date already decided it.
    if (!failed) ctx.need(key.tags, 'tags');
    const expiresAt = failed ? key.expiresAt : ctx.need(key.expiresAt, 'expiresAt');
    if (expiresAt) {
      const days = ctx.daysSince(expiresAt);
      if (days > 0) ctx.report('expired', { date: expiresAt.slice(0, 10), days: round(days) }, { key: 'expiresAt' });
    }
  },
});
