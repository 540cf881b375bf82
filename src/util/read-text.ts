// The one way the command shell and providers read a text input file: a missing, unreadable or
// special file is a UserError (exit 2) naming the file and the fix. Providers get it injected as
// CollectContext.readText and never import node:fs for their inputs.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

export function readTextFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${code ?? (err as Error).message})`;
    throw new UserError({ file, message: `the ${what} ${why}.`, hint });
  }
}
