// The known-key table's search structure: the needles (RSA moduli in both byte orders, EC points,
// Ed25519/X25519 keys) in one sampling grid per length class. The stream is sampled every `step`
// bytes (absolute multiples, so chunk boundaries never shift it); a sample's q-grams (4 bytes) are
// hashed with one multiplication and tested against one bit of a bitmap of the needles' q-grams
// (the same work per sample for one known key as for 10,000: no loop over keys). Only a q-gram
// that passes looks in the q-gram table (sorted by hash in one counting pass) and compares the
// candidate needles whole.
//
// An RSA modulus is indexed once for both byte orders: its little-endian copy (the needle after it,
// MIRROR_FORMAT) is its byte reversal, so a grid with mirrors hashes a word and its reversal alike
// (the smaller of the two) and indexes the q-grams a little-endian occurrence needs too. A grid of
// many needles (10,000 moduli) has each sample look up its 4 consecutive q-grams, so its needles
// need only every 4th q-gram: 64 per 2048-bit modulus (both orders), sampled every 248 bytes, a
// quarter of the build and a filter that stays in the CPU's cache.
import { GridKernel } from './grid-kernel.ts';

const Q = 4;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Longest sampling step (a multiple of 4 so samples stay word-aligned): a 4096-bit modulus allows 508. */
const MAX_STEP = 508;
const MIN_STEP = 8;
/** Consecutive q-grams a sample of a large grid looks up (its words at p and p + 4): its needles index every STRIDE-th. */
const STRIDE = 4;
/** A grid that would index more q-grams than this one per offset indexes every STRIDE-th instead. */
const STRIDE_FROM = 1 << 16;
/** Most q-grams indexed per grid: a grid of more needles samples with a smaller step. */
const MAX_GRAMS = 3_000_000;
/**
 * Table groups at most (about 32 q-grams a group: 20 for 10,000 2048-bit moduli, looked through on
 * the rare q-gram the filter passes). With 4,096 groups of 160 q-grams, those look-ups were 40 % of
 * the grid pass of such a table; the build costs the same either way.
 */
const MAX_GROUP_BITS = 16;
/**
 * Filter bits per q-gram (a power of two, one bit set per q-gram): 64 while the filter fits the
 * first-level cache, else 32 up to MAX_FILTER bytes (2 MiB: 26 bits per q-gram for 10,000 2048-bit
 * moduli, so 1 binary q-gram in 26 looks further).
 */
const SMALL_FILTER_BITS = 64;
const SMALL_FILTER = 32 * 1024;
const FILTER_BITS = 32;
const MAX_FILTER = 2 * 1024 * 1024;

/** Needle columns in the shared Int32Array: key index, offset in the needle bytes, length, format. */
export const NEEDLE_COLS = 4;
/** A needle of this format (column 3) is the byte reversal of the needle before it: it has no q-grams of its own. */
export const MIRROR_FORMAT = 1;

/** A q-gram of 7-bit bytes (text) has none of these bits. */
const TEXT_MASK = 0x80808080 | 0;

/** A word's hash (a bijection): its top bits pick the filter bit and the table group. */
export const hash = (k: number): number => Math.imul(k, 0x9e3779b1);
/** The bits of a hash kept in the table beside a q-gram's id (mixed from all its bits). */
const tagOf = (h: number): number => {
  const x = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return x ^ (x >>> 12);
};
const bswap = (x: number): number => (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
/** A word and its byte reversal as one key (the smaller): a mirrored grid indexes and samples this. */
export const either = (w: number): number => {
  const r = bswap(w);
  return Math.min(w, r);
};

/** A grid's arrays (on SharedArrayBuffers, so worker threads use them without a copy). */
export interface GridState {
  step: number;
  /** 1: a sample looks up the q-gram at p; STRIDE: those at p … p + 3 (its needles index every STRIDE-th). */
  stride: number;
  /** True when some member has a mirror: words are keyed by `either`. */
  mirrored: boolean;
  /** Some indexed q-gram is all zero: all-zero samples (zero pages) cannot skip the lookup. */
  zeroGram: boolean;
  /** Bit hash >>> bitsShift of the filter (word b >>> 5, bit b & 31) is set for every binary q-gram. */
  bits: Int32Array;
  bitsShift: number;
  /**
   * The bitmap of the q-grams of 7-bit bytes only (text): few needle q-grams are text (1 in 16 of
   * random words), so text samples (logs, strings) look in this small filter, which stays in the
   * CPU cache, and only binary samples pay for the large one.
   */
  textBits: Int32Array;
  textShift: number;
  /** The q-grams sorted by hash >>> groupShift: group g is entries[starts[g]] … entries[starts[g + 1] − 1]. */
  starts: Int32Array;
  groupShift: number;
  /** Each q-gram's id (its member's first id + its offset) in the low idBits bits, tagOf its hash above. */
  entries: Int32Array;
  idBits: number;
  /** The member needles (indices), and the id of each one's offset 0 (one more entry: the end). */
  members: Int32Array;
  first: Int32Array;
}

const sharedInts = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** ceil(log2(n)) clamped to [lo, hi]. */
const bitsFor = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.ceil(Math.log2(Math.max(2, n)))));

