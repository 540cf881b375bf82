// The scanner's window and its anchor search. Every material format and embedded container is
// found from a short anchor (at most 6 bytes). Searching for each anchor in turn (Buffer.indexOf)
// reads every byte once per anchor; here ONE WebAssembly SIMD pass (anchors.wat) reports the
// offsets where any anchor's first two bytes occur, and the rest of each anchor is confirmed at those
// few offsets. The window the stream is read into is the WebAssembly memory itself, so nothing is
// copied. Where WebAssembly is unavailable (`--jitless`, no SIMD) the per-anchor indexOf passes run
// instead; both give the same candidates (test/scan/anchors.test.ts compares them).
import { ANCHORS_WASM } from './anchors-wasm.ts';
import { wasmModule } from './wasm-module.ts';

/** The buckets the SIMD pass compares in one go (anchors.wat): more pairs share buckets (anchorBuckets). */
const PAIRS = 8;
/** Offsets returned by one call of the SIMD pass (it resumes where it stopped). */
const OUT_SLOTS = 16 * 1024;
/** Room after the window for the SIMD pass's reads past its end (a 32-byte turn at end − 1, plus one). */
const SLACK = 48;
/** The nibble tables the SIMD pass reads (anchors.wat): 4 × 16 bytes. */
const TABLES = 64;
const PAGE = 64 * 1024;

interface AnchorExports {
  anchors(from: number, end: number, pairs: number, out: number, cap: number): number;
  next: WebAssembly.Global;
}

/** The SIMD pass over one window's memory. */
class SimdPass {
  private readonly fn: AnchorExports;
  private readonly out: Int32Array;
  private readonly tablesAt: number;
  private readonly outAt: number;

  constructor(fn: AnchorExports, memory: ArrayBuffer, tablesAt: number, outAt: number) {
    this.fn = fn;
    this.tablesAt = tablesAt;
    this.outAt = outAt;
    this.out = new Int32Array(memory, outAt, OUT_SLOTS);
  }

  /** Call `at(offset)` for every offset in [s, e) where one of the pairs starts, in increasing order. */
  each(s: number, e: number, at: (p: number) => void): void {
    const out = this.out;
    for (let i = s; i < e; ) {
      const n = this.fn.anchors(i, e, this.tablesAt, this.outAt, OUT_SLOTS);
      for (let k = 0; k < n; k++) at(out[k] as number);
      i = this.fn.next.value as number;
    }
  }
}

/** Per byte: 2 when common in text and memory images (zero, blanks), 1 for a letter or digit, else 0. */
const BYTE_CLASS = (() => {
  const c = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) c[b] = 1;
  for (const b of [0x00, 0x09, 0x0a, 0x0d, 0x20]) c[b] = 2;
  return c;
})();

/** How often a stray two-byte sequence would be reported: often with a blank or zero byte, less with two letters or digits (words). */
const strayWeight = (a: number, b: number): number => {
  const x = BYTE_CLASS[a] as number;
  const y = BYTE_CLASS[b] as number;
  if (x === 2 || y === 2) return 16;
  return x === 1 && y === 1 ? 4 : 1;
};

/** The nibbles of a set of bytes as two 16-bit masks (bit v: some byte has low / high nibble v), high mask in the upper half. */
const nibbleMask = (bytes: readonly number[]): number => bytes.reduce((m, b) => m | (1 << (b & 15)) | (1 << (16 + (b >>> 4))), 0) >>> 0;

/** Class counts (BYTE_CLASS: [other, letter or digit, common]) of the bytes a nibble mask accepts: every low nibble with every high nibble. */
const countsByMask = new Map<number, [number, number, number]>();
function classCounts(mask: number): [number, number, number] {
  let n = countsByMask.get(mask);
  if (n) return n;
  n = [0, 0, 0];
  for (let h = 0; h < 16; h++) {
    if (!((mask >>> (16 + h)) & 1)) continue;
    for (let l = 0; l < 16; l++) if ((mask >>> l) & 1) n[BYTE_CLASS[(h << 4) | l] as 0 | 1 | 2]++;
  }
  countsByMask.set(mask, n);
  return n;
}

