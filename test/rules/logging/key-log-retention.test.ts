import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/logging/key-log-retention.ts';
import { ACCOUNT, gap, key, trail } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const TRAIL_ID = trail().id;

ruleTester(rule, [
  { name: 'key use retained 400 days', inventory: { keys: [key()] }, outcome: 'pass' },
  { name: 'retained indefinitely', inventory: { keys: [key()], trails: [trail({ retentionDays: null })] }, outcome: 'pass' },
  {
    name: 'the longest recording trail counts',
    inventory: { keys: [key()], trails: [trail({ id: 'short', name: 'short', retentionDays: 30 }), trail({ retentionDays: 365 })] },
    outcome: 'pass',
  },
  {
    name: 'minDays option',
    inventory: { keys: [key()], trails: [trail({ retentionDays: 200 })] },
    options: { minDays: 180 },
    outcome: 'pass',
  },
  {
    // Storm-0558: 30-day retention left the intrusion's start unknowable.
    name: 'retained 30 days',
    inventory: { keys: [key()], trails: [trail({ retentionDays: 30 })] },
    outcome: 'fail',
    messages: ['tooShort'],
    severity: 'medium',
  },
  {
    name: 'a long-retention trail that excludes KMS events does not count',
    inventory: {
      keys: [key()],
      trails: [trail({ id: 'archive', name: 'archive', excludedSources: ['kms.amazonaws.com'], retentionDays: 3650 }), trail({ retentionDays: 90 })],
    },
    outcome: 'fail',
    messages: ['tooShort'],
  },
  {
    name: 'retention not collected',
    inventory: { keys: [key()], trails: [trail({ retentionDays: undefined })] },
    outcome: 'unknown',
    missing: `trail ${TRAIL_ID} retentionDays`,
  },
  {
    name: 'trails hidden by a collection gap',
    inventory: {
      keys: [key()],
      gaps: [
        gap({ id: `aws-kms:${ACCOUNT}:cloudtrail:DescribeTrails`, scope: { account: ACCOUNT }, operation: 'cloudtrail:DescribeTrails', affects: ['trails'] }),
      ],
    },
    outcome: 'unknown',
    missing: 'trails',
    gapOperation: 'cloudtrail:DescribeTrails',
  },
  // A key nobody logs has 0 days of retention: the requirement is raised for exactly these keys, so
  // there is no not-applicable outcome any more.
  { name: 'no trail covers the key', inventory: { keys: [key()], trails: [] }, outcome: 'fail', messages: ['notRecorded'] },
  {
    name: 'the only trail excludes KMS events',
    inventory: { keys: [key()], trails: [trail({ excludedSources: ['kms.amazonaws.com'], retentionDays: 3650 })] },
    outcome: 'fail',
    messages: ['notRecorded'],
  },
]);

describe('key-log-retention', () => {
  it('names the best recording trail and the limit', () => {
    const { results } = runRule(rule, {
      inventory: {
        keys: [key()],
        trails: [trail({ id: 'archive', name: 'archive', excludedSources: ['kms.amazonaws.com'], retentionDays: 3650 }), trail({ retentionDays: 90 })],
      },
    });
    expect(results.map((r) => r.message)).toEqual([
      'Key use is retained for at most 90 days (org); the limit is 365 days (default of key-log-retention option minDays).',
    ]);
  });
  it('says a key nobody logs has 0 days of retention, never not-applicable', () => {
    const { outcome, results } = runRule(rule, { inventory: { keys: [key()], trails: [] }, options: { minDays: 30 } });
    expect(outcome).toBe('fail');
    expect(results.map((r) => r.message)).toEqual([
      'No trail records use of this key, so its retention is 0 days; the limit is 30 days (policy keyhygiene.yaml, rules.key-log-retention.minDays; see key-use-logged).',
    ]);
  });
});
