// The single SIMD anchor pass must find exactly what one Buffer.indexOf pass per anchor finds: the
// same candidate offsets on every kind of data (random, text, zero pages, every material format,
// anchors packed at every alignment and cut by the search range and the window's end), and the same
// findings through the whole scanner, with material cut by chunk edges. The compiled module must be
// the one anchors.wat compiles to.
import { describe, expect, it } from 'vitest';
import { compileAnchors } from '../../scripts/build-wasm.ts';
import { AnchorWindow } from '../../src/scan/anchors.ts';
import { ANCHORS_WASM } from '../../src/scan/anchors-wasm.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { KINDS, NEEDLES, scanBuffer } from '../../src/scan/scanner.ts';
import { encode, FORMATS, filler, kindsFor, makeKey } from './material.ts';

const SIZE = 256 * 1024;

/** A deterministic byte source (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Anchors, their prefixes and near misses packed densely at every alignment, over noise. */
function dense(seed: number, size: number): Buffer {
  const r = rng(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  for (let p = 0; p < size - 8; ) {
    const n = NEEDLES[(r() * NEEDLES.length) | 0] as Buffer;
    const cut = r() < 0.3 ? 1 + ((r() * (n.length - 1)) | 0) : n.length;
    n.copy(out, p, 0, cut);
    p += cut + ((r() * 5) | 0);
  }
  return out;
}

function materials(): Buffer {
  const parts: Buffer[] = [];
  FORMATS.forEach((f, i) => {
    parts.push(filler('mixed', 777 + i * 13), encode(makeKey((kindsFor(f) as string[])[0] as 'rsa2048'), f));
  });
  return Buffer.concat(parts);
}

const sorted = (c: number[]) => {
  const pairs: string[] = [];
  for (let i = 0; i < c.length; i += 2) pairs.push(`${c[i]}:${c[i + 1]}`);
  return pairs.sort();
};

/** Candidates of both searches over the same bytes and range. */
const simd = new AnchorWindow(SIZE, NEEDLES);
const slow = new AnchorWindow(SIZE, NEEDLES, true);

function both(data: Buffer, s: number, e: number, len: number): { simd: string[]; indexOf: string[] } {
  simd.buf.fill(0);
  slow.buf.fill(0);
  data.copy(simd.buf, 0, 0, Math.min(data.length, SIZE));
  data.copy(slow.buf, 0, 0, Math.min(data.length, SIZE));
  const a: number[] = [];
  const b: number[] = [];
  simd.find(s, e, len, KINDS, a);
  slow.find(s, e, len, KINDS, b);
  return { simd: sorted(a), indexOf: sorted(b) };
}

describe('anchor prefilter', () => {
  it('the embedded module is what anchors.wat compiles to (npm run wasm)', async () => {
    expect(Buffer.from(await compileAnchors()).toString('base64')).toBe(ANCHORS_WASM);
  });

  it('uses the single pass for the scanner anchors (and the indexOf passes when asked)', () => {
    expect(simd.singlePass).toBe(true);
    expect(slow.singlePass).toBe(false);
  });

  it('finds the same candidates as one indexOf pass per anchor, on every kind of data and range', () => {
    const corpora: [string, Buffer][] = [
      ['random', filler('random', SIZE)],
      ['text', filler('text', SIZE)],
      ['zero', filler('zero', SIZE)],
      ['mixed', filler('mixed', SIZE)],
      ['materials', Buffer.concat([materials(), filler('mixed', SIZE)]).subarray(0, SIZE)],
      ['dense', dense(7, SIZE)],
    ];
    const r = rng(42);
    let compared = 0;
    for (const [name, data] of corpora) {
      const whole = both(data, 0, SIZE, SIZE);
      expect(whole.simd, name).toEqual(whole.indexOf);
      if (name === 'materials' || name === 'dense') expect(whole.simd.length, name).toBeGreaterThan(name === 'dense' ? 10_000 : 20);
      // Ranges that start and stop anywhere (not multiples of 16), and windows whose valid bytes end inside an anchor.
      for (let k = 0; k < 40; k++) {
        const s = (r() * (SIZE - 64)) | 0;
        const e = Math.min(SIZE, s + 1 + ((r() * 70_000) | 0));
        const len = Math.min(SIZE, e + ((r() * 8) | 0));
        const got = both(data, s, e, len);
        expect(got.simd, `${name} [${s}, ${e}) len ${len}`).toEqual(got.indexOf);
        compared++;
      }
    }
    expect(compared).toBe(corpora.length * 40);
  });

  it('every anchor is found at every offset of a 16-byte block and at the range edges', () => {
    for (const [a, needle] of NEEDLES.entries()) {
      for (let at = 100; at < 132; at++) {
        const data = Buffer.alloc(1024, 0x20);
        needle.copy(data, at);
        expect(both(data, 0, 1024, 1024).simd).toEqual([`${at}:${KINDS[a]}`]);
        // The anchor's first byte is the range's last: found; one past the range: not found.
        expect(both(data, 0, at + 1, 1024).simd).toEqual([`${at}:${KINDS[a]}`]);
        expect(both(data, 0, at, 1024).simd).toEqual([]);
        // The window's valid bytes end one byte before the anchor does: not found.
        expect(both(data, 0, 1024, at + needle.length - 1).simd).toEqual([]);
      }
    }
  });

  it('the scanner gives the same findings with either search, material cut by chunk edges', () => {
    const keys = FORMATS.map((f) => makeKey((kindsFor(f) as string[])[0] as 'rsa2048'));
    const table = new KnownKeyTable([...new Set(keys)].map((k, i) => ({ id: `k${i}`, publicKey: k.spkiB64 })));
    const body = materials();
    for (const shift of [0, 1, 7, 15, 16, 4093]) {
      const data = Buffer.concat([filler('mixed', 64 * 1024 - 40 + shift), body, body, filler('random', 3000)]);
      for (const chunk of [64 * 1024, 200_000]) {
        const fast = scanBuffer(data, table, chunk);
        const slow = scanBuffer(data, table, chunk, true);
        expect(fast.length, `shift ${shift} chunk ${chunk}`).toBeGreaterThanOrEqual(2 * FORMATS.length - 2);
        expect(fast).toEqual(slow);
      }
    }
  });
});
