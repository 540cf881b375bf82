// arm:ListDiagnosticSettings and arm:GetWorkspace: where a vault's logs go and how long they are kept.
import type { AuditTrail } from '../../../model/audit-trail.ts';
import { classify, type GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail } from '../context.ts';
import { type RawVault, trailFromDiagnosticSetting } from '../normalize.ts';

/**
 * Log Analytics workspaces are shared by many vaults: read each one's retention once. One that cannot
 * be read leaves retentionDays unknown (rules needing it say `unknown`), with a warning.
 */
export function workspaceRetentions(run: AzureRun): (workspaceId: string) => Promise<number | undefined> {
  const workspaces = new Map<string, Promise<number | undefined>>();
  return (id) => {
    const key = id.toLowerCase();
    let p = workspaces.get(key);
    if (!p) {
      p = call(run, 'arm:GetWorkspace', 'arm', (signal) => run.clients.getWorkspaceRetention(id, signal)).catch((err: unknown) => {
        run.ctx.warn?.(`azure: could not read the retention of Log Analytics workspace ${id}: ${classify(err).message}`);
        return undefined;
      });
      workspaces.set(key, p);
    }
    return p;
  };
}

/** The vault's diagnostic settings as trails; a gap on `trails` when they could not be read. */
export async function readDiagnosticSettings(
  run: AzureRun,
  vault: RawVault,
  scope: GapScope,
  retention: (workspaceId: string) => Promise<number | undefined>,
): Promise<AuditTrail[]> {
  const sub = vault.subscriptionId ?? '';
  try {
    const settings = await call(run, 'arm:ListDiagnosticSettings', `arm:${sub.toLowerCase()}`, (s) =>
      run.clients.listDiagnosticSettings(sub, vault.id as string, s),
    );
    const trails: AuditTrail[] = [];
    for (const s of settings) trails.push(trailFromDiagnosticSetting(vault, s, s.workspaceId ? await retention(s.workspaceId) : undefined));
    return trails;
  } catch (err) {
    fail(run, 'arm:ListDiagnosticSettings', err, { what: `the diagnostic settings of ${vault.name}`, scope, affects: ['trails'] });
    return [];
  }
}
