// Scanning one file: plain files in one streaming pass read straight into the scanner's window;
// gzip, zstd, xz, bzip2, zip, tar and apport reports opened and scanned inside, with bounded depth,
// ratio and expanded size. Whatever cannot be read completely becomes a gap that says how much.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { type Duplex, PassThrough, Readable } from 'node:stream';
import { type Container, type KeyStore, MEMORY_TYPES, SNIFF_BYTES, sniff } from './artifact-type.ts';
import { streamOffset } from './base64-pem.ts';
import { type Codec, codecAvailable, decoder, decodeSync, innerName } from './codecs.ts';
import { BignumCollector } from './ec-scalars.ts';
import type { Embedded } from './embedded.ts';
import { hprofTruncation, proveHprofSeeds } from './hprof.ts';
import { type KeyStoreRead, MAX_KEYSTORE_BYTES, readEncryptedPkcs8, readJavaKeyStore, readPkcs12 } from './keystores.ts';
import type { KnownKeyTable } from './known-keys.ts';
import { fdReader, imageWord, type Layout, layoutOf, type ReadAt, segmentAt, truncation, type WordShape } from './layout.ts';
import { mergeRanges, type RangeResult, scanRangeFdAsync } from './ranges.ts';
import { type DecodeGap, StreamScanner } from './scanner.ts';
import { resolveStreamed } from './streamed-scalars.ts';
import type { ArtifactType, RawHit } from './types.ts';

export interface ScanLimits {
  /** Largest expansion of compressed data (decompressed ÷ compressed) before it counts as a bomb. */
  maxRatio: number;
  /** Largest decompressed size of one compressed stream or archive member. */
  maxExpandedBytes: number;
  /** Archive nesting depth (a .tar.gz is depth 2). */
  maxDepth: number;
  /** Largest archive nested inside another that is opened (it is held in memory). */
  maxNestedArchiveBytes: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxRatio: 200,
  maxExpandedBytes: 64 * 1024 ** 3,
  maxDepth: 4,
  maxNestedArchiveBytes: 64 * 1024 ** 2,
};

export interface ScanFinding extends RawHit {
  location: string;
  artifactType: ArtifactType;
  matchedKeyId?: string;
  /** Virtual address of the material in the process (memory images with a layout), as hex. */
  virtualAddress?: string;
}

export interface ScanGap {
  location: string;
  operation: string;
  reason: string;
}

export interface ScannedEntry {
  location: string;
  artifactType: ArtifactType;
  bytes: number;
}

export interface FileResult {
  location: string;
  bytes: number;
  entries: ScannedEntry[];
  findings: ScanFinding[];
  gaps: ScanGap[];
}

export interface FileScanOptions {
  table?: KnownKeyTable;
  limits?: Partial<ScanLimits>;
  chunkSize?: number;
  /** Called with the number of bytes just read from disk. */
  onBytes?: (n: number) => void;
}

interface Ctx {
  table?: KnownKeyTable;
  limits: ScanLimits;
  chunkSize?: number;
  result: FileResult;
  /** Work scheduled by synchronous sinks (nested compressed members), run in order before the file is done. */
  later: (() => Promise<void>)[];
}

const newCtx = (result: FileResult, opts: FileScanOptions): Ctx => ({
  table: opts.table,
  limits: { ...DEFAULT_LIMITS, ...opts.limits },
  chunkSize: opts.chunkSize,
  result,
  later: [],
});

async function drainLater(ctx: Ctx): Promise<void> {
  for (let job = ctx.later.shift(); job; job = ctx.later.shift()) await job();
}

const errText = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String((err as Error)?.message ?? err);
};

/** What a scan of one stream produced. */
interface Scanned {
  hits: RawHit[];
  bytes: number;
  overflow: boolean;
  embeddedOverflow: boolean;
  decodeGaps?: readonly DecodeGap[];
}

const ended = (s: StreamScanner): Scanned => ({
  hits: s.end(),
  bytes: s.bytes,
  overflow: s.overflow,
  embeddedOverflow: s.embeddedOverflow,
  decodeGaps: s.decodeGaps,
});

/** Material found in base64-encoded text is located like an embedded container: `file!base64@<run offset>`. */
const base64Location = (location: string, runs: readonly number[] | undefined): string => (runs ?? []).reduce((l, at) => `${l}!base64@${at}`, location);

/** Why an ssh-agent core is never clean: OpenSSH (8.2 and later) keeps every loaded identity shielded in memory. */
const SSH_AGENT_SHIELDED =
  'a core of ssh-agent: OpenSSH 8.1 and later keep every identity an agent holds shielded in memory (sshkey_shield_private: encrypted under a key hashed from a 16 KiB random prekey held in the same process), so the private keys are in this dump and can be recovered by whoever has it, but they are not decoded here; treat every key loaded in this agent (ssh-add -l on the host) as exposed';

function finish(ctx: Ctx, location: string, type: ArtifactType, scanner: Scanned, layout?: Layout, extra: RawHit[] = []): void {
  const hits = [...scanner.hits, ...extra].sort((a, b) => streamOffset(a) - streamOffset(b));
  ctx.result.entries.push({ location, artifactType: type, bytes: scanner.bytes });
  for (const hit of hits) {
    // Pointers beside an Ed25519/X25519 key are followed only where the layout is at hand (plain files).
    const { seedPointers: _unfollowed, base64At, base64End: _end, ...h } = hit;
    const matched = h.knownKeyId ?? ctx.table?.match(h.fingerprints)?.id;
    const seg = base64At ? undefined : segmentAt(layout, h.offset);
    const va = seg ? `0x${(BigInt(seg.vaddrHex) + BigInt(h.offset - seg.offset)).toString(16)}` : undefined;
    ctx.result.findings.push({
      ...h,
      location: base64Location(location, base64At),
      artifactType: type,
      ...(matched ? { matchedKeyId: matched } : {}),
      ...(va ? { virtualAddress: va } : {}),
    });
  }
  for (const g of scanner.decodeGaps ?? []) ctx.result.gaps.push({ location: `${location}!base64@${g.offset}`, operation: 'decode-base64', reason: g.reason });
  if (scanner.overflow) ctx.result.gaps.push({ location, operation: 'scan', reason: 'more than 10,000 findings; the rest were not recorded' });
  const cut = truncation(layout, scanner.bytes);
  if (cut) ctx.result.gaps.push({ location, operation: 'truncated', reason: cut });
  if (layout?.process === 'ssh-agent') ctx.result.gaps.push({ location, operation: 'decode-shielded', reason: SSH_AGENT_SHIELDED });
  if (scanner.embeddedOverflow) {
    ctx.result.gaps.push({ location, operation: 'open-embedded', reason: 'more than 1,000 embedded compressed streams; the rest were not opened' });
  }
}

