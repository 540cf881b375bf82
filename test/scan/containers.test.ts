// Every compression and report format a core travels in (zstd, xz, bzip2, systemd-coredump .zst,
// apport .crash), and everything that cannot be fully read (truncated cores, minidumps and streams,
// unsupported compressions) reported as a gap with how much was not scanned: never clean.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { apportReport, elfCore, encode, filler, makeKey, minidump } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const key = () => makeKey('rsa2048');
const table = () => new KnownKeyTable([{ id: 'kms/sign', publicKey: key().spkiB64 }]);
const VADDR = 0x7f3a_1c00_0000n;
/** A core whose second segment holds the key as little-endian bignums at 20,001 bytes in. */
const core = () =>
  elfCore([
    { vaddr: 0x5555_5555_0000n, data: filler('mixed', 64 * 1024) },
    { vaddr: VADDR, data: Buffer.concat([filler('mixed', 20_001), encode(key(), 'bignum-le'), filler('random', 150_000)]) },
  ]);
const tool = (cmd: string, args: string[], input: Buffer): Buffer => execFileSync(cmd, args, { input, maxBuffer: 1 << 30 });
const summary = (r: Awaited<ReturnType<typeof scanFile>>) => r.findings.map((f) => `${f.location}:${f.format}:${f.proof}:${f.matchedKeyId ?? '-'}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-containers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compressed cores', () => {
  it.each([
    ['core.signer.1000.1.zst', 'core.signer.1000.1', (b: Buffer) => zstdCompressSync(b)],
    ['core.4242.xz', 'core.4242', (b: Buffer) => tool('xz', ['-c'], b)],
    ['core.4242.bz2', 'core.4242', (b: Buffer) => tool('bzip2', ['-c'], b)],
    ['core.4242.gz', 'core.4242', (b: Buffer) => gzipSync(b)],
  ])('%s is decoded and the key proven in the core inside, with its virtual address', async (file, inner, compress) => {
    writeFileSync(path(file), compress(core()));
    const r = await scanFile(path(file), file, { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.entries.map((e) => [e.location, e.artifactType])).toEqual([[`${file}!${inner}`, 'elf-core']]);
    expect(summary(r)).toEqual([`${file}!${inner}:rsa-modulus-le:private-key-present:kms/sign`]);
    expect(r.findings[0]?.virtualAddress).toBe(`0x${(VADDR + 20_001n).toString(16)}`);
  });

  it('a zstd core inside a tar (a support bundle) is decoded too', async () => {
    mkdirSync(path('bundle'), { recursive: true });
    writeFileSync(path('bundle', 'core.9.zst'), zstdCompressSync(core()));
    writeFileSync(path('bundle', 'notes.xz'), tool('xz', ['-c'], encode(key(), 'pem-pkcs8')));
    execFileSync('tar', ['-cf', path('bundle.tar'), '-C', path('bundle'), 'core.9.zst', 'notes.xz']);
    const r = await scanFile(path('bundle.tar'), 'bundle.tar', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(summary(r).sort()).toEqual([
      'bundle.tar!core.9.zst!core.9:rsa-modulus-le:private-key-present:kms/sign',
      'bundle.tar!notes.xz!notes:pem:private-key-present:kms/sign',
    ]);
  });

  it.each([
    ['cut.zst', (b: Buffer) => zstdCompressSync(b)],
    ['cut.xz', (b: Buffer) => tool('xz', ['-c'], b)],
    ['cut.bz2', (b: Buffer) => tool('bzip2', ['-c'], b)],
  ])('a truncated %s keeps what decoded, and is a gap naming the bytes not decoded', async (file, compress) => {
    const data = Buffer.concat([encode(key(), 'pem-pkcs8'), filler('random', 2_000_000)]);
    const c = compress(data);
    writeFileSync(path(file), c.subarray(0, c.length - 100_000));
    const r = await scanFile(path(file), file, { table: table() });
    expect(r.gaps).toHaveLength(1);
    expect(r.gaps[0]?.reason).toMatch(
      /^truncated or corrupt (zstd|xz|bzip2) data \((unexpected end of file|the xz data ends early|.*)\); scanned the \d+ bytes that decoded; the data breaks off before its end: what the rest held was not scanned$/,
    );
    // Words, not a decoder's internals ('about 0 compressed bytes were not decoded', 'Cannot read properties of undefined').
    expect(r.gaps[0]?.reason).not.toMatch(/about 0 |Cannot read|error code/);
    expect(summary(r)).toEqual([`${file}!cut:pem:private-key-present:kms/sign`]);
  });

  it.each([
    ['core.lz4', Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7]), 'lz4'],
    ['dump.7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), '7z'],
    ['dump.rar', Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), 'rar'],
    ['core.lz', Buffer.from('LZIP\x01\x0c', 'latin1'), 'lzip'],
  ])('%s (an unsupported compression) is a gap, never clean', async (file, magic, what) => {
    writeFileSync(path(file), Buffer.concat([magic, filler('random', 5000)]));
    const r = await scanFile(path(file), file, { table: table() });
    expect(r.findings).toEqual([]);
    expect(r.gaps).toEqual([
      {
        location: file,
        operation: 'decompress',
        reason: `${what} compression is not supported; ${5000 + magic.length} bytes were not scanned (decompress it and scan the result)`,
      },
    ]);
  });
});

describe('apport reports', () => {
  it('decodes the CoreDump field (base64 lines of gzip chunks) and proves the key in the core', async () => {
    writeFileSync(path('_usr_bin_signer.1000.crash'), apportReport(core()));
    const r = await scanFile(path('_usr_bin_signer.1000.crash'), '_usr_bin_signer.1000.crash', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.entries.map((e) => [e.location, e.artifactType]).sort()).toEqual([
      ['_usr_bin_signer.1000.crash!CoreDump', 'elf-core'],
      ['_usr_bin_signer.1000.crash', 'file'],
    ]);
    expect(summary(r)).toEqual(['_usr_bin_signer.1000.crash!CoreDump:rsa-modulus-le:private-key-present:kms/sign']);
  });

  it('a .crash report whose first field is not ProblemType (fields in another order) is still read as a report', async () => {
    const report = apportReport(core()).toString('latin1').replace('ProblemType: Crash\n', '');
    writeFileSync(path('_usr_bin_reordered.1000.crash'), `Date: Mon Jun  1 12:00:00 2026\n${report}ProblemType: Crash\n`, 'latin1');
    const r = await scanFile(path('_usr_bin_reordered.1000.crash'), '_usr_bin_reordered.1000.crash', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(summary(r)).toEqual(['_usr_bin_reordered.1000.crash!CoreDump:rsa-modulus-le:private-key-present:kms/sign']);
  });

  it('a crash report cut inside CoreDump is a gap', async () => {
    const full = apportReport(core());
    writeFileSync(path('cut.crash'), full.subarray(0, Math.floor(full.length * 0.6)));
    const r = await scanFile(path('cut.crash'), 'cut.crash', { table: table() });
    expect(r.gaps.map((g) => [g.location, g.operation])).toContainEqual(['cut.crash!CoreDump', 'decompress']);
  });
});

describe('truncated memory images', () => {
  it('an ELF core shorter than its program headers say is a gap with the bytes not scanned, and what is there is scanned', async () => {
    const full = core();
    writeFileSync(path('core.cut'), full.subarray(0, full.length - 100_000));
    const r = await scanFile(path('core.cut'), 'core.cut', { table: table() });
    expect(r.gaps).toEqual([
      {
        location: 'core.cut',
        operation: 'truncated',
        reason: `truncated ELF core: its program headers describe ${full.length} bytes, the file holds ${full.length - 100_000}; 100000 bytes of memory were not scanned`,
      },
    ]);
    expect(summary(r)).toEqual(['core.cut:rsa-modulus-le:private-key-present:kms/sign']);
  });

  it('the same check holds for a core inside a compressed stream', async () => {
    const full = core();
    writeFileSync(path('core.cut.zst'), zstdCompressSync(full.subarray(0, full.length - 4096)));
    const r = await scanFile(path('core.cut.zst'), 'core.cut.zst', { table: table() });
    expect(r.gaps.map((g) => [g.location, g.operation, g.reason.split(':')[0]])).toEqual([['core.cut.zst!core.cut', 'truncated', 'truncated ELF core']]);
  });

  it('a minidump whose memory list runs past the end of the file is a gap; a whole one is not', async () => {
    const ranges = [
      { address: 0x1_4000_0000n, data: filler('mixed', 40_000) },
      { address: 0x2_0000_0000n, data: Buffer.concat([filler('random', 1001), encode(key(), 'bignum-le'), filler('random', 60_000)]) },
    ];
    const whole = minidump(ranges);
    writeFileSync(path('w3wp.dmp'), whole);
    const ok = await scanFile(path('w3wp.dmp'), 'w3wp.dmp', { table: table() });
    expect(ok.gaps).toEqual([]);
    expect(ok.findings[0]?.virtualAddress).toBe(`0x${(0x2_0000_0000n + 1001n).toString(16)}`);
    writeFileSync(path('cut.dmp'), whole.subarray(0, whole.length - 30_000));
    const cut = await scanFile(path('cut.dmp'), 'cut.dmp', { table: table() });
    expect(cut.gaps.map((g) => g.reason)).toEqual([
      `truncated minidump: its stream directory describes ${whole.length} bytes, the file holds ${whole.length - 30_000}; 30000 bytes of memory were not scanned`,
    ]);
  });
});

describe('containers embedded at any offset', () => {
  it('a gzip member and zip members inside a larger file are opened where they lie', async () => {
    const gz = gzipSync(Buffer.concat([encode(key(), 'pem-pkcs8'), filler('text', 50_000)]));
    mkdirSync(path('sfx'), { recursive: true });
    writeFileSync(path('sfx', 'id_rsa'), Buffer.concat([encode(key(), 'pem-pkcs1'), filler('text', 20_000)]));
    writeFileSync(path('sfx', 'readme.txt'), filler('text', 30_000));
    execFileSync('zip', ['-q', '-j', path('payload.zip'), path('sfx', 'readme.txt'), path('sfx', 'id_rsa')]);
    const zip = readFileSync(path('payload.zip'));
    const stub = filler('random', 70_001);
    const at = stub.length + 33_333 + gz.length;
    // A self-extracting installer: an executable stub, a gzip blob, then a zip appended.
    writeFileSync(path('setup.exe'), Buffer.concat([stub, filler('mixed', 33_333), gz, zip, filler('random', 4096)]));
    const r = await scanFile(path('setup.exe'), 'setup.exe', { table: table() });
    expect(r.gaps).toEqual([]);
    const idRsa = zip.indexOf('PK\x03\x04id_rsa'.slice(0, 4), zip.indexOf(Buffer.from('id_rsa')) - 40);
    expect(summary(r)).toEqual([
      `setup.exe!gzip@${stub.length + 33_333}:pem:private-key-present:kms/sign`,
      `setup.exe!id_rsa@${at + idRsa}:pem:private-key-present:kms/sign`,
    ]);
  });

  it('chance gzip headers in memory (1f 8b 08 and a plausible header) are not streams and not gaps', async () => {
    // RFC 1952 header, no flags, XFL 0, OS 3 (Unix), as a large memory image holds by chance.
    const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]);
    // A stored first block whose LEN and NLEN are not complements (RFC 1951 3.2.4): not a stream.
    const stored = Buffer.from([0x00, 0x12, 0x34, 0x00, 0x00]);
    // A dynamic first block whose code counts are impossible: zlib decodes no byte of it.
    const dynamic = Buffer.from([0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const image = Buffer.concat([filler('text', 5000), header, stored, filler('text', 5000), header, dynamic, filler('text', 5000)]);
    writeFileSync(path('chance-gzip.bin'), image);
    const r = await scanFile(path('chance-gzip.bin'), 'chance-gzip.bin', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.findings).toEqual([]);
  });

  it('an embedded gzip cut short is scanned up to the cut and reported', async () => {
    const gz = gzipSync(Buffer.concat([encode(key(), 'pem-pkcs8'), filler('random', 300_000)]));
    writeFileSync(path('cut-embedded.bin'), Buffer.concat([filler('random', 10_000), gz.subarray(0, gz.length - 50_000)]));
    const r = await scanFile(path('cut-embedded.bin'), 'cut-embedded.bin', { table: table() });
    expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([['cut-embedded.bin!gzip@10000', 'decompress']]);
    // (zlib may keep the key as a stored block when random data follows it: then it is also found in place.)
    expect(summary(r)).toContain('cut-embedded.bin!gzip@10000:pem:private-key-present:kms/sign');
  });

  it('inside an archive member it is named as a gap, never skipped silently', async () => {
    mkdirSync(path('emb'), { recursive: true });
    writeFileSync(path('emb', 'blob.bin'), Buffer.concat([filler('random', 5000), gzipSync(encode(key(), 'pem-pkcs8'))]));
    execFileSync('tar', ['-cf', path('emb.tar'), '-C', path('emb'), 'blob.bin']);
    const r = await scanFile(path('emb.tar'), 'emb.tar', { table: table() });
    expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([['emb.tar!blob.bin!gzip@5000', 'open-embedded']]);
  });
});

describe('EC scalars through BIGNUM structures', () => {
  it('follows a BIGNUM pointer across segments to a P-384 scalar far from its point, and reports its address', async () => {
    const k = makeKey('p384');
    const d = Buffer.from(k.jwk.d as string, 'base64url').reverse(); // little-endian limbs
    const heap = 0x7f00_0000_0000n;
    const bn = Buffer.alloc(24);
    bn.writeBigUInt64LE(heap + 40_000n, 0); // d → the limbs, in another segment
    bn.writeInt32LE(6, 8); // top
    bn.writeInt32LE(8, 12); // dmax
    bn.writeInt32LE(0, 16); // neg
    bn.writeInt32LE(1, 20); // flags: BN_FLG_MALLOCED
    const limbs = Buffer.concat([filler('random', 40_000), d, filler('random', 9_952)]);
    const file = elfCore([
      { vaddr: 0x5555_0000_0000n, data: Buffer.concat([filler('mixed', 30_000), bn, filler('mixed', 30_008)]) },
      { vaddr: heap, data: limbs },
    ]);
    writeFileSync(path('core.ec'), file);
    const known = new KnownKeyTable([{ id: 'kms/p384', publicKey: k.spkiB64 }]);
    const r = await scanFile(path('core.ec'), 'core.ec', { table: known });
    expect(r.gaps).toEqual([]);
    const hit = r.findings.find((f) => f.format === 'ec-scalar');
    expect(hit).toMatchObject({ proof: 'private-key-present', matchedKeyId: 'kms/p384', virtualAddress: `0x${(heap + 40_000n).toString(16)}` });
    // Without the known key there is nothing to check the scalar against: no claim.
    const blind = await scanFile(path('core.ec'), 'core.ec');
    expect(blind.findings.filter((f) => f.format === 'ec-scalar')).toEqual([]);
  });
});
