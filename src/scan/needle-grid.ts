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

/** A q-gram of 7-bit bytes (text) has none of these bits. */
const TEXT_MASK = 0x80808080 | 0;
const TEXT_FLAG = 128;

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
  /**
   * The filter of the q-grams of 7-bit bytes only (text): few needle q-grams are text (1 in 256 of
   * random bytes), so text samples (logs, strings) look in this small filter, which stays in the
   * CPU cache, and only binary samples pay for the large one.
   */
  textBits: Int32Array;
  textShift: number;
  /** Bucket b (the hash's top bits) holds pairs starts[b] … starts[b + 1] − 1. */
  starts: Int32Array;
  /** Pairs: the q-gram's full hash, then needle index × 256 + 128 for a text q-gram + its offset in the needle. */
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
function gramHashes(step: number, cols: Int32Array, bytes: Buffer, members: Int32Array): { hashes: Int32Array; text: Uint8Array; zero: boolean } {
  const hashes = new Int32Array(members.length * step);
  const text = new Uint8Array(members.length * step);
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
      if (((lo | hi) & TEXT_MASK) === 0) text[k] = TEXT_FLAG;
      hashes[k++] = hash(lo, hi);
    }
  }
  return { hashes, text, zero };
}

/**
 * Index the q-grams at offsets 0 … step−1 of every member needle: hashes computed once, then the
 * filter bits and a counting sort by bucket (count, prefix sums, place), in plain loops.
 */
export function buildGrid(step: number, cols: Int32Array, bytes: Buffer, members: Int32Array): GridState {
  const { hashes, text, zero } = gramHashes(step, cols, bytes, members);
  const total = hashes.length;
  const texts = text.reduce((n, t) => n + (t ? 1 : 0), 0);
  const refOf = (k: number): number => (members[(k / step) | 0] as number) * 256 + (text[k] as number) + (k % step);
  const wordBits = bitsFor(((total - texts) * FILTER_BITS) / 32, 4, 25);
  const textShift = 32 - bitsFor((texts * FILTER_BITS) / 32, 4, 25);
  const textBits = sharedInts(1 << (32 - textShift));
  const bucketBits = bitsFor(total / 2, 4, 22);
  const bitsShift = 32 - wordBits;
  const bucketShift = 32 - bucketBits;
  const bitset = sharedInts(1 << wordBits);
  const starts = sharedInts((1 << bucketBits) + 1);
  for (let k = 0; k < total; k++) {
    const h = hashes[k] as number;
    const filter = text[k] ? textBits : bitset;
    const w = h >>> (filter === bitset ? bitsShift : textShift);
    filter[w] = (filter[w] as number) | mask(h);
    (starts[h >>> bucketShift] as number)++;
  }
  // Inclusive prefix sums: starts[b] is where bucket b ends; placing at --starts[b] leaves it where b begins.
  for (let b = 1; b < starts.length - 1; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number);
  starts[starts.length - 1] = total;
  const refs = sharedInts(total * 2);
  for (let k = 0; k < total; k++) {
    const h = hashes[k] as number;
    const b = h >>> bucketShift;
    const at = (starts[b] as number) - 1;
    starts[b] = at;
    refs[2 * at] = h;
    refs[2 * at + 1] = refOf(k);
  }
  return { step, bitsShift, bucketShift, zeroGram: zero, bitset, textBits, textShift, starts, refs };
}

/**
 * Needles are searched in classes by length, so one short needle (an Ed25519 key) does not make
 * every sample of a table of RSA moduli fine-grained: a needle of at least `w` bytes goes to the
 * first class it fits. The classes' steps nest (the coarser is a multiple of the finer, see
 * nestedSteps), so ONE pass over the finer lattice computes each sample's hash once for both.
 */
const CLASSES = [128, 32] as const;

/** The classes' members (needle indices) and shortest needle length; empty classes dropped. */
function classify(cols: Int32Array): { members: Int32Array; shortest: number }[] {
  const count = cols.length / NEEDLE_COLS;
  const lists: number[][] = CLASSES.map(() => []);
  const shortest = CLASSES.map(() => Number.POSITIVE_INFINITY);
  for (let n = 0; n < count; n++) {
    const length = cols[n * NEEDLE_COLS + 2] as number;
    const c = CLASSES.findIndex((w) => length >= w);
    if (c < 0) continue;
    lists[c]?.push(n);
    shortest[c] = Math.min(shortest[c] as number, length);
  }
  return lists.flatMap((l, c) => (l.length ? [{ members: Int32Array.from(l), shortest: shortest[c] as number }] : []));
}

/** Each class's step, rounded down so that the larger is a multiple of the smaller (smaller steps stay valid). */
export function nestedSteps(steps: readonly number[]): number[] {
  const fine = Math.min(...steps);
  return steps.map((s) => Math.max(fine, s - (s % fine)));
}

