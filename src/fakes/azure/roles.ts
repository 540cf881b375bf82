// Azure RBAC built-in role definitions the simulator serves, copied from Microsoft's "Azure built-in
// roles" reference (name GUIDs, actions and data actions as documented).
import type { FakeRoleDefinition } from './types.ts';

export const BUILT_IN_ROLES: FakeRoleDefinition[] = [
  { name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner', actions: ['*'] },
  {
    name: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleName: 'Contributor',
    actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
  },
  { name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', actions: ['*/read'] },
  {
    name: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    roleName: 'Key Vault Administrator',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*'],
  },
  {
    name: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    roleName: 'Key Vault Crypto Officer',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
  },
  {
    name: '12338af0-0e69-4776-bea7-57ae8d297424',
    roleName: 'Key Vault Crypto User',
    dataActions: [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/update/action',
      'Microsoft.KeyVault/vaults/keys/backup/action',
      'Microsoft.KeyVault/vaults/keys/encrypt/action',
      'Microsoft.KeyVault/vaults/keys/decrypt/action',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
      'Microsoft.KeyVault/vaults/keys/sign/action',
      'Microsoft.KeyVault/vaults/keys/verify/action',
    ],
  },
  {
    name: '21090545-7ca7-4776-b22c-e363652d74d2',
    roleName: 'Key Vault Reader',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*/read'],
  },
];

const MHSM = 'Microsoft.KeyVault/managedHsm';
const ROLE_READ = [`${MHSM}/roleAssignments/read/action`, `${MHSM}/roleDefinitions/read/action`];
const ROLE_WRITE = [
  `${MHSM}/roleAssignments/write/action`,
  `${MHSM}/roleAssignments/delete/action`,
  `${MHSM}/roleDefinitions/write/action`,
  `${MHSM}/roleDefinitions/delete/action`,
];
const KEY_CRYPTO = ['encrypt', 'decrypt', 'wrap', 'unwrap', 'sign', 'verify'].map((op) => `${MHSM}/keys/${op}/action`);

/**
 * Managed HSM local RBAC built-in roles, from Microsoft's "Local RBAC built-in roles for Managed HSM"
 * (role ids and the permitted-operations table; data actions carry the Microsoft.KeyVault/managedHsm prefix).
 */
export const MANAGED_HSM_ROLES: FakeRoleDefinition[] = [
  {
    name: 'a290e904-7015-4bba-90c8-60543313cdb4',
    roleName: 'Managed HSM Administrator',
    dataActions: [
      `${MHSM}/securitydomain/download/action`,
      `${MHSM}/securitydomain/upload/action`,
      `${MHSM}/securitydomain/upload/read`,
      `${MHSM}/securitydomain/transferkey/read`,
      ...ROLE_READ,
      ...ROLE_WRITE,
      `${MHSM}/backup/start/action`,
      `${MHSM}/backup/status/action`,
      `${MHSM}/restore/start/action`,
      `${MHSM}/restore/status/action`,
    ],
  },
  {
    name: '515eb02d-2335-4d2d-92f2-b1cbdf9c3778',
    roleName: 'Managed HSM Crypto Officer',
    dataActions: [
      ...ROLE_READ,
      ...ROLE_WRITE,
      `${MHSM}/keys/deletedKeys/read/action`,
      `${MHSM}/keys/deletedKeys/recover/action`,
      `${MHSM}/keys/deletedKeys/delete`,
      `${MHSM}/keys/export/action`,
    ],
  },
  {
    name: '21dbd100-6940-42c2-9190-5d6cb909625b',
    roleName: 'Managed HSM Crypto User',
    dataActions: [
      ...ROLE_READ,
      `${MHSM}/keys/read/action`,
      `${MHSM}/keys/write/action`,
      `${MHSM}/keys/rotate/action`,
      `${MHSM}/keys/create`,
      `${MHSM}/keys/delete`,
      `${MHSM}/keys/backup/action`,
      `${MHSM}/keys/restore/action`,
      `${MHSM}/keys/release/action`,
      `${MHSM}/keys/import/action`,
      ...KEY_CRYPTO,
      `${MHSM}/rng/action`,
    ],
  },
  { name: '4bd23610-cdcf-4971-bdee-bdc562cc28e4', roleName: 'Managed HSM Policy Administrator', dataActions: [...ROLE_READ, ...ROLE_WRITE] },
  {
    name: '2c18b078-7c48-4d3a-af88-5a3a1b3f82b3',
    roleName: 'Managed HSM Crypto Auditor',
    dataActions: [...ROLE_READ, `${MHSM}/keys/read/action`, `${MHSM}/keys/deletedKeys/read/action`],
  },
  {
    name: '33413926-3206-4cdd-b39a-83574fe37a17',
    roleName: 'Managed HSM Crypto Service Encryption User',
    dataActions: [`${MHSM}/keys/read/action`, `${MHSM}/keys/wrap/action`, `${MHSM}/keys/unwrap/action`],
  },
  {
    name: '21dbd100-6940-42c2-9190-5d6cb909625c',
    roleName: 'Managed HSM Crypto Service Release User',
    dataActions: [`${MHSM}/keys/read/action`, `${MHSM}/keys/release/action`],
  },
  {
    name: '7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8',
    roleName: 'Managed HSM Backup',
    dataActions: [`${MHSM}/backup/start/action`, `${MHSM}/backup/status/action`, `${MHSM}/keys/backup/action`],
  },
  {
    name: '6efe6056-5259-49d2-8b3d-d3d73544b20b',
    roleName: 'Managed HSM Restore',
    dataActions: [`${MHSM}/restore/start/action`, `${MHSM}/restore/status/action`, `${MHSM}/keys/restore/action`],
  },
];
