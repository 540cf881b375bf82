// The key derivations of one key store share a budget and a cache (review finding: a store of many
// bags at the per-derivation limit held the scan for days).
import { describe, expect, it } from 'vitest';
import { KdfBudget, MAX_STORE_ITERATIONS } from '../../src/scan/pbe.ts';

describe('KdfBudget', () => {
  it('runs a derivation once per inputs, counts iterations, and throws (spent) past the store limit', () => {
    const b = new KdfBudget();
    let runs = 0;
    const run = () => {
      runs++;
      return Buffer.from([runs]);
    };
    expect(b.derive(['pbkdf2', Buffer.alloc(0), 1000], 1000, run)).toEqual(Buffer.from([1]));
    expect(b.derive(['pbkdf2', Buffer.alloc(0), 1000], 1000, run)).toEqual(Buffer.from([1]));
    expect(runs).toBe(1);
    expect(b.left).toBe(MAX_STORE_ITERATIONS - 1000);
    expect(() => b.derive(['pbkdf2', Buffer.alloc(1), MAX_STORE_ITERATIONS], MAX_STORE_ITERATIONS, run)).toThrow(RangeError);
    expect(b.spent).toBe(true);
    expect(runs).toBe(1);
  });
});
