// Managed HSM local RBAC in a Terraform plan (fixture: test/fixtures/iac/terraform-azure-hsm, from the
// azurerm provider's managed HSM role assignment and role definition registry pages and Microsoft Learn's
// "Local RBAC built-in roles for Managed HSM").
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azure-hsm/plan.json`;

async function keyAt(address: string) {
  const out = await collectIac([PLAN]);
  const key = out.keys?.find((k) => k.source?.address === address);
  if (!key) throw new Error(`no key at ${address}`);
  return { out, key, accessGap: out.gaps?.find((g) => g.scope.subjectId === key.id && g.affects?.includes('access')) };
}

const caps = (entries: { principal: { id: string }; capabilities: string[] }[] | undefined) =>
  Object.fromEntries((entries ?? []).map((e) => [e.principal.id, [...e.capabilities].sort()]));

describe('iac provider: Managed HSM local RBAC in a Terraform plan', () => {
  it('an HSM this plan creates: initial administrators, a built-in role at /keys and a custom role at /keys/<name> are all of its access', async () => {
    const { key, accessGap } = await keyAt('azurerm_key_vault_managed_hardware_security_module_key.app');
    expect(caps(key.access)).toEqual({
      // Managed HSM Administrator: role management (may grant itself any role), no key operation.
      '00000000-0000-0000-0000-0000000000a1': ['administer'],
      // Managed HSM Crypto User, by the resource_manager_id of the built-in role.
      '11111111-1111-1111-1111-111111111111': [
        'administer',
        'export',
        'read',
        'use-decrypt',
        'use-encrypt',
        'use-sign',
        'use-unwrap',
        'use-verify',
        'use-wrap',
      ],
      // The plan's custom role (its resource_manager_id unknown until apply, named by reference).
      '22222222-2222-2222-2222-222222222222': ['read', 'use-sign'],
    });
    expect(accessGap).toBeUndefined();
  });

  it('with every fact in the plan an access rule can pass (it was unknown for every planned Managed HSM key)', async () => {
    const { out, key } = await keyAt('azurerm_key_vault_managed_hardware_security_module_key.app');
    expect(runRule(rule, { inventory: { keys: [key], gaps: out.gaps ?? [] } }).outcome).toBe('pass');
  });

  it('an HSM that exists already keeps an access gap naming what the plan cannot show, and an unknown principal', async () => {
    const { out, key, accessGap } = await keyAt('azurerm_key_vault_managed_hardware_security_module_key.legacy');
    expect(accessGap?.reason).toContain('the HSM exists already');
    expect(accessGap?.reason).toContain('role_assignment.legacy-app: its principal is known only after apply');
    expect(runRule(rule, { inventory: { keys: [key], gaps: out.gaps ?? [] } }).outcome).toBe('unknown');
  });

  it('an assignment on another HSM does not reach this one', async () => {
    const { key } = await keyAt('azurerm_key_vault_managed_hardware_security_module_key.legacy');
    expect(key.access).toEqual([]);
  });
});
