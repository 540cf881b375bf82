// The known-key table's search structure: the needles (RSA moduli in both byte orders, EC points,
// Ed25519/X25519 keys) in one sampling grid per length class, where each sample of the stream costs
// one hash, one word of a blocked Bloom filter and, for the few that pass it, one bucket of (hash,
// needle) pairs: the same work for one known key as for 10,000 (no loop over keys, and no needle is
// touched until a sample's full 32-bit hash matches one of its q-grams). Built in O(needles × step)
// with sequential passes only.
const Q = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Longest sampling step (a multiple of 4 so samples stay word-aligned); a 1024-bit modulus allows 120. */
const MAX_STEP = 120;
const MIN_STEP = 8;
/**
 * Most q-grams indexed per grid: a grid of more needles samples with a smaller step (more samples;
 * a smaller filter, and fewer random writes to build it).
 */
const MAX_GRAMS = 600_000;
/** Filter bits per indexed q-gram (rounded up to a power of two), two bits set per q-gram in one 32-bit word. */
const FILTER_BITS = 16;

/** Needle columns in the shared Int32Array: key index, offset in the needle bytes, length, format. */
export const NEEDLE_COLS = 4;

export const hash = (lo: number, hi: number): number => Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) ^ (hi >>> 15);
/** The two filter bits of a hash (in the word its top bits choose). */
const mask = (h: number): number => {
  const g = Math.imul(h, 0x2c1b3c6d);
  return (1 << g) | (1 << (g >>> 5));
};

/** A sampling grid's arrays (on SharedArrayBuffers, so worker threads use them without a copy). */
export interface GridState {
  step: number;
  /** hash >>> bitsShift is the filter word. */
  bitsShift: number;
  bucketShift: number;
  /** No needle has eight zero bytes in a row, so all-zero samples (zero pages) skip the lookup. */
  zeroGram: boolean;
  bitset: Int32Array;
  /** Bucket b (the hash's top bits) holds pairs starts[b] … starts[b + 1] − 1. */
  starts: Int32Array;
  /** Pairs: the q-gram's full hash, then needle index × 256 + offset of the q-gram in the needle. */
  refs: Int32Array;
}

const sharedInts = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** ceil(log2(n)) clamped to [lo, hi]. */
const bitsFor = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.ceil(Math.log2(Math.max(2, n)))));

/**
 * The sampling step: an occurrence of a needle of length L starting at s has its first sample at
 * s + r with 0 ≤ r < step, so indexing the q-grams at needle offsets 0 … step − 1 finds it when
 * step ≤ L − Q + 1 (for the shortest needle). Thousands of needles take a smaller step (MAX_GRAMS).
 */
export function gridStep(minLength: number, count: number): number {
  const byLength = Math.min(MAX_STEP, (minLength - Q + 1) & ~3);
  const byGrams = Math.floor(MAX_GRAMS / Math.max(1, count)) & ~3;
  return Math.min(byLength, Math.max(MIN_STEP, byGrams));
}

/** The hashes of the q-grams at offsets 0 … step−1 of each member needle, in order; `zero` when one is all zero. */
function gramHashes(step: number, cols: Int32Array, bytes: Buffer, members: Int32Array): { hashes: Int32Array; zero: boolean } {
  const hashes = new Int32Array(members.length * step);
  let zero = false;
  let k = 0;
  for (const n of members) {
    const off = cols[n * NEEDLE_COLS + 1] as number;
    // The q-gram at j + 1 is the one at j shifted by a byte: one load per gram, not eight.
    let lo = bytes.readInt32LE(off);
    let hi = bytes.readInt32LE(off + 4);
    for (let j = 0; j < step; j++) {
      if (j > 0) {
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi = (hi >>> 8) | ((bytes[off + j + 7] as number) << 24);
      }
      if ((lo | hi) === 0) zero = true;
      hashes[k++] = hash(lo, hi);
    }
  }
  return { hashes, zero };
}

/** Top hash bits the q-grams are first grouped by (see partitioned). */
const PARTITION_BITS = 8;

/**
 * The (hash, ref) pairs of the q-grams grouped by the hash's top bits (a counting sort into 256
 * sequential streams), so that the passes after it, which write the filter word and the bucket the
 * top bits choose, write one small region at a time instead of all over a table larger than the cache.
 */
function partitioned(hashes: Int32Array, step: number, members: Int32Array): Int32Array {
  const shift = 32 - PARTITION_BITS;
  const at = new Int32Array((1 << PARTITION_BITS) + 1);
  for (const h of hashes) (at[(h >>> shift) + 1] as number)++;
  for (let p = 1; p < at.length; p++) at[p] = (at[p] as number) + (at[p - 1] as number);
  const pairs = new Int32Array(hashes.length * 2);
  let k = 0;
  for (const n of members) {
    for (let j = 0; j < step; j++, k++) {
      const h = hashes[k] as number;
      const i = (at[h >>> shift] as number)++;
      pairs[2 * i] = h;
      pairs[2 * i + 1] = n * 256 + j;
    }
  }
  return pairs;
}

