// Role assignments to groups, written from the Microsoft Graph reference (List group transitive
// members: users, service principals, nested groups, devices, each with its @odata.type, paged by
// @odata.nextLink): a debug service principal inside a group nested in the group the policy calls
// production reaches the production key, and is judged as itself; a member list that cannot be read
// leaves access unknown.
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import type { FakeAzureOptions, FakeAzureWorld } from '../../../src/fakes/azure/server.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import azureProvider from '../../../src/providers/azure/index.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { collectFromFake, useAzureFake } from './harness.ts';
import { DEBUG_SP, SIGNER, SUB_A, spki, TENANT } from './world.ts';

const azure = useAzureFake();
const tmp = tempDir();
const PROD_GROUP = '77777777-7777-4777-8777-777777777777';
const NESTED_GROUP = '88888888-8888-4888-8888-888888888888';
const DEVICE = '99999999-9999-4999-8999-999999999999';
const ALL_STAFF = '0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a';
const KV_READER = '21090545-7ca7-4776-b22c-e363652d74d2';
const CRYPTO_USER = '12338af0-0e69-4776-bea7-57ae8d297424';
const VAULT = `/subscriptions/${SUB_A}/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/kv-groups`;
const POLICY = `version: 1
environments:
  production: { kind: production, match: [{ tags: { env: prod } }, { principals: [prod-signers, signing-ops, token-service-prod, '${PROD_GROUP}'] }] }
  debug: { kind: debug, match: [{ principals: [debug-shell] }] }
rules: { nonprod-principal-access: high }
`;

function world(principalType: 'Group' | 'ForeignGroup' = 'Group'): FakeAzureWorld {
  return {
    tenantId: TENANT,
    principals: {
      [PROD_GROUP]: { displayName: 'prod-signers', type: 'group', members: [SIGNER, NESTED_GROUP, DEVICE] },
      [NESTED_GROUP]: { displayName: 'signing-ops', type: 'group', members: [DEBUG_SP, PROD_GROUP] },
      [SIGNER]: { displayName: 'token-service-prod', type: 'servicePrincipal', servicePrincipalType: 'ManagedIdentity' },
      [DEBUG_SP]: { displayName: 'debug-shell', type: 'servicePrincipal', servicePrincipalType: 'Application', appId: '0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a' },
      [DEVICE]: { displayName: 'build-agent-07', type: 'device' },
      [ALL_STAFF]: { displayName: 'all-staff', type: 'group', members: [DEBUG_SP] },
    },
    subscriptions: [
      {
        id: SUB_A,
        roleAssignments: [
          { scope: VAULT, roleDefinition: CRYPTO_USER, principalId: PROD_GROUP, principalType },
          // Key Vault Reader for everyone: reading public keys is judged by no rule, so not expanded.
          { scope: `/subscriptions/${SUB_A}`, roleDefinition: KV_READER, principalId: ALL_STAFF, principalType: 'Group' },
        ],
        vaults: [
          {
            name: 'kv-groups',
            resourceGroup: 'identity',
            location: 'westeurope',
            rbac: true,
            tags: { env: 'prod' },
            keys: [{ name: 'signer', kty: 'EC-HSM', keyOps: ['sign', 'verify'], publicKey: spki('ec'), created: '2026-06-01T00:00:00Z' }],
          },
        ],
      },
    ],
  };
}