/**
 * True for the needle offsets a grid's first sample inside an occurrence reaches: the sample lies
 * 0 … step − 1 bytes into it and looks up `stride` q-grams from there, the one of them at a
 * multiple of the stride being the one indexed.
 */
const reached = (j: number, step: number, stride: number): boolean => j >= 0 && j % stride === 0 && j < step + stride - 1;

/** True when offset j of a needle of `length` is indexed: reached forwards, or (with a mirror) from its end. */
const indexed = (j: number, length: number, step: number, stride: number, mirror: boolean): boolean =>
  reached(j, step, stride) || (mirror && reached(length - Q - j, step, stride));

const hasMirror = (cols: Int32Array, n: number): boolean => (n + 1) * NEEDLE_COLS < cols.length && cols[(n + 1) * NEEDLE_COLS + 3] === MIRROR_FORMAT;

/** The q-grams a grid of these members indexes (counted once per needle length and mirror). */
function gramCount(step: number, stride: number, cols: Int32Array, members: Int32Array): number {
  const byShape = new Map<number, number>();
  let n = 0;
  for (const m of members) {
    const length = cols[m * NEEDLE_COLS + 2] as number;
    const mirror = hasMirror(cols, m);
    const shape = length * 2 + (mirror ? 1 : 0);
    let c = byShape.get(shape);
    if (c === undefined) {
      c = 0;
      for (let j = 0; j <= length - Q; j++) if (indexed(j, length, step, stride, mirror)) c++;
      byShape.set(shape, c);
    }
    n += c;
  }
  return n;
}

/**
 * The sampling step and stride: an occurrence of a needle of length L starting at s has its first
 * sample at s + r with 0 ≤ r < step, whose q-grams reach offsets up to step + stride − 2, so a
 * step ≤ L − Q − stride + 2 (for the shortest needle) finds it. A grid of many needles looks up
 * STRIDE q-grams per sample; very many needles take a smaller step (MAX_GRAMS).
 */
export function gridStep(cols: Int32Array, members: Int32Array): { step: number; stride: number } {
  let shortest = Number.POSITIVE_INFINITY;
  for (const m of members) shortest = Math.min(shortest, cols[m * NEEDLE_COLS + 2] as number);
  const stepFor = (stride: number): number => Math.max(MIN_STEP, Math.min(MAX_STEP, (shortest - Q - stride + 2) & ~3));
  let stride = 1;
  let step = stepFor(1);
  if (gramCount(step, 1, cols, members) > STRIDE_FROM) {
    stride = STRIDE;
    step = stepFor(STRIDE);
  }
  for (let grams = gramCount(step, stride, cols, members); step > MIN_STEP && grams > MAX_GRAMS; grams = gramCount(step, stride, cols, members)) {
    step = Math.max(MIN_STEP, Math.floor((step * MAX_GRAMS) / grams) & ~3);
  }
  return { step, stride };
}

/** The id of each member's offset 0, whether any member has a mirror, and how many q-grams are indexed. */
function planGrid(step: number, stride: number, cols: Int32Array, members: Int32Array): { first: Int32Array; mirrored: boolean; count: number } {
  const first = sharedInts(members.length + 1);
  let mirrored = false;
  for (let k = 0; k < members.length; k++) {
    const n = members[k] as number;
    mirrored ||= hasMirror(cols, n);
    first[k + 1] = (first[k] as number) + (cols[n * NEEDLE_COLS + 2] as number) - Q + 1;
  }
  return { first, mirrored, count: gramCount(step, stride, cols, members) };
}

/** log2 of the filter bits for `grams` q-grams. */
const filterBits = (grams: number): number => {
  const small = bitsFor(grams * SMALL_FILTER_BITS, 7, 31);
  return 2 ** small <= SMALL_FILTER * 8 ? small : Math.min(bitsFor(grams * FILTER_BITS, 7, 31), Math.log2(MAX_FILTER * 8));
};

