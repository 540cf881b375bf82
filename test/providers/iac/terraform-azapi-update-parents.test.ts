// azapi_update_resource names its target by name and parent (fixture: test/fixtures/iac/terraform-azapi-update-parents,
// from the azapi_update_resource registry page and the diagnostic settings REST path
// `/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}`): two vaults with a key and a
// diagnostic setting of the same names, an update meant for one of them.
import { describe, expect, it } from 'vitest';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-azapi-update-parents/plan.json`;

async function plan() {
  const out = await collectIac([PLAN]);
  const key = (address: string) => {
    const k = out.keys?.find((x) => x.source?.address === address);
    if (!k) throw new Error(`no key ${address}`);
    return k;
  };
  const logged = (address: string) => runRule(keyUseLogged, { inventory: { keys: [key(address)], trails: out.trails ?? [], gaps: out.gaps ?? [] } }).outcome;
  return { out, key, logged };
}

describe('iac provider: azapi_update_resource targets by name and parent', () => {
  it("enabling the audit logs of kv-a's diagnostic setting `audit` leaves kv-b's disabled setting of the same name off (key-use-logged passed on kv-b)", async () => {
    const { out, logged } = await plan();
    expect(out.trails?.map((t) => [t.source?.address, t.enabled])).toEqual([
      ['azapi_resource.audit_a', true],
      ['azapi_resource.audit_b', false],
    ]);
    expect(logged('azurerm_key_vault_key.a')).toBe('pass');
    expect(logged('azurerm_key_vault_key.b')).toBe('fail');
  });

  it("an update of kv-a's key `signing` leaves the key of the same name in kv-b as planned (its size and operations were overwritten)", async () => {
    const { key } = await plan();
    expect(key('azurerm_key_vault_key.a')).toMatchObject({ keySize: 2048, usage: ['sign', 'verify', 'encrypt', 'decrypt'] });
    expect(key('azurerm_key_vault_key.b')).toMatchObject({ keySize: 3072, usage: ['sign', 'verify'] });
  });

  it('a key of the same name whose vault is known only after apply may be the one updated: what the update sets is unknown there, never its values', async () => {
    const { out, key } = await plan();
    const k = key('azurerm_key_vault_key.elsewhere');
    expect(k.keySize).toBeUndefined();
    expect(k.usage).toBeUndefined();
    const gap = (out.gaps ?? []).find((g) => g.scope.subjectId === k.id && g.affects?.includes('usage'));
    expect(gap?.reason).toContain('may be changed by azapi_update_resource.widen_a');
  });
});
