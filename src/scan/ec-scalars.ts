// EC private scalars wherever a library put them, found through the structure of the dump rather than
// by brute force: every BIGNUM-shaped structure in a memory image (OpenSSL's bignum_st, crypto/bn/bn_local.h:
// limb pointer d, int top, dmax, neg, flags; pointer and limbs (BN_ULONG) of the platform's word size and
// byte order: 64- or 32-bit, little- or big-endian) whose top fits a curve of a known key is followed through
// the image's layout (ELF PT_LOAD, minidump memory ranges) to its limbs, and the value is checked by
// scalar multiplication against the known public points. Bounded: candidates and checks are capped,
// and a cap reached is reported.

import { ecPublicPoint } from './keyproof.ts';
import type { KnownKeyTable } from './known-keys.ts';
import { addressMap, type Layout, type ReadAt, type WordShape } from './layout.ts';
import type { RawHit } from './types.ts';

/** Scalar sizes (bytes) of each curve. */
const CURVE_SIZES: Record<string, number> = { 'P-256': 32, secp256k1: 32, 'P-384': 48, 'P-521': 66 };

/** Bytes of a pointer and of a limb (BN_ULONG) in an image of this shape. */
const wordBytes = (w: WordShape): number => (w.endsWith('32') ? 4 : 8);

/** Limb count (top) of a curve's scalar. */
const topOf = (crv: string, w: WordShape): number => Math.ceil((CURVE_SIZES[crv] as number) / wordBytes(w));

/** A value's big-endian bytes from its limbs, least significant limb first, each in the image's byte order. */
function limbsToBigEndian(limbs: Uint8Array, w: WordShape): Buffer {
  if (w.startsWith('le')) return Buffer.from(limbs).reverse();
  const n = wordBytes(w);
  const out = Buffer.alloc(limbs.length);
  for (let i = 0; i < limbs.length; i += n) out.set(limbs.subarray(i, i + n), limbs.length - i - n);
  return out;
}

const bswap = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

/** Most BIGNUM-shaped structures remembered per file, and most scalars checked. */
export const MAX_CANDIDATES = 1_000_000;
export const MAX_CHECKS = 200_000;

export class BignumCollector {
  /** Pointer value → limb count (top), of BIGNUM-shaped structures seen. */
  readonly pointers = new Map<number, number>();
  overflow = false;
  private readonly tops: Int32Array;
  private readonly points: Map<string, Map<string, { id: string; fingerprints: RawHit['fingerprints'] }>>;
  /** The image's word size and byte order (64-bit little-endian: x86-64, arm64). */
  readonly word: WordShape;

  private constructor(points: BignumCollector['points'], word: WordShape) {
    this.points = points;
    this.word = word;
    // At least three entries (the first repeated), so the scan loop never reads past the end of the array
    // (an out-of-bounds typed-array read took the loop off its fast path: 1.5 GB core, 2.4 -> 1.3 s of CPU).
    const tops = [...new Set([...points.keys()].map((c) => topOf(c, word)))];
    this.tops = Int32Array.from([...tops, tops[0] as number, tops[0] as number].slice(0, Math.max(3, tops.length)));
  }

  /** A collector for the EC keys of the table, or undefined when it has none on a supported curve. */
  static for(table: KnownKeyTable | undefined, word: WordShape = 'le64'): BignumCollector | undefined {
    const points = new Map<string, Map<string, { id: string; fingerprints: RawHit['fingerprints'] }>>();
    for (const k of table?.ecPoints() ?? []) {
      if (!CURVE_SIZES[k.curve]) continue;
      const m = points.get(k.curve) ?? new Map();
      m.set(k.point.toString('hex'), { id: k.id, fingerprints: k.fingerprints });
      points.set(k.curve, m);
    }
    return points.size ? new BignumCollector(points, word) : undefined;
  }

  /**
   * Look at every 8-byte-aligned position of buf[from, end) (absolute offset base + p) for
   * { d: user-space pointer (below 2^47, above the null page), 8-aligned; top: a curve's limb count; dmax ≥ top; neg = 0; flags ≤ 0x1f },
   * and for Go's big.Int (goInt).
   */
  scan(words: Int32Array, base: number, from: number, end: number, len: number): void {
    if (this.word !== 'le64') {
      this.scanOther(words, base, from, end, len);
      return;
    }
    const tops = this.tops;
    const last = Math.min(end, len - 24);
    for (let p = from + ((8 - ((base + from) % 8)) % 8); p < last; p += 8) {
      const w = p >> 2;
      const top = words[w + 2] as number;
      if (top !== tops[0] && top !== tops[1] && top !== tops[2]) {
        const n = words[w + 4] as number;
        if ((n === tops[0] || n === tops[1] || n === tops[2]) && p + 32 <= len) this.goInt(words, w, n);
        continue;
      }
      const dmax = words[w + 3] as number;
      const lo = words[w] as number;
      const hi = words[w + 1] as number;
      if (dmax < top || dmax > 64 || words[w + 4] !== 0 || (words[w + 5] as number) >>> 0 > 0x1f || (lo & 7) !== 0 || hi < 0 || hi >= 0x8000) continue;
      // Non-PIE executables (Node's) keep their heap below 4 GiB: only the null page is excluded.
      if (hi === 0 && lo >>> 0 < 0x10000) continue;
      if (this.pointers.size >= MAX_CANDIDATES) {
        this.overflow = true;
        return;
      }
      this.pointers.set(hi * 4294967296 + (lo >>> 0), top);
    }
  }

