// The known-key table's search structure: the needles (RSA moduli in both byte orders, EC points,
// Ed25519/X25519 keys) in one sampling grid per length class. The stream is sampled every `step`
// bytes (absolute multiples, so chunk boundaries never shift it); each sample is one 32-bit word,
// hashed with one multiplication and tested against one bit of a bitmap of the needles' q-grams
// (the same work per sample for one known key as for 10,000: no loop over keys). Only a
// sample that passes looks in the q-gram table (sorted by hash, built with two cache-friendly radix
// passes instead of a random write per q-gram) and compares the candidate needles whole.
//
// An RSA modulus is indexed once for both byte orders: its little-endian copy (the needle after it,
// MIRROR_FORMAT) is its byte reversal, so a grid with mirrors hashes a word and its reversal alike
// (the smaller of the two) and indexes the q-grams a little-endian occurrence needs too (the
// modulus's last `step`). A 2048-bit modulus is then sampled every 252 bytes with 253 q-grams.
const Q = 4;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Longest sampling step (a multiple of 4 so samples stay word-aligned): a 4096-bit modulus allows 508. */
const MAX_STEP = 508;
const MIN_STEP = 8;
/** Most q-grams indexed per grid: a grid of more needles samples with a smaller step (its arrays stay ≤ ~16 MiB). */
const MAX_GRAMS = 3_000_000;
/** Table groups at most: a group holds ~600 q-grams of 10,000 2048-bit moduli (looked through on the rare sample the filter passes). */
const MAX_GROUP_BITS = 12;
/**
 * Filter bits per q-gram (a power of two, one bit set per q-gram): 64 while the filter fits the
 * first-level cache, else 16 up to MAX_FILTER bytes (4 MiB: 13 bits per q-gram for 10,000 2048-bit
 * moduli, so 1 binary sample in 14 looks further).
 */
const SMALL_FILTER_BITS = 64;
const SMALL_FILTER = 32 * 1024;
const FILTER_BITS = 16;
const MAX_FILTER = 4 * 1024 * 1024;

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
  /** Each q-gram's id in its low idBits bits, and the low bits of its hash's tagOf above them. */
  entries: Int32Array;
  idBits: number;
  /** The member needles (indices), and the id of each one's first q-gram (one more entry: the total). */
  members: Int32Array;
  first: Int32Array;
}

const sharedInts = (n: number): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));

/** ceil(log2(n)) clamped to [lo, hi]. */
const bitsFor = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.ceil(Math.log2(Math.max(2, n)))));

/** The q-gram offsets a needle of `length` indexes at `step`: [0, forward) and, with a mirror, [from2, length − Q + 1). */
function spans(length: number, step: number, mirror: boolean): { forward: number; from2: number; count: number } {
  const grams = length - Q + 1;
  const forward = Math.min(step, grams);
  const from2 = Math.max(forward, grams - step);
  return { forward, from2, count: forward + (mirror ? grams - from2 : 0) };
}

const hasMirror = (cols: Int32Array, n: number): boolean => (n + 1) * NEEDLE_COLS < cols.length && cols[(n + 1) * NEEDLE_COLS + 3] === MIRROR_FORMAT;

/** The q-grams a grid of these members indexes at `step`. */
function gramCount(step: number, cols: Int32Array, members: Int32Array): number {
  let n = 0;
  for (const m of members) n += spans(cols[m * NEEDLE_COLS + 2] as number, step, hasMirror(cols, m)).count;
  return n;
}

/**
 * The sampling step: an occurrence of a needle of length L starting at s has its first sample at
 * s + r with 0 ≤ r < step, so indexing the q-grams at needle offsets 0 … step − 1 finds it when
 * step ≤ L − Q + 1 (for the shortest needle). Very many needles take a smaller step (MAX_GRAMS).
 */
