// oclif `command_not_found` hook (package.json oclif.hooks): a mistyped command exits 2 with one
// paragraph and the nearest command, instead of @oclif/plugin-not-found's exit 127 with no suggestion
// outside a terminal.
import type { Hook } from '@oclif/core';
import { formatDiagnostic } from '../errors.ts';
import { terminalSafeText } from '../util/terminal.ts';
import { commandNotFound } from './usage-errors.ts';

const hook: Hook.CommandNotFound = async function (opts) {
  const visible = opts.config.commands.filter((c) => !c.hidden);
  const diagnostic = commandNotFound(opts.id, opts.argv ?? [], {
    bin: opts.config.bin,
    commandIds: [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)].sort(),
    topics: opts.config.topics.filter((t) => !t.hidden).map((t) => t.name),
  });
  process.stderr.write(terminalSafeText(`keyhygiene: error: ${formatDiagnostic(diagnostic)}\n`));
  this.exit(2);
};

export default hook;
