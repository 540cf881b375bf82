import rule from '../../../src/rules/coverage/collection-complete.ts';
import { gap, key } from '../../helpers/fixtures.ts';
import { runRule, ruleTester } from '../../helpers/rule-tester.ts';
import { describe, expect, it } from 'vitest';

// The subjects of this rule are the collection gaps themselves: every gap is a finding.
// There is no pass for a gap, no unknown (a gap has nothing left to collect) and no not-applicable
// (every gap is in reach), so the table covers the fail branch and the tests below what surrounds it.
ruleTester(rule, [
  { name: 'an AccessDenied in one region', inventory: { gaps: [gap()] }, outcome: 'fail', messages: ['gap'], severity: 'medium' },
  {
    name: 'a provider-wide failure',
    inventory: { gaps: [gap({ id: 'azure-keyvault::login', provider: 'azure-keyvault', scope: {}, operation: 'login', reason: 'no credentials', affects: undefined })] },
    outcome: 'fail',
    messages: ['gap'],
  },
  {
    name: 'one unreadable key',
    inventory: { keys: [key()], gaps: [gap({ scope: { subjectId: key().id }, operation: 'kms:GetKeyPolicy', affects: ['access'] })] },
    outcome: 'fail',
    messages: ['gap'],
  },
]);

describe('collection-complete', () => {
  it('names where, what and why', () => {
    const region = runRule(rule, { inventory: { gaps: [gap()] } });
    expect(region.results.map((r) => r.message)).toEqual(['Could not read aws-kms (account 111111111111, region us-east-1): kms:ListGrants failed: AccessDenied.']);
    const wide = runRule(rule, { inventory: { gaps: [gap({ provider: 'azure-keyvault', scope: {}, operation: 'login', reason: 'no credentials' })] } });
    expect(wide.results.map((r) => r.message)).toEqual(['Could not read azure-keyvault: login failed: no credentials.']);
    const vault = runRule(rule, { inventory: { gaps: [gap({ provider: 'azure-keyvault', scope: { container: 'kv-prod' }, operation: 'keys/list', reason: 'Forbidden' })] } });
    expect(vault.results.map((r) => r.message)).toEqual(['Could not read azure-keyvault (container kv-prod): keys/list failed: Forbidden.']);
  });

  it('reports each gap once and nothing else', () => {
    const { counts } = runRule(rule, { inventory: { keys: [key()], gaps: [gap(), gap({ id: 'other', operation: 'kms:ListAliases' })] } });
    expect(counts).toEqual({ fail: 2, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 });
  });

  it('with no gap there is nothing to report (and no pass is invented)', () => {
    const { results, counts } = runRule(rule, { inventory: { keys: [key()] } });
    expect(results).toEqual([]);
    expect(counts).toEqual({ fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 });
  });
});