/** The location of a container embedded in another file: its member name (or kind) and offset. */
const embeddedLocation = (location: string, e: Embedded): string => `${location}!${e.name ?? e.container}@${e.offset}`;

/** Embedded containers in a stream with no random access (an archive member, a decompressed stream) are named as gaps. */
function embeddedGaps(ctx: Ctx, location: string, scanner: StreamScanner): void {
  for (const e of scanner.embedded) {
    ctx.result.gaps.push({
      location: embeddedLocation(location, e),
      operation: 'open-embedded',
      reason: `${e.container} data embedded at offset ${e.offset} of an archive member or decompressed stream is not opened; extract the member and scan it`,
    });
  }
}

/** Open a compressed container embedded in a file on disk, from its own byte range. */
function openEmbedded(path: string, size: number, e: Embedded, ctx: Ctx, location: string, onBytes?: (n: number) => void): Promise<void> {
  const where = embeddedLocation(location, e);
  if (e.encrypted) {
    ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: 'encrypted zip member embedded in the file cannot be scanned' });
    return Promise.resolve();
  }
  const end = e.compressedSize !== undefined ? e.dataStart + e.compressedSize : size;
  if (end > size) {
    ctx.result.gaps.push({
      location: where,
      operation: 'truncated',
      reason: `embedded zip member declares ${e.compressedSize} compressed bytes; the file ends ${end - size} bytes before it does`,
    });
  }
  if (e.dataStart >= size) return Promise.resolve();
  const src = createReadStream(path, { start: e.dataStart, end: Math.min(end, size) - 1, highWaterMark: 256 * 1024 });
  const sink = new EntrySink(ctx, where, e.name ?? 'data', 1);
  // A gzip header found at any offset may be chance bytes (1f 8b 08 and a plausible header turn up in
  // large memory images): one whose deflate data yields no byte at all is not a stream, not a gap.
  return pumpCodec(src, e.codec, sink, ctx, where, { total: Math.min(end, size) - e.dataStart, onBytes, candidate: e.container === 'gzip' });
}

/** The first bytes of a stream, kept to read a memory image's layout from when the stream ends. */
const PROBE_BYTES = 1024 * 1024;

function probeReader(head: Buffer): ReadAt {
  return (pos, len) => head.subarray(Math.min(pos, head.length), Math.min(pos + len, head.length));
}

/** A synchronous sink for a decompressed stream or archive member: sniffs, then scans or opens it. */
class EntrySink {
  private head: Buffer[] = [];
  private headLen = 0;
  private target: { write(b: Buffer): void; end(): void } | undefined;
  private readonly ctx: Ctx;
  private readonly location: string;
  private readonly name: string;
  private readonly depth: number;
  /** Decodes the same stream again from its start (a compressed file on disk), for EC scalars in a memory image. */
  private readonly reopen: (() => Readable) | undefined;

  constructor(ctx: Ctx, location: string, name: string, depth: number, reopen?: () => Readable) {
    this.ctx = ctx;
    this.location = location;
    this.name = name;
    this.depth = depth;
    this.reopen = reopen;
  }

  write(b: Buffer): void {
    if (this.target) {
      this.target.write(b);
      return;
    }
    this.head.push(b);
    this.headLen += b.length;
    if (this.headLen >= SNIFF_BYTES) this.decide();
  }

  end(): void {
    if (!this.target) this.decide();
    this.target?.end();
  }

  private decide(): void {
    const head = Buffer.concat(this.head);
    this.head = [];
    const s = sniff(head, this.name);
    const target = this.open(s.type, s.container);
    this.target = s.keyStore ? keyStoreTee(this.ctx, this.location, s.keyStore, target) : target;
    this.target.write(head);
  }

  private open(type: ArtifactType, container: Container | undefined): { write(b: Buffer): void; end(): void } {
    const { ctx, location, depth } = this;
    if (container && depth >= ctx.limits.maxDepth) {
      ctx.result.gaps.push({ location, operation: 'open-archive', reason: `archives nested deeper than ${ctx.limits.maxDepth} levels are not opened` });
      container = undefined;
    }
    if (container === 'tar') return new TarSink(ctx, location, depth + 1);
    if (container === 'unsupported') return unsupportedSink(ctx, location);
    if (container) return new NestedArchiveSink(ctx, location, this.name, container, depth + 1);
    const scanner = new StreamScanner(ctx.table, ctx.chunkSize);
    if (!MEMORY_TYPES.has(type))
      return {
        write: (b) => scanner.push(b),
        end: () => {
          finish(ctx, location, type, ended(scanner));
          embeddedGaps(ctx, location, scanner);
        },
      };
    return this.memoryImage(type, scanner);
  }

  /** A memory image: keep its first bytes (its layout), collect BIGNUM structures when the stream can be decoded again. */
  private memoryImage(type: ArtifactType, scanner: StreamScanner): { write(b: Buffer): void; end(): void } {
    const { ctx, location, reopen } = this;
    const head: Buffer[] = [];
    let kept = 0;
    return {
      write: (b) => {
        // The first bytes (at least the sniffed head) say the image's word size and byte order.
        if (reopen && kept === 0) scanner.bignums = BignumCollector.for(ctx.table, imageWord(probeReader(b)));
        if (kept < PROBE_BYTES) {
          head.push(Buffer.from(b.subarray(0, PROBE_BYTES - kept)));
          kept += Math.min(b.length, PROBE_BYTES - kept);
        }
        scanner.push(b);
      },
      end: () => {
        const layout = layoutOf(type, probeReader(Buffer.concat(head)));
        const scanned = ended(scanner);
        const collector = scanner.bignums;
        if (!collector?.pointers.size || !layout?.segments.length || !reopen) {
          finish(ctx, location, type, scanned, layout);
          embeddedGaps(ctx, location, scanner);
          return;
        }
        ctx.later.push(async () => {
          const scalars = await resolveStreamed(collector, layout, reopen).catch((err) => {
            ctx.result.gaps.push({ location, operation: 'ec-scalars', reason: `decoding the image again to follow BIGNUM pointers failed (${errText(err)})` });
            return undefined;
          });
          finish(ctx, location, type, scanned, layout, scalars?.hits);
          if (collector.overflow || scalars?.capped) ctx.result.gaps.push({ location, operation: 'ec-scalars', reason: SCALAR_CAP });
          embeddedGaps(ctx, location, scanner);
        });
      },
    };
  }
}

