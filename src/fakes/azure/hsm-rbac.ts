// Managed HSM local RBAC as the data plane serves it (Key Vault 7.4+, "Role Assignments - List For
// Scope" and "Role Definitions - List"): assignments at /, /keys and /keys/<name>, the documented
// built-in roles and the pool's custom ones. Shapes as the REST reference shows them.
import { guid, HttpError } from './context.ts';
import type { DataPlane } from './keyvault.ts';
import { MANAGED_HSM_ROLES } from './roles.ts';

const PROVIDER_PATH = /\/providers\/Microsoft\.Authorization\/role(Assignments|Definitions)\/?$/i;
const scopeOf = (url: URL) => `/${url.pathname.replace(PROVIDER_PATH, '').replace(/^\/+|\/+$/g, '')}`;
const within = (inner: string, outer: string) => outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
const defId = (name: string) => `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${name}`;

function guard(dp: DataPlane): void {
  const v = dp.entry.vault;
  if (v.kind !== 'managed-hsm') throw new HttpError(404, 'NotFound', 'Role-based access control of a vault is managed by Azure Resource Manager.');
  if (v.localRbacForbidden)
    throw new HttpError(
      403,
      'Forbidden',
      `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/managedHsm/roleAssignments/read/action'`,
    );
}

/** Assignments at the scope, above it and below it. */
export function listHsmRoleAssignments(dp: DataPlane, url: URL): unknown {
  guard(dp);
  const scope = scopeOf(url);
  const value = (dp.entry.vault.localRoleAssignments ?? [])
    .filter((a) => within(a.scope, scope) || within(scope, a.scope))
    .map((a) => {
      const name = a.name ?? guid(`${dp.entry.vault.name}|${a.scope}|${a.roleDefinition}|${a.principalId}`);
      return {
        id: `/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        type: 'Microsoft.Authorization/roleAssignments',
        properties: { scope: a.scope, roleDefinitionId: defId(a.roleDefinition), principalId: a.principalId },
      };
    });
  return { value, nextLink: null };
}

export function listHsmRoleDefinitions(dp: DataPlane): unknown {
  guard(dp);
  const custom = dp.entry.vault.localRoleDefinitions ?? [];
  const value = [...MANAGED_HSM_ROLES, ...custom].map((d) => ({
    id: defId(d.name),
    name: d.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: d.roleName,
      description: '',
      type: custom.includes(d) ? 'CustomRole' : 'AKVBuiltInRole',
      permissions: [{ actions: d.actions ?? [], notActions: d.notActions ?? [], dataActions: d.dataActions ?? [], notDataActions: d.notDataActions ?? [] }],
      assignableScopes: ['/'],
    },
  }));
  return { value, nextLink: null };
}
