// Stream decoders for every compression the scanner opens: gzip and raw deflate (zlib), zstd (Node's
// zlib, from Node 22.15/23.8), xz (xz-decompress, WebAssembly) and bzip2 (unbzip2-stream). Each is a
// Node Duplex: compressed bytes in, plain bytes out, an 'error' for truncated or corrupt input.
import { createRequire } from 'node:module';
import { Duplex, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as zlib from 'node:zlib';

export type Codec = 'gzip' | 'deflate' | 'zstd' | 'xz' | 'bzip2';

const require = createRequire(import.meta.url);

/** Compressions recognised by their magic but not decoded: a file in one of them is a gap. */
export type Unsupported = 'lz4' | 'lzip' | 'lzma' | '7z' | 'rar' | 'compress';

const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0): boolean => {
  if (b.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
};

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const LZ4_FRAME_MAGIC = [0x04, 0x22, 0x4d, 0x18];

/**
 * Where the frame after a leading skippable frame starts (magic 0x184D2A50–0x184D2A5F, then a 32-bit
 * little-endian size: RFC 8878 §3.1.2, shared by the LZ4 frame format): pzstd writes one first.
 */
function afterSkippable(head: Uint8Array): number | undefined {
  if (head.length < 8 || ((head[0] as number) & 0xf0) !== 0x50 || head[1] !== 0x2a || head[2] !== 0x4d || head[3] !== 0x18) return undefined;
  return 8 + ((head[4] as number) | ((head[5] as number) << 8) | ((head[6] as number) << 16) | (((head[7] as number) << 24) >>> 0));
}

/** The codec whose magic starts `head`, if any. */
export function codecOf(head: Uint8Array): Codec | undefined {
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  const next = afterSkippable(head);
  if (next !== undefined && startsWith(head, ZSTD_MAGIC, next)) return 'zstd';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  // "BZh" + block size 1–9 + the block magic (pi) or the end-of-stream magic (sqrt pi).
  if (startsWith(head, [0x42, 0x5a, 0x68]) && (head[3] as number) >= 0x31 && (head[3] as number) <= 0x39) {
    if (startsWith(head, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) || startsWith(head, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)) return 'bzip2';
  }
  return undefined;
}

/** A compression that is recognised but not decoded. */
export function unsupportedOf(head: Uint8Array): Unsupported | undefined {
  // The LZ4 frame format (lz4 CLI, systemd-coredump .lz4), also after a skippable frame, and the legacy format (lz4 -l).
  if (startsWith(head, LZ4_FRAME_MAGIC) || startsWith(head, [0x02, 0x21, 0x4c, 0x18])) return 'lz4';
  const next = afterSkippable(head);
  if (next !== undefined && startsWith(head, LZ4_FRAME_MAGIC, next)) return 'lz4';
  if (startsWith(head, [0x4c, 0x5a, 0x49, 0x50])) return 'lzip';
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(head, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return 'rar';
  if (startsWith(head, [0x1f, 0x9d])) return 'compress';
  // .lzma (LZMA-alone): properties byte 0x5d, a power-of-two dictionary, then a size or all ones.
  if (head[0] === 0x5d && head[1] === 0x00 && head[2] === 0x00 && (head[4] === 0x00 || head[4] === 0x01) && head.length >= 13) return 'lzma';
  return undefined;
}

/** File-name suffix a codec adds (stripped to name what is inside). */
export const CODEC_SUFFIX = /\.(t?gz|gzip|zst|zstd|xz|txz|bz2|tbz2?)$/i;

/** The name of what a compressed file holds: core.1.zst → core.1, a.tgz → a.tar. */
export function innerName(name: string): string {
  const b = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return b.replace(CODEC_SUFFIX, (m) => (/^\.t(gz|xz|bz2?)$/i.test(m) ? '.tar' : '')) || 'data';
}

/** Whether this Node can decode the codec (zstd needs Node ≥ 22.15). */
export const codecAvailable = (c: Codec): boolean => c !== 'zstd' || typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

interface XzModule {
  XzReadableStream: new (s: WebReadableStream<Uint8Array>) => WebReadableStream<Uint8Array>;
}

/**
 * Output chunk of the zlib decoders. Their default (16 KiB) costs about six times the CPU of the
 * decoding itself on a large dump (one callback and one buffer per chunk: 84k chunks for a 1.3 GB
 * core, measured 3.4–5.2 s CPU against 0.8 s at 256 KiB).
 */
const DECODED_CHUNK = 256 * 1024;

type FrameDecoder = Duplex & { bytesWritten: number };

/**
 * How a format of back-to-back frames is cut: gzip members (RFC 1952 §2.2: "a gzip file consists of a
 * series of members") and zstd frames (RFC 8878 §3.1, skippable frames among them). The header a frame
 * starts with is read here, its body by a decoder of its own, then its trailer.
 */
interface Framing {
  /** Bytes of header at the start of `b`; `more` when `b` is too short to tell; `none` when no frame starts there. */
  header(b: Buffer): number | 'more' | 'none';
  body(): FrameDecoder;
  /** Bytes after the body (gzip: CRC-32 and ISIZE, RFC 1952 §2.3.1), checked against what the body decoded. */
  trailer: number;
  check?(trailer: Buffer, crc: number, size: number): string | undefined;
}

/** RFC 1952 §2.3.1: ID1 ID2 CM(8) FLG MTIME(4) XFL OS, then FEXTRA (XLEN, data), FNAME and FCOMMENT (NUL-terminated), FHCRC. */
function gzipHeader(b: Buffer): number | 'more' | 'none' {
  for (const [i, v] of [0x1f, 0x8b, 8].entries()) if (i < b.length && b[i] !== v) return 'none';
  if (b.length < 10) return 'more';
  const flags = b[3] as number;
  let p = 10;
  if (flags & 4) p = b.length < 12 ? Number.POSITIVE_INFINITY : 12 + b.readUInt16LE(10);
  for (const bit of [8, 16]) {
    if (!(flags & bit) || p > b.length) continue;
    const end = b.indexOf(0, p);
    p = end < 0 ? Number.POSITIVE_INFINITY : end + 1;
  }
  if (flags & 2) p += 2;
  return p > b.length ? 'more' : p;
}

const GZIP: Framing = {
  header: gzipHeader,
  body: () => zlib.createInflateRaw({ chunkSize: DECODED_CHUNK }) as unknown as FrameDecoder,
  trailer: 8,
  check: (t, crc, size) => {
    if (t.readUInt32LE(0) !== crc >>> 0) return 'a gzip member fails its CRC-32';
    return t.readUInt32LE(4) !== size % 2 ** 32 ? 'a gzip member is not the length its trailer states' : undefined;
  },
};

/** A zstd frame or a skippable frame (magic 0x184D2A50–0x184D2A5F, RFC 8878 §3.1.2) starts with these, byte by byte. */
const ZSTD_STARTS = [ZSTD_MAGIC, [0x50, 0x2a, 0x4d, 0x18]];
const zstdByte = (m: number[], i: number, x: number): boolean => (i === 0 && m[0] === 0x50 ? (x & 0xf0) === 0x50 : x === m[i]);

const ZSTD: Framing = {
  // The decoder reads the frame header itself and skips skippable frames.
  header: (b) => {
    const head = b.subarray(0, 4);
    if (!ZSTD_STARTS.some((m) => head.every((x, i) => zstdByte(m, i, x)))) return 'none';
    return head.length < 4 ? 'more' : 0;
  },
  body: () => zlib.createZstdDecompress({ chunkSize: DECODED_CHUNK }) as unknown as FrameDecoder,
  trailer: 0,
};

/**
 * Every frame of a multi-frame stream, each decoded on its own. Node's gunzip decodes every member
 * but fails on bytes after the last one that are not zero, dropping what it decoded in the same
 * write (a key in the last member was lost); its zstd decoder ends after the first frame. Here, when
 * one frame's decoder ends, the input past what it consumed (`bytesWritten`) holds the trailer and
 * the next frame. Bytes after the last frame that start no frame are counted in `trailing` (and
 * `trailingData` when any is not zero, the padding gunzip ignores): the caller names them as a gap.
 */
class Frames extends Duplex {
  /** Bytes after the last frame, and whether any of them is not zero. */
  trailing = 0;
  trailingData = false;
  private z: FrameDecoder | undefined;
  /** Input written to the current decoder and not yet known consumed, from offset `keptBase` of its input. */
  private kept: Buffer[] = [];
  private keptBase = 0;
  /** Input between frames (a header, a trailer), or after the last one. */
  private pending: Buffer = Buffer.alloc(0);
  private phase: 'header' | 'body' | 'trailer' | 'after' = 'header';
  private frames = 0;
  private crc = 0;
  private size = 0;
  private inputDone = false;
  private waiting: (() => void) | undefined;
  private readonly framing: Framing;

  constructor(framing: Framing) {
    super();
    this.framing = framing;
  }

  private startBody(first: Buffer): void {
    const z = this.framing.body();
    Object.assign(this, { z, kept: [], keptBase: 0, crc: 0, size: 0, phase: 'body' });
    z.on('data', (c: Buffer) => {
      this.trim();
      if (this.framing.check) {
        this.crc = zlib.crc32(c, this.crc);
        this.size += c.length;
      }
      if (!this.push(c)) z.pause();
    });
    z.on('error', (err) => this.z === z && this.destroy(err));
    z.on('end', () => this.z === z && this.bodyEnded(z));
    z.on('drain', () => this.release());
    if (first.length) this.feed(first);
    if (this.inputDone) z.end();
  }

  /** Drop kept input the decoder has consumed. */
  private trim(): void {
    const z = this.z as FrameDecoder;
    while (this.kept.length && this.keptBase + (this.kept[0] as Buffer).length <= z.bytesWritten) this.keptBase += (this.kept.shift() as Buffer).length;
  }

  private feed(b: Buffer): boolean {
    this.kept.push(b);
    return (this.z as FrameDecoder).write(b);
  }

  private bodyEnded(z: FrameDecoder): void {
    this.pending = Buffer.concat(this.kept).subarray(Math.max(0, z.bytesWritten - this.keptBase));
    this.z = undefined;
    this.kept = [];
    this.frames++;
    this.phase = this.framing.trailer ? 'trailer' : 'header';
    this.advance();
    this.release();
  }

  /** Read what `pending` holds between frames: a trailer, the next header (then a body), or bytes after the last frame. */
  private advance(): void {
    while (this.step()) {}
    if (this.inputDone && !this.destroyed) this.finish();
  }

  /** One step over `pending`; true when another may follow. */
  private step(): boolean {
    const b = this.pending;
    if (this.phase === 'after') {
      this.trailing += b.length;
      this.trailingData ||= b.some((x) => x !== 0);
      this.pending = Buffer.alloc(0);
      return false;
    }
    if (this.phase === 'trailer') return this.trailer(b);
    if (this.phase !== 'header' || !b.length) return false;
    const h = this.framing.header(b);
    if (h === 'none' && this.frames === 0) {
      this.destroy(new Error('the data does not start with a frame header'));
      return false;
    }
    if (h === 'none' || (h === 'more' && this.inputDone)) {
      this.phase = 'after';
      return true;
    }
    if (h === 'more') return false;
    this.pending = Buffer.alloc(0);
    this.startBody(b.subarray(h));
    return false;
  }

  private trailer(b: Buffer): boolean {
    const n = this.framing.trailer;
    if (b.length < n) return false;
    const bad = this.framing.check?.(b.subarray(0, n), this.crc, this.size);
    if (bad) {
      this.destroy(new Error(bad));
      return false;
    }
    this.pending = b.subarray(n);
    this.phase = 'header';
    return true;
  }

  private finish(): void {
    if (this.phase === 'trailer') this.destroy(new Error('unexpected end of file in a frame trailer'));
    else if (this.phase === 'header' && this.frames === 0) this.destroy(new Error('unexpected end of file'));
    else if (this.phase !== 'body') this.push(null);
  }

  private release(): void {
    const cb = this.waiting;
    this.waiting = undefined;
    cb?.();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.z) {
      if (this.feed(chunk)) cb();
      else this.waiting = cb;
      return;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.advance();
    if (this.z && (this.z as FrameDecoder).writableNeedDrain) this.waiting = cb;
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inputDone = true;
    if (this.z) this.z.end();
    else this.advance();
    cb();
  }

  override _read(): void {
    this.z?.resume();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.z?.destroy();
    cb(err);
  }
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** An xz Stream Footer ending at `end` (xz file format 1.2.1 §2.1.2.4): CRC32 of Backward Size and Stream Flags, then 'YZ'. */
function xzFooterAt(b: Buffer, end: number): boolean {
  const s = end - 12;
  return s >= 0 && b[end - 2] === 0x59 && b[end - 1] === 0x5a && b[s + 8] === 0 && zlib.crc32(b.subarray(s + 4, s + 10)) === b.readUInt32LE(s);
}

/**
 * The input side of the xz decoder: passes every stream (and the zero Stream Padding between them,
 * §2.2) and holds back bytes after the last Stream Footer that start no stream. The decoder failed on
 * them and dropped what it had decoded from the same input, so a key at the end of the data was lost;
 * they are counted in `trailing` (a gap) instead.
 */
class XzStreams extends Transform {
  trailing = 0;
  trailingData = false;
  /** The last 11 bytes passed, to find a footer that crosses chunks. */
  private tail = Buffer.alloc(0);
  /** Bytes after a footer, not yet known to start another stream. */
  private after: Buffer | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.pass(chunk);
    cb();
  }

  override _flush(cb: () => void): void {
    if (this.after) this.count(this.after);
    cb();
  }

  private pass(chunk: Buffer): void {
    if (this.trailingData || this.after) {
      this.afterFooter(chunk);
      return;
    }
    const b = Buffer.concat([this.tail, chunk]);
    for (let y = b.indexOf(0x59, this.tail.length ? 0 : 10); y >= 0; y = b.indexOf(0x59, y + 1)) {
      if (y + 2 > this.tail.length && xzFooterAt(b, y + 2)) {
        this.push(b.subarray(this.tail.length, y + 2));
        this.tail = Buffer.alloc(0);
        this.afterFooter(b.subarray(y + 2));
        return;
      }
    }
    this.push(chunk);
    this.tail = Buffer.from(b.subarray(Math.max(0, b.length - 11)));
  }

  private afterFooter(chunk: Buffer): void {
    if (this.trailingData) {
      this.count(chunk);
      return;
    }
    const b = this.after ? Buffer.concat([this.after, chunk]) : chunk;
    let z = 0;
    while (z < b.length && b[z] === 0) z++;
    if (b.length - z < XZ_MAGIC.length && XZ_MAGIC.subarray(0, b.length - z).equals(b.subarray(z))) {
      this.after = b;
      return;
    }
    this.after = undefined;
    if (b.subarray(z, z + XZ_MAGIC.length).equals(XZ_MAGIC)) this.pass(b.subarray(z));
    else this.count(b);
  }

  private count(b: Buffer): void {
    this.trailing += b.length;
    this.trailingData ||= b.some((x) => x !== 0);
  }
}

/** A decoder for the codec. Throws only when the codec is not available in this runtime. */
export function decoder(c: Codec): Duplex {
  switch (c) {
    case 'gzip':
      return new Frames(GZIP);
    case 'deflate':
      return zlib.createInflateRaw({ chunkSize: DECODED_CHUNK });
    case 'zstd':
      return new Frames(ZSTD);
    case 'xz': {
      const { XzReadableStream } = require('xz-decompress') as XzModule;
      const input = new XzStreams();
      const output = Readable.fromWeb(new XzReadableStream(Readable.toWeb(input) as WebReadableStream<Uint8Array>));
      const d = Duplex.from({ writable: input, readable: output });
      return Object.defineProperties(d, { trailing: { get: () => input.trailing }, trailingData: { get: () => input.trailingData } });
    }
    case 'bzip2': {
      // A classic (through) stream: pipe, write, end, 'data', 'error', 'end' and destroy, which is all a pump uses.
      const unbzip2 = require('unbzip2-stream') as () => Duplex;
      return unbzip2();
    }
  }
}

/** Decode a whole in-memory buffer (nested members), capped; `complete` is false when the input ended early. */
export function decodeSync(c: Codec, data: Buffer, cap: number): { out: Buffer; complete: boolean } | undefined {
  const opts = { maxOutputLength: cap };
  if (c === 'gzip' || c === 'deflate' || c === 'zstd') {
    const run =
      c === 'gzip'
        ? zlib.gunzipSync
        : c === 'deflate'
          ? zlib.inflateRawSync
          : (zlib as unknown as { zstdDecompressSync: typeof zlib.gunzipSync }).zstdDecompressSync;
    try {
      return { out: run(data, opts), complete: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|larger than/i.test((err as Error).message)) throw err;
      if (c === 'zstd') return undefined;
      // Keep what decodes before the damage.
      const flush = c === 'gzip' ? zlib.gunzipSync : zlib.inflateRawSync;
      try {
        return { out: flush(data, { ...opts, finishFlush: zlib.constants.Z_SYNC_FLUSH }), complete: false };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
