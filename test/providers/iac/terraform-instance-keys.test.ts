// Resources that name one instance of a key made with for_each or count by a constant key
// (fixture: test/fixtures/iac/terraform-instance-keys, from the JSON Output Format page).
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-instance-keys/plan.json`;

describe('iac provider: references to one instance (aws_kms_key.k["prod"])', () => {
  it('a key policy naming aws_kms_key.k["prod"].id is that key\'s: Principal * fails no-public-principal (it was an access gap on every key)', async () => {
    const out = await collectIac([PLAN]);
    const prod = out.keys?.find((k) => k.source?.address === 'aws_kms_key.k["prod"]');
    if (!prod) throw new Error('no prod key');
    expect(prod.access?.map((e) => e.principal.id)).toEqual(['*']);
    expect(runRule(rule, { inventory: { keys: [prod], gaps: out.gaps ?? [] } }).outcome).toBe('fail');
  });

  it('the other instance keeps the default key policy, and the alias names only the prod key', async () => {
    const out = await collectIac([PLAN]);
    const byAddress = new Map(out.keys?.map((k) => [k.source?.address, k]));
    const dev = byAddress.get('aws_kms_key.k["dev"]');
    expect(dev?.aliases).toBeUndefined();
    expect(byAddress.get('aws_kms_key.k["prod"]')?.aliases).toEqual(['alias/payments-prod']);
    const devGaps = (out.gaps ?? []).filter((g) => g.scope.subjectId === dev?.id && g.affects?.includes('access'));
    expect(devGaps.map((g) => g.operation)).toEqual(['terraform-plan:iam-delegation']);
  });
});
