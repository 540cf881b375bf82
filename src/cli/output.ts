import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

/** True when ANSI colour should be used on this stream (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Fail early, before any work, when an output cannot be written. */
export function checkOutputPath(file: string, flag = '--output'): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir))
    throw new UserError({ message: `${flag} ${file}: the directory ${dir} does not exist.`, hint: `create it first (mkdir -p ${dir}) or choose another path` });
  if (!statSync(dir).isDirectory()) throw new UserError({ message: `${flag} ${file}: ${dir} is not a directory.` });
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError({ message: `${flag} ${file} is a directory; give a file name.` });
}

/** Write the whole file or nothing: a temporary sibling renamed into place. */
export function writeFileAtomic(file: string, content: string): void {
  const abs = resolve(file);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, abs);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UserError({ message: `cannot write ${file}: ${(err as Error).message}` });
  }
}
