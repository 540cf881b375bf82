import type { KeyRecord } from '../../../src/model/key-record.ts';
import rule from '../../../src/rules/rotation/expired-key-in-use.ts';
import { ACCOUNT, daysAgo, daysAhead, gap, key } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const TAGS = { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared' };
const withTags = (extra: Record<string, string>, overrides: Partial<KeyRecord> = {}): KeyRecord => key({ tags: { ...TAGS, ...extra }, ...overrides });

ruleTester(rule, [
  { name: 'no expiry set and no retire-by date', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'expiry and retire-by date in the future',
    inventory: { keys: [withTags({ 'retire-by': '2026-12-31' }, { expiresAt: daysAhead(30) })] },
    outcome: 'pass',
  },
  {
    name: 'retire-by date is today: retired only after the end of the day',
    inventory: { keys: [withTags({ 'retire-by': '2026-06-01' })] },
    outcome: 'pass',
  },
  {
    name: 'enabled key past its expiry',
    inventory: { keys: [key({ expiresAt: daysAgo(10) })] },
    outcome: 'fail',
    messages: ['expired'],
    severity: 'critical',
  },
  {
    // Storm-0558: due to retire in March 2021, still signing in 2023.
    name: 'enabled key past its retire-by date',
    inventory: { keys: [withTags({ 'retire-by': '2021-03-31' })] },
    outcome: 'fail',
    messages: ['retired'],
    severity: 'critical',
  },
  {
    name: 'retire-by was yesterday',
    inventory: { keys: [withTags({ 'retire-by': '2026-05-31' })] },
    outcome: 'fail',
    messages: ['retired'],
  },
  {
    name: 'both past retire-by and past expiry: two findings',
    inventory: { keys: [withTags({ 'retire-by': '2021-03-31' }, { expiresAt: daysAgo(400) })] },
    outcome: 'fail',
    messages: ['retired', 'expired'],
  },
  {
    name: 'retire-by tag that is not a date',
    inventory: { keys: [withTags({ 'retire-by': 'next spring' })] },
    outcome: 'fail',
    messages: ['badDate'],
  },
  {
    name: 'a past retire-by date decides even when the expiry was not collected',
    inventory: { keys: [withTags({ 'retire-by': '2024-01-01' }, { expiresAt: undefined })] },
    outcome: 'fail',
    messages: ['retired'],
  },
  {
    name: 'custom retire-by tag',
    inventory: { keys: [withTags({ sunset: '2025-01-01' })] },
    options: { retireByTag: 'sunset' },
    outcome: 'fail',
    messages: ['retired'],
  },
  { name: 'expiry not collected', inventory: { keys: [key({ expiresAt: undefined })] }, outcome: 'unknown', missing: 'expiresAt' },
  {
    name: 'expiry hidden by a collection gap',
    inventory: {
      keys: [key({ expiresAt: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:DescribeKey`, operation: 'kms:DescribeKey', affects: ['expiresAt', 'state'] })],
    },
    outcome: 'unknown',
    // The gap hides the state too, and whether the key is active is asked first.
    missing: 'state',
    gapOperation: 'kms:DescribeKey',
  },
  {
    name: 'tags hidden by a collection gap: the retire-by date is unknown',
    inventory: {
      keys: [key({ tags: undefined })],
      gaps: [gap({ id: `aws-kms:${ACCOUNT}:us-east-1:kms:ListResourceTags`, operation: 'kms:ListResourceTags', affects: ['tags'] })],
    },
    outcome: 'unknown',
    missing: 'tags',
    gapOperation: 'kms:ListResourceTags',
  },
  {
    name: 'disabled key past its expiry is not in use',
    inventory: { keys: [key({ state: 'disabled', expiresAt: daysAgo(100) })] },
    outcome: 'not-applicable',
  },
  {
    name: 'key pending deletion',
    inventory: { keys: [withTags({ 'retire-by': '2021-03-31' }, { state: 'pending-deletion' })] },
    outcome: 'not-applicable',
  },
]);
