import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/scope/single-purpose-signing-key.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

ruleTester(rule, [
  { name: 'sign/verify key', inventory: { keys: [key()] }, outcome: 'pass' },
  { name: 'HMAC key that only computes MACs', inventory: { keys: [key({ usage: ['mac'], keyType: 'HMAC' })] }, outcome: 'pass' },
  {
    name: 'signing key that also encrypts and decrypts',
    inventory: { keys: [key({ usage: ['sign', 'verify', 'encrypt', 'decrypt'] })] },
    outcome: 'fail',
    messages: ['dualUse'],
    severity: 'high',
  },
  { name: 'MAC key that also wraps keys', inventory: { keys: [key({ usage: ['mac', 'wrap', 'unwrap'] })] }, outcome: 'fail', messages: ['dualUse'] },
  { name: 'key usage not collected', inventory: { keys: [key({ usage: undefined })] }, outcome: 'unknown', missing: 'usage' },
  {
    name: 'key usage hidden by a collection gap (an unreadable key is unknown, never pass)',
    inventory: {
      keys: [key({ usage: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:DescribeKey`, operation: 'kms:DescribeKey', affects: ['usage'] })],
    },
    outcome: 'unknown',
    missing: 'usage',
    gapOperation: 'kms:DescribeKey',
  },
  { name: 'encryption-only key', inventory: { keys: [key({ usage: ['encrypt', 'decrypt'] })] }, outcome: 'not-applicable' },
  { name: 'verification-only key', inventory: { keys: [key({ usage: ['verify'] })] }, outcome: 'not-applicable' },
]);

describe('single-purpose-signing-key message', () => {
  it('names the extra operations', () => {
    const { results } = runRule(rule, { inventory: { keys: [key({ usage: ['sign', 'verify', 'encrypt', 'decrypt'] })] } });
    expect(results.map((r) => r.message)).toEqual(['Signing key also permits encrypt, decrypt.']);
  });
});