export function gridStep(cols: Int32Array, members: Int32Array): number {
  let shortest = Number.POSITIVE_INFINITY;
  for (const m of members) shortest = Math.min(shortest, cols[m * NEEDLE_COLS + 2] as number);
  let step = Math.max(MIN_STEP, Math.min(MAX_STEP, (shortest - Q + 1) & ~3));
  for (let grams = gramCount(step, cols, members); step > MIN_STEP && grams > MAX_GRAMS; grams = gramCount(step, cols, members)) {
    step = Math.max(MIN_STEP, Math.floor((step * MAX_GRAMS) / grams) & ~3);
  }
  return step;
}

/** The id of each member's first q-gram, and whether any member has a mirror. */
function planGrid(step: number, cols: Int32Array, members: Int32Array): { first: Int32Array; mirrored: boolean } {
  const first = sharedInts(members.length + 1);
  let mirrored = false;
  for (let k = 0; k < members.length; k++) {
    const n = members[k] as number;
    const mirror = hasMirror(cols, n);
    mirrored ||= mirror;
    first[k + 1] = (first[k] as number) + spans(cols[n * NEEDLE_COLS + 2] as number, step, mirror).count;
  }
  return { first, mirrored };
}

/** log2 of the filter bits for `grams` q-grams. */
const filterBits = (grams: number): number => {
  const small = bitsFor(grams * SMALL_FILTER_BITS, 7, 31);
  return 2 ** small <= SMALL_FILTER * 8 ? small : Math.min(bitsFor(grams * FILTER_BITS, 7, 31), Math.log2(MAX_FILTER * 8));
};

/** A bitmap of 2^(32 − shift) bits. */
const bitmap = (shift: number): Int32Array => sharedInts(Math.max(1, 2 ** (32 - shift - 5)));

/** Set a hash's bit in a filter. */
const setBit = (filter: Int32Array, shift: number, h: number): void => {
  const b = h >>> shift;
  filter[b >>> 5] = (filter[b >>> 5] as number) | (1 << (b & 31));
};

/** True when a hash's bit is set. */
const hasBit = (filter: Int32Array, shift: number, h: number): boolean => {
  const b = h >>> shift;
  return (((filter[b >>> 5] as number) >>> (b & 31)) & 1) !== 0;
};

/** The hashes of a grid's q-grams in id order, with the counts its radix passes and groups need. */
interface Hashed {
  hashes: Int32Array;
  zero: boolean;
  /** How many q-grams per group (entry g + 1; then prefix sums: where group g starts). */
  starts: Int32Array;
}

/** A filter's bitmap and the shift of a hash to its bit. */
interface Filter {
  bits: Int32Array;
  shift: number;
}

/**
 * One needle's q-grams (the q-gram at j + 1 is the one at j shifted by a byte): hashes written from
 * `id` on, groups counted, text q-grams' bits set in the text filter. Returns the next id, negated
 * (minus one) when a q-gram was all zero.
 */
function hashNeedle(
  at: { off: number; stop: number; forward: number; from2: number; id: number },
  bytes: Buffer,
  mirrored: boolean,
  h: Hashed,
  groupShift: number,
  text: Filter,
): number {
  const { off, stop, forward, from2 } = at;
  const { hashes, starts } = h;
  let id = at.id;
  let zero = false;
  let w = bytes.readInt32LE(off);
  for (let j = 0; j < stop; j++) {
    if (j > 0) w = (w >>> 8) | ((bytes[off + j + 3] as number) << 24);
    if (j >= forward && j < from2) continue;
    const k = mirrored ? either(w) : w;
    const x = hash(k);
    hashes[id++] = x;
    (starts[(x >>> groupShift) + 1] as number)++;
    if (k === 0) zero = true;
    if ((k & TEXT_MASK) === 0) setBit(text.bits, text.shift, x);
  }
  return zero ? -1 - id : id;
}

