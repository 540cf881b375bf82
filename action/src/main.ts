// The GitHub Action (action.yml: runs.using node24, main action/dist/index.js, bundled by esbuild).
//
// It runs the same audit as `keyhygiene audit`, in process, from the bundle committed at the
// Action's tag: nothing is fetched from a registry at run time. Inputs arrive as INPUT_* variables;
// outputs go to $GITHUB_OUTPUT, the Markdown report (capped at 1 MiB) to $GITHUB_STEP_SUMMARY.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Parser } from '@oclif/core';
import { type AuditFlags, type AuditOutcome, runAudit } from '../../src/cli/run-audit.ts';
import Audit from '../../src/commands/audit.ts';
import { type AuditResult, OUTCOMES } from '../../src/engine/result.ts';
import { EXIT, formatDiagnostic, UserError } from '../../src/errors.ts';
import { SEVERITIES } from '../../src/model/common.ts';
import { fileLocationOf, relativeTo } from '../../src/report/locations.ts';
import { capMarkdown, STEP_SUMMARY_LIMIT } from '../../src/report/summary-cap.ts';
import { command, getBooleanInput, getInput, setOutput, splitArgs } from './commands.ts';

/** The inputs action.yml declares (a test pins the two lists to each other). */
export const INPUTS = ['policy', 'formats', 'output-dir', 'fail-on', 'sarif-category', 'working-directory', 'allow-incomplete', 'baseline', 'args'] as const;

export const EXIT_MEANING: Record<number, string> = {
  0: 'clean',
  1: 'failures at or above fail-on',
  2: 'usage or input error',
  3: 'audit incomplete (collection gaps)',
  4: 'internal error',
};

interface Setup {
  workspace: string;
  cwd: string;
  outDir: string;
  failOn: string;
  argv: string[];
}

/** Where the Action runs and the `keyhygiene audit` arguments its inputs stand for. */
export function setup(env: NodeJS.ProcessEnv): Setup {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const cwd = resolve(workspace, getInput('working-directory', env) || '.');
  const outDir = resolve(cwd, getInput('output-dir', env) || 'keyhygiene-report');
  const failOn = getInput('fail-on', env) || 'high';
  const argv = ['--policy', getInput('policy', env) || 'keyhygiene.yaml', '--output-dir', outDir, '--fail-on', failOn];
  const formats = (getInput('formats', env) || 'sarif html').split(/[\s,]+/).filter(Boolean);
  for (const f of new Set(['json', 'markdown', ...formats.map((x) => x.toLowerCase())])) argv.push('--format', f);
  if (getBooleanInput('allow-incomplete', env)) argv.push('--allow-incomplete');
  const baseline = getInput('baseline', env);
  if (baseline) argv.push('--baseline', baseline);
  const category = getInput('sarif-category', env);
  if (category) argv.push('--sarif-category', category);
  argv.push(...splitArgs(getInput('args', env)));
  return { workspace, cwd, outDir, failOn, argv };
}

/** `::error`/`::warning`/`::notice` lines for failures that have a file in the workspace. */
export function annotations(result: AuditResult, workspace: string, cwd: string = workspace): string[] {
  const lines: string[] = [];
  for (const r of result.results) {
    if (r.outcome !== 'fail') continue;
    const loc = fileLocationOf(r);
    const rel = loc ? relativeTo(workspace, isAbsolute(loc.path) ? loc.path : resolve(cwd, loc.path)) : undefined;
    if (!loc || !rel) continue;
    const level = r.severity === 'critical' || r.severity === 'high' ? 'error' : r.severity === 'info' ? 'notice' : 'warning';
    const where = loc.offset !== undefined ? ` [offset ${loc.offset}]` : '';
    lines.push(command(level, { file: rel, line: 1, title: `keyhygiene ${r.ruleId} (${r.severity})` }, `${r.message}${where}`));
  }
  return lines;
}

/** A path relative to the workspace when inside it, else absolute. */
const shown = (workspace: string, p: string): string => {
  const rel = relative(workspace, p);
  return !rel || rel.startsWith('..') || isAbsolute(rel) ? p : rel.split(sep).join('/');
};

