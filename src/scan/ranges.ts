// One plain file scanned as byte ranges, so one large dump can use every core: each range is searched
// by its own StreamScanner with CONTEXT bytes of overlap on both sides (material that starts in a
// range is read whole), and the ranges' findings are merged so that what crosses a boundary is
// reported once. Ranges are pure functions of the file's bytes, so they can run in worker threads.
import { closeSync, openSync, read, readSync } from 'node:fs';
import { streamOffset } from './base64-pem.ts';
import { BignumCollector } from './ec-scalars.ts';
import type { Embedded } from './embedded.ts';
import type { KnownKeyTable } from './known-keys.ts';
import type { WordShape } from './layout.ts';
import { CONTEXT, DEFAULT_CHUNK, type DecodeGap, MAX_EMBEDDED, MAX_FINDINGS, STEP_BYTES, StreamScanner } from './scanner.ts';
import type { RawHit } from './types.ts';

// Files at least SPLIT_MIN bytes are split (the threshold lives beside the workers started early).
export { SPLIT_MIN } from './early-workers.ts';

/** Ranges are multiples of this (8-aligned for the bignum and q-gram grids, which use absolute offsets). */
const RANGE_ALIGN = 1024 * 1024;
/**
 * Bytes in one range, at most: small enough that the threads balance (each claims the next range
 * when it is free, so one that starts late or runs slowly on a busy machine takes fewer), large
 * enough that the CONTEXT read on both sides of each range adds under 1 % to the bytes read.
 */
const RANGE_BYTES = 32 * 1024 * 1024;
/** The last ranges shrink to this, so the thread that finishes first waits little for the others. */
const MIN_RANGE = 4 * 1024 * 1024;

export interface RangeOptions {
  table?: KnownKeyTable;
  chunkSize?: number;
  /** Collect BIGNUM-shaped structures of this word shape (a memory image whose layout maps its memory, with known EC keys); the caller read it from the layout once. */
  word?: WordShape;
  /** Called with the bytes of [start, stop) just read (context bytes are not counted twice). */
  onBytes?: (n: number) => void;
}

/** What one range held: findings and embedded containers at absolute offsets. Serialisable. */
export interface RangeResult {
  start: number;
  stop: number;
  hits: RawHit[];
  embedded: Embedded[];
  overflow: boolean;
  embeddedOverflow: boolean;
  /** Base64-encoded PEM that was cut, invalid or over the limit. */
  decodeGaps?: DecodeGap[];
  /** BIGNUM-shaped structures seen: pointer and limb count, in pairs. */
  pointers?: Float64Array;
  bignumOverflow?: boolean;
  /** Bytes of [start, stop) that could be read (fewer when the file shrank or a read failed). */
  read: number;
  /** Why reading stopped early, if it did. */
  error?: string;
}

/**
 * Split [0, size) into aligned ranges for `jobs` threads, in guided sizes: each takes half of a
 * thread's share of what is left (at most RANGE_BYTES), so the ranges shrink towards the end and the
 * threads finish close together (a worker that starts late, with a cold JIT, takes a small one).
 */
export function planRanges(size: number, jobs: number): { start: number; stop: number }[] {
  const align = (n: number) => Math.max(RANGE_ALIGN, Math.ceil(n / RANGE_ALIGN) * RANGE_ALIGN);
  // Small files (tests split a few MiB) still get several ranges per thread.
  const least = Math.min(MIN_RANGE, align(size / (jobs * 4)));
  const out: { start: number; stop: number }[] = [];
  for (let start = 0; start < size; ) {
    const want = Math.min(RANGE_BYTES, Math.max(least, align((size - start) / (2 * jobs))));
    const stop = Math.min(size, start + want);
    out.push({ start, stop });
    start = stop;
  }
  return out;
}

/** A scanner set up for [start, stop): it takes bytes from `start - lead` (CONTEXT before, 8-aligned) to `end`. */
function rangeScanner(size: number, start: number, stop: number, opts: RangeOptions): { scanner: StreamScanner; from: number; end: number } {
  const scanner = new StreamScanner(opts.table, opts.chunkSize);
  if (opts.word) scanner.bignums = BignumCollector.for(opts.table, opts.word);
  const lead = Math.min(CONTEXT, start) & ~7;
  scanner.range(start, stop, lead);
  return { scanner, from: start - lead, end: Math.min(size, stop + CONTEXT) };
}

