// arm:ListRoleAssignments: who holds which role on a vault; with the subscription's role definitions
// this decides access on an RBAC vault (access policies come with the vault itself).
import type { GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import { type RawRoleAssignment, type RawRoleDefinition, type RawVault, roleDefinitionKey } from '../normalize.ts';

export interface VaultRoles {
  /** undefined when access cannot be decided (a gap says why). */
  assignments?: RawRoleAssignment[];
  roleDefinitions: Map<string, RawRoleDefinition>;
}

export async function readRoleAssignments(
  run: AzureRun,
  vault: RawVault,
  scope: GapScope,
  defs: Map<string, RawRoleDefinition> | undefined,
  defsMissing: boolean,
): Promise<VaultRoles> {
  const roleDefinitions = defs ?? new Map<string, RawRoleDefinition>();
  if (vault.kind !== 'vault') return { assignments: defsMissing ? undefined : [], roleDefinitions };
  const sub = vault.subscriptionId ?? '';
  let list: RawRoleAssignment[] | undefined;
  try {
    list = await call(run, 'arm:ListRoleAssignments', `arm:${sub.toLowerCase()}`, (s) => run.clients.listRoleAssignments(sub, vault.id as string, s));
  } catch (err) {
    fail(run, 'arm:ListRoleAssignments', err, { what: `the role assignments of ${vault.name}`, scope, affects: ['access'] });
    return { roleDefinitions };
  }
  if (defsMissing) return { roleDefinitions };
  const missing = [...new Set(list.map((a) => roleDefinitionKey(a.roleDefinitionId)).filter((k) => !roleDefinitions.has(k)))];
  if (!missing.length) return { assignments: list, roleDefinitions };
  const reason = `role definition(s) ${missing.join(', ')} used on ${vault.name} could not be read at the subscription scope, so what their holders can do is unknown; grant Microsoft.Authorization/roleDefinitions/read where the roles are defined (see \`keyhygiene permissions azure\`)`;
  note(run, 'arm:ListRoleDefinitions', scope, reason, ['access']);
  return { roleDefinitions };
}
