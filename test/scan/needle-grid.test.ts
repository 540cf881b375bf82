// The sampling grids of the known-key table: every needle found at every alignment whatever the
// length mix, one short needle does not make a table of long ones sample finely, and a modulus's
// little-endian copy (its mirror) is found through the modulus's own q-grams.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileWat } from '../../scripts/build-wasm.ts';
import { GRID_WASM } from '../../src/scan/grid-wasm.ts';
import { buildGrids, either, Grids, gridStep, MIRROR_FORMAT, NEEDLE_COLS, nestedSteps } from '../../src/scan/needle-grid.ts';

/**
 * Needles of the given lengths laid out as the table does: columns and one byte buffer. A length in
 * `mirrored` is followed by its byte reversal (an RSA modulus's little-endian copy, MIRROR_FORMAT).
 */
function needlesOf(lengths: number[], mirrored: number[] = []): { cols: Int32Array; bytes: Buffer } {
  const parts: Buffer[] = [];
  const rows: number[][] = [];
  let o = 0;
  for (const [i, n] of lengths.entries()) {
    const b = randomBytes(n);
    parts.push(b);
    rows.push([i, o, n, 0]);
    o += n;
    if (!mirrored.includes(i)) continue;
    parts.push(Buffer.from(b).reverse());
    rows.push([i, o, n, MIRROR_FORMAT]);
    o += n;
  }
  return { cols: Int32Array.from(rows.flat()), bytes: Buffer.concat(parts) };
}

/** Needle i's bytes. */
const needleBytes = (cols: Int32Array, bytes: Buffer, i: number): Buffer =>
  bytes.subarray(cols[i * NEEDLE_COLS + 1], (cols[i * NEEDLE_COLS + 1] as number) + (cols[i * NEEDLE_COLS + 2] as number));

/** The hits of one pass over `data` in a window (a WebAssembly memory when `memory` is given), in the order reported. */
function passOver(grids: Grids, data: Buffer, base: number, edges: number[], memory?: WebAssembly.Memory): string[] {
  const buf = Buffer.from(memory ? memory.buffer : new ArrayBuffer((data.length + 3) & ~3), 0, (data.length + 3) & ~3);
  data.copy(buf);
  const words = new Int32Array(buf.buffer, 0, buf.length >> 2);
  const hits: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    grids.scan(buf, words, base, edges[i] as number, edges[i + 1] as number, data.length, (n, s) => hits.push(`${n}@${base + s}`), memory);
  }
  return hits;
}

/**
 * Every (needle, absolute start) the grids report over `data` as a scanner window holds it: the
 * window starts at absolute offset `base` (a multiple of 4) and is searched in ranges cut at `cuts`.
 * Both passes run, the JavaScript one on an ordinary buffer and the WebAssembly one (grid-kernel.ts)
 * on a window that is a WebAssembly memory, and must report the same hits in the same order.
 */
function scanAll(cols: Int32Array, bytes: Buffer, data: Buffer, base = 0, cuts: number[] = []): string[] {
  const grids = new Grids(buildGrids(cols, bytes), cols, bytes);
  const edges = [0, ...cuts, data.length];
  const js = passOver(grids, data, base, edges);
  const pages = Math.ceil((data.length + 8) / 65536);
  const wasm = passOver(grids, data, base, edges, new WebAssembly.Memory({ initial: pages, maximum: pages }));
  expect(wasm).toEqual(js);
  return js.sort();
}

