// `-` names standard input wherever a command reads an input file (`audit --snapshot -`,
// `audit --iac -`, `scan -`), so `terraform show -json plan.out | keyhygiene audit --iac -` works.
// read-text.ts reads it from fd 0 (openInput).
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';

export const STDIN_ARG = '-';

/** An input file's path resolved against a directory; `-` (standard input) stays `-`. */
export const inputFile = (baseDir: string, file: string): string => (file === STDIN_ARG ? file : resolve(baseDir, file));

/** Standard input can be read once: refuse a command line that names it twice (exit 2). */
export function stdinOnce(named: readonly (readonly [flag: string, files: readonly string[] | undefined])[]): void {
  const readers = named.flatMap(([flag, files]) => (files ?? []).filter((f) => f === STDIN_ARG).map(() => flag));
  if (readers.length > 1)
    throw new UserError({
      message: `standard input (-) is named ${readers.length} times (${readers.join(', ')}); it can be read only once.`,
      hint: 'pipe one input and pass the others as files',
    });
}
