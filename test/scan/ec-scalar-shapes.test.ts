// EC private scalars behind OpenSSL BIGNUMs in images of every word shape: a 32-bit process (i386,
// armhf; BN_ULONG and pointers of 4 bytes) and a big-endian one (s390x, ppc64; limbs and ints stored
// most significant byte first), as ELF cores and as a 32-bit Windows minidump. The search only knew
// 64-bit little-endian images, so a known key's scalar in any other core read clean.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/scan/index.ts';

type Shape = { bits: 32 | 64; le: boolean };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-ec-shapes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write an unsigned value of `n` bytes in the shape's byte order. */
function word(v: bigint, n: number, le: boolean): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[le ? i : n - 1 - i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
}

/**
 * OpenSSL's struct bignum_st (crypto/bn/bn_local.h): BN_ULONG *d; int top; int dmax; int neg; int flags;
 * and its limbs, least significant first, each a BN_ULONG in the platform's byte order.
 */
function bignum(d: Buffer, limbAddr: bigint, s: Shape): { struct: Buffer; limbs: Buffer } {
  const n = s.bits / 8;
  const top = Math.ceil(d.length / n);
  const padded = Buffer.concat([Buffer.alloc(top * n - d.length), d]);
  const limbs: Buffer[] = [];
  for (let i = 0; i < top; i++) limbs.push(word(BigInt(`0x${padded.subarray(padded.length - (i + 1) * n, padded.length - i * n).toString('hex')}`), n, s.le));
  const int = (v: number) => word(BigInt(v), 4, s.le);
  return { struct: Buffer.concat([word(limbAddr, n, s.le), int(top), int(top + 1), int(0), int(1)]), limbs: Buffer.concat(limbs) };
}

/**
 * An ELF core (System V gABI, "ELF Header" and "Program Header"): e_ident with EI_CLASS and EI_DATA,
 * e_type ET_CORE, then PT_LOAD program headers whose p_offset/p_vaddr/p_filesz map file to memory.
 */
function elfCore(s: Shape, loads: { vaddr: bigint; data: Buffer }[]): Buffer {
  const is64 = s.bits === 64;
  const [ehsize, phentsize] = is64 ? [64, 56] : [52, 32];
  const w = (v: number | bigint, n: number) => word(BigInt(v), n, s.le);
  const addr = (v: number | bigint) => w(v, is64 ? 8 : 4);
  let offset = 4096;
  const phdrs = loads.map((l) => {
    const off = offset;
    offset += l.data.length;
    // p_type, (64: p_flags), p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, (32: p_flags), p_align
    return is64
      ? Buffer.concat([w(1, 4), w(6, 4), addr(off), addr(l.vaddr), addr(0), addr(l.data.length), addr(l.data.length), addr(4096)])
      : Buffer.concat([w(1, 4), addr(off), addr(l.vaddr), addr(0), addr(l.data.length), addr(l.data.length), w(6, 4), addr(4096)]);
  });
  const ident = Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, s.le ? 1 : 2, 1, 0, ...Buffer.alloc(8)]);
  const rest = Buffer.concat([
    w(4, 2),
    w(is64 ? 22 : 3, 2),
    w(1, 4),
    addr(0),
    addr(ehsize),
    addr(0),
    w(0, 4),
    w(ehsize, 2),
    w(phentsize, 2),
    w(loads.length, 2),
    w(0, 2),
    w(0, 2),
    w(0, 2),
  ]);
  const head = Buffer.concat([ident, rest, ...phdrs]);
  return Buffer.concat([head, Buffer.alloc(4096 - head.length), ...loads.map((l) => l.data)]);
}

/**
 * A minidump (minidumpapiset.h): MINIDUMP_HEADER, a directory of MINIDUMP_DIRECTORY entries, a
 * SystemInfoStream whose ProcessorArchitecture is PROCESSOR_ARCHITECTURE_INTEL (0: a 32-bit process), and a
 * MemoryListStream of MINIDUMP_MEMORY_DESCRIPTORs (StartOfMemoryRange, DataSize, Rva).
 */
