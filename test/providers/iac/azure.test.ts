import { describe, expect, it } from 'vitest';
import noPublic from '../../../src/rules/exposure/no-public-principal.ts';
import nonprod from '../../../src/rules/exposure/nonprod-principal-access.ts';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import adminUse from '../../../src/rules/scope/admin-use-separated.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azure/plan.json`;

describe('iac provider: azurerm resources in a Terraform plan', () => {
  it('reads the vault settings under both attribute names (4.x enable_rbac_authorization, 5.x rbac_authorization_enabled)', async () => {
    const out = await collectIac([PLAN], { subscription: '00000000-0000-4000-8000-000000000000' });
    const tenant = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.tenant');
    const legacy = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.legacy');
    expect(tenant).toMatchObject({
      provider: 'azure-keyvault',
      container: 'kv-prod-tenant',
      account: '00000000-0000-4000-8000-000000000000',
      accessModel: 'rbac',
    });
    expect(legacy).toMatchObject({ container: 'kv-legacy', accessModel: 'access-policy', deletion: { protected: false }, network: { publicAccess: true } });
  });

  it('maps the key: type, size, expiry, rotation policy and its notify action', async () => {
    const out = await collectIac([PLAN]);
    const tenant = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.tenant');
    expect(tenant).toMatchObject({
      keyType: 'RSA',
      keySize: 3072,
      protection: 'hsm',
      usage: ['sign', 'verify'],
      expiresAt: '2027-06-30T00:00:00Z',
      rotation: { supported: true, automatic: true, periodDays: 60 },
      alerts: { nearExpiry: true, notifyBeforeDays: 10 },
      tags: { env: 'prod', 'trust-domain': 'enterprise', 'key-class': 'token-signing-tenant' },
    });
    const legacy = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.legacy');
    expect(legacy?.rotation).toEqual({ supported: true, automatic: false });
    expect(legacy?.expiresAt).toBeNull(); // known: no expiration_date
  });

  it('role assignments resolve scope and principal through the configuration; access policies give the listed permissions', async () => {
    const out = await collectIac([PLAN]);
    const tenant = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.tenant');
    expect(tenant?.access).toHaveLength(1);
    expect(tenant?.access?.[0]).toMatchObject({ source: 'rbac', principal: { kind: 'managed-identity', name: 'id-debug', tags: { env: 'debug' } } });
    const legacy = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.legacy');
    // RBAC is off on the legacy vault: the role assignment on the other vault gives nothing here.
    expect(legacy?.access).toEqual([
      expect.objectContaining({
        source: 'access-policy',
        capabilities: ['use-sign', 'read'],
        principal: expect.objectContaining({ id: '0b0b0b0b-0000-4000-8000-00000000d3b6' }),
      }),
    ]);
  });

  it('an expiry known only after apply stays unknown, with a gap naming the attribute', async () => {
    const out = await collectIac([PLAN]);
    const timed = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.timed');
    expect(timed?.expiresAt).toBeUndefined();
    expect(out.gaps?.filter((g) => g.scope.subjectId === timed?.id && g.affects?.includes('expiresAt'))).toEqual([
      expect.objectContaining({ affects: ['expiresAt'], operation: 'terraform-plan:expiration_date' }),
    ]);
  });

  it('the diagnostic setting covers its vault, with the workspace retention; the destroyed vault is gone', async () => {
    const out = await collectIac([PLAN]);
    expect(out.trails).toEqual([
      expect.objectContaining({
        kind: 'azure-diagnostic-setting',
        capturesDataPlane: true,
        retentionDays: 400,
        scope: expect.objectContaining({ containers: ['kv-prod-tenant'] }),
      }),
    ]);
    expect(out.keys?.some((k) => k.container === 'kv-old')).toBe(false);
  });

  it('an RBAC vault key keeps an access gap (role assignments inherited from its resource group and above are outside the plan); what the plan grants still fails', async () => {
    const out = await collectIac([PLAN]);
    const tenant = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.tenant');
    const inventory = { keys: [tenant as NonNullable<typeof tenant>], gaps: out.gaps ?? [] };
    expect(out.gaps?.find((g) => g.scope.subjectId === tenant?.id && g.affects?.includes('access'))).toMatchObject({
      operation: 'terraform-plan:inherited-rbac',
      reason: expect.stringContaining('resource group, subscription and management groups'),
    });
    // It passed: the plan's one assignment was taken for all of them.
    expect(runRule(noPublic, { inventory }).outcome).toBe('unknown');
    expect(runRule(nonprod, { inventory }).outcome).toBe('fail');
    // An access-policy vault authorizes by its own policies, which the plan holds: no such gap.
    const legacy = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.legacy');
    expect(out.gaps?.some((g) => g.scope.subjectId === legacy?.id && g.affects?.includes('access'))).toBe(false);
    expect(runRule(adminUse, { inventory: { keys: [legacy as NonNullable<typeof legacy>], gaps: out.gaps ?? [] } }).outcome).toBe('pass');
  });

  it('a vault the plan gives no diagnostic setting leaves key-use-logged unknown (one may be attached outside the plan), as a plan without a CloudTrail trail does', async () => {
    const out = await collectIac([PLAN]);
    const legacy = out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.legacy');
    expect(out.gaps?.find((g) => g.scope.subjectId === legacy?.id && g.affects?.includes('trails'))?.reason).toMatch(
      /no diagnostic setting for kv-legacy; one attached outside the plan \(Azure Policy deployIfNotExists/,
    );
    const judge = (k: typeof legacy) =>
      runRule(keyUseLogged, { inventory: { keys: [k as NonNullable<typeof k>], trails: out.trails ?? [], gaps: out.gaps ?? [] } }).outcome;
    expect(judge(legacy)).toBe('unknown'); // it failed: no setting in the plan was read as none at all
    // The vault that has one is judged on it.
    expect(judge(out.keys?.find((k) => k.source?.address === 'azurerm_key_vault_key.tenant'))).toBe('pass');
  });
});