/** Every member's q-grams hashed in id order (member by member, offset by offset), see hashNeedle. */
function hashGrams(
  g: { step: number; total: number; mirrored: boolean; groupBits: number },
  cols: Int32Array,
  bytes: Buffer,
  members: Int32Array,
  text: Filter,
): Hashed {
  const out: Hashed = { hashes: new Int32Array(g.total), zero: false, starts: sharedInts((1 << g.groupBits) + 1) };
  const groupShift = 32 - g.groupBits;
  let id = 0;
  for (const n of members) {
    const off = cols[n * NEEDLE_COLS + 1] as number;
    const length = cols[n * NEEDLE_COLS + 2] as number;
    const mirror = hasMirror(cols, n);
    const s = spans(length, g.step, mirror);
    id = hashNeedle({ off, stop: mirror ? length - Q + 1 : s.forward, forward: s.forward, from2: s.from2, id }, bytes, g.mirrored, out, groupShift, text);
    if (id < 0) {
      out.zero = true;
      id = -1 - id;
    }
  }
  return out;
}

/**
 * The table's entries: the q-grams sorted by group in one stable counting pass (at most 4,096
 * groups, so the scattered writes go to few enough places to stay in the cache); `starts` becomes
 * where each group begins. Then every q-gram's bit is set in the binary filter in group order:
 * near-sequential writes (in hash order, each was a cache miss in a filter of megabytes).
 */
function sortGrams(h: Hashed, groupBits: number, idBits: number, filter: Filter): Int32Array {
  const { hashes, starts } = h;
  const groupShift = 32 - groupBits;
  for (let g = 1; g < starts.length; g++) starts[g] = (starts[g] as number) + (starts[g - 1] as number);
  const next = starts.slice(0, starts.length - 1);
  const entries = sharedInts(hashes.length);
  const sorted = new Int32Array(hashes.length);
  for (let id = 0; id < hashes.length; id++) {
    const x = hashes[id] as number;
    const at = (next[x >>> groupShift] as number)++;
    entries[at] = (tagOf(x) << idBits) | id;
    sorted[at] = x;
  }
  for (let i = 0; i < sorted.length; i++) setBit(filter.bits, filter.shift, sorted[i] as number);
  return entries;
}

/**
 * Index the q-grams at offsets 0 … step−1 (and a mirror's) of every member needle: hashed in one
 * pass over the needle bytes, sorted by group, the filter written in group order.
 */
export function buildGrid(step: number, cols: Int32Array, bytes: Buffer, members: Int32Array): GridState {
  const { first, mirrored } = planGrid(step, cols, members);
  const total = first[members.length] as number;
  const idBits = bitsFor(total + 1, 1, 24);
  const groupBits = bitsFor(total / 32, 1, MAX_GROUP_BITS);
  // Random needles have one text q-gram in 16: the text filter is sized for twice that (more only raise its false positives).
  const textShift = 32 - filterBits(Math.ceil(total / 8));
  const textBits = bitmap(textShift);
  const bitsShift = 32 - filterBits(total);
  const bits = bitmap(bitsShift);
  const hashed = hashGrams({ step, total, mirrored, groupBits }, cols, bytes, members, { bits: textBits, shift: textShift });
  const entries = sortGrams(hashed, groupBits, idBits, { bits, shift: bitsShift });
  const { starts, zero } = hashed;
  return { step, mirrored, zeroGram: zero, bits, bitsShift, textBits, textShift, starts, groupShift: 32 - groupBits, entries, idBits, members, first };
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
  const steps = nestedSteps(classes.map((members) => gridStep(cols, members)));
  return classes.map((members, i) => buildGrid(steps[i] as number, cols, bytes, members));
}

type OnHit = (needle: number, start: number) => void;

