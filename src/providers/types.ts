import type { z } from 'zod';
import type { ShardUnits } from '../inventory/shard.ts';
import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import type { ProviderRun } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import { readTextFile } from '../util/read-text.ts';

export interface ProgressEvent {
  provider: string;
  phase: string;
  done: number;
  total?: number;
}

/** Everything a provider may use from the outside world; injected so tests can fake it. */
export interface CollectContext {
  now: () => Date;
  /** `inventory --shard K/N`: a provider that declares `shardable` collects only the units this shard owns. */
  shard?: ShardUnits;
  /** Directory relative paths in the provider's config are resolved against (the policy's). */
  baseDir: string;
  env: NodeJS.ProcessEnv;
  /**
   * Read a text input file (a snapshot, a key set, an evidence file): the only file access a provider
   * has. Throws a UserError naming the file, `what` it is and `hint` (how to fix) when it cannot.
   * The command shell always sets it; a test may leave it out (then `inputReader` gives the default).
   */
  readText?: (file: string, what: string, hint: string) => string;
  signal?: AbortSignal;
  progress?: (event: ProgressEvent) => void;
  warn?: (message: string) => void;
  /**
   * What the providers that ran before this one collected (collectInventory runs `artifacts` last),
   * so the artifacts provider can recognise inventoried public keys in what it scans.
   */
  inventory?: { keys: readonly KeyRecord[]; publishedKeys: readonly PublishedKey[] };
  /** Names of a directory's entries, [] when it cannot be listed (the IaC provider finds `.tf` sources with it). */
  listDir?: (dir: string) => string[];
}

export interface ProviderOutput {
  run: ProviderRun;
  /**
   * The runs whose evidence this output carries, when they are not this run itself: the snapshot
   * provider hands on the runs recorded in its snapshots (then `run` only dates them).
   */
  runs?: ProviderRun[];
  keys?: KeyRecord[];
  trails?: AuditTrail[];
  publishedKeys?: PublishedKey[];
  artifacts?: ArtifactFinding[];
  gaps?: CollectionGap[];
  /** The records were validated against the model already (the snapshot reader did, record by record): not parsed again. */
  validated?: boolean;
  /** Model fields this run deliberately left uncollected (a faster profile): the rules that need them report unknown. */
  skipped?: readonly string[];
}

/**
 * A provider: reads one kind of source, read-only, and maps it to the model. It never evaluates
 * rules. `operations` is the exhaustive list of API operations it may call.
 */
export interface ProviderDefinition<Config = unknown> {
  id: string;
  description: string;
  configSchema: z.ZodType<Config>;
  /** It partitions its own collection units by `ctx.shard` (else the whole provider is one unit of a shard). */
  shardable?: boolean;
  /** The collection units it would read, listed once (`inventory --plan-shards`); absent = the provider is one unit. */
  units?(config: Config, ctx: CollectContext): Promise<string[]>;
  /** Read-only operations this provider may call, e.g. `kms:ListKeys`; anything else is refused. */
  operations: readonly string[];
  /** Model fields the provider fills (dot paths on KeyRecord/AuditTrail/…). */
  fills: readonly string[];
  collect(config: Config, ctx: CollectContext): Promise<ProviderOutput>;
  /** The least-privilege permission document for exactly `operations` (IAM policy, custom role…). */
  permissions?: () => PermissionsDocument;
}

export interface PermissionsDocument {
  /** What the document is, e.g. "AWS IAM policy" or "Azure custom role definition". */
  kind: string;
  document: unknown;
  notes?: string[];
}

/** The reader a provider uses for its input files: the injected one, or the shell's default. */
export const inputReader = (ctx: Pick<CollectContext, 'readText'>): ((file: string, what: string, hint: string) => string) => ctx.readText ?? readTextFile;

export const defineProvider = <C>(p: ProviderDefinition<C>): ProviderDefinition<C> => p;
