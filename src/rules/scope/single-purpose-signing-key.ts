import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

const SIGN = new Set(['sign', 'mac']);
const ENCRYPT = new Set(['encrypt', 'decrypt', 'wrap', 'unwrap']);

export default defineRule({
  id: 'single-purpose-signing-key',
  aliases: ['SCP-04'],
  meta: {
    category: 'scope',
    severity: 'high',
    fixedLimit: 'a signing key permits signing (and verification) only',
    description: 'A signing key cannot also encrypt, decrypt or wrap.',
    rationale:
      'One key, one purpose (NIST SP 800-57 Pt 1 §5.2). OIDC Discovery §3 calls a key used for both signing and encryption NOT RECOMMENDED; a dual-use key widens who may legitimately hold it.',
    remediation: 'Create separate keys for signing and for encryption; restrict key_ops (Azure) or the key usage (AWS, GCP) to one purpose.',
    subject: 'key',
    needs: ['usage'],
    // Usage decides applicability, so it is needed here: an unread usage is unknown, not not-applicable.
    appliesTo: (k, ctx) => ctx.need(k.usage, 'usage').some((u) => SIGN.has(u)),
  },
  options: z.strictObject({}),
  messages: {
    dualUse: 'Signing key also permits {ops}.',
  },
  check(key, ctx) {
    const ops = (key.usage ?? []).filter((u) => ENCRYPT.has(u));
    if (ops.length) ctx.report('dualUse', { ops: ops.join(', ') });
  },
});
