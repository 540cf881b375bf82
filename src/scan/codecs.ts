// Stream decoders for every compression the scanner opens: gzip and raw deflate (zlib), zstd (Node's
// zlib, from Node 22.15/23.8), xz (xz-decompress, WebAssembly) and bzip2 (unbzip2-stream). Each is a
// Node Duplex: compressed bytes in, plain bytes out, an 'error' for truncated or corrupt input.
import { createRequire } from 'node:module';
import { Duplex, PassThrough, Readable } from 'node:stream';
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

type ZstdDecoder = Duplex & { bytesWritten: number };
const zstdDecoder = (): ZstdDecoder =>
  (zlib as unknown as { createZstdDecompress: (o: { chunkSize: number }) => ZstdDecoder }).createZstdDecompress({ chunkSize: DECODED_CHUNK });

/**
 * zstd data is one or more frames, skippable frames among them (RFC 8878 §3.1: `pzstd` writes a
 * skippable frame, then one frame per block of input; `cat a.zst b.zst` is valid). Node's decoder
 * ends after the first frame and drops the rest, so a key in a later frame read clean. This decodes
 * every frame: when one decoder ends, the input past what it consumed (`bytesWritten`) starts the
 * next. Input is kept only until the decoder has consumed it; bytes after the last frame that are
 * not a frame make the next decoder fail (a gap, never silence).
 */
class ZstdFrames extends Duplex {
  private z!: ZstdDecoder;
  /** Input written to the current decoder and not yet known consumed, from offset `keptBase` of its input. */
  private kept: Buffer[] = [];
  private keptBase = 0;
  private inputDone = false;
  private waiting: (() => void) | undefined;

  constructor() {
    super();
    this.start(undefined);
  }

  private start(first: Buffer | undefined): void {
    const z = zstdDecoder();
    this.z = z;
    this.kept = [];
    this.keptBase = 0;
    z.on('data', (c: Buffer) => {
      this.trim();
      if (!this.push(c)) z.pause();
    });
    z.on('error', (err) => this.z === z && this.destroy(err));
    z.on('end', () => this.z === z && this.next(z));
    z.on('drain', () => this.release());
    if (first) this.feed(first);
    if (this.inputDone) z.end();
    this.release();
  }

  /** Drop kept input the decoder has consumed. */
  private trim(): void {
    while (this.kept.length && this.keptBase + (this.kept[0] as Buffer).length <= this.z.bytesWritten) this.keptBase += (this.kept.shift() as Buffer).length;
  }

  private feed(b: Buffer): boolean {
    this.kept.push(b);
    return this.z.write(b);
  }

  private next(z: ZstdDecoder): void {
    const left = Buffer.concat(this.kept).subarray(Math.max(0, z.bytesWritten - this.keptBase));
    if (left.length === 0 && this.inputDone) this.push(null);
    else this.start(left.length ? left : undefined);
  }

  private release(): void {
    const cb = this.waiting;
    this.waiting = undefined;
    cb?.();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.feed(chunk)) cb();
    else this.waiting = cb;
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inputDone = true;
    this.z.end();
    cb();
  }

  override _read(): void {
    this.z.resume();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.z.destroy();
    cb(err);
  }
}

/** A decoder for the codec. Throws only when the codec is not available in this runtime. */
export function decoder(c: Codec): Duplex {
  switch (c) {
    case 'gzip':
      return zlib.createGunzip({ chunkSize: DECODED_CHUNK });
    case 'deflate':
      return zlib.createInflateRaw({ chunkSize: DECODED_CHUNK });
    case 'zstd':
      return new ZstdFrames();
    case 'xz': {
      const { XzReadableStream } = require('xz-decompress') as XzModule;
      const input = new PassThrough();
      const output = Readable.fromWeb(new XzReadableStream(Readable.toWeb(input) as WebReadableStream<Uint8Array>));
      return Duplex.from({ writable: input, readable: output });
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
