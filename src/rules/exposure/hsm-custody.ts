import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'hsm-custody',
  aliases: ['SCP-06', 'D4', 'D5', 'D9'],
  meta: {
    category: 'exposure',
    severity: 'high',
    fixedLimit: 'a key of a class with requireHsm is HSM-protected, generated inside the service and not exportable (policy keyClasses.<class>.requireHsm)',
    description: 'Keys of a class that requires HSM custody are HSM-protected, generated inside the service and not exportable.',
    rationale:
      'Imported or exportable material has copies outside the HSM: in the system that generated it, in backups, in memory of whatever released it — the kind of copy believed to have leaked in Storm-0558. CSRB rec 6 (isolated key storage, minimal key release); NIST SC-28(3), SC-12; PCI DSS 3.6.1.2.',
    remediation:
      'Create a replacement key generated inside an HSM (AWS KMS origin AWS_KMS, Azure RSA-HSM or Managed HSM with exportable=false, GCP protection level HSM) and retire this one.',
    subject: 'key',
    reads: ['exportable', 'origin', 'protection', 'classification'],
    appliesTo: (k, ctx) => ctx.scope(k).keyClass?.requireHsm === true,
  },
  options: z.strictObject({
    allowExternalStore: z.boolean().default(false).describe('accept keys held in an external key store (XKS, EKM)'),
  }),
  messages: {
    software: 'Key class {keyClass} requires an HSM; this key is {protection}-protected.',
    imported: "Key class {keyClass} requires HSM custody; this key's material was imported, so a copy exists outside the HSM.",
    externalStore: 'Key class {keyClass} requires HSM custody; this key is held in an external key store.',
    exportable: "Key class {keyClass} requires HSM custody; this key's private material is exportable.",
  },
  check(key, ctx) {
    const keyClass = ctx.scope(key).keyClass?.name ?? '';
    const { protection, origin, exportable } = key;
    let failed = false;
    if (protection !== undefined && protection !== 'hsm' && !(protection === 'external' && ctx.options.allowExternalStore)) {
      ctx.report('software', { keyClass, protection }, { key: 'protection' });
      failed = true;
    }
    if (origin === 'imported') {
      ctx.report('imported', { keyClass }, { key: 'origin' });
      failed = true;
    }
    if (origin === 'external-store' && !ctx.options.allowExternalStore) {
      ctx.report('externalStore', { keyClass }, { key: 'origin' });
      failed = true;
    }
    if (exportable === true) {
      ctx.report('exportable', { keyClass }, { key: 'exportable', escalateTo: 'critical' });
      failed = true;
    }
    // A definite violation is reported even when another field was not collected; a pass needs all three.
    if (!failed) {
      ctx.need(protection, 'protection');
      ctx.need(origin, 'origin');
      ctx.need(exportable, 'exportable');
    }
  },
});
