// Terraform JSON output format details (fixture: test/fixtures/iac/terraform-json-format, from the
// "JSON Output Format" page): deposed objects, imports, moves, drift, output changes and checks.
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import nonprod from '../../../src/rules/exposure/nonprod-principal-access.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-json-format/plan.json`;

describe('iac provider: Terraform JSON output format', () => {
  it('a deposed object is not a subject, and its address stays one resource: the key policy binds to the new key (it did not)', async () => {
    const out = await collectIac([PLAN]);
    const data = (out.keys ?? []).filter((k) => k.source?.address === 'aws_kms_key.data');
    expect(data).toHaveLength(1);
    expect(data[0]?.source?.action).toBe('replace');
    const gaps = out.gaps ?? [];
    expect(runRule(rule, { inventory: { keys: data, gaps } }).outcome).toBe('fail');
  });

  it('an imported key (importing, no-op) and a moved key (previous_address) are read at their addresses', async () => {
    const out = await collectIac([PLAN]);
    expect((out.keys ?? []).map((k) => [k.source?.address, k.source?.action]).sort()).toEqual([
      ['aws_kms_key.adopted', 'no-op'],
      ['aws_kms_key.data', 'replace'],
      ['module.kms.aws_kms_key.signing', 'update'],
    ]);
    const adopted = out.keys?.find((k) => k.source?.address === 'aws_kms_key.adopted');
    expect(adopted?.rotation).toMatchObject({ automatic: false });
  });
});

describe('iac provider: a key policy that delegates to IAM', () => {
  const policy = {
    environments: {
      production: { kind: 'production' as const, match: [{ tags: { env: 'prod' } }, { accounts: ['111111111111'] }] },
      debug: { kind: 'debug' as const, match: [{ tags: { env: 'debug' } }] },
    },
  };

  it('the default key policy lets the account in, so the IAM users and roles outside the plan may use the key: nonprod-principal-access is unknown (it passed)', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    const adopted = out.keys?.find((k) => k.source?.address === 'aws_kms_key.adopted');
    if (!adopted) throw new Error('no adopted key');
    const gap = out.gaps?.find((g) => g.scope.subjectId === adopted.id && g.affects?.includes('access'));
    expect(gap?.operation).toBe('terraform-plan:iam-delegation');
    expect(gap?.reason).toContain('delegates to IAM');
    expect(runRule(nonprod, { inventory: { keys: [adopted], gaps: out.gaps ?? [] }, policy }).outcome).toBe('unknown');
  });
});
