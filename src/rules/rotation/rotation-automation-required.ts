import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive } from '../lib/keys.ts';

export default defineRule({
  id: 'rotation-automation-required',
  aliases: ['ROT-03'],
  meta: {
    category: 'rotation',
    severity: 'high',
    fixedLimit:
      'a key of a class with requireAutomatedRotation rotates automatically or carries the automated-rotation evidence tag (policy keyClasses.<class>)',
    description: 'Keys of a class that requires automated rotation rotate automatically, or carry evidence of an automated successor process.',
    rationale:
      'Asymmetric signing keys, HMAC keys, imported and external-store keys cannot auto-rotate in AWS KMS or GCP; they rotate only by creating a successor and moving the alias or kid — the manual process that failed in Storm-0558 (CSRB rec 6).',
    remediation:
      'Enable automatic rotation, or automate successor creation (pipeline that creates, publishes and retires keys) and tag the key with the evidence tag (default `keyhygiene:rotation=automated`).',
    subject: 'key',
    reads: ['rotation.automatic', 'state', 'tags'],
    appliesTo: (k, ctx) => isActive(k, ctx) && ctx.scope(k).keyClass?.requireAutomatedRotation === true,
  },
  options: z.strictObject({
    evidenceTag: z.string().default('keyhygiene:rotation').describe('tag whose value `automated` records an automated successor process'),
  }),
  messages: {
    manual: 'Key class {keyClass} requires automated rotation; this key {why} and carries no `{tag}=automated` evidence.',
  },
  check(key, ctx) {
    if (key.rotation?.automatic === true) return;
    const tags = ctx.need(key.tags, 'tags');
    if (tags[ctx.options.evidenceTag] === 'automated') return;
    const supported = ctx.need(key.rotation?.supported, 'rotation.supported');
    const why = supported ? 'has automatic rotation off' : 'cannot rotate automatically on its platform';
    if (supported) ctx.need(key.rotation?.automatic, 'rotation.automatic');
    ctx.report('manual', { keyClass: ctx.scope(key).keyClass?.name ?? '', why, tag: ctx.options.evidenceTag });
  },
});
