// arm:ListDiagnosticSettings and arm:GetWorkspace: where a vault's logs go and how long they are kept.
import type { AuditTrail } from '../../../model/audit-trail.ts';
import type { GapScope } from '../../kit/index.ts';
import { type AzureRun, call, fail } from '../context.ts';
import { type RawVault, trailFromDiagnosticSetting } from '../normalize.ts';

/** A workspace's default retention, or why it could not be read. */
export type Retention = { days?: number; error?: unknown };

/**
 * Log Analytics workspaces are shared by many vaults: read each one's retention once. One that cannot
 * be read leaves retentionDays unknown (rules needing it say `unknown`); each vault sending to it gets
 * a gap saying what, why and how to fix.
 */
export function workspaceRetentions(run: AzureRun): (workspaceId: string) => Promise<Retention> {
  const workspaces = new Map<string, Promise<Retention>>();
  return (id) => {
    const key = id.toLowerCase();
    let p = workspaces.get(key);
    if (!p) {
      p = call(run, 'arm:GetWorkspace', 'arm', (signal) => run.clients.getWorkspaceRetention(id, signal)).then(
        (days): Retention => (days === undefined ? {} : { days }),
        (error: unknown): Retention => ({ error }),
      );
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
  retention: (workspaceId: string) => Promise<Retention>,
): Promise<AuditTrail[]> {
  const sub = vault.subscriptionId ?? '';
  try {
    const settings = await call(run, 'arm:ListDiagnosticSettings', `arm:${sub.toLowerCase()}`, (s) =>
      run.clients.listDiagnosticSettings(sub, vault.id as string, s),
    );
    const trails: AuditTrail[] = [];
    for (const s of settings) {
      const r = s.workspaceId ? await retention(s.workspaceId) : {};
      if (r.error !== undefined && s.workspaceId) {
        fail(run, 'arm:GetWorkspace', r.error, {
          what: `the retention of Log Analytics workspace ${s.workspaceId} (diagnostic setting ${s.name} of ${vault.name})`,
          scope,
          affects: ['trails.retentionDays'],
        });
      }
      trails.push(trailFromDiagnosticSetting(vault, s, r.days));
    }
    return trails;
  } catch (err) {
    fail(run, 'arm:ListDiagnosticSettings', err, { what: `the diagnostic settings of ${vault.name}`, scope, affects: ['trails'] });
    return [];
  }
}
