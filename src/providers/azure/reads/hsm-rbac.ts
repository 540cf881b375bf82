// managedhsm:ListRoleDefinitions and managedhsm:ListRoleAssignments: a Managed HSM's local RBAC, which
// decides who can use its keys (Azure roles on the HSM resource do not reach its data plane). Read at
// the scopes local RBAC has: /, /keys and /keys/<name> for every key.
import type { GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import { type RawRoleAssignment, type RawRoleDefinition, type RawVault, roleDefinitionKey } from '../normalize.ts';

export interface HsmRoles {
  /** undefined when access cannot be decided (a gap says why) */
  assignments?: RawRoleAssignment[];
  roleDefinitions: Map<string, RawRoleDefinition>;
}

const partition = (vault: RawVault) => `kv:${new URL(vault.uri).host.toLowerCase()}`;

export async function readHsmRoles(run: AzureRun, vault: RawVault, scope: GapScope, keyNames: readonly string[]): Promise<HsmRoles> {
  const client = run.clients.hsmRbac(vault.uri);
  const roleDefinitions = new Map<string, RawRoleDefinition>();
  const what = (s: string) => `the local RBAC role assignments of managed HSM ${vault.name} at scope ${s}`;
  try {
    const defs = await call(run, 'managedhsm:ListRoleDefinitions', partition(vault), (s) => client.listRoleDefinitions(s));
    for (const d of defs) roleDefinitions.set(roleDefinitionKey(d.id), d);
  } catch (err) {
    fail(run, 'managedhsm:ListRoleDefinitions', err, { what: `the local RBAC role definitions of managed HSM ${vault.name}`, scope, affects: ['access'] });
    return { roleDefinitions };
  }
  const byId = new Map<string, RawRoleAssignment>();
  for (const s of ['/', '/keys', ...keyNames.map((k) => `/keys/${k}`)]) {
    try {
      const list = await call(run, 'managedhsm:ListRoleAssignments', partition(vault), (sig) => client.listRoleAssignments(s, sig));
      for (const a of list) byId.set(a.id, a);
    } catch (err) {
      fail(run, 'managedhsm:ListRoleAssignments', err, { what: what(s), scope, affects: ['access'] });
      return { roleDefinitions };
    }
  }
  const assignments = [...byId.values()];
  // An assignment to a role the list did not return (deleted, or defined where it was not listed)
  // grants what nobody can say: access is undecided for the whole HSM, never that principal dropped.
  const missing = [...new Set(assignments.map((a) => roleDefinitionKey(a.roleDefinitionId)).filter((k) => !roleDefinitions.has(k)))];
  if (!missing.length) return { assignments, roleDefinitions };
  const reason = `local role definition(s) ${missing.join(', ')} assigned on managed HSM ${vault.name} were not among its role definitions, so what their holders can do is unknown; check the assignments (az keyvault role assignment list --hsm-name ${vault.name}) and remove those to deleted roles`;
  note(run, 'managedhsm:ListRoleDefinitions', scope, reason, ['access']);
  return { roleDefinitions };
}
