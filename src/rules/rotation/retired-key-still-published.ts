import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isSigningKey, round } from '../lib/keys.ts';

const RETIRED_STATES = new Set(['disabled', 'pending-deletion', 'destroyed']);

export default defineRule({
  id: 'retired-key-still-published',
  aliases: ['ROT-04P'],
  meta: {
    category: 'rotation',
    severity: 'critical',
    fixedLimit: 'a key that is disabled, expired or past its retire-by date is removed from every key set',
    description: 'No inventoried signing key that is disabled, expired or past its retire-by date is still published in a key set.',
    rationale:
      "The Storm-0558 key was due to retire in March 2021 and its certificate had expired, yet it stayed in Microsoft's published key lists until July 2023 and was accepted for tokens (CSRB F1, F4; Wiz). Disabling a key in the KMS does not stop relying parties from trusting its public half while a set still lists it.",
    remediation:
      'Remove the key from every key set listed (and from caches and pinned copies); if it must stay, re-enable it deliberately with a new retire-by date through a recorded exception.',
    subject: 'key',
    runtimeOnly: true,
    needs: ['usage', 'fingerprints'],
    reads: ['expiresAt', 'state', 'tags'],
    appliesTo: (k) => k.usage === undefined || isSigningKey(k),
  },
  options: z.strictObject({
    retireByTag: z.string().default('retire-by').describe('tag holding a planned retirement date (YYYY-MM-DD)'),
  }),
  messages: {
    disabled: 'Key is {state} in {provider} but still published in {urls}.',
    expired: 'Key expired on {date} ({days} days ago) but is still published in {urls}.',
    retired: 'Key was due to retire on {date} ({days} days ago, tag {tag}) but is still published in {urls}.',
  },
  check(k, ctx) {
    const tag = ctx.options.retireByTag;
    const expiredDays = k.expiresAt ? ctx.daysSince(k.expiresAt) : Number.NaN;
    const retireBy = k.tags?.[tag];
    const retiredDays =
      retireBy === undefined ? Number.NaN : (ctx.now.getTime() - Date.parse(retireBy.length === 10 ? `${retireBy}T23:59:59Z` : retireBy)) / 86_400_000;
    const published = ctx.sameKey(k.fingerprints).published;
    if (published.length === 0) {
      // Found in no set that was read: a key that is (or may be) retired is absent only if every set was read.
      if (k.state === undefined || RETIRED_STATES.has(k.state) || expiredDays > 0 || retiredDays > 0) ctx.needAllPublished();
      return;
    }
    const urls = [...new Set(published.map((p) => p.url))].sort().join(', ');
    const state = ctx.need(k.state, 'state');
    if (RETIRED_STATES.has(state)) ctx.report('disabled', { state, provider: k.provider, urls }, { key: 'state' });
    if (expiredDays > 0) ctx.report('expired', { date: (k.expiresAt as string).slice(0, 10), days: round(expiredDays), urls }, { key: 'expiresAt' });
    if (retiredDays > 0) ctx.report('retired', { date: retireBy as string, days: round(retiredDays), tag, urls }, { key: tag });
  },
});
