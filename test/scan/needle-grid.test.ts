// The sampling grids of the known-key table: every needle found at every alignment whatever the
// length mix, and one short needle does not make a table of long ones sample finely.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildGrids, Grids, gridStep, NEEDLE_COLS, nestedSteps } from '../../src/scan/needle-grid.ts';

/** Needles of the given lengths laid out as the table does: columns and one byte buffer. */
function needlesOf(lengths: number[]): { cols: Int32Array; bytes: Buffer } {
  const bytes = randomBytes(lengths.reduce((s, n) => s + n, 0));
  const cols = new Int32Array(lengths.length * NEEDLE_COLS);
  let o = 0;
  for (const [i, n] of lengths.entries()) {
    cols.set([i, o, n, 0], i * NEEDLE_COLS);
    o += n;
  }
  return { cols, bytes };
}

/**
 * Every (needle, absolute start) the grids report over `data` as a scanner window holds it: the
 * window starts at absolute offset `base` (a multiple of 4) and is searched in ranges cut at `cuts`.
 */
function scanAll(cols: Int32Array, bytes: Buffer, data: Buffer, base = 0, cuts: number[] = []): string[] {
  const buf = Buffer.from(new ArrayBuffer((data.length + 3) & ~3));
  data.copy(buf);
  const words = new Int32Array(buf.buffer, 0, buf.length >> 2);
  const grids = new Grids(buildGrids(cols, bytes), cols, bytes);
  const hits: string[] = [];
  const edges = [0, ...cuts, data.length];
  for (let i = 0; i + 1 < edges.length; i++) {
    grids.scan(buf, words, base, edges[i] as number, edges[i + 1] as number, data.length, (n, s) => hits.push(`${n}@${base + s}`));
  }
  return hits.sort();
}

describe('needle grids', () => {
  it('samples as coarsely as the shortest needle of each class allows, and more finely for very many needles', () => {
    expect(gridStep(32, 1)).toBe(24);
    expect(gridStep(64, 1)).toBe(56);
    expect(gridStep(96, 1)).toBe(88);
    expect(gridStep(256, 1)).toBe(120);
    expect(gridStep(256, 20_000)).toBe(28);
    expect(gridStep(256, 10_000_000)).toBe(8);
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
    expect(grids.map((g) => g.step)).toEqual([120, 24]);
    expect(grids.map((g) => g.refs.length / 2)).toEqual([2000 * 120, 2 * 24]);
  });

  it('finds every needle, of every length, at every offset of a step and only there', () => {
    const lengths = [32, 33, 64, 96, 128, 132, 256, 512];
    const { cols, bytes } = needlesOf(lengths);
    for (const shift of [0, 1, 2, 3, 4, 7, 23, 24, 25, 55, 56, 119, 120, 121]) {
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
