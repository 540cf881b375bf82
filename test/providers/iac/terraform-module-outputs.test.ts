// Keys created in modules and bound at the root through module outputs (fixture:
// test/fixtures/iac/terraform-module-outputs, written from the Terraform JSON output format's
// `module_calls[].module.outputs[].expression.references` and the AWS provider's aws_kms_key_policy
// page). A policy attached as `key_id = module.kms.key_id` was lost, and the key audited under the
// default key policy: a key open to everyone passed no-public-principal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-module-outputs/plan.json`;
const tmp = tempDir();
const id = (address: string, plan = PLAN) => `${plan}#${address}`;

describe('iac provider: references through module outputs', () => {
  it('an aws_kms_key_policy attached through module.kms.key_id is the key policy of the key inside the module', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const key = out.keys?.find((k) => k.id === id('module.kms.aws_kms_key.this[0]'));
    expect(key?.access?.map((a) => [a.principal.id, a.sourceId])).toEqual([['*', 'Open']]);
    expect(out.gaps?.filter((g) => g.scope.subjectId === key?.id && g.affects?.includes('access'))).toEqual([]);
  });

  it('an alias through module.signing["eu"].key_arn names the eu instance of a for_each module, not the us one', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const aliases = (address: string) => out.keys?.find((k) => k.id === id(address))?.aliases;
    expect(aliases('module.signing["eu"].aws_kms_key.this[0]')).toEqual(['alias/signing-eu']);
    expect(aliases('module.signing["us"].aws_kms_key.this[0]') ?? []).toEqual([]);
  });

  it('a key policy whose key this reader cannot trace makes every key’s access a gap, never the default policy', async () => {
    const plan = JSON.parse(readFileSync(PLAN, 'utf8'));
    delete plan.configuration.root_module.module_calls.kms.module.outputs;
    const copy = tmp.write('plan.json', JSON.stringify(plan));
    const out = await collectIac([copy], { account: '111122223333' });
    for (const address of ['module.kms.aws_kms_key.this[0]', 'module.signing["eu"].aws_kms_key.this[0]']) {
      const key = out.keys?.find((k) => k.id === id(address, copy));
      expect(key?.access, address).toBeUndefined();
      const gap = out.gaps?.find((g) => g.scope.subjectId === key?.id && g.affects?.includes('access'));
      expect(gap?.reason).toContain('aws_kms_key_policy.this replaces the key policy of a key it names only after apply');
    }
  });
});

describe('iac provider: aws_iam_policy_document condition blocks', () => {
  it('blocks sharing one test keep every variable (all must hold) and join the values of a repeated variable', async () => {
    const plan = `${FIXTURES}/terraform-module-outputs/policy-document.json`;
    const out = await collectIac([plan], { account: '111122223333' });
    const key = out.keys?.find((k) => k.id === id('aws_kms_key.data', plan));
    const entry = key?.access?.find((a) => a.sourceId === 'ThroughServices');
    const conditions = [...(entry?.conditions ?? []), ...(entry?.assumed ?? []), ...(entry?.undecided ?? [])];
    expect(conditions.map((c) => [c.operator, c.key, [...c.values].sort()]).sort()).toEqual([
      ['StringEquals', 'kms:CallerAccount', ['111122223333']],
      ['StringEquals', 'kms:ViaService', ['dynamodb.us-east-1.amazonaws.com', 's3.us-east-1.amazonaws.com']],
    ]);
    // The account condition confines the wildcard principal: it is not anyone.
    expect(entry?.confined).toBe(true);
  });
});
