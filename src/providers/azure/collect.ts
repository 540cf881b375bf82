// The Azure collection, as steps over the provider kit: credential → subscriptions → vaults and role
// definitions → per vault (role assignments, diagnostic settings, keys) → principal names from Graph.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { createKit } from '../kit/index.ts';
import type { CollectContext, ProviderOutput } from '../types.ts';
import { type AzureClients, type ClientOverrides, createAzureClients } from './client.ts';
import { type AzureRun, permissionOf } from './context.ts';
import { accessForHsmKey, accessForKey, normalizeKey, PROVIDER, type RawKey, type RawVault, versionlessKeyId } from './normalize.ts';
import { OPERATION_NAMES } from './operations.ts';
import { type DestinationReads, destinationReads, readDiagnosticSettings } from './reads/diagnostic-settings.ts';
import { readFederation } from './reads/federation.ts';
import { namePrincipals } from './reads/graph-names.ts';
import { expandGroups, unexpandedGroups } from './reads/groups.ts';
import { readHsmRoles } from './reads/hsm-rbac.ts';
import { readIdentity } from './reads/identity.ts';
import { readDeletedKeys, readVaultKeys } from './reads/keys.ts';
import { readRoleAssignments } from './reads/role-assignments.ts';
import { type Listed, listVaults, selectVaults, type VaultWork } from './reads/vaults.ts';
import type { AzureConfig } from './schema.ts';
import { ownsVault, shardScope } from './shard.ts';