function writeOutputs(done: AuditOutcome, env: NodeJS.ProcessEnv): void {
  setOutput('result', done.files.json ?? '', env);
  for (const [format, path] of Object.entries(done.files)) setOutput(format, path, env);
  const sum = done.result.summary;
  for (const o of OUTCOMES) setOutput(o, sum.outcomes[o], env);
  for (const sev of SEVERITIES) setOutput(sev, sum.failuresBySeverity[sev], env);
  setOutput('gaps', sum.gaps, env);
  setOutput('incomplete', sum.incomplete, env);
  if (done.result.baseline) for (const k of ['new', 'unchanged', 'resolved'] as const) setOutput(k, done.result.baseline.counts[k], env);
}

function writeSummary(done: AuditOutcome, s: Setup, env: NodeJS.ProcessEnv): void {
  const file = env.GITHUB_STEP_SUMMARY;
  const md = done.files.markdown;
  if (!file || !md || !existsSync(md)) return;
  const files = Object.entries(done.files)
    .map(([f, p]) => `\`${shown(s.workspace, p)}\` (${f})`)
    .join(', ');
  const footer = `\n<sub>keyhygiene exit code ${done.exitCode} (${EXIT_MEANING[done.exitCode]}) · reports: ${files}</sub>\n\n`;
  const where = `in \`${shown(s.workspace, md)}\` (Markdown) and \`${shown(s.workspace, done.files.html ?? done.files.json ?? md)}\`; upload the report directory as an artifact to keep it`;
  const capped = capMarkdown(readFileSync(md, 'utf8'), STEP_SUMMARY_LIMIT - Buffer.byteLength(footer), where);
  appendFileSync(file, `${capped.text}${footer}`);
  if (capped.truncated)
    process.stdout.write(command('warning', { title: 'keyhygiene' }, `job summary cut to 1 MiB: ${capped.omittedLines} lines left out; full report ${where}`));
}

function gateMessage(done: AuditOutcome, failOn: string): string {
  const sum = done.result.summary;
  if (done.exitCode === EXIT.findings)
    return command(
      'error',
      { title: 'keyhygiene' },
      `${sum.outcomes.fail} failed checks (${SEVERITIES.map((k) => `${sum.failuresBySeverity[k]} ${k}`).join(', ')}); gate: fail-on ${failOn}`,
    );
  if (done.exitCode === EXIT.incomplete)
    return command(
      'error',
      { title: 'keyhygiene' },
      `the audit is incomplete: ${sum.gaps} collection gaps, ${sum.outcomes.unknown} results not evaluated (set allow-incomplete: true to accept that)`,
    );
  return '';
}

/** A tool error as an annotation, with its exit code: 2 for bad input, 4 for a bug. */
function toolError(err: unknown): { code: number; line: string } {
  if (err instanceof UserError)
    return { code: EXIT.usage, line: command('error', { title: 'keyhygiene: input error' }, err.diagnostics.map(formatDiagnostic).join('\n')) };
  const e = err as Error & { oclif?: { exit?: number } };
  if (e?.oclif?.exit === 2 || (e instanceof Error && /^Expected|Unexpected argument|Nonexistent flag/.test(e.message)))
    return { code: EXIT.usage, line: command('error', { title: 'keyhygiene: input error' }, e.message) };
  return { code: 4, line: command('error', { title: 'keyhygiene: internal error' }, `${e?.message ?? String(err)} (this is a bug; please report it)`) };
}

/** Run the Action; returns the step's exit code. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let s: Setup | undefined;
  try {
    s = setup(env);
    process.chdir(s.cwd);
    process.stdout.write(`::group::keyhygiene audit ${s.argv.join(' ')}\n`);
    const { flags } = await Parser.parse(s.argv, { flags: Audit.flags, args: {}, strict: true });
    const done = await runAudit(flags as unknown as AuditFlags, { warn: (m) => process.stdout.write(command('warning', { title: 'keyhygiene' }, m)), env });
    process.stdout.write('::endgroup::\n');
    setOutput('exit-code', done.exitCode, env);
    setOutput('report-dir', s.outDir, env);
    writeOutputs(done, env);
    writeSummary(done, s, env);
    for (const line of annotations(done.result, s.workspace, s.cwd)) process.stdout.write(line);
    process.stdout.write(gateMessage(done, s.failOn));
    return done.exitCode;
  } catch (err) {
    if (s) process.stdout.write('::endgroup::\n');
    const { code, line } = toolError(err);
    process.stdout.write(line);
    setOutput('exit-code', code, env);
    if (s) setOutput('report-dir', s.outDir, env);
    return code;
  }
}
