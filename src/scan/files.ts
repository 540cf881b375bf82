// Scanning one file: plain files in one streaming pass read straight into the scanner's window;
// gzip, zip and tar opened and scanned inside, with bounded depth, ratio and expanded size.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip, createInflateRaw, gunzipSync, inflateRawSync, constants as zc } from 'node:zlib';
import { type Container, MEMORY_TYPES, SNIFF_BYTES, sniff } from './artifact-type.ts';
import type { KnownKeyTable } from './known-keys.ts';
import { StreamScanner } from './scanner.ts';
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
}

const errText = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String((err as Error)?.message ?? err);
};

function finish(ctx: Ctx, location: string, type: ArtifactType, scanner: StreamScanner): void {
  const hits = scanner.end();
  ctx.result.entries.push({ location, artifactType: type, bytes: scanner.bytes });
  for (const h of hits) {
    const matched = h.knownKeyId ?? ctx.table?.match(h.fingerprints)?.id;
    ctx.result.findings.push({ ...h, location, artifactType: type, ...(matched ? { matchedKeyId: matched } : {}) });
  }
  if (scanner.overflow) ctx.result.gaps.push({ location, operation: 'scan', reason: 'more than 10,000 findings; the rest were not recorded' });
}

const innerName = (name: string): string => {
  const b = basename(name);
  return b.replace(/\.(t?gz|gzip)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) || 'data';
};

/** A synchronous sink for a decompressed stream or archive member: sniffs, then scans or opens it. */
class EntrySink {
  private head: Buffer[] = [];
  private headLen = 0;
  private target: { write(b: Buffer): void; end(): void } | undefined;
  private readonly ctx: Ctx;
  private readonly location: string;
  private readonly name: string;
  private readonly depth: number;

  constructor(ctx: Ctx, location: string, name: string, depth: number) {
    this.ctx = ctx;
    this.location = location;
    this.name = name;
    this.depth = depth;
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
    this.target = this.open(s.type, s.container);
    this.target.write(head);
  }

  private open(type: ArtifactType, container: Container | undefined): { write(b: Buffer): void; end(): void } {
    const { ctx, location, depth } = this;
    if (container && depth >= ctx.limits.maxDepth) {
      ctx.result.gaps.push({ location, operation: 'open-archive', reason: `archives nested deeper than ${ctx.limits.maxDepth} levels are not opened` });
      container = undefined;
    }
    if (container === 'tar') return new TarSink(ctx, location, depth + 1);
    if (container === 'gzip' || container === 'zip') return new NestedArchiveSink(ctx, location, this.name, container, depth + 1);
    const scanner = new StreamScanner(ctx.table, ctx.chunkSize);
    return { write: (b) => scanner.push(b), end: () => finish(ctx, location, type, scanner) };
  }
}

/** A gzip or zip inside another archive: held in memory up to a bound, then expanded with a size cap. */
class NestedArchiveSink {
  private parts: Buffer[] = [];
  private size = 0;
  private tooBig = false;
  private readonly ctx: Ctx;
  private readonly location: string;
  private readonly name: string;
  private readonly container: 'gzip' | 'zip';
  private readonly depth: number;

  constructor(ctx: Ctx, location: string, name: string, container: 'gzip' | 'zip', depth: number) {
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
    const cap = Math.min(ctx.limits.maxExpandedBytes, Math.max(1024 * 1024, data.length * ctx.limits.maxRatio), 1024 ** 3);
    if (this.container === 'gzip') {
      const out = inflateCapped(() => gunzipSync(data, { maxOutputLength: cap, finishFlush: zc.Z_SYNC_FLUSH }), ctx, location, data.length, cap);
      if (out) feed(new EntrySink(ctx, `${location}!${innerName(this.name)}`, innerName(this.name), this.depth), out);
      return;
    }
    for (const e of zipEntries(data, ctx, location)) {
      const raw = data.subarray(e.dataStart, e.dataStart + e.compressedSize);
      const out =
        e.method === 0
          ? raw
          : inflateCapped(() => inflateRawSync(raw, { maxOutputLength: cap, finishFlush: zc.Z_SYNC_FLUSH }), ctx, `${location}!${e.name}`, raw.length, cap);
      if (out) feed(new EntrySink(ctx, `${location}!${e.name}`, e.name, this.depth), out);
    }
  }
}