const SCALAR_CAP = 'too many BIGNUM-shaped structures: the search for EC private scalars stopped at its bound';

/** A file in a compression that is recognised but not decoded: nothing of it is scanned. */
function unsupportedSink(ctx: Ctx, location: string, size?: number): { write(b: Buffer): void; end(): void } {
  let bytes = 0;
  let head: Buffer | undefined;
  return {
    write: (b) => {
      head ??= b;
      bytes += b.length;
    },
    end: () => {
      const what = head ? sniff(head, location).unsupported : undefined;
      ctx.result.gaps.push({
        location,
        operation: 'decompress',
        reason: `${what ?? 'unknown'} compression is not supported; ${size ?? bytes} bytes were not scanned (decompress it and scan the result)`,
      });
    },
  };
}

/** What to do with a key store's unread parts. */
const EXPORT_HINT = '(where policy allows, export them with `openssl pkcs12 -nodes` or `keytool -importkeystore` to a protected place and scan the export)';

/** A key store's keys are encrypted under its password: the bytes are scanned, what they hide is not. */
const keyStoreGap = (location: string, store: KeyStore): ScanGap => ({
  location,
  operation: 'decode-keystore',
  reason:
    store === 'encrypted PKCS#8'
      ? 'an encrypted PKCS#8 private key (DER): it is protected by a passphrase and was not decoded, so which key it is was not checked (decrypt it with `openssl pkcs8` to a protected place and scan the result)'
      : `a ${store} key store: the private keys in it are encrypted under its password and were not decoded or scanned ${EXPORT_HINT}`,
});

/**
 * A key store read whole (PKCS#12, JKS, JCEKS, an encrypted PKCS#8 file; at most MAX_KEYSTORE_BYTES): each
 * private key a finding, what stays unread a gap. A store too large or one that does not parse: a gap.
 */
const readWhole = (fd: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  return b.subarray(0, readSync(fd, b, 0, size, 0));
};

function readKeyStore(ctx: Ctx, location: string, store: KeyStore, bytes: Buffer | undefined): void {
  const reader = { 'PKCS#12': readPkcs12, JKS: readJavaKeyStore, JCEKS: readJavaKeyStore, 'encrypted PKCS#8': readEncryptedPkcs8 }[store];
  let read: KeyStoreRead | undefined;
  try {
    read = bytes && reader(bytes);
  } catch (e) {
    // A store crafted to exhaust the reader (nesting, say): a gap; the caller's byte scan still runs.
    read = { hits: [], unread: [`it could not be read (${(e as Error).message})`] };
  }
  if (!read) return void ctx.result.gaps.push(keyStoreGap(location, store));
  for (const h of read.hits) {
    const matched = ctx.table?.match(h.fingerprints)?.id;
    ctx.result.findings.push({ ...h, location, artifactType: 'file', ...(matched ? { matchedKeyId: matched } : {}) });
  }
  if (read.unread.length) {
    const reason = `a ${store} key store: ${read.unread.join('; ')}; what those parts hold was not scanned ${EXPORT_HINT}`;
    ctx.result.gaps.push({ location, operation: 'decode-keystore', reason });
  }
}

/** A sink that also keeps a key store's bytes (up to MAX_KEYSTORE_BYTES) and reads the store at its end: an archive member or a decompressed stream. */
function keyStoreTee(ctx: Ctx, location: string, store: KeyStore, target: { write(b: Buffer): void; end(): void }): { write(b: Buffer): void; end(): void } {
  const parts: Buffer[] = [];
  let size = 0;
  return {
    write: (b) => {
      size += b.length;
      if (size <= MAX_KEYSTORE_BYTES) parts.push(Buffer.from(b));
      target.write(b);
    },
    end: () => {
      target.end();
      readKeyStore(ctx, location, store, size <= MAX_KEYSTORE_BYTES ? Buffer.concat(parts) : undefined);
    },
  };
}

type Nested = Exclude<Container, 'tar' | 'unsupported'>;

/** A compressed stream, zip or apport report inside another archive: held in memory up to a bound, then expanded with a size cap. */
class NestedArchiveSink {
  private parts: Buffer[] = [];
  private size = 0;
  private tooBig = false;
  private readonly ctx: Ctx;
  private readonly location: string;
  private readonly name: string;
  private readonly container: Nested;
  private readonly depth: number;

  constructor(ctx: Ctx, location: string, name: string, container: Nested, depth: number) {
    this.ctx = ctx;
    this.location = location;
    this.name = name;
    this.container = container;
    this.depth = depth;
  }

  write(b: Buffer): void {
    if (this.tooBig) return;
    this.size += b.length;
    if (this.size > this.ctx.limits.maxNestedArchiveBytes) {
      this.tooBig = true;
      this.parts = [];
      return;
    }
    this.parts.push(b);
  }

  end(): void {
    const { ctx, location } = this;
    if (this.tooBig) {
      ctx.result.gaps.push({
        location,
        operation: 'open-archive',
        reason: `nested ${this.container} larger than ${ctx.limits.maxNestedArchiveBytes} bytes is not opened; extract it and scan it as a file`,
      });
      return;
    }
    const data = Buffer.concat(this.parts);
    this.parts = [];
    const { container, depth, name } = this;
    if (container === 'apport') {
      ctx.later.push(() => scanApport(Readable.from([data]), ctx, location, depth));
      return;
    }
    if (container !== 'zip') {
      const inner = `${location}!${innerName(name)}`;
      const sink = new EntrySink(ctx, inner, innerName(name), depth);
      ctx.later.push(() => pumpCodec(Readable.from([data]), container, sink, ctx, inner, { total: data.length }));
      return;
    }
    const cap = Math.min(ctx.limits.maxExpandedBytes, Math.max(1024 * 1024, data.length * ctx.limits.maxRatio), 1024 ** 3);
    for (const e of zipEntries(data, ctx, location)) {
      const raw = data.subarray(e.dataStart, e.dataStart + e.compressedSize);
      const where = `${location}!${e.name}`;
      const sink = new EntrySink(ctx, where, e.name, depth);
      const codec = ZIP_CODECS[e.method];
      if (e.method === 0) feed(sink, raw);
      else if (codec === 'deflate') {
        const out = inflateCapped(raw, ctx, where, cap);
        if (out) feed(sink, out);
      } else if (codec) ctx.later.push(() => pumpCodec(Readable.from([raw]), codec, sink, ctx, where, { total: raw.length }));
    }
  }
}

