import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/rotation/automatic-rotation.ts';
import { ACCOUNT, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

/** A production data-encryption key that the platform rotates every year. */
const dataKey = (overrides: Partial<KeyRecord> = {}): KeyRecord =>
  key({
    id: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111-data`,
    name: 'alias/orders',
    usage: ['encrypt', 'decrypt'],
    keyType: 'AES',
    keySize: 256,
    tags: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'data-encryption' },
    rotation: { supported: true, automatic: true, periodDays: 365 },
    ...overrides,
  });

const rotationGap = gap({
  id: `aws-kms:${ACCOUNT}:us-east-1:kms:GetKeyRotationStatus`,
  operation: 'kms:GetKeyRotationStatus',
  affects: ['rotation'],
});

ruleTester(rule, [
  { name: 'data key rotating every 365 days, within its class limit', inventory: { keys: [dataKey()] }, outcome: 'pass' },
  {
    name: 'unclassified key rotating within the 365-day default',
    inventory: { keys: [dataKey({ tags: { env: 'prod' }, rotation: { supported: true, automatic: true, periodDays: 180 } })] },
    outcome: 'pass',
  },
  {
    name: 'rotation off although the platform supports it',
    inventory: { keys: [dataKey({ rotation: { supported: true, automatic: false } })] },
    outcome: 'fail',
    messages: ['disabled'],
    severity: 'medium',
  },
  {
    name: 'period longer than the class maxRotationPeriodDays',
    inventory: { keys: [dataKey({ rotation: { supported: true, automatic: true, periodDays: 400 } })] },
    outcome: 'fail',
    messages: [{ id: 'tooSlow', data: { period: 400, max: 365 } }],
    severity: 'medium',
  },
  {
    name: 'a class without maxRotationPeriodDays limits the period to its maxAgeDays',
    inventory: {
      keys: [dataKey({ tags: { env: 'prod', 'key-class': 'token-signing-shared' }, rotation: { supported: true, automatic: true, periodDays: 90 } })],
    },
    outcome: 'fail',
    messages: ['tooSlow'],
  },
  {
    name: 'maxPeriodDays option tightens the default for unclassified keys',
    inventory: { keys: [dataKey({ tags: {}, rotation: { supported: true, automatic: true, periodDays: 365 } })] },
    options: { maxPeriodDays: 90 },
    outcome: 'fail',
    messages: ['tooSlow'],
  },
  {
    name: 'rotation status not collected',
    inventory: { keys: [dataKey({ rotation: { supported: true } })] },
    outcome: 'unknown',
    missing: 'rotation.automatic',
  },
  {
    name: 'rotation status hidden by a collection gap: the gap is named, never a pass',
    inventory: { keys: [dataKey({ rotation: { supported: true } })], gaps: [rotationGap] },
    outcome: 'unknown',
    missing: 'rotation.automatic',
    gapOperation: 'kms:GetKeyRotationStatus',
  },
  {
    name: 'a gap in another region does not explain this key',
    inventory: { keys: [dataKey({ rotation: { supported: true } })], gaps: [{ ...rotationGap, scope: { account: ACCOUNT, region: 'eu-west-1' } }] },
    outcome: 'unknown',
    missing: 'rotation.automatic',
  },
  {
    name: 'whether the platform can rotate the key is unknown',
    inventory: { keys: [dataKey({ rotation: undefined })] },
    outcome: 'unknown',
    missing: 'rotation.supported',
  },
  {
    name: 'rotation on but period not collected',
    inventory: { keys: [dataKey({ rotation: { supported: true, automatic: true } })] },
    outcome: 'unknown',
    missing: 'rotation.periodDays',
  },
  { name: 'state not collected', inventory: { keys: [dataKey({ state: undefined })] }, outcome: 'unknown', missing: 'state' },
  {
    // Such keys are still judged, by rotation-automation-required and key-material-max-age.
    name: 'signing key the platform cannot rotate is outside this rule',
    inventory: { keys: [key()] },
    outcome: 'not-applicable',
  },
  {
    name: 'disabled key',
    inventory: { keys: [dataKey({ state: 'disabled', rotation: { supported: true, automatic: false } })] },
    outcome: 'not-applicable',
  },
]);