function feed(sink: EntrySink, data: Buffer): void {
  sink.write(data);
  sink.end();
}

function inflateCapped(run: () => Buffer, ctx: Ctx, location: string, inLen: number, cap: number): Buffer | undefined {
  try {
    const out = run();
    return out;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || /larger than|maxOutputLength|Cannot create a Buffer/i.test(e.message)) {
      ctx.result.gaps.push({ location, operation: 'decompress', reason: `decompression bomb: ${inLen} bytes expand beyond ${cap} bytes` });
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
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, b.length - o);
        const part = b.subarray(o, o + n);
        if (this.member) this.member.write(part);
        else this.longNameBuf?.push(Buffer.from(part));
        this.remaining -= n;
        o += n;
        if (this.remaining === 0) this.closeMember();
        continue;
      }
      if (this.padding > 0) {
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
        this.onHeader();
      }
    }
  }

  private closeMember(): void {
    if (this.member) {
      this.member.end();
      this.member = undefined;
    } else if (this.longNameBuf) {
      this.longName = Buffer.concat(this.longNameBuf).toString('utf8').replace(/\0.*$/s, '');
      const pax = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(this.longName);
      if (this.longNameKind === 'x') this.longName = pax?.[1];
      this.longNameBuf = undefined;
    }
  }

  private longNameKind = '';

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
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] as number);
    const prefix = h.toString('utf8', 345, 500).replace(/\0.*$/s, '');
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
    if (type === '0' || type === '\0' || type === '7') {
      this.member = new EntrySink(this.ctx, `${this.location}!${name}`, name, this.depth);
      if (size === 0) this.closeMember();
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

function parseZip(size: number, read: (pos: number, len: number) => Buffer, ctx: Ctx, location: string): ZipEntry[] {
  const tailLen = Math.min(size, 65_557);
  const tail = read(size - tailLen, tailLen);
  const eocd = tail.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (eocd < 0 || eocd + 22 > tail.length) {
    ctx.result.gaps.push({ location, operation: 'read-zip', reason: 'truncated zip archive: no end-of-central-directory record' });
    return [];
  }
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    ctx.result.gaps.push({ location, operation: 'read-zip', reason: 'zip64 archives are not supported yet; extract it and scan the files' });
    return [];
  }
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
    const compressedSize = cd.readUInt32LE(p + 20);
    const uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const local = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const where = `${location}!${name}`;
    if (flags & 1) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: 'encrypted zip entry cannot be scanned' });
      continue;
    }
    if (method !== 0 && method !== 8) {
      ctx.result.gaps.push({ location: where, operation: 'read-zip', reason: `unsupported zip compression method ${method}` });
      continue;
    }
    if (uncompressed > ctx.limits.maxExpandedBytes || (method === 8 && uncompressed > Math.max(1024 * 1024, compressedSize * ctx.limits.maxRatio))) {
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
    out.push({ name, method, compressedSize, size: uncompressed, dataStart });
  }
  return out;
}

// ---------------------------------------------------------------- files

