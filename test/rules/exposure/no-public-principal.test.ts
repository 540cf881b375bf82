import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import { access, gap, key, trail } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const anyone = (extra: Partial<AccessEntry> = {}): AccessEntry =>
  access({ kind: 'public', id: '*', name: undefined, account: undefined }, ['use-decrypt'], { sourceId: 'AllowAll', ...extra });
const orgCondition = { key: 'aws:PrincipalOrgID', operator: 'StringEquals', values: ['o-abc123'] };

ruleTester(rule, [
  { name: 'named principals only', inventory: { keys: [key()] }, outcome: 'pass' },
  { name: 'nobody has access', inventory: { keys: [key({ access: [] })] }, outcome: 'pass' },
  {
    name: 'wildcard principal confined by an organization condition is not public',
    inventory: { keys: [key({ access: [access(), anyone({ conditions: [orgCondition], confined: true })] })] },
    outcome: 'pass',
  },
  {
    name: 'unconfined wildcard principal',
    inventory: { keys: [key({ access: [access(), anyone()] })] },
    outcome: 'fail',
    messages: ['public'],
    severity: 'critical',
  },
  {
    name: 'wildcard with a condition that does not confine it is still public',
    inventory: {
      keys: [
        key({
          access: [anyone({ conditions: [{ key: 'kms:EncryptionContextKeys', operator: 'ForAnyValue:StringEquals', values: ['app'] }], confined: false })],
        }),
      ],
    },
    outcome: 'fail',
    messages: ['public'],
  },
  {
    name: 'conditions present but not known to confine',
    inventory: { keys: [key({ access: [anyone({ conditions: [orgCondition] })] })] },
    outcome: 'fail',
    messages: ['public'],
  },
  {
    name: 'any authenticated identity of any tenant',
    inventory: { keys: [key({ access: [access({ kind: 'any-authenticated', id: 'allAuthenticatedUsers', name: undefined, account: undefined })] })] },
    outcome: 'fail',
    messages: ['public'],
  },
  {
    name: 'a principal id of "*" is a wildcard whatever its kind',
    inventory: { keys: [key({ access: [access({ kind: 'account', id: '*', name: undefined, account: undefined }, ['use-sign'], { source: 'grant' })] })] },
    outcome: 'fail',
    messages: ['public'],
  },
  {
    name: 'two public statements: two findings',
    inventory: { keys: [key({ access: [anyone(), anyone({ source: 'grant', sourceId: 'g-1' })] })] },
    outcome: 'fail',
    messages: ['public', 'public'],
  },
  {
    name: 'two statements without a Sid: one finding per source, not two with the same fingerprint',
    inventory: { keys: [key({ access: [anyone({ sourceId: undefined }), anyone({ sourceId: undefined, capabilities: ['use-encrypt'] })] })] },
    outcome: 'fail',
    messages: ['public'],
  },
  { name: 'access not collected', inventory: { keys: [key({ access: undefined })] }, outcome: 'unknown', missing: 'access' },
  {
    name: 'access hidden by a collection gap: unknown, never pass',
    inventory: { keys: [key({ access: undefined })], gaps: [gap({ operation: 'kms:GetKeyPolicy', id: 'aws-kms:111111111111:us-east-1:kms:GetKeyPolicy' })] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'kms:GetKeyPolicy',
  },
  {
    // The key policy was read and grants anyone; the grants could not be listed. The grant read is a fact.
    name: 'a public grant read alongside a gap on the rest of access: fail, not unknown',
    inventory: { keys: [key({ access: [access(), anyone()] })], gaps: [gap()] },
    outcome: 'fail',
    messages: ['public'],
  },
  {
    // A gap on everything about the key (conflicting snapshots, a deferred change): nothing read is a fact.
    name: 'a public grant alongside a gap that hides every field: unknown',
    inventory: { keys: [key({ access: [anyone()] })], gaps: [gap({ affects: undefined, operation: 'merge' })] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'merge',
  },
  {
    name: 'named principals read alongside a gap on the rest of access: unknown, never pass',
    inventory: { keys: [key({ access: [access()] })], gaps: [gap()] },
    outcome: 'unknown',
    missing: 'access',
    gapOperation: 'kms:ListGrants',
  },
]);

describe('no-public-principal', () => {
  it('names who, what and through which statement', () => {
    const { results } = runRule(rule, { inventory: { keys: [key({ access: [anyone()] })] } });
    expect(results.map((r) => [r.findingKey, r.message])).toEqual([['key-policy:AllowAll', 'Anyone can use-decrypt this key through key-policy AllowAll.']]);
  });

  it('not-applicable: judges keys only (every key is in reach, so the only non-applicable subjects are of other kinds)', () => {
    const { results, counts } = runRule(rule, { inventory: { trails: [trail()], gaps: [gap()] } });
    expect(results).toEqual([]);
    expect(counts).toEqual({ fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 });
  });
});
