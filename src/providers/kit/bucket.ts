// Token buckets in virtual-scheduling form (GCRA) and a limiter over named buckets. No SDK here.

/**
 * One quota: each request reserves the next free slot, so waiting callers are served in order and
 * the long-run rate never exceeds `rate`, with at most `burst` requests at once after an idle period.
 * Throttling answers slow the bucket down (multiplicative decrease); successes creep back (additive
 * increase) toward the target rate.
 */
export class TokenBucket {
  readonly target: number;
  rate: number;
  readonly burst: number;
  /** Theoretical arrival time of the next request, in ms. */
  private tat = 0;
  private readonly now: () => number;

  constructor(rate: number, burst: number, now: () => number = () => performance.now()) {
    if (!(rate > 0)) throw new RangeError(`a token bucket needs a positive rate, got ${rate}`);
    this.target = rate;
    this.rate = rate;
    this.burst = Math.max(1, Math.floor(burst));
    this.now = now;
  }

  /** Earliest time (ms) at which a request may go out under this bucket alone. */
  earliest(): number {
    const interval = 1000 / this.rate;
    return Math.max(this.now(), this.tat - (this.burst - 1) * interval);
  }

  /** Record a request of `cost` sent at time `at` (not before `earliest()`). */
  commit(at: number, cost = 1): void {
    this.tat = Math.max(this.tat, at) + (cost * 1000) / this.rate;
  }

  /** Milliseconds to wait before `cost` tokens may be spent; reserves them. */
  reserve(cost = 1): number {
    const at = this.earliest();
    this.commit(at, cost);
    return at - this.now();
  }

  /** Correct an earlier reservation: spend `cost` more (or give back `-cost`), never beyond an idle bucket. */
  charge(cost: number): void {
    const now = this.now();
    if (cost > 0) this.tat = Math.max(this.tat, now) + (cost * 1000) / this.rate;
    else if (cost < 0) this.tat = Math.max(now, this.tat + (cost * 1000) / this.rate);
  }

  /** The service throttled us: slow down and push the schedule back by `delayMs`. */
  penalize(delayMs: number): void {
    this.rate = Math.max(this.target / 16, this.rate * 0.7);
    this.tat = Math.max(this.tat, this.now() + delayMs);
  }

  /** A success: creep back toward the target rate. */
  reward(): void {
    if (this.rate < this.target) this.rate = Math.min(this.target, this.rate + this.target / 100);
  }
}

/** Named buckets; a request waits until every bucket it draws on allows it, then spends in all at once. */
export class Limiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;
  waitedMs = 0;
  acquired = 0;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** The bucket called `name`, created at `rate` req/s and `burst` on first use. */
  define(name: string, rate: number, burst: number): TokenBucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = new TokenBucket(rate, burst, this.now);
      this.buckets.set(name, b);
    }
    return b;
  }

  get(name: string): TokenBucket | undefined {
    return this.buckets.get(name);
  }

  /**
   * Reserve `cost` in every named bucket at the same moment (a bucket is never charged for time the
   * request spends waiting on another one); returns the milliseconds to wait.
   */
  reserve(names: readonly string[], cost = 1): number {
    const buckets = names.map((n) => this.buckets.get(n)).filter((b): b is TokenBucket => b !== undefined);
    const now = this.now();
    let at = now;
    for (const b of buckets) at = Math.max(at, b.earliest());
    for (const b of buckets) b.commit(at, cost);
    this.acquired++;
    this.waitedMs += at - now;
    return at - now;
  }

  charge(names: readonly string[], cost: number): void {
    for (const n of names) this.buckets.get(n)?.charge(cost);
  }

  penalize(names: readonly string[], delayMs: number): void {
    for (const n of names) this.buckets.get(n)?.penalize(delayMs);
  }

  reward(names: readonly string[]): void {
    for (const n of names) this.buckets.get(n)?.reward();
  }
}
