import { describe, expect, it } from 'vitest';
// The kit's buckets and semaphore as the Azure provider uses them: weighted Key Vault requests, several buckets at once.
import { Limiter, Semaphore, sleep, TokenBucket } from '../../../src/providers/kit/index.ts';

const acquire = (l: Limiter, names: string[]) => sleep(l.reserve(names));

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at the rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t); // 10/s, burst 3
    expect([b.reserve(), b.reserve(), b.reserve()]).toEqual([0, 0, 0]);
    expect(b.reserve()).toBeCloseTo(100, 6);
    expect(b.reserve()).toBeCloseTo(200, 6);
    t = 10_000; // idle: the burst is back, but no more than the burst
    expect([b.reserve(), b.reserve(), b.reserve(), b.reserve()].map((w) => Math.round(w))).toEqual([0, 0, 0, 100]);
  });

  it('weighted requests cost more; charges and refunds correct a reservation without earning credit', () => {
    let t = 0;
    const b = new TokenBucket(100, 1, () => t);
    expect(b.reserve(8)).toBe(0);
    expect(b.reserve(1)).toBeCloseTo(80, 6);
    b.charge(2);
    expect(b.reserve(1)).toBeCloseTo(110, 6);
    b.charge(-100); // a refund never goes below "now"
    expect(b.reserve(1)).toBe(0);
    t = 5;
    expect(b.reserve(1)).toBeCloseTo(5, 6);
  });
});

describe('Limiter', () => {
  it('spends every bucket at the moment the slowest allows: waiting on one costs the other nothing', async () => {
    const l = new Limiter();
    l.define('fast', 1000, 1);
    l.define('slow', 20, 1);
    const t0 = performance.now();
    await acquire(l, ['fast', 'slow']);
    await acquire(l, ['fast', 'slow']);
    await acquire(l, ['fast']);
    const elapsed = performance.now() - t0;
    // the second request waited ~50 ms for `slow`; `fast` was charged at that moment, so the third waits ~1 ms more
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(400);
    expect(l.acquired).toBe(3);
  });

  it('an unknown bucket name imposes no limit', async () => {
    const l = new Limiter();
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) await acquire(l, ['nope']);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

it('Semaphore never runs more than n tasks at once and runs them all', async () => {
  const s = new Semaphore(3);
  let active = 0;
  let peak = 0;
  const done = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      s.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return i;
      }),
    ),
  );
  expect(peak).toBe(3);
  expect(done).toEqual(Array.from({ length: 20 }, (_, i) => i));
});
