import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/exposure/hsm-custody.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const externalKey = (): KeyRecord => key({ protection: 'external', origin: 'external-store' });

ruleTester(rule, [
  { name: 'HSM-generated, non-exportable token-signing key', inventory: { keys: [key()] }, outcome: 'pass' },
  { name: 'external key store accepted on request', inventory: { keys: [externalKey()] }, options: { allowExternalStore: true }, outcome: 'pass' },
  { name: 'software-protected key', inventory: { keys: [key({ protection: 'software' })] }, outcome: 'fail', messages: ['software'], severity: 'high' },
  { name: 'imported key material', inventory: { keys: [key({ origin: 'imported' })] }, outcome: 'fail', messages: ['imported'], severity: 'high' },
  { name: 'external key store by default', inventory: { keys: [externalKey()] }, outcome: 'fail', messages: ['software', 'externalStore'] },
  {
    name: 'exportable private material escalates to critical',
    inventory: { keys: [key({ exportable: true })] },
    outcome: 'fail',
    messages: ['exportable'],
    severity: 'critical',
  },
  {
    name: 'software, imported and exportable: three findings',
    inventory: { keys: [key({ protection: 'software', origin: 'imported', exportable: true })] },
    outcome: 'fail',
    messages: ['software', 'imported', 'exportable'],
  },
  { name: 'protection not collected', inventory: { keys: [key({ protection: undefined })] }, outcome: 'unknown', missing: 'protection' },
  { name: 'origin not collected', inventory: { keys: [key({ origin: undefined })] }, outcome: 'unknown', missing: 'origin' },
  {
    name: 'a definite violation is reported even when origin was not collected (Key Vault does not expose it)',
    inventory: { keys: [key({ origin: undefined, protection: 'software', exportable: true })] },
    outcome: 'fail',
    messages: ['software', 'exportable'],
  },
  {
    name: 'exportability hidden by a collection gap',
    inventory: {
      keys: [key({ exportable: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:DescribeKey`, operation: 'kms:DescribeKey', affects: ['exportable', 'origin'] })],
    },
    outcome: 'unknown',
    missing: 'exportable',
    gapOperation: 'kms:DescribeKey',
  },
  {
    name: 'class that does not require an HSM',
    inventory: { keys: [key({ protection: 'software', tags: { env: 'prod', 'key-class': 'data-encryption' } })] },
    outcome: 'not-applicable',
  },
  { name: 'unclassified key', inventory: { keys: [key({ protection: 'software', tags: { env: 'prod' } })] }, outcome: 'not-applicable' },
]);

describe('hsm-custody findings', () => {
  it('keeps the configured severity for protection and escalates only exportable', () => {
    const { results } = runRule(rule, { inventory: { keys: [key({ protection: 'software', exportable: true })] } });
    expect(results.map((r) => [r.findingKey, r.severity])).toEqual([
      ['exportable', 'critical'],
      ['protection', 'high'],
    ]);
    expect(results.find((r) => r.findingKey === 'protection')?.message).toBe('Key class token-signing-shared requires an HSM; this key is software-protected.');
  });
});