  /**
   * Go's math/big.Int ({ neg bool; abs nat }, nat a []Word slice header { ptr, len, cap }: 32 bytes in a
   * 64-bit process) at word `w`, as crypto/ecdsa.PrivateKey.D holds the scalar: neg false and its padding
   * zero, a user-space 8-aligned pointer, len a curve's limb count, cap from len to len + 64 (nat.make adds 4).
   */
  private goInt(words: Int32Array, w: number, len: number): void {
    const lo = words[w + 2] as number;
    const hi = words[w + 3] as number;
    const cap = words[w + 6] as number;
    if (words[w] !== 0 || words[w + 1] !== 0 || words[w + 5] !== 0 || words[w + 7] !== 0 || cap < len || cap > len + 64) return;
    if ((lo & 7) !== 0 || hi < 0 || hi >= 0x8000 || (hi === 0 && lo >>> 0 < 0x10000)) return;
    if (this.pointers.size >= MAX_CANDIDATES) {
      this.overflow = true;
      return;
    }
    this.pointers.set(hi * 4294967296 + (lo >>> 0), len);
  }

  /** The same for 32-bit or big-endian images: { d, top, dmax, neg, flags } in the image's word size and byte order. */
  private scanOther(words: Int32Array, base: number, from: number, end: number, len: number): void {
    const step = wordBytes(this.word);
    const le = this.word.startsWith('le');
    const u = (i: number): number => (le ? (words[i] as number) >>> 0 : bswap(words[i] as number));
    const last = Math.min(end, len - 4 * step - 8);
    for (let p = from + ((step - ((base + from) % step)) % step); p < last; p += step) {
      const w = p >> 2;
      const i = w + step / 4;
      const top = u(i);
      if (!this.tops.includes(top)) continue;
      const ptr = step === 4 ? u(w) : u(le ? w + 1 : w) * 4294967296 + u(le ? w : w + 1);
      if (u(i + 1) < top || u(i + 1) > 64 || u(i + 2) !== 0 || u(i + 3) > 0x1f || ptr % step !== 0 || ptr < 0x10000 || ptr >= 2 ** 53) continue;
      if (this.pointers.size >= MAX_CANDIDATES) {
        this.overflow = true;
        return;
      }
      this.pointers.set(ptr, top);
    }
  }

  /** The structures seen, as pointer and limb-count pairs (to send from a worker thread). */
  export(): Float64Array {
    const out = new Float64Array(this.pointers.size * 2);
    let i = 0;
    for (const [ptr, top] of this.pointers) {
      out[i++] = ptr;
      out[i++] = top;
    }
    return out;
  }

  /** Add structures another collector saw (a range of the same file scanned elsewhere). */
  absorb(pairs: Float64Array): void {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      if (this.pointers.size >= MAX_CANDIDATES) {
        this.overflow = true;
        return;
      }
      this.pointers.set(pairs[i] as number, pairs[i + 1] as number);
    }
  }

  /** The file spans holding the limbs the pointers name (for a stream-only image: read on a second pass). */
  wanted(layout: Layout): { offset: number; len: number }[] {
    const fileOffset = addressMap(layout);
    const out: { offset: number; len: number }[] = [];
    const n = wordBytes(this.word);
    for (const [ptr, top] of this.pointers) {
      const offset = fileOffset(ptr, top * n);
      if (offset !== undefined) out.push({ offset, len: top * n });
    }
    return out;
  }

  /** Follow each pointer through the layout, read its limbs and check them against the known points. */
  resolve(layout: Layout, read: ReadAt): { hits: RawHit[]; capped: boolean } {
    const fileOffset = addressMap(layout);
    const hits: RawHit[] = [];
    const seen = new Set<string>();
    let checks = 0;
    const n = wordBytes(this.word);
    for (const [ptr, top] of this.pointers) {
      const offset = fileOffset(ptr, top * n);
      if (offset === undefined) continue;
      const limbs = read(offset, top * n);
      if (limbs.length < top * n) continue;
      const be = limbsToBigEndian(limbs, this.word);
      const hex = be.toString('hex');
      if (seen.has(hex) || lowEntropy(be)) continue;
      seen.add(hex);
      for (const [crv, known] of this.points) {
        const size = CURVE_SIZES[crv] as number;
        if (topOf(crv, this.word) !== top || !leadingZeros(be, be.length - size)) continue;
        if (++checks > MAX_CHECKS) return { hits, capped: true };
        const q = ecPublicPoint(crv, be.subarray(be.length - size));
        const match = q && known.get(q.toString('hex'));
        if (match) {
          hits.push({
            offset,
            length: top * n,
            format: 'ec-scalar',
            keyType: 'EC',
            proof: 'private-key-present',
            fingerprints: match.fingerprints,
            knownKeyId: match.id,
          });
        }
      }
    }
    return { hits, capped: false };
  }
}

const leadingZeros = (b: Buffer, n: number): boolean => {
  for (let i = 0; i < n; i++) if (b[i] !== 0) return false;
  return true;
};

/** A scalar is uniformly random: more than one zero byte in eight means it is not one. */
function lowEntropy(b: Buffer): boolean {
  let zeros = 0;
  for (const x of b) if (x === 0) zeros++;
  return zeros > (b.length >> 3) + 6;
}
