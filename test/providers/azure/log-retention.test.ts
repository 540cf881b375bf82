// How long a vault's diagnostic settings keep its audit records, read as a stranger's estate would be
// written from the docs: a Log Analytics table whose retention differs from its workspace's
// (Tables - Get), a resource-specific destination (logAnalyticsDestinationType Dedicated →
// AZKVAuditLogs), a storage destination carrying the retentionPolicy Azure Monitor retired on
// 30 September 2025, and the storage account's lifecycle management policy that now decides.
import { describe, expect, it } from 'vitest';
import type { FakeAzureWorld, FakeDiagnosticSetting } from '../../../src/fakes/azure/server.ts';
import azureProvider from '../../../src/providers/azure/index.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { collectFromFake, useAzureFake } from './harness.ts';
import { LAW, SUB_A, TENANT } from './world.ts';

const azure = useAzureFake();
const SA = `/subscriptions/${SUB_A}/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/kvlogs`;

/** One RBAC vault with these diagnostic settings, a 400-day workspace and the given storage accounts. */
function world(
  settings: FakeDiagnosticSetting[],
  ws: NonNullable<FakeAzureWorld['workspaces']>[string] = { retentionInDays: 400 },
  storageAccounts: FakeAzureWorld['storageAccounts'] = {},
): FakeAzureWorld {
  return {
    tenantId: TENANT,
    workspaces: { [LAW]: ws },
    storageAccounts,
    subscriptions: [
      {
        id: SUB_A,
        vaults: [{ name: 'kv-logs', resourceGroup: 'identity', location: 'westeurope', rbac: true, diagnosticSettings: settings, keys: [] }],
      },
    ],
  };
}

async function trailsOf(w: FakeAzureWorld) {
  const fake = await azure.start(w);
  const out = await collectFromFake(fake);
  expectOnlyDeclared(fake.operations(), azureProvider);
  const trails = [...(out.trails ?? [])].sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1));
  return { trails, gaps: out.gaps ?? [], ops: fake.operations() };
}

const audit = (
  name: string,
  dest: Partial<FakeDiagnosticSetting>,
  retention?: { retentionDays: number; retentionEnabled: boolean },
): FakeDiagnosticSetting => ({
  name,
  logs: [{ category: 'AuditEvent', enabled: true, ...(retention ?? {}) }],
  ...dest,
});

describe('Azure diagnostic settings: retention of the destination', () => {
  it('a Log Analytics table keeping AuditEvent shorter than the workspace default is what counts', async () => {
    // Workspace default 400 days; AzureDiagnostics set to 30 days (Tables - Create Or Update, retentionInDays 30).
    const { trails, gaps, ops } = await trailsOf(
      world([audit('to-law', { workspaceId: LAW })], { retentionInDays: 400, tables: { AzureDiagnostics: { retentionInDays: 30, totalRetentionInDays: 30 } } }),
    );
    expect(trails.map((t) => t.retentionDays)).toEqual([30]);
    expect(gaps).toEqual([]);
    expect(ops).toContain('arm:GetWorkspaceTable');
  });

  it('a resource-specific (Dedicated) destination reads AZKVAuditLogs, with its long-term retention', async () => {
    const w = world([audit('dedicated', { workspaceId: LAW, logAnalyticsDestinationType: 'Dedicated' })], {
      retentionInDays: 30,
      tables: { AzureDiagnostics: { retentionInDays: 30 }, AZKVAuditLogs: { retentionInDays: 90, totalRetentionInDays: 2556 } },
    });
    const { trails } = await trailsOf(w);
    expect(trails.map((t) => t.retentionDays)).toEqual([2556]);
  });

  it('a workspace without the table yet keeps records for its default retention', async () => {
    const { trails, gaps, ops } = await trailsOf(world([audit('to-law', { workspaceId: LAW })], { retentionInDays: 400, tablesAbsent: true }));
    expect(trails.map((t) => t.retentionDays)).toEqual([400]);
    expect(gaps).toEqual([]);
    expect(ops).toEqual(expect.arrayContaining(['arm:GetWorkspace', 'arm:GetWorkspaceTable']));
  });

  it('a table whose retention cannot be read leaves retention unknown, with a gap naming the permission', async () => {
    const { trails, gaps } = await trailsOf(
      world([audit('to-law', { workspaceId: LAW })], { retentionInDays: 400, tables: { AzureDiagnostics: 'forbidden' } }),
    );
    expect(trails[0]?.retentionDays).toBeUndefined();
    expect(trails[0]?.capturesDataPlane).toBe(true);
    expect(gaps.map((g) => [g.operation, g.affects])).toEqual([['arm:GetWorkspaceTable', ['trails.retentionDays']]]);
    expect(gaps[0]?.reason).toMatch(/table AzureDiagnostics .*Microsoft\.OperationalInsights\/workspaces\/tables\/read/);
  });

  it('storage: the retired retentionPolicy is ignored; the lifecycle rules of the account decide', async () => {
    const rule = (days: number) => ({
      name: 'expire-diagnostics',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['appendBlob'], prefixMatch: ['insights-logs-auditevent'] },
        actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: days } } },
      },
    });
    const SA2 = SA.replace('kvlogs', 'kvlogs2');
    const GONE = SA.replace('kvlogs', 'deleted');
    const w = world(
      [
        // retentionPolicy off used to read as "kept forever": the account deletes after 30 days.
        audit('a-storage-lifecycle-30', { storageAccountId: SA }, { retentionDays: 0, retentionEnabled: false }),
        // retentionPolicy 7 days, no longer applied; the account has no lifecycle policy.
        audit('b-storage-no-policy', { storageAccountId: SA2 }, { retentionDays: 7, retentionEnabled: true }),
        audit('c-storage-gone', { storageAccountId: GONE }),
      ],
      undefined,
      { [SA]: { policy: { rules: [rule(30)] } }, [SA2]: { policy: null } },
    );
    const { trails, gaps } = await trailsOf(w);
    expect(trails.map((t) => [t.name, t.retentionDays])).toEqual([
      ['a-storage-lifecycle-30', 30],
      ['b-storage-no-policy', null],
      ['c-storage-gone', undefined],
    ]);
    expect(gaps.map((g) => g.operation)).toEqual(['arm:GetStorageManagementPolicy']);
    expect(gaps[0]?.reason).toMatch(/lifecycle management policy of storage account .*deleted/);
  });
});