/**
 * What sharing one bucket costs: the two-byte sequences it reports that are none of its pairs
 * (weighted by how common they are). Summed by class counts, not sequence by sequence: the bucket
 * reports every byte its first-byte nibbles accept followed by every byte its second-byte nibbles
 * accept, its own pairs among them.
 */
export function strayCost(pairs: readonly number[]): number {
  const [a0, a1, a2] = classCounts(nibbleMask(pairs.map((p) => p >>> 8)));
  const [b0, b1, b2] = classCounts(nibbleMask(pairs.map((p) => p & 255)));
  const plain = (a0 + a1) * (b0 + b1);
  const all = (a0 + a1 + a2) * (b0 + b1 + b2);
  let cost = 16 * (all - plain) + 4 * a1 * b1 + (plain - a1 * b1);
  for (const p of new Set(pairs)) cost -= strayWeight(p >>> 8, p & 255);
  return cost;
}

/**
 * The pairs grouped into at most eight buckets (bit k of the nibble tables is bucket k). With more
 * than eight pairs, the two buckets whose union reports the fewest stray sequences are merged (pairs
 * that share a byte, such as "RS" and "LS"); the stray offsets are dropped when the rest of the
 * anchor is confirmed, so the candidates stay exact.
 */
export function anchorBuckets(pairs: readonly number[]): number[][] {
  const buckets = pairs.map((p) => [p]);
  while (buckets.length > PAIRS) {
    let best = [0, 1];
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i < buckets.length; i++) {
      for (let j = i + 1; j < buckets.length; j++) {
        const cost = strayCost([...(buckets[i] as number[]), ...(buckets[j] as number[])]);
        if (cost < bestCost) [best, bestCost] = [[i, j], cost];
      }
    }
    const [i, j] = best as [number, number];
    buckets[i] = [...(buckets[i] as number[]), ...(buckets[j] as number[])];
    buckets.splice(j, 1);
  }
  return buckets;
}

/** The nibble tables of each set of pairs met in this thread: every scanner window uses the same anchors, and grouping them costs milliseconds. */
const tablesByPairs = new Map<string, Uint8Array>();

/** The SIMD pass's nibble tables for these pairs (computed once per thread and set of pairs). */
function tablesFor(pairs: readonly number[]): Uint8Array {
  const key = pairs.join(',');
  let t = tablesByPairs.get(key);
  if (!t) {
    t = new Uint8Array(TABLES);
    writeTables(t, anchorBuckets(pairs));
    tablesByPairs.set(key, t);
  }
  return t;
}

/**
 * The SIMD pass's nibble tables: entry v of a table has bit k when a pair of bucket k has a first
 * (second) byte with low (high) nibble v. Unused buckets stay empty (a pair needs both bytes' bits).
 */
function writeTables(t: Uint8Array, buckets: readonly (readonly number[])[]): void {
  t.fill(0);
  buckets.forEach((bucket, k) => {
    const bit = 1 << k;
    for (const pair of bucket) {
      const first = pair >>> 8;
      const second = pair & 255;
      t[first & 15] = (t[first & 15] as number) | bit;
      t[16 + (first >>> 4)] = (t[16 + (first >>> 4)] as number) | bit;
      t[32 + (second & 15)] = (t[32 + (second & 15)] as number) | bit;
      t[48 + (second >>> 4)] = (t[48 + (second >>> 4)] as number) | bit;
    }
  });
}

export class AnchorWindow {
  /** The window: bytes of the stream are read or copied here. */
  readonly buf: Buffer;
  /** The same memory as 32-bit words (byteOffset 0, so word i is bytes 4i … 4i + 3). */
  readonly words: Int32Array;
  /** The WebAssembly memory the window is (for the known-key grids' pass), unless the indexOf passes are in use. */
  readonly memory: WebAssembly.Memory | undefined;
  private readonly anchors: readonly Buffer[];
  private readonly simd: SimdPass | undefined;
  /** Two-byte prefix → index + 1 of the first anchor starting with it (0: none). */
  private readonly byPair = new Uint8Array(65536);
  /** Next anchor with the same two-byte prefix, as index + 1 (0: none). */
  private readonly samePair: Uint8Array;

