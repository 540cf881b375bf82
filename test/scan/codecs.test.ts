// Compressed streams as their formats define them, not only as one tool writes them: zstd data of
// several frames and skippable frames (RFC 8878 §3.1; pzstd writes a skippable frame, then a frame
// per input block; `cat a.zst b.zst` is valid), and LZ4's legacy format and skippable frames (LZ4
// Frame Format Description §"Skippable frames", §"Legacy frame"); bytes after the last gzip member
// (RFC 1952 §2.2: a file is a series of members). A key in a second frame, or after the gzip data, read clean.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32, deflateRawSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Codec, codecOf, decoder, unsupportedOf } from '../../src/scan/codecs.ts';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { encode, filler, makeKey } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const key = () => makeKey('rsa2048');
const table = () => new KnownKeyTable([{ id: 'kms/sign', publicKey: key().spkiB64 }]);
const summary = (r: Awaited<ReturnType<typeof scanFile>>) => r.findings.map((f) => `${f.location}:${f.format}:${f.proof}:${f.matchedKeyId ?? '-'}`);

/** A skippable frame (magic 0x184D2A5n, 32-bit LE size, then that many bytes). */
function skippable(n: number, size: number): Buffer {
  const b = Buffer.alloc(8 + size, 0x11);
  b.writeUInt32LE(0x184d2a50 + n, 0);
  b.writeUInt32LE(size, 4);
  return b;
}

/** Decode through the scanner's decoder (zstd unless told), fed in chunks of `chunk` bytes. */
function decode(input: Buffer, chunk: number, codec: Codec = 'zstd'): Promise<{ out: Buffer; error?: string; trailing: number; trailingData: boolean }> {
  return new Promise((resolve) => {
    const d = decoder(codec) as ReturnType<typeof decoder> & { trailing?: number; trailingData?: boolean };
    const after = () => ({ trailing: d.trailing ?? 0, trailingData: d.trailingData ?? false });
    const parts: Buffer[] = [];
    d.on('data', (c: Buffer) => parts.push(c));
    d.on('end', () => resolve({ out: Buffer.concat(parts), ...after() }));
    d.on('error', (err) => resolve({ out: Buffer.concat(parts), error: err.message, ...after() }));
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; i += chunk) chunks.push(input.subarray(i, i + chunk));
    Readable.from(chunks).pipe(d);
  });
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-codecs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zstd frames', () => {
  const a = filler('random', 700_000);
  const b = filler('text', 300_000);
  const c = filler('mixed', 50_000);

  it.each([[4096], [65_536], [1 << 20]])('every frame is decoded, skippable frames skipped, whatever the input chunks (%i bytes)', async (chunk) => {
    const input = Buffer.concat([skippable(0, 4), zstdCompressSync(a), skippable(15, 100), zstdCompressSync(b), zstdCompressSync(c)]);
    const r = await decode(input, chunk);
    expect(r.error).toBeUndefined();
    expect(sha(r.out)).toBe(sha(Buffer.concat([a, b, c])));
  });

  it('bytes after the last frame that are not a frame are counted (a gap), a frame cut short is an error, never silence', async () => {
    const junk = await decode(Buffer.concat([zstdCompressSync(c), Buffer.from('not a frame')]), 4096);
    expect([junk.error, junk.trailing, junk.trailingData, junk.out.equals(c)]).toEqual([undefined, 11, true, true]);
    const cut = await decode(Buffer.concat([zstdCompressSync(c), zstdCompressSync(a).subarray(0, 1000)]), 4096);
    expect(cut.error).toBeTruthy();
    expect(cut.out.subarray(0, c.length).equals(c)).toBe(true);
  });

  it('a key in the second frame of a multi-frame core.zst is found; a pzstd file (skippable frame first) is opened as zstd', async () => {
    const holder = Buffer.concat([filler('text', 2000), encode(key(), 'pem-pkcs8'), filler('text', 2000)]);
    writeFileSync(path('core.4242.zst'), Buffer.concat([zstdCompressSync(a), zstdCompressSync(holder)]));
    expect(summary(await scanFile(path('core.4242.zst'), 'core.4242.zst', { table: table() }))).toEqual([
      'core.4242.zst!core.4242:pem:private-key-present:kms/sign',
    ]);
    const pzstd = Buffer.concat([skippable(0, 4), zstdCompressSync(holder)]);
    expect(codecOf(pzstd)).toBe('zstd');
    writeFileSync(path('bundle.zst'), pzstd);
    const r = await scanFile(path('bundle.zst'), 'bundle.zst', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(summary(r)).toEqual(['bundle.zst!bundle:pem:private-key-present:kms/sign']);
  });
});

