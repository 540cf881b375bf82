// EC scalars in compressed cores (systemd-coredump's .zst, xz, gzip): the BIGNUM pointer found on the
// first pass is followed on a second decoding pass, to limbs anywhere in the image.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { pickSpans, spansOf } from '../../src/scan/streamed-scalars.ts';
import { elfCore, filler, makeKey } from './material.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-streamed-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const heap = 0x7f00_0000_0000n;
/** A core whose P-256 BIGNUM sits in one segment and its limbs 2 MB into another, far from any public point. */
function ecCore(k: ReturnType<typeof makeKey>): Buffer {
  const bn = Buffer.alloc(24);
  bn.writeBigUInt64LE(heap + 2_000_000n, 0);
  bn.writeInt32LE(4, 8);
  bn.writeInt32LE(4, 12);
  bn.writeInt32LE(1, 20);
  const d = Buffer.from(k.jwk.d as string, 'base64url').reverse();
  return elfCore([
    { vaddr: 0x5555_0000_0000n, data: Buffer.concat([filler('mixed', 40_000), bn, filler('mixed', 40_008)]) },
    { vaddr: heap, data: Buffer.concat([filler('random', 2_000_000), d, filler('random', 500_000)]) },
  ]);
}

describe('EC scalars in compressed cores', () => {
  it.each([
    ['core.signer.1000.4242.zst', (b: Buffer) => zstdCompressSync(b)],
    ['core.4242.xz', (b: Buffer) => execFileSync('xz', ['-c', '-0'], { input: b, maxBuffer: 64 << 20 })],
    ['core.4242.gz', (b: Buffer) => gzipSync(b)],
  ])('%s: the scalar behind a BIGNUM pointer is proven, with its virtual address', async (name, compress) => {
    const k = makeKey('p256', 3);
    writeFileSync(join(dir, name), compress(ecCore(k)));
    const table = new KnownKeyTable([{ id: 'kms/p256', publicKey: k.spkiB64 }]);
    const r = await scanFile(join(dir, name), name, { table });
    expect(r.gaps).toEqual([]);
    expect(r.findings.filter((f) => f.format === 'ec-scalar')).toMatchObject([
      { proof: 'private-key-present', matchedKeyId: 'kms/p256', virtualAddress: `0x${(heap + 2_000_000n).toString(16)}` },
    ]);
    // Another key's table: nothing to check the scalar against, no claim.
    const other = new KnownKeyTable([{ id: 'kms/other', publicKey: makeKey('p256', 4).spkiB64 }]);
    expect((await scanFile(join(dir, name), name, { table: other })).findings.filter((f) => f.format === 'ec-scalar')).toEqual([]);
  });

  it('picks spans that cross chunk boundaries and overlap, and stops after the last', async () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const spans = spansOf([
      { offset: 95, len: 10 },
      { offset: 100, len: 20 },
      { offset: 500, len: 72 },
      { offset: 10, len: 8 },
    ]);
    expect(spans.map((s) => [s.start, s.end])).toEqual([
      [10, 18],
      [95, 120],
      [500, 572],
    ]);
    const chunks = Array.from({ length: 100 }, (_, i) => data.subarray(i * 10, i * 10 + 10));
    let pulled = 0;
    const src = Readable.from(
      (function* () {
        for (const c of chunks) {
          pulled++;
          yield c;
        }
      })(),
    );
    await pickSpans(src, spans);
    for (const s of spans) expect(s.bytes).toEqual(data.subarray(s.start, s.end));
    expect(pulled).toBeLessThan(60);
  });
});
