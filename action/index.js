// GitHub Action entry point (action.yml: runs.using node24, main action/index.js).
//
// Plain JavaScript with no dependency, so the Action needs no build step in the user's workflow. It
// runs the keyhygiene CLI and turns its JSON result into step outputs, a job summary and annotations.
// Which CLI it runs:
//   1. KEYHYGIENE_CLI, when set: a path to a keyhygiene bin/run.js (tests, pinned local installs);
//   2. the CLI next to this file, when it is built (dist/) and installed (node_modules/): a checkout
//      that ran `npm ci`, which is how this repository tests its own Action;
//   3. otherwise the npm package of the same version as this Action, through `npm exec`: a tagged
//      Action release runs exactly the CLI published with it.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ACTION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** File extension of each report format (src/report/*.ts). */
export const EXTENSIONS = { csv: 'csv', html: 'html', json: 'json', junit: 'xml', markdown: 'md', sarif: 'sarif', text: 'txt' };

/** The inputs action.yml declares (a test pins the two lists to each other). */
export const INPUTS = ['policy', 'formats', 'output-dir', 'fail-on', 'baseline', 'args', 'working-directory'];

const OUTCOMES = ['fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'];
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

/** An input as the runner passes it: INPUT_<NAME>, upper case, spaces as underscores, hyphens kept. */
export function getInput(name, env = process.env) {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Split a command line the way a POSIX shell would for words and quotes (no expansion). */
export function splitArgs(line) {
  const out = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in args: ${line}`);
  if (has) out.push(cur);
  return out;
}

/** Workflow-command escaping (the runner's toCommandValue/escapeData/escapeProperty). */
export const escapeData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function setOutput(name, value, env) {
  const file = env.GITHUB_OUTPUT;
  const text = String(value);
  if (!file) {
    process.stdout.write(`${name}=${text}\n`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
}

/** The command that runs the CLI: [executable, ...leading arguments]. */
export function cliCommand(env = process.env, root = ACTION_ROOT) {
  if (env.KEYHYGIENE_CLI) return [process.execPath, resolve(env.KEYHYGIENE_CLI)];
  if (existsSync(join(root, 'dist', 'commands', 'audit.js')) && existsSync(join(root, 'node_modules', '@oclif', 'core', 'package.json'))) {
    return [process.execPath, join(root, 'bin', 'run.js')];
  }
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return [process.platform === 'win32' ? 'npm.cmd' : 'npm', 'exec', '--yes', `--package=keyhygiene@${version}`, '--', 'keyhygiene'];
}

/** Formats from the input: comma-, space- or newline-separated; json and markdown are always written. */
export function parseFormats(value) {
  const wanted = value
    .split(/[\s,]+/)
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  for (const f of wanted) if (!(f in EXTENSIONS)) throw new Error(`unknown format "${f}" in formats; expected some of: ${Object.keys(EXTENSIONS).join(', ')}`);
  return [...new Set(['json', 'markdown', ...wanted])];
}

/** The audit command line and where each report goes. */
export function auditArgs(inputs, outDir) {
  const reports = {};
  const args = ['audit', '--policy', inputs.policy || 'keyhygiene.yaml'];
  for (const f of parseFormats(inputs.formats)) {
    reports[f] = join(outDir, f === 'json' ? 'result.json' : `keyhygiene.${EXTENSIONS[f]}`);
    args.push('--format', f, '--output', reports[f]);
  }
  args.push('--format', 'text'); // the table, in the step's log
  args.push('--fail-on', inputs['fail-on'] || 'high');
  if (inputs.baseline) args.push('--baseline', inputs.baseline);
  args.push(...splitArgs(inputs.args ?? ''));
  return { args, reports };
}

/** The local file a result points into (an artifact finding), as src/report/locations.ts finds it. */
export function fileLocationOf(entry) {
  if (entry.subject?.kind !== 'artifact') return undefined;
  const id = String(entry.subject.id);
  const at = id.lastIndexOf('@');
  const location = at > 0 ? id.slice(0, at) : id;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  const offset = at > 0 ? Number(id.slice(at + 1)) : Number.NaN;
  const path = location.split('!')[0];
  return path ? { path, offset: Number.isInteger(offset) ? offset : undefined } : undefined;
}

/** `::error`/`::warning`/`::notice` lines for failures that have a file in the workspace. */
export function annotations(result, workspace, cwd = workspace) {
  const lines = [];
  for (const r of result.results ?? []) {
    if (r.outcome !== 'fail') continue;
    const loc = fileLocationOf(r);
    if (!loc) continue;
    const abs = isAbsolute(loc.path) ? loc.path : resolve(cwd, loc.path);
    const rel = relative(workspace, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) continue;
    const level = r.severity === 'critical' || r.severity === 'high' ? 'error' : r.severity === 'info' ? 'notice' : 'warning';
    const title = `keyhygiene ${r.ruleId} (${r.severity})`;
    const where = loc.offset !== undefined ? ` [offset ${loc.offset}]` : '';
    lines.push(`::${level} file=${escapeProperty(rel.split(sep).join('/'))},line=1,title=${escapeProperty(title)}::${escapeData(`${r.message}${where}`)}`);
  }
  return lines;
}

/** A path relative to the workspace when inside it, else absolute. */
function displayPath(workspace, p) {
  const rel = relative(workspace, p);
  return !rel || rel.startsWith('..') || isAbsolute(rel) ? p : rel.split(sep).join('/');
}

const EXIT_MEANING = {
  0: 'clean',
  1: 'failures at or above the threshold',
  2: 'usage or input error',
  3: 'audit incomplete (collection gaps)',
  4: 'internal error',
};

/** Run the Action; returns the exit code for the step. */
export function run(env = process.env) {
  const inputs = Object.fromEntries(INPUTS.map((n) => [n, getInput(n, env)]));
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const cwd = resolve(workspace, inputs['working-directory'] || '.');
  const outDir = resolve(cwd, inputs['output-dir'] || 'keyhygiene-report');
  let plan;
  try {
    plan = auditArgs(inputs, outDir);
  } catch (err) {
    process.stdout.write(`::error title=keyhygiene::${escapeData(err.message)}\n`);
    return 2;
  }
  mkdirSync(outDir, { recursive: true });
  const [cmd, ...lead] = cliCommand(env);
  process.stdout.write(`::group::keyhygiene ${escapeData(plan.args.join(' '))}\n`);
  const child = spawnSync(cmd, [...lead, ...plan.args], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'inherit', 'inherit'] });
  process.stdout.write('::endgroup::\n');
  const code = child.status ?? (child.error ? 4 : 1);
  if (child.error) process.stdout.write(`::error title=keyhygiene::could not run ${escapeData(cmd)}: ${escapeData(child.error.message)}\n`);

  setOutput('exit-code', code, env);
  setOutput('report-dir', outDir, env);
  for (const [format, path] of Object.entries(plan.reports)) if (existsSync(path)) setOutput(format, path, env);

  const resultFile = plan.reports.json;
  if (!existsSync(resultFile)) {
    process.stdout.write(`::error title=keyhygiene::no result was written (exit code ${code}: ${EXIT_MEANING[code] ?? 'unknown'}); see the log above\n`);
    return code || 2;
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const s = result.summary;
  for (const o of OUTCOMES) setOutput(o, s.outcomes[o], env);
  for (const sev of SEVERITIES) setOutput(sev, s.failuresBySeverity[sev], env);
  setOutput('gaps', s.gaps, env);
  setOutput('incomplete', s.incomplete, env);
  if (result.baseline) for (const k of ['new', 'unchanged', 'resolved']) setOutput(k, result.baseline.counts[k], env);

  if (env.GITHUB_STEP_SUMMARY && existsSync(plan.reports.markdown)) {
    const files = Object.entries(plan.reports)
      .map(([f, p]) => `\`${displayPath(workspace, p)}\` (${f})`)
      .join(', ');
    appendFileSync(
      env.GITHUB_STEP_SUMMARY,
      `${readFileSync(plan.reports.markdown, 'utf8')}\n<sub>keyhygiene exit code ${code} (${EXIT_MEANING[code] ?? 'unknown'}) · reports: ${files}</sub>\n\n`,
    );
  }
  for (const line of annotations(result, workspace, cwd)) process.stdout.write(`${line}\n`);
  if (code === 1)
    process.stdout.write(
      `::error title=keyhygiene::${s.outcomes.fail} failed checks (${SEVERITIES.map((k) => `${s.failuresBySeverity[k]} ${k}`).join(', ')}); gate: --fail-on ${escapeData(inputs['fail-on'] || 'high')}\n`,
    );
  else if (code === 3)
    process.stdout.write(`::warning title=keyhygiene::the audit is incomplete: ${s.gaps} collection gaps, ${s.outcomes.unknown} results not evaluated\n`);
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = run();