describe('lz4 forms', () => {
  it('the legacy format and a frame after a skippable frame are lz4 (not decoded: a gap), never a plain file', async () => {
    const legacy = Buffer.concat([Buffer.from([0x02, 0x21, 0x4c, 0x18]), filler('random', 4000)]);
    const framed = Buffer.concat([skippable(3, 16), Buffer.from([0x04, 0x22, 0x4d, 0x18]), filler('random', 4000)]);
    expect([unsupportedOf(legacy), unsupportedOf(framed)]).toEqual(['lz4', 'lz4']);
    writeFileSync(path('core.legacy.lz4'), legacy);
    const r = await scanFile(path('core.legacy.lz4'), 'core.legacy.lz4', { table: table() });
    expect(r.gaps.map((g) => [g.operation, g.reason.split(';')[0]])).toEqual([['decompress', 'lz4 compression is not supported']]);
  });
});

describe('bytes after the gzip data', () => {
  it('zero bytes and then data after the last member (gunzip stops at the zeros) are a gap; zero padding alone and a second member are not', async () => {
    const member = gzipSync(filler('text', 50_000));
    const pem = encode(key(), 'pem-pkcs8');
    const tail = Buffer.concat([Buffer.alloc(512), pem]);
    writeFileSync(path('tail.gz'), Buffer.concat([member, tail]));
    const r = await scanFile(path('tail.gz'), 'tail.gz', { table: table() });
    expect(r.gaps).toEqual([
      {
        location: 'tail.gz!tail',
        operation: 'decompress',
        reason: `${tail.length} bytes after the end of the gzip data (not a gzip member) were not scanned; scan them separately (tail -c ${tail.length})`,
      },
    ]);
    writeFileSync(path('padded.gz'), Buffer.concat([member, Buffer.alloc(10_240)]));
    expect((await scanFile(path('padded.gz'), 'padded.gz', { table: table() })).gaps).toEqual([]);
    writeFileSync(path('two.gz'), Buffer.concat([member, gzipSync(pem)]));
    const two = await scanFile(path('two.gz'), 'two.gz', { table: table() });
    expect(two.gaps).toEqual([]);
    expect(summary(two)).toEqual(['two.gz!two:pem:private-key-present:kms/sign']);
    // Other bytes right after a member read as a damaged next member: a gap too.
    writeFileSync(path('junk.gz'), Buffer.concat([member, pem]));
    expect((await scanFile(path('junk.gz'), 'junk.gz', { table: table() })).gaps.map((g) => g.operation)).toEqual(['decompress']);
  });
});

/**
 * A gzip member written from RFC 1952 §2.3.1, every optional field set: ID1 ID2 CM FLG MTIME XFL OS,
 * FEXTRA (XLEN, one subfield SI1 SI2 LEN data), FNAME and FCOMMENT (ISO 8859-1, zero-terminated),
 * FHCRC (the low 16 bits of the header's CRC-32), then the deflate data, CRC32 and ISIZE.
 */
function gzipMemberFromSpec(data: Buffer, o: { crc?: number; isize?: number } = {}): Buffer {
  const extra = Buffer.from([0x41, 0x70, 4, 0, 1, 2, 3, 4]);
  const head = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0x10, 0x20, 0x30, 0x40, 0, 3]),
    Buffer.from([extra.length, 0]),
    extra,
    Buffer.from('core.4242\0key holder\0', 'latin1'),
  ]);
  const hcrc = Buffer.alloc(2);
  hcrc.writeUInt16LE(crc32(head) & 0xffff);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(o.crc ?? crc32(data), 0);
  trailer.writeUInt32LE(o.isize ?? data.length, 4);
  return Buffer.concat([head, hcrc, deflateRawSync(data), trailer]);
}

