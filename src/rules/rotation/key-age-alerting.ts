import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, isSigningKey } from '../lib/keys.ts';

export default defineRule({
  id: 'key-age-alerting',
  aliases: ['ROT-06'],
  meta: {
    category: 'rotation',
    severity: 'high',
    fixedLimit: 'an alert fires before the key reaches its age or expiry limit, at least minNotifyDays ahead',
    description:
      'Every active signing key (or key of a class that requires automated rotation) has an alert that fires before it reaches its age or expiry limit.',
    rationale:
      'Microsoft had no automated alerting about the age of active signing keys, so a key years past its retirement went unnoticed (CSRB F3, rec 6 "monitoring of rotation systems"). NIST SI-4, AU-6; SOC 2 CC7.2.',
    remediation:
      'Azure: add a `Notify` lifetime action to the key rotation policy (`az keyvault key rotation-policy update`) or an Event Grid subscription on `KeyNearExpiry`. AWS/GCP: an EventBridge or Cloud Monitoring rule on key age, declared to keyhygiene with the tag `keyhygiene:age-alert=<alert id>`.',
    subject: 'key',
    reads: ['alerts', 'state', 'tags', 'usage'],
    appliesTo: (k, ctx) => isActive(k, ctx) && (isSigningKey(k) || ctx.scope(k).keyClass?.requireAutomatedRotation === true),
  },
  options: z.strictObject({
    declaredTag: z.string().default('keyhygiene:age-alert').describe('tag declaring an alert configured outside the key service (its value names the alert)'),
    minNotifyDays: z.number().int().nonnegative().default(7).describe('least warning, in days, the alert must give before expiry'),
  }),
  messages: {
    noAlert: 'Nothing alerts before this key reaches its age or expiry limit (no notify action, no {tag} tag).',
    tooLate: 'The expiry alert fires only {days} days ahead; at least {min} days are required ({source}).',
  },
  check(key, ctx) {
    if (key.tags?.[ctx.options.declaredTag]) return;
    const alerts = key.alerts;
    if (alerts === undefined) {
      ctx.need(key.tags, 'tags');
      ctx.need(undefined, 'alerts');
    }
    const nearExpiry = ctx.need(alerts?.nearExpiry, 'alerts.nearExpiry');
    if (!nearExpiry) {
      ctx.report('noAlert', { tag: ctx.options.declaredTag });
      return;
    }
    const days = alerts?.notifyBeforeDays;
    if (days !== undefined && days < ctx.options.minNotifyDays)
      ctx.report('tooLate', { days, min: ctx.options.minNotifyDays, source: ctx.limitSource('minNotifyDays') });
  },
});
