// The GitHub Action run the way the runner runs it: `node action/dist/index.js` from a checkout of the
// Action at its tag (no node_modules, nothing installed), in another working directory, with inputs as
// INPUT_* variables and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY as files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLES_DIR, PACKAGE_ROOT } from '../../src/paths.ts';
import { CHILD_ENV } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { sarifValidator } from '../report/sarif-schema.ts';

const tmp = tempDir();

/** What `uses: <owner>/keyhygiene@v1` downloads that the bundle reads: the repository's committed files, no node_modules. */
const CHECKOUT = join(tmp.dir, 'actions', 'keyhygiene', 'v1');
for (const p of ['action.yml', 'package.json', 'action/dist', 'policies', 'examples', 'schemas'])
  cpSync(join(PACKAGE_ROOT, p), join(CHECKOUT, p), { recursive: true });

/** Parse GITHUB_OUTPUT: `name=value` lines and `name<<DELIM … DELIM` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i] as string);
    if (!heredoc) continue;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== heredoc[2]) value.push(lines[i] as string);
    out[heredoc[1] as string] = value.join('\n');
  }
  return out;
}

function runAction(workspace: string, inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}) {
  const name = workspace.split('/').pop();
  const outputFile = join(tmp.dir, `${name}-${Date.now()}-output.txt`);
  const summaryFile = join(tmp.dir, `${name}-${Date.now()}-summary.md`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...CHILD_ENV,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    // A registry fetch would go nowhere.
    npm_config_registry: 'http://127.0.0.1:9/',
    // Node's on-disk code cache for the 12 MB bundle, shared by this file's runs: the first run compiles
    // it, the others start about 0.45 s of CPU sooner. Transparent to what the bundle does.
    NODE_COMPILE_CACHE: join(tmp.dir, 'node-compile-cache'),
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  // The runner starts the step in the workspace, not in the Action's directory.
  const r = spawnSync(process.execPath, [join(CHECKOUT, 'action/dist/index.js')], { cwd: workspace, env, encoding: 'utf8', timeout: 90_000 });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

function stormWorkspace(name: string): string {
  const ws = join(tmp.dir, name);
  mkdirSync(ws, { recursive: true });
  for (const f of ['keyhygiene.yaml', 'inventory.json']) cpSync(join(EXAMPLES_DIR, 'storm-0558', f), join(ws, f));
  return ws;
}

/** Feather icons GitHub leaves out of action branding (docs: metadata syntax, branding.icon). */
const GITHUB_OMITTED_ICONS = [
  'coffee',
  'columns',
  'divide-circle',
  'divide-square',
  'divide',
  'frown',
  'hexagon',
  'key',
  'meh',
  'mouse-pointer',
  'smile',
  'tool',
  'x-octagon',
];