/** Bytes of [start, stop) inside the `n` bytes read at `pos`. */
const ownedBytes = (pos: number, n: number, start: number, stop: number): number => Math.max(0, Math.min(pos + n, stop) - Math.max(pos, start));

const readError = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(e?.message ?? err);
};

/** The range's result once its scanner has taken every byte up to `pos` (fewer than asked when reading stopped early). */
function rangeResult(scanner: StreamScanner, start: number, stop: number, pos: number, error: string | undefined): RangeResult {
  const hits = scanner.end();
  const read = Math.max(0, Math.min(pos, stop) - start);
  const b = scanner.bignums;
  return {
    start,
    stop,
    hits,
    embedded: scanner.embedded,
    overflow: scanner.overflow,
    embeddedOverflow: scanner.embeddedOverflow,
    ...(scanner.decodeGaps.length ? { decodeGaps: scanner.decodeGaps } : {}),
    read,
    ...(b ? { pointers: b.export(), bignumOverflow: b.overflow } : {}),
    ...(error ? { error } : {}),
  };
}

/** Scan [start, stop) of an open file, reading CONTEXT bytes on both sides, one blocking read at a time. Never throws: a failed read is `error`. */
export function scanRangeFd(fd: number, size: number, start: number, stop: number, opts: RangeOptions): RangeResult {
  const { scanner, from, end } = rangeScanner(size, start, stop, opts);
  let pos = from;
  let error: string | undefined;
  try {
    while (pos < end) {
      const into = scanner.writable;
      const n = readSync(fd, into, 0, Math.min(into.length, end - pos, STEP_BYTES), pos);
      if (n <= 0) break;
      const owned = ownedBytes(pos, n, start, stop);
      if (owned) opts.onBytes?.(owned);
      pos += n;
      scanner.commit(n);
    }
  } catch (err) {
    error = readError(err);
  }
  return rangeResult(scanner, start, stop, pos, error);
}

/**
 * Bytes asked for by one read of the overlapped reader, and how many of its reads are under way at
 * once. The reads run on libuv's thread pool, so copying the file's bytes out of the page cache (as
 * much CPU as the scan itself) happens on other cores while this thread searches what was read before.
 */
const READ_BYTES = 2 * 1024 * 1024;
const IN_FLIGHT = 3;
/** The smallest read: the first after the window moved (the scan waits for it) and the last before it is full. */
const FIRST_READ = 256 * 1024;
/** The window of a range read this way (more room: fewer moves of the window, each of which waits for the reads under way). */
const ASYNC_CHUNK = 16 * 1024 * 1024;

interface PendingRead {
  n: number;
  done: Promise<number>;
}

function readAt(fd: number, into: Buffer, at: number, n: number, pos: number): PendingRead {
  const done = new Promise<number>((resolve, reject) => read(fd, into, at, n, pos, (err, got) => (err ? reject(err) : resolve(got))));
  done.catch(() => {}); // awaited in order later; a read that fails meanwhile is not an unhandled rejection
  return { n, done };
}

/** Start reads into the window's free space (`room`, which begins at file offset `pos`) up to IN_FLIGHT; returns the new end of what was asked for. */
function issueReads(fd: number, room: Buffer, pos: number, issued: number, end: number, reads: PendingRead[]): number {
  let next = issued;
  while (reads.length < IN_FLIGHT && next < end && next - pos < room.length) {
    const at = next - pos;
    // Graded: small while little is coming (the scan starts soon after the window moved) and near the
    // window's end (the readers are not left idle while the scan finishes a large last read).
    const n = Math.min(READ_BYTES, Math.max(FIRST_READ, Math.min(at, (room.length - at) >> 1)), room.length - at, end - next);
    reads.push(readAt(fd, room, at, n, next));
    next += n;
  }
  return next;
}

/** Wait for every read still under way (none may write into the window once it is handed back), ignoring their outcome. */
async function settle(reads: PendingRead[]): Promise<void> {
  for (const r of reads.splice(0)) await r.done.catch(() => 0);
}

