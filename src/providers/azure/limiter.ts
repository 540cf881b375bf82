// Client-side request budgets: one token bucket per quota the service enforces (a vault's data
// plane, a subscription's Key Vault total, ARM reads per subscription), sized to a fraction of the
// documented limit so an audit never starves production callers and never loses a key to throttling.

/** Documented limits (performance.md §1.3), in requests per second unless noted. */
export const AZURE_LIMITS = {
  /** Key Vault: 4,000 transactions per 10 s per vault for software RSA-2048 / EC keys; heavier keys weigh more. */
  vaultPerSecond: 400,
  /** The whole subscription gets 5× one vault's limit. */
  subscriptionVaultMultiplier: 5,
  /** Managed HSM: "Get Key Information" 1,100/s per HSM instance (one partition's worth, conservatively). */
  managedHsmPerSecond: 1100,
  /** ARM reads: a bucket of 250 refilled at 25/s per subscription, principal and region. */
  armPerSecond: 25,
  armBurst: 250,
} as const;

/**
 * A token bucket in virtual-scheduling form (GCRA): each request reserves the next free slot, so
 * callers are served in order and the long-run rate never exceeds `rate`, with at most `burst`
 * requests at once after an idle period.
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  /** Theoretical arrival time of the next request, in ms. */
  private tat = 0;
  private readonly now: () => number;

  constructor(rate: number, burst: number, now: () => number = () => performance.now()) {
    this.rate = rate;
    this.burst = Math.max(1, burst);
    this.now = now;
  }

  /** Earliest time (ms) at which a request may go out under this bucket alone. */
  earliest(): number {
    const interval = 1000 / this.rate;
    return Math.max(this.now(), this.tat - (this.burst - 1) * interval);
  }

  /** Record a request of `cost` sent at time `at` (not before `earliest()`). */
  commit(at: number, cost: number): void {
    this.tat = Math.max(this.tat, at) + (cost * 1000) / this.rate;
  }

  /** Milliseconds to wait before `cost` tokens may be spent; reserves them. */
  reserve(cost = 1): number {
    const at = this.earliest();
    this.commit(at, cost);
    return at - this.now();
  }

  /**
   * Correct an earlier reservation: spend `cost` more tokens (a request weighed more than assumed),
   * or give back `-cost` (it weighed less), never earning credit beyond an idle bucket.
   */
  charge(cost: number): void {
    const now = this.now();
    if (cost > 0) this.tat = Math.max(this.tat, now) + (cost * 1000) / this.rate;
    else if (cost < 0) this.tat = Math.max(now, this.tat + (cost * 1000) / this.rate);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  ms <= 0
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            reject(signal.reason);
          },
          { once: true },
        );
      });

/** Named buckets; a request waits for every bucket it draws on. */
export class Limiter {
  private readonly buckets = new Map<string, TokenBucket>();
  waitedMs = 0;
  acquired = 0;

  define(name: string, rate: number, burst: number): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new TokenBucket(rate, burst));
  }

  has(name: string): boolean {
    return this.buckets.has(name);
  }

  /**
   * Wait until every named bucket allows the request, then spend `cost` in all of them at that same
   * moment: a bucket must not be charged for time the request spends waiting on another one.
   */
  async acquire(names: readonly string[], cost = 1, signal?: AbortSignal): Promise<void> {
    const buckets = names.map((n) => this.buckets.get(n)).filter((b): b is TokenBucket => b !== undefined);
    const now = performance.now();
    const at = Math.max(now, ...buckets.map((b) => b.earliest()));
    for (const b of buckets) b.commit(at, cost);
    const wait = at - now;
    this.acquired++;
    this.waitedMs += wait;
    await sleep(wait, signal);
  }

  charge(names: readonly string[], cost: number): void {
    for (const n of names) this.buckets.get(n)?.charge(cost);
  }
}

/** At most `n` tasks at once. */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly n: number;
  constructor(n: number) {
    this.n = n;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A released slot passes straight to the next waiter, so `active` never exceeds `n`.
    if (this.active >= this.n) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