async function audit(options: FakeAzureOptions = {}, w = world()) {
  const fake = await azure.start(w, { graphPageSize: 2, ...options });
  const out = await collectFromFake(fake, { graphEndpoint: fake.url });
  expectOnlyDeclared(fake.operations(), azureProvider);
  expect(fake.undeclared()).toEqual([]);
  const inv = inventory({ providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const result = auditInventory(inv, resolvePolicyFile(tmp.write('policy.yaml', POLICY)), new Date('2026-12-05T00:00:00Z'), true);
  const verdict = result.results.find((r) => r.ruleId === 'nonprod-principal-access');
  return { key: out.keys?.[0], gaps: out.gaps ?? [], verdict, fake };
}

describe('Azure role assignments to groups', () => {
  it('a debug service principal in a group nested in the production group reaches the key: a failure, read over pages', async () => {
    const { key, gaps, verdict, fake } = await audit();
    expect(gaps).toEqual([]);
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/debug-shell/);
    const byId = new Map(key?.access?.map((e) => [e.principal.id, e]));
    expect(byId.get(DEBUG_SP)).toMatchObject({
      principal: { kind: 'service-principal', name: 'debug-shell', tenant: TENANT },
      capabilities: expect.arrayContaining(['use-sign']),
      source: 'rbac',
      via: ['prod-signers'],
    });
    expect(byId.get(SIGNER)?.principal).toMatchObject({ kind: 'managed-identity', name: 'token-service-prod' });
    expect(byId.get(NESTED_GROUP)?.principal.kind).toBe('group');
    // A device cannot sign in to Key Vault: not an entry. The group itself stays one.
    expect(byId.has(DEVICE)).toBe(false);
    expect(byId.get(PROD_GROUP)?.via).toBeUndefined();
    expect(key?.access?.filter((e) => e.via?.includes('all-staff'))).toEqual([]);
    // Four members (the device among them) over two pages of 2, asked for the one group with key access.
    expect(fake.requests.filter((r) => r.operation === 'graph:ListGroupTransitiveMembers').length).toBe(2);
  });

  it("a member's federated identity credentials are read like a direct holder's: via the member, then the group", async () => {
    const w = world();
    const debug = w.principals?.[DEBUG_SP];
    if (debug)
      debug.federatedIdentityCredentials = [
        { name: 'gh-pr', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:contoso/signer:pull_request' },
      ];
    const { key, fake } = await audit({}, w);
    const federated = key?.access?.find((e) => e.principal.federation);
    expect(federated).toMatchObject({
      principal: { id: 'https://token.actions.githubusercontent.com#repo:contoso/signer:pull_request' },
      via: ['https://token.actions.githubusercontent.com', 'debug-shell', 'prod-signers'],
    });
    expect(fake.operations()).toContain('graph:ListFederatedIdentityCredentials');
  });

  it('a member list that cannot be read is a gap on access: the verdict is unknown, never a pass', async () => {
    const { key, gaps, verdict } = await audit({ groupMembersForbidden: true });
    expect(key?.access?.map((e) => e.principal.id)).toEqual([ALL_STAFF, PROD_GROUP]);
    expect(gaps.map((g) => [g.operation, g.affects, g.scope.subjectId])).toEqual([['graph:ListGroupTransitiveMembers', ['access'], key?.id]]);
    expect(gaps[0]?.reason).toMatch(/members of group prod-signers.*GroupMember\.Read\.All/);
    expect(verdict?.outcome).toBe('unknown');
  });

  it('without Graph (resolvePrincipalNames: false) a group with key use is a gap on access, never judged as the group alone', async () => {
    const fake = await azure.start(world());
    const out = await collectFromFake(fake, { resolvePrincipalNames: false });
    const key = out.keys?.[0];
    expect(key?.access?.map((e) => [e.principal.kind, e.principal.id])).toEqual([
      ['group', ALL_STAFF],
      ['group', PROD_GROUP],
    ]);
    // Only the group that can use the key (not the Key Vault Reader group) leaves its key's access unknown.
    const gaps = out.gaps ?? [];
    expect(gaps.map((g) => [g.operation, g.affects, g.scope.subjectId])).toEqual([['graph:ListGroupTransitiveMembers', ['access'], key?.id]]);
    expect(gaps[0]?.reason).toMatch(/group 77777777-.*Microsoft Graph is off.*resolvePrincipalNames: true/);
    expect(fake.operations()).not.toContain('graph:ListGroupTransitiveMembers');
    const inv = inventory({ providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps });
    const result = auditInventory(inv, resolvePolicyFile(tmp.write('policy.yaml', POLICY)), new Date('2026-12-05T00:00:00Z'), true);
    expect(result.results.find((r) => r.ruleId === 'nonprod-principal-access')?.outcome).toBe('unknown');
  });

  it('a group of another tenant (ForeignGroup, Azure Lighthouse) is a gap: its members cannot be read from this tenant', async () => {
    const w = world('ForeignGroup');
    delete w.principals?.[PROD_GROUP];
    const { gaps, verdict, fake } = await audit({}, w);
    expect(gaps.map((g) => [g.operation, g.affects])).toEqual([['graph:ListGroupTransitiveMembers', ['access']]]);
    expect(gaps[0]?.reason).toMatch(/another tenant \(a ForeignGroup role assignment/);
    expect(verdict?.outcome).toBe('unknown');
    expect(fake.operations()).not.toContain('graph:ListGroupTransitiveMembers');
  });

  it('a group Graph could not read at all is a gap too', async () => {
    const { gaps, verdict } = await audit({ graphForbidden: true });
    expect(gaps.map((g) => g.operation)).toContain('graph:ListGroupTransitiveMembers');
    expect(verdict?.outcome).toBe('unknown');
  });
});
