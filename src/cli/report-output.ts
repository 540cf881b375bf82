// Report flags and writing shared by the commands that evaluate a policy (audit, demo).
import { join, resolve } from 'node:path';
import * as Flags from '@oclif/core/flags';
import type { AuditResult } from '../engine/result.ts';
import { withFields } from '../engine/result-view.ts';
import { UserError } from '../errors.ts';
import { SEVERITIES } from '../model/common.ts';
import { DEFAULT_REPORT_LIMIT } from '../report/bound.ts';
import { FORMAT_IDS, findReporter } from '../report/index.ts';
import { policyLinesOf, reportMeta } from '../report/meta.ts';
import { type ReportMeta, renderedChunks } from '../report/types.ts';
import { checkDistinctOutputs, checkOutputPath, makeOutputDir, type OutputTarget, writeOutput } from '../util/output-writer.ts';
import { nowFlag } from './flags.ts';
import { useColor } from './output.ts';

export const reportFlags = {
  format: Flags.string({
    char: 'f',
    description: 'report format (repeatable, or comma-separated; env KEYHYGIENE_FORMAT)',
    options: FORMAT_IDS,
    multiple: true,
    delimiter: ',',
  }),
  output: Flags.string({ char: 'o', description: 'write the format at the same position to FILE (repeatable)', multiple: true, helpValue: 'FILE' }),
  'output-dir': Flags.string({
    char: 'd',
    description: 'write every --format that has no --output to DIR/keyhygiene.<ext> (created if missing); the text table still goes to stdout',
    env: 'KEYHYGIENE_OUTPUT_DIR',
    helpValue: 'DIR',
  }),
  'sarif-category': Flags.string({
    description: 'SARIF runAutomationDetails id, to keep several audits apart in code scanning (e.g. aws-prod)',
    env: 'KEYHYGIENE_SARIF_CATEGORY',
    helpValue: 'NAME',
  }),
  'fail-on': Flags.string({
    description: 'lowest severity that makes the exit code 1',
    options: [...SEVERITIES.filter((s) => s !== 'info'), 'none'],
    default: 'high',
    env: 'KEYHYGIENE_FAIL_ON',
  }),
  'allow-incomplete': Flags.boolean({
    description: 'exit 0 or 1 even when data could not be read (gaps stay in the report)',
    env: 'KEYHYGIENE_ALLOW_INCOMPLETE',
  }),
  'include-passed': Flags.boolean({ description: 'list passing results too, not only their counts' }),
  'report-limit': Flags.integer({
    description: `rows the text, Markdown and HTML reports list (root causes first) before they summarise and name the full report; default ${DEFAULT_REPORT_LIMIT}`,
    min: 1,
    env: 'KEYHYGIENE_REPORT_LIMIT',
    helpValue: 'N',
  }),
  now: nowFlag,
  json: Flags.boolean({ description: 'shortcut for --format json to stdout' }),
};

/** Default file name of a format under --output-dir. */
export const defaultReportName = (format: string): string => `keyhygiene.${findReporter(format)?.extension ?? format}`;

export interface ReportPlan {
  formats: string[];
  /** Where each format goes, at the same position; undefined: stdout. */
  outputs: (OutputTarget | undefined)[];
  sarifCategory?: string;
  /** Rows the human reports list (--report-limit). */
  limit?: number;
  /** --debug: keep each gap's `detail` (the service's own answer) in the reports. */
  debug?: boolean;
}

export interface ReportFlags {
  format?: string[];
  output?: string[];
  json?: boolean;
  'output-dir'?: string;
  'sarif-category'?: string;
  'report-limit'?: number;
  debug?: boolean;
}

