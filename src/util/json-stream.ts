// JSON.stringify(value, null, 2), byte for byte, as a sequence of chunks: a report of hundreds of
// thousands of keys never becomes one string (V8 caps a string near 512 MiB: "Invalid string length").

const CHUNK = 1 << 16;

/**
 * An array whose items are made while it is written: jsonChunks streams it member by member, so a
 * million report entries never exist at once; JSON.stringify (small documents) sees a plain array.
 */
export class LazyArray<T> {
  private readonly items: () => Iterable<T>;
  constructor(items: () => Iterable<T>) {
    this.items = items;
  }
  [Symbol.iterator](): Iterator<T> {
    return this.items()[Symbol.iterator]();
  }
  toJSON(): T[] {
    return [...this.items()];
  }
}

/** Arrays and objects this deep or shallower are streamed member by member; deeper ones stringified whole. */
const STREAM_DEPTH = 3;

/** Lists longer than this, inside a value that could be written whole, are streamed instead. */
const LONG_LIST = 1024;

/** What JSON.stringify writes for an array item: null for undefined, functions and symbols. */
const item = (v: unknown): unknown => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v);

/**
 * Whether a value below the top levels (a report entry, a key record) can be written by one
 * JSON.stringify: no LazyArray where it would have been streamed, no long list in its members.
 * Streaming such a value member by member costs a generator per member and writes the same bytes.
 */
function wholeFits(value: object, levels: number): boolean {
  if (Array.isArray(value)) {
    for (const v of value) if (!fitsIn(v, levels)) return false;
    return true;
  }
  for (const k in value) if (!fitsIn((value as Record<string, unknown>)[k], levels)) return false;
  return true;
}

function fitsIn(v: unknown, levels: number): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (v instanceof LazyArray || (Array.isArray(v) && v.length > LONG_LIST)) return false;
  return levels <= 1 || wholeFits(v, levels - 1);
}

/** Whether `members` writes the value at `depth` by one JSON.stringify. */
const writtenWhole = (value: unknown, depth: number): boolean =>
  depth > STREAM_DEPTH ||
  value === null ||
  typeof value !== 'object' ||
  typeof (value as { toJSON?: unknown }).toJSON === 'function' ||
  (depth >= 2 && wholeFits(value, STREAM_DEPTH + 2 - depth));

/** The value wrapped in `levels` arrays: JSON.stringify then indents it as deep as `levels` levels. */
function wrapped(value: unknown, levels: number): unknown {
  let v = value;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** Where the value starts and how much follows it in the text of the value wrapped `levels` deep. */
const FRAMES: { head: number; tail: number }[] = [];
function frame(levels: number): { head: number; tail: number } {
  let f = FRAMES[levels];
  if (!f) {
    const probe = JSON.stringify(wrapped(0, levels), null, 2);
    const head = probe.indexOf('0');
    f = { head, tail: probe.length - head - 1 };
    FRAMES[levels] = f;
  }
  return f;
}

/**
 * JSON.stringify(value, null, 2) with every line after the first indented by `indent` (two spaces a
 * level): stringified inside as many arrays, whose brackets are cut off, so the text is made in one
 * pass (a replaceAll of every newline cost a second pass and a second copy).
 */
function indented(value: unknown, indent: string): string {
  if (!indent) return JSON.stringify(value, null, 2);
  const levels = indent.length / 2;
  const text = JSON.stringify(wrapped(value, levels), null, 2);
  const { head, tail } = frame(levels);
  return text.slice(head, text.length - tail);
}

/**
 * Parts held until they come to about 64 KiB, then joined once: a string grown by `+=` is a rope of
 * every part, which costs several times its length to flatten when it is written (measured: 87 MB
 * of report entries, 0.14–0.66 s through ropes, 0.04 s joined).
 */
class Held {
  private parts: string[] = [];
  size = 0;
  push(part: string): void {
    this.parts.push(part);
    this.size += part.length;
  }
  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return text;
  }
}

/**
 * A LazyArray's items, gathered into parts of about 64 KiB here: an item written whole is one
 * JSON.stringify pushed onto the part, not a part handed up through the generators above it.
 */
function* lazyMembers(value: LazyArray<unknown>, indent: string, depth: number): Generator<string> {
  const inner = `${indent}  `;
  const held = new Held();
  let first = true;
  for (const raw of value) {
    const v = item(raw);
    held.push(first ? `[\n${inner}` : `,\n${inner}`);
    first = false;
    if (!writtenWhole(v, depth + 1)) {
      yield held.take();
      yield* members(v, inner, depth + 1);
      continue;
    }
    held.push(indented(v, inner));
    if (held.size >= CHUNK) yield held.take();
  }
  held.push(first ? '[]' : `\n${indent}]`);
  yield held.take();
}

function* members(value: unknown, indent: string, depth: number): Generator<string> {
  if (value instanceof LazyArray) return yield* lazyMembers(value, indent, depth);
  if (writtenWhole(value, depth)) return yield indented(value, indent);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      yield* members(item(value[i]), inner, depth + 1);
    }
    return yield `\n${indent}]`;
  }
  const entries = Object.entries(value as object).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) return yield '{}';
  yield '{';
  let first = true;
  for (const [k, v] of entries) {
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* members(v, inner, depth + 1);
  }
  yield `\n${indent}}`;
}

/** Parts gathered into strings of about 64 KiB, each made by one join (Held). */
function* gathered(parts: Iterable<string>, tail = ''): Generator<string> {
  const held = new Held();
  for (const part of parts) {
    // A part as large as a chunk (a LazyArray's items, gathered above) goes out as it is.
    if (part.length >= CHUNK) {
      if (held.size > 0) yield held.take();
      yield part;
      continue;
    }
    held.push(part);
    if (held.size >= CHUNK) yield held.take();
  }
  held.push(tail);
  const last = held.take();
  if (last) yield last;
}

/** JSON.stringify(value, null, 2) + "\n" in chunks of about 64 KiB. */
export function jsonChunks(value: unknown): Generator<string> {
  return gathered(members(value, '', 0), '\n');
}

/** Strings gathered into chunks of about 64 KiB, for the output writer. */
export function chunked(parts: Iterable<string>): Generator<string> {
  return gathered(parts);
}

/** Lines as newline-terminated parts (a report written line by line). */
export function* lineChunks(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

/** The parts as one string (small reports, tests): the same bytes as the chunks. */
export function joined(parts: Iterable<string>): string {
  return Array.from(parts).join('');
}

/** A JSON array with one compact element per line (`[\n{…},\n{…}\n]\n`, or `[]\n`), lazily. */
export function* jsonArrayLines(items: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const x of items) {
    yield `${first ? '[\n' : ',\n'}${JSON.stringify(x)}`;
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}