/** The little-endian word at o with the bytes at or past `len` read as zero (a q-gram reaching there fails its comparison). */
function partialWord(buf: Buffer, o: number, len: number): number {
  let w = 0;
  for (let i = 3; i >= 0; i--) w = (w << 8) | (o + i < len ? (buf[o + i] as number) : 0);
  return w;
}

/** A filter's bitmap and the shift of a hash to its bit. */
interface Filter {
  bits: Int32Array;
  shift: number;
}

/** A filter of 2^(32 − shift) bits. */
const filterOf = (shift: number): Filter => ({ bits: sharedInts(Math.max(1, 2 ** (32 - shift - 5))), shift });

/** Set a hash's bit in a filter. */
const setBit = (f: Filter, h: number): void => {
  const b = h >>> f.shift;
  f.bits[b >>> 5] = (f.bits[b >>> 5] as number) | (1 << (b & 31));
};

/** True when a hash's bit is set. */
const hasBit = (filter: Int32Array, shift: number, h: number): boolean => {
  const b = h >>> shift;
  return (((filter[b >>> 5] as number) >>> (b & 31)) & 1) !== 0;
};

/** The indexed q-grams' hashes and ids (in id order), how many per group, and whether one was all zero. */
interface Hashed {
  hashes: Int32Array;
  ids: Int32Array;
  count: number;
  zero: boolean;
  /** How many q-grams per group (entry g + 1; then prefix sums: where group g starts). */
  starts: Int32Array;
}

/** The grid's shape as hashNeedle needs it. */
interface Shape {
  step: number;
  stride: number;
  mirrored: boolean;
  groupShift: number;
}

/** The offsets a needle of this length (and mirror) indexes, in order: the same for every needle of its shape. */
function indexedOffsets(length: number, mirror: boolean, g: Shape, cache: Map<number, Int32Array>): Int32Array {
  const shape = length * 2 + (mirror ? 1 : 0);
  let list = cache.get(shape);
  if (!list) {
    const js: number[] = [];
    for (let j = 0; j <= length - Q; j++) if (indexed(j, length, g.step, g.stride, mirror)) js.push(j);
    list = Int32Array.from(js);
    cache.set(shape, list);
  }
  return list;
}

/**
 * One needle's indexed q-grams (only those: a quarter of its offsets in a grid of stride 4): hashes
 * and ids appended, groups counted, text q-grams' bits set in the text filter.
 */
function hashNeedle(n: { off: number; id: number }, offsets: Int32Array, bytes: Buffer, g: Shape, out: Hashed, text: Filter): void {
  const { off } = n;
  const { hashes, ids, starts } = out;
  for (let i = 0; i < offsets.length; i++) {
    const j = offsets[i] as number;
    const w = bytes.readInt32LE(off + j);
    const k = g.mirrored ? either(w) : w;
    const x = hash(k);
    hashes[out.count] = x;
    ids[out.count++] = n.id + j;
    (starts[(x >>> g.groupShift) + 1] as number)++;
    if (k === 0) out.zero = true;
    if ((k & TEXT_MASK) === 0) setBit(text, x);
  }
}

/**
 * The table's entries: the q-grams sorted by group in one stable counting pass (at most 65,536
 * groups: their write positions, 256 KiB, stay in the cache); `starts` becomes
 * where each group begins. Then every q-gram's bit is set in the binary filter in group order:
 * near-sequential writes (in hash order, each was a cache miss in a filter of megabytes).
 */
function sortGrams(h: Hashed, groupShift: number, idBits: number, filter: Filter): Int32Array {
  const { hashes, ids, starts, count } = h;
  for (let g = 1; g < starts.length; g++) starts[g] = (starts[g] as number) + (starts[g - 1] as number);
  const next = starts.slice(0, starts.length - 1);
  const entries = sharedInts(count);
  const sorted = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = hashes[i] as number;
    const at = (next[x >>> groupShift] as number)++;
    entries[at] = (tagOf(x) << idBits) | (ids[i] as number);
    sorted[at] = x;
  }
  for (let i = 0; i < count; i++) setBit(filter, sorted[i] as number);
  return entries;
}

/**
 * Index the reached q-grams (and a mirror's) of every member needle: hashed in one pass over the
 * needle bytes, sorted by group, the filter written in group order.
 */