/** Zip compression methods the scanner decodes (APPNOTE 4.4.5): 8 deflate, 12 bzip2, 93 zstd, 95 xz. */
const ZIP_CODECS: Record<number, Codec> = { 8: 'deflate', 12: 'bzip2', 93: 'zstd', 95: 'xz' };

function feed(sink: EntrySink, data: Buffer): void {
  sink.write(data);
  sink.end();
}

/** Inflate a zip member in memory; a bomb or damage is a gap, and what decodes before damage is still scanned. */
function inflateCapped(raw: Buffer, ctx: Ctx, location: string, cap: number): Buffer | undefined {
  try {
    const r = decodeSync('deflate', raw, cap);
    if (!r) {
      ctx.result.gaps.push({ location, operation: 'decompress', reason: `corrupt deflate data; ${raw.length} compressed bytes were not scanned` });
      return undefined;
    }
    if (!r.complete)
      ctx.result.gaps.push({ location, operation: 'decompress', reason: `truncated or corrupt deflate data; scanned the ${r.out.length} bytes that decoded` });
    return r.out;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /larger than|maxOutputLength|Cannot create a Buffer/i.test(e.message)) {
      ctx.result.gaps.push({ location, operation: 'decompress', reason: `decompression bomb: ${raw.length} bytes expand beyond ${cap} bytes` });
    } else ctx.result.gaps.push({ location, operation: 'decompress', reason: `truncated or corrupt compressed data (${errText(err)})` });
    return undefined;
  }
}

// ---------------------------------------------------------------- tar

const octal = (b: Buffer, start: number, len: number): number => {
  const s = b
    .toString('latin1', start, start + len)
    .replace(/\0.*$/s, '')
    .trim();
  return s ? Number.parseInt(s, 8) : 0;
};

/** Member types without file content: links, devices, directories, FIFOs, global headers, long link names, volume labels. */
const NO_CONTENT_TYPES: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6', 'g', 'K', 'V']);

/** A member's size: octal, or base-256 (first byte 0x80) for members of 8 GiB and more (GNU, star). */
function tarSize(h: Buffer): number {
  if (((h[124] as number) & 0x80) === 0) return octal(h, 124, 12);
  let n = 0;
  for (let i = 125; i < 136; i++) n = n * 256 + (h[i] as number);
  return n;
}

/** A streaming tar reader: members are handed to EntrySinks as their bytes arrive. */
class TarSink {
  private header = Buffer.alloc(512);
  private headerLen = 0;
  private remaining = 0;
  private padding = 0;
  private member: EntrySink | undefined;
  private longName: string | undefined;
  private longNameBuf: Buffer[] | undefined;
  private done = false;
  private readonly ctx: Ctx;
  private readonly location: string;
  private readonly depth: number;

  constructor(ctx: Ctx, location: string, depth: number) {
    this.ctx = ctx;
    this.location = location;
    this.depth = depth;
  }

  write(b: Buffer): void {
    let o = 0;
    while (o < b.length && !this.done) {
      if (this.remaining > 0 && !this.sparseExtension) {
        const n = Math.min(this.remaining, b.length - o);
        const part = b.subarray(o, o + n);
        if (this.member) this.member.write(part);
        else this.longNameBuf?.push(Buffer.from(part));
        this.remaining -= n;
        o += n;
        if (this.remaining === 0) this.closeMember();
        continue;
      }
      if (this.padding > 0 && !this.sparseExtension) {
        const n = Math.min(this.padding, b.length - o);
        this.padding -= n;
        o += n;
        continue;
      }
      const n = Math.min(512 - this.headerLen, b.length - o);
      b.copy(this.header, this.headerLen, o, o + n);
      this.headerLen += n;
      o += n;
      if (this.headerLen === 512) {
        this.headerLen = 0;
        if (this.sparseExtension) this.onSparseExtension();
        else this.onHeader();
      }
    }
  }

  private closeMember(): void {
    if (this.member) {
      this.member.end();
      this.member = undefined;
    } else if (this.longNameBuf) {
      this.longName = Buffer.concat(this.longNameBuf).toString('utf8').replace(/\0.*$/s, '');
      // A PAX sparse file (GNU format 1.0) is stored as GNUSparseFile.N/name; its own name is GNU.sparse.name.
      const pax = /(?:^|\n)\d+ GNU\.sparse\.name=([^\n]*)\n/.exec(this.longName) ?? /(?:^|\n)\d+ path=([^\n]*)\n/.exec(this.longName);
      if (this.longNameKind === 'x') this.longName = pax?.[1];
      this.longNameBuf = undefined;
    }
  }

  private longNameKind = '';
  /** Old GNU sparse member ('S') whose sparse map continues in extension headers before its data. */
  private sparseExtension = false;

  /** A GNU sparse extension header: 21 map entries, then `isextended` at 504; the data follows the last one. */
  private onSparseExtension(): void {
    if (this.header[504] !== 0) return;
    this.sparseExtension = false;
    if (this.remaining === 0) this.closeMember();
  }

