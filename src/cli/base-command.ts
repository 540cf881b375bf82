import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.ts';
import { terminalSafeText } from '../util/terminal.ts';
import { printInternalError, printUserError } from './error-output.ts';
import { flagSpellings, parseErrorAsUsage } from './usage-errors.ts';

export const EXIT_CODE_HELP = `EXIT CODES
  0  clean: no failure at or above --fail-on, and the audit is complete
  1  failures at or above --fail-on (default high); findings are never masked by an incomplete audit
  2  usage or input error: bad flag, policy, snapshot or file (nothing is written)
  3  audit incomplete: collection gaps, unknown or error outcomes (unless --allow-incomplete)
  4  internal error: a bug in keyhygiene (rerun with --debug and report it)`;

export { EXIT_INTERNAL } from './error-output.ts';

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
      if (!this.jsonEnabled()) return printUserError(err, this.debugEnabled);
      process.exitCode = err.exitCode;
      this.logJson({ error: { code: 'input', exitCode: err.exitCode, message: err.message, diagnostics: err.diagnostics } });
      if (this.debugEnabled && err.stack) process.stderr.write(`${err.stack}\n`);
      return undefined;
    }
    // oclif's own errors (unknown flag, bad option value, exit) carry their exit code and print cleanly.
    if (err.oclif?.exit !== undefined) return super.catch(err);
    return printInternalError(err, this.debugEnabled);
  }

  /** An unknown flag or a flag value outside its options, as one paragraph with the nearest spelling. */
  private asUsageError(err: Error): UserError | undefined {
    const ctor = this.constructor as typeof BaseCommand;
    const flags = { ...ctor.baseFlags, ...ctor.flags, ...(ctor.enableJsonFlag ? { json: {} } : {}) };
    return parseErrorAsUsage(err, `${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim(), flagSpellings(flags));
  }
}