export function buildGrid(at: { step: number; stride: number }, cols: Int32Array, bytes: Buffer, members: Int32Array): GridState {
  const { step, stride } = at;
  const { first, mirrored, count } = planGrid(step, stride, cols, members);
  const idBits = bitsFor((first[members.length] as number) + 1, 1, 24);
  const groupBits = bitsFor(count / 32, 1, MAX_GROUP_BITS);
  // Random needles have one text q-gram in 16: the text filter is sized for twice that (more only raise its false positives).
  const text = filterOf(32 - filterBits(Math.ceil(count / 8)));
  const binary = filterOf(32 - filterBits(count));
  const shape: Shape = { step, stride, mirrored, groupShift: 32 - groupBits };
  const h: Hashed = { hashes: new Int32Array(count), ids: new Int32Array(count), count: 0, zero: false, starts: sharedInts((1 << groupBits) + 1) };
  const shapes = new Map<number, Int32Array>();
  for (let k = 0; k < members.length; k++) {
    const n = members[k] as number;
    const c = n * NEEDLE_COLS;
    const offsets = indexedOffsets(cols[c + 2] as number, hasMirror(cols, n), shape, shapes);
    hashNeedle({ off: cols[c + 1] as number, id: first[k] as number }, offsets, bytes, shape, h, text);
  }
  const entries = sortGrams(h, shape.groupShift, idBits, binary);
  return {
    ...at,
    mirrored,
    zeroGram: h.zero,
    bits: binary.bits,
    bitsShift: binary.shift,
    textBits: text.bits,
    textShift: text.shift,
    starts: h.starts,
    groupShift: shape.groupShift,
    entries,
    idBits,
    members,
    first,
  };
}

/**
 * Needles are searched in classes by length, so one short needle (an Ed25519 key) does not make
 * every sample of a table of RSA moduli fine-grained: a needle of at least `w` bytes goes to the
 * first class it fits. The classes' steps nest (the coarser is a multiple of the finer, see
 * nestedSteps), so ONE pass over the finer lattice reads each sample once for both.
 */
const CLASSES = [128, 32] as const;

/** The classes' members (needle indices, mirrors left out); empty classes dropped. */
function classify(cols: Int32Array): Int32Array[] {
  const count = cols.length / NEEDLE_COLS;
  const lists: number[][] = CLASSES.map(() => []);
  for (let n = 0; n < count; n++) {
    if (n > 0 && cols[n * NEEDLE_COLS + 3] === MIRROR_FORMAT) continue;
    const length = cols[n * NEEDLE_COLS + 2] as number;
    if (length >= CLASSES[0]) lists[0]?.push(n);
    else if (length >= CLASSES[1]) lists[1]?.push(n);
  }
  return lists.filter((l) => l.length).map((l) => Int32Array.from(l));
}

/** Each class's step, rounded down so that the larger is a multiple of the smaller (smaller steps stay valid). */
export function nestedSteps(steps: readonly number[]): number[] {
  const fine = Math.min(...steps);
  return steps.map((s) => Math.max(fine, s - (s % fine)));
}

/** One grid per non-empty length class over the needle columns (needles shorter than 32 bytes are not indexed). */
export function buildGrids(cols: Int32Array, bytes: Buffer): GridState[] {
  const classes = classify(cols);
  const shapes = classes.map((members) => gridStep(cols, members));
  const steps = nestedSteps(shapes.map((s) => s.step));
  return classes.map((members, i) => buildGrid({ step: steps[i] as number, stride: shapes[i]?.stride as number }, cols, bytes, members));
}

type OnHit = (needle: number, start: number) => void;

/** The first sample at or after window offset `from` (absolute multiples of the step). */
const firstSample = (step: number, base: number, from: number): number => from + ((step - ((base + from) % step)) % step);

/**
 * The grids of a table: one pass over the finest lattice; a coarser grid is probed on every k-th
 * sample. On a window that is a WebAssembly memory the pass runs in WebAssembly (grid-kernel.ts) and
 * the JavaScript loops take only the last samples (and every sample where WebAssembly cannot run).
 */
export class Grids {
  private readonly grids: Grid[];
  private readonly fine: Grid | undefined;
  private readonly coarse: Grid | undefined;
  /** Samples of the fine lattice per coarse sample. */
  private readonly every: number;
  /** The WebAssembly pass over these grids (made on first use; null where WebAssembly cannot run). */
  private kernel: GridKernel | null | undefined;