  private onHeader(): void {
    const h = this.header;
    if (h.every((x) => x === 0)) {
      this.done = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
    if (sum !== octal(h, 148, 8)) {
      this.ctx.result.gaps.push({
        location: this.location,
        operation: 'read-tar',
        reason: 'corrupt tar header (checksum mismatch); the rest of the archive was not scanned',
      });
      this.done = true;
      return;
    }
    const size = tarSize(h);
    const type = String.fromCharCode(h[156] as number);
    // Only POSIX ustar ("ustar\0") has a name prefix at 345; old GNU ("ustar  ") keeps times and the sparse map there.
    const prefix = h.toString('latin1', 257, 263) === 'ustar\0' ? h.toString('utf8', 345, 500).replace(/\0.*$/s, '') : '';
    const name = this.longName ?? (prefix ? `${prefix}/` : '') + h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    if (type === 'L' || type === 'x') {
      this.longNameKind = type;
      this.longNameBuf = [];
      if (size === 0) this.closeMember();
      return;
    }
    this.longName = undefined;
    if (!NO_CONTENT_TYPES.has(type)) {
      // Regular, contiguous, GNU sparse ('S': its stored chunks back to back), multi-volume
      // continuation and any type POSIX does not define (read as a regular file): scan the bytes.
      this.member = new EntrySink(this.ctx, `${this.location}!${name}`, name, this.depth);
      this.sparseExtension = type === 'S' && h[482] !== 0;
      if (size === 0 && !this.sparseExtension) this.closeMember();
    } else {
      // directories, links, devices: skip their content
      this.member = undefined;
      this.longNameBuf = undefined;
    }
  }

  end(): void {
    if (this.remaining > 0 || this.headerLen > 0) {
      this.member?.end();
      this.ctx.result.gaps.push({ location: this.location, operation: 'read-tar', reason: 'truncated tar archive: the last member ends early' });
    }
  }
}

// ---------------------------------------------------------------- zip

interface ZipEntry {
  name: string;
  /** Offset of the entry's local file header. */
  local: number;
  method: number;
  compressedSize: number;
  size: number;
  dataStart: number;
}

/** Central-directory entries of an in-memory zip; problems become gaps. */
function zipEntries(data: Buffer, ctx: Ctx, location: string): ZipEntry[] {
  const read = (pos: number, len: number) => data.subarray(pos, pos + len);
  return parseZip(data.length, read, ctx, location);
}

type ZipRead = (pos: number, len: number) => Buffer;

/**
 * The central directory's entry count, size and offset, from the end-of-central-directory record, or
 * (when it holds 0xFFFF / 0xFFFFFFFF) from the zip64 end-of-central-directory record that the zip64
 * locator just before it points at (APPNOTE 6.3 §4.3.14, §4.3.15). A string says why it cannot be read.
 */
function zipDirectory(size: number, read: ZipRead): { count: number; cdSize: number; cdOffset: number } | string {
  const tailLen = Math.min(size, 65_557);
  const tailAt = size - tailLen;
  const tail = read(tailAt, tailLen);
  const eocd = tail.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (eocd < 0 || eocd + 22 > tail.length) return 'truncated zip archive: no end-of-central-directory record';
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count !== 0xffff && cdSize !== 0xffffffff && cdOffset !== 0xffffffff) return { count, cdSize, cdOffset };
  const loc = eocd - 20;
  if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) return 'zip64 archive without its zip64 end-of-central-directory locator (APPNOTE 4.3.15)';
  const at = Number(tail.readBigUInt64LE(loc + 8));
  const z = at + 56 <= tailAt + loc ? read(at, 56) : Buffer.alloc(0);
  if (z.length < 56 || z.readUInt32LE(0) !== 0x06064b50) return 'corrupt zip64 end-of-central-directory record (APPNOTE 4.3.14)';
  return { count: Number(z.readBigUInt64LE(32)), cdSize: Number(z.readBigUInt64LE(40)), cdOffset: Number(z.readBigUInt64LE(48)) };
}

/**
 * The zip64 extended information extra field (header ID 0x0001, APPNOTE 4.5.3) of a central directory
 * entry: the 8-byte sizes and the local header offset, present in that order for each field that is
 * 0xFFFFFFFF in the entry itself. Undefined when a needed value is missing.
 */
function zip64Sizes(cd: Buffer, extraAt: number, extraEnd: number, v: { size: number; compressedSize: number; local: number }) {
  for (let p = extraAt; p + 4 <= extraEnd; ) {
    const id = cd.readUInt16LE(p);
    const len = cd.readUInt16LE(p + 2);
    if (id === 0x0001) {
      const out = { ...v };
      let q = p + 4;
      for (const k of ['size', 'compressedSize', 'local'] as const) {
        if (out[k] !== 0xffffffff) continue;
        if (q + 8 > p + 4 + len) return undefined;
        out[k] = Number(cd.readBigUInt64LE(q));
        q += 8;
      }
      return out;
    }
    p += 4 + len;
  }
  return undefined;
}

function parseZip(size: number, read: ZipRead, ctx: Ctx, location: string): ZipEntry[] {
  const dir = zipDirectory(size, read);
  if (typeof dir === 'string') {
    ctx.result.gaps.push({ location, operation: 'read-zip', reason: dir });
    return [];
  }
  const { count, cdSize, cdOffset } = dir;
  if (cdOffset + cdSize > size) {
    ctx.result.gaps.push({ location, operation: 'read-zip', reason: 'truncated zip archive: the central directory lies past the end' });
    return [];
  }
  const cd = read(cdOffset, cdSize);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) {
      ctx.result.gaps.push({ location, operation: 'read-zip', reason: 'corrupt zip central directory' });
      break;
    }
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    const v32 = { size: cd.readUInt32LE(p + 24), compressedSize: cd.readUInt32LE(p + 20), local: cd.readUInt32LE(p + 42) };
    const wide = Object.values(v32).includes(0xffffffff) ? zip64Sizes(cd, p + 46 + nameLen, Math.min(cd.length, p + 46 + nameLen + extraLen), v32) : v32;
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const where = `${location}!${name}`;
    if (!wide) {
      ctx.result.gaps.push({
        location: where,
        operation: 'read-zip',
        reason: 'zip64 entry without its zip64 extended information extra field (APPNOTE 4.5.3)',
      });
      continue;
    }
    const { compressedSize, size: uncompressed, local } = wide;
    if (flags & 1) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: 'encrypted zip entry cannot be scanned' });
      continue;
    }
    if (method !== 0 && !ZIP_CODECS[method]) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: `unsupported zip compression method ${method}` });
      continue;
    }
    if (uncompressed > ctx.limits.maxExpandedBytes || (method !== 0 && uncompressed > Math.max(1024 * 1024, compressedSize * ctx.limits.maxRatio))) {
      ctx.result.gaps.push({ location: where, operation: 'decompress', reason: `decompression bomb: ${compressedSize} bytes declare ${uncompressed} bytes` });
      continue;
    }
    const lh = read(local, 30);
    if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: 'corrupt zip local header' });
      continue;
    }
    const dataStart = local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    if (dataStart + compressedSize > size) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: 'truncated zip entry' });
      continue;
    }
    out.push({ name, local, method, compressedSize, size: uncompressed, dataStart });
  }
  return boundedEntries(out, size, ctx, location);
}