describe('gzip members (RFC 1952)', () => {
  const a = filler('mixed', 40_000);
  const b = filler('text', 20_000);

  it.each([[3], [4096], [1 << 20]])('members with every optional header field decode back to back, whatever the input chunks (%i bytes)', async (chunk) => {
    const r = await decode(Buffer.concat([gzipMemberFromSpec(a), gzipSync(b), gzipMemberFromSpec(b)]), chunk, 'gzip');
    expect(r.error).toBeUndefined();
    expect(sha(r.out)).toBe(sha(Buffer.concat([a, b, b])));
    expect(r.trailing).toBe(0);
  });

  it('a member whose CRC-32 or ISIZE does not match what it decodes, or whose trailer is cut, is an error (a gap)', async () => {
    expect((await decode(gzipMemberFromSpec(b, { crc: (crc32(b) + 1) >>> 0 }), 4096, 'gzip')).error).toMatch(/CRC-32/);
    expect((await decode(gzipMemberFromSpec(b, { isize: b.length + 1 }), 4096, 'gzip')).error).toMatch(/length/);
    const cut = await decode(gzipSync(b).subarray(0, -3), 4096, 'gzip');
    expect([cut.error, cut.out.equals(b)]).toEqual(['unexpected end of file in a frame trailer', true]);
  });

  it('a key in the last member is found when bytes that are not a member follow it (gunzip failed there and dropped the member); the bytes are a gap', async () => {
    const pem = encode(key(), 'pem-pkcs8');
    const junk = Buffer.from('this is not a gzip member\n');
    writeFileSync(path('junk-after.gz'), Buffer.concat([gzipSync(filler('text', 5_000)), gzipMemberFromSpec(pem), junk]));
    const r = await scanFile(path('junk-after.gz'), 'junk-after.gz', { table: table() });
    expect(summary(r)).toEqual(['junk-after.gz!junk-after:pem:private-key-present:kms/sign']);
    expect(r.gaps).toEqual([
      {
        location: 'junk-after.gz!junk-after',
        operation: 'decompress',
        reason: `${junk.length} bytes after the end of the gzip data (not a gzip member) were not scanned; scan them separately (tail -c ${junk.length})`,
      },
    ]);
  });
});

describe('xz streams (the .xz file format 1.2.1 §2.1, §2.2)', () => {
  const xz = (b: Buffer) => execFileSync('xz', ['-c', '--check=crc64'], { input: b });
  const a = filler('mixed', 200_000);
  const b = filler('text', 30_000);

  it.each([[5], [4096], [1 << 20]])(
    'concatenated streams with Stream Padding between them decode whole; junk after the last footer is counted, not fatal (%i-byte pieces)',
    async (chunk) => {
      const junk = Buffer.from('not an xz stream');
      const r = await decode(Buffer.concat([xz(a), Buffer.alloc(8), xz(b), junk]), chunk, 'xz');
      expect(r.error).toBeUndefined();
      expect(sha(r.out)).toBe(sha(Buffer.concat([a, b])));
      expect([r.trailing, r.trailingData]).toEqual([junk.length, true]);
      const padded = await decode(Buffer.concat([xz(b), Buffer.alloc(12)]), chunk, 'xz');
      expect([padded.error, padded.trailingData, padded.out.equals(b)]).toEqual([undefined, false, true]);
    },
  );

  it('a key at the end of an .xz file followed by junk is found (the decoder failed on the junk and dropped it); the junk is a gap', async () => {
    const junk = Buffer.from('junk\n');
    writeFileSync(path('key.pem.xz'), Buffer.concat([xz(encode(key(), 'pem-pkcs8')), junk]));
    const r = await scanFile(path('key.pem.xz'), 'key.pem.xz', { table: table() });
    expect(summary(r)).toEqual(['key.pem.xz!key.pem:pem:private-key-present:kms/sign']);
    expect(r.gaps.map((g) => g.reason)).toEqual([
      `${junk.length} bytes after the end of the xz data (not a stream) were not scanned; scan them separately (tail -c ${junk.length})`,
    ]);
  });
});