describe('needle grids', () => {
  it('samples as coarsely as the shortest needle of each class allows; many needles look up 4 q-grams a sample and index every 4th', () => {
    // Only the lengths matter: the columns of the needles (each mirror right after its needle), no bytes.
    const shape = (lengths: number[], mirrored: number[] = []) => {
      const m = new Set(mirrored);
      const cols = new Int32Array((lengths.length + m.size) * NEEDLE_COLS);
      const members: number[] = [];
      let row = 0;
      for (const [i, n] of lengths.entries()) {
        members.push(row);
        cols.set([i, 0, n, 0], row++ * NEEDLE_COLS);
        if (m.has(i)) cols.set([i, 0, n, MIRROR_FORMAT], row++ * NEEDLE_COLS);
      }
      const g = gridStep(cols, Int32Array.from(members));
      return `${g.step}/${g.stride}`;
    };
    expect(shape([32])).toBe('28/1');
    expect(shape([64])).toBe('60/1');
    expect(shape([96])).toBe('92/1');
    expect(shape([256])).toBe('252/1');
    expect(shape([256], [0])).toBe('252/1');
    expect(shape([512])).toBe('508/1');
    // 10,000 2048-bit moduli, each with its mirror: 64 q-grams each (every 4th, both orders), sampled every 248 bytes.
    const many = Array.from({ length: 10_000 }, () => 256);
    expect(shape(many, Array.from(many.keys()))).toBe('248/4');
    expect(shape(Array.from({ length: 20_000 }, () => 256))).toBe('248/4');
    // Far more needles than the table holds (3,000,000 q-grams): a smaller step.
    expect(shape(Array.from({ length: 400_000 }, () => 256))).toBe('24/4');
  });

  it('nests the steps of the two classes (the larger a multiple of the smaller), only ever rounding down', () => {
    expect(nestedSteps([120, 24])).toEqual([120, 24]);
    expect(nestedSteps([28, 24])).toEqual([24, 24]);
    expect(nestedSteps([120, 56])).toEqual([112, 56]);
    expect(nestedSteps([28, 56])).toEqual([28, 56]);
    expect(nestedSteps([120, 88])).toEqual([88, 88]);
    expect(nestedSteps([120])).toEqual([120]);
  });

  it('puts long needles in their own grid: one Ed25519 key does not make 2,000 moduli sample every 24 bytes', () => {
    const { cols, bytes } = needlesOf([32, 64, ...Array.from({ length: 2000 }, () => 256)]);
    const grids = buildGrids(cols, bytes);
    expect(grids.map((g) => `${g.step}/${g.stride}`)).toEqual(['224/4', '28/1']);
    expect(grids.map((g) => g.entries.length)).toEqual([2000 * 57, 2 * 28]);
  });

  it('finds every needle, of every length, at every offset of a step and only there', () => {
    const lengths = [32, 33, 64, 96, 128, 132, 256, 512];
    const { cols, bytes } = needlesOf(lengths);
    for (const shift of [0, 1, 2, 3, 4, 7, 23, 24, 25, 27, 28, 29, 55, 56, 119, 120, 121, 251, 252, 253]) {
      const parts: Buffer[] = [randomBytes(1000 + shift)];
      const want: string[] = [];
      let at = parts[0]?.length as number;
      for (const [i, n] of lengths.entries()) {
        want.push(`${i}@${at}`);
        parts.push(bytes.subarray(cols[i * NEEDLE_COLS + 1], (cols[i * NEEDLE_COLS + 1] as number) + n), randomBytes(333));
        at += n + 333;
      }
      expect(scanAll(cols, bytes, Buffer.concat(parts)), `shift ${shift}`).toEqual(want.sort());
    }
  });

  it('finds a modulus and its little-endian copy (its mirror) through one set of q-grams, each occurrence once, at every offset', () => {
    // Mirrored: 128 (1024-bit), 256, 512 bytes; plain: an EC point beside them in the same class.
    const { cols, bytes } = needlesOf([128, 256, 512, 132], [0, 1, 2]);
    const count = cols.length / NEEDLE_COLS;
    const grids = buildGrids(cols, bytes);
    // The mirrors add no q-grams: 1024-bit at step 124 needs all 125 of its q-grams, the others 124 + 124.
    expect(grids.map((g) => [g.step, g.mirrored, g.entries.length])).toEqual([[124, true, 125 + 248 + 248 + 124]]);
    for (const shift of [0, 1, 3, 4, 61, 123, 124, 125, 251, 252, 253]) {
      const parts: Buffer[] = [randomBytes(1000 + shift)];
      const want: string[] = [];
      let at = parts[0]?.length as number;
      for (let i = 0; i < count; i++) {
        const b = needleBytes(cols, bytes, i);
        want.push(`${i}@${at}`);
        parts.push(b, randomBytes(257 + i));
        at += b.length + 257 + i;
      }
      expect(scanAll(cols, bytes, Buffer.concat(parts)), `shift ${shift}`).toEqual(want.sort());
    }
  });

  it('a grid of many needles (every 4th q-gram indexed, 4 looked up a sample) finds each needle and mirror, whatever the length mod 4, at every offset, up to the end of the data', () => {
    const lengths = [129, 130, 131, 132, ...Array.from({ length: 300 }, () => 256)];
    const { cols, bytes } = needlesOf(lengths, Array.from(lengths.keys()));
    const grids = buildGrids(cols, bytes);
    expect(grids.map((g) => `${g.step}/${g.stride}`)).toEqual(['120/4']);
    // Rows: needle i is row 2i, its mirror 2i + 1; the odd lengths, two moduli and the last one, in both orders.
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 606, 607];
    for (const shift of [0, 1, 2, 3, 4, 5, 6, 7, 117, 118, 119, 120, 121]) {
      const parts: Buffer[] = [randomBytes(700 + shift)];
      const want: string[] = [];
      let at = parts[0]?.length as number;
      for (const r of rows) {
        const b = needleBytes(cols, bytes, r);
        want.push(`${r}@${at}`);
        parts.push(b, randomBytes(131 + (r % 5)));
        at += b.length + 131 + (r % 5);
      }
      const data = Buffer.concat(parts);
      expect(scanAll(cols, bytes, data), `shift ${shift}`).toEqual(want.sort());
      expect(scanAll(cols, bytes, data, 8, [333, 1000 + shift, 2001]), `shift ${shift}, cut`).toEqual(
        want.map((h) => h.replace(/@(\d+)$/, (_, o) => `@${Number(o) + 8}`)).sort(),
      );
      // A needle that ends the data (the sample's next word is partly past the end).
      for (const r of [2, 3, 5]) {
        const tail = Buffer.concat([parts[0] as Buffer, needleBytes(cols, bytes, r)]);
        expect(scanAll(cols, bytes, tail), `shift ${shift}, row ${r} at the end`).toEqual([`${r}@${(parts[0] as Buffer).length}`]);
      }
    }
  });

  it('a fine grid of short needles with a coarse grid of many moduli (4 q-grams a sample) finds each in zero pages, text and random bytes, in both passes', () => {
    // The bench's shape: an Ed25519 key and a P-256 point (fine, every 28 bytes) beside 2,000 moduli
    // and their mirrors (coarse, every 224 bytes, 4 q-grams each sample); one modulus holds zero
    // words, so all-zero samples are looked up too.
    const lengths = [32, 64, ...Array.from({ length: 2000 }, () => 256)];
    const { cols, bytes } = needlesOf(
      lengths,
      Array.from({ length: 2000 }, (_, i) => i + 2),
    );
    // Row 2 is the first modulus, row 3 its mirror (its byte reversal): zero bytes 40-47 of both orders.
    const modulus = cols[2 * NEEDLE_COLS + 1] as number;
    const mirror = cols[3 * NEEDLE_COLS + 1] as number;
    bytes.fill(0, modulus + 40, modulus + 48);
    bytes.fill(0, mirror + 256 - 48, mirror + 256 - 40);
    expect(buildGrids(cols, bytes).map((g) => `${g.step}/${g.stride}/${g.zeroGram}`)).toEqual(['224/4/true', '28/1/false']);
    const text = Buffer.from('GET /index.html HTTP/1.1 200 OK user=alice\n'.repeat(40));
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 4000, 4001];
    for (const shift of [0, 1, 2, 3, 27, 28, 29, 223, 224, 225]) {
      const parts: Buffer[] = [Buffer.alloc(4096 + shift)];
      const want: string[] = [];
      let at = parts[0]?.length as number;
      for (const [k, r] of rows.entries()) {
        const b = needleBytes(cols, bytes, r);
        const gap = [Buffer.alloc(300), text, randomBytes(301)][k % 3] as Buffer;
        want.push(`${r}@${at}`);
        parts.push(b, gap);
        at += b.length + gap.length;
      }
      const data = Buffer.concat(parts);
      expect(scanAll(cols, bytes, data, 4, [1000, 2500 + shift]), `shift ${shift}`).toEqual(
        want.map((h) => h.replace(/@(\d+)$/, (_, o) => `@${Number(o) + 4}`)).sort(),
      );
    }
  });

  it('finds a needle whose sampled word is all zero (all-zero samples are looked up when a needle has one), in zero pages', () => {
    const { cols, bytes } = needlesOf([32, 256]);
    bytes.fill(0, 0, 28);
    expect(buildGrids(cols, bytes).map((g) => `${g.step}/${g.zeroGram}`)).toEqual(['252/false', '28/true']);
    for (let shift = 0; shift < 28; shift++) {
      const data = Buffer.concat([Buffer.alloc(2000 + shift), needleBytes(cols, bytes, 0), Buffer.alloc(600), needleBytes(cols, bytes, 1), Buffer.alloc(300)]);
      expect(scanAll(cols, bytes, data), `shift ${shift}`).toEqual([`0@${2000 + shift}`, `1@${2632 + shift}`]);
    }
  });

  it('runs the WebAssembly pass compiled from grid.wat (npm run wasm)', async () => {
    expect(Buffer.from(await compileWat('grid')).toString('base64')).toBe(GRID_WASM);
  });

  it('hashes a word and its byte reversal alike in a mirrored grid (so one q-gram serves both orders)', () => {
    for (const w of [0x01020304, 0x7f00ff80, -1, 0, 0x80000000 | 0, 0x12345678]) {
      const r = Buffer.alloc(4);
      r.writeInt32BE(w);
      expect(either(r.readInt32LE(0))).toBe(either(w));
    }
    expect(either(0x01020304)).not.toBe(either(0x01020305));
  });

  it('finds two needles that share a q-gram window, each where it is, and neither where only the shared part is', () => {
    // Rows: 0 modulus A, 1 its mirror, 2 modulus B, 3 its mirror, 4 point C, 5 point D.
    const { cols, bytes } = needlesOf([256, 256, 64, 64], [0, 1]);
    const at = (i: number) => cols[i * NEEDLE_COLS + 1] as number;
    const n = (i: number) => needleBytes(cols, bytes, i);
    // B starts with A's first 100 bytes; D ends with C's last 40.
    bytes.copy(bytes, at(2), at(0), at(0) + 100);
    bytes.copy(bytes, at(5) + 24, at(4) + 24, at(4) + 64);
    Buffer.from(n(2)).reverse().copy(bytes, at(3));
    const rows = [0, 2, 4, 5, 1, 3];
    for (const shift of [0, 1, 7, 100]) {
      const parts: Buffer[] = [randomBytes(500 + shift)];
      const want: string[] = [];
      let o = parts[0]?.length as number;
      for (const r of rows) {
        want.push(`${r}@${o}`);
        parts.push(n(r), randomBytes(300));
        o += n(r).length + 300;
      }
      expect(scanAll(cols, bytes, Buffer.concat(parts)), `shift ${shift}`).toEqual(want.sort());
      // Only the shared parts, then other bytes: no needle.
      const shared = Buffer.concat([parts[0] as Buffer, n(0).subarray(0, 100), randomBytes(400), randomBytes(24), n(4).subarray(24), randomBytes(300)]);
      expect(scanAll(cols, bytes, shared)).toEqual([]);
    }
  });

  it('finds a mirrored modulus cut by a range boundary at every place, in either order, with any window offset', () => {
    const { cols, bytes } = needlesOf([256], [0]);
    for (const i of [0, 1]) {
      const lead = randomBytes(999);
      const data = Buffer.concat([lead, needleBytes(cols, bytes, i), randomBytes(700)]);
      for (const base of [0, 4, 252, 1000]) {
        for (const cut of [lead.length - 1, lead.length, lead.length + 1, lead.length + 128, lead.length + 252, lead.length + 255, lead.length + 256]) {
          const hits = scanAll(cols, bytes, data, base, [cut]).map((h) => h.replace(/@(\d+)$/, (_, s) => `@${Number(s) - base}`));
          expect(hits, `needle ${i} base ${base} cut ${cut}`).toEqual([`${i}@${lead.length}`]);
        }
      }
    }
  });

  it('finds the same needles whatever the absolute offset of the window and however its search range is cut', () => {
    const lengths = [32, 64, 256, 256, 512];
    const { cols, bytes } = needlesOf(lengths);
    const parts: Buffer[] = [randomBytes(777)];
    for (const [i, n] of lengths.entries())
      parts.push(bytes.subarray(cols[i * NEEDLE_COLS + 1], (cols[i * NEEDLE_COLS + 1] as number) + n), randomBytes(211 + i));
    const data = Buffer.concat(parts);
    const whole = scanAll(cols, bytes, data);
    expect(whole).toHaveLength(lengths.length);
    for (const base of [4, 20, 48, 100, 1204]) {
      for (const cuts of [[], [1], [500, 1001], [24, 120, 121, 999, 1500, 2222], Array.from({ length: 60 }, (_, i) => 37 + i * 50)]) {
        const shifted = scanAll(cols, bytes, data, base, cuts).map((h) => h.replace(/@(\d+)$/, (_, s) => `@${Number(s) - base}`));
        expect(shifted, `base ${base} cuts ${cuts}`).toEqual(whole);
      }
    }
  });

  it('finds needles whose q-grams are text (7-bit bytes, looked up in the small text filter) as well as binary ones', () => {
    const { cols, bytes } = needlesOf([32, 256, 512]);
    // Needle 0 all text; needle 1 text from its start for 100 bytes; needle 2 text in its middle.
    Buffer.from('0123456789abcdefghijklmnopqrstuv').copy(bytes, cols[1]);
    Buffer.from('x'.repeat(40) + 'key rotated ok '.repeat(4)).copy(bytes, cols[NEEDLE_COLS + 1]);
    Buffer.from('INFO '.repeat(30)).copy(bytes, (cols[2 * NEEDLE_COLS + 1] as number) + 200);
    for (const shift of [0, 1, 5, 24, 77, 119]) {
      const parts: Buffer[] = [Buffer.from('log line '.repeat(100 + shift).slice(0, 900 + shift))];
      const want: string[] = [];
      let at = parts[0]?.length as number;
      for (const [i, n] of [32, 256, 512].entries()) {
        want.push(`${i}@${at}`);
        parts.push(bytes.subarray(cols[i * NEEDLE_COLS + 1], (cols[i * NEEDLE_COLS + 1] as number) + n), Buffer.from('z'.repeat(301)));
        at += n + 301;
      }
      expect(scanAll(cols, bytes, Buffer.concat(parts)), `shift ${shift}`).toEqual(want.sort());
    }
  });

  it('verifies whole needles: one byte changed anywhere, or a needle cut short at the end of the data, is no hit', () => {
    const { cols, bytes } = needlesOf([32, 256]);
    for (const [i, n] of [32, 256].entries()) {
      const needle = Buffer.from(bytes.subarray(cols[i * NEEDLE_COLS + 1], (cols[i * NEEDLE_COLS + 1] as number) + n));
      for (const flip of [0, n >> 1, n - 1]) {
        const changed = Buffer.from(needle);
        changed[flip] = (changed[flip] as number) ^ 1;
        expect(scanAll(cols, bytes, Buffer.concat([randomBytes(500), changed, randomBytes(500)]))).toEqual([]);
      }
      expect(scanAll(cols, bytes, Buffer.concat([randomBytes(500), needle.subarray(0, n - 1)]))).toEqual([]);
      expect(scanAll(cols, bytes, Buffer.concat([randomBytes(500), needle]))).toEqual([`${i}@500`]);
    }
  });
});
