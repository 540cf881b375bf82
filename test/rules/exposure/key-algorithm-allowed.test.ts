import rule from '../../../src/rules/exposure/key-algorithm-allowed.ts';
import { daysAhead, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'RSA-3072 without expiry', inventory: { keys: [key()] }, outcome: 'pass' },
  { name: 'RSA-2048 expiring before 2031', inventory: { keys: [key({ keySize: 2048, expiresAt: daysAhead(300) })] }, outcome: 'pass' },
  {
    name: 'RSA-2048 without expiry will outlive 2030',
    inventory: { keys: [key({ keySize: 2048, expiresAt: null })] },
    outcome: 'fail',
    messages: ['rsaTooSmall'],
  },
  { name: 'RSA-1024', inventory: { keys: [key({ keySize: 1024, expiresAt: daysAhead(30) })] }, outcome: 'fail', messages: ['rsaTooSmall'] },
  { name: 'P-256', inventory: { keys: [key({ keyType: 'EC', keySize: undefined, curve: 'P-256' })] }, outcome: 'pass' },
  {
    name: 'secp256k1 is not approved',
    inventory: { keys: [key({ keyType: 'EC', keySize: undefined, curve: 'secp256k1' })] },
    outcome: 'fail',
    messages: ['curveNotAllowed'],
  },
  {
    name: 'AES-64 (hypothetical)',
    inventory: { keys: [key({ keyType: 'AES', keySize: 64, usage: ['encrypt', 'decrypt'] })] },
    outcome: 'fail',
    messages: ['symmetricTooSmall'],
  },
  { name: 'curve not collected', inventory: { keys: [key({ keyType: 'EC', keySize: undefined })] }, outcome: 'unknown', missing: 'curve' },
  { name: 'key type not collected', inventory: { keys: [key({ keyType: undefined })] }, outcome: 'unknown', missing: 'keyType' },
  // KMS ML_DSA_65 and Cloud KMS PQ_SIGN_ML_DSA_65 map to OTHER: read, but not on any allowlist the rule knows.
  {
    name: 'a key type the allowlist does not cover (ML-DSA) is unknown, not a pass',
    inventory: { keys: [key({ keyType: 'OTHER', keySize: undefined })] },
    outcome: 'unknown',
    missing: 'keyType',
    because: /key type OTHER is not one the allowlist judges/,
  },
  { name: 'a provider-managed key', inventory: { keys: [key({ managedBy: 'provider', keySize: 1024 })] }, outcome: 'not-applicable' },
]);
