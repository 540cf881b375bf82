// The one way the command shell and providers read an input file: bounded (a size limit per kind of
// input, checked before reading a regular file and while reading a device or pipe such as /dev/zero),
// strictly UTF-8 for text (an invalid byte is named by line and column), and a missing, unreadable or
// special file is a UserError (exit 2) naming the file and the fix. Providers get it injected as
// CollectContext.readText and never import node:fs for their inputs.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { STDIN_ARG } from './stdin-path.ts';

const MiB = 1024 * 1024;

/** Default size limits by kind of input; KEYHYGIENE_MAX_INPUT_BYTES overrides them all. */
export const INPUT_LIMITS = {
  policy: 4 * MiB,
  framework: 4 * MiB,
  'key set': 16 * MiB,
  'signing key': 1 * MiB,
  snapshot: 256 * MiB,
  result: 256 * MiB,
  evidence: 256 * MiB,
  other: 64 * MiB,
} as const;
export type InputKind = keyof typeof INPUT_LIMITS;
export const MAX_INPUT_ENV = 'KEYHYGIENE_MAX_INPUT_BYTES';

const human = (n: number): string => (n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);

/** The limit for a kind of input, after the environment override. */
export function inputLimit(kind: InputKind, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_INPUT_ENV];
  if (raw === undefined || raw === '') return INPUT_LIMITS[kind];
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UserError({ message: `${MAX_INPUT_ENV}=${raw} is not a positive whole number of bytes.`, hint: `e.g. ${MAX_INPUT_ENV}=${512 * MiB}` });
  return n;
}

function openError(file: string, what: string, hint: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES'
        ? 'cannot be read (permission denied)'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code ?? (err as Error).message})`;
  return new UserError({ file, message: `the ${what} ${why}.`, hint });
}

export const tooLarge = (file: string, what: string, limit: number): UserError =>
  new UserError({
    file,
    message: `the ${what} is larger than ${human(limit)}, the limit for this kind of input; nothing was read past it.`,
    hint: `check that this is the right file; to accept a larger one, set ${MAX_INPUT_ENV}=<bytes>`,
  });

/** Open an input file for reading; `-` is standard input, read from fd 0 itself (/dev/stdin cannot be opened when it is a socket: ENXIO). */
export const openInput = (file: string): number => (file === STDIN_ARG ? 0 : openSync(file, 'r'));

/** Close what openInput opened; standard input stays open. */
export function closeInput(fd: number): void {
  if (fd !== 0) closeSync(fd);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** readSync that waits on a non-blocking pipe (EAGAIN) instead of failing: standard input may be one. */
export function readInput(fd: number, buf: Uint8Array, offset: number, length: number, position: number | null): number {
  for (;;) {
    try {
      return readSync(fd, buf, offset, length, position);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/** Read a whole input file, never more than `limit` bytes. */
export function readInputBytes(file: string, what: string, hint: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openInput(file);
  } catch (err) {
    throw openError(file, what, hint, err);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UserError({ file, message: `the ${what} is a directory.`, hint });
    if (st.isFile() && st.size > limit) throw tooLarge(file, what, limit);
    // Regular files are read to their size; devices and pipes until end of input or the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 * MiB, limit + 1 - total));
      const n = readInput(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw tooLarge(file, what, limit);
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw openError(file, what, hint, err);
  } finally {
    closeInput(fd);
  }
}

/** Decode UTF-8 strictly: an invalid byte sequence is a UserError at its line and column. */
export function decodeUtf8(bytes: Uint8Array, file: string, what: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = Buffer.from(bytes.subarray(0, at)).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new UserError({
      file,
      line,
      column,
      message: `the ${what} is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}).`,
      hint: 'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
    });
  }
}

/** Offset of the first byte of the first invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    const c1 = b[i + 1] as number;
    if (len > 1) {
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo || c1 > hi) return i;
    }
    for (let k = 2; k < len; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return b.length;
}

/** Read a text input file: bounded by the limit for its kind, strictly UTF-8. */
export function readTextFile(file: string, what: string, hint: string, kind: InputKind = kindOf(what)): string {
  return decodeUtf8(readInputBytes(file, what, hint, inputLimit(kind)), file, what);
}

/** The limit kind from the description callers already give ("policy file", "snapshot"…). */
function kindOf(what: string): InputKind {
  for (const k of Object.keys(INPUT_LIMITS) as InputKind[]) if (what.includes(k)) return k;
  if (what.includes('baseline')) return 'result';
  return 'other';
}
