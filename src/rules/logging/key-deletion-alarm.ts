import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { locationCause, trailsCause } from '../lib/causes.ts';

export default defineRule({
  id: 'key-deletion-alarm',
  aliases: ['L6', 'LOG-05'],
  meta: {
    category: 'logging',
    severity: 'medium',
    fixedLimit: 'an alarm fires when the key is disabled, scheduled for deletion or (optionally) its policy changes',
    description:
      'An alarm fires when the key is disabled or scheduled for deletion (and, optionally, when its policy changes), on a trail that covers the key.',
    rationale:
      'Disabling or deleting a key is an outage and possibly an attack; key-policy changes open it to new principals. Detections on these events are the minimum of "logs reach a searchable place and someone is told" (AA23-193A; CSRB p.9). CIS AWS 4.7 (v3–v5) / 5.7 (v6–v7); NIST SI-4, AU-6; SOC 2 CC7.2.',
    remediation:
      'AWS: a CloudWatch metric filter `{($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion))}` on the trail log group and an alarm to SNS. Azure: an activity-log alert on Microsoft.KeyVault/vaults/keys delete operations. GCP: a log-based alert on DestroyCryptoKeyVersion/DisableCryptoKeyVersion.',
    subject: 'key',
    reads: ['managedBy'],
    appliesTo: (k) => k.managedBy !== 'provider',
  },
  options: z.strictObject({
    requirePolicyChangeAlarm: z.boolean().default(false).describe('also require an alarm on key-policy, grant or role-assignment changes'),
  }),
  messages: {
    noTrail: 'No trail covers this key, so no alarm can fire on its disabling or deletion.',
    noAlarm: 'No alarm fires when this key is disabled or scheduled for deletion.',
    noPolicyAlarm: "No alarm fires when this key's policy or grants change.",
  },
  check(key, ctx) {
    const trails = ctx.trailsFor(key).filter((t) => t.enabled !== false);
    if (trails.length === 0) return ctx.report('noTrail', {}, { cause: locationCause(key) });
    const judge = (pick: (t: (typeof trails)[number]) => boolean | undefined, field: string): boolean => {
      if (trails.some((t) => pick(t) === true)) return true;
      const unknown = trails.find((t) => pick(t) === undefined);
      if (unknown) ctx.need(undefined, `trail ${unknown.id} ${field}`);
      return false;
    };
    if (!judge((t) => t.alerts?.keyDisableOrDeletion, 'alerts.keyDisableOrDeletion'))
      ctx.report('noAlarm', {}, { key: 'disable-delete', cause: trailsCause(trails) });
    if (ctx.options.requirePolicyChangeAlarm && !judge((t) => t.alerts?.keyPolicyChange, 'alerts.keyPolicyChange'))
      ctx.report('noPolicyAlarm', {}, { key: 'policy-change', cause: trailsCause(trails) });
  },
});
