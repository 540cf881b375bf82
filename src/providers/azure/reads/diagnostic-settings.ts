// arm:ListDiagnosticSettings, then how long each destination keeps what it receives: arm:GetWorkspace
// and arm:GetWorkspaceTable (Log Analytics), arm:GetStorageManagementPolicy (storage lifecycle rules).
import type { AuditTrail } from '../../../model/audit-trail.ts';
import type { GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail } from '../context.ts';
import { type RawDiagnosticSetting, type RawVault, trailFromDiagnosticSetting } from '../normalize.ts';
import { auditTableOf, logAnalyticsRetentionDays, type RawLifecycleRule, type RawTableRetention, storageRetentionDays } from '../retention.ts';

/** A read's value, or why it could not be read. */
type Read<T> = { value?: T; error?: unknown };

/** Destinations are shared by many vaults: each one is read once per run. */
export interface DestinationReads {
  workspace(id: string): Promise<Read<number>>;
  table(workspaceId: string, table: string): Promise<Read<RawTableRetention>>;
  /** the lifecycle rules of a storage account; null when it has no management policy */
  lifecycle(accountId: string): Promise<Read<RawLifecycleRule[] | null>>;
}

function once<T>(run: AzureRun, op: string, read: (key: string, signal: AbortSignal) => Promise<T>): (key: string) => Promise<Read<T>> {
  const cache = new Map<string, Promise<Read<T>>>();
  return (key) => {
    const k = key.toLowerCase();
    let p = cache.get(k);
    if (!p) {
      p = call(run, op, 'arm', (signal) => read(key, signal)).then(
        (value): Read<T> => ({ value }),
        (error: unknown): Read<T> => ({ error }),
      );
      cache.set(k, p);
    }
    return p;
  };
}

export function destinationReads(run: AzureRun): DestinationReads {
  const c = run.clients;
  const workspace = once(run, 'arm:GetWorkspace', (id, s) => c.getWorkspaceRetention(id, s));
  const table = once(run, 'arm:GetWorkspaceTable', (key, s) => {
    const [id, name] = key.split('|') as [string, string];
    return c.getWorkspaceTable(id, name, s);
  });
  const lifecycle = once(run, 'arm:GetStorageManagementPolicy', (id, s) => c.getStorageLifecycleRules(id, s));
  return {
    workspace: (id) => workspace(id) as Promise<Read<number>>,
    table: (id, name) => table(`${id}|${name}`) as Promise<Read<RawTableRetention>>,
    lifecycle,
  };
}

/**
 * How long the destinations of one setting keep the vault's audit records: undefined when a read
 * failed (a gap says what, why and the fix). With several destinations the longest counts; one
 * unknown leaves it unknown unless another keeps the records indefinitely.
 */
async function settingRetention(run: AzureRun, vault: RawVault, s: RawDiagnosticSetting, scope: GapScope, reads: DestinationReads) {
  const gap = (op: string, err: unknown, what: string) =>
    fail(run, op, err, { what: `${what} (diagnostic setting ${s.name} of ${vault.name})`, scope, affects: ['trails.retentionDays'] });
  const found: (number | null | undefined)[] = [];
  if (s.workspaceId) {
    // The table's retention is the effective one (its own, or the workspace's it defaults to); a
    // workspace without that table yet keeps what arrives for the workspace's default retention.
    const tableName = auditTableOf(s.logAnalyticsDestinationType);
    const table = await reads.table(s.workspaceId, tableName);
    if (table.error !== undefined) gap('arm:GetWorkspaceTable', table.error, `the retention of table ${tableName} in Log Analytics workspace ${s.workspaceId}`);
    let days = table.error === undefined ? logAnalyticsRetentionDays(undefined, table.value) : undefined;
    if (days === undefined && table.error === undefined) {
      const ws = await reads.workspace(s.workspaceId);
      if (ws.error !== undefined) gap('arm:GetWorkspace', ws.error, `the retention of Log Analytics workspace ${s.workspaceId}`);
      days = ws.value;
    }
    found.push(days);
  }
  if (s.storageAccountId && vault.id) {
    const rules = await reads.lifecycle(s.storageAccountId);
    if (rules.error !== undefined)
      gap('arm:GetStorageManagementPolicy', rules.error, `the lifecycle management policy of storage account ${s.storageAccountId}`);
    found.push(rules.error !== undefined ? undefined : storageRetentionDays(rules.value ?? null, vault.id));
  } else if (s.storageAccountId) found.push(undefined);
  if (found.includes(null)) return null;
  return found.length === 0 || found.includes(undefined) ? undefined : Math.max(...(found as number[]));
}

/** The vault's diagnostic settings as trails; a gap on `trails` when they could not be read. */
export async function readDiagnosticSettings(run: AzureRun, vault: RawVault, scope: GapScope, reads: DestinationReads): Promise<AuditTrail[]> {
  const sub = vault.subscriptionId ?? '';
  let settings: RawDiagnosticSetting[];
  try {
    settings = await call(run, 'arm:ListDiagnosticSettings', `arm:${sub.toLowerCase()}`, (s) => run.clients.listDiagnosticSettings(sub, vault.id as string, s));
  } catch (err) {
    fail(run, 'arm:ListDiagnosticSettings', err, { what: `the diagnostic settings of ${vault.name}`, scope, affects: ['trails'] });
    return [];
  }
  const trails: AuditTrail[] = [];
  for (const s of settings) trails.push(trailFromDiagnosticSetting(vault, s, await settingRetention(run, vault, s, scope, reads)));
  return trails;
}