describe('action.yml', () => {
  const yml = parse(readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8'));

  it('runs the committed bundle on node24', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(statSync(join(PACKAGE_ROOT, 'action/dist/index.js')).isFile()).toBe(true);
  });

  it('declares exactly the inputs the entry reads, and every output it sets', async () => {
    const main = await import('../../action/src/main.ts');
    expect(Object.keys(yml.inputs).sort()).toEqual([...main.INPUTS].sort());
    const source = readFileSync(join(PACKAGE_ROOT, 'action/src/main.ts'), 'utf8');
    const set = [...source.matchAll(/setOutput\('([a-z-]+)'/g)].map((m) => m[1]);
    const dynamic = ['json', 'markdown', 'sarif', 'html', 'junit', 'csv', 'text', 'fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'];
    const severities = ['critical', 'high', 'medium', 'low', 'info', 'new', 'unchanged', 'resolved'];
    expect(Object.keys(yml.outputs).sort()).toEqual([...new Set([...set, ...dynamic, ...severities])].sort());
  });

  it('brands itself with an icon GitHub accepts', () => {
    expect(yml.branding.icon).toMatch(/^[a-z0-9-]+$/);
    expect(GITHUB_OMITTED_ICONS).not.toContain(yml.branding.icon);
    expect(['shield', 'lock', 'shield-off', 'alert-triangle', 'check-circle']).toContain(yml.branding.icon);
    expect(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']).toContain(yml.branding.color);
  });
});

describe('the Action from another repository', () => {
  it('audits with no install, sets outputs and the job summary, and fails at fail-on', () => {
    const ws = stormWorkspace('ws-storm');
    const r = runAction(ws, {
      formats: 'sarif, html junit\ncsv',
      'fail-on': 'critical',
      'sarif-category': 'aws-prod',
      args: `--now snapshot --framework 'csrb-storm-0558'`,
    });
    expect(r.status, r.stderr + r.stdout).toBe(1);
    const o = r.outputs;
    expect(o['exit-code']).toBe('1');
    expect(o.result).toBe(join(ws, 'keyhygiene-report', 'keyhygiene.json'));
    const result = JSON.parse(readFileSync(o.json as string, 'utf8'));
    expect(o.fail).toBe(String(result.summary.outcomes.fail));
    expect(Number(o.critical)).toBeGreaterThan(0);
    expect(o.critical).toBe(String(result.summary.failuresBySeverity.critical));
    expect(o.waived).toBe(String(result.summary.outcomes.waived));
    expect(o.incomplete).toBe('true');
    expect(o['report-dir']).toBe(join(ws, 'keyhygiene-report'));
    for (const f of ['sarif', 'html', 'junit', 'csv', 'markdown', 'json']) expect(existsSync(o[f] as string), f).toBe(true);
    const sarif = JSON.parse(readFileSync(o.sarif as string, 'utf8'));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'aws-prod/' });
    expect(r.summary).toMatch(/^## keyhygiene audit/);
    expect(r.summary).toContain('### Compliance');
    expect(r.summary).toContain('keyhygiene exit code 1');
    expect(r.summary).toContain('`keyhygiene-report/keyhygiene.sarif` (sarif)');
    expect(r.stdout).toMatch(/::group::keyhygiene audit --policy keyhygiene.yaml/);
    expect(r.stdout).toMatch(/SEVERITY\s+RULE/);
    expect(r.stdout).toMatch(/::error title=keyhygiene::\d+ failed checks .*gate: fail-on critical/);
  }, 120_000);

  it('passes when the failures are below fail-on and the gaps are allowed', () => {
    const ws = stormWorkspace('ws-below');
    const r = runAction(ws, { 'fail-on': 'none', 'allow-incomplete': 'true', formats: '', args: '--now snapshot' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.outputs['exit-code']).toBe('0');
    expect(Number(r.outputs.fail)).toBeGreaterThan(0);
    expect(r.stdout).not.toContain('::error');
    // Without allow-incomplete the same audit fails the step: a gap never opens the gate silently.
    const strict = runAction(ws, { 'fail-on': 'none', formats: '', args: '--now snapshot' });
    expect(strict.status).toBe(3);
    expect(strict.stdout).toContain('::error title=keyhygiene::the audit is incomplete');
  }, 120_000);

  it('a tool error fails the step with an error annotation, never as findings', () => {
    const ws = join(tmp.dir, 'ws-bad');
    mkdirSync(ws);
    const missing = runAction(ws, { policy: 'missing.yaml' });
    expect(missing.status).toBe(2);
    expect(missing.outputs['exit-code']).toBe('2');
    expect(missing.stdout).toMatch(/::error title=keyhygiene%3A input error::.*missing\.yaml/);
    const format = runAction(stormWorkspace('ws-bad-format'), { formats: 'sarif pdf' });
    expect(format.status).toBe(2);
    expect(format.stdout).toMatch(/::error title=keyhygiene%3A input error::.*pdf/);
    const flag = runAction(ws, { 'allow-incomplete': 'yes' });
    expect(flag.status).toBe(2);
    expect(flag.stdout).toContain('allow-incomplete must be true or false');
  }, 120_000);

  it('runs in working-directory and reads a baseline relative to it', () => {
    const ws = join(tmp.dir, 'ws-sub');
    const sub = join(ws, 'infra', 'keys');
    mkdirSync(sub, { recursive: true });
    for (const f of ['keyhygiene.yaml', 'inventory.json']) cpSync(join(EXAMPLES_DIR, 'storm-0558', f), join(sub, f));
    const first = runAction(ws, { 'working-directory': 'infra/keys', 'output-dir': 'out-1', 'allow-incomplete': 'true', args: '--now snapshot' });
    expect(first.outputs.json).toBe(join(sub, 'out-1', 'keyhygiene.json'));
    const second = runAction(ws, {
      'working-directory': 'infra/keys',
      'output-dir': 'out-2',
      'fail-on': 'new',
      baseline: 'out-1/keyhygiene.json',
      'allow-incomplete': 'true',
      args: '--now snapshot',
    });
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.outputs.new).toBe('0');
    expect(Number(second.outputs.unchanged)).toBeGreaterThan(0);
    expect(second.summary).toContain('`infra/keys/out-2/keyhygiene.md` (markdown)');
  }, 120_000);
});