/** A list flag (repeatable, comma-separated) or, when absent, its KEYHYGIENE_* variable split on commas. */
export function listFromEnv(value: string[] | undefined, variable: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (value?.length) return value;
  const raw = env[variable]?.trim();
  return raw
    ? raw
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function checkFormats(formats: readonly string[]): void {
  const bad = formats.filter((f) => !findReporter(f));
  if (bad.length) throw new UserError({ message: `unknown format ${bad.join(', ')} in KEYHYGIENE_FORMAT.`, expected: FORMAT_IDS.join(', ') });
}

/** Pair --format with --output (and --output-dir), and check every output path, before any work is done. */
export function planReports(flags: ReportFlags, env: NodeJS.ProcessEnv = process.env): ReportPlan {
  const formats = [...(listFromEnv(flags.format, 'KEYHYGIENE_FORMAT', env) ?? [])];
  checkFormats(formats);
  if (flags.json) formats.push('json');
  const dir = flags['output-dir'];
  if (formats.length === 0) formats.push(dir ? 'json' : 'text');
  const explicit = flags.output ?? [];
  if (explicit.length > formats.length) {
    throw new UserError({
      message: `${explicit.length} --output given for ${formats.length} --format.`,
      hint: 'give one --format per --output, in the same order',
    });
  }
  if (dir) makeOutputDir(dir, '--output-dir');
  const outputs: (string | undefined)[] = formats.map((f, i) => explicit[i] ?? (dir ? join(dir, defaultReportName(f)) : undefined));
  // With a directory, the table still goes to the log unless text was asked for as a file.
  if (dir && !formats.includes('text')) {
    formats.push('text');
    outputs.push(undefined);
  }
  const toStdout = formats.filter((_, i) => outputs[i] === undefined);
  if (toStdout.length > 1) {
    throw new UserError({
      message: `formats ${toStdout.join(' and ')} would all go to stdout.`,
      hint: 'add an --output FILE for each format but one, or --output-dir DIR',
    });
  }
  const targets = outputs.map((o) => (o ? checkOutputPath(o, dir && !explicit.includes(o) ? '--output-dir' : '--output') : undefined));
  checkDistinctOutputs(targets.filter((t): t is OutputTarget => t !== undefined));
  return {
    formats,
    outputs: targets,
    ...(flags['sarif-category'] ? { sarifCategory: flags['sarif-category'] } : {}),
    ...(flags['report-limit'] ? { limit: flags['report-limit'] } : {}),
    ...(flags.debug ? { debug: true } : {}),
  };
}

/** The files a plan writes, by format. */
export const plannedFiles = (plan: ReportPlan): Record<string, string> =>
  Object.fromEntries(plan.formats.flatMap((f, i) => (plan.outputs[i] ? [[f, resolve((plan.outputs[i] as OutputTarget).file)]] : [])));

/** The complete machine-readable reports, most useful first: a bounded human report names the first one the run writes. */
const FULL_REPORTS = ['json', 'csv', 'sarif', 'junit', 'ocsf', 'ocsf-json'];

/** The file of the complete report this plan writes, if any (as the user gave it). */
export function fullReportOf(plan: ReportPlan): string | undefined {
  for (const format of FULL_REPORTS) {
    const i = plan.formats.indexOf(format);
    const out = i >= 0 ? plan.outputs[i] : undefined;
    if (out) return out.file;
  }
  return undefined;
}

/**
 * What every reporter is given: the result, with each gap's `detail` (the service's raw answer) kept
 * only under --debug. Decided once here, so no format can show it by accident.
 */
export function reportedResult(result: AuditResult, debug: boolean | undefined): AuditResult {
  if (debug || !result.gaps.some((g) => g.detail !== undefined)) return result;
  return withFields(result, { gaps: result.gaps.map(({ detail: _detail, ...gap }) => gap) });
}

/** Render each format to its file, or to stdout, streamed in chunks where the reporter can. */
export function writeReports(audited: AuditResult, plan: ReportPlan, extra: Partial<ReportMeta> = {}, stdout: NodeJS.WriteStream = process.stdout): void {
  const result = reportedResult(audited, plan.debug);
  const category = plan.sarifCategory ? { sarifCategory: plan.sarifCategory } : {};
  const full = fullReportOf(plan);
  const bound = { ...(plan.limit ? { limit: plan.limit } : {}), ...(full ? { fullReport: full } : {}) };
  const meta = reportMeta({ color: false, srcRoot: process.cwd(), ...category, ...bound, ...policyLinesOf(result), ...extra });
  plan.formats.forEach((format, i) => {
    const reporter = findReporter(format);
    if (!reporter) throw new UserError({ message: `unknown format ${format}`, expected: FORMAT_IDS.join(', ') });
    const out = plan.outputs[i];
    if (out) writeOutput(out, renderedChunks(reporter, result, meta));
    else
      for (const chunk of renderedChunks(reporter, result, { ...meta, color: useColor(stdout), width: stdout.isTTY ? stdout.columns : undefined }))
        stdout.write(chunk);
  });
}
