import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/rotation/rotation-automation-required.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const SHARED = { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared' };
/** A token-signing key of the class that requires automated rotation, without the evidence tag. */
const manualKey = (overrides: Partial<KeyRecord> = {}): KeyRecord => key({ tags: { ...SHARED }, ...overrides });

ruleTester(rule, [
  { name: 'signing key with evidence of an automated successor process', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'key of the class that rotates automatically needs no evidence tag',
    inventory: { keys: [manualKey({ usage: ['mac'], keyType: 'HMAC', rotation: { supported: true, automatic: true, periodDays: 30 } })] },
    outcome: 'pass',
  },
  {
    name: 'evidence under a custom tag',
    inventory: { keys: [manualKey({ tags: { ...SHARED, 'rotation-process': 'automated' } })] },
    options: { evidenceTag: 'rotation-process' },
    outcome: 'pass',
  },
  {
    // Peers skip keys that cannot auto-rotate; here they are judged.
    name: 'signing key that cannot rotate automatically and has no evidence',
    inventory: { keys: [manualKey()] },
    outcome: 'fail',
    messages: ['manual'],
    severity: 'high',
  },
  {
    name: 'evidence tag with another value is no evidence',
    inventory: { keys: [manualKey({ tags: { ...SHARED, 'keyhygiene:rotation': 'manual' } })] },
    outcome: 'fail',
    messages: ['manual'],
  },
  {
    name: 'rotatable key with automatic rotation off',
    inventory: { keys: [manualKey({ rotation: { supported: true, automatic: false } })] },
    outcome: 'fail',
    messages: ['manual'],
  },
  {
    name: 'rotation capability not collected',
    inventory: { keys: [manualKey({ rotation: undefined })] },
    outcome: 'unknown',
    missing: 'rotation.supported',
  },
  {
    name: 'rotation status hidden by a collection gap',
    inventory: {
      keys: [manualKey({ rotation: { supported: true } })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:GetKeyRotationStatus`, operation: 'kms:GetKeyRotationStatus', affects: ['rotation'] })],
    },
    outcome: 'unknown',
    missing: 'rotation.automatic',
    gapOperation: 'kms:GetKeyRotationStatus',
  },
  {
    name: 'class matched by id but tags not collected: evidence unknown',
    inventory: { keys: [manualKey({ tags: undefined })] },
    policy: { keyClasses: { 'token-signing-shared': { match: [{ ids: ['*:key/0000-sign'] }], requireAutomatedRotation: true } } },
    outcome: 'unknown',
    missing: 'tags',
  },
  { name: 'state not collected', inventory: { keys: [manualKey({ state: undefined })] }, outcome: 'unknown', missing: 'state' },
  {
    name: 'class that does not require automated rotation',
    inventory: { keys: [manualKey({ tags: { env: 'prod', 'key-class': 'data-encryption' } })] },
    outcome: 'not-applicable',
  },
  { name: 'unclassified key', inventory: { keys: [manualKey({ tags: { env: 'prod' } })] }, outcome: 'not-applicable' },
  { name: 'disabled key', inventory: { keys: [manualKey({ state: 'disabled' })] }, outcome: 'not-applicable' },
]);
