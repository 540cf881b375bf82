// arm:ListVaults, arm:ListManagedHsms and arm:ListRoleDefinitions per subscription; then the vaults
// the policy names, read on their data plane alone when ARM does not list them.
import { classify } from '../../kit/index.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import { type RawRoleDefinition, type RawVault, roleDefinitionKey, vaultKey, vaultNameFromUri } from '../normalize.ts';

export interface VaultWork {
  vault: RawVault;
  /** ARM data could not be read for this vault (data-plane-only vault). */
  armKnown: boolean;
}

export interface Listed {
  work: VaultWork[];
  /** subscription (lower case) → role definitions by key */
  roleDefs: Map<string, Map<string, RawRoleDefinition>>;
  /** subscriptions whose role definitions could not be read */
  roleDefGap: Set<string>;
}

const settle = <T>(run: AzureRun, op: string, sub: string, fn: (signal: AbortSignal) => Promise<T>) => call(run, op, `arm:${sub.toLowerCase()}`, fn);

/** Vaults, HSMs and role definitions of one subscription, into `out`. */
async function listSubscription(run: AzureRun, sub: string, out: Listed): Promise<void> {
  const { clients, config } = run;
  const [vaults, hsms, defs] = await Promise.allSettled([
    settle(run, 'arm:ListVaults', sub, (s) => clients.listVaults(sub, s)),
    config.managedHsm ? settle(run, 'arm:ListManagedHsms', sub, (s) => clients.listManagedHsms(sub, s)) : Promise.resolve([]),
    settle(run, 'arm:ListRoleDefinitions', sub, (s) => clients.listRoleDefinitions(sub, s)),
  ]);
  const scope = { account: sub };
  if (vaults.status === 'fulfilled') for (const v of vaults.value) out.work.push({ vault: v, armKnown: true });
  else {
    const f = classify(vaults.reason);
    const missing = f.kind === 'not-found' || f.code === 'SubscriptionNotFound' || f.code === 'InvalidSubscriptionId';
    const fix = missing ? `subscription ${sub} does not exist or this credential cannot see it (check the id in providers.azure.subscriptions)` : undefined;
    fail(run, 'arm:ListVaults', vaults.reason, { what: `the vaults of subscription ${sub}`, scope, ...(fix ? { fix } : {}) });
  }
  if (hsms.status === 'fulfilled') for (const v of hsms.value) out.work.push({ vault: v, armKnown: true });
  else if (vaults.status === 'fulfilled')
    fail(run, 'arm:ListManagedHsms', hsms.reason, { what: `the managed HSMs of subscription ${sub}`, scope, affects: ['keys'] });
  if (defs.status === 'fulfilled') out.roleDefs.set(sub.toLowerCase(), new Map(defs.value.map((d) => [roleDefinitionKey(d.id), d])));
  else if (vaults.status === 'fulfilled') {
    out.roleDefGap.add(sub.toLowerCase());
    fail(run, 'arm:ListRoleDefinitions', defs.reason, { what: `the role definitions of subscription ${sub}`, scope, affects: ['access'] });
  }
}

export async function listVaults(run: AzureRun, subscriptions: string[]): Promise<Listed> {
  const out: Listed = { work: [], roleDefs: new Map(), roleDefGap: new Set() };
  await Promise.all(subscriptions.map((sub) => listSubscription(run, sub, out)));
  return out;
}

/**
 * Restrict to the configured vault URLs; a named vault ARM does not list is read on its data plane
 * alone, with a gap, unless it is `elsewhere` (a shard plan places it in a subscription another
 * shard lists).
 */
export function selectVaults(run: AzureRun, work: VaultWork[], elsewhere?: (uri: string) => boolean): VaultWork[] {
  if (!run.config.vaults) return [...work].sort((a, b) => (a.vault.uri < b.vault.uri ? -1 : 1));
  const wanted = new Map(run.config.vaults.map((u) => [vaultKey(u), u]));
  const selected = work.filter((w) => wanted.has(vaultKey(w.vault.uri)));
  const found = new Set(selected.map((w) => vaultKey(w.vault.uri)));
  for (const [k, uri] of wanted) {
    if (found.has(k) || elsewhere?.(uri)) continue;
    const name = vaultNameFromUri(uri);
    const kind = /\.managedhsm\./i.test(new URL(uri).hostname) ? 'managed-hsm' : 'vault';
    selected.push({ vault: { name, kind, uri }, armKnown: false });
    note(
      run,
      'arm:ListVaults',
      { container: name },
      `vault ${uri} was not found in any subscription this credential can read: its subscription, location, access, network and deletion settings and diagnostic settings are unknown (list its subscription in providers.azure.subscriptions, or grant Microsoft.KeyVault/vaults/read)`,
      ['account', 'region', 'access', 'network', 'deletion', 'trails'],
    );
  }
  return selected.sort((a, b) => (a.vault.uri < b.vault.uri ? -1 : 1));
}
