import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive } from '../lib/keys.ts';

export default defineRule({
  id: 'automatic-rotation',
  aliases: ['ROT-02'],
  meta: {
    category: 'rotation',
    severity: 'medium',
    fixedLimit: 'automatic rotation is on wherever the platform supports it for the key',
    description: 'Keys whose platform can rotate them automatically have rotation on, with a period within the class limit.',
    rationale:
      'Manual rotation stopped at Microsoft after an outage and was never resumed (CSRB F2). Automatic rotation removes the human step. CIS AWS 3.6, CIS Azure 8.3.9, CIS GCP 1.10; PCI DSS 3.7.4.',
    remediation:
      'AWS: `aws kms enable-key-rotation --key-id KEY --rotation-period-in-days N`. Azure: `az keyvault key rotation-policy update`. GCP: `gcloud kms keys update --rotation-period`.',
    subject: 'key',
    appliesTo: (k, ctx) => isActive(k, ctx) && ctx.need(k.rotation?.supported, 'rotation.supported'),
    needs: ['rotation.automatic'],
    reads: ['state', 'classification'],
  },
  options: z.strictObject({
    maxPeriodDays: z.number().int().positive().default(365).describe('longest period when the key class sets none'),
  }),
  messages: {
    disabled: 'Automatic rotation is off although the platform supports it for this key.',
    tooSlow: 'Automatic rotation every {period} days exceeds the {max}-day limit ({limitSource}).',
  },
  check(key, ctx) {
    if (!key.rotation?.automatic) {
      ctx.report('disabled');
      return;
    }
    const cls = ctx.scope(key).keyClass;
    const classLimit = cls?.maxRotationPeriodDays ?? cls?.maxAgeDays;
    const max = classLimit ?? ctx.options.maxPeriodDays;
    const period = ctx.need(key.rotation.periodDays, 'rotation.periodDays');
    if (period > max)
      ctx.report('tooSlow', {
        period,
        max,
        limitSource: classLimit ? `key class ${cls?.name} (keyClasses.${cls?.name}.maxRotationPeriodDays)` : ctx.limitSource('maxPeriodDays'),
      });
  },
});
