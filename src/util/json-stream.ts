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

function* lazyMembers(value: LazyArray<unknown>, indent: string, depth: number): Generator<string> {
  const inner = `${indent}  `;
  let first = true;
  for (const v of value) {
    yield `${first ? '[' : ','}\n${inner}`;
    first = false;
    yield* members(v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, inner, depth + 1);
  }
  yield first ? '[]' : `\n${indent}]`;
}

/** Lists longer than this, inside a value that could be written whole, are streamed instead. */
const LONG_LIST = 1024;

/**
 * Whether a value below the top levels (a report entry, a key record) can be written by one
 * JSON.stringify: no LazyArray where it would have been streamed, no long list in its members.
 * Streaming such a value member by member costs a generator per member and writes the same bytes.
 */
function wholeFits(value: object, levels: number): boolean {
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (v === null || typeof v !== 'object') continue;
    if (v instanceof LazyArray || (Array.isArray(v) && v.length > LONG_LIST)) return false;
    if (levels > 1 && !wholeFits(v, levels - 1)) return false;
  }
  return true;
}

function* members(value: unknown, indent: string, depth: number): Generator<string> {
  if (value instanceof LazyArray) return yield* lazyMembers(value, indent, depth);
  if (
    depth > STREAM_DEPTH ||
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function' ||
    (depth >= 2 && wholeFits(value, STREAM_DEPTH + 2 - depth))
  ) {
    const text = JSON.stringify(value, null, 2);
    yield indent ? text.replaceAll('\n', `\n${indent}`) : text;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i ? ',' : ''}\n${inner}`;
      const v = value[i];
      // JSON.stringify writes null for holes, undefined and functions in arrays.
      yield* members(v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, inner, depth + 1);
    }
    return yield `\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
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

/**
 * Parts gathered into strings of about 64 KiB, each made by one join: a string grown by `+=` is a
 * rope of every part, which costs several times its length to flatten when it is written (measured:
 * 87 MB of report entries, 0.14–0.66 s through ropes, 0.04 s joined).
 */
function* gathered(parts: Iterable<string>, tail = ''): Generator<string> {
  let held: string[] = [];
  let size = 0;
  for (const part of parts) {
    held.push(part);
    size += part.length;
    if (size >= CHUNK) {
      yield held.join('');
      held = [];
      size = 0;
    }
  }
  held.push(tail);
  const last = held.join('');
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
