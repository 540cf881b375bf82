// The memory layout of an ELF core (PT_LOAD program headers) or a Windows minidump (memory list
// streams): which file ranges hold which virtual addresses, and how many bytes the file should have.
// A file shorter than its own headers say is truncated: what is missing was never scanned.

import { readSync } from 'node:fs';

/** A byte range of the file that images process memory at `vaddr`. */
export interface Segment {
  offset: number;
  size: number;
  /** Virtual address of the first byte (as a number: exact below 2^53, which user space is). */
  vaddr: number;
  /** The same address, exact, as hex (kernel addresses do not fit a double). */
  vaddrHex: string;
}

/**
 * How the image's process stored words: pointers and C ints, and so OpenSSL's bignum_st and its limbs
 * (BN_ULONG is the platform word), follow the platform's word size and byte order.
 */
export type WordShape = 'le64' | 'be64' | 'le32' | 'be32';

export interface Layout {
  kind: 'elf-core' | 'minidump' | 'kernel-dump';
  word: WordShape;
  /** The smallest file size that holds everything the headers describe. */
  expectedEnd: number;
  /** Memory segments sorted by file offset. */
  segments: Segment[];
  /** The process's name, from an ELF core's NT_PRPSINFO note (pr_fname), when there is one. */
  process?: string;
}

/** Random access to the file (or to the part of a stream held in memory): may return fewer bytes. */
export type ReadAt = (pos: number, len: number) => Buffer;

/** Random access to an open file (reads of at most 64 MiB). */
export const fdReader =
  (fd: number, size: number): ReadAt =>
  (at, len) => {
    const b = Buffer.alloc(Math.max(0, Math.min(len, size - at, 64 * 1024 * 1024)));
    return b.subarray(0, readSync(fd, b, 0, b.length, at));
  };

const MAX_SEGMENTS = 1_000_000;

const big = (b: Buffer, p: number, le: boolean): bigint => (le ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p));

function segment(offset: number, size: number, va: bigint): Segment {
  return { offset, size, vaddr: Number(va), vaddrHex: `0x${va.toString(16)}` };
}

/** PT_LOAD segments of an ELF core (32- or 64-bit, either byte order), or undefined when the header is unreadable. */
export function elfLayout(read: ReadAt): Layout | undefined {
  const h = read(0, 64);
  if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = h[4] === 2;
  const le = h[5] === 1;
  const u16 = (b: Buffer, p: number) => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
  const u32 = (b: Buffer, p: number) => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
  if (is64 && h.length < 64) return undefined;
  const phoff = is64 ? Number(big(h, 32, le)) : u32(h, 28);
  const phentsize = u16(h, is64 ? 54 : 42);
  let phnum = u16(h, is64 ? 56 : 44);
  if (phentsize < (is64 ? 56 : 32)) return undefined;
  if (phnum === 0xffff) {
    // PN_XNUM: the real count is sh_info of section header 0.
    const shoff = is64 ? Number(big(h, 40, le)) : u32(h, 32);
    const sh = read(shoff, is64 ? 64 : 40);
    if (sh.length < (is64 ? 48 : 32)) return undefined;
    phnum = u32(sh, is64 ? 44 : 28);
  }
  if (phnum > MAX_SEGMENTS) return undefined;
  const table = read(phoff, phnum * phentsize);
  const word: WordShape = `${le ? 'le' : 'be'}${is64 ? 64 : 32}`;
  if (table.length < phnum * phentsize) return { kind: 'elf-core', word, expectedEnd: phoff + phnum * phentsize, segments: [] };
  const segments: Segment[] = [];
  let expectedEnd = phoff + phnum * phentsize;
  let process: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const p = i * phentsize;
    const type = u32(table, p);
    const offset = is64 ? Number(big(table, p + 8, le)) : u32(table, p + 4);
    const va = is64 ? big(table, p + 16, le) : BigInt(u32(table, p + 8));
    const filesz = is64 ? Number(big(table, p + 32, le)) : u32(table, p + 16);
    if (filesz > 0 && type !== 0) expectedEnd = Math.max(expectedEnd, offset + filesz);
    if (type === 1 && filesz > 0) segments.push(segment(offset, filesz, va));
    if (type === 4 && process === undefined) process = processName(read(offset, Math.min(filesz, 64 * 1024)), le);
  }
  segments.sort((a, b) => a.offset - b.offset);
  return { kind: 'elf-core', word, expectedEnd, segments, ...(process ? { process } : {}) };
}

