// The sampling grids of the known-key table: every needle found at every alignment whatever the
// length mix, and one short needle does not make a table of long ones sample finely.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildGrids, Grid, gridStep, NEEDLE_COLS } from '../../src/scan/needle-grid.ts';

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

/** Every (needle, start) the grids report over `data` scanned as one window at absolute offset 0. */
function scanAll(cols: Int32Array, bytes: Buffer, data: Buffer): string[] {
  const buf = Buffer.from(new ArrayBuffer((data.length + 3) & ~3));
  data.copy(buf);
  const words = new Int32Array(buf.buffer, 0, buf.length >> 2);
  const hits: string[] = [];
  for (const g of buildGrids(cols, bytes)) new Grid(g, cols, bytes).scan(buf, words, 0, 0, data.length, data.length, (n, s) => hits.push(`${n}@${s}`));
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
