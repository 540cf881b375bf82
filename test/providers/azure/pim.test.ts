// Role assignments a stranger's estate holds beside plain ones, written from the Azure RBAC and PIM
// references: an eligible assignment (Role Eligibility Schedule Instances - List For Scope) that a
// debug service principal can activate, an active one inherited from a management group, a tenant
// without Entra ID P2 (400 AadPremiumLicenseRequired: no PIM), and an eligibility list that is denied.
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import type { FakeAzureWorld } from '../../../src/fakes/azure/server.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import azureProvider from '../../../src/providers/azure/index.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { collectFromFake, useAzureFake } from './harness.ts';
import { DEBUG_SP, SIGNER, SUB_A, spki, TENANT } from './world.ts';

const azure = useAzureFake();
const tmp = tempDir();
// The key is production by its vault's tag; the debug service principal by its object id.
const POLICY = `version: 1
environments:
  production: { kind: production, match: [{ tags: { env: prod } }, { principals: ['${SIGNER}'] }] }
  debug: { kind: debug, match: [{ principals: ['${DEBUG_SP}'] }] }
rules: { nonprod-principal-access: high }
`;
const VAULT = `/subscriptions/${SUB_A}/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/kv-pim`;
const CRYPTO_USER = '12338af0-0e69-4776-bea7-57ae8d297424';
const CRYPTO_OFFICER = '14b46e9e-c2b7-41b4-b07b-48a6ebf60603';
const MG = '/providers/Microsoft.Management/managementGroups/contoso-platform';

function world(over: Partial<FakeAzureWorld['subscriptions'][number]> = {}, forbidden = false): FakeAzureWorld {
  return {
    tenantId: TENANT,
    subscriptions: [
      {
        id: SUB_A,
        roleAssignments: [{ scope: MG, roleDefinition: CRYPTO_OFFICER, principalId: SIGNER, principalType: 'ServicePrincipal' }],
        roleEligibilities: [{ scope: VAULT, roleDefinition: CRYPTO_USER, principalId: DEBUG_SP, principalType: 'ServicePrincipal' }],
        vaults: [
          {
            name: 'kv-pim',
            resourceGroup: 'identity',
            location: 'westeurope',
            rbac: true,
            tags: { env: 'prod' },
            ...(forbidden ? { armForbidden: ['roleEligibilities' as const] } : {}),
            keys: [{ name: 'signer', kty: 'EC-HSM', keyOps: ['sign', 'verify'], publicKey: spki('ec'), created: '2026-06-01T00:00:00Z' }],
          },
        ],
        ...over,
      },
    ],
  };
}

async function collect(w: FakeAzureWorld, seen?: (fake: Awaited<ReturnType<typeof azure.start>>) => void) {
  const fake = await azure.start(w);
  const out = await collectFromFake(fake, { resolvePrincipalNames: false });
  expectOnlyDeclared(fake.operations(), azureProvider);
  seen?.(fake);
  const inv = inventory({ providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const result = auditInventory(inv, resolvePolicyFile(tmp.write('policy.yaml', POLICY)), new Date('2026-12-05T00:00:00Z'), true);
  const verdict = result.results.find((r) => r.ruleId === 'nonprod-principal-access');
  return { key: out.keys?.[0], gaps: out.gaps ?? [], verdict };
}

describe('Azure RBAC: PIM-eligible and management-group assignments', () => {
  it('an eligible assignment is access the principal can activate; a management-group assignment is inherited', async () => {
    const { key, gaps, verdict } = await collect(world());
    expect(gaps).toEqual([]);
    // The debug principal that can activate Key Vault Crypto User can sign with the production key.
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/of the debug environment .*can use-sign/);
    const byId = new Map(key?.access?.map((e) => [e.principal.id, e]));
    // Eligible for Key Vault Crypto User on the vault: use once activated (the condition says how).
    expect(byId.get(DEBUG_SP)).toMatchObject({
      capabilities: expect.arrayContaining(['use-sign', 'use-decrypt']),
      conditions: [{ key: 'azure:pim-eligible', operator: 'activation', values: [expect.stringMatching(/roleEligibilityScheduleInstances/)] }],
    });
    expect(byId.get(DEBUG_SP)?.undecided).toBeUndefined();
    // Key Vault Crypto Officer assigned at a management group above the subscription.
    expect(byId.get(SIGNER)?.sourceId).toMatch(/^\/providers\/Microsoft\.Management\/managementGroups\/contoso-platform\//);
    expect(byId.get(SIGNER)?.conditions).toBeUndefined();
  });

  it('a tenant without Entra ID P2 has no PIM: no eligible access, no gap', async () => {
    const { key, gaps, verdict } = await collect(world({ noPimLicense: true }));
    expect(gaps).toEqual([]);
    expect(verdict?.outcome).toBe('pass');
    expect(key?.access?.map((e) => e.principal.id)).toEqual([SIGNER]);
  });

  it('without Entra ID P2 the eligibility list is asked once per subscription, not once per vault', async () => {
    const base = world({ noPimLicense: true }).subscriptions[0];
    const vault = base?.vaults?.[0];
    if (!base || !vault) throw new Error('the world has a vault');
    const vaults = ['kv-pim', 'kv-pim-2', 'kv-pim-3'].map((name) => ({ ...vault, name }));
    let asked = -1;
    const { gaps } = await collect(world({ noPimLicense: true, vaults }), (fake) => {
      asked = fake.requests.filter((r) => r.operation === 'arm:ListRoleEligibilityScheduleInstances').length;
    });
    expect(gaps).toEqual([]);
    expect(asked).toBe(1);
  });

  it('an eligibility list that cannot be read leaves access unknown, with a gap naming the permission', async () => {
    const { key, gaps, verdict } = await collect(world({}, true));
    expect(key?.access).toBeUndefined();
    expect(verdict?.outcome).toBe('unknown');
    expect(gaps.map((g) => [g.operation, g.affects])).toEqual([['arm:ListRoleEligibilityScheduleInstances', ['access']]]);
    expect(gaps[0]?.reason).toMatch(/PIM-eligible role assignments of kv-pim .*Microsoft\.Authorization\/roleEligibilityScheduleInstances\/read/);
  });
});
