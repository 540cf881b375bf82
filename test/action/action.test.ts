// The GitHub Action's entry point, run end to end as the runner would: inputs as INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as temporary files, the repository's built CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error: the Action's entry is plain JavaScript without declarations
import * as action from '../../action/index.js';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { CHILD_ENV } from '../helpers/cli.ts';
import { STORM_POLICY } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';
import { sarifValidator } from '../report/sarif-schema.ts';

const tmp = tempDir();
const ENTRY = join(PACKAGE_ROOT, 'action', 'index.js');

/** Parse GITHUB_OUTPUT: `name=value` lines and `name<<DELIM … DELIM` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i] as string);
      out[name] = value.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

function runAction(workspace: string, inputs: Record<string, string>) {
  const outputFile = join(workspace, '..', `${workspace.split('/').pop()}-output.txt`);
  const summaryFile = join(workspace, '..', `${workspace.split('/').pop()}-summary.md`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...CHILD_ENV,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  if (!existsSync(join(PACKAGE_ROOT, 'dist/commands/audit.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const r = spawnSync(process.execPath, [ENTRY], { cwd: workspace, env, encoding: 'utf8', timeout: 60_000 });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };
}

describe('action.yml', () => {
  const yml = parse(readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8'));

  it('runs on node24 from a committed plain-JavaScript entry that needs no build', () => {
    expect(yml.runs).toEqual({ using: 'node24', main: 'action/index.js' });
    expect(readFileSync(ENTRY, 'utf8')).not.toMatch(/from '\.\.\/(src|dist)\//);
  });

  it('declares exactly the inputs the entry reads, and every output it sets', () => {
    expect(Object.keys(yml.inputs).sort()).toEqual([...action.INPUTS].sort());
    const source = readFileSync(ENTRY, 'utf8');
    const set = [...source.matchAll(/setOutput\('([a-z-]+)'/g)].map((m) => m[1]);
    const dynamic = [
      ...Object.keys(action.EXTENSIONS),
      'fail',
      'error',
      'unknown',
      'waived',
      'pass',
      'not-applicable',
      'critical',
      'high',
      'medium',
      'low',
      'info',
      'new',
      'unchanged',
      'resolved',
    ];
    expect(Object.keys(yml.outputs).sort()).toEqual([...new Set([...set, ...dynamic])].sort());
  });
});

describe('the Action entry point', () => {
  it('audits, sets counts, report paths and the exit code as outputs, and writes the job summary', () => {
    const ws = join(tmp.dir, 'ws-storm');
    mkdirSync(ws);
    const r = runAction(ws, {
      policy: STORM_POLICY,
      formats: 'sarif, html junit\ncsv',
      'fail-on': 'critical',
      args: `--now snapshot --framework 'csrb-storm-0558'`,
    });
    expect(r.status, r.stderr + r.stdout).toBe(1);
    const o = r.outputs;
    expect(o['exit-code']).toBe('1');
    const result = JSON.parse(readFileSync(o.json as string, 'utf8'));
    expect(o.fail).toBe(String(result.summary.outcomes.fail));
    expect(Number(o.fail)).toBeGreaterThan(0);
    expect(o.critical).toBe(String(result.summary.failuresBySeverity.critical));
    expect(o.waived).toBe(String(result.summary.outcomes.waived));
    expect(o['not-applicable']).toBe(String(result.summary.outcomes['not-applicable']));
    expect(o.incomplete).toBe('true');
    expect(o['report-dir']).toBe(join(ws, 'keyhygiene-report'));
    for (const f of ['sarif', 'html', 'junit', 'csv', 'markdown', 'json']) expect(existsSync(o[f] as string), f).toBe(true);
    expect(o.new).toBeUndefined();
    // SARIF ready for upload-sarif: valid against the official schema.
    const validate = sarifValidator();
    expect(validate(JSON.parse(readFileSync(o.sarif as string, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    // Job summary: the Markdown report, compliance included, and where the reports are.
    expect(r.summary).toMatch(/^## keyhygiene audit/);
    expect(r.summary).toContain('### Compliance');
    expect(r.summary).toContain('keyhygiene exit code 1');
    expect(r.summary).toContain('`keyhygiene-report/keyhygiene.sarif` (sarif)');
    // The log: the text table in a group, and an error naming the gate.
    expect(r.stdout).toMatch(/::group::keyhygiene audit --policy /);
    expect(r.stdout).toMatch(/SEVERITY\s+RULE/);
    expect(r.stdout).toMatch(/::error title=keyhygiene::\d+ failed checks .*gate: --fail-on critical/);
  }, 90_000);

  it('annotates failures that have a file in the workspace, and gates on new failures against a baseline', () => {
    const ws = join(tmp.dir, 'ws-artifact');
    mkdirSync(join(ws, 'dumps'), { recursive: true });
    writeFileSync(join(ws, 'dumps', 'app, 1.dmp'), 'placeholder');
    const finding = (file: string, offset: number) => ({
      id: `${file}@${offset}`,
      provider: 'artifacts',
      location: file,
      offset,
      artifactType: 'minidump',
      materialFormat: 'der-pkcs8',
      keyType: 'rsa',
      proof: 'private-key-present',
    });
    const inventory = (artifacts: unknown[]) =>
      JSON.stringify({
        kind: 'keyhygiene-inventory',
        version: 1,
        generatedAt: '2026-11-01T00:00:00Z',
        providers: [{ id: 'artifacts', identity: 'ci-runner' }],
        artifacts,
      });
    writeFileSync(join(ws, 'inventory.json'), inventory([finding('dumps/app, 1.dmp', 4096)]));
    writeFileSync(join(ws, 'keyhygiene.yaml'), 'version: 1\nextends: [recommended]\nproviders:\n  snapshot:\n    paths: [inventory.json]\n');

    const first = runAction(ws, { formats: 'sarif', 'output-dir': 'out-1', args: '--now snapshot --allow-incomplete' });
    expect(first.status, first.stderr + first.stdout).toBe(1);
    expect(first.stdout).toContain(
      '::error file=dumps/app%2C 1.dmp,line=1,title=keyhygiene key-material-in-artifact (high)::Private rsa key found in dumps/app, 1.dmp at offset 4096',
    );
    const sarif = JSON.parse(readFileSync(first.outputs.sarif as string, 'utf8'));
    const located = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'key-material-in-artifact');
    expect(located.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'dumps/app%2C%201.dmp', uriBaseId: '%SRCROOT%' });

    // Next run: a second dump appears. With the first result as baseline, only it is new.
    writeFileSync(join(ws, 'inventory.json'), inventory([finding('dumps/app, 1.dmp', 4096), finding('dumps/other.dmp', 12)]));
    const second = runAction(ws, { 'output-dir': 'out-2', 'fail-on': 'new', baseline: 'out-1/result.json', args: '--now snapshot --allow-incomplete' });
    expect(second.status, second.stderr + second.stdout).toBe(1);
    expect(second.outputs.new).toBe('1');
    expect(second.outputs.unchanged).toBe('1');
    expect(second.outputs.resolved).toBe('0');

    // Against its own result as baseline nothing is new: the gate opens.
    const third = runAction(ws, { 'output-dir': 'out-3', 'fail-on': 'new', baseline: 'out-2/result.json', args: '--now snapshot --allow-incomplete' });
    expect(third.status, third.stderr + third.stdout).toBe(0);
    expect(third.outputs['exit-code']).toBe('0');
    expect(third.outputs.new).toBe('0');
  }, 120_000);

  it('a bad input fails the step with a clear error and still sets the exit code', () => {
    const ws = join(tmp.dir, 'ws-bad');
    mkdirSync(ws);
    const r = runAction(ws, { policy: 'missing.yaml' });
    expect(r.status).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stdout).toContain('::error title=keyhygiene::no result was written (exit code 2: usage or input error)');
    expect(r.stderr).toMatch(/missing\.yaml/);
    const f = runAction(ws, { formats: 'sarif pdf' });
    expect(f.status).toBe(2);
    expect(f.stdout).toContain('unknown format "pdf"');
  }, 60_000);
});

describe('entry helpers', () => {
  it('splits extra arguments like a shell, without expansion', () => {
    expect(action.splitArgs(`--framework cis-aws-v5 --now "2026-01-01T00:00:00Z" --x 'a b' c\\ d ""`)).toEqual([
      '--framework',
      'cis-aws-v5',
      '--now',
      '2026-01-01T00:00:00Z',
      '--x',
      'a b',
      'c d',
      '',
    ]);
    expect(action.splitArgs('  ')).toEqual([]);
    expect(() => action.splitArgs(`--x 'open`)).toThrow(/unterminated/);
  });

  it('escapes workflow-command data and properties', () => {
    expect(action.escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(action.escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('runs the local build when there is one, else the npm package of its own version', () => {
    expect(action.cliCommand({}, PACKAGE_ROOT)).toEqual([process.execPath, join(PACKAGE_ROOT, 'bin', 'run.js')]);
    const bare = join(tmp.dir, 'bare-action');
    mkdirSync(bare);
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'keyhygiene', version: '1.2.3' }));
    expect(action.cliCommand({}, bare)).toEqual(['npm', 'exec', '--yes', '--package=keyhygiene@1.2.3', '--', 'keyhygiene']);
    expect(action.cliCommand({ KEYHYGIENE_CLI: '/opt/kh/bin/run.js' }, bare)).toEqual([process.execPath, '/opt/kh/bin/run.js']);
  });
});