/** Stream a compressed byte range through a decompressor into a sink, stopping at the bomb bounds. */
function pumpCompressed(
  path: string,
  range: { start?: number; end?: number },
  kind: 'gzip' | 'deflate',
  sink: EntrySink,
  ctx: Ctx,
  location: string,
  onBytes?: (n: number) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const src = createReadStream(path, { ...range, highWaterMark: 1024 * 1024 });
    const z = kind === 'gzip' ? createGunzip() : createInflateRaw();
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
    src.on('data', (c) => {
      inBytes += c.length;
      onBytes?.(c.length);
    });
    src.on('error', (err) => done({ location, operation: 'read', reason: errText(err) }));
    z.on('data', (c: Buffer) => {
      if (settled) return;
      outBytes += c.length;
      const bound = Math.max(1024 * 1024, inBytes * ctx.limits.maxRatio);
      if (outBytes > ctx.limits.maxExpandedBytes || outBytes > bound) {
        done({
          location,
          operation: 'decompress',
          reason: `decompression bomb: ${inBytes} compressed bytes expanded to more than ${outBytes} (limits: ratio ${ctx.limits.maxRatio}, ${ctx.limits.maxExpandedBytes} bytes); scanned up to there`,
        });
        return;
      }
      sink.write(c);
    });
    z.on('error', (err) => done({ location, operation: 'decompress', reason: `truncated or corrupt ${kind} data (${errText(err)}); scanned up to there` }));
    z.on('end', () => done());
    src.pipe(z);
  });
}