/**
 * Index the q-grams at offsets 0 … step−1 of every member needle: hashes computed once and grouped
 * by their top bits, then the filter bits and a counting sort by bucket (count, prefix sums, place).
 */
export function buildGrid(step: number, cols: Int32Array, bytes: Buffer, members: Int32Array): GridState {
  const { hashes, zero } = gramHashes(step, cols, bytes, members);
  const total = hashes.length;
  const pairs = partitioned(hashes, step, members);
  const wordBits = bitsFor((total * FILTER_BITS) / 32, 4, 25);
  const bucketBits = bitsFor(total / 2, 4, 22);
  const bitsShift = 32 - wordBits;
  const bucketShift = 32 - bucketBits;
  const bitset = sharedInts(1 << wordBits);
  const starts = sharedInts((1 << bucketBits) + 1);
  for (let i = 0; i < pairs.length; i += 2) {
    const h = pairs[i] as number;
    const w = h >>> bitsShift;
    bitset[w] = (bitset[w] as number) | mask(h);
    (starts[h >>> bucketShift] as number)++;
  }
  // Inclusive prefix sums: starts[b] is where bucket b ends; placing at --starts[b] leaves it where b begins.
  for (let b = 1; b < starts.length - 1; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
  starts[starts.length - 1] = total;
  const refs = sharedInts(total * 2);
  for (let i = 0; i < pairs.length; i += 2) {
    const h = pairs[i] as number;
    const b = h >>> bucketShift;
    const at = (starts[b] as number) - 1;
    starts[b] = at;
    refs[2 * at] = h;
    refs[2 * at + 1] = pairs[i + 1] as number;
  }
  return { step, bitsShift, bucketShift, zeroGram: zero, bitset, starts, refs };
}

/**
 * Needles are searched in classes by length, so one short needle (an Ed25519 key) does not make
 * every sample of a table of RSA moduli fine-grained: a needle of at least `w` bytes goes to the
 * first class it fits, sampled with a step up to w − Q + 1.
 */
const CLASSES = [128, 32] as const;

/** One grid per non-empty length class over the needle columns (needles shorter than 32 bytes are not indexed). */
export function buildGrids(cols: Int32Array, bytes: Buffer): GridState[] {
  const count = cols.length / NEEDLE_COLS;
  const cls = new Int8Array(count).fill(-1);
  const sizes = CLASSES.map(() => 0);
  for (let n = 0; n < count; n++) {
    const c = CLASSES.findIndex((w) => (cols[n * NEEDLE_COLS + 2] as number) >= w);
    cls[n] = c;
    if (c >= 0) sizes[c] = (sizes[c] as number) + 1;
  }
  const grids: GridState[] = [];
  for (const c of CLASSES.keys()) {
    if (!sizes[c]) continue;
    const members = new Int32Array(sizes[c] as number);
    let m = 0;
    let shortest = Number.POSITIVE_INFINITY;
    for (let n = 0; n < count; n++) {
      if (cls[n] !== c) continue;
      members[m++] = n;
      shortest = Math.min(shortest, cols[n * NEEDLE_COLS + 2] as number);
    }
    grids.push(buildGrid(gridStep(shortest, members.length), cols, bytes, members));
  }
  return grids;
}

/** One sampling grid over its state, the needle columns and the needle bytes. */
export class Grid {
  private readonly s: GridState;
  private readonly cols: Int32Array;
  private readonly bytes: Buffer;

  constructor(state: GridState, cols: Int32Array, bytes: Buffer) {
    this.s = state;
    this.cols = cols;
    this.bytes = bytes;
  }

  /**
   * Find needle occurrences sampled in [from, end) of `buf` (valid bytes up to `len`). `words` is an
   * Int32Array over the same memory (byteOffset 0), `base` the absolute offset of buf[0]. Samples sit
   * at absolute multiples of the step, so the grid never shifts at chunk boundaries.
   */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    const { bitset, bitsShift, step } = this.s;
    const skipZero = !this.s.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step) {
      const lo = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      const hi = aligned ? (words[(p >> 2) + 1] as number) : buf.readInt32LE(p + 4);
      if ((lo | hi) === 0 && skipZero) continue;
      const h = hash(lo, hi);
      const m = mask(h);
      if (((bitset[h >>> bitsShift] as number) & m) !== m) continue;
      this.bucket(h, p, buf, len, onHit);
    }
  }

  /** The needles of the sample's bucket with the sample's full hash, each verified whole. */
  private bucket(h: number, p: number, buf: Buffer, len: number, onHit: (needle: number, start: number) => void): void {
    const { starts, refs } = this.s;
    const b = h >>> this.s.bucketShift;
    const stop = starts[b + 1] as number;
    for (let i = starts[b] as number; i < stop; i++) {
      if (refs[2 * i] !== h) continue;
      const ref = refs[2 * i + 1] as number;
      const n = (ref >> 8) * NEEDLE_COLS;
      const off = this.cols[n + 1] as number;
      const length = this.cols[n + 2] as number;
      const start = p - (ref & 255);
      if (start >= 0 && start + length <= len && buf.compare(this.bytes, off, off + length, start, start + length) === 0) onHit(ref >> 8, start);
    }
  }
}
