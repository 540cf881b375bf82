// Expand paths, directories and globs into files. Symlinks are followed; a link back into a
// directory already on the current path is a loop and becomes a gap, as does anything unreadable.
import { type Dirent, lstatSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, join, matchesGlob, resolve, sep } from 'node:path';
import { STDIN_ARG } from '../util/stdin-path.ts';
import type { ScanGap } from './files.ts';

export interface WalkResult {
  files: { path: string; location: string }[];
  /** Pipes named on the command line (`-` for standard input, a FIFO, `<(command)`): read once, as they arrive. */
  streams: { path: string; location: string }[];
  gaps: ScanGap[];
}

/** How standard input (STDIN_ARG, `-`) is shown in reports. */
export const STDIN_LOCATION = '<stdin>';

const GLOB_CHARS = /[*?[{]/;

export const isGlob = (p: string): boolean => GLOB_CHARS.test(p);

/** The directory a glob can start walking from (its segments before the first wildcard). */
export function globRoot(pattern: string): string {
  const parts = pattern.split(/[\\/]/);
  const out: string[] = [];
  for (const p of parts) {
    if (isGlob(p)) break;
    out.push(p);
  }
  const root = out.join(sep);
  return root === '' ? (pattern.startsWith('/') ? '/' : '.') : root;
}

const errText = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(err);
};

/** What kind of special file a stat describes. */
function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/** A path's stat, following links; undefined after naming why it cannot be (loop, dangling link, error) in `gaps`. */
function statOrGap(abs: string, shown: string, gaps: ScanGap[]): Stats | undefined {
  try {
    return statSync(abs);
  } catch (err) {
    let isLink = false;
    try {
      isLink = lstatSync(abs).isSymbolicLink();
    } catch {
      isLink = false;
    }
    const code = (err as NodeJS.ErrnoException).code;
    gaps.push({
      location: shown,
      operation: 'stat',
      reason: code === 'ELOOP' ? 'symlink loop' : isLink ? `dangling symlink (${errText(err)})` : errText(err),
    });
    return undefined;
  }
}

/** A directory's real path and sorted entries; undefined after naming a loop or a read error in `gaps`. */
function directoryOrGap(abs: string, shown: string, ancestors: ReadonlySet<string>, gaps: ScanGap[]): { real: string; entries: Dirent[] } | undefined {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (err) {
    gaps.push({ location: shown, operation: 'stat', reason: errText(err) });
    return undefined;
  }
  if (ancestors.has(real)) {
    gaps.push({ location: shown, operation: 'walk', reason: `symlink loop: ${shown} leads back to ${real}` });
    return undefined;
  }
  try {
    return { real, entries: readdirSync(abs, { withFileTypes: true }).sort((a, b) => byText(a.name, b.name)) };
  } catch (err) {
    gaps.push({ location: shown, operation: 'readdir', reason: errText(err) });
    return undefined;
  }
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Walk inputs (files, directories, globs) relative to baseDir. Results are sorted and unique. */
export function walk(inputs: readonly string[], baseDir: string, maxFiles = 1_000_000): WalkResult {
  const files = new Map<string, string>();
  const streams = new Map<string, string>();
  const gaps: ScanGap[] = [];
  const visit = (abs: string, shown: string, ancestors: Set<string>, filter?: (abs: string) => boolean, named = false) => {
    const st = statOrGap(abs, shown, gaps);
    if (!st) return;
    if (st.isDirectory()) {
      const dir = directoryOrGap(abs, shown, ancestors, gaps);
      if (!dir) return;
      const next = new Set(ancestors).add(dir.real);
      for (const e of dir.entries) {
        if (files.size >= maxFiles) return;
        visit(join(abs, e.name), join(shown, e.name), next, filter);
      }
      return;
    }
    if (filter && !filter(abs)) return;
    if (named && st.isFIFO()) {
      // A pipe the user named (`<(kubectl get secret -o yaml)`, /dev/stdin, mkfifo) is what they want read.
      streams.set(abs, shown);
      return;
    }
    if (!st.isFile()) {
      // Met inside a directory, a FIFO, socket or device is never read (a FIFO would block, a device has
      // no end): said, not skipped silently.
      gaps.push({
        location: shown,
        operation: 'open',
        reason: `${specialKind(st)} is not a regular file; not scanned (copy its contents to a file and scan that)`,
      });
      return;
    }
    if (!files.has(abs)) files.set(abs, shown);
  };
  for (const input of inputs) {
    if (input === STDIN_ARG) streams.set(STDIN_ARG, STDIN_LOCATION);
    else if (isGlob(input)) {
      const pattern = isAbsolute(input) ? input : resolve(baseDir, input);
      const root = globRoot(pattern);
      visit(root, isAbsolute(input) ? root : globRoot(input), new Set(), (abs) => matchesGlob(abs, pattern));
    } else {
      visit(resolve(baseDir, input), input, new Set(), undefined, true);
    }
  }
  const list = [...files.entries()].map(([path, location]) => ({ path, location })).sort((a, b) => byText(a.location, b.location));
  return { files: list, streams: [...streams].map(([path, location]) => ({ path, location })), gaps };
}
