import { z } from 'zod';
import { defineRule } from '../define-rule.ts';
import { excepted, exceptUrlsDescription, label } from '../lib/published.ts';

/** Which key type and curve each JWA `alg` needs (RFC 7518 §3, §4; RFC 8037). */
const ALG_NEEDS: Record<string, { kty: string; crv?: readonly string[] }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  'RSA-OAEP': { kty: 'RSA' },
  'RSA-OAEP-256': { kty: 'RSA' },
  'RSA-OAEP-384': { kty: 'RSA' },
  'RSA-OAEP-512': { kty: 'RSA' },
  RSA1_5: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  ES256K: { kty: 'EC', crv: ['secp256k1'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
  Ed448: { kty: 'OKP', crv: ['Ed448'] },
  HS256: { kty: 'oct' },
  HS384: { kty: 'oct' },
  HS512: { kty: 'oct' },
};

export default defineRule({
  id: 'published-key-strength',
  aliases: ['JWK-02'],
  meta: {
    category: 'keyset',
    severity: 'high',
    fixedLimit: 'no ROCA fingerprint, no alg none, alg matching the key type; sizes and curves per the rule options',
    description: 'Published RSA keys have at least 2048 bits and no ROCA fingerprint, EC and OKP keys use an approved curve, and `alg` fits the key.',
    rationale:
      'RFC 7518 §3.3/§3.5 require RSA keys of 2048 bits or more for RS*/PS*; moduli from Infineon’s flawed generator (ROCA, CVE-2017-15361) can be factored from the public key alone; NIST SP 800-131A disallows 1024-bit signatures and SP 800-57 gives RSA-2048 112-bit strength only through 2030. An `alg` that does not fit the key type invites algorithm-confusion bugs in relying parties (RFC 8725 §3.1).',
    remediation:
      'Publish a new key of at least 2048 bits (3072 for keys valid beyond 2030) or on P-256/P-384/P-521/Ed25519, move signing to it, then remove the weak key.',
    subject: 'published-key',
    needs: ['kty'],
    reads: ['alg', 'keySize'],
    appliesTo: (k, ctx) => (k.kty === 'RSA' || k.kty === 'EC' || k.kty === 'OKP') && !excepted(k, ctx),
  },
  options: z.strictObject({
    minRsaBits: z.number().int().positive().default(2048).describe('smallest acceptable RSA modulus'),
    allowedCurves: z
      .array(z.string().min(1))
      // X25519 and X448: the ECDH-ES curves of RFC 8037, approved for ECDH by NIST SP 800-186.
      .default(['P-256', 'P-384', 'P-521', 'Ed25519', 'Ed448', 'X25519', 'X448'])
      .describe('acceptable `crv` values for EC and OKP keys'),
    exceptUrls: z.array(z.string().min(1)).default([]).describe(exceptUrlsDescription),
  }),
  messages: {
    weakRsa: 'RSA key {kid} has {bits} bits, below the {min} required ({source}).',
    roca: 'RSA key {kid} carries the ROCA fingerprint (CVE-2017-15361): its private key can be recovered from the public key by factoring.',
    curve: 'Key {kid} uses curve {curve}, which is not allowed (allowed: {allowed}; {source}).',
    algNone: 'Key {kid} declares alg "{alg}" (unsigned tokens).',
    algMismatch: 'Key {kid} declares alg {alg}, which needs a {needs} key, but it is {kty}{crv}.',
  },
  check(k, ctx) {
    const kid = label(k);
    if (k.kty === 'RSA') {
      const bits = ctx.need(k.keySize, 'keySize');
      if (k.rocaFingerprint) ctx.report('roca', { kid }, { key: 'roca', escalateTo: 'critical' });
      if (bits < ctx.options.minRsaBits)
        ctx.report(
          'weakRsa',
          { kid, bits, min: ctx.options.minRsaBits, source: ctx.limitSource('minRsaBits') },
          { key: 'size', escalateTo: bits < 2048 ? 'critical' : undefined },
        );
    } else {
      const curve = ctx.need(k.curve, 'curve');
      if (!ctx.options.allowedCurves.includes(curve))
        ctx.report('curve', { kid, curve, allowed: ctx.options.allowedCurves.join(', '), source: ctx.limitSource('allowedCurves') }, { key: 'curve' });
    }
    // "none" is registered in lower case (RFC 7518 §3.1); relying parties that compare case-insensitively took "None" too.
    if (k.alg?.toLowerCase() === 'none') ctx.report('algNone', { kid, alg: k.alg }, { key: 'alg' });
    else if (k.alg) {
      const want = ALG_NEEDS[k.alg];
      if (want && (want.kty !== k.kty || (want.crv && k.curve && !want.crv.includes(k.curve)))) {
        ctx.report(
          'algMismatch',
          { kid, alg: k.alg, needs: want.crv ? `${want.kty} ${want.crv.join('/')}` : want.kty, kty: k.kty, crv: k.curve ? ` ${k.curve}` : '' },
          { key: 'alg' },
        );
      }
    }
  },
});
