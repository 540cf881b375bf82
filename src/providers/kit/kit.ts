// The provider kit: every cloud read goes through `call` (allowlist, quota bucket, deadline, retries)
// or `read` (the same, with a failure turned into a gap). Providers compose these; they define none.
import { Limiter } from './bucket.ts';
import { Budget, raceAbort } from './deadline.ts';
import { classify, type Failure, type FailureKind, isRetryable, ReadFailure, ReadOnlyViolation } from './failure.ts';
import { type FailureGapSpec, GapBuilder, type GapScope } from './gaps.ts';
import { mapPool, Semaphore } from './pool.ts';
import { backoffDelay } from './retry.ts';
import { sleep as realSleep, type Sleep } from './sleep.ts';

export interface QuotaTable {
  /** Published requests per second per quota key (an operation, or a group name). */
  rates: Readonly<Record<string, number>>;
  /** Operations that share one quota: operation → quota key. */
  groups?: Readonly<Record<string, string>>;
  /** Rate for an operation absent from `rates`. */
  defaultRate?: number;
}

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with full jitter. */
  baseMs: number;
  /** Longest backoff between two attempts. */
  capMs: number;
  /** Longest Retry-After honoured; a server asking for more ends the retries. */
  maxRetryAfterMs: number;
  /**
   * Which retryable failures the kit itself retries (default: all). A provider whose SDK pipeline
   * already retries throttling, 5xx and resets names only what the pipeline does not retry
   * (an answer that could not be decoded).
   */
  kinds?: readonly FailureKind[];
}

export interface KitOptions {
  provider: string;
  /** The exhaustive list of read operations this provider may call; anything else is refused. */
  operations: readonly string[];
  quotas?: QuotaTable;
  /** Fraction of each published quota the audit may use (0 < f ≤ 1). */
  quotaFraction?: number;
  /** Burst, in seconds' worth of the rate (default 0.05 s: any one-second window stays under the quota). */
  burstSeconds?: number;
  /**
   * The global concurrency budget: calls in flight at once across every partition (absent = no limit
   * beyond the callers' own pools). Each partition is paced by its own bucket; this bounds sockets and
   * memory when thousands of account-region partitions progress at once.
   */
  maxInFlight?: number;
  /**
   * Share of a partition's quota this run may use, on top of `quotaFraction` (default 1). A shard of N
   * runs drawing on one partition with the other shards (the caller's own account, whose STS and
   * Organizations quotas every shard spends) takes 1/N of it.
   */
  shareOf?: (scope: CallScope) => number;
  retry?: Partial<RetryPolicy>;
  /** Deadline of one call, connect to last byte. */
  callTimeoutMs: number;
  /** The provider's total time; absent = no budget beyond the parent signal. */
  budgetMs?: number;
  signal?: AbortSignal;
  /** The permission each operation needs, for gap advice (e.g. op → "kms:GetKeyPolicy"). */
  permissionOf?: (operation: string) => string | undefined;
  /** Test seams. */
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

export interface CallScope {
  account?: string;
  region?: string;
  /** Partition of the quota instead of account/region (a vault host, a GCP quota project). */
  partition?: string;
  /** Extra named buckets this call also draws on (defined with `kit.limiter.define`). */
  buckets?: readonly string[];
  /** Tokens this call costs (a heavier request). */
  cost?: number;
}

export interface KitStats {
  calls: Record<string, number>;
  throttled: number;
  retries: number;
  timeouts: number;
  failures: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 200, capMs: 20_000, maxRetryAfterMs: 30_000 };

export class ProviderKit {
  readonly provider: string;
  readonly gaps: GapBuilder;
  readonly limiter: Limiter;
  readonly budget: Budget;
  readonly stats: KitStats = { calls: {}, throttled: 0, retries: 0, timeouts: 0, failures: 0 };
  readonly retry: RetryPolicy;
  private readonly allowed: ReadonlySet<string>;
  private readonly opts: KitOptions;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly inFlight: Semaphore | undefined;

  constructor(opts: KitOptions) {
    this.opts = opts;
    this.provider = opts.provider;
    this.allowed = new Set(opts.operations);
    this.gaps = new GapBuilder(opts.provider);
    this.limiter = new Limiter(opts.now);
    this.budget = new Budget(opts.provider, opts.budgetMs, opts.signal);
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.inFlight = opts.maxInFlight ? new Semaphore(opts.maxInFlight) : undefined;
  }

  /** Aborts when the provider's budget runs out or the run is cancelled. */
  get signal(): AbortSignal {
    return this.budget.signal;
  }

  /** Requests per second this run allows itself for `operation` in one partition. */
  rateOf(operation: string): number {
    const q = this.opts.quotas;
    const key = q?.groups?.[operation] ?? operation;
    const published = q?.rates[operation] ?? q?.rates[key] ?? q?.defaultRate ?? 10;
    return published * (this.opts.quotaFraction ?? 1);
  }

  private bucketsFor(operation: string, scope: CallScope): string[] {
    const key = this.opts.quotas?.groups?.[operation] ?? operation;
    const name = `${key}@${scope.partition ?? `${scope.account ?? '*'}/${scope.region ?? '*'}`}`;
    const rate = this.rateOf(operation) * (this.opts.shareOf?.(scope) ?? 1);
    this.limiter.define(name, rate, Math.max(1, rate * (this.opts.burstSeconds ?? 0.05)));
    return [name, ...(scope.buckets ?? [])];
  }