/** One grid per non-empty length class over the needle columns (needles shorter than 32 bytes are not indexed). */
export function buildGrids(cols: Int32Array, bytes: Buffer): GridState[] {
  const classes = classify(cols);
  const steps = nestedSteps(classes.map((c) => gridStep(c.shortest, c.members.length)));
  return classes.map((c, i) => buildGrid(steps[i] as number, cols, bytes, c.members));
}

/** The grids of a table: one pass over the finest lattice; a coarser grid is probed on every k-th sample with the same hash. */
export class Grids {
  private readonly grids: Grid[];
  private readonly fine: Grid | undefined;
  private readonly coarse: Grid | undefined;
  /** Samples of the fine lattice per coarse sample. */
  private readonly every: number;

  constructor(states: readonly GridState[], cols: Int32Array, bytes: Buffer) {
    this.grids = [...states].sort((a, b) => a.step - b.step).map((g) => new Grid(g, cols, bytes));
    this.fine = this.grids[0];
    this.coarse = this.grids[1];
    const fineStep = this.fine?.state.step ?? 1;
    const coarseStep = this.coarse?.state.step ?? fineStep;
    // Tables shared by an older build may not nest: each grid then makes its own pass.
    this.every = coarseStep % fineStep === 0 && this.grids.length === 2 ? coarseStep / fineStep : 0;
  }

  get size(): number {
    return this.grids.length;
  }

  /** See Grid.scan. */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    if (!this.every || !this.fine || !this.coarse) {
      for (const g of this.grids) g.scan(buf, words, base, from, end, len, onHit);
      return;
    }
    const f = this.fine.state;
    const c = this.coarse.state;
    const step = f.step;
    const skipZero = !f.zeroGram && !c.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    // Samples until the next one on the coarse lattice (absolute multiples of its step).
    let countdown = ((c.step - ((base + p) % c.step)) % c.step) / step;
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step, countdown--) {
      if (countdown < 0) countdown = this.every - 1;
      const lo = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      const hi = aligned ? (words[(p >> 2) + 1] as number) : buf.readInt32LE(p + 4);
      if ((lo | hi) === 0 && skipZero) continue;
      const h = hash(lo, hi);
      const m = mask(h);
      const text = ((lo | hi) & TEXT_MASK) === 0;
      const fw = text ? (f.textBits[h >>> f.textShift] as number) : (f.bitset[h >>> f.bitsShift] as number);
      if ((fw & m) === m) this.fine.bucket(h, p, buf, len, onHit);
      if (countdown !== 0) continue;
      const cw = text ? (c.textBits[h >>> c.textShift] as number) : (c.bitset[h >>> c.bitsShift] as number);
      if ((cw & m) === m) this.coarse.bucket(h, p, buf, len, onHit);
    }
  }
}

/** One sampling grid over its state, the needle columns and the needle bytes. */
export class Grid {
  readonly state: GridState;
  private readonly cols: Int32Array;
  private readonly bytes: Buffer;

  constructor(state: GridState, cols: Int32Array, bytes: Buffer) {
    this.state = state;
    this.cols = cols;
    this.bytes = bytes;
  }

  /**
   * Find needle occurrences sampled in [from, end) of `buf` (valid bytes up to `len`). `words` is an
   * Int32Array over the same memory (byteOffset 0), `base` the absolute offset of buf[0]. Samples sit
   * at absolute multiples of the step, so the grid never shifts at chunk boundaries.
   */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: (needle: number, start: number) => void): void {
    const { bitset, bitsShift, textBits, textShift, step } = this.state;
    const skipZero = !this.state.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step) {
      const lo = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      const hi = aligned ? (words[(p >> 2) + 1] as number) : buf.readInt32LE(p + 4);
      if ((lo | hi) === 0 && skipZero) continue;
      const h = hash(lo, hi);
      const m = mask(h);
      const w = ((lo | hi) & TEXT_MASK) === 0 ? (textBits[h >>> textShift] as number) : (bitset[h >>> bitsShift] as number);
      if ((w & m) !== m) continue;
      this.bucket(h, p, buf, len, onHit);
    }
  }

  /** The needles of the sample's bucket with the sample's full hash, each verified whole. */
  bucket(h: number, p: number, buf: Buffer, len: number, onHit: (needle: number, start: number) => void): void {
    const { starts, refs } = this.state;
    const b = h >>> this.state.bucketShift;
    const stop = starts[b + 1] as number;
    for (let i = starts[b] as number; i < stop; i++) {
      if (refs[2 * i] !== h) continue;
      const ref = refs[2 * i + 1] as number;
      const n = (ref >> 8) * NEEDLE_COLS;
      const off = this.cols[n + 1] as number;
      const length = this.cols[n + 2] as number;
      const start = p - (ref & (TEXT_FLAG - 1));
      if (start >= 0 && start + length <= len && buf.compare(this.bytes, off, off + length, start, start + length) === 0) onHit(ref >> 8, start);
    }
  }
}
