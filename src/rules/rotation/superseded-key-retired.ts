import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, round } from '../lib/keys.ts';

export default defineRule({
  id: 'superseded-key-retired',
  aliases: ['ROT-07'],
  meta: {
    category: 'rotation',
    severity: 'medium',
    fixedLimit: 'the superseded-at tag holds a date, and the key is disabled within graceDays of it',
    description: 'A key replaced by a successor is disabled within the grace window (the longest token or ciphertext lifetime it must still serve).',
    rationale:
      'Rotation is finished only when the old key stops working: the 2016 Storm-0558 key stayed valid long after newer keys existed (CSRB F1, F4). SP 800-57 key states; PCI DSS 3.7.5 (retired keys are not used); NIST SC-12.',
    remediation:
      'Disable the superseded key once the grace window has passed (`aws kms disable-key`, `az keyvault key set-attributes --enabled false`, `gcloud kms keys versions disable`), then schedule its deletion.',
    subject: 'key',
    reads: ['state', 'tags'],
    runtimeOnly: true,
    appliesTo: (k, ctx) => isActive(k, ctx) && ctx.need(k.tags, 'tags')[(ctx.options as { supersededAtTag: string }).supersededAtTag] !== undefined,
  },
  options: z.strictObject({
    graceDays: z.number().int().nonnegative().default(14).describe('days a superseded key may stay enabled (e.g. twice the longest token lifetime)'),
    supersededAtTag: z.string().default('superseded-at').describe('tag holding the date the successor took over (YYYY-MM-DD)'),
  }),
  messages: {
    stillEnabled: 'Key was superseded on {date} ({days} days ago) and is still enabled; the grace window is {grace} days ({source}).',
    badDate: 'Tag {tag} holds "{value}", which is not a date (YYYY-MM-DD).',
  },
  check(key, ctx) {
    const tag = ctx.options.supersededAtTag;
    const value = key.tags?.[tag] as string;
    const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(ms)) {
      ctx.report('badDate', { tag, value });
      return;
    }
    const days = (ctx.now.getTime() - ms) / 86_400_000;
    if (days > ctx.options.graceDays)
      ctx.report('stillEnabled', { date: value.slice(0, 10), days: round(days), grace: ctx.options.graceDays, source: ctx.limitSource('graceDays') });
  },
});