/** Scan one file (and what it contains). Never throws: anything unreadable becomes a gap. */
export async function scanFile(path: string, location: string, opts: FileScanOptions = {}): Promise<FileResult> {
  const result: FileResult = { location, bytes: 0, entries: [], findings: [], gaps: [] };
  const ctx: Ctx = { table: opts.table, limits: { ...DEFAULT_LIMITS, ...opts.limits }, chunkSize: opts.chunkSize, result };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    result.gaps.push({ location, operation: 'open', reason: errText(err) });
    return result;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      result.gaps.push({ location, operation: 'open', reason: 'not a regular file' });
      return result;
    }
    result.bytes = st.size;
    const head = Buffer.alloc(SNIFF_BYTES);
    const headLen = readSync(fd, head, 0, SNIFF_BYTES, 0);
    const s = sniff(head.subarray(0, headLen), path);
    if (s.container === 'gzip') {
      closeSync(fd);
      fd = -1;
      const inner = innerName(path);
      await pumpCompressed(path, {}, 'gzip', new EntrySink(ctx, `${location}!${inner}`, inner, 1), ctx, `${location}!${inner}`, opts.onBytes);
      return result;
    }
    if (s.container === 'zip') {
      const read = (pos: number, len: number) => {
        const b = Buffer.alloc(Math.max(0, Math.min(len, st.size - pos)));
        readSync(fd, b, 0, b.length, pos);
        return b;
      };
      const entries = parseZip(st.size, read, ctx, location);
      for (const e of entries) {
        const where = `${location}!${e.name}`;
        const sink = new EntrySink(ctx, where, e.name, 1);
        if (e.compressedSize === 0) {
          sink.end();
          continue;
        }
        if (e.method === 0) {
          const chunk = Buffer.alloc(1024 * 1024);
          for (let pos = e.dataStart; pos < e.dataStart + e.compressedSize; ) {
            const n = readSync(fd, chunk, 0, Math.min(chunk.length, e.dataStart + e.compressedSize - pos), pos);
            if (n <= 0) break;
            sink.write(Buffer.from(chunk.subarray(0, n)));
            opts.onBytes?.(n);
            pos += n;
          }
          sink.end();
        } else await pumpCompressed(path, { start: e.dataStart, end: e.dataStart + e.compressedSize - 1 }, 'deflate', sink, ctx, where, opts.onBytes);
      }
      return result;
    }
    if (s.container === 'tar') {
      const sink = new TarSink(ctx, location, 1);
      const chunk = Buffer.alloc(1024 * 1024);
      let pos = 0;
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, pos);
        if (n <= 0) break;
        sink.write(Buffer.from(chunk.subarray(0, n)));
        opts.onBytes?.(n);
        pos += n;
      }
      sink.end();
      return result;
    }
    // The fast path: read straight into the scanner's window, one pass, no copy.
    const scanner = new StreamScanner(ctx.table, ctx.chunkSize);
    let pos = 0;
    for (;;) {
      const into = scanner.writable;
      const n = readSync(fd, into, 0, into.length, pos);
      if (n <= 0) break;
      pos += n;
      opts.onBytes?.(n);
      scanner.commit(n);
    }
    finish(ctx, location, s.type, scanner);
    if (pos < st.size) result.gaps.push({ location, operation: 'read', reason: `file shrank while being read (${pos} of ${st.size} bytes)` });
    return result;
  } catch (err) {
    result.gaps.push({ location, operation: 'read', reason: errText(err) });
    return result;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

export const isMemoryArtifact = (t: ArtifactType): boolean => MEMORY_TYPES.has(t);

/**
 * Scan a byte stream that has no file behind it (an S3 object, a blob). A gzip stream is expanded
 * as it arrives, with the same bomb bounds; anything else goes through the same sniffing as an
 * archive member. Never throws: a broken stream becomes a gap.
 */
export async function scanStream(location: string, name: string, source: AsyncIterable<Uint8Array>, opts: FileScanOptions = {}): Promise<FileResult> {
  const result: FileResult = { location, bytes: 0, entries: [], findings: [], gaps: [] };
  const ctx: Ctx = { table: opts.table, limits: { ...DEFAULT_LIMITS, ...opts.limits }, chunkSize: opts.chunkSize, result };
  const it = source[Symbol.asyncIterator]();
  let first: Buffer;
  try {
    const r = await it.next();
    first = r.done ? Buffer.alloc(0) : Buffer.from(r.value);
  } catch (err) {
    result.gaps.push({ location, operation: 'read', reason: errText(err) });
    return result;
  }
  const rest = async function* () {
    yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value);
    }
  };
  const gz = first[0] === 0x1f && first[1] === 0x8b;
  const inner = gz ? innerName(name) : name;
  const where = gz ? `${location}!${inner}` : location;
  const sink = new EntrySink(ctx, where, inner, gz ? 1 : 0);
  try {
    if (!gz) {
      try {
        for await (const c of rest()) {
          result.bytes += c.length;
          opts.onBytes?.(c.length);
          sink.write(c);
        }
      } catch (err) {
        // A broken stream (truncated download): keep what was scanned, like the gzip path does.
        result.gaps.push({ location, operation: 'read', reason: `${errText(err)}; scanned up to there` });
      }
      sink.end();
      return result;
    }
    const z = createGunzip();
    let inBytes = 0;
    let outBytes = 0;
    let stop: ScanGap | undefined;
    const pump = (async () => {
      for await (const c of rest()) {
        inBytes += c.length;
        result.bytes += c.length;
        opts.onBytes?.(c.length);
        if (!z.write(c)) await new Promise((r) => z.once('drain', r));
        if (stop) break;
      }
      z.end();
    })();
    try {
      for await (const c of z as AsyncIterable<Buffer>) {
        outBytes += c.length;
        if (outBytes > ctx.limits.maxExpandedBytes || outBytes > Math.max(1024 * 1024, inBytes * ctx.limits.maxRatio)) {
          stop = {
            location: where,
            operation: 'decompress',
            reason: `decompression bomb: ${inBytes} compressed bytes expanded to more than ${outBytes} (limits: ratio ${ctx.limits.maxRatio}, ${ctx.limits.maxExpandedBytes} bytes); scanned up to there`,
          };
          z.destroy();
          break;
        }
        sink.write(c);
      }
    } catch (err) {
      stop ??= { location: where, operation: 'decompress', reason: `truncated or corrupt gzip data (${errText(err)}); scanned up to there` };
    }
    await pump.catch((err) => {
      stop ??= { location, operation: 'read', reason: errText(err) };
    });
    if (stop) result.gaps.push(stop);
    sink.end();
  } catch (err) {
    result.gaps.push({ location, operation: 'read', reason: errText(err) });
  }
  return result;
}
