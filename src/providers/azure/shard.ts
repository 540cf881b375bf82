// Sharded Azure collection: each vault and managed HSM is a unit (`azure:SUBSCRIPTION:vault/NAME`), so
// one subscription's vaults spread over shards. Key Vault's data-plane limits are per vault, so vaults
// of different shards never compete; ARM reads (listing a subscription's vaults) are per subscription
// and principal, which a plan spends once: each planned shard lists only the subscriptions it holds.
import type { AzureRun } from './context.ts';
import { type RawVault, vaultNameFromUri } from './normalize.ts';
import { readSubscriptions } from './reads/subscriptions.ts';

/** The unit of a vault: its subscription (`-` when ARM did not list it), kind and name. */
export const azureUnit = (v: Pick<RawVault, 'subscriptionId' | 'kind' | 'name'>): string =>
  `azure:${v.subscriptionId ?? '-'}:${v.kind}/${v.name.toLowerCase()}`;

/** A subscription whose vaults could not be listed when planning: one unit, its shard lists it again. */
export const wholeSubscription = (sub: string): string => `azure:${sub}:*`;

export interface ShardScope {
  subscriptions: string[];
  /** With a plan: a configured vault the plan places in a subscription this shard does not list is not missing. */
  elsewhere?: (uri: string) => boolean;
}

/** The subscriptions to list: with a plan, those holding units this shard owns (no ListSubscriptions); else every one. */
export async function shardScope(run: AzureRun): Promise<ShardScope> {
  const shard = run.ctx.shard;
  const planned = shard?.planned('azure:');
  if (!shard || !planned?.length) return { subscriptions: await readSubscriptions(run) };
  const mine = new Set<string>();
  const placed = new Map<string, string>();
  for (const u of planned) {
    const [, sub = '-', vault = ''] = u.split(':');
    // Recorded either way, so a merge can name the units of a missing shard.
    if (shard.owns(u) && sub !== '-') mine.add(sub);
    if (sub !== '-' && vault !== '*') placed.set(vault.slice(vault.indexOf('/') + 1), sub);
  }
  const elsewhere = (uri: string) => {
    const sub = placed.get(vaultNameFromUri(uri).toLowerCase());
    return sub !== undefined && !mine.has(sub);
  };
  return { subscriptions: [...mine].sort(), elsewhere };
}

/** Does this run read the vault? Every vault is recorded with its owner. */
export const ownsVault = (run: AzureRun, v: RawVault): boolean => run.ctx.shard?.owns(azureUnit(v)) ?? true;
