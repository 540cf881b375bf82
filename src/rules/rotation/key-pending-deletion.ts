import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'key-pending-deletion',
  aliases: ['O1'],
  meta: {
    category: 'rotation',
    severity: 'medium',
    fixedLimit: 'a scheduled deletion is acknowledged by the approval tag',
    description: 'No key is scheduled for deletion unless the deletion is acknowledged by a tag.',
    rationale:
      'A scheduled deletion destroys every ciphertext and signature the key protects once the window ends, and deletion is an attacker technique (ransom, denial). CIS AWS 4.7 (v3–v5) / 5.7 (v6–v7) alarms on it; NIST SC-12, SC-12(1).',
    remediation:
      'If the deletion is unintended: `aws kms cancel-key-deletion --key-id KEY`, `az keyvault key recover`, `gcloud kms keys versions restore`. If intended, tag the key `keyhygiene:deletion-approved=<ticket>`.',
    subject: 'key',
    reads: ['deletion', 'state', 'tags'],
    runtimeOnly: true,
    appliesTo: (k, ctx) => ctx.need(k.state, 'state') === 'pending-deletion',
  },
  options: z.strictObject({
    approvedTag: z.string().default('keyhygiene:deletion-approved').describe('tag acknowledging an intended deletion'),
  }),
  messages: {
    pending: 'Key is scheduled for deletion{when} and nobody acknowledged it (tag {tag}).',
  },
  check(key, ctx) {
    if (ctx.need(key.tags, 'tags')[ctx.options.approvedTag]) return;
    const at = key.deletion?.scheduledAt;
    ctx.report('pending', { when: at ? ` on ${at.slice(0, 10)}` : '', tag: ctx.options.approvedTag });
  },
});
