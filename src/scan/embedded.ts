// Compressed containers embedded at any offset inside a larger file: gzip members (RFC 1952) and zip
// local file headers (APPNOTE 4.3.7), as in self-extracting executables, memory images holding a
// downloaded archive, or logs with an attachment. The scanner records them; the file scanner opens them.
import type { Codec } from './codecs.ts';

/** A compressed stream found inside other data. Offsets are absolute in the scanned stream. */
export interface Embedded {
  /** Where the container's header starts. */
  offset: number;
  /** Where its compressed data starts. */
  dataStart: number;
  /** Compressed size when the header states it (zip without a data descriptor). */
  compressedSize?: number;
  codec: Codec;
  /** Member name from the header (gzip FNAME, zip file name), if any. */
  name?: string;
  container: 'gzip' | 'zip';
  /** An encrypted zip member: cannot be read, so it is a gap. */
  encrypted?: boolean;
}

/** An embedded-container detector: the container whose header starts at `pos`, offsets window-relative. */
export type EmbeddedDetector = (buf: Buffer, pos: number, hi: number) => Embedded | undefined;

const printable = (b: Buffer, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
};

/** Skip a NUL-terminated field (gzip FNAME, FCOMMENT) of at most 1 KiB; the index after it, or -1. */
function zeroTerminated(buf: Buffer, from: number, hi: number): number {
  const end = buf.indexOf(0, from);
  return end < 0 || end >= hi || end - from > 1024 ? -1 : end + 1;
}

/** A gzip member header: 1f 8b 08, no reserved flags, a known XFL and OS byte. */
export const gzipMember: EmbeddedDetector = (buf, pos, hi) => {
  if (pos + 18 > hi || buf[pos + 2] !== 8) return undefined;
  const flags = buf[pos + 3] as number;
  const xfl = buf[pos + 8] as number;
  const os = buf[pos + 9] as number;
  if (flags & 0xe0 || (xfl !== 0 && xfl !== 2 && xfl !== 4) || (os > 13 && os !== 255)) return undefined;
  let p = pos + 10;
  if (flags & 4) p += 2 + buf.readUInt16LE(p);
  let name: string | undefined;
  if (flags & 8) {
    const end = zeroTerminated(buf, p, hi);
    if (end < 0 || !printable(buf, p, end - 1)) return undefined;
    name = buf.toString('latin1', p, end - 1) || undefined;
    p = end;
  }
  if (flags & 16) p = zeroTerminated(buf, p, hi);
  if (p < 0) return undefined;
  if (flags & 2) p += 2;
  // The first deflate block header (RFC 1951 3.2.3): BTYPE 11 is reserved; a stored block (00) is
  // followed, at the next byte, by LEN and its ones' complement NLEN.
  if (p >= hi || ((buf[p] as number) & 6) === 6) return undefined;
  if (((buf[p] as number) & 6) === 0 && (p + 5 > hi || (buf.readUInt16LE(p + 1) ^ buf.readUInt16LE(p + 3)) !== 0xffff)) return undefined;
  return { offset: pos, dataStart: p, codec: 'deflate', container: 'gzip', ...(name ? { name } : {}) };
};

const ZIP_METHODS: Record<number, Codec | 'stored'> = { 0: 'stored', 8: 'deflate', 12: 'bzip2', 93: 'zstd', 95: 'xz' };

/** A zip local file header "PK\3\4" with a plausible version, method and printable name. */
export const zipLocal: EmbeddedDetector = (buf, pos, hi) => {
  if (pos + 30 > hi) return undefined;
  const version = buf.readUInt16LE(pos + 4);
  const flags = buf.readUInt16LE(pos + 6);
  const method = ZIP_METHODS[buf.readUInt16LE(pos + 8)];
  const csize = buf.readUInt32LE(pos + 18);
  const nameLen = buf.readUInt16LE(pos + 26);
  const extraLen = buf.readUInt16LE(pos + 28);
  if (version > 63 || !method || nameLen === 0 || nameLen > 1024 || pos + 30 + nameLen > hi) return undefined;
  if (!printable(buf, pos + 30, pos + 30 + nameLen)) return undefined;
  const name = buf.toString('utf8', pos + 30, pos + 30 + nameLen);
  // Stored members are scanned in place; directories hold nothing.
  if (method === 'stored' || name.endsWith('/')) return undefined;
  const sized = (flags & 8) === 0 && csize !== 0xffffffff;
  return {
    offset: pos,
    dataStart: pos + 30 + nameLen + extraLen,
    codec: method,
    container: 'zip',
    name,
    ...(sized ? { compressedSize: csize } : {}),
    ...(flags & 1 ? { encrypted: true } : {}),
  };
};

/** Anchors of embedded containers (at most 6 bytes, like the material anchors). */
export const EMBEDDED_ANCHORS: readonly { needle: Buffer; detect: EmbeddedDetector }[] = [
  { needle: Buffer.from([0x1f, 0x8b, 0x08]), detect: gzipMember },
  { needle: Buffer.from('PK\x03\x04', 'latin1'), detect: zipLocal },
];