/** The run: one kit (deadlines, budget, classification, gaps, the buckets' limiter) and the guarded clients. */
export function createAzureRun(config: AzureConfig, ctx: CollectContext, overrides: ClientOverrides): AzureRun {
  const r = config.retry;
  const kit = createKit({
    provider: PROVIDER,
    operations: OPERATION_NAMES,
    // The SDK pipeline paces (quota policy, the kit's limiter) and retries (Retry-After) each request;
    // the kit gives each read a deadline covering those retries, the budget, and the gaps.
    quotas: { rates: {}, defaultRate: 1e6 },
    // A body that could not be decoded (truncated, not JSON) is not retried by the pipeline: the kit does.
    retry: { maxAttempts: r.maxRetries + 1, baseMs: r.retryDelayInMs, capMs: r.maxRetryDelayInMs, kinds: ['invalid-response'] },
    callTimeoutMs: config.timeoutMs * (r.maxRetries + 1) + r.maxRetries * r.maxRetryDelayInMs,
    ...(config.budgetMs ? { budgetMs: config.budgetMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    permissionOf,
  });
  const clients = createAzureClients(config, { ...overrides, limiter: kit.limiter });
  return { kit, clients, config, ctx };
}

/** A key whose details could not be read: what the list said, nothing guessed. */
function partialKey(vault: RawVault, key: RawKey, access: KeyRecord['access']): KeyRecord {
  const rec: KeyRecord = { id: versionlessKeyId(key.kid), provider: PROVIDER, name: key.name, container: vault.name };
  if (vault.subscriptionId) rec.account = vault.subscriptionId;
  if (vault.location) rec.region = vault.location;
  if (key.enabled !== undefined) rec.state = key.enabled ? 'enabled' : 'disabled';
  if (key.deleted) rec.state = 'pending-deletion';
  if (key.expiresOn) rec.expiresAt = key.expiresOn.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Vault-level settings (and a deleted key's purge date) are known even when the key's own details are not.
  const vaultLevel = normalizeKey({ vault, key: { kid: key.kid, name: key.name, tags: key.tags, ...(key.deleted ? { deleted: key.deleted } : {}) } });
  for (const f of ['tags', 'accessModel', 'network', 'deletion'] as const) if (vaultLevel[f] !== undefined) Object.assign(rec, { [f]: vaultLevel[f] });
  if (access) rec.access = access;
  return rec;
}

/** One vault: access, logging and keys, read in parallel (each vault has its own quota). */
async function readVault(run: AzureRun, { vault, armKnown }: VaultWork, listed: Listed, retention: DestinationReads) {
  run.clients.registerVault(vault);
  const scope = { ...(vault.subscriptionId ? { account: vault.subscriptionId } : {}), container: vault.name };
  const sub = (vault.subscriptionId ?? '').toLowerCase();
  const arm =
    armKnown && vault.id
      ? Promise.all([
          readRoleAssignments(run, vault, scope, listed.roleDefs.get(sub), listed.roleDefGap.has(sub)),
          readDiagnosticSettings(run, vault, scope, retention),
        ])
      : undefined;
  // The soft-deleted keys are asked once the live list answered: a vault closed to the audit is one gap, not two.
  const itemsP = readVaultKeys(run, vault, scope).then(async (live) =>
    live.unreadable ? live.items : [...live.items, ...(await readDeletedKeys(run, vault, scope))],
  );
  const [roles, trails] = arm ? await arm : [undefined, []];
  const items = await itemsP;
  const hsm =
    vault.kind === 'managed-hsm'
      ? await readHsmRoles(
          run,
          vault,
          scope,
          items.map((i) => i.key.name),
        )
      : undefined;
  const keys = items.map((item) => {
    const keyName = item.key.name;
    const access = hsm?.assignments
      ? accessForHsmKey({ vault, keyName, assignments: hsm.assignments, roleDefinitions: hsm.roleDefinitions })
      : roles?.assignments && vault.kind === 'vault'
        ? accessForKey({ vault, keyName, assignments: roles.assignments, roleDefinitions: roles.roleDefinitions })
        : undefined;
    return item.full
      ? normalizeKey({ vault, key: item.key, versions: item.versions, rotation: item.rotation, access, attestation: item.attestation })
      : partialKey(vault, item.key, access);
  });
  // Groups of another tenant (Azure Lighthouse, cross-tenant): their members cannot be read from this one.
  const foreignGroups = (roles?.assignments ?? []).filter((a) => a.principalType?.toLowerCase() === 'foreigngroup').map((a) => a.principalId);
  return { keys, trails, foreignGroups };
}

export interface AzureCollected {
  identity?: string;
  keys: KeyRecord[];
  trails: AuditTrail[];
  gaps: NonNullable<ProviderOutput['gaps']>;
}

export async function collectWith(run: AzureRun): Promise<AzureCollected> {
  const { identity, failed } = await readIdentity(run);
  // Without a token nothing can be read: the gap covers the whole provider.
  if (failed) return { keys: [], trails: [], gaps: run.kit.gaps.list() };
  // In a shard: the vaults this shard owns (a plan also spares the subscriptions no owned vault is in).
  const scope = await shardScope(run);
  const listed = await listVaults(run, scope.subscriptions);
  const selected = selectVaults(run, listed.work, scope.elsewhere).filter((w) => ownsVault(run, w.vault));
  const retention = destinationReads(run);
  const keys: KeyRecord[] = [];
  const trails: AuditTrail[] = [];
  const foreignGroups = new Set<string>();
  let done = 0;
  await Promise.all(
    selected.map(async (w) => {
      const out = await readVault(run, w, listed, retention);
      keys.push(...out.keys);
      trails.push(...out.trails);
      for (const g of out.foreignGroups) foreignGroups.add(g);
      run.ctx.progress?.({ provider: 'azure', phase: 'vaults', done: ++done, total: selected.length });
    }),
  );
  if (run.clients.endpoints.graphEndpoint) {
    const named = await namePrincipals(run, keys);
    await expandGroups(run, keys, named, foreignGroups);
    await readFederation(run, keys, named);
  } else unexpandedGroups(run, keys);
  return {
    ...(identity ? { identity } : {}),
    keys: keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    trails: trails.sort((a, b) => (a.id < b.id ? -1 : 1)),
    gaps: run.kit.gaps.list(),
  };
}

export type { AzureClients };