  constructor(states: readonly GridState[], cols: Int32Array, bytes: Buffer) {
    this.grids = [...states].sort((a, b) => a.step - b.step).map((g) => new Grid(g, cols, bytes));
    this.fine = this.grids[0];
    this.coarse = this.grids[1];
    this.every = this.fine && this.coarse ? this.coarse.state.step / this.fine.state.step : 0;
  }

  get size(): number {
    return this.grids.length;
  }

  private kernelOf(): GridKernel | undefined {
    if (this.kernel === undefined) this.kernel = GridKernel.for(this.grids.map((g) => g.state)) ?? null;
    return this.kernel ?? undefined;
  }

  /** See Grid.scan; `memory` is the WebAssembly memory `buf` lies in at offset 0, if it is one. */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: OnHit, memory?: WebAssembly.Memory): void {
    const kernel = memory && buf.byteOffset === 0 ? this.kernelOf() : undefined;
    const last = Math.min(end, len - Q + 1);
    // The kernel reads 8 bytes a sample (a stride-4 grid's second word): the last few are the loops'.
    const stop = Math.min(last, len - 7);
    const found = (grid: number, h: number, p: number, r: number): void => (this.grids[grid] as Grid).lookup(h, p, r, buf, len, onHit);
    const { fine, coarse } = this;
    if (!fine || !coarse || fine.state.stride !== 1) {
      this.grids.forEach((g, i) => {
        const step = g.state.step;
        let p = firstSample(step, base, from);
        if (kernel && memory) p = kernel.run(memory, { fine: i, coarse: -1, step, every: 0, p, countdown: 0, stop }, found).p;
        g.scanFrom(buf, words, base, p, last, len, onHit);
      });
      return;
    }
    const step = fine.state.step;
    let p = firstSample(step, base, from);
    // Samples until the next one on the coarse lattice (absolute multiples of its step).
    let countdown = ((coarse.state.step - ((base + p) % coarse.state.step)) % coarse.state.step) / step;
    if (kernel && memory) ({ p, countdown } = kernel.run(memory, { fine: 0, coarse: 1, step, every: this.every, p, countdown, stop }, found));
    this.passFrom(fine, coarse, buf, words, base, { p, countdown, last, len }, onHit);
  }

  /** The fine lattice from sample p (the coarse grid where the countdown is 0) up to `last`, in JavaScript. */
  private passFrom(fine: Grid, coarse: Grid, buf: Buffer, words: Int32Array, base: number, at: PassAt, onHit: OnHit): void {
    const f = fine.state;
    const step = f.step;
    const skipZero = !f.zeroGram;
    const { last, len } = at;
    let { p, countdown } = at;
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step, countdown--) {
      if (countdown < 0) countdown = this.every - 1;
      const w = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      if (countdown === 0) coarse.sample(w, p, buf, words, aligned, len, onHit);
      if (w === 0 && skipZero) continue;
      const h = hash(f.mirrored ? either(w) : w);
      if ((w & TEXT_MASK) === 0 ? hasBit(f.textBits, f.textShift, h) : hasBit(f.bits, f.bitsShift, h)) fine.lookup(h, p, 0, buf, len, onHit);
    }
  }
}

