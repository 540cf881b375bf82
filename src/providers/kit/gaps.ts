// The one gap builder: what a provider could not read, for which subjects, why, and how to fix it.
import type { CollectionGap } from '../../model/collection-gap.ts';
import { describeFailure, type Failure } from './failure.ts';

export type GapScope = CollectionGap['scope'];

export interface GapSpec {
  operation: string;
  /**
   * The subjects whose verdicts depend on the failed read: the scope of the *read*, not of the subject
   * being processed (an account-wide list that fails is a gap for the whole account).
   */
  scope?: GapScope;
  /** Fields left unknown; absent = everything in scope. */
  affects?: readonly string[];
  /** Overrides the derived id (kept stable across releases for baselines). */
  id?: string;
}

export interface FailureGapSpec extends GapSpec {
  /** What could not be read, in words: "the key policy of key 1234…". */
  what: string;
  /** The permission the read needs (shown for denials): "kms:GetKeyPolicy". */
  permission?: string;
  /** How to fix it, when the provider knows better than the generic advice. */
  fix?: string;
  /**
   * Why, in our own words, when the provider knows better than the failure kind (a limit of ours, a
   * malformed document): never the service's raw text, which stays in `detail`.
   */
  why?: string;
}

/** `<provider>:<account>:<region>:<container>:<subject>:<operation>[:<affects>]`, empty parts left out. */
export function gapId(provider: string, spec: GapSpec): string {
  const s = spec.scope ?? {};
  const where = [s.account, s.region, s.container, s.subjectId].filter(Boolean).join(':') || '*';
  return `${provider}:${where}:${spec.operation}${spec.affects?.length ? `:${[...spec.affects].join('+')}` : ''}`;
}

/** Generic advice per failure kind; a provider's `fix` replaces it. */
function adviceFor(f: Failure, spec: FailureGapSpec): string {
  switch (f.kind) {
    case 'denied':
      return spec.permission
        ? `grant ${spec.permission} to the audit identity (see \`keyhygiene permissions\`)`
        : 'grant the audit identity read access (see `keyhygiene permissions`)';
    case 'unauthenticated':
      return 'refresh or provide credentials for the audit identity, then rerun';
    case 'throttled':
      return 'lower quotaFraction, or rerun when the service is quieter';
    case 'timeout':
      return 'raise timeoutMs for this provider, or check the network path to the service';
    case 'cancelled':
      return "raise the provider's budgetMs, or audit fewer accounts or regions per run (see --shard)";
    case 'transient':
    case 'invalid-response':
      return 'rerun; if it persists, check the service health page';
    case 'unsupported':
      return 'nothing to grant: the service does not offer this read here; the verdicts that need it stay unknown';
    case 'not-found':
      return 'check that the resource still exists and the configured names are right';
    default:
      return 'rerun with --debug for the service answer';
  }
}

/** Collects gaps once each (same id = same gap), sorted by id on `list()`. */
export class GapBuilder {
  readonly provider: string;
  private readonly gaps = new Map<string, CollectionGap>();

  constructor(provider: string) {
    this.provider = provider;
  }

  /** Record a gap with a reason written by the provider. */
  add(spec: GapSpec & { reason: string; kind?: Failure['kind']; detail?: string }): CollectionGap {
    const id = spec.id ?? gapId(this.provider, spec);
    const gap: CollectionGap = { id, provider: this.provider, scope: { ...(spec.scope ?? {}) }, operation: spec.operation, reason: spec.reason };
    if (spec.affects?.length) gap.affects = [...spec.affects];
    if (spec.kind) gap.kind = spec.kind;
    if (spec.detail) gap.detail = spec.detail;
    if (!this.gaps.has(id)) this.gaps.set(id, gap);
    return this.gaps.get(id) as CollectionGap;
  }

  /** Record a failed read: "<what> could not be read: <why>; <fix>", the raw service text kept as `detail`. */
  fromFailure(failure: Failure, spec: FailureGapSpec): CollectionGap {
    const reason = `${spec.what} could not be read: ${spec.why ?? describeFailure(failure)}; ${spec.fix ?? adviceFor(failure, spec)}`;
    return this.add({ ...spec, reason, kind: failure.kind, detail: failure.message });
  }

  has(id: string): boolean {
    return this.gaps.has(id);
  }

  get size(): number {
    return this.gaps.size;
  }

  list(): CollectionGap[] {
    return [...this.gaps.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
