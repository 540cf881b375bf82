// Read an inventory snapshot of any size: the file is read in chunks, the top-level record arrays
// (keys, trails, publishedKeys, artifacts, gaps) are split into their elements by a structural scan
// (strings, brackets), and each element is decoded (strict UTF-8) and parsed by JSON.parse, then
// validated on its own. Records come in runs of up to 64 KiB parsed by one JSON.parse each, with no
// structural scan: in an indented file (as `keyhygiene inventory` writes them) a run ends at a closing
// line, in a compact one before the next record that opens as the run's first does; anything a run
// cannot vouch for is read element by element, whose errors name the place. No step holds the file as one string, so a snapshot of a million keys loads
// where `JSON.parse(readFileSync(…))` stops at V8's string limit. The bound on input size stays
// (INPUT_LIMITS.streamed-snapshot, KEYHYGIENE_MAX_INPUT_BYTES), checked before and while reading.
import { isAscii, isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { lineColumn, UserError } from '../errors.ts';
import { INVENTORY_VERSION, type Inventory } from '../model/inventory.ts';
import { jsonProblemWords, jsonSyntaxProblem, parseJsonText } from '../util/json-text.ts';
import { closeInput, firstInvalidUtf8, INPUT_LIMITS, inputLimit, MAX_INPUT_ENV, openInput, readInput, readTextFile, tooLarge } from '../util/read-text.ts';
import { STDIN_ARG } from '../util/stdin-path.ts';
import { Interner, tooDeepAt } from './intern.ts';
import { FAST_PATH_BYTES, parseInventory, SNAPSHOT_JSON } from './parse.ts';
import { headDiagnostics, nestingProblem, RECORD_ARRAYS, type RecordArray, recordDiagnostics, recordValidator, zodRecord } from './validate-part.ts';

const READ_CHUNK = 8 * 1024 * 1024;
/** No single record (or member around the records) may be larger: it would be re-scanned for every chunk read. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const HINT = 'check the path, or write one with `keyhygiene inventory --output FILE`';

const Q = 0x22; // "
const BS = 0x5c; // \
const isWs = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The end (exclusive) of the string whose opening quote is at `i`, or -1 when the buffer ends first. */
function stringEnd(buf: Buffer, i: number, end: number): number {
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(Q, j);
    if (q < 0 || q >= end) return -1;
    let k = q - 1;
    while (buf[k] === BS) k--;
    if ((q - k) % 2 === 1) return q + 1; // an even number of backslashes before it: a real quote
    j = q + 1;
  }
}

/** What a byte means to valueEnd: 0 nothing (skipped), 1 a quote, 2 an opening, 3 a closing bracket, 4 a comma or whitespace. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[Q] = 1;
BYTE_CLASS[0x7b] = BYTE_CLASS[0x5b] = 2;
BYTE_CLASS[0x7d] = BYTE_CLASS[0x5d] = 3;
for (const b of [0x2c, 0x20, 0x0a, 0x0d, 0x09]) BYTE_CLASS[b] = 4;

/** The end (exclusive) of the JSON value starting at `i` (not whitespace), or -1 when the buffer ends first. */
function valueEnd(buf: Buffer, i: number, end: number): number {
  let depth = 0;
  let j = i;
  while (j < end) {
    const c = BYTE_CLASS[buf[j] as number] as number;
    if (c === 0) {
      j++;
      continue;
    }
    if (c === 1) {
      j = stringEnd(buf, j, end);
      if (j < 0) return -1;
      if (depth === 0) return j;
      continue;
    }
    if (c === 2) depth++;
    else if (c === 3) {
      if (depth === 0) return j; // a scalar ended by its container's close
      if (--depth === 0) return j + 1;
    } else if (depth === 0) return j; // a scalar ended by a comma or whitespace
    j++;
  }
  return -1;
}

type Emit = (member: string, value: unknown, at: number) => void;

/** What the scanner hands its records to: one at a time, or a run of them parsed at once. */
interface Sink {
  add: Emit;
  /** Records parsed together; `at(k)` is the absolute offset of the k-th (worked out only when asked, during the call). */
  addMany: (member: string, values: unknown[], at: (k: number) => number) => void;
  fail: (at: number, message: string) => never;
}

/**
 * Runs end within this many bytes of their start. The records of a run are all alive until they are
 * interned, so long runs carry the copies interning drops through the young generation: measured
 * on the bench's realistic estate, runs up to 16–64 KiB read 20–28 % faster than record by record,
 * runs of 1 MiB 18 % slower.
 */