/** The grids of a table: one pass over the finest lattice; a coarser grid is probed on every k-th sample. */
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
    this.every = this.fine && this.coarse ? this.coarse.state.step / this.fine.state.step : 0;
  }

  get size(): number {
    return this.grids.length;
  }

  /** See Grid.scan. */
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: OnHit): void {
    const { fine, coarse } = this;
    if (!fine || !coarse) {
      fine?.scan(buf, words, base, from, end, len, onHit);
      return;
    }
    const f = fine.state;
    const c = coarse.state;
    const step = f.step;
    const skipZero = !f.zeroGram && !c.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    // Samples until the next one on the coarse lattice (absolute multiples of its step).
    let countdown = ((c.step - ((base + p) % c.step)) % c.step) / step;
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step, countdown--) {
      if (countdown < 0) countdown = this.every - 1;
      const w = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      if (w === 0 && skipZero) continue;
      const text = (w & TEXT_MASK) === 0;
      const h = hash(f.mirrored ? either(w) : w);
      if (text ? hasBit(f.textBits, f.textShift, h) : hasBit(f.bits, f.bitsShift, h)) fine.lookup(h, p, buf, len, onHit);
      if (countdown !== 0) continue;
      const hc = hash(c.mirrored ? either(w) : w);
      if (text ? hasBit(c.textBits, c.textShift, hc) : hasBit(c.bits, c.bitsShift, hc)) coarse.lookup(hc, p, buf, len, onHit);
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
  scan(buf: Buffer, words: Int32Array, base: number, from: number, end: number, len: number, onHit: OnHit): void {
    const { bits, bitsShift, textBits, textShift, step, mirrored } = this.state;
    const skipZero = !this.state.zeroGram;
    const last = Math.min(end, len - Q + 1);
    let p = from + ((step - ((base + from) % step)) % step);
    const aligned = LITTLE_ENDIAN && base % 4 === 0 && buf.byteOffset === 0;
    for (; p < last; p += step) {
      const w = aligned ? (words[p >> 2] as number) : buf.readInt32LE(p);
      if (w === 0 && skipZero) continue;
      const h = hash(mirrored ? either(w) : w);
      if ((w & TEXT_MASK) === 0 ? hasBit(textBits, textShift, h) : hasBit(bits, bitsShift, h)) this.lookup(h, p, buf, len, onHit);
    }
  }

  /** The q-grams of the sample's group whose hash bits match: each candidate needle compared whole. */
  lookup(h: number, p: number, buf: Buffer, len: number, onHit: OnHit): void {
    const { starts, entries, groupShift, idBits } = this.state;
    const g = h >>> groupShift;
    const tag = tagOf(h) << idBits;
    const ids = (1 << idBits) - 1;
    const stop = starts[g + 1] as number;
    for (let i = starts[g] as number; i < stop; i++) {
      const e = entries[i] as number;
      if (((e ^ tag) & ~ids) === 0) this.verify(e & ids, p, buf, len, onHit);
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
   * A q-gram that matched at sample p: the needle (or its mirror) that would have its FIRST sample
   * there is compared whole, so each occurrence is reported once.
   */
  private verify(id: number, p: number, buf: Buffer, len: number, onHit: OnHit): void {
    const k = this.memberOf(id);
    const n = this.state.members[k] as number;
    const length = this.cols[n * NEEDLE_COLS + 2] as number;
    const step = this.state.step;
    const s = spans(length, step, true);
    const rank = id - (this.state.first[k] as number);
    const j = rank < s.forward ? rank : s.from2 + rank - s.forward;
    if (j < step) this.compare(n, p - j, buf, len, onHit);
    const mirrored = length - Q - j;
    if (mirrored < step && hasMirror(this.cols, n)) this.compare(n + 1, p - mirrored, buf, len, onHit);
  }

  private compare(n: number, start: number, buf: Buffer, len: number, onHit: OnHit): void {
    const off = this.cols[n * NEEDLE_COLS + 1] as number;
    const length = this.cols[n * NEEDLE_COLS + 2] as number;
    if (start >= 0 && start + length <= len && buf.compare(this.bytes, off, off + length, start, start + length) === 0) onHit(n, start);
  }
}
