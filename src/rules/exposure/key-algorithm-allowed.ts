import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'key-algorithm-allowed',
  aliases: ['O3'],
  meta: {
    category: 'exposure',
    severity: 'high',
    description:
      'Key types, sizes and curves are on the allowlist: RSA of at least 2048 bits (3072 for keys meant to live beyond 2030), approved curves, AES of at least 128 bits.',
    rationale:
      'RSA-2048 gives 112-bit security, acceptable only through 2030 (NIST SP 800-57 Pt 1 Rev 5, SP 800-131A Rev 2); smaller keys and non-approved curves are forgeable or will be. RFC 7518 §3.3 requires 2048 bits for RS*/PS*. Azure Policy ships key-size and curve parameters. NIST SC-13, SC-12(3); PCI DSS 3.7.1.',
    remediation:
      'Create a replacement key of an allowed type (`aws kms create-key --key-spec RSA_3072`, `az keyvault key create --kty RSA-HSM --size 3072`, `--curve P-256`), move consumers to it and retire this one.',
    subject: 'key',
    appliesTo: (k) => k.managedBy !== 'provider',
    needs: ['keyType'],
    reads: ['expiresAt', 'keySize', 'managedBy'],
  },
  options: z.strictObject({
    minRsaBits: z.number().int().positive().default(2048).describe('smallest RSA modulus'),
    minRsaBitsAfter2030: z.number().int().positive().default(3072).describe('smallest RSA modulus for keys that expire after 2030 (or never)'),
    allowedCurves: z
      .array(z.string())
      .default(['P-256', 'P-384', 'P-521', 'Ed25519', 'Ed448'])
      .describe('elliptic curves allowed (NIST names; secp256k1 is not approved)'),
    minSymmetricBits: z.number().int().positive().default(128).describe('smallest AES / HMAC key'),
  }),
  messages: {
    rsaTooSmall: 'RSA key of {size} bits (expires: {expires}) is below the {min}-bit minimum{why} ({source}).',
    curveNotAllowed: 'Curve {curve} is not on the allowlist ({allowed}; {source}).',
    symmetricTooSmall: '{type} key of {size} bits is below the {min}-bit minimum ({source}).',
  },
  check(key, ctx) {
    const o = ctx.options;
    switch (key.keyType) {
      case 'RSA': {
        const size = ctx.need(key.keySize, 'keySize');
        const expires = ctx.need(key.expiresAt, 'expiresAt');
        const longLived = expires === null || Date.parse(expires) >= Date.parse('2031-01-01T00:00:00Z');
        const min = longLived ? Math.max(o.minRsaBits, o.minRsaBitsAfter2030) : o.minRsaBits;
        const after2030 = longLived && min > o.minRsaBits;
        const why = after2030 ? ' for a key valid beyond 2030 (NIST SP 800-131A: 112-bit security ends in 2030)' : '';
        const source = ctx.limitSource(after2030 ? 'minRsaBitsAfter2030' : 'minRsaBits');
        if (size < min) ctx.report('rsaTooSmall', { size, min, why, expires: expires === null ? 'never' : expires.slice(0, 10), source });
        break;
      }
      case 'EC':
      case 'OKP': {
        const curve = ctx.need(key.curve, 'curve');
        if (!o.allowedCurves.includes(curve))
          ctx.report('curveNotAllowed', { curve, allowed: o.allowedCurves.join(', '), source: ctx.limitSource('allowedCurves') });
        break;
      }
      case 'AES':
      case 'HMAC': {
        const size = ctx.need(key.keySize, 'keySize');
        if (size < o.minSymmetricBits)
          ctx.report('symmetricTooSmall', { type: key.keyType, size, min: o.minSymmetricBits, source: ctx.limitSource('minSymmetricBits') });
        break;
      }
      default:
        // OTHER (ML-DSA, ML-KEM, SLH-DSA, a spec newer than this build): the allowlist says nothing of
        // it, so the rule cannot claim it passes.
        ctx.need(undefined, 'keyType', `key type ${key.keyType} is not one the allowlist judges (RSA, EC, OKP, AES, HMAC)`);
    }
  },
});