const MAX_RUN_BYTES = 64 * 1024;

/**
 * The end (the offset of its comma) of a run of whole elements starting at the object at `i`, or -1
 * (element by element). Where a run ends is a guess that JSON.parse checks: parsed from a record's
 * `{`, the text up to the guessed comma is an array of whole elements only when the comma is at the
 * array's level (ended inside a string or a nested value, it does not parse), so a wrong guess costs
 * a failed parse, never a wrong record. -1 when there is nothing to guess from.
 */
function runEnd(buf: Buffer, i: number, end: number): number {
  // Back over the indentation only: a search for the last newline would cross a whole compact file
  // for every element (quadratic: 100k compact records took 15 s here).
  let nl = i - 1;
  while (nl >= 0 && (buf[nl] === 0x20 || buf[nl] === 0x09)) nl--;
  if (nl < 0) return -1;
  // Searched within the run's window only (lastIndexOf on the whole buffer goes on back to its start).
  const window = buf.subarray(i, Math.min(end, i + MAX_RUN_BYTES));
  if (buf[nl] === 0x0a) return indentedRunEnd(buf, i, nl, window);
  return nl === i - 1 && (buf[nl] === 0x2c || buf[nl] === 0x5b) ? compactRunEnd(buf, i, window) : -1;
}

/**
 * Indented (every file laid out by JSON.stringify(…, null, n), as `keyhygiene inventory` writes
 * them): raw newlines are never inside a JSON string, so the last line within the window holding the
 * run's own indentation followed by `},` closes an element at the array's level. A file indented
 * otherwise can place that line inside an element: the run then does not parse.
 */
function indentedRunEnd(buf: Buffer, i: number, nl: number, window: Buffer): number {
  const close = Buffer.allocUnsafe(i - nl + 2);
  buf.copy(close, 0, nl, i);
  close[i - nl] = 0x7d; // }
  close[i - nl + 1] = 0x2c; // ,
  const last = window.lastIndexOf(close);
  return last > 0 ? i + last + close.length - 1 : -1;
}

/** A failed run costs a JSON.parse of up to MAX_RUN_BYTES for nothing: after this many, no more are tried. */
const MAX_FAILED_RUNS = 16;

/** Member names longer than this do not start a compact run's pattern. */
const MAX_HEAD_BYTES = 64;

/**
 * Compact (`JSON.stringify(…)` with no indentation): records of one array usually open alike (`{"id":`),
 * so the run ends at the last `},` within the window followed by the run's own opening up to its first
 * colon. A nested object that opens alike (in a list inside a record) makes a run that does not parse.
 */
function compactRunEnd(buf: Buffer, i: number, window: Buffer): number {
  const colon = window.indexOf(0x3a);
  if (colon < 0 || colon > MAX_HEAD_BYTES) return -1;
  const close = Buffer.allocUnsafe(colon + 3);
  close[0] = 0x7d; // }
  close[1] = 0x2c; // ,
  buf.copy(close, 2, i, i + colon + 1);
  const last = window.lastIndexOf(close);
  return last > 0 ? i + last + 1 : -1;
}

/** The text of buf[i, e) when it is valid UTF-8 (ASCII decoded as such, the common case), else undefined. */
function textOf(buf: Buffer, i: number, e: number): string | undefined {
  const bytes = buf.subarray(i, e);
  if (isAscii(bytes)) return buf.toString('latin1', i, e);
  return isUtf8(bytes) ? buf.toString('utf8', i, e) : undefined;
}

/**
 * A resumable scanner over the top-level object: members whose value is one of the record arrays
 * are emitted element by element, any other member as one value. Positions are absolute byte offsets.
 */
class TopLevelScanner {
  private state: 'start' | 'first-key' | 'key' | 'colon' | 'value' | 'after-member' | 'first-element' | 'element' | 'after-element' | 'done' = 'start';
  private member = '';
  private seen = new Set<string>();
  /** Runs are not tried again before this absolute offset (one failed there: read element by element). */
  private noRunBefore = 0;
  /** Runs that did not parse: past MAX_FAILED_RUNS a file whose runs are guessed wrong is read element by element. */
  private failedRuns = 0;
  private readonly sink: Sink;
  private readonly emit: Emit;
  private readonly fail: (at: number, message: string) => never;
  constructor(sink: Sink) {
    this.sink = sink;
    this.emit = sink.add;
    this.fail = sink.fail;
  }