  private backoff(attempt: number, failure: Failure): number {
    return backoffDelay(attempt, failure, this.retry, this.random);
  }

  /**
   * Call `fn` as `operation`: refused unless declared, paced by its quota bucket, with a deadline
   * signal that `fn` must hand to the SDK, retried on throttling, transient and decoding failures.
   * Throws ReadFailure (classified) when it fails for good.
   */
  async call<T>(operation: string, scope: CallScope, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!this.allowed.has(operation)) throw new ReadOnlyViolation(this.provider, operation);
    const names = this.bucketsFor(operation, scope);
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(operation, names, scope.cost ?? 1, fn);
      if (!('kind' in failure)) return failure.value;
      const delay = this.backoff(attempt, failure);
      const giveUp =
        !isRetryable(failure) ||
        (this.retry.kinds !== undefined && !this.retry.kinds.includes(failure.kind)) ||
        attempt >= this.retry.maxAttempts ||
        (failure.retryAfterMs ?? 0) > this.retry.maxRetryAfterMs ||
        delay >= this.budget.remaining();
      if (giveUp) {
        this.stats.failures++;
        throw new ReadFailure(operation, failure, attempt);
      }
      if (failure.kind === 'throttled') {
        this.stats.throttled++;
        this.limiter.penalize(names, delay);
      }
      this.stats.retries++;
      await this.sleep(delay, this.budget.signal).catch(() => {});
    }
  }

  private async attempt<T>(operation: string, names: string[], cost: number, fn: (signal: AbortSignal) => Promise<T>): Promise<{ value: T } | Failure> {
    try {
      await this.sleep(this.limiter.reserve(names, cost), this.budget.signal);
    } catch {
      return { kind: 'cancelled', message: String(this.budget.signal.reason?.message ?? 'cancelled') };
    }
    this.stats.calls[operation] = (this.stats.calls[operation] ?? 0) + 1;
    return this.inFlight ? this.inFlight.run(() => this.send(operation, names, fn)) : this.send(operation, names, fn);
  }

  /** One call under its deadline (started when the call goes out, not while it waits for a slot). */
  private async send<T>(operation: string, names: string[], fn: (signal: AbortSignal) => Promise<T>): Promise<{ value: T } | Failure> {
    const deadline = this.budget.callSignal(operation, this.opts.callTimeoutMs);
    try {
      const value = await raceAbort(fn(deadline.signal), deadline.signal);
      this.limiter.reward(names);
      return { value };
    } catch (err) {
      if (err instanceof ReadOnlyViolation) throw err;
      if (this.budget.signal.aborted) return { kind: 'cancelled', message: String(this.budget.signal.reason?.message ?? 'cancelled') };
      if (deadline.signal.aborted) {
        this.stats.timeouts++;
        return { kind: 'timeout', code: 'TimeoutError', message: `no answer within ${this.opts.callTimeoutMs} ms` };
      }
      return classify(err);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * `call`, with a failure recorded as a gap (scoped to what the read covers) instead of thrown;
   * undefined when it failed. ReadOnlyViolation is a bug and is still thrown.
   */
  async read<T>(
    operation: string,
    scope: CallScope & { gap: Omit<FailureGapSpec, 'operation'> },
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await this.call(operation, scope, fn);
    } catch (err) {
      if (err instanceof ReadOnlyViolation) throw err;
      this.failed(operation, err, scope.gap);
      return undefined;
    }
  }

  /** Record any error as a gap for `operation` (for steps that are not single calls). */
  failed(operation: string, err: unknown, gap: Omit<FailureGapSpec, 'operation'>): void {
    const failure = classify(err);
    const permission = gap.permission ?? this.opts.permissionOf?.(operation);
    this.gaps.fromFailure(failure, { ...gap, operation, ...(permission ? { permission } : {}) });
  }

  /**
   * Every page of a paginated read, following `next` until it returns undefined. A token that repeats
   * would loop: it fails as an invalid response (the caller's gap), never as a silently shorter list.
   */
  async paginate<P>(
    operation: string,
    scope: CallScope,
    fetchPage: (token: string | undefined, signal: AbortSignal) => Promise<P>,
    next: (page: P) => string | undefined,
    each: (page: P) => void,
  ): Promise<void> {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const t = token;
      const page = await this.call(operation, scope, (signal) => fetchPage(t, signal));
      each(page);
      token = next(page);
      if (token !== undefined && seen.has(token)) {
        const message = `the service returned page token ${JSON.stringify(token.slice(0, 40))} twice: the list is not complete`;
        throw new ReadFailure(operation, { kind: 'invalid-response', code: 'RepeatedPageToken', message }, 1);
      }
      if (token !== undefined) seen.add(token);
    } while (token !== undefined);
  }

  /**
   * The one bounded worker pool. Every item is visited even after the budget ran out: its reads then
   * fail at once as `cancelled`, so each item ends with a record or a gap, never silently dropped.
   */
  pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
    return mapPool(items, limit, fn);
  }

  /** Release timers; call once collection is over. */
  finish(): KitStats {
    this.budget.dispose();
    return this.stats;
  }
}

export const createKit = (opts: KitOptions): ProviderKit => new ProviderKit(opts);

export type { GapScope };
