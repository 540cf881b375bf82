// A planned Managed HSM key's local RBAC (Terraform azurerm_key_vault_managed_hardware_security_module_role_assignment
// and _role_definition, and the HSM's initial administrators) as its access entries, through the Azure
// provider's own accessForHsmKey. Pure. Assignments made outside the plan are visible only for an HSM
// this plan creates (its local RBAC then holds nothing else); otherwise access keeps a gap.
import type { AccessEntry } from '../../model/access-entry.ts';
import { accessForHsmKey, type RawRoleAssignment, type RawRoleDefinition, type RawVault, roleDefinitionKey } from '../azure/normalize.ts';
import { hsmBuiltInRole } from './azure-roles.ts';
import { type PlanContext, REF_PREFIX } from './plan-context.ts';
import { type PlannedResource, Reader, Ref } from './values.ts';

export const HSM_ASSIGNMENT_TYPES = ['azurerm_key_vault_managed_hardware_security_module_role_assignment'];
const HSM_DEFINITION_TYPES = ['azurerm_key_vault_managed_hardware_security_module_role_definition'];
const HSM_TYPES = ['azurerm_key_vault_managed_hardware_security_module'];
const ADMINISTRATOR = 'a290e904-7015-4bba-90c8-60543313cdb4';

export interface HsmAccess {
  entries: AccessEntry[];
  /** Why the entries may not be all of the key's access; undefined when they are. */
  gap?: string;
}

/** The planned HSM an assignment targets (managed_hsm_id, or the older vault_base_url); 'unknown' when not known at plan time. */
function hsmOf(ctx: PlanContext, a: PlannedResource): PlannedResource | 'unknown' | undefined {
  const v = a.values.managed_hsm_id ?? a.values.vault_base_url;
  if (v instanceof Ref) return ctx.resolve(v, HSM_TYPES) ?? 'unknown';
  if (typeof v !== 'string') return 'unknown';
  const name = (/\/managedHSMs\/([^/]+)/i.exec(v) ?? /^https:\/\/([^./]+)\.managedhsm\./i.exec(v))?.[1]?.toLowerCase();
  return ctx.ofType(...HSM_TYPES).find((h) => typeof h.values.name === 'string' && h.values.name.toLowerCase() === name);
}

/** The role an assignment grants: a role definition of the plan, or a Managed HSM built-in role by id. */
function roleOf(ctx: PlanContext, a: PlannedResource): RawRoleDefinition | undefined {
  const v = a.values.role_definition_id;
  const id = typeof v === 'string' ? roleDefinitionKey(v) : undefined;
  const planned =
    (v instanceof Ref ? ctx.resolve(v, HSM_DEFINITION_TYPES) : undefined) ??
    ctx.ofType(...HSM_DEFINITION_TYPES).find((d) => typeof d.values.name === 'string' && d.values.name.toLowerCase() === id);
  if (planned) {
    const read = new Reader(planned.values);
    const list = (p: Record<string, unknown>, n: string) => (Array.isArray(p[n]) ? (p[n] as unknown[]).map(String) : []);
    const permissions = (read.list('permission') ?? []).map((p) => ({
      actions: list(p, 'actions'),
      notActions: list(p, 'not_actions'),
      dataActions: list(p, 'data_actions'),
      notDataActions: list(p, 'not_data_actions'),
    }));
    return { id: read.str('name') ?? planned.address, permissions };
  }
  return id ? hsmBuiltInRole(id) : undefined;
}

/** The plan's local RBAC assignments on one HSM, and why any of them is not known before apply. */
function assignmentsOn(ctx: PlanContext, hsm: PlannedResource): { assignments: RawRoleAssignment[]; roles: Map<string, RawRoleDefinition>; unknown: string[] } {
  const assignments: RawRoleAssignment[] = [];
  const roles = new Map<string, RawRoleDefinition>();
  const unknown: string[] = [];
  for (const a of ctx.ofType(...HSM_ASSIGNMENT_TYPES)) {
    const target = hsmOf(ctx, a);
    if (target === 'unknown') unknown.push(`${a.address}: the managed HSM it assigns on is known only after apply`);
    if (target !== hsm) continue;
    const { scope, principal_id: principal } = a.values;
    const role = roleOf(ctx, a);
    if (typeof scope !== 'string') unknown.push(`${a.address}: its scope is known only after apply`);
    else if (!role) unknown.push(`${a.address}: its role is not a Managed HSM built-in role nor defined in the plan`);
    else if (typeof principal !== 'string' && !(principal instanceof Ref)) unknown.push(`${a.address}: its principal is known only after apply`);
    else {
      roles.set(roleDefinitionKey(role.id), role);
      const principalId = principal instanceof Ref ? `${REF_PREFIX}${principal.address}` : String(principal);
      assignments.push({ id: `/${ctx.idOf(a)}`, scope, roleDefinitionId: role.id, principalId });
    }
  }
  return { assignments, roles, unknown };
}

/** Who can use one key of a planned Managed HSM, from the plan's local RBAC and initial administrators. */
export function plannedHsmAccess(ctx: PlanContext, hsm: PlannedResource, vault: RawVault, keyName: string): HsmAccess {
  const { assignments, roles, unknown } = assignmentsOn(ctx, hsm);
  // A Terraform plan says whether the HSM is new; an ARM deployment may land on an existing one.
  const created = hsm.format === 'terraform-plan' && (hsm.action === 'create' || hsm.action === 'replace');
  if (created) {
    // The initial administrators hold Managed HSM Administrator at "/" (they may grant any role).
    const admins = hsm.values.admin_object_ids;
    if (!Array.isArray(admins) || admins.some((x) => typeof x !== 'string')) unknown.push(`${hsm.address}: admin_object_ids is known only after apply`);
    else {
      roles.set(ADMINISTRATOR, hsmBuiltInRole(ADMINISTRATOR) as RawRoleDefinition);
      for (const [i, id] of (admins as string[]).entries())
        assignments.push({ id: `/${ctx.idOf(hsm)}#admin_object_ids[${i}]`, scope: '/', roleDefinitionId: ADMINISTRATOR, principalId: id });
    }
  } else
    unknown.push(
      `${hsm.address}: the HSM exists already, so local role assignments made outside this plan may also decide who can use its keys (audit the live HSM with the azure provider)`,
    );
  const entries = accessForHsmKey({ vault, keyName, assignments, roleDefinitions: roles }).map((e) => ({ ...e, principal: ctx.enrichPrincipal(e.principal) }));
  return { entries, ...(unknown.length ? { gap: unknown.join('; ') } : {}) };
}