  /** Scan buf[from, end) (buf starts at absolute offset `base`); returns where the unconsumed bytes start. */
  scan(buf: Buffer, from: number, end: number, base: number, final: boolean): number {
    let i = from;
    for (;;) {
      while (i < end && isWs(buf[i] as number)) i++;
      if (i >= end) return i;
      const next = this.step(buf, i, end, base, final);
      if (next < 0) return i;
      i = next;
    }
  }

  /** One token or value at i; -1 when more input is needed. */
  private step(buf: Buffer, i: number, end: number, base: number, final: boolean): number {
    const b = buf[i] as number;
    const at = base + i;
    switch (this.state) {
      case 'start':
        if (b !== 0x7b) this.fail(at, 'the snapshot must be a JSON object.');
        this.state = 'first-key';
        return i + 1;
      case 'first-key':
      case 'key': {
        if (b === 0x7d && this.state === 'first-key') return this.finish(i);
        if (b !== Q) this.fail(at, 'expected a member name (a string in double quotes).');
        const e = stringEnd(buf, i, end);
        if (e < 0) return -1;
        this.member = JSON.parse(buf.toString('utf8', i, e)) as string;
        if (this.seen.has(this.member)) this.fail(at, `the member "${this.member}" appears twice; JSON readers disagree about which one counts.`);
        this.seen.add(this.member);
        this.state = 'colon';
        return e;
      }
      case 'colon':
        if (b !== 0x3a) this.fail(at, 'expected ":" after a member name.');
        this.state = 'value';
        return i + 1;
      case 'value':
        if (b === 0x5b && (RECORD_ARRAYS as readonly string[]).includes(this.member)) {
          this.state = 'first-element';
          return i + 1;
        }
        return this.whole(buf, i, end, base, final);
      case 'first-element':
      case 'element':
      case 'after-element':
        return this.element(buf, i, end, base);
      case 'after-member':
        if (b === 0x2c) {
          this.state = 'key';
          return i + 1;
        }
        if (b === 0x7d) return this.finish(i);
        return this.fail(at, 'expected "," or "}" after a member.');
      default:
        return this.fail(at, 'unexpected content after the end of the snapshot object.');
    }
  }

  private finish(i: number): number {
    this.state = 'done';
    return i + 1;
  }

  private whole(buf: Buffer, i: number, end: number, base: number, final: boolean): number {
    let e = valueEnd(buf, i, end);
    if (e < 0 && final) e = end;
    if (e < 0) return -1;
    this.emit(this.member, parseSlice(buf, i, e, base, this.fail), base + i);
    this.state = 'after-member';
    return e;
  }

  private element(buf: Buffer, i: number, end: number, base: number): number {
    const b = buf[i] as number;
    if (b === 0x5d && this.state !== 'element') {
      this.state = 'after-member';
      return i + 1;
    }
    if (this.state === 'after-element') {
      if (b !== 0x2c) this.fail(base + i, `expected "," or "]" between the elements of "${this.member}".`);
      this.state = 'element';
      return i + 1;
    }
    if (b === 0x7b && base + i >= this.noRunBefore && this.failedRuns < MAX_FAILED_RUNS) {
      const r = this.run(buf, i, end, base);
      if (r > 0) return r;
    }
    const e = valueEnd(buf, i, end);
    if (e < 0) return -1;
    this.emit(this.member, parseSlice(buf, i, e, base, this.fail), base + i);
    this.state = 'after-element';
    return e;
  }

  /**
   * A run of elements parsed by one JSON.parse (no structural scan, one decode): where the run ends
   * (at the comma after it), or -1 to read element by element. Anything the run cannot vouch for (no
   * end found, bytes that are not UTF-8, text that does not parse) goes element by element, whose
   * errors name the place.
   */
  private run(buf: Buffer, i: number, end: number, base: number): number {
    const e = runEnd(buf, i, end);
    if (e < 0) return -1;
    const text = textOf(buf, i, e);
    let values: unknown;
    try {
      values = text === undefined ? undefined : JSON.parse(`[${text}]`);
    } catch {
      values = undefined;
    }
    if (!Array.isArray(values)) {
      this.noRunBefore = base + e;
      this.failedRuns++;
      return -1;
    }
    this.sink.addMany(this.member, values, (k) => base + elementStart(buf, i, e, k));
    this.state = 'after-element';
    return e;
  }

