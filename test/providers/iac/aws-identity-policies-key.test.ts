// Identity policies that name the planned key itself, and the execution roles SAM makes
// (fixture: test/fixtures/iac/aws-identity-policies-key, from the JSON Output Format page, the AWS
// provider's registry pages, the SAM specification and SAM's policy templates).
import { describe, expect, it } from 'vitest';
import nonprod from '../../../src/rules/exposure/nonprod-principal-access.ts';
import { runRule, TEST_POLICY } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const DIR = `${FIXTURES}/aws-identity-policies-key`;

async function keyOf(file: string) {
  const out = await collectIac([`${DIR}/${file}`], { account: '111111111111', region: 'us-east-1' });
  const key = out.keys?.[0];
  if (!key) throw new Error('no key');
  return { key, gaps: out.gaps ?? [] };
}

describe('iac provider: identity policies on the planned key itself', () => {
  it.each([
    ['plan.json', 'debug-replay', 'aws_iam_role_policy.debug_decrypt DecryptData'],
    ['template.yaml', 'DebugFnRole', 'DebugFnRole statement[0]'],
  ])(
    '%s: a debug principal allowed kms:Decrypt on this key uses it through the delegation: nonprod-principal-access fails (it was unknown)',
    async (file, name, sourceId) => {
      const { key, gaps } = await keyOf(file);
      const debug = key.access?.filter((e) => e.source === 'iam-policy' && e.principal.tags?.env === 'debug');
      expect(debug?.map((e) => [e.principal.name, e.capabilities, e.sourceId])).toEqual([[name, ['use-decrypt'], sourceId]]);
      expect(gaps.some((g) => g.scope.subjectId === key.id && g.operation.endsWith(':iam-delegation'))).toBe(true);
      expect(runRule(nonprod, { policy: TEST_POLICY, inventory: { keys: [key], gaps } }).outcome).toBe('fail');
    },
  );

  it('SAM: an inline statement on !GetAtt Key.Arn reaches the key; a function naming its own Role gets no SAM role', async () => {
    const { key } = await keyOf('template.yaml');
    const viaIam = key.access?.filter((e) => e.source === 'iam-policy') ?? [];
    expect(viaIam.map((e) => e.principal.name).sort()).toEqual(['DebugFnRole', 'ProdFnRole']);
    const prod = viaIam.find((e) => e.principal.name === 'ProdFnRole');
    // The role carries the function's tags over the Globals', and the tag SAM adds.
    expect(prod?.principal.tags).toEqual({ team: 'payments', env: 'prod', 'lambda:createdBy': 'SAM' });
  });
});
