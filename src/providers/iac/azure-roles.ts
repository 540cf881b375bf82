// Built-in Azure role definitions that matter for keys (ids are the same in every tenant), for role
// assignments a plan or template declares by name or id. A role not listed here and not defined in
// the same plan leaves the assignment's capabilities unknown.
import type { RawRoleDefinition } from '../azure/normalize.ts';

const KV = 'Microsoft.KeyVault/vaults';

const role = (id: string, roleName: string, p: { actions?: string[]; notActions?: string[]; dataActions?: string[] }): RawRoleDefinition => ({
  id,
  roleName,
  permissions: [{ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: [] }],
});

export const BUILT_IN_ROLES: readonly RawRoleDefinition[] = [
  role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', { actions: ['*'] }),
  role('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', {
    actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
  }),
  role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', { actions: ['*/read'] }),
  role('18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'User Access Administrator', { actions: ['*/read', 'Microsoft.Authorization/*'] }),
  role('f25e0fa2-a7c8-4377-a976-54943a77a395', 'Key Vault Contributor', { actions: ['Microsoft.KeyVault/*'] }),
  role('00482a5a-887f-4fb3-b363-3b7fe8e74483', 'Key Vault Administrator', { actions: [`${KV}/*/read`], dataActions: [`${KV}/*`] }),
  role('14b46e9e-c2b7-41b4-b07b-48a6ebf60603', 'Key Vault Crypto Officer', {
    actions: [`${KV}/*/read`],
    dataActions: [`${KV}/keys/*`, `${KV}/keyrotationpolicies/*`],
  }),
  role('12338af0-0e69-4776-bea7-57ae8d297424', 'Key Vault Crypto User', {
    dataActions: [
      `${KV}/keys/read`,
      `${KV}/keys/update/action`,
      `${KV}/keys/backup/action`,
      `${KV}/keys/encrypt/action`,
      `${KV}/keys/decrypt/action`,
      `${KV}/keys/wrap/action`,
      `${KV}/keys/unwrap/action`,
      `${KV}/keys/sign/action`,
      `${KV}/keys/verify/action`,
    ],
  }),
  role('e147488a-f6f5-4113-8e2d-b22465e65bf6', 'Key Vault Crypto Service Encryption User', {
    dataActions: [`${KV}/keys/read`, `${KV}/keys/wrap/action`, `${KV}/keys/unwrap/action`],
  }),
  role('08bbd89e-9f13-488c-ac41-acfcb10c90ab', 'Key Vault Crypto Service Release User', { dataActions: [`${KV}/keys/release/action`] }),
  role('21090545-7ca7-4776-b22c-e363652d74d2', 'Key Vault Reader', { actions: [`${KV}/*/read`], dataActions: [`${KV}/*/read`] }),
  role('4633458b-17de-408a-b874-0445c86b69e6', 'Key Vault Secrets User', {
    dataActions: [`${KV}/secrets/getSecret/action`, `${KV}/secrets/readMetadata/action`],
  }),
];

/** A lookup of `roles` by display name or by (the final GUID of) a definition id. */
function lookupIn(roles: readonly RawRoleDefinition[]): (nameOrId: string) => RawRoleDefinition | undefined {
  const byName = new Map(roles.map((r) => [(r.roleName ?? '').toLowerCase(), r]));
  const byId = new Map(roles.map((r) => [r.id, r]));
  return (nameOrId) => {
    const key = nameOrId.toLowerCase();
    return byName.get(key) ?? byId.get(key.split('/').pop() ?? key);
  };
}

/** A built-in role by display name or by (the final GUID of) its definition id. */
export const builtInRole = lookupIn(BUILT_IN_ROLES);

const MHSM = 'Microsoft.KeyVault/managedHsm';
const MHSM_ROLE_WRITE = [`${MHSM}/roleAssignments/write/action`, `${MHSM}/roleDefinitions/write/action`];
const MHSM_CRYPTO = ['encrypt', 'decrypt', 'wrap', 'unwrap', 'sign', 'verify'].map((op) => `${MHSM}/keys/${op}/action`);

/**
 * Managed HSM local RBAC built-in roles (Microsoft Learn, "Local RBAC built-in roles for Managed HSM":
 * role ids and the permitted-operations table), with the data actions that reach keys or grant roles.
 */
export const HSM_BUILT_IN_ROLES: readonly RawRoleDefinition[] = [
  role('a290e904-7015-4bba-90c8-60543313cdb4', 'Managed HSM Administrator', { dataActions: [...MHSM_ROLE_WRITE, `${MHSM}/backup/start/action`] }),
  role('515eb02d-2335-4d2d-92f2-b1cbdf9c3778', 'Managed HSM Crypto Officer', {
    dataActions: [...MHSM_ROLE_WRITE, `${MHSM}/keys/deletedKeys/recover/action`, `${MHSM}/keys/export/action`],
  }),
  role('21dbd100-6940-42c2-9190-5d6cb909625b', 'Managed HSM Crypto User', {
    dataActions: [
      `${MHSM}/keys/read/action`,
      `${MHSM}/keys/write/action`,
      `${MHSM}/keys/create`,
      `${MHSM}/keys/delete`,
      `${MHSM}/keys/import/action`,
      `${MHSM}/keys/release/action`,
      ...MHSM_CRYPTO,
    ],
  }),
  role('4bd23610-cdcf-4971-bdee-bdc562cc28e4', 'Managed HSM Policy Administrator', { dataActions: MHSM_ROLE_WRITE }),
  role('2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 'Managed HSM Crypto Auditor', { dataActions: [`${MHSM}/keys/read/action`] }),
  role('33413926-3206-4cdd-b39a-83574fe37a17', 'Managed HSM Crypto Service Encryption User', {
    dataActions: [`${MHSM}/keys/read/action`, `${MHSM}/keys/wrap/action`, `${MHSM}/keys/unwrap/action`],
  }),
  role('21dbd100-6940-42c2-9190-5d6cb909625c', 'Managed HSM Crypto Service Release User', {
    dataActions: [`${MHSM}/keys/read/action`, `${MHSM}/keys/release/action`],
  }),
  role('7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8', 'Managed HSM Backup', { dataActions: [`${MHSM}/backup/start/action`, `${MHSM}/keys/backup/action`] }),
  role('6efe6056-5259-49d2-8b3d-d3d73544b20b', 'Managed HSM Restore', { dataActions: [`${MHSM}/restore/start/action`, `${MHSM}/keys/restore/action`] }),
];

/** A Managed HSM built-in role by (the final GUID of) its definition id, or by display name. */
export const hsmBuiltInRole = lookupIn(HSM_BUILT_IN_ROLES);