  get complete(): boolean {
    return this.state === 'done';
  }
}

/** The offset of the k-th element of a run of elements (separated by commas) starting at i. */
function elementStart(buf: Buffer, i: number, end: number, k: number): number {
  let j = i;
  for (let n = 0; n < k; n++) {
    j = valueEnd(buf, j, end);
    while (j < end && (isWs(buf[j] as number) || buf[j] === 0x2c)) j++;
  }
  return j;
}

function parseSlice(buf: Buffer, i: number, e: number, base: number, fail: (at: number, message: string) => never): unknown {
  const text = textOf(buf, i, e);
  // Bytes that are not UTF-8 are named at their place in the file.
  if (text === undefined) {
    const bytes = buf.subarray(i, e);
    const at = firstInvalidUtf8(bytes);
    return fail(base + i + at, `the snapshot is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}); save it as UTF-8.`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const p = jsonSyntaxProblem(err, text);
    return fail(base + i + Buffer.byteLength(text.slice(0, p.offset)), jsonProblemWords({ truncated: false, reason: p.reason }, SNAPSHOT_JSON).message);
  }
}

/** Streamed snapshots may be this large (a million realistic keys are about 2.4 GB); KEYHYGIENE_MAX_INPUT_BYTES overrides it. */
export const STREAMED_SNAPSHOT_LIMIT = 16 * 1024 ** 3;
const streamLimit = (): number => (process.env[MAX_INPUT_ENV] ? inputLimit('snapshot') : STREAMED_SNAPSHOT_LIMIT);

/** Knobs for tests: the read size, and the sizes below which the whole-text reader takes over. */
export interface ReadInventoryOptions {
  /** Bytes read at a time (default 8 MiB). */
  chunkSize?: number;
  /** Files smaller than this are read as one text (default 1 MB). */
  wholeTextBelow?: number;
  /** A bad file up to this size is read again as one text for exact diagnostics (default: the whole-text snapshot limit). */
  exactDiagnosticsUpTo?: number;
  /** …and up to this size for the exact place of a schema problem too (default 4 MiB): see EXACT_SCHEMA_BYTES. */
  exactSchemaDiagnosticsUpTo?: number;
}

/**
 * A schema problem is placed exactly by a source map of the whole text (the yaml library's document
 * of it): about 25 bytes of heap and 0.8 µs of CPU a byte of JSON measured, so a 100 MB snapshot with
 * one bad value ran out of memory after minutes. Above this size the streamed reader's own words
 * name the record (its path, line and column) instead; syntax errors are still placed exactly, by
 * JSON.parse of the text, up to exactDiagnosticsUpTo.
 */
const EXACT_SCHEMA_BYTES = 4 * 1024 * 1024;

/**
 * Read and validate a snapshot file of any size. Small files take the whole-text path (exact
 * diagnostics); larger ones are streamed. Any problem is a UserError naming the file, line and column.
 */
export function readInventoryFile(path: string, display: string = path, opts: ReadInventoryOptions = {}): Inventory {
  const fd = openOrThrow(path, display);
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size < (opts.wholeTextBelow ?? FAST_PATH_BYTES)) return wholeText(path, display);
    return streamInventory(fd, st.isFile() ? st.size : undefined, path, display, opts);
  } finally {
    closeInput(fd);
  }
}

/** A small file read as one text (exact diagnostics), refused where the streamed reader refuses it. */
function wholeText(path: string, display: string): Inventory {
  const text = readTextFile(path, 'snapshot', HINT);
  const inv = parseInventory(text, display);
  refuseRepeatedMembers(text, display);
  return inv;
}

/**
 * A top-level member written twice (JSON.parse keeps the last one silently) is refused by the
 * streamed reader's scanner; the whole text goes through the same scanner so a small file is refused too.
 */
function refuseRepeatedMembers(text: string, display: string): void {
  const buf = Buffer.from(text);
  const fail = (at: number, message: string): never => {
    const place = lineColumn(text, buf.toString('utf8', 0, at).length);
    throw new UserError({ file: display, ...place, message, expected: 'a keyhygiene inventory snapshot (JSON)', hint: HINT });
  };
  new TopLevelScanner({ add: () => {}, addMany: () => {}, fail }).scan(buf, 0, buf.length, 0, true);
}

