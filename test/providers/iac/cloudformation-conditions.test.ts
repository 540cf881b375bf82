// CloudFormation as the User Guide and the SAM specification document it (fixtures:
// test/fixtures/iac/cloudformation-conditions): Fn::ForEach loops, conditional resources, Fn::If with
// AWS::NoValue, the SAM transform, nested stacks, template macros and AWS::Include.
import { describe, expect, it } from 'vitest';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const SAM = `${FIXTURES}/cloudformation-conditions/template.yaml`;
const MACRO = `${FIXTURES}/cloudformation-conditions/macro.yaml`;

describe('iac provider: CloudFormation conditions, loops, transforms and nested stacks', () => {
  it('Fn::ForEach::Name [Identifier, Collection, Fragment] makes one resource per item (it was rejected: exit 2)', async () => {
    const out = await collectIac([SAM]);
    const signing = (out.keys ?? []).filter((k) => k.source?.address?.startsWith('SigningKey'));
    expect(signing.map((k) => [k.source?.address, k.tags?.env, k.keyType, k.usage])).toEqual([
      ['SigningKeyProd', 'Prod', 'RSA', ['sign', 'verify']],
      ['SigningKeyStaging', 'Staging', 'RSA', ['sign', 'verify']],
    ]);
  });

  it('Fn::If with AWS::NoValue: the property is set when the condition holds', async () => {
    const out = await collectIac([SAM]);
    const data = out.keys?.find((k) => k.source?.address === 'DataKey');
    expect(data?.rotation).toMatchObject({ automatic: true, periodDays: 90 });
  });

  it('a trail whose Condition is decided at deployment makes no key-use-logged pass (it passed)', async () => {
    const out = await collectIac([SAM], { account: '111111111111', region: 'eu-west-1' });
    const trail = out.trails?.find((t) => t.source?.address === 'Trail');
    expect(trail?.enabled).toBeUndefined();
    expect(out.gaps?.find((g) => g.scope.subjectId === trail?.id)?.reason).toContain('Trail is deployed only if condition TrailOn holds');
    const data = out.keys?.find((k) => k.source?.address === 'DataKey');
    if (!data) throw new Error('no DataKey');
    expect(runRule(keyUseLogged, { inventory: { keys: [data], trails: out.trails ?? [], gaps: out.gaps ?? [] } }).outcome).toBe('unknown');
  });

  it('the SAM transform is known (no gap); a nested stack is a gap: its template is not read', async () => {
    const out = await collectIac([SAM]);
    const iac = (out.gaps ?? []).filter((g) => g.provider === 'iac');
    expect(iac.map((g) => g.operation)).toEqual(['cloudformation:nested-stack']);
    expect(iac[0]?.reason).toContain('NetworkStack (AWS::CloudFormation::Stack) deploys another template, which is not read');
  });

  it('a macro, a loop over a parameter without default and an AWS::Include snippet are gaps; the rest is read', async () => {
    const out = await collectIac([MACRO]);
    expect(out.keys?.map((k) => k.source?.address)).toEqual(['Key']);
    const ops = (out.gaps ?? []).filter((g) => g.provider === 'iac').map((g) => `${g.operation}`);
    expect(ops.sort()).toEqual(['cloudformation:foreach', 'cloudformation:include', 'cloudformation:transform']);
    expect(out.gaps?.find((g) => g.operation === 'cloudformation:transform')?.reason).toContain('processed by the AcmeStandardTags transform');
  });

  it('CDK nested stacks: the *.nested.template.json beside the parent (aws:asset:path) is read; one that is not there stays a gap', async () => {
    const out = await collectIac([`${FIXTURES}/cdk-nested/IdentityStack.template.json`]);
    expect(out.keys?.map((k) => k.id)).toEqual([
      'test/fixtures/iac/cdk-nested/IdentityStackKeysNestedStackA1B2C3D4.nested.template.json#IdentityStack/Keys/SigningKey/Resource',
    ]);
    expect(out.keys?.[0]).toMatchObject({ keyType: 'RSA', keySize: 2048, usage: ['sign', 'verify'], tags: { env: 'prod' } });
    const iac = (out.gaps ?? []).filter((g) => g.provider === 'iac');
    expect(iac.map((g) => g.reason)).toEqual([
      expect.stringContaining('AuditNestedStackAuditNestedStackResourceE5F6A7B8 (AWS::CloudFormation::Stack) deploys another template'),
    ]);
    // Both nested stacks' templates are looked for in one directory, listed once (it was listed once a nested stack).
    expect(out.ops.filter((o) => o === 'fs:ListDirectory')).toHaveLength(1);
  });

  it("a nested stack's keys are covered by the parent's trail (same account and region): no 'no trail declared' gap", async () => {
    const out = await collectIac([`${FIXTURES}/cdk-nested-trail/AuditStack.template.json`], { account: '111111111111', region: 'eu-west-1' });
    const key = out.keys?.find((k) => k.source?.address === 'AuditStack/Keys/DataKey/Resource');
    expect(key).toBeDefined();
    expect(out.trails?.map((t) => t.source?.address)).toEqual(['AuditStack/OrgTrail/Resource']);
    const trailGaps = (out.gaps ?? []).filter((g) => g.scope.subjectId === key?.id && g.affects?.includes('trails'));
    expect(trailGaps.map((g) => g.reason)).toEqual([]);
  });
});
