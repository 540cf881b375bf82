// azapi_update_resource changing resources of the same plan (fixture: test/fixtures/iac/terraform-azapi-update,
// from the provider's registry page and the JSON Output Format page).
import { describe, expect, it } from 'vitest';
import publicNetwork from '../../../src/rules/exposure/no-public-network-access.ts';
import rotation from '../../../src/rules/rotation/automatic-rotation.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azapi-update/plan.json`;

async function keyAt(address: string) {
  const out = await collectIac([PLAN]);
  const key = out.keys?.find((k) => k.source?.address === address);
  if (!key) throw new Error(`no key ${address}`);
  return { key, gaps: out.gaps ?? [] };
}

describe('iac provider: azapi_update_resource', () => {
  it('an update that opens a planned azurerm vault to public networks makes its keys fail no-public-network-access (it passed on the azurerm values)', async () => {
    const { key, gaps } = await keyAt('azurerm_key_vault_key.k');
    expect(key.network?.publicAccess).toBe(true);
    expect(runRule(publicNetwork, { inventory: { keys: [key], gaps } }).outcome).toBe('fail');
  });

  it("an update naming a planned azapi key by its literal id replaces its rotation policy: automatic rotation off fails (it passed on the key's body)", async () => {
    const { key, gaps } = await keyAt('azapi_resource.ledger_key');
    expect(runRule(rotation, { inventory: { keys: [key], gaps } }).outcome).toBe('fail');
  });

  it('a literal id names the key in its own vault: a key of the same name in another vault keeps its rotation (both were changed)', async () => {
    const { key, gaps } = await keyAt('azapi_resource.other_key');
    expect(runRule(rotation, { inventory: { keys: [key], gaps } }).outcome).toBe('pass');
  });

  it('an update whose resource_id is known only after apply may change either planned vault: the property it sets is a gap on both', async () => {
    for (const address of ['azurerm_key_vault_key.k', 'azapi_resource.ledger_key', 'azapi_resource.other_key']) {
      const { key, gaps } = await keyAt(address);
      const gap = gaps.find((g) => g.scope.subjectId === key.id && g.affects?.includes('accessModel'));
      expect(gap?.reason).toContain('azapi_update_resource.legacy_access');
    }
  });
});