function minidump32(ranges: { address: bigint; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(32);
  header.write('MDMP', 0, 'latin1');
  header.writeUInt32LE(0xa793, 4);
  header.writeUInt32LE(2, 8);
  header.writeUInt32LE(32, 12);
  const sysInfo = Buffer.alloc(56); // ProcessorArchitecture 0
  const list = Buffer.alloc(4 + 16 * ranges.length);
  let rva = 32 + 24 + sysInfo.length + list.length;
  list.writeUInt32LE(ranges.length, 0);
  ranges.forEach((r, i) => {
    list.writeBigUInt64LE(r.address, 4 + 16 * i);
    list.writeUInt32LE(r.data.length, 12 + 16 * i);
    list.writeUInt32LE(rva, 16 + 16 * i);
    rva += r.data.length;
  });
  const dir = Buffer.alloc(24);
  dir.writeUInt32LE(7, 0);
  dir.writeUInt32LE(sysInfo.length, 4);
  dir.writeUInt32LE(56, 8);
  dir.writeUInt32LE(5, 12);
  dir.writeUInt32LE(list.length, 16);
  dir.writeUInt32LE(56 + sysInfo.length, 20);
  return Buffer.concat([header, dir, sysInfo, list, ...ranges.map((r) => r.data)]);
}

/** A heap page holding the BIGNUM structure and, 1 MiB of address space away, a page holding its limbs. */
function heap(d: Buffer, s: Shape): { vaddr: bigint; data: Buffer }[] {
  const structAt = s.bits === 64 ? 0x55d0_0000_0000n : 0x0804_8000n;
  const limbsAt = structAt + 0x10_0000n + 0x230n;
  const { struct, limbs } = bignum(d, limbsAt, s);
  const a = Buffer.alloc(8192, 0x33);
  struct.copy(a, 0x1a0);
  const b = Buffer.alloc(8192, 0x44);
  limbs.copy(b, 0x230);
  return [
    { vaddr: structAt, data: a },
    { vaddr: structAt + 0x10_0000n, data: b },
  ];
}

const SHAPES: [string, Shape][] = [
  ['32-bit little-endian (i386)', { bits: 32, le: true }],
  ['64-bit big-endian (s390x)', { bits: 64, le: false }],
  ['32-bit big-endian (ppc)', { bits: 32, le: false }],
  ['64-bit little-endian (x86-64)', { bits: 64, le: true }],
];

describe('EC scalars behind BIGNUMs of every word shape', () => {
  for (const curve of ['P-256', 'P-384'] as const) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
    const known = [{ id: `kms/${curve}`, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }];

    it.each(SHAPES)(`a ${curve} scalar in a %s ELF core, on disk and zstd-compressed, is found, proven and placed at its address`, async (name, s) => {
      const file = join(dir, `core.${s.bits}${s.le ? 'le' : 'be'}.${curve}`);
      const loads = heap(d, s);
      writeFileSync(file, elfCore(s, loads));
      writeFileSync(`${file}.zst`, zstdCompressSync(elfCore(s, loads)));
      const report = await scanPaths({ inputs: [file, `${file}.zst`], baseDir: dir, known, jobs: 1 });
      for (const f of report.files) {
        expect(f.gaps, name).toEqual([]);
        const hits = f.findings.filter((x) => x.format === 'ec-scalar');
        expect(
          hits.map((x) => [x.proof, x.matchedKeyId, x.virtualAddress]),
          `${name} ${f.location}`,
        ).toEqual([['private-key-present', `kms/${curve}`, `0x${((loads[1]?.vaddr ?? 0n) + 0x230n).toString(16)}`]]);
      }
    });
  }

  it('a P-256 scalar in a 32-bit Windows minidump (ProcessorArchitecture INTEL) is found and proven', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
    const file = join(dir, 'signer32.dmp');
    writeFileSync(file, minidump32(heap(d, { bits: 32, le: true }).map((l) => ({ address: l.vaddr, data: l.data }))));
    const known = [{ id: 'kms/p256', publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }];
    const report = await scanPaths({ inputs: [file], baseDir: dir, known, jobs: 1 });
    const hits = report.files[0]?.findings.filter((x) => x.format === 'ec-scalar') ?? [];
    expect(hits.map((x) => [x.proof, x.matchedKeyId, x.virtualAddress])).toEqual([['private-key-present', 'kms/p256', '0x8148230']]);
  });
});

/**
 * Go's crypto/ecdsa.PrivateKey keeps D as a *big.Int: math/big's Int is { neg bool; abs nat } and nat a
 * []Word, so the structure is neg (1 byte, 7 of padding), then the slice header { ptr, len, cap } (64-bit
 * words), len the limb count and cap len + 4 (nat.make's extra room); the limbs are Words, least
 * significant first, little-endian on amd64/arm64. Not OpenSSL's bignum_st: such a scalar read clean.
 */
function goHeap(d: Buffer): { vaddr: bigint; data: Buffer }[] {
  const structAt = 0xc000_010_000n; // Go's heap arena on amd64
  const limbsAt = 0xc000_120_000n + 0x40n;
  const top = Math.ceil(d.length / 8);
  const padded = Buffer.concat([Buffer.alloc(top * 8 - d.length), d]);
  const limbs = Buffer.from(padded).reverse(); // little-endian Words, least significant first
  const int = Buffer.alloc(32);
  int.writeBigUInt64LE(limbsAt, 8);
  int.writeBigUInt64LE(BigInt(top), 16);
  int.writeBigUInt64LE(BigInt(top + 4), 24);
  const a = Buffer.alloc(8192, 0x33);
  int.copy(a, 0x3a8);
  const b = Buffer.alloc(8192, 0x44);
  limbs.copy(b, 0x40);
  return [
    { vaddr: structAt, data: a },
    { vaddr: 0xc000_120_000n, data: b },
  ];
}

describe("EC scalars behind Go's math/big.Int", () => {
  for (const curve of ['P-256', 'P-384'] as const) {
    it(`a ${curve} ecdsa.PrivateKey.D in a Go process's core, on disk and zstd-compressed, is found, proven and placed at its address`, async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const d = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
      const known = [{ id: `kms/${curve}`, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }];
      const file = join(dir, `core.go.${curve}`);
      const image = elfCore({ bits: 64, le: true }, goHeap(d));
      writeFileSync(file, image);
      writeFileSync(`${file}.zst`, zstdCompressSync(image));
      const report = await scanPaths({ inputs: [file, `${file}.zst`], baseDir: dir, known, jobs: 1 });
      for (const f of report.files) {
        expect(f.gaps, f.location).toEqual([]);
        const hits = f.findings.filter((x) => x.format === 'ec-scalar').map((x) => [x.proof, x.matchedKeyId, x.virtualAddress]);
        expect(hits, f.location).toEqual([['private-key-present', `kms/${curve}`, '0xc000120040']]);
      }
    });
  }
});
