// Report flags and writing shared by the commands that evaluate a policy (audit, demo).
import { Flags } from '@oclif/core';
import type { AuditResult } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import { SEVERITIES } from '../model/common.ts';
import { FORMAT_IDS, findReporter } from '../report/index.ts';
import { reportMeta } from '../report/meta.ts';
import { type ReportMeta, renderedChunks } from '../report/types.ts';
import { checkDistinctOutputs, checkOutputPath, type OutputTarget, writeOutput } from '../util/output-writer.ts';
import { nowFlag } from './flags.ts';
import { useColor } from './output.ts';

export const reportFlags = {
  format: Flags.string({ char: 'f', description: 'report format (repeatable)', options: FORMAT_IDS, multiple: true, helpValue: 'FORMAT' }),
  output: Flags.string({ char: 'o', description: 'write the format at the same position to FILE (repeatable)', multiple: true, helpValue: 'FILE' }),
  'fail-on': Flags.string({
    description: 'lowest severity that makes the exit code 1',
    options: [...SEVERITIES.filter((s) => s !== 'info'), 'none'],
    default: 'high',
  }),
  'allow-incomplete': Flags.boolean({ description: 'exit 0 or 1 even when data could not be read (gaps stay in the report)' }),
  'include-passed': Flags.boolean({ description: 'list passing results too, not only their counts' }),
  now: nowFlag,
  json: Flags.boolean({ description: 'shortcut for --format json to stdout' }),
};

export interface ReportPlan {
  formats: string[];
  outputs: OutputTarget[];
}

/** Pair --format with --output and check every output path, before any work is done. */
export function planReports(flags: { format?: string[]; output?: string[]; json?: boolean }): ReportPlan {
  const formats = [...(flags.format ?? [])];
  if (flags.json) formats.push('json');
  if (formats.length === 0) formats.push('text');
  const outputs = flags.output ?? [];
  if (outputs.length > formats.length) {
    throw new UserError({
      message: `${outputs.length} --output given for ${formats.length} --format.`,
      hint: 'give one --format per --output, in the same order',
    });
  }
  const toStdout = formats.slice(outputs.length);
  if (toStdout.length > 1) {
    throw new UserError({ message: `formats ${toStdout.join(' and ')} would all go to stdout.`, hint: 'add an --output FILE for each format but one' });
  }
  const targets = outputs.map((o) => checkOutputPath(o));
  checkDistinctOutputs(targets);
  return { formats, outputs: targets };
}

/** Render each format to its file, or to stdout, streamed in chunks where the reporter can. */
export function writeReports(result: AuditResult, plan: ReportPlan, extra: Partial<ReportMeta> = {}): void {
  const meta = reportMeta({ color: false, srcRoot: process.cwd(), ...extra });
  plan.formats.forEach((format, i) => {
    const reporter = findReporter(format);
    if (!reporter) throw new UserError({ message: `unknown format ${format}`, expected: FORMAT_IDS.join(', ') });
    const out = plan.outputs[i];
    if (out) writeOutput(out, renderedChunks(reporter, result, meta));
    else
      for (const chunk of renderedChunks(reporter, result, { ...meta, color: useColor(process.stdout), width: process.stdout.columns }))
        process.stdout.write(chunk);
  });
}
