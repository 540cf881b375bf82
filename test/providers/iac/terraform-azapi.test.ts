// Key Vault resources made through the azapi provider (fixture: test/fixtures/iac/terraform-azapi, from
// the azapi_resource registry page and the ARM template reference): read as the ARM templates they write.
import { describe, expect, it } from 'vitest';
import noPublic from '../../../src/rules/exposure/no-public-principal.ts';
import nonprod from '../../../src/rules/exposure/nonprod-principal-access.ts';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azapi/plan.json`;
const id = (address: string) => `${PLAN}#${address}`;

describe('iac provider: azapi_resource in a Terraform plan', () => {
  it('a vaults/keys azapi_resource is a key (it was skipped: a plan of azapi keys audited as empty and clean)', async () => {
    const out = await collectIac([PLAN]);
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual(['azapi_resource.data', 'azapi_resource.later', 'azapi_resource.signing']);
    const signing = out.keys?.find((k) => k.id === id('azapi_resource.signing'));
    expect(signing).toMatchObject({
      provider: 'azure-keyvault',
      name: 'token-signing',
      container: 'kv-signing-prod',
      keyType: 'RSA',
      keySize: 3072,
      protection: 'hsm',
      usage: ['sign', 'verify'],
      expiresAt: '2027-06-12T00:00:00Z',
      accessModel: 'rbac',
      deletion: { protected: true },
      tags: { env: 'prod', 'trust-domain': 'enterprise' },
      provenance: 'planned',
    });
    expect(signing?.rotation).toMatchObject({ automatic: true, periodDays: 60 });
  });

  it('the body as a JSON string (azapi 1.x jsonencode) and the vault named by a literal parent_id', async () => {
    const out = await collectIac([PLAN]);
    const data = out.keys?.find((k) => k.id === id('azapi_resource.data'));
    expect(data).toMatchObject({ container: 'kv-signing-prod', keyType: 'RSA', keySize: 2048, usage: ['wrap', 'unwrap'], deletion: { protected: true } });
  });

  it('a body known only after apply leaves the key type, usage and rotation unknown (gaps), never the service defaults', async () => {
    const out = await collectIac([PLAN]);
    const later = out.keys?.find((k) => k.id === id('azapi_resource.later'));
    expect(later?.keyType).toBeUndefined();
    expect(later?.usage).toBeUndefined();
    const affected = (out.gaps ?? []).filter((g) => g.scope.subjectId === later?.id).flatMap((g) => g.affects ?? []);
    expect(affected).toEqual(expect.arrayContaining(['keyType', 'usage', 'rotation', 'expiresAt']));
  });

  it('a role assignment made through azapi is the key access: a debug identity holding Crypto User fails nonprod-principal-access', async () => {
    const out = await collectIac([PLAN]);
    const signing = out.keys?.find((k) => k.id === id('azapi_resource.signing'));
    expect(signing?.access?.map((e) => [e.principal.id, e.principal.tags?.env])).toEqual([['aaaaaaaa-0000-4000-8000-00000000dbg1', 'debug']]);
    const inventory = { keys: [signing as NonNullable<typeof signing>], gaps: out.gaps ?? [] };
    expect(runRule(nonprod, { inventory }).outcome).toBe('fail');
    // What the plan grants is not all: assignments inherited from the resource group and above are not in it.
    expect(runRule(noPublic, { inventory }).outcome).toBe('unknown');
  });

  it('a diagnostic setting made through azapi covers its vault (categoryGroup audit)', async () => {
    const out = await collectIac([PLAN]);
    expect(out.trails?.map((t) => t.source?.address)).toEqual(['azapi_resource.vault_audit']);
    const signing = out.keys?.find((k) => k.id === id('azapi_resource.signing'));
    const r = runRule(keyUseLogged, { inventory: { keys: [signing as NonNullable<typeof signing>], trails: out.trails ?? [], gaps: out.gaps ?? [] } });
    expect(r.outcome).toBe('pass');
  });
});
