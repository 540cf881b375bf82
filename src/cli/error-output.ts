// How a command's failure is printed on stderr, without oclif: BaseCommand.catch uses these, and so
// does the scan fast start (scan-fast.ts), so an error reads and exits the same on either path.
import { formatDiagnostic, type UserError } from '../errors.ts';
import { terminalSafe, terminalSafeText } from '../util/terminal.ts';

export const EXIT_INTERNAL = 4;

/** A user error: one `keyhygiene: error:` paragraph per diagnostic, exit 2 (its code); the stack only with --debug. */
export function printUserError(err: UserError, debug: boolean): void {
  process.exitCode = err.exitCode;
  process.stderr.write(terminalSafeText(`${err.diagnostics.map((d) => `keyhygiene: error: ${formatDiagnostic(d)}`).join('\n')}\n`));
  if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
}

/** Anything else is a bug: exit 4, one line asking for a report; the stack only with --debug. */
export function printInternalError(err: Error, debug: boolean): void {
  process.exitCode = EXIT_INTERNAL;
  process.stderr.write(`keyhygiene: internal error: ${terminalSafe(err.message)}\n  This is a bug. Rerun with --debug for the stack trace and report it.\n`);
  if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
}
