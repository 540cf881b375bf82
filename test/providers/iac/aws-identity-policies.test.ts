// Identity policies of planned roles reaching a planned key through its key policy's delegation to IAM
// (fixture: test/fixtures/iac/aws-identity-policies, from the registry pages and the template reference).
import { describe, expect, it } from 'vitest';
import nonprod from '../../../src/rules/exposure/nonprod-principal-access.ts';
import { runRule, TEST_POLICY } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const DIR = `${FIXTURES}/aws-identity-policies`;
// The account the key delegates to is production's (as the storm-0558 example's policy says of its accounts).
const policy = {
  environments: {
    ...TEST_POLICY.environments,
    production: { kind: 'production' as const, match: [{ tags: { env: 'prod' } }, { principals: ['arn:aws:iam::111111111111:root'] }] },
  },
};

describe('iac provider: identity policies of planned roles', () => {
  it.each([
    ['plan.json', 'aws_iam_role_policy_attachment.debug_ci DecryptAnything'],
    ['template.yaml', 'DebugRole statement[0]'],
  ])('%s: a debug role allowed kms:Decrypt on every key uses the delegating key: nonprod-principal-access fails (it was unknown)', async (file, sourceId) => {
    const out = await collectIac([`${DIR}/${file}`], { account: '111111111111', region: 'us-east-1' });
    const key = out.keys?.[0];
    const viaIam = key?.access?.filter((e) => e.source === 'iam-policy');
    expect(viaIam?.map((e) => [e.principal.name, e.principal.tags?.env, e.capabilities, e.sourceId])).toEqual([
      ['debug-replay', 'debug', ['read', 'use-decrypt'].filter((c) => file === 'plan.json' || c !== 'read'), sourceId],
    ]);
    // The delegation gap stays: most identity policies of the account are outside the plan.
    expect(out.gaps?.some((g) => g.scope.subjectId === key?.id && g.operation.endsWith(':iam-delegation'))).toBe(true);
    expect(runRule(nonprod, { policy, inventory: { keys: [key as NonNullable<typeof key>], gaps: out.gaps ?? [] } }).outcome).toBe('fail');
  });

  it('the failure stands when the deploying account (account not set) cannot be classified', async () => {
    const out = await collectIac([`${DIR}/template.yaml`]);
    const key = out.keys?.[0];
    expect(key?.access?.map((e) => e.principal.id)).toContain('arn:aws:iam::(deploying account):root');
    expect(runRule(nonprod, { inventory: { keys: [key as NonNullable<typeof key>], gaps: out.gaps ?? [] } }).outcome).toBe('fail');
  });
});
