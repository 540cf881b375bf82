// A small Azure estate for the provider tests: two subscriptions, an RBAC vault beside an
// access-policy vault, a vault whose data plane answers 403, one unreachable by network and a
// managed HSM.
import { generateKeyPairSync } from 'node:crypto';
import type { FakeAzureWorld } from '../../../src/fakes/azure/server.ts';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUB_A = '11111111-1111-4111-8111-111111111111';
export const SUB_B = '22222222-2222-4222-8222-222222222222';
export const SIGNER = '33333333-3333-4333-8333-333333333333';
export const DEBUG_SP = '44444444-4444-4444-8444-444444444444';
export const ADMIN = '55555555-5555-4555-8555-555555555555';
export const SIGN_ONLY_ROLE = '66666666-6666-4666-8666-666666666666';
export const LAW = `/subscriptions/${SUB_B}/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/law`;

export const spki = (type: 'rsa' | 'ec') =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey : generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)
    .export({ format: 'der', type: 'spki' })
    .toString('base64');

export function testWorld(): FakeAzureWorld {
  const rsa = spki('rsa');
  const ec = spki('ec');
  const signingVault = `/subscriptions/${SUB_A}/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/corp-signing`;
  return {
    tenantId: TENANT,
    workspaces: { [LAW]: { retentionInDays: 400 } },
    principals: {
      [SIGNER]: { displayName: 'token-service-prod', type: 'servicePrincipal', servicePrincipalType: 'ManagedIdentity' },
      [ADMIN]: { displayName: 'alice@contoso.example', type: 'user' },
    },
    subscriptions: [
      {
        id: SUB_A,
        roleDefinitions: [{ name: SIGN_ONLY_ROLE, roleName: 'Token signer', dataActions: ['Microsoft.KeyVault/vaults/keys/sign/action'] }],
        roleAssignments: [
          { scope: `${signingVault}/keys/token-signing`, roleDefinition: SIGN_ONLY_ROLE, principalId: SIGNER, principalType: 'ServicePrincipal' },
          {
            scope: `/subscriptions/${SUB_A}/resourceGroups/identity`,
            roleDefinition: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
            principalId: ADMIN,
            principalType: 'User',
          },
          {
            scope: `/subscriptions/${SUB_A}/resourceGroups/other`,
            roleDefinition: '12338af0-0e69-4776-bea7-57ae8d297424',
            principalId: DEBUG_SP,
            principalType: 'ServicePrincipal',
          },
        ],
        vaults: [
          {
            name: 'corp-signing',
            resourceGroup: 'identity',
            location: 'westeurope',
            sku: 'premium',
            rbac: true,
            purgeProtection: true,
            publicNetworkAccess: 'Disabled',
            privateEndpoints: 1,
            tags: { env: 'prod', owner: 'identity' },
            diagnosticSettings: [{ name: 'to-law', logs: [{ categoryGroup: 'audit', enabled: true }], workspaceId: LAW }],
            keys: [
              {
                name: 'token-signing',
                kty: 'RSA-HSM',
                keyOps: ['sign', 'verify'],
                publicKey: rsa,
                created: '2026-09-01T00:00:00Z',
                olderVersions: ['2025-01-01T00:00:00Z', '2026-03-01T00:00:00Z'],
                tags: { 'key-class': 'token-signing-shared', owner: 'signing-team' },
                rotationPolicy: {
                  lifetimeActions: [
                    { action: 'Rotate', timeAfterCreate: 'P90D' },
                    { action: 'Notify', timeBeforeExpiry: 'P30D' },
                  ],
                  expiryTime: 'P1Y',
                },
                expires: '2027-09-01T00:00:00Z',
              },
              { name: 'old-ec', kty: 'EC', keyOps: ['sign', 'verify'], publicKey: ec, created: '2020-05-05T00:00:00Z', enabled: false, rotationPolicy: null },
            ],
          },
          {
            name: 'legacy-app',
            resourceGroup: 'apps',
            location: 'northeurope',
            rbac: false,
            softDelete: true,
            accessPolicies: [{ objectId: DEBUG_SP, keys: ['get', 'list', 'decrypt', 'unwrapKey'] }],
            keys: [
              { name: 'data-key', kty: 'RSA', keyOps: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], publicKey: spki('rsa'), created: '2024-02-02T00:00:00Z' },
            ],
          },
          {
            name: 'locked-down',
            resourceGroup: 'apps',
            location: 'northeurope',
            rbac: true,
            dataPlane: 'forbidden',
            keys: [{ name: 'k', kty: 'EC', keyOps: ['sign'], created: '2024-01-01T00:00:00Z' }],
          },
          {
            name: 'private-only',
            resourceGroup: 'apps',
            location: 'northeurope',
            rbac: true,
            dataPlane: 'unreachable',
            keys: [{ name: 'k', kty: 'EC', keyOps: ['sign'], created: '2024-01-01T00:00:00Z' }],
          },
        ],
      },
      {
        id: SUB_B,
        vaults: [
          {
            name: 'payments-hsm',
            kind: 'managed-hsm',
            resourceGroup: 'pay',
            location: 'eastus',
            rbac: true,
            // The audit identity holds no local role on this HSM: its local RBAC answers 403.
            localRbacForbidden: true,
            purgeProtection: true,
            keys: [{ name: 'pay-wrap', kty: 'oct-HSM', keyOps: ['wrapKey', 'unwrapKey'], created: '2026-01-01T00:00:00Z', rotationPolicy: null }],
          },
        ],
      },
    ],
  };
}
