// The one output writer: every report, snapshot, starter policy and evidence bundle goes through it.
// Regular files are replaced atomically (a temporary sibling, fsync, rename); character devices and
// FIFOs (/dev/null, /dev/stdout, a named pipe) are written in place; anything else is refused before
// any work is done.
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';

/** What writing to a path will do: create or replace a regular file, or write into a device or pipe. */
export interface OutputTarget {
  /** The path as the user gave it. */
  file: string;
  /** The file actually written (a symlink's target inside the output directory). */
  path: string;
  mode: 'replace' | 'in-place';
}

/** Content as one string or buffer, or as chunks (a large report streamed without one giant string). */
export type OutputContent = string | Uint8Array | Iterable<string | Uint8Array>;

const inside = (dir: string, p: string): boolean => {
  const rel = relative(dir, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

/** A symlink to a regular file is followed only when the file stays inside the link's directory. */
function followLink(file: string, abs: string, flag: string): string {
  const target = realpathSync(abs);
  const dir = realpathSync(dirname(abs));
  if (!inside(dir, target))
    throw new UserError({
      message: `${flag} ${file} is a symbolic link that leaves its directory (to ${target}); keyhygiene does not write through it.`,
      hint: `give the real path (${target}) if that is where the report belongs`,
    });
  return target;
}

/** Classify an output path, or refuse it with exit 2. Call before any collection work. */
export function checkOutputPath(file: string, flag = '--output'): OutputTarget {
  const abs = resolve(file);
  const dir = dirname(abs);
  if (!existsSync(dir))
    throw new UserError({ message: `${flag} ${file}: the directory ${dir} does not exist.`, hint: `create it first (mkdir -p ${dir}) or choose another path` });
  if (!statSync(dir).isDirectory()) throw new UserError({ message: `${flag} ${file}: ${dir} is not a directory.` });
  let lst: Stats;
  try {
    lst = lstatSync(abs);
  } catch {
    return { file, path: abs, mode: 'replace' };
  }
  let st = lst;
  if (lst.isSymbolicLink()) {
    try {
      st = statSync(abs);
    } catch {
      throw new UserError({ message: `${flag} ${file} is a symbolic link to a path that does not exist.`, hint: 'remove the link or give another path' });
    }
  }
  // Devices and pipes are written in place, never replaced: /dev/stdout (a link into /proc) included.
  if (st.isCharacterDevice() || st.isFIFO()) return { file, path: abs, mode: 'in-place' };
  if (st.isFile()) return { file, path: lst.isSymbolicLink() ? followLink(file, abs, flag) : abs, mode: 'replace' };
  throw new UserError({
    message: `${flag} ${file} is ${kindOf(st)}; keyhygiene writes only regular files, character devices (/dev/null, /dev/stdout) and pipes.`,
    hint: st.isDirectory() ? 'give a file name inside the directory' : 'give a regular file path',
  });
}

/** Refuse the same file for two outputs: the second would silently replace the first. */
export function checkDistinctOutputs(targets: readonly OutputTarget[], flag = '--output'): void {
  const seen = new Map<string, OutputTarget>();
  for (const t of targets) {
    if (t.mode === 'in-place') continue;
    const prev = seen.get(t.path);
    if (prev)
      throw new UserError({
        message: `${flag} ${t.file} is given twice${prev.file !== t.file ? ` (also as ${prev.file})` : ''}: the second report would replace the first.`,
        hint: 'give each --format its own --output file',
      });
    seen.set(t.path, t);
  }
}

const chunksOf = (content: OutputContent): Iterable<string | Uint8Array> =>
  typeof content === 'string' || content instanceof Uint8Array ? [content] : content;

function writeAll(fd: number, content: OutputContent): void {
  for (const chunk of chunksOf(content)) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const NOT_ALLOWED = new Set(['EACCES', 'EPERM', 'EROFS']);

/** How the output was being written: a new file renamed into place, or a device or pipe written in place. */
type WriteKind = 'replace' | 'in-place';

function writeError(file: string, err: unknown, kind: WriteKind, existed = false): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof UserError) return err;
  const left =
    kind === 'in-place'
      ? `${file} may hold part of the output.`
      : existed
        ? `the previous ${file} is intact (nothing was replaced).`
        : `nothing was written to ${file}.`;
  if (DISK_FULL.has(code))
    return new UserError({
      message: `cannot write ${file}: the disk is full (${code}); ${left}`,
      hint: 'free space on that file system or write elsewhere, then run again',
    });
  if (NOT_ALLOWED.has(code))
    return new UserError({
      message:
        kind === 'in-place'
          ? `cannot write ${file}: it does not allow writing (${code}); ${left}`
          : `cannot write ${file}: ${dirname(resolve(file))} does not allow it (${code}); ${left}`,
      hint:
        kind === 'in-place'
          ? 'write to a device or pipe you may write to, or to a regular file, then run again'
          : 'write to a directory you can write to (or make this one writable), then run again',
    });
  return new UserError({ message: `cannot write ${file}: ${(err as Error).message}; ${left}` });
}

/**
 * mkdir -p one level at a time. Node's `mkdirSync(…, { recursive: true })` never returns when the parent
 * exists but refuses new entries with ENOENT (/proc/x: it spins at full CPU); one plain mkdir per missing
 * level throws that error instead.
 */
function mkdirEach(abs: string): void {
  const missing: string[] = [];
  for (let p = abs; !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.push(p);
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw err;
    }
  }
  if (!statSync(abs).isDirectory()) throw Object.assign(new Error(`${abs} is not a directory`), { code: 'EEXIST' });
}

