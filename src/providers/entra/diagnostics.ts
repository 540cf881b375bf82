// Read: the tenant's Entra ID diagnostic settings and the retention of where they send sign-in logs.
import type { AuditTrail } from '../../model/audit-trail.ts';
import { SIGN_IN_CATEGORIES } from '../../model/identity-retention.ts';
import { type ProviderKit, ReadFailure } from '../kit/index.ts';
import type { EntraClients } from './client.ts';
import { enabledCategories, type RawTable, type RawTenantSetting, type RawWorkspace, settingTrails, signInCategoriesOf, tableRetention } from './normalize.ts';

/** Days a workspace keeps the given categories: the shortest of their tables' retention. */
async function workspaceRetention(
  kit: ProviderKit,
  clients: EntraClients,
  tenant: string,
  workspaceId: string,
  categories: readonly string[],
): Promise<number | undefined> {
  const scope = { account: tenant, subjectId: workspaceId };
  const workspace = await kit.read(
    'arm:GetWorkspace',
    { account: tenant, gap: { what: `the retention of Log Analytics workspace ${workspaceId}`, scope, affects: ['retentionDays'] } },
    (signal) => clients.getWorkspace(workspaceId, signal),
  );
  if (!workspace) return undefined;
  const days: (number | undefined)[] = [];
  for (const category of categories) {
    const table = SIGN_IN_CATEGORIES[category] as string;
    days.push(await readTable(kit, clients, tenant, workspace, table));
  }
  if (days.length === 0) return workspace.retentionInDays;
  return days.some((d) => d === undefined) ? undefined : Math.min(...(days as number[]));
}

/** A table's retention; a table not created yet keeps the workspace default. */
async function readTable(kit: ProviderKit, clients: EntraClients, tenant: string, workspace: RawWorkspace, table: string): Promise<number | undefined> {
  let raw: RawTable | undefined;
  try {
    raw = await kit.call('arm:GetWorkspaceTable', { account: tenant }, (signal) => clients.getTable(workspace.id, table, signal));
  } catch (err) {
    if (err instanceof ReadFailure && err.failure.kind === 'not-found') return workspace.retentionInDays;
    if (!(err instanceof ReadFailure)) throw err;
    kit.failed('arm:GetWorkspaceTable', err, {
      what: `the retention of table ${table} in workspace ${workspace.id}`,
      scope: { account: tenant, subjectId: `${workspace.id}/tables/${table}` },
      affects: ['retentionDays'],
    });
    return undefined;
  }
  return tableRetention(raw, workspace);
}

/** Every destination of every tenant diagnostic setting, as trails; a failed list is a gap for the tenant's trails. */
export async function readDiagnosticSettings(kit: ProviderKit, clients: EntraClients, tenant: string): Promise<AuditTrail[]> {
  const settings: RawTenantSetting[] | undefined = await kit.read(
    'arm:ListTenantDiagnosticSettings',
    {
      account: tenant,
      gap: {
        what: `the Entra ID diagnostic settings of tenant ${tenant}`,
        scope: { account: tenant },
        affects: ['trails'],
        fix: 'grant the audit identity microsoft.aadiam/diagnosticSettings/read at the tenant root (/providers/microsoft.aadiam), e.g. the Security Reader role, then rerun',
      },
    },
    (signal) => clients.listTenantDiagnosticSettings(signal),
  );
  if (!settings) return [];
  const trails: AuditTrail[] = [];
  for (const s of settings) {
    const signIns = signInCategoriesOf(enabledCategories(s));
    const workspaceId = s.properties?.workspaceId;
    const la = workspaceId ? await workspaceRetention(kit, clients, tenant, workspaceId, signIns) : undefined;
    // A storage account keeps what its lifecycle rules keep (not read): the setting's own retentionPolicy was
    // retired by Azure Monitor on 30 September 2025 and no longer applies. An event hub keeps nothing itself.
    trails.push(...settingTrails(tenant, s, (d) => (d === 'log-analytics' ? la : undefined)));
  }
  return trails;
}
