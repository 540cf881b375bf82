import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { formatDiagnostic, UserError } from '../errors.ts';
import { terminalSafe, terminalSafeText } from '../util/terminal.ts';
import { flagSpellings, parseErrorAsUsage } from './usage-errors.ts';

export const EXIT_CODE_HELP = `EXIT CODES
  0  clean: no failure at or above --fail-on, and the audit is complete
  1  failures at or above --fail-on (default high); findings are never masked by an incomplete audit
  2  usage or input error: bad flag, policy, snapshot or file (nothing is written)
  3  audit incomplete: collection gaps, unknown or error outcomes (unless --allow-incomplete)
  4  internal error: a bug in keyhygiene (rerun with --debug and report it)`;

export const EXIT_INTERNAL = 4;

/** Shared error handling: user errors print one clear message and exit 2, never a stack trace. */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({ description: "print stack traces for errors, and keep each gap's raw service answer (detail) in reports", helpGroup: 'GLOBAL' }),
  };

  protected get debugEnabled(): boolean {
    return this.argv.includes('--debug');
  }

  /** Warnings carry provider messages (names, paths from the cloud): escaped like every untrusted string. */
  override warn(input: string | Error): string | Error {
    return super.warn(typeof input === 'string' ? terminalSafeText(input) : input);
  }

  protected override async catch(thrown: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const err = this.asUsageError(thrown) ?? thrown;
    if (err instanceof UserError) {
      process.exitCode = err.exitCode;
      if (this.jsonEnabled()) this.logJson({ error: { code: 'input', exitCode: err.exitCode, message: err.message, diagnostics: err.diagnostics } });
      else process.stderr.write(terminalSafeText(`${err.diagnostics.map((d) => `keyhygiene: error: ${formatDiagnostic(d)}`).join('\n')}\n`));
      if (this.debugEnabled && err.stack) process.stderr.write(`${err.stack}\n`);
      return undefined;
    }
    // oclif's own errors (unknown flag, bad option value, exit) carry their exit code and print cleanly.
    if (err.oclif?.exit !== undefined) return super.catch(err);
    process.exitCode = EXIT_INTERNAL;
    process.stderr.write(`keyhygiene: internal error: ${terminalSafe(err.message)}\n  This is a bug. Rerun with --debug for the stack trace and report it.\n`);
    if (this.debugEnabled && err.stack) process.stderr.write(`${err.stack}\n`);
    return undefined;
  }

  /** An unknown flag or a flag value outside its options, as one paragraph with the nearest spelling. */
  private asUsageError(err: Error): UserError | undefined {
    const ctor = this.constructor as typeof BaseCommand;
    const flags = { ...ctor.baseFlags, ...ctor.flags, ...(ctor.enableJsonFlag ? { json: {} } : {}) };
    return parseErrorAsUsage(err, `${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim(), flagSpellings(flags));
  }
}