/**
 * APPNOTE entries do not share bytes: an entry whose local header lies inside another entry's data
 * is the overlapping-entry zip bomb (thousands of entries expanding one kernel), so it is a gap, not
 * scanned. The entries kept are bounded together like one stream (ratio and expanded size), so an
 * archive costs seconds, whatever its entry count.
 */
function boundedEntries(entries: ZipEntry[], size: number, ctx: Ctx, location: string): ZipEntry[] {
  const budget = Math.min(ctx.limits.maxExpandedBytes, Math.max(64 * 1024 * 1024, size * ctx.limits.maxRatio));
  const keep = new Set<ZipEntry>();
  let end = -1;
  let total = 0;
  let overlapping = 0;
  let over = 0;
  for (const e of [...entries].sort((a, b) => a.local - b.local)) {
    if (e.local < end) overlapping++;
    else if (total + e.size > budget) over++;
    else {
      keep.add(e);
      total += e.size;
    }
    end = Math.max(end, e.dataStart + e.compressedSize);
  }
  if (overlapping) {
    ctx.result.gaps.push({
      location,
      operation: 'read-zip',
      reason: `${overlapping} zip entries overlap another entry's data (a zip bomb construction; entries never share bytes): they were not scanned`,
    });
  }
  if (over) {
    ctx.result.gaps.push({
      location,
      operation: 'decompress',
      reason: `decompression bomb: the archive's entries declare more than ${budget} bytes together (limits: ratio ${ctx.limits.maxRatio}, ${ctx.limits.maxExpandedBytes} bytes); ${over} entries were not scanned`,
    });
  }
  return entries.filter((e) => keep.has(e));
}

// ---------------------------------------------------------------- compressed streams

const bombReason = (ctx: Ctx, inBytes: number, outBytes: number): string =>
  `decompression bomb: ${inBytes} compressed bytes expanded to more than ${outBytes} (limits: ratio ${ctx.limits.maxRatio}, ${ctx.limits.maxExpandedBytes} bytes); scanned up to there`;

/**
 * Stream compressed bytes through a decoder into a sink, stopping at the bomb bounds. A truncated or
 * corrupt stream keeps what was scanned and becomes a gap that says how many compressed bytes were
 * not decoded (when the total is known).
 */
function pumpCodec(
  src: Readable,
  codec: Codec,
  sink: { write(b: Buffer): void; end(): void },
  ctx: Ctx,
  location: string,
  opts: { total?: number; onBytes?: (n: number) => void; candidate?: boolean } = {},
): Promise<void> {
  if (!codecAvailable(codec)) {
    src.destroy();
    ctx.result.gaps.push({
      location,
      operation: 'decompress',
      reason: `${codec} needs Node.js 22.15 or later; ${opts.total ?? 'all'} compressed bytes were not scanned`,
    });
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const z = decoder(codec);
    let inBytes = 0;
    let outBytes = 0;
    let settled = false;
    const done = (gap?: ScanGap) => {
      if (settled) return;
      settled = true;
      if (gap) ctx.result.gaps.push(gap);
      try {
        sink.end();
      } catch (err) {
        ctx.result.gaps.push({ location, operation: 'scan', reason: errText(err) });
      }
      src.destroy();
      z.destroy();
      resolve();
    };
    src.on('data', (c: Buffer) => {
      inBytes += c.length;
      opts.onBytes?.(c.length);
    });
    src.on('error', (err) => done({ location, operation: 'read', reason: `${errText(err)}; scanned up to there` }));
    z.on('data', (c: Buffer) => {
      if (settled) return;
      outBytes += c.length;
      if (outBytes > ctx.limits.maxExpandedBytes || outBytes > Math.max(1024 * 1024, inBytes * ctx.limits.maxRatio)) {
        done({ location, operation: 'decompress', reason: bombReason(ctx, inBytes, outBytes) });
        return;
      }
      sink.write(c);
    });
    z.on('error', (err) => {
      if (opts.candidate && outBytes === 0) return done();
      const unread = opts.total !== undefined ? opts.total - inBytes : 0;
      const left = unread > 0 ? `about ${unread} compressed bytes were not decoded` : 'the data breaks off before its end: what the rest held was not scanned';
      done({
        location,
        operation: 'decompress',
        reason: `truncated or corrupt ${codec} data (${codecError(err)}); scanned the ${outBytes} bytes that decoded; ${left}`,
      });
    });
    z.on('end', () => done(trailingBytes(codec, z, location)));
    src.pipe(z);
  });
}

/** xz-embedded's return codes (xz.h) and a decoder's internal slip (bzip2: a TypeError on cut input), in words. */
const XZ_CODES: Record<string, string> = { 5: 'not xz data', 6: 'unsupported xz options', 7: 'corrupt xz data', 8: 'the xz data ends early' };
function codecError(err: unknown): string {
  const text = errText(err);
  const xz = /get_next_output failed with error code (\d+)/.exec(text);
  if (xz) return XZ_CODES[xz[1] as string] ?? text;
  return err instanceof TypeError || err instanceof RangeError ? 'the decoder met data it could not read' : text;
}

/**
 * Bytes after the last frame of a gzip, zstd or xz stream that start no frame (the decoder counts them):
 * never decoded, so never scanned. A gap, unless they are all zero (the padding gunzip ignores).
 */
function trailingBytes(codec: Codec, z: Duplex, location: string): ScanGap | undefined {
  const { trailing = 0, trailingData = false } = z as Duplex & { trailing?: number; trailingData?: boolean };
  if (!trailingData) return undefined;
  return {
    location,
    operation: 'decompress',
    reason: `${trailing} bytes after the end of the ${codec} data (not a ${codec === 'gzip' ? 'gzip member' : codec === 'xz' ? 'stream' : 'frame'}) were not scanned; scan them separately (tail -c ${trailing})`,
  };
}

// ---------------------------------------------------------------- apport reports

const APPORT_FIELD = /^([A-Za-z0-9._-]+): base64\s*$/;
const MAX_APPORT_LINE = 64 * 1024 * 1024;

/**
 * An Ubuntu apport `.crash` report: RFC 822 fields, where binary fields (CoreDump, …) are written as
 * `Key: base64` followed by indented lines, each the base64 of one chunk of a gzip stream. Text
 * lines are scanned as they are; each binary field is decoded and scanned as its own entry.
 */
