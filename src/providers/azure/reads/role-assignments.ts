// arm:ListRoleAssignments and arm:ListRoleEligibilityScheduleInstances: who holds, or may activate
// through PIM, which role on a vault; with the subscription's role definitions this decides access on
// an RBAC vault (access policies come with the vault itself).
import { classify, type GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import { type RawRoleAssignment, type RawRoleDefinition, type RawVault, roleDefinitionKey } from '../normalize.ts';

export interface VaultRoles {
  /** undefined when access cannot be decided (a gap says why). */
  assignments?: RawRoleAssignment[];
  roleDefinitions: Map<string, RawRoleDefinition>;
}

/** Per collection and subscription: whether its tenant has PIM, settled by the first vault's answer. */
const pimLicensed = new WeakMap<AzureRun, Map<string, Promise<boolean>>>();

/**
 * The PIM-eligible assignments on a vault. A tenant without Microsoft Entra ID P2 (or Governance)
 * answers 400 AadPremiumLicenseRequired: it has no PIM, so nobody is eligible — asked once per
 * subscription (the other vaults wait for that answer instead of spending a call each on the same 400).
 * Undefined when the list could not be read (a gap on access: an eligible principal could be missed).
 */
async function eligibleOn(run: AzureRun, vault: RawVault, scope: GapScope): Promise<RawRoleAssignment[] | undefined> {
  const sub = vault.subscriptionId ?? '';
  const probes = pimLicensed.get(run) ?? new Map<string, Promise<boolean>>();
  pimLicensed.set(run, probes);
  const first = probes.get(sub);
  if (first && !(await first)) return [];
  let settle: ((licensed: boolean) => void) | undefined;
  if (!first) probes.set(sub, new Promise((resolve) => (settle = resolve)));
  try {
    const list = await call(run, 'arm:ListRoleEligibilityScheduleInstances', `arm:${sub.toLowerCase()}`, (s) =>
      run.clients.listRoleEligibilities(sub, vault.id as string, s),
    );
    settle?.(true);
    return list;
  } catch (err) {
    const unlicensed = classify(err).code === 'AadPremiumLicenseRequired';
    settle?.(!unlicensed); // any other failure says nothing about the licence: the next vault asks
    if (unlicensed) return [];
    fail(run, 'arm:ListRoleEligibilityScheduleInstances', err, { what: `the PIM-eligible role assignments of ${vault.name}`, scope, affects: ['access'] });
    return undefined;
  }
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
  // Without the subscription's role definitions access stays undecided whatever PIM says: not asked.
  const eligibleP = defsMissing ? Promise.resolve(undefined) : eligibleOn(run, vault, scope);
  let active: RawRoleAssignment[] | undefined;
  try {
    active = await call(run, 'arm:ListRoleAssignments', `arm:${sub.toLowerCase()}`, (s) => run.clients.listRoleAssignments(sub, vault.id as string, s));
  } catch (err) {
    fail(run, 'arm:ListRoleAssignments', err, { what: `the role assignments of ${vault.name}`, scope, affects: ['access'] });
  }
  const eligible = await eligibleP;
  if (!active || !eligible || defsMissing) return { roleDefinitions };
  const list = [...active, ...eligible];
  const missing = [...new Set(list.map((a) => roleDefinitionKey(a.roleDefinitionId)).filter((k) => !roleDefinitions.has(k)))];
  if (!missing.length) return { assignments: list, roleDefinitions };
  const reason = `role definition(s) ${missing.join(', ')} used on ${vault.name} could not be read at the subscription scope, so what their holders can do is unknown; grant Microsoft.Authorization/roleDefinitions/read where the roles are defined (see \`keyhygiene permissions azure\`)`;
  note(run, 'arm:ListRoleDefinitions', scope, reason, ['access']);
  return { roleDefinitions };
}
