// Sharded collection: the collection units (AWS account × region, Azure vault, GCP project, JWKS issuer
// or key set; a whole provider where it does not partition its own) are split deterministically over
// N shards, by a plan (`inventory --plan-shards`) or by a hash of the unit's name. Each part snapshot records every unit its run enumerated with the
// shard that owns it, so a merge can name the units of a shard that never arrived.
import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';

/** The shard a unit belongs to without a plan (1-based): the first 4 bytes of its SHA-256, modulo the count. */
export function hashShard(unit: string, count: number): number {
  return (createHash('sha256').update(unit).digest().readUInt32BE(0) % count) + 1;
}

/**
 * A unit's parent, for units that are parts of one (`aws:111111111111:` of `aws:111111111111:us-east-1`,
 * `azure:SUBSCRIPTION:` of a vault, `gcp:PROJECT:` of a project's location). Top-level units (a GCP
 * project, a JWKS issuer or key set, whose name is a URL with colons of its own) have none.
 */
const parentOf = (unit: string): string | undefined => /^((?:aws|azure|gcp):[^:]+:)[^:]/.exec(unit)?.[1];

/** Which shard this run is, and (from a plan) which shard owns each unit. */
export interface ShardSpec {
  index: number;
  count: number;
  /** unit → owning shard, from a plan; absent = by hash. */
  plan?: Readonly<Record<string, number>>;
}

/** Decides, for one run, which units it collects, and remembers every unit it was asked about. */
export class ShardUnits {
  readonly spec: ShardSpec;
  private readonly seen = new Map<string, number>();
  constructor(spec: ShardSpec) {
    this.spec = spec;
  }

  /**
   * The shard owning a unit: the plan's, else by hash. A unit the plan does not list (a region, vault
   * or issuer that appeared after planning) goes with its siblings: to the owner of the first planned
   * unit under the same parent (`aws:ACCOUNT:`, `azure:SUBSCRIPTION:`), which is the shard that reads
   * that parent (`aws:ACCOUNT:*`, a whole account, sorts first and so owns its parts); by hash when
   * the plan lists no sibling or the unit has no parent (a new GCP project, JWKS issuer or key set).
   */
  owner(unit: string): number {
    const plan = this.spec.plan;
    if (!plan) return hashShard(unit, this.spec.count);
    const direct = plan[unit];
    if (direct !== undefined) return direct;
    const parent = parentOf(unit);
    const sibling = parent === undefined ? undefined : this.firstSiblings().get(parent);
    return sibling !== undefined ? (plan[sibling] as number) : hashShard(unit, this.spec.count);
  }

  private siblings?: Map<string, string>;
  /** parent → the first planned unit under it, built once. */
  private firstSiblings(): Map<string, string> {
    if (!this.siblings) {
      this.siblings = new Map();
      for (const u of Object.keys(this.spec.plan ?? {}).sort()) {
        const parent = parentOf(u);
        if (parent !== undefined && !this.siblings.has(parent)) this.siblings.set(parent, u);
      }
    }
    return this.siblings;
  }

  /** Does this run collect the unit? Recorded either way. */
  owns(unit: string): boolean {
    const owner = this.owner(unit);
    this.seen.set(unit, owner);
    return owner === this.spec.index;
  }

  /** The units seen so far whose names start with `prefix`, sorted. */
  seenWith(prefix: string): string[] {
    return [...this.seen.keys()].filter((u) => u.startsWith(prefix)).sort();
  }

  /** Units of a provider (prefix `aws:`) that the plan lists, for providers that can skip their own listing. */
  planned(prefix: string): string[] | undefined {
    return this.spec.plan ? Object.keys(this.spec.plan).filter((u) => u.startsWith(prefix)) : undefined;
  }

  /** Every unit seen, sorted, with its owner: what a part snapshot records. */
  record(): { index: number; count: number; units: Record<string, number> } {
    const units = Object.fromEntries([...this.seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { index: this.spec.index, count: this.spec.count, units };
  }
}

const SHARD_HINT = 'write --shard K/N with 1 ≤ K ≤ N (e.g. --shard 2/8), or --shard auto with --shard-count N';
/** Variables an engine sets to a job's 0-based index: Kubernetes Indexed Jobs, AWS Batch array jobs. */
export const SHARD_INDEX_ENV = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

const positive = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** Parse `--shard K/N` or `--shard auto` (index from the engine's variable, count from --shard-count). */
export function parseShard(value: string, count: number | undefined, env: NodeJS.ProcessEnv): { index: number; count: number } {
  if (value === 'auto') {
    const name = SHARD_INDEX_ENV.find((n) => env[n] !== undefined && env[n] !== '');
    const zeroBased = name ? positive(env[name]) : undefined;
    if (name === undefined || zeroBased === undefined)
      throw new UserError({
        message: `--shard auto needs the job index in ${SHARD_INDEX_ENV.join(' or ')}${name ? ` (it is ${JSON.stringify(env[name])}, not a whole number)` : ', and neither is set'}.`,
        hint: 'run it as a Kubernetes Indexed Job or an AWS Batch array job, or give --shard K/N',
      });
    if (count === undefined || count < 1) throw new UserError({ message: '--shard auto needs --shard-count N (the number of jobs).', hint: SHARD_HINT });
    if (zeroBased >= count)
      throw new UserError({
        message: `${name}=${zeroBased} is not below --shard-count ${count}.`,
        hint: 'give the same count as the job has completions or array size',
      });
    return { index: zeroBased + 1, count };
  }
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n)
    throw new UserError({
      message: `--shard ${value} is not a shard of a count.`,
      expected: 'K/N, 1-based, as Playwright writes it (1/4 … 4/4)',
      hint: SHARD_HINT,
    });
  if (count !== undefined && count !== n) throw new UserError({ message: `--shard ${value} disagrees with --shard-count ${count}.`, hint: 'give one of them' });
  return { index: k, count: n };
}