const NT_PRPSINFO = 3;
/** elf_prpsinfo ends with pr_fname[16] then pr_psargs[80] (ELF_PRARGSZ), whatever the word size. */
const PRPSINFO_TAIL = 16 + 80;

/** pr_fname of the NT_PRPSINFO note ("CORE") in a PT_NOTE segment's bytes: the notes are namesz, descsz, type, name, desc (4-aligned). */
function processName(notes: Buffer, le: boolean): string | undefined {
  const u32 = (p: number) => (le ? notes.readUInt32LE(p) : notes.readUInt32BE(p));
  for (let p = 0; p + 12 <= notes.length; ) {
    const namesz = u32(p);
    const descsz = u32(p + 4);
    const desc = p + 12 + ((namesz + 3) & ~3);
    if (desc + descsz > notes.length) return undefined;
    if (u32(p + 8) === NT_PRPSINFO && notes.toString('latin1', p + 12, p + 16) === 'CORE' && descsz >= PRPSINFO_TAIL) {
      const fname = notes.subarray(desc + descsz - PRPSINFO_TAIL, desc + descsz - 80);
      const end = fname.indexOf(0);
      return fname.toString('latin1', 0, end < 0 ? 16 : end) || undefined;
    }
    p = desc + ((descsz + 3) & ~3);
  }
  return undefined;
}

/** Memory ranges of a minidump (MemoryListStream and Memory64ListStream) and the extent of all its streams. */
export function minidumpLayout(read: ReadAt): Layout | undefined {
  const h = read(0, 32);
  if (h.length < 16 || h.toString('latin1', 0, 4) !== 'MDMP') return undefined;
  const count = h.readUInt32LE(8);
  const dirRva = h.readUInt32LE(12);
  if (count > 4096) return undefined;
  const dir = read(dirRva, count * 12);
  let expectedEnd = dirRva + count * 12;
  const segments: Segment[] = [];
  let word: WordShape = 'le64';
  if (dir.length < count * 12) return { kind: 'minidump', word, expectedEnd, segments };
  for (let i = 0; i < count; i++) {
    const type = dir.readUInt32LE(i * 12);
    const size = dir.readUInt32LE(i * 12 + 4);
    const rva = dir.readUInt32LE(i * 12 + 8);
    if (type === 0 || size === 0) continue;
    expectedEnd = Math.max(expectedEnd, rva + size);
    if (type === 5) expectedEnd = Math.max(expectedEnd, memoryList(read, rva, segments));
    if (type === 9) expectedEnd = Math.max(expectedEnd, memory64List(read, rva, segments));
    if (type === 7) word = minidumpWord(read, rva);
  }
  segments.sort((a, b) => a.offset - b.offset);
  return { kind: 'minidump', word, expectedEnd, segments };
}

/**
 * MINIDUMP_SYSTEM_INFO (SystemInfoStream, 7) starts with ProcessorArchitecture: PROCESSOR_ARCHITECTURE_INTEL (0)
 * and _ARM (5) are 32-bit processes; AMD64 (9), ARM64 (12) and the rest 64-bit. Minidumps are little-endian.
 */
function minidumpWord(read: ReadAt, rva: number): WordShape {
  const b = read(rva, 2);
  return b.length === 2 && (b.readUInt16LE(0) === 0 || b.readUInt16LE(0) === 5) ? 'le32' : 'le64';
}

/** The word shape of a memory image from its first bytes (ELF e_ident, or a minidump's system info); 64-bit little-endian otherwise. */
export function imageWord(read: ReadAt): WordShape {
  const h = read(0, 6);
  if (h.length === 6 && h.readUInt32BE(0) === 0x7f454c46) return `${h[5] === 2 ? 'be' : 'le'}${h[4] === 1 ? 32 : 64}`;
  return h.toString('latin1', 0, 4) === 'MDMP' ? (minidumpLayout(read)?.word ?? 'le64') : 'le64';
}

/** MINIDUMP_MEMORY_LIST: count, then {StartOfMemoryRange u64, DataSize u32, Rva u32}. */
function memoryList(read: ReadAt, rva: number, out: Segment[]): number {
  const head = read(rva, 4);
  if (head.length < 4) return rva + 4;
  const n = Math.min(head.readUInt32LE(0), MAX_SEGMENTS);
  const list = read(rva + 4, n * 16);
  let end = rva + 4 + n * 16;
  for (let i = 0; i + 16 <= list.length; i += 16) {
    const size = list.readUInt32LE(i + 8);
    const at = list.readUInt32LE(i + 12);
    end = Math.max(end, at + size);
    if (size) out.push(segment(at, size, list.readBigUInt64LE(i)));
  }
  return end;
}

