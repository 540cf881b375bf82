import { evaluate } from './engine/evaluate.ts';
import type { AuditResult } from './engine/result.ts';
import { UserError } from './errors.ts';
import { mergeInventories } from './inventory/parse.ts';
import type { ShardUnits } from './inventory/shard.ts';
import { readSnapshots } from './inventory/snapshots.ts';
import type { CollectionGap } from './model/collection-gap.ts';
import { INVENTORY_VERSION, Inventory } from './model/inventory.ts';
import { readTextFile } from './policy/load.ts';
import type { ResolvedPolicy } from './policy/resolve.ts';
import { listDirectory } from './providers/files.ts';
import { PROVIDERS } from './providers/index.ts';
import { classify, describeFailure, ReadOnlyViolation } from './providers/kit/index.ts';
import type { CollectContext, ProviderOutput } from './providers/types.ts';
import { rulesReadingFields } from './rules/fields.ts';
import { inputFile } from './util/stdin-path.ts';

export interface CollectOptions {
  now: Date;
  env?: NodeJS.ProcessEnv;
  progress?: CollectContext['progress'];
  warn?: CollectContext['warn'];
  signal?: AbortSignal;
  /** Collect one shard's units only, and record every unit seen in the inventory's `shard`. */
  shard?: ShardUnits;
}

export function outputToInventory(o: ProviderOutput, generatedAt: string): Inventory {
  const inv = {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt,
    providers: o.runs ?? [o.run],
    keys: o.keys ?? [],
    trails: o.trails ?? [],
    publishedKeys: o.publishedKeys ?? [],
    artifacts: o.artifacts ?? [],
    gaps: o.gaps ?? [],
  };
  // Validated records are not parsed again: a copy of a million keys would double the memory.
  return o.validated ? (inv as Inventory) : Inventory.parse(inv);
}

/**
 * One provider's collection, isolated: bad input (UserError) and read-only violations (a bug) still
 * end the run, but anything else a provider throws becomes one gap over the whole provider, so the
 * other providers' results stand and the audit is incomplete (exit 3, or 1), not aborted.
 */
async function collectIsolated(id: string, collect: () => Promise<ProviderOutput>, now: Date): Promise<ProviderOutput> {
  const startedAt = new Date().toISOString();
  try {
    return await collect();
  } catch (err) {
    if (err instanceof UserError || err instanceof ReadOnlyViolation) throw err;
    const failure = classify(err);
    const gap: CollectionGap = {
      id: `${id}:*:collect`,
      provider: id,
      scope: {},
      operation: 'collect',
      reason: `the ${id} provider stopped before it finished (${describeFailure(failure)}): nothing it would have read is known; rerun with --debug, and report it if it persists`,
      kind: failure.kind,
      detail: failure.message,
    };
    return { run: { id, fills: [], startedAt, finishedAt: now.toISOString() }, gaps: [gap] };
  }
}

/** The provider module for a configured id; a UserError naming the policy when this build lacks it. */
async function loadProvider(policy: ResolvedPolicy, id: string) {
  const load = PROVIDERS[id];
  if (!load) throw new UserError({ file: policy.file, message: `provider "${id}" is not available in this build.` });
  return load();
}

/** Run every provider the policy configures and merge what they read into one inventory. */
export async function collectInventory(policy: ResolvedPolicy, opts: CollectOptions): Promise<Inventory> {
  const ids = Object.keys(policy.providers).filter((id) => (policy.providers as Record<string, unknown>)[id] !== undefined);
  if (ids.length === 0) {
    throw new UserError({
      file: policy.file,
      message: 'nothing to audit: the policy configures no provider.',
      expected:
        'under `providers:` one of `aws: {}` (credentials from AWS_PROFILE, AWS_ACCESS_KEY_ID or ~/.aws), `azure: {}` (az login or AZURE_CLIENT_ID), `gcp: {}` (gcloud auth application-default login or GOOGLE_APPLICATION_CREDENTIALS), `jwks: { keySets: [{ url: https://…/jwks.json }] }` or `snapshot: { paths: [inventory.json] }`',
      hint: 'add one and rerun, or run `keyhygiene policy init --force` where the credentials are set, or pass --snapshot FILE',
    });
  }
  const generatedAt = opts.now.toISOString();
  const parts: Inventory[] = [];
  const finished: string[] = [];
  // Providers that consume what others collected (artifacts matches dumps to inventoried keys) run last.
  const LAST = new Set(['artifacts']);
  const order = ids.sort((a, b) => Number(LAST.has(a)) - Number(LAST.has(b)) || (a < b ? -1 : a > b ? 1 : 0));
  for (const id of order) {
    const provider = await loadProvider(policy, id);
    // A provider that does not partition its own units is one unit: the shard that owns it runs it.
    if (opts.shard && !provider.shardable && !opts.shard.owns(id)) continue;
    const ctx: CollectContext = {
      ...(opts.shard ? { shard: opts.shard } : {}),
      now: () => opts.now,
      baseDir: policy.baseDir,
      env: opts.env ?? process.env,
      readText: readTextFile,
      progress: opts.progress,
      warn: opts.warn,
      signal: opts.signal,
      inventory: { keys: parts.flatMap((p) => p.keys), publishedKeys: parts.flatMap((p) => p.publishedKeys) },
      listDir: listDirectory,
    };
    const config = (policy.providers as Record<string, unknown>)[id];
    const out = await collectIsolated(id, () => provider.collect(config, ctx), opts.now);
    if (out.skipped?.length) opts.warn?.(`${id}: without ${out.skipped.join(', ')} these rules report unknown: ${rulesReadingFields(out.skipped).join(', ')}`);
    parts.push(outputToInventory(out, generatedAt));
    finished.push(out.run.finishedAt ?? generatedAt);
  }
  // The inventory was taken when its oldest part was (the snapshot provider dates its part by its snapshots).
  const inventory = mergeInventories(parts, finished.sort()[0] ?? generatedAt);
  return opts.shard ? { ...inventory, shard: opts.shard.record() } : inventory;
}

/** Every unit the policy's providers would collect: a provider's own listing, or the provider as one unit. */
export async function planUnits(policy: ResolvedPolicy, ctx: Omit<CollectContext, 'baseDir'>): Promise<string[]> {
  const units: string[] = [];
  for (const [id, config] of Object.entries(policy.providers as Record<string, unknown>)) {
    if (config === undefined) continue;
    const provider = await loadProvider(policy, id);
    if (provider.units) units.push(...(await provider.units(config, { ...ctx, baseDir: policy.baseDir })));
    else units.push(id);
  }
  return units;
}

/** Read and merge snapshot files given on the command line (paths relative to the working directory). */
export function loadSnapshots(files: readonly string[]): Inventory {
  return readSnapshots(
    files.map((f) => ({ file: inputFile(process.cwd(), f), label: f })),
    readTextFile,
  );
}

/** The policy with its providers replaced by the given snapshots: `audit --snapshot` reads through the snapshot provider. */
export function withSnapshots(policy: ResolvedPolicy, files: readonly string[]): ResolvedPolicy {
  return { ...policy, providers: { snapshot: { paths: files.map((f) => inputFile(process.cwd(), f)) } } } as ResolvedPolicy;
}

export interface AuditRun {
  policy: ResolvedPolicy;
  inventory: Inventory;
  result: AuditResult;
}

export function auditInventory(inventory: Inventory, policy: ResolvedPolicy, now: Date, includePassed = false, release = false): AuditResult {
  return evaluate(inventory, policy, { now, includePassed, release });
}
