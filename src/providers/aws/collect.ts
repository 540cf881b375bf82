// The AWS collection, as steps over the provider kit: identity → accounts → regions → keys (each key
// its own reads) and trails. Every failed read is a gap scoped to what it covers; nothing is dropped.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { type CallScope, createKit, type KitStats } from '../kit/index.ts';
import type { CollectContext, ProviderOutput } from '../types.ts';
import { AWS_OPERATIONS, type AwsCredentials, createAwsTransport } from './client.ts';
import { type AwsRun, permissionOf, type Where } from './context.ts';
import { awsQuotaTable } from './quota.ts';
import { accountAccess, readAccounts } from './reads/accounts.ts';
import { readIdentity } from './reads/identity.ts';
import { readKey } from './reads/key.ts';
import { listAliases, listKeyIds } from './reads/keys-list.ts';
import { orgPolicies } from './reads/org-policies.ts';
import { readRegions } from './reads/regions.ts';
import type { FoundTrail } from './reads/trail-target.ts';
import { describeTrails, readEventDataStores, readTrail } from './reads/trails.ts';
import type { AwsConfig } from './schema.ts';

/** Test and demo hooks; never set from a policy file. */
export interface AwsCollectOverrides {
  endpoint?: string;
  credentials?: AwsCredentials;
  pageSize?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AwsCollected {
  identity?: string;
  keys: KeyRecord[];
  trails: AuditTrail[];
  gaps: NonNullable<ProviderOutput['gaps']>;
  stats: KitStats;
}

/**
 * The share of a partition's quota this run may spend: all of it, except the caller's own account in
 * a shard of N, which every shard spends (sts:AssumeRole, Organizations): 1/N of it each.
 */
function shareOf(run: Pick<AwsRun, 'shard' | 'homeAccount'>, scope: CallScope): number {
  return run.shard && scope.account !== undefined && scope.account === run.homeAccount ? 1 / run.shard.spec.count : 1;
}

/** The run: the SDK transport and one kit holding the published quotas, deadlines, retries and budget. */
export function createAwsRun(config: AwsConfig, ctx: CollectContext, overrides: AwsCollectOverrides): AwsRun {
  const kit = createKit({
    provider: 'aws-kms',
    operations: AWS_OPERATIONS,
    quotas: awsQuotaTable(config.quotas),
    quotaFraction: config.quotaFraction,
    maxInFlight: config.maxInFlight,
    shareOf: (scope) => shareOf(run, scope),
    retry: { maxAttempts: config.maxAttempts, baseMs: config.retryBaseMs },
    callTimeoutMs: config.timeoutMs,
    ...(config.budgetMs ? { budgetMs: config.budgetMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    permissionOf,
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.random ? { random: overrides.random } : {}),
  });
  const transport = createAwsTransport({
    s3PathStyle: Boolean(ctx.env.AWS_ENDPOINT_URL_S3 || ctx.env.AWS_ENDPOINT_URL),
    profile: config.awsProfile,
    endpoint: overrides.endpoint,
    credentials: overrides.credentials,
    timeoutMs: config.timeoutMs,
  });
  // `shareOf` reads `run.homeAccount`, set once the caller's identity is known.
  const run: AwsRun = {
    ...(ctx.shard ? { shard: ctx.shard } : {}),
    kit,
    transport,
    config,
    fast: config.profile === 'fast',
    pageSize: overrides.pageSize,
    now: ctx.now,
    warn: ctx.warn,
    progress: ctx.progress,
  };
  return run;
}

/** Every key of one account and region; the region's trails are added to `trails` on the way. */
async function readRegion(run: AwsRun, where: Where, trails: Map<string, FoundTrail>, stores: AuditTrail[]): Promise<KeyRecord[]> {
  // The trail list does not depend on the key list: a region whose ListKeys failed may still hold a
  // trail (visible nowhere else), and the ListKeys gap names keys, not trails. Only the aliases wait.
  const trailsP = Promise.all([describeTrails(run, where, trails), readEventDataStores(run, where).then((s) => stores.push(...s))]);
  const { ids, failed } = await listKeyIds(run, where);
  const skip = failed && ids.length === 0;
  const aliasesP = skip ? Promise.resolve(undefined) : listAliases(run, where);
  const aliases = await aliasesP;
  const keys: KeyRecord[] = [];
  let done = 0;
  await run.kit.pool(ids, run.config.concurrency, async (keyId) => {
    const key = await readKey(run, where, keyId, aliases);
    if (key) keys.push(key);
    done++;
    if (done % 100 === 0 || done === ids.length)
      run.progress?.({ provider: 'aws', phase: `${where.account} ${where.caller.region}: keys`, done, total: ids.length });
  });
  await trailsP;
  return keys;
}

/** Each account with the credentials that read it, times each of its regions. */
async function accountRegions(run: AwsRun, home: Where, accounts: string[]): Promise<Where[]> {
  const pairs: Where[] = [];
  await run.kit.pool(accounts, 8, async (account) => {
    const where = await accountAccess(run, home, account);
    if (!where) return;
    for (const region of await readRegions(run, where, home.caller.region)) pairs.push({ account, caller: { ...where.caller, region } });
  });
  return pairs;
}

/**
 * In a shard, a trail is read by the shard that owns its account's home-region unit, where it is seen
 * with its own account's credentials as an unsharded run sees it (an organisation trail seen from a
 * member account reads differently); a trail of an account outside the scan goes by its ARN.
 */
function ownsTrail(run: AwsRun, arn: string, f: FoundTrail): boolean {
  if (!run.shard) return true;
  const owner = /:(\d{12}):trail\//.exec(arn)?.[1];
  const home = `aws:${owner}:${f.trail.HomeRegion}`;
  // Every shard enumerated the same units, so every shard picks the same one: the home region's, else the owner's first.
  const units = run.shard.seenWith(`aws:${owner}:`);
  const unit = units.includes(home) ? home : (units[0] ?? `aws-trail:${arn}`);
  return run.shard.owner(unit) === run.shard.spec.index;
}

/** The shard unit of an account and region. */
export const awsUnit = (w: Where): string => `aws:${w.account}:${w.caller.region}`;

/**
 * The accounts to read: with a shard plan, the accounts of this shard's planned units (the plan walked
 * the organisation once, so N shards do not each walk it); otherwise every configured account.
 */
async function shardAccounts(run: AwsRun, home: Where): Promise<string[]> {
  const planned = run.shard?.planned('aws:');
  if (!planned?.length) {
    const accounts = await readAccounts(run, home);
    run.scope = new Set(accounts);
    return accounts;
  }
  run.scope = new Set(planned.map((u) => u.split(':')[1] as string));
  const mine = planned.filter((u) => run.shard?.owner(u) === run.shard?.spec.index).map((u) => u.split(':')[1] as string);
  for (const u of planned) run.shard?.owns(u); // recorded, so a merge can name the units of a missing shard
  return [...new Set(mine)].sort();
}

/** Every account × region unit the configuration covers (one Organizations walk), for `inventory --plan-shards`. */
export async function planAwsUnits(run: AwsRun, homeRegion: string): Promise<string[]> {
  const identity = await readIdentity(run, { account: 'caller', caller: { region: homeRegion } });
  if (!identity) return [];
  const home: Where = { account: identity.account, caller: { region: homeRegion } };
  const accounts = await readAccounts(run, home);
  // Regions named in the policy need no call per account: the plan is the Organizations walk alone
  // (an account whose role cannot be assumed is then found, and recorded as a gap, by its shard).
  const regions = run.config.regions;
  if (regions) return accounts.flatMap((a) => regions.map((r) => `aws:${a}:${r}`)).sort();
  const units = (await accountRegions(run, home, accounts)).map(awsUnit);
  // An account whose role or regions could not be read is one unit: its shard tries it again (and records the gap).
  for (const a of accounts) if (!units.some((u) => u.startsWith(`aws:${a}:`))) units.push(`aws:${a}:*`);
  return units.sort();
}

/** Collect everything the configuration asks for. Gaps are in the kit's builder; `finish` the kit after. */
export async function collectWith(run: AwsRun, homeRegion: string): Promise<AwsCollected> {
  const identity = await readIdentity(run, { account: 'caller', caller: { region: homeRegion } });
  if (!identity) return { keys: [], trails: [], gaps: run.kit.gaps.list(), stats: run.kit.stats };
  const home: Where = { account: identity.account, caller: { region: homeRegion } };
  run.homeAccount = identity.account;
  run.home = home;
  const accounts = await shardAccounts(run, home);
  if (!run.fast) run.org = orgPolicies(run, home, accounts);
  const pairs = (await accountRegions(run, home, accounts)).filter((w) => run.shard?.owns(awsUnit(w)) ?? true);
  const keys: KeyRecord[] = [];
  const found = new Map<string, FoundTrail>();
  const stores: AuditTrail[] = [];
  // Every account and region at once, each paced by its own quota buckets; the kit's global
  // concurrency budget (maxInFlight) bounds the calls in flight, so the run ends near the slowest
  // partition's quota bound instead of working through the partitions a few at a time.
  await run.kit.pool(pairs, pairs.length, async (where) => {
    keys.push(...(await readRegion(run, where, found, stores)));
  });
  const trails: AuditTrail[] = [...stores];
  const sorted = [...found.entries()].filter(([arn, f]) => ownsTrail(run, arn, f)).sort(([a], [b]) => (a < b ? -1 : 1));
  await run.kit.pool(sorted, 4, async ([arn, f]) => {
    trails.push(await readTrail(run, arn, f));
  });
  return {
    ...(identity.arn ? { identity: identity.arn } : {}),
    keys: keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    trails: trails.sort((a, b) => (a.id < b.id ? -1 : 1)),
    gaps: run.kit.gaps.list(),
    stats: run.kit.stats,
  };
}