/** --output-dir: the directory, created if missing, or one usage paragraph saying why it cannot be. */
export function makeOutputDir(dir: string, flag: string): void {
  try {
    mkdirEach(resolve(dir));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UserError({
      message: `${flag} ${dir}: the directory cannot be created (${code || (err as Error).message}).`,
      expected: 'a directory you can write to (it is created if missing)',
      hint:
        code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a file stands where the directory (or one of its parents) should be: choose another path'
          : 'choose a path in a directory you can write to, or make it writable',
    });
  }
}

const tmpName = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);

/** Write a regular file in full, or leave the previous one untouched: temporary sibling, fsync, rename. */
function replaceFile(target: OutputTarget, content: OutputContent): void {
  const tmp = tmpName(target.path);
  let fd: number | undefined;
  try {
    const prevMode = existsSync(target.path) ? statSync(target.path).mode & 0o777 : 0o644;
    fd = openSync(tmp, 'wx', prevMode);
    writeAll(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target.path);
    syncDir(dirname(target.path));
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw writeError(target.file, err, 'replace', existsSync(target.path));
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  }
}

/** Write one output through the checks of checkOutputPath (pass its result, or a path to check now). */
export function writeOutput(target: OutputTarget | string, content: OutputContent, flag = '--output'): void {
  const t = typeof target === 'string' ? checkOutputPath(target, flag) : target;
  if (t.mode === 'replace') {
    replaceFile(t, content);
    return;
  }
  let fd: number | undefined;
  try {
    fd = openSync(t.path, 'w');
    writeAll(fd, content);
  } catch (err) {
    throw writeError(t.file, err, 'in-place');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Check that a directory can take a fresh bundle: absent, or an empty directory (not a symlink). */
export function checkNewDirectory(dir: string, flag: string): void {
  let lst: Stats | undefined;
  try {
    lst = lstatSync(dir);
  } catch {
    const parent = dirname(resolve(dir));
    if (!existsSync(parent))
      throw new UserError({ message: `${flag} ${dir}: the directory ${parent} does not exist.`, hint: `create it first (mkdir -p ${parent})` });
  }
  if (lst?.isSymbolicLink()) throw new UserError({ message: `${flag} ${dir} is a symbolic link; give a real directory.` });
  if (lst && !lst.isDirectory()) throw new UserError({ message: `${flag} ${dir} exists and is not a directory.` });
  probeSibling(dir, flag);
}

/**
 * The bundle is built in a temporary sibling and renamed into place, so the parent must take a new
 * directory. Ask it now (make and remove an empty one) rather than after the audit: permission bits do
 * not tell (root passes them; /proc refuses new entries whatever they say).
 */
function probeSibling(dir: string, flag: string): void {
  const probe = tmpName(resolve(dir));
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError({
      message: `${flag} ${dir}: ${dirname(resolve(dir))} does not take a new directory (${code}).`,
      expected: 'a new or empty directory inside a directory you can write to',
      hint: 'choose a path in a directory you can write to, or make it writable',
    });
  }
}

/**
 * Write a directory of files all at once: into a temporary sibling directory (every file fsynced),
 * renamed into place at the end. A failure (a full disk) leaves no directory that looks complete.
 */
export function writeDirectory(dir: string, files: readonly { path: string; content: OutputContent }[], flag: string): void {
  const abs = resolve(dir);
  const tmp = tmpName(abs);
  try {
    mkdirSync(tmp, { mode: 0o755 });
    for (const f of files) {
      const target = join(tmp, ...f.path.split('/'));
      if (!inside(tmp, target)) throw new UserError({ message: `${flag}: refusing to write ${f.path} outside the bundle.` });
      mkdirSync(dirname(target), { recursive: true });
      const fd = openSync(target, 'wx', 0o644);
      try {
        writeAll(fd, f.content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    if (existsSync(abs)) rmdirSync(abs); // empty, checked by the caller; rmdir refuses anything else
    renameSync(tmp, abs);
    syncDir(dirname(abs));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const e = writeError(dir, err, 'replace');
    throw new UserError({ ...e.diagnostics[0], message: `${flag}: ${e.diagnostics[0]?.message} No bundle was left behind.` });
  }
}
