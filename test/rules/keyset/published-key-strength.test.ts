import rule from '../../../src/rules/keyset/published-key-strength.ts';
import { published } from '../../helpers/published-keys.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'RSA-3072 with RS256', inventory: { publishedKeys: [published()] }, outcome: 'pass' },
  { name: 'EC P-256 with ES256', inventory: { publishedKeys: [published({ kty: 'EC', curve: 'P-256', alg: 'ES256', keySize: 256 })] }, outcome: 'pass' },
  { name: 'Ed25519 with EdDSA', inventory: { publishedKeys: [published({ kty: 'OKP', curve: 'Ed25519', alg: 'EdDSA', keySize: 256 })] }, outcome: 'pass' },
  // RFC 8037 §3.2 registers X25519 and X448 for ECDH-ES; NIST SP 800-186 approves Curve25519 and Curve448 for ECDH.
  {
    name: 'X25519 encryption key with ECDH-ES',
    inventory: { publishedKeys: [published({ kty: 'OKP', curve: 'X25519', alg: 'ECDH-ES', use: 'enc', keySize: 256 })] },
    outcome: 'pass',
  },
  {
    name: 'X448 encryption key',
    inventory: { publishedKeys: [published({ kty: 'OKP', curve: 'X448', alg: 'ECDH-ES+A256KW', use: 'enc', keySize: 448 })] },
    outcome: 'pass',
  },
  {
    name: 'ROCA-fingerprinted modulus is critical',
    inventory: { publishedKeys: [published({ keySize: 2048, rocaFingerprint: true })] },
    outcome: 'fail',
    messages: ['roca'],
    severity: 'critical',
  },
  { name: 'RSA-1024 is critical', inventory: { publishedKeys: [published({ keySize: 1024 })] }, outcome: 'fail', messages: ['weakRsa'], severity: 'critical' },
  {
    name: 'RSA-2048 under a stricter 3072 minimum stays at the configured severity',
    inventory: { publishedKeys: [published({ keySize: 2048 })] },
    options: { minRsaBits: 3072 },
    outcome: 'fail',
    messages: ['weakRsa'],
    severity: 'high',
  },
  {
    name: 'secp256k1 is not on the allowed list',
    inventory: { publishedKeys: [published({ kty: 'EC', curve: 'secp256k1', alg: 'ES256K', keySize: 256 })] },
    outcome: 'fail',
    messages: ['curve'],
  },
  {
    name: 'ES384 on a P-256 key',
    inventory: { publishedKeys: [published({ kty: 'EC', curve: 'P-256', alg: 'ES384', keySize: 256 })] },
    outcome: 'fail',
    messages: ['algMismatch'],
  },
  {
    name: 'HS256 on an RSA key (algorithm confusion)',
    inventory: { publishedKeys: [published({ alg: 'HS256' })] },
    outcome: 'fail',
    messages: ['algMismatch'],
  },
  { name: 'alg none', inventory: { publishedKeys: [published({ alg: 'none' })] }, outcome: 'fail', messages: ['algNone'] },
  {
    // RFC 7518 §3.1 registers "none" in lower case, but libraries that compare case-insensitively accepted "None" and "NONE" unsigned.
    name: 'alg None (any case)',
    inventory: { publishedKeys: [published({ alg: 'None' })] },
    outcome: 'fail',
    messages: ['algNone'],
  },
  { name: 'RSA modulus could not be read', inventory: { publishedKeys: [published({ keySize: undefined })] }, outcome: 'unknown', missing: 'keySize' },
  {
    name: 'symmetric keys are judged by published-key-private-members',
    inventory: { publishedKeys: [published({ kty: 'oct', keySize: undefined })] },
    outcome: 'not-applicable',
  },
]);
