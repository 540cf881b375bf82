import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, isSigningKey, round } from '../lib/keys.ts';

export default defineRule({
  id: 'rotation-drill-recent',
  aliases: ['ROT-08'],
  meta: {
    category: 'rotation',
    severity: 'medium',
    fixedLimit: 'a successful rotation drill is recorded in the drill tag, as a date, within maxDaysSinceDrill',
    description:
      'Every active signing key of a class that requires automated rotation records a successful rotation drill (new key published, old still valid) within the last N days.',
    rationale:
      'Microsoft stopped rotating after a rotation caused an outage (CSRB F2). A rehearsed, recent rotation proves the next one will not break relying parties. NIST CP-4 (contingency testing), SC-12.',
    remediation:
      'Run a dry-run rotation in CI (publish a successor key, keep the old one valid, check every relying party), then tag the key `keyhygiene:rotation-drill=YYYY-MM-DD` from the job.',
    subject: 'key',
    runtimeOnly: true,
    appliesTo: (k, ctx) => isActive(k, ctx) && isSigningKey(k) && ctx.scope(k).keyClass?.requireAutomatedRotation === true,
    needs: ['tags'],
    reads: ['state', 'usage'],
  },
  options: z.strictObject({
    maxDaysSinceDrill: z.number().int().positive().default(90).describe('oldest acceptable successful drill, in days'),
    drillTag: z.string().default('keyhygiene:rotation-drill').describe('tag holding the date of the last successful drill (YYYY-MM-DD)'),
  }),
  messages: {
    never: 'No rotation drill is recorded for this key (tag {tag}).',
    stale: 'The last rotation drill was on {date}, {days} days ago; the limit is {max} days ({source}).',
    badDate: 'Tag {tag} holds "{value}", which is not a date (YYYY-MM-DD).',
  },
  check(key, ctx) {
    const tag = ctx.options.drillTag;
    const value = key.tags?.[tag];
    if (value === undefined) {
      ctx.report('never', { tag });
      return;
    }
    const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(ms)) return ctx.report('badDate', { tag, value });
    const days = (ctx.now.getTime() - ms) / 86_400_000;
    if (days > ctx.options.maxDaysSinceDrill)
      ctx.report('stale', { date: value.slice(0, 10), days: round(days), max: ctx.options.maxDaysSinceDrill, source: ctx.limitSource('maxDaysSinceDrill') });
  },
});
