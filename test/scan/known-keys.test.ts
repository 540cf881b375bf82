// The known-key table is built once and shared with worker threads: an adopted table finds exactly
// what the original finds, over the same shared memory, without building its grids again.
import { describe, expect, it } from 'vitest';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { encode, filler, makeKey } from './material.ts';

describe('known-key table', () => {
  it('a table adopted from share() (as a worker receives it) finds and proves the same keys', () => {
    const rsa = makeKey('rsa2048');
    const ec = makeKey('p256');
    const original = new KnownKeyTable([
      { id: 'kms/rsa', publicKey: rsa.spkiB64 },
      { id: 'kms/ec', publicKey: ec.spkiB64 },
    ]);
    const shared = original.share();
    // What postMessage does to workerData: SharedArrayBuffers stay shared, the rest is copied.
    const copy = structuredClone(shared);
    expect(copy.needleBytes).toBeInstanceOf(SharedArrayBuffer);
    expect(copy.grids.every((g) => g.heads.buffer instanceof SharedArrayBuffer)).toBe(true);
    const adopted = new KnownKeyTable(copy);
    expect(adopted.size).toBe(2);
    expect(adopted.match(original.keys[1]?.fingerprints)?.id).toBe('kms/ec');
    const data = Buffer.concat([
      filler('random', 30_001),
      encode(rsa, 'bignum-le'),
      filler('text', 20_000),
      ec.privateKey.export({ format: 'der', type: 'sec1' }),
      filler('zero', 9_000),
    ]);
    const a = scanBuffer(data, original);
    const b = scanBuffer(data, adopted);
    expect(b).toEqual(a);
    expect(a.map((h) => `${h.format}:${h.proof}`)).toEqual(['rsa-modulus-le:private-key-present', 'der-sec1:private-key-present']);
  });
});
