import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { isActive, isSigningKey, materialCreatedAt, round } from '../lib/keys.ts';

export default defineRule({
  id: 'key-material-max-age',
  aliases: ['ROT-01'],
  meta: {
    category: 'rotation',
    severity: 'high',
    description: 'The key material in use is younger than the cryptoperiod of its key class.',
    rationale:
      'The Storm-0558 signing key was created in 2016, meant to retire in 2021 and still trusted in 2023; nothing alerted on its age (CSRB). ' +
      'Every key is held to a cryptoperiod, including signing keys that cannot rotate automatically, which peers skip. NIST SP 800-57 Pt 1 §5.3.',
    remediation:
      'Rotate the key: for keys that rotate automatically, rotate on demand and shorten the period; for signing keys, create a successor, publish it, move the alias or kid, then disable the old key after the token lifetime.',
    subject: 'key',
    reads: ['currentVersionCreatedAt', 'rotation', 'state', 'classification'],
    runtimeOnly: true,
    appliesTo: (k, ctx) => isActive(k, ctx),
  },
  options: z.strictObject({
    defaultMaxAgeDays: z
      .strictObject({
        signing: z.number().int().positive().default(1095).describe('SP 800-57: private signature keys 1–3 years'),
        other: z.number().int().positive().default(730).describe('SP 800-57: symmetric data and wrapping keys ≤ 2 years'),
      })
      .prefault({})
      .describe('limits for keys whose class sets no maxAgeDays'),
    escalationFactor: z.number().min(1).default(2).describe('age above this multiple of the limit is critical'),
  }),
  messages: {
    tooOld: 'Key material is {age} days old; {limitSource} allows {max} days.',
  },
  check(key, ctx) {
    const created = materialCreatedAt(key, ctx);
    const age = ctx.daysSince(created);
    const cls = ctx.scope(key).keyClass;
    const max = cls?.maxAgeDays ?? (isSigningKey(key) ? ctx.options.defaultMaxAgeDays.signing : ctx.options.defaultMaxAgeDays.other);
    if (age > max) {
      ctx.report(
        'tooOld',
        {
          age: round(age),
          max,
          limitSource: cls?.maxAgeDays
            ? `key class ${cls.name} (keyClasses.${cls.name}.maxAgeDays)`
            : ctx.limitSource(`defaultMaxAgeDays.${isSigningKey(key) ? 'signing' : 'other'}`),
        },
        { escalateTo: age > max * ctx.options.escalationFactor ? 'critical' : undefined },
      );
    }
  },
});