async function scanApport(src: Readable, ctx: Ctx, location: string, depth: number, onBytes?: (n: number) => void): Promise<void> {
  const text = new StreamScanner(ctx.table, ctx.chunkSize);
  let field: { input: Readable & { write(b: Buffer): boolean; end(): void }; pump: Promise<void> } | undefined;
  const close = async () => {
    if (!field) return;
    field.input.end();
    await field.pump;
    field = undefined;
  };
  let rest = '';
  const onLine = async (line: string) => {
    if (field && line.startsWith(' ')) {
      if (!field.input.write(Buffer.from(line.slice(1), 'base64'))) await new Promise((r) => field?.input.once('drain', r));
      return;
    }
    await close();
    text.push(Buffer.from(`${line}\n`, 'latin1'));
    const m = APPORT_FIELD.exec(line);
    if (!m) return;
    const where = `${location}!${m[1]}`;
    const input = new PassThrough();
    field = { input, pump: pumpCodec(input, 'gzip', new EntrySink(ctx, where, m[1] as string, depth + 1), ctx, where) };
  };
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop() ?? '';
      if (rest.length > MAX_APPORT_LINE) throw new Error(`a line longer than ${MAX_APPORT_LINE} bytes`);
      for (const line of lines) await onLine(line);
    }
    if (rest) await onLine(rest);
  } catch (err) {
    ctx.result.gaps.push({ location, operation: 'read', reason: `${errText(err)}; scanned up to there` });
  }
  await close();
  finish(ctx, location, 'file', ended(text));
  embeddedGaps(ctx, location, text);
}

// ---------------------------------------------------------------- files

/** Members of a zip on disk, streamed from their byte ranges. */
async function scanZipFile(fd: number, path: string, size: number, ctx: Ctx, location: string, onBytes?: (n: number) => void): Promise<void> {
  const read = (pos: number, len: number) => {
    const b = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
    readSync(fd, b, 0, b.length, pos);
    return b;
  };
  for (const e of parseZip(size, read, ctx, location)) {
    const where = `${location}!${e.name}`;
    const sink = new EntrySink(ctx, where, e.name, 1);
    if (e.compressedSize === 0) {
      sink.end();
      continue;
    }
    if (e.method === 0) {
      readRange(fd, e.dataStart, e.dataStart + e.compressedSize, (b) => sink.write(b), onBytes);
      sink.end();
    } else {
      const src = createReadStream(path, { start: e.dataStart, end: e.dataStart + e.compressedSize - 1, highWaterMark: 1024 * 1024 });
      await pumpCodec(src, ZIP_CODECS[e.method] as Codec, sink, ctx, where, { total: e.compressedSize, onBytes });
    }
    await drainLater(ctx);
  }
}

function readRange(fd: number, from: number, to: number, write: (b: Buffer) => void, onBytes?: (n: number) => void): void {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let pos = from; pos < to; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
    if (n <= 0) break;
    write(Buffer.from(chunk.subarray(0, n)));
    onBytes?.(n);
    pos += n;
  }
}

/** Whether a plain file is a memory image whose layout maps its memory (so BIGNUM structures can be followed). */
export function followsPointers(type: ArtifactType, read: ReadAt): Layout | undefined {
  const layout = MEMORY_TYPES.has(type) ? layoutOf(type, read) : undefined;
  return layout?.segments.length ? layout : undefined;
}

/** A plain file (no container) open for reading: its descriptor, path, size and type. */
interface PlainFile {
  fd: number;
  path: string;
  size: number;
  type: ArtifactType;
}

/** The fast path: read straight into the scanner's window, one pass, no copy; memory images checked against their layout. */
async function scanPlainFile(file: PlainFile, ctx: Ctx, location: string, onBytes?: (n: number) => void): Promise<void> {
  const { fd, size, type } = file;
  const read = fdReader(fd, size);
  const layout = MEMORY_TYPES.has(type) ? layoutOf(type, read) : undefined;
  const word = layout?.segments.length ? layout.word : undefined;
  const part = await scanRangeFdAsync(fd, size, 0, size, { table: ctx.table, chunkSize: ctx.chunkSize, ...(word ? { word } : {}), onBytes });
  finishPlain(file, ctx, location, [part], { read, layout });
}

/** Findings of a plain file scanned in one or more ranges: merged, EC scalars followed, checked against the layout. */
function finishPlain(file: PlainFile, ctx: Ctx, location: string, parts: RangeResult[], known?: { read: ReadAt; layout: Layout | undefined }): void {
  const { fd, path, size, type } = file;
  const read = known?.read ?? fdReader(fd, size);
  const layout = known ? known.layout : MEMORY_TYPES.has(type) ? layoutOf(type, read) : undefined;
  const merged = mergeRanges(parts);
  const collector = merged.pointers && layout?.segments.length ? BignumCollector.for(ctx.table, layout.word) : undefined;
  if (collector && merged.pointers) collector.absorb(merged.pointers);
  const scalars = layout && collector ? collector.resolve(layout, read) : undefined;
  if (layout?.segments.length) ctx.table?.provePointers(merged.hits, layout, read);
  if (type === 'hprof') proveHprofSeeds(merged.hits, read);
  finish(ctx, location, type, { ...merged, bytes: merged.read }, layout, scalars?.hits);
  const cutHprof = type === 'hprof' ? hprofTruncation(read, size) : undefined;
  if (cutHprof) ctx.result.gaps.push({ location, operation: 'truncated', reason: cutHprof });
  if (merged.bignumOverflow || collector?.overflow || scalars?.capped) {
    ctx.result.gaps.push({
      location,
      operation: 'ec-scalars',
      reason: SCALAR_CAP,
    });
  }
  for (const e of merged.errors) ctx.result.gaps.push({ location, operation: 'read', reason: `${e}; scanned up to there` });
  if (merged.read < size && !merged.errors.length)
    ctx.result.gaps.push({ location, operation: 'read', reason: `file shrank while being read (${merged.read} of ${size} bytes)` });
  for (const e of merged.embedded) ctx.later.push(() => openEmbedded(path, size, e, ctx, location));
}

