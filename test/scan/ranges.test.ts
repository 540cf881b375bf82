// One file scanned as ranges on several threads must give exactly what one pass gives: material that
// crosses a range boundary is found once (not lost, not doubled), in every format, and EC scalars
// reached through BIGNUM structures in another range are still followed.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { scanPaths } from '../../src/scan/index.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { mergeRanges, planRanges, type RangeResult, scanRangeFd, scanRangeFdAsync } from '../../src/scan/ranges.ts';
import { elfCore, encode, FORMATS, filler, kindsFor, type MaterialKind, makeKey } from './material.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-ranges-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const formats = FORMATS.filter((f) => f !== 'pem-encrypted') as MaterialKind[];
const keyFor = (f: MaterialKind) => makeKey(kindsFor(f)[0] as 'rsa2048');

/**
 * One item per format, each cut by a 1 MiB boundary at a different place: one byte in, in the
 * middle, one byte before its end; and one starting exactly at a boundary.
 */
function straddling(): { data: Buffer; cuts: number[] } {
  const parts: Buffer[] = [];
  let off = 0;
  const cuts: number[] = [];
  formats.forEach((f, i) => {
    const enc = encode(keyFor(f), f);
    const boundary = (i + 1) * MiB;
    const into = [1, enc.length >> 1, enc.length - 1, 0][i % 4] as number;
    const pad = filler('mixed', boundary - into - off);
    parts.push(pad, enc);
    off += pad.length + enc.length;
    cuts.push(boundary);
  });
  parts.push(filler('mixed', (formats.length + 1) * MiB - off));
  return { data: Buffer.concat(parts), cuts };
}

const known = () => new KnownKeyTable([...new Set(formats.map(keyFor))].map((k, i) => ({ id: `k${i}`, publicKey: k.spkiB64 })));
const shape = (r: { findings: { offset: number; format: string; proof: string; matchedKeyId?: string }[] }) =>
  r.findings.map((f) => `${f.offset}:${f.format}:${f.proof}:${f.matchedKeyId ?? '-'}`);