/** Where the JavaScript pass starts (sample p, the coarse countdown there), its last sample bound and the valid bytes. */
interface PassAt {
  p: number;
  countdown: number;
  last: number;
  len: number;
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
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: OnHit): void {
    this.scanFrom(buf, words, base, firstSample(this.state.step, base, from), Math.min(end, len - Q + 1), len, onHit);
  }

  /** Samples p, p + step, … below `last` (see scan). */
  scanFrom(buf: Buffer, words: Int32Array, base: number, from: number, last: number, len: number, onHit: OnHit): void {
    const { bits, bitsShift, textBits, textShift, step, mirrored, stride } = this.state;
    const skipZero = !this.state.zeroGram;
    let p = from;
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step) {
      const w = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      if (stride !== 1) {
        this.sample(w, p, buf, words, aligned, len, onHit);
        continue;
      }
      if (w === 0 && skipZero) continue;
      const h = hash(mirrored ? either(w) : w);
      if ((w & TEXT_MASK) === 0 ? hasBit(textBits, textShift, h) : hasBit(bits, bitsShift, h)) this.lookup(h, p, 0, buf, len, onHit);
    }
  }

  /** The q-grams at p … p + stride − 1 (the word at p is `w`), each tested against the filter. */
  sample(w: number, p: number, buf: Buffer, words: Int32Array, aligned: boolean, len: number, onHit: OnHit): void {
    if (this.state.stride === 1) {
      if (w !== 0 || this.state.zeroGram) this.gram(w, p, 0, buf, len, onHit);
      return;
    }
    const next = p + 8 <= len ? (aligned ? (words[(p >> 2) + 1] as number) : buf.readInt32LE(p + 4)) : partialWord(buf, p + 4, len);
    if ((w | next) === 0 && !this.state.zeroGram) return;
    // The four filter words are loaded before any is tested: independent loads, so their cache misses overlap.
    const g1 = (w >>> 8) | (next << 24);
    const g2 = (w >>> 16) | (next << 16);
    const g3 = (w >>> 24) | (next << 8);
    const h0 = this.hashOf(w);
    const h1 = this.hashOf(g1);
    const h2 = this.hashOf(g2);
    const h3 = this.hashOf(g3);
    const b0 = this.bitOf(w, h0);
    const b1 = this.bitOf(g1, h1);
    const b2 = this.bitOf(g2, h2);
    const b3 = this.bitOf(g3, h3);
    if ((b0 | b1 | b2 | b3) === 0) return;
    if (b0) this.lookup(h0, p, 0, buf, len, onHit);
    if (b1) this.lookup(h1, p, 1, buf, len, onHit);
    if (b2) this.lookup(h2, p, 2, buf, len, onHit);
    if (b3) this.lookup(h3, p, 3, buf, len, onHit);
  }

  private hashOf(g: number): number {
    return hash(this.state.mirrored ? either(g) : g);
  }

  /** A q-gram's filter bit (1 or 0). */
  private bitOf(g: number, h: number): number {
    const s = this.state;
    const text = (g & TEXT_MASK) === 0;
    const b = h >>> (text ? s.textShift : s.bitsShift);
    return (((text ? s.textBits : s.bits)[b >>> 5] as number) >>> (b & 31)) & 1;
  }

  /** One q-gram g at p + r against the filter, then the table. */
  private gram(g: number, p: number, r: number, buf: Buffer, len: number, onHit: OnHit): void {
    const s = this.state;
    const h = hash(s.mirrored ? either(g) : g);
    if ((g & TEXT_MASK) === 0 ? hasBit(s.textBits, s.textShift, h) : hasBit(s.bits, s.bitsShift, h)) this.lookup(h, p, r, buf, len, onHit);
  }

  /** The q-grams of the hash's group whose tags match: each candidate needle compared whole. */
  lookup(h: number, p: number, r: number, buf: Buffer, len: number, onHit: OnHit): void {
    const { starts, entries, groupShift, idBits } = this.state;
    const g = h >>> groupShift;
    const tag = tagOf(h) << idBits;
    const ids = (1 << idBits) - 1;
    const stop = starts[g + 1] as number;
    for (let i = starts[g] as number; i < stop; i++) {
      const e = entries[i] as number;
      if (((e ^ tag) & ~ids) === 0) this.verify(e & ids, p, r, buf, len, onHit);
    }
  }

  /** The member a q-gram id belongs to (binary search over the members' first ids). */
  private memberOf(id: number): number {
    const first = this.state.first;
    let a = 0;
    let b = first.length - 2;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if ((first[m] as number) <= id) a = m;
      else b = m - 1;
    }
    return a;
  }

  /**
   * A q-gram that matched at p + r: the needle (or its mirror) whose FIRST sample is p is compared
   * whole, so each occurrence is reported once.
   */
  private verify(id: number, p: number, r: number, buf: Buffer, len: number, onHit: OnHit): void {
    const { step, stride } = this.state;
    const k = this.memberOf(id);
    const n = this.state.members[k] as number;
    const length = this.cols[n * NEEDLE_COLS + 2] as number;
    const j = id - (this.state.first[k] as number);
    if (reached(j, step, stride) && j - r >= 0 && j - r < step) this.compare(n, p + r - j, buf, len, onHit);
    const m = length - Q - j;
    if (reached(m, step, stride) && m - r >= 0 && m - r < step && hasMirror(this.cols, n)) this.compare(n + 1, p + r - m, buf, len, onHit);
  }

  private compare(n: number, start: number, buf: Buffer, len: number, onHit: OnHit): void {
    const off = this.cols[n * NEEDLE_COLS + 1] as number;
    const length = this.cols[n * NEEDLE_COLS + 2] as number;
    if (start >= 0 && start + length <= len && buf.compare(this.bytes, off, off + length, start, start + length) === 0) onHit(n, start);
  }
}