/** Open a file and run `body` on it; a file that cannot be opened or read becomes a gap of `result`. Never throws. */
async function withFile(path: string, result: FileResult, body: (fd: number) => Promise<void> | void): Promise<FileResult> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    result.gaps.push({ location: result.location, operation: 'open', reason: errText(err) });
    return result;
  }
  try {
    await body(fd);
  } catch (err) {
    result.gaps.push({ location: result.location, operation: 'read', reason: errText(err) });
  } finally {
    closeSync(fd);
  }
  return result;
}

/**
 * Finish a plain file whose ranges were scanned elsewhere (worker threads): the same result as one
 * pass over it. Never throws: anything unreadable becomes a gap.
 */
export function finishRanges(
  path: string,
  location: string,
  type: ArtifactType,
  size: number,
  parts: RangeResult[],
  opts: FileScanOptions = {},
): Promise<FileResult> {
  const result: FileResult = { location, bytes: size, entries: [], findings: [], gaps: [] };
  const ctx = newCtx(result, opts);
  return withFile(path, result, async (fd) => {
    finishPlain({ fd, path, size, type }, ctx, location, parts);
    await drainLater(ctx);
  });
}

/** How a file would be scanned: its type, and whether it is plain (no container) so it can be split into ranges. */
export function planFile(path: string): { type: ArtifactType; size: number; plain: boolean; word?: WordShape } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const head = Buffer.alloc(SNIFF_BYTES);
    const s = sniff(head.subarray(0, readSync(fd, head, 0, SNIFF_BYTES, 0)), path);
    const word = s.container ? undefined : followsPointers(s.type, fdReader(fd, st.size))?.word;
    return { type: s.type, size: st.size, plain: !s.container, ...(word ? { word } : {}) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Open a file the way its first bytes say: archive, compressed stream, apport report, unsupported, or plain. */
async function openBySniff(
  s: ReturnType<typeof sniff>,
  f: { fd: number; path: string; size: number; head: Buffer },
  ctx: Ctx,
  location: string,
  onBytes?: (n: number) => void,
): Promise<void> {
  const stream = () => createReadStream(f.path, { highWaterMark: 1024 * 1024 });
  const c = s.container;
  if (!c) return scanPlainFile({ fd: f.fd, path: f.path, size: f.size, type: s.type }, ctx, location, onBytes);
  if (c === 'zip') return scanZipFile(f.fd, f.path, f.size, ctx, location, onBytes);
  if (c === 'apport') return scanApport(stream(), ctx, location, 0, onBytes);
  const sink = c === 'tar' ? new TarSink(ctx, location, 1) : c === 'unsupported' ? unsupportedSink(ctx, location, f.size) : undefined;
  if (sink) {
    if (c === 'tar') readRange(f.fd, 0, f.size, (b) => sink.write(b), onBytes);
    else sink.write(f.head);
    return sink.end();
  }
  const inner = `${location}!${innerName(f.path)}`;
  const reopen = () => stream().pipe(decoder(c as Codec));
  return pumpCodec(stream(), c as Codec, new EntrySink(ctx, inner, innerName(f.path), 1, reopen), ctx, inner, { total: f.size, onBytes });
}

/** Scan one file (and what it contains). Never throws: anything unreadable becomes a gap. */
export function scanFile(path: string, location: string, opts: FileScanOptions = {}): Promise<FileResult> {
  const result: FileResult = { location, bytes: 0, entries: [], findings: [], gaps: [] };
  const ctx = newCtx(result, opts);
  return withFile(path, result, async (fd) => {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      result.gaps.push({ location, operation: 'open', reason: 'not a regular file' });
      return;
    }
    result.bytes = st.size;
    const head = Buffer.alloc(SNIFF_BYTES);
    const headLen = readSync(fd, head, 0, SNIFF_BYTES, 0);
    if (st.size < headLen) {
      // procfs and sysfs files say 0 bytes and read as text: what stat promised was not what is there.
      result.gaps.push({
        location,
        operation: 'open',
        reason: `the file reports ${st.size} bytes but reads more (procfs, sysfs); not scanned (copy its contents to a regular file and scan that)`,
      });
      return;
    }
    const s = sniff(head.subarray(0, headLen), path);
    if (s.keyStore) readKeyStore(ctx, location, s.keyStore, st.size <= MAX_KEYSTORE_BYTES ? readWhole(fd, st.size) : undefined);
    await openBySniff(s, { fd, path, size: st.size, head: head.subarray(0, headLen) }, ctx, location, opts.onBytes);
    await drainLater(ctx);
  });
}

export const isMemoryArtifact = (t: ArtifactType): boolean => MEMORY_TYPES.has(t);

/**
 * Scan a byte stream that has no file behind it (an S3 object, a blob). A compressed stream is
 * expanded as it arrives, with the same bomb bounds; anything else goes through the same sniffing as
 * an archive member. Never throws: a broken stream becomes a gap.
 */
export async function scanStream(location: string, name: string, source: AsyncIterable<Uint8Array>, opts: FileScanOptions = {}): Promise<FileResult> {
  const result: FileResult = { location, bytes: 0, entries: [], findings: [], gaps: [] };
  const ctx = newCtx(result, opts);
  const counted = async function* () {
    for await (const c of source) {
      result.bytes += c.length;
      opts.onBytes?.(c.length);
      yield Buffer.from(c);
    }
  };
  const it = counted()[Symbol.asyncIterator]();
  let first: Buffer;
  try {
    const r = await it.next();
    first = r.done ? Buffer.alloc(0) : r.value;
  } catch (err) {
    result.gaps.push({ location, operation: 'read', reason: errText(err) });
    return result;
  }
  const rest = async function* () {
    yield first;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  const s = sniff(first, name);
  const codec =
    s.container && s.container !== 'zip' && s.container !== 'tar' && s.container !== 'apport' && s.container !== 'unsupported' ? s.container : undefined;
  if (codec) {
    const inner = `${location}!${innerName(name)}`;
    await pumpCodec(Readable.from(rest()), codec, new EntrySink(ctx, inner, innerName(name), 1), ctx, inner);
  } else if (s.container === 'apport') await scanApport(Readable.from(rest()), ctx, location, 0);
  else {
    const sink = new EntrySink(ctx, location, name, 0);
    try {
      for await (const c of rest()) sink.write(c);
    } catch (err) {
      // A broken stream (truncated download): keep what was scanned.
      result.gaps.push({ location, operation: 'read', reason: `${errText(err)}; scanned up to there` });
    }
    sink.end();
  }
  await drainLater(ctx);
  return result;
}