function openOrThrow(path: string, display: string): number {
  try {
    const fd = openInput(path);
    if (fstatSync(fd).isDirectory()) {
      closeInput(fd);
      throw new UserError({ file: display, message: 'the snapshot is a directory.', hint: HINT });
    }
    return fd;
  } catch (err) {
    if (err instanceof UserError) throw err;
    readTextFile(path, 'snapshot', HINT); // the one place that words open errors; it throws
    throw err;
  }
}

function streamInventory(fd: number, size: number | undefined, path: string, display: string, opts: ReadInventoryOptions): Inventory {
  const limit = streamLimit();
  if (size !== undefined && size > limit) throw tooLarge(display, 'snapshot', limit);
  const collected = new Collector(path, display, size, {
    syntax: opts.exactDiagnosticsUpTo ?? INPUT_LIMITS.snapshot,
    schema: Math.min(opts.exactDiagnosticsUpTo ?? INPUT_LIMITS.snapshot, opts.exactSchemaDiagnosticsUpTo ?? EXACT_SCHEMA_BYTES),
  });
  const CHUNK = opts.chunkSize ?? READ_CHUNK;
  const scanner = new TopLevelScanner(collected);
  // One buffer, reused: the unconsumed tail moves to its start and the next chunk is read after it
  // (a new buffer per chunk cost a copy of every byte and fresh pages to fault in).
  let buf: Buffer = Buffer.allocUnsafe(CHUNK * 2);
  let len = 0; // bytes held in buf
  let base = 0; // absolute offset of buf[0]
  let total = 0;
  let from = 0;
  for (;;) {
    if (buf.length - len < CHUNK) buf = grown(buf, len, CHUNK);
    const n = readInput(fd, buf, len, CHUNK, null);
    total += n;
    if (total > limit) throw tooLarge(display, 'snapshot', limit);
    len += n;
    if (base === 0 && total === n && len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3; // a UTF-8 BOM
    const used = scanner.scan(buf, from, len, base, n === 0);
    from = 0;
    if (n === 0) {
      if (!scanner.complete || used < len) collected.truncated(base + used);
      break;
    }
    buf.copyWithin(0, used, len);
    len -= used;
    base += used;
    if (len > MAX_RECORD_BYTES) collected.fail(base, `one record or member is larger than ${MAX_RECORD_BYTES} bytes; a snapshot record is a few kilobytes.`);
  }
  return collected.inventory();
}

/** A buffer holding buf's first `len` bytes with room for `chunk` more. */
function grown(buf: Buffer, len: number, chunk: number): Buffer {
  const next = Buffer.allocUnsafe(len + chunk * 2);
  buf.copy(next, 0, 0, len);
  return next;
}

/** Receives members and records, validates each, and builds the inventory with shared strings. */
class Collector {
  private readonly head: Record<string, unknown> = {};
  private readonly arrays: Record<RecordArray, unknown[]> = { keys: [], trails: [], publishedKeys: [], artifacts: [], gaps: [] };
  private readonly interner = new Interner();
  private readonly path: string;
  private readonly display: string;
  /** Size of a regular file; undefined for a pipe or device (read once, never re-read). */
  private readonly size: number | undefined;
  /** Up to which size a bad file is read again as one text: for any problem, and for a schema problem (a source map). */
  private readonly exactUpTo: { syntax: number; schema: number };
  constructor(path: string, display: string, size: number | undefined, exactUpTo: { syntax: number; schema: number }) {
    this.path = path;
    this.display = display;
    this.size = size;
    this.exactUpTo = exactUpTo;
  }

  add = (member: string, value: unknown, at: number): void => {
    if (!(RECORD_ARRAYS as readonly string[]).includes(member)) {
      this.head[member] = value;
      if (member === 'kind' || member === 'version') this.checkHead(at);
      return;
    }
    const list = this.arrays[member as RecordArray];
    const ok = recordValidator(member as RecordArray);
    list.push(this.interner.record(ok(value) ? value : this.invalid(member as RecordArray, list.length, value, at)));
    if (this.interner.tooDeep) this.tooDeep(member as RecordArray, list.length - 1, at);
  };

  addMany = (member: string, values: unknown[], at: (k: number) => number): void => {
    const list = this.arrays[member as RecordArray];
    const ok = recordValidator(member as RecordArray);
    for (let k = 0; k < values.length; k++) {
      const value = values[k];
      list.push(this.interner.record(ok(value) ? value : this.invalid(member as RecordArray, list.length, value, at(k))));
      if (this.interner.tooDeep) this.tooDeep(member as RecordArray, list.length - 1, at(k));
    }
  };

  /** A record holding a value nested deeper than the interner walks (MAX_RECORD_DEPTH): refused, named by its path, line and column. */
  private tooDeep(member: RecordArray, index: number, at: number): never {
    this.exactDiagnostics();
    throw new UserError({ ...this.where(at), ...nestingProblem(member, index, tooDeepAt(this.arrays[member][index]) ?? []) });
  }

  fail = (at: number, message: string): never => {
    this.exactDiagnostics();
    throw new UserError({ ...this.where(at), message, expected: 'a keyhygiene inventory snapshot (JSON)', hint: HINT });
  };

  truncated(at: number): never {
    this.exactDiagnostics();
    throw new UserError({ ...this.where(at), ...jsonProblemWords({ truncated: true, reason: '' }, SNAPSHOT_JSON) });
  }

  private where(at: number): { file: string; line?: number; column?: number } {
    return { file: this.display, ...(this.size !== undefined ? lineColumnAt(this.path, at) : {}) };
  }

  /**
   * A file the whole-text reader can hold is read again by it for its exact, located diagnostics
   * (it throws); larger files get the streamed reader's own (line and column of the record). Past
   * EXACT_SCHEMA_BYTES only a syntax error is placed that way (JSON.parse; no source map is built).
   */
  private exactDiagnostics(): void {
    // Standard input was read once and cannot be read again: the streamed reader's diagnostics stand.
    if (this.path === STDIN_ARG || this.size === undefined || this.size > this.exactUpTo.syntax) return;
    const text = readTextFile(this.path, 'snapshot', HINT);
    if (this.size <= this.exactUpTo.schema) parseInventory(text, this.display);
    else parseJsonText(text, this.display, SNAPSHOT_JSON);
  }

  private checkHead(at: number): void {
    const { kind, version } = this.head;
    if (kind !== undefined && kind !== 'keyhygiene-inventory')
      throw new UserError({
        ...this.where(at),
        message: `this is not a keyhygiene inventory snapshot (kind is ${JSON.stringify(kind)}).`,
        expected: '"kind": "keyhygiene-inventory"',
        hint: 'pass a file written by `keyhygiene inventory --output FILE`; results of `audit` are not snapshots',
      });
    if (typeof version === 'number' && version > INVENTORY_VERSION)
      throw new UserError({
        ...this.where(at),
        message: `snapshot format version ${version} is newer than this keyhygiene reads (up to ${INVENTORY_VERSION}).`,
        hint: 'upgrade keyhygiene, or write the snapshot with the version that will audit it',
      });
  }

  /** A record the compiled validator refused: zod's reading of it when the schema accepts it, else a located error. */
  private invalid(member: RecordArray, index: number, value: unknown, at: number): unknown {
    const read = zodRecord(member, value);
    if (read !== undefined) return read;
    this.exactDiagnostics();
    const diags = recordDiagnostics(member, index, value, this.display, this.where(at));
    throw new UserError(diags);
  }

  inventory(): Inventory {
    this.checkHead(0);
    const diags = headDiagnostics(this.head, this.display);
    if (diags.length) {
      this.exactDiagnostics();
      throw new UserError(diags);
    }
    return {
      ...(this.head as Pick<Inventory, 'kind' | 'version' | 'generatedAt'>),
      providers: (this.head.providers as Inventory['providers']) ?? [],
      ...this.arrays,
    } as Inventory;
  }
}

/** Line and column (1-based, in bytes) of an absolute byte offset, by a second bounded pass over the file. */
export function lineColumnAt(path: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let fd: number | undefined;
  try {
    // Standard input cannot be read twice (a file named "-" is not it): counted from what we know.
    if (path === STDIN_ARG) throw new Error('standard input');
    fd = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let pos = 0;
    while (pos < offset) {
      const n = readSync(fd, buf, 0, Math.min(READ_CHUNK, offset - pos), pos);
      if (n === 0) break;
      for (let nl = buf.indexOf(0x0a, 0); nl >= 0 && nl < n; nl = buf.indexOf(0x0a, nl + 1)) {
        line++;
        lineStart = pos + nl + 1;
      }
      pos += n;
    }
  } catch {
    // a pipe cannot be read twice: the line is then counted from what we know
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return { line, column: offset - lineStart + 1 };
}