/**
 * scanRangeFd with the reading overlapped: the next reads fill the window's free space on the thread
 * pool while this thread scans what the previous ones brought. The same bytes in the same order reach
 * the scanner, so the result is the same (tests compare the two). Never throws.
 */
export async function scanRangeFdAsync(fd: number, size: number, start: number, stop: number, opts: RangeOptions): Promise<RangeResult> {
  // A range larger than the usual window gets the large one (a small file keeps the usual, shared with the other scanners of this thread).
  const chunkSize = opts.chunkSize ?? (Math.min(size, stop + CONTEXT) - start > DEFAULT_CHUNK ? ASYNC_CHUNK : undefined);
  const { scanner, from, end } = rangeScanner(size, start, stop, { ...opts, chunkSize });
  const reads: PendingRead[] = [];
  let pos = from;
  let issued = from;
  let error: string | undefined;
  try {
    while (pos < end) {
      issued = issueReads(fd, scanner.writable, pos, issued, end, reads);
      const r = reads.shift() as PendingRead;
      const n = await r.done;
      if (n <= 0) break;
      const owned = ownedBytes(pos, n, start, stop);
      if (owned) opts.onBytes?.(owned);
      pos += n;
      scanner.commit(n);
      if (n < r.n) {
        // A short read: the reads after it were placed for bytes that did not come; read on from here.
        await settle(reads);
        issued = pos;
      }
    }
  } catch (err) {
    error = readError(err);
  }
  await settle(reads);
  return rangeResult(scanner, start, stop, pos, error);
}

/** Scan a range of a file by path (a thread's task), its reads overlapped with the scan. */
export async function scanRange(path: string, size: number, start: number, stop: number, opts: RangeOptions): Promise<RangeResult> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { start, stop, hits: [], embedded: [], overflow: false, embeddedOverflow: false, read: 0, error: String((err as Error).message) };
  }
  try {
    return await scanRangeFdAsync(fd, size, start, stop, opts);
  } finally {
    closeSync(fd);
  }
}

/**
 * Merge ranges (in file order) into one result as one pass over the whole file would give: a hit of
 * a later range inside material an earlier range already reported (it crossed the boundary, or both
 * saw the same needle in the overlap) is dropped; embedded containers are kept once per offset.
 */
export function mergeRanges(parts: readonly RangeResult[]): Omit<RangeResult, 'start' | 'stop' | 'error'> & { errors: string[] } {
  const sorted = [...parts].sort((a, b) => a.start - b.start);
  const hits: RawHit[] = [];
  const embedded: Embedded[] = [];
  const seenEmbedded = new Set<number>();
  const decodeGaps: DecodeGap[] = [];
  let covered = -1;
  let overflow = false;
  let embeddedOverflow = false;
  for (const p of sorted) {
    let reach = covered;
    for (const h of p.hits) {
      if (streamOffset(h) < covered) continue;
      if (hits.length >= MAX_FINDINGS) overflow = true;
      else hits.push(h);
      reach = Math.max(reach, h.base64End ?? h.offset + h.length);
    }
    covered = reach;
    for (const e of p.embedded) {
      if (seenEmbedded.has(e.offset)) continue;
      seenEmbedded.add(e.offset);
      if (embedded.length >= MAX_EMBEDDED) embeddedOverflow = true;
      else embedded.push(e);
    }
    for (const g of p.decodeGaps ?? []) if (!decodeGaps.some((d) => d.offset === g.offset)) decodeGaps.push(g);
    overflow ||= p.overflow;
    embeddedOverflow ||= p.embeddedOverflow;
  }
  const withPointers = sorted.filter((p) => p.pointers);
  return {
    hits,
    embedded,
    overflow,
    embeddedOverflow,
    decodeGaps,
    read: sorted.reduce((s, p) => s + p.read, 0),
    errors: sorted.flatMap((p) => (p.error ? [`${p.error} (bytes ${p.start}–${p.stop})`] : [])),
    ...(withPointers.length
      ? { pointers: concatPointers(withPointers.map((p) => p.pointers as Float64Array)), bignumOverflow: withPointers.some((p) => p.bignumOverflow) }
      : {}),
  };
}

function concatPointers(list: Float64Array[]): Float64Array {
  const out = new Float64Array(list.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of list) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