describe('ranges', () => {
  it('material cut by a range boundary is found once, in every format, as in one pass', async () => {
    const { data, cuts } = straddling();
    const file = join(dir, 'straddle.bin');
    writeFileSync(file, data);
    const table = known();
    const whole = await scanFile(file, 'straddle.bin', { table, chunkSize: 256 * 1024 });
    expect(whole.findings.length).toBeGreaterThanOrEqual(formats.length);
    const fd = openSync(file, 'r');
    try {
      const bounds = [0, ...cuts, data.length];
      const parts = bounds.slice(0, -1).map((start, i) => scanRangeFd(fd, data.length, start, bounds[i + 1] as number, { table, chunkSize: 256 * 1024 }));
      // Each boundary item is seen by the range it starts in; its tail in the next range must not add a finding.
      const merged = mergeRanges(parts);
      expect(merged.read).toBe(data.length);
      expect(merged.hits.map((h) => `${h.offset}:${h.format}:${h.proof}`)).toEqual(whole.findings.map((f) => `${f.offset}:${f.format}:${f.proof}`));
      // Without the merge, the overlap really does double what crosses a boundary (the test can fail).
      const raw = parts.flatMap((p) => p.hits.map((h) => h.offset));
      expect(raw.length).toBeGreaterThan(merged.hits.length);
    } finally {
      closeSync(fd);
    }
  });

  it('scanPaths splits a large file over threads with the same findings, gaps and entries as one thread', async () => {
    const { data } = straddling();
    writeFileSync(join(dir, 'big.bin'), data);
    const keys = [...new Set(formats.map(keyFor))].map((k, i) => ({ id: `k${i}`, publicKey: k.spkiB64 }));
    const one = await scanPaths({ inputs: ['big.bin'], baseDir: dir, known: keys, jobs: 1 });
    const two = await scanPaths({ inputs: ['big.bin'], baseDir: dir, known: keys, jobs: 2, splitMin: 2 * MiB });
    expect(two.splitFiles).toBe(1);
    expect(one.splitFiles).toBe(0);
    expect(shape(two.files[0] as never)).toEqual(shape(one.files[0] as never));
    expect(two.files).toEqual(one.files);
  });

  it('an EC scalar behind a BIGNUM pointer in another range is followed, with its virtual address', async () => {
    const k = makeKey('p256');
    const d = Buffer.from(k.jwk.d as string, 'base64url').reverse();
    const heap = 0x7f00_0000_0000n;
    const bn = Buffer.alloc(24);
    bn.writeBigUInt64LE(heap + 3_000_000n, 0);
    bn.writeInt32LE(4, 8);
    bn.writeInt32LE(4, 12);
    bn.writeInt32LE(1, 20);
    const limbs = Buffer.concat([filler('random', 3_000_000), d, filler('random', 1_000_000)]);
    const core = elfCore([
      { vaddr: 0x5555_0000_0000n, data: Buffer.concat([filler('mixed', 100_000), bn, filler('mixed', 100_008)]) },
      { vaddr: heap, data: limbs },
    ]);
    writeFileSync(join(dir, 'core.split'), core);
    const keys = [{ id: 'kms/p256', publicKey: k.spkiB64 }];
    const two = await scanPaths({ inputs: ['core.split'], baseDir: dir, known: keys, jobs: 2, splitMin: MiB });
    const one = await scanPaths({ inputs: ['core.split'], baseDir: dir, known: keys, jobs: 1 });
    expect(two.splitFiles).toBe(1);
    expect(two.files).toEqual(one.files);
    expect(two.files[0]?.findings.find((f) => f.format === 'ec-scalar')).toMatchObject({
      matchedKeyId: 'kms/p256',
      virtualAddress: `0x${(heap + 3_000_000n).toString(16)}`,
    });
  });

  it('plans aligned ranges that cover the file exactly', () => {
    for (const [size, jobs] of [
      [1, 2],
      [3 * MiB + 5, 2],
      [10 * 1024 * MiB + 7, 8],
    ] as const) {
      const r = planRanges(size, jobs);
      expect(r.length).toBeGreaterThanOrEqual(Math.min(jobs * 2, Math.ceil(size / MiB)));
      // Guided sizes: no range larger than the one before it.
      for (let i = 1; i < r.length - 1; i++)
        expect((r[i]?.stop as number) - (r[i]?.start as number)).toBeLessThanOrEqual((r[i - 1]?.stop as number) - (r[i - 1]?.start as number));
      expect(r[0]?.start).toBe(0);
      expect(r.at(-1)?.stop).toBe(size);
      for (let i = 1; i < r.length; i++) {
        expect(r[i]?.start).toBe(r[i - 1]?.stop);
        expect((r[i]?.start as number) % MiB).toBe(0);
      }
    }
  });

  describe('overlapped reads (scanRangeFdAsync)', () => {
    const withFd = async <T>(path: string, body: (fd: number) => Promise<T>): Promise<T> => {
      const fd = openSync(path, 'r');
      try {
        return await body(fd);
      } finally {
        closeSync(fd);
      }
    };
    const bytesOf = (r: RangeResult) => ({ ...r, hits: r.hits.map((h) => `${h.offset}:${h.format}:${h.proof}:${h.knownKeyId ?? '-'}`) });

    it('give exactly what blocking reads give, for every range and window size (reads under way while the window moves)', async () => {
      const { data, cuts } = straddling();
      const file = join(dir, 'overlap.bin');
      writeFileSync(file, data);
      const table = known();
      const bounds = [0, cuts[2] as number, cuts[5] as number, data.length];
      await withFd(file, async (fd) => {
        // 64 KiB windows move every few reads; the default (no chunkSize) is the large window of the overlapped path.
        for (const chunkSize of [64 * 1024, 256 * 1024, undefined]) {
          for (let i = 0; i < bounds.length - 1; i++) {
            const [start, stop] = [bounds[i] as number, bounds[i + 1] as number];
            let counted = 0;
            const sync = scanRangeFd(fd, data.length, start, stop, { table, chunkSize });
            const overlapped = await scanRangeFdAsync(fd, data.length, start, stop, { table, chunkSize, onBytes: (n) => (counted += n) });
            expect(bytesOf(overlapped), `range ${start}–${stop}, window ${chunkSize}`).toEqual(bytesOf(sync));
            expect(overlapped.read).toBe(stop - start);
            expect(counted).toBe(stop - start);
          }
        }
        const whole = await scanRangeFdAsync(fd, data.length, 0, data.length, { table });
        expect(whole.hits.length).toBeGreaterThanOrEqual(formats.length);
      });
    });

    it('a file shorter than its size says, and a read that fails, end the range as blocking reads do (no unhandled rejection)', async () => {
      const { data } = straddling();
      const file = join(dir, 'short.bin');
      writeFileSync(file, data.subarray(0, 3 * MiB + 12_345));
      const table = known();
      await withFd(file, async (fd) => {
        const sync = scanRangeFd(fd, data.length, 0, data.length, { table });
        const overlapped = await scanRangeFdAsync(fd, data.length, 0, data.length, { table });
        expect(overlapped.read).toBe(3 * MiB + 12_345);
        expect(bytesOf(overlapped)).toEqual(bytesOf(sync));
      });
      // A directory opens but cannot be read (EISDIR): every read under way fails.
      await withFd(dir, async (fd) => {
        const r = await scanRangeFdAsync(fd, 8 * MiB, 0, 8 * MiB, { table });
        expect(r.read).toBe(0);
        expect(r.error).toMatch(/^EISDIR/);
        expect(r.error).toBe(scanRangeFd(fd, 8 * MiB, 0, 8 * MiB, { table }).error);
      });
    });
  });
});
