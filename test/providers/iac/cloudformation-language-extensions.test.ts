// The AWS::LanguageExtensions transform (fixture: test/fixtures/iac/cloudformation-language-extensions,
// written from the CloudFormation User Guide pages for the transform, Fn::ToJsonString and Fn::Length).
// Both functions are fixed by the template when their arguments are; they were read as "resolved only
// at deployment", so a key policy written with Fn::ToJsonString was never judged (unknown).
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const TEMPLATE = `${FIXTURES}/cloudformation-language-extensions/template.yaml`;
const id = (name: string) => `${TEMPLATE}#${name}`;

describe('iac provider: AWS::LanguageExtensions', () => {
  it('a key policy written with Fn::ToJsonString over a fixed object is read like the object', async () => {
    const out = await collectIac([TEMPLATE], { account: '111122223333' });
    const open = out.keys?.find((k) => k.id === id('Open'));
    expect(open?.access?.map((a) => [a.principal.id, a.sourceId, a.capabilities])).toEqual([['*', 'Anyone', ['use-decrypt']]]);
    expect(out.gaps?.filter((g) => g.scope.subjectId === open?.id && g.affects?.includes('access'))).toEqual([]);
  });

  it('Fn::Length of a list parameter with a default decides a condition', async () => {
    const out = await collectIac([TEMPLATE], { account: '111122223333' });
    expect(out.keys?.find((k) => k.id === id('Open'))?.multiRegion).toBe(true);
  });

  it('Fn::ToJsonString naming a role of the template keeps the reference (the planned role is the principal)', async () => {
    const out = await collectIac([TEMPLATE], { account: '111122223333' });
    const scoped = out.keys?.find((k) => k.id === id('Scoped'));
    expect(scoped?.access?.map((a) => [a.principal.kind, a.principal.name, a.sourceId])).toEqual([['role', 'AdminRole', 'Admin']]);
  });

  it('Fn::ToJsonString over a value known only at deployment (a parameter without a default) stays a gap', async () => {
    const out = await collectIac([`${FIXTURES}/cloudformation-language-extensions/unknown.yaml`], { account: '111122223333' });
    const key = out.keys?.[0];
    expect(key?.access).toBeUndefined();
    const gap = out.gaps?.find((g) => g.scope.subjectId === key?.id && g.affects?.includes('access'));
    expect(gap?.reason).toContain('Fn::ToJsonString of values known only at deployment');
  });

  it('Fn::ForEach in Conditions defines the conditions, and in properties makes the properties (the template exited 2: condition IsProd is not defined)', async () => {
    const file = `${FIXTURES}/cloudformation-language-extensions/foreach-sections.yaml`;
    const out = await collectIac([file], { account: '111122223333', region: 'eu-west-1' });
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual(['FlaggedKey', 'ProdKey']);
    const prod = out.keys?.find((k) => k.source?.address === 'ProdKey');
    expect(prod?.rotation?.automatic).toBe(false);
    expect(prod?.multiRegion).toBe(false);
    const gap = out.gaps?.find((g) => g.operation === 'cloudformation:foreach');
    expect(gap?.reason).toMatch(/properties of FlaggedKey of Fn::ForEach::Flags depend on a collection known only at deployment/);
  });
});
