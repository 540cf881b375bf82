// The fault oracle itself: a pass on a record that differs from the reference is unsupported only in
// a field the rule really reads — for the classification, the fields the policy's matchers read.
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/result.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { compare, type FaultRun } from './harness.ts';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/k1';
const key = (aliases?: string[]) => ({
  id: KEY,
  provider: 'aws-kms',
  account: '111111111111',
  region: 'us-east-1',
  tags: { env: 'prod' },
  ...(aliases ? { aliases } : {}),
});
const run = (aliases: string[] | undefined, classifiedBy?: string[]): FaultRun => ({
  inventory: { keys: [key(aliases)], trails: [], publishedKeys: [], artifacts: [], gaps: [] } as unknown as Inventory,
  result: { results: [{ ruleId: 'key-material-max-age', subject: { kind: 'key', id: KEY }, outcome: 'pass' }] } as unknown as AuditResult,
  ms: 1,
  ...(classifiedBy ? { classifiedBy } : {}),
});

describe('the fault oracle (compare)', () => {
  const reference = run(['alias/signing']);
  it('a pass on a key whose aliases were not read is unsupported when the policy classifies by them', () => {
    expect(compare(reference, run(undefined, ['tags', 'aliases', 'name'])).unsupportedPass).toEqual([
      `key-material-max-age on key:${KEY}: pass although aliases differ from the reference`,
    ]);
    expect(compare(reference, run(undefined)).unsupportedPass).toHaveLength(1); // policy unknown: every field that could be
  });

  it('and supported when no matcher reads aliases (the policy classifies by tags only)', () => {
    expect(compare(reference, run(undefined, ['tags'])).unsupportedPass).toEqual([]);
    expect(compare(reference, run(['alias/signing'], ['tags'])).unsupportedPass).toEqual([]);
  });
});