  /**
   * A window of `size` bytes (a multiple of 4) searched for `anchors` (each 2–6 bytes). The SIMD
   * pass is used (more than eight distinct two-byte prefixes share buckets), unless `indexOfOnly`
   * asks for the per-anchor passes (tests compare the two).
   */
  constructor(size: number, anchors: readonly Buffer[], indexOfOnly = false) {
    if (size % 4 !== 0 || anchors.some((a) => a.length < 2 || a.length > 6)) throw new Error('AnchorWindow: size a multiple of 4, anchors of 2–6 bytes');
    this.anchors = anchors;
    this.samePair = new Uint8Array(anchors.length);
    const pairs: number[] = [];
    for (let i = anchors.length - 1; i >= 0; i--) {
      const a = anchors[i] as Buffer;
      const pair = ((a[0] as number) << 8) | (a[1] as number);
      this.samePair[i] = this.byPair[pair] as number;
      this.byPair[pair] = i + 1;
      if (!pairs.includes(pair)) pairs.push(pair);
    }
    const mod = indexOfOnly ? null : wasmModule(ANCHORS_WASM);
    const tablesAt = (size + SLACK + 15) & ~15;
    const outAt = tablesAt + TABLES;
    let memory: ArrayBuffer | undefined;
    if (mod) {
      try {
        const pages = Math.ceil((outAt + OUT_SLOTS * 4) / PAGE);
        const wasmMemory = new WebAssembly.Memory({ initial: pages, maximum: pages });
        const instance = new WebAssembly.Instance(mod, { env: { memory: wasmMemory } });
        memory = wasmMemory.buffer;
        new Uint8Array(memory, tablesAt, TABLES).set(tablesFor(pairs));
        this.simd = new SimdPass(instance.exports as unknown as AnchorExports, memory, tablesAt, outAt);
        this.memory = wasmMemory;
      } catch {
        memory = undefined; // no room for another WebAssembly memory: the indexOf passes, on an ordinary buffer
      }
    }
    memory ??= new ArrayBuffer(size);
    this.buf = Buffer.from(memory, 0, size);
    this.words = new Int32Array(memory, 0, size >> 2);
  }

  /** True when the single SIMD pass is in use (false: one indexOf pass per anchor). */
  get singlePass(): boolean {
    return this.simd !== undefined;
  }

  /**
   * Push `p, kinds[a]` onto `cand` for every occurrence of anchor `a` starting at p in [s, e) and
   * ending at or before `len` (the window's valid bytes). Order: by offset in the single pass, by
   * anchor then offset in the indexOf passes; callers sort.
   */
  find(s: number, e: number, len: number, kinds: readonly number[], cand: number[]): void {
    if (this.simd) this.findSimd(s, Math.min(e, len - 1), len, kinds, cand);
    else this.findIndexOf(s, e, len, kinds, cand);
  }

  /** The offsets the SIMD pass itself reports in [s, e), before the rest of each anchor is checked (tests; none without it). */
  pairOffsets(s: number, e: number): number[] {
    const out: number[] = [];
    this.simd?.each(s, e, (p) => out.push(p));
    return out;
  }

  private findSimd(s: number, e: number, len: number, kinds: readonly number[], cand: number[]): void {
    const buf = this.buf;
    const anchors = this.anchors;
    (this.simd as SimdPass).each(s, e, (p) => {
      for (let a = this.byPair[((buf[p] as number) << 8) | (buf[p + 1] as number)] as number; a !== 0; a = this.samePair[a - 1] as number) {
        const needle = anchors[a - 1] as Buffer;
        if (p + needle.length > len) continue;
        let k = 2;
        while (k < needle.length && buf[p + k] === needle[k]) k++;
        if (k === needle.length) cand.push(p, kinds[a - 1] as number);
      }
    });
  }

  /** One Buffer.indexOf pass per anchor (memchr-fast for needles of at most 6 bytes). */
  private findIndexOf(s: number, e: number, len: number, kinds: readonly number[], cand: number[]): void {
    const view = this.buf.subarray(s, Math.min(len, e + 8));
    for (let a = 0; a < this.anchors.length; a++) {
      const needle = this.anchors[a] as Buffer;
      for (let p = view.indexOf(needle); p !== -1 && p + s < e; p = view.indexOf(needle, p + 1)) cand.push(p + s, kinds[a] as number);
    }
  }
}
