// Key Vault access policies set by separate resources (fixtures: test/fixtures/iac/terraform-azure-access-policy,
// from the azurerm_key_vault_access_policy registry page and the ARM reference for vaults/accessPolicies).
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/scope/admin-use-separated.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azure-access-policy/plan.json`;
const ARM = `${FIXTURES}/terraform-azure-access-policy/access-policies.json`;

describe('iac provider: Key Vault access policies as separate resources', () => {
  it('azurerm_key_vault_access_policy on a planned vault is its keys access (it was dropped, so nobody could use them)', async () => {
    const out = await collectIac([PLAN]);
    const k = out.keys?.find((x) => x.source?.address === 'azurerm_key_vault_key.signing');
    expect(k?.access?.map((e) => [e.principal.name, e.principal.tags?.env, [...e.capabilities].sort().join('+')])).toEqual([
      ['id-debugger', 'debug', expect.stringContaining('administer')],
    ]);
    expect(k?.access?.[0]?.capabilities).toContain('use-sign');
    expect(runRule(rule, { inventory: { keys: [k as NonNullable<typeof k>], gaps: out.gaps ?? [] } }).outcome).toBe('fail');
  });

  it('Microsoft.KeyVault/vaults/accessPolicies (add) joins the vault access in an ARM template', async () => {
    const out = await collectIac([ARM]);
    const k = out.keys?.find((x) => x.source?.address === 'kv-arm-prod/signing');
    expect(k?.access?.map((e) => e.principal.id)).toEqual(['7c9e6679-7425-40de-944b-e07fc1f90ae7']);
    expect(runRule(rule, { inventory: { keys: [k as NonNullable<typeof k>], gaps: out.gaps ?? [] } }).outcome).toBe('fail');
  });
});