/** MINIDUMP_MEMORY64_LIST: count u64, BaseRva u64, then {StartOfMemoryRange u64, DataSize u64}, data back to back. */
function memory64List(read: ReadAt, rva: number, out: Segment[]): number {
  const head = read(rva, 16);
  if (head.length < 16) return rva + 16;
  const n = Math.min(Number(head.readBigUInt64LE(0)), MAX_SEGMENTS);
  let at = Number(head.readBigUInt64LE(8));
  const list = read(rva + 16, n * 16);
  for (let i = 0; i + 16 <= list.length; i += 16) {
    const size = Number(list.readBigUInt64LE(i + 8));
    if (size) out.push(segment(at, size, list.readBigUInt64LE(i)));
    at += size;
  }
  return Math.max(rva + 16 + n * 16, at);
}

/**
 * A Windows kernel dump (DUMP_HEADER32 "PAGEDUMP", DUMP_HEADER64 "PAGEDU64", wdm.h/volatility's _DMP_HEADER):
 * its RequiredDumpSpace (a LARGE_INTEGER at 0xFA0 in both) is the size of the whole dump. Physical memory,
 * so no virtual addresses: only the extent, for truncation.
 */
function kernelDumpLayout(read: ReadAt): Layout | undefined {
  const h = read(0, 0xfa8);
  if (h.length < 0xfa8) return undefined;
  const is64 = h.toString('latin1', 0, 8) === 'PAGEDU64';
  if (!is64 && h.toString('latin1', 0, 8) !== 'PAGEDUMP') return undefined;
  const required = Number(h.readBigUInt64LE(0xfa0));
  const header = is64 ? 0x2000 : 0x1000;
  return { kind: 'kernel-dump', word: is64 ? 'le64' : 'le32', expectedEnd: required >= header && required < 2 ** 50 ? required : 0, segments: [] };
}

/** The layout of a memory image, if it is one whose headers describe its extent. */
export function layoutOf(type: string, read: ReadAt): Layout | undefined {
  try {
    if (type === 'elf-core') return elfLayout(read);
    if (type === 'minidump') return minidumpLayout(read);
    if (type === 'kernel-dump') return kernelDumpLayout(read);
  } catch {
    return undefined;
  }
  return undefined;
}

/** A gap reason when the file holds fewer bytes than its layout describes. */
export function truncation(layout: Layout | undefined, size: number): string | undefined {
  if (!layout || layout.expectedEnd <= size) return undefined;
  const what = {
    'elf-core': 'ELF core: its program headers describe',
    minidump: 'minidump: its stream directory describes',
    'kernel-dump': "Windows kernel dump: its header's RequiredDumpSpace is",
  }[layout.kind];
  const missing = layout.expectedEnd - size;
  return `truncated ${what} ${layout.expectedEnd} bytes, the file holds ${size}; ${missing} bytes of memory were not scanned`;
}

/** The segment holding a file offset (binary search), for reporting virtual addresses. */
export function segmentAt(layout: Layout | undefined, offset: number): Segment | undefined {
  const s = layout?.segments;
  if (!s?.length) return undefined;
  let lo = 0;
  let hi = s.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = s[mid] as Segment;
    if (offset < m.offset) hi = mid - 1;
    else if (offset >= m.offset + m.size) lo = mid + 1;
    else return m;
  }
  return undefined;
}

/**
 * Where virtual addresses lie in the file: the file offset of [va, va + len) when one segment holds
 * all of it, else undefined (segments sorted by address on the first lookup, then a binary search each).
 */
export function addressMap(layout: Layout): (va: number, len: number) => number | undefined {
  let byVaddr: Segment[] | undefined;
  return (va, len) => {
    byVaddr ??= [...layout.segments].sort((a, b) => a.vaddr - b.vaddr);
    let lo = 0;
    let hi = byVaddr.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = byVaddr[mid] as Segment;
      if (va < s.vaddr) hi = mid - 1;
      else if (va + len > s.vaddr + s.size) lo = mid + 1;
      else return s.offset + (va - s.vaddr);
    }
    return undefined;
  };
}
