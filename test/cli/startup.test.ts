// Start-up (issue 16: `scan` of a small file within 0.2 s; issue 21: `--help` within 2.5× a bare Node
// start): what the real process loads before it works. Loading modules is most of what a start costs, so
// these pin what must stay off the path: zod (≈95 modules and its schema construction) on `scan`,
// semver (≈47, only the @oclif/core index loads it) everywhere, any command module on `--help`, and
// @oclif/core's ~120 modules from node_modules (bin/run.js loads the one-file bundle instead, and must
// behave exactly as oclif from node_modules does).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { CHILD_ENV } from '../helpers/cli.ts';

// A loader hook for the child: every module URL it loads, printed on stderr at exit.
const HOOK = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; const seen = []; registerHooks({ load(u, c, next) { seen.push(u); return next(u, c); } }); process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(seen) + '\\n'));",
)}`;

const dir = mkdtempSync(join(tmpdir(), 'kh-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loaded(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const r = spawnSync(process.execPath, ['--import', HOOK, join(PACKAGE_ROOT, 'bin/run.js'), ...args], {
    cwd: PACKAGE_ROOT,
    env: CHILD_ENV,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = /\nLOADED (.*)\n/.exec(r.stderr)?.[1];
  if (!line) throw new Error(`no module list from the child (exit ${r.status}): ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, modules: JSON.parse(line) as string[] };
}

const from = (modules: string[], pkg: string) => modules.filter((u) => u.includes(`/node_modules/${pkg}/`));
const commandModules = (modules: string[]) => modules.filter((u) => /\/dist\/commands\//.test(u));

describe('start-up', () => {
  it('scans a small file without loading oclif, zod, semver, node:crypto or node:worker_threads', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'nothing to see here\n'.repeat(1000));
    const r = loaded(['scan', '--json', file]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary).toBeDefined();
    // The fast start (src/cli/scan-fast.ts): no command class, nothing of oclif, bundled or not.
    expect(commandModules(r.modules)).toEqual([]);
    expect(r.modules.filter((u) => u.includes('/dist/vendor/oclif/') || u.includes('/@oclif/'))).toEqual([]);
    expect(r.modules.some((u) => u.endsWith('/dist/cli/scan-run.js'))).toBe(true);
    expect(from(r.modules, 'zod')).toEqual([]);
    expect(from(r.modules, 'semver')).toEqual([]);
    expect(r.modules.filter((u) => u.endsWith('/@oclif/core/lib/index.js'))).toEqual([]);
    // Loaded on first use (src/util/builtins.ts): nothing key-shaped in the file, no worker for one file.
    expect(r.modules.filter((u) => u === 'node:crypto' || u === 'node:worker_threads')).toEqual([]);
  });

  it('leaves scan --help and a scan flag it cannot read to oclif', () => {
    const help = loaded(['scan', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/USAGE[\s\S]*--known-keys/);
    expect(help.modules.some((u) => u.endsWith('/dist/vendor/oclif/core.cjs'))).toBe(true);
    const typo = loaded(['scan', '--jsno', 'x']);
    expect(typo.status).toBe(2);
    expect(commandModules(typo.modules).map((u) => u.replace(/.*\/dist\//, ''))).toEqual(['commands/scan.js']);
  });

  it('prints --help from the manifest: no command module, no zod, no semver', () => {
    const r = loaded(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/USAGE[\s\S]*scan/);
    expect(commandModules(r.modules)).toEqual([]);
    expect(from(r.modules, 'zod')).toEqual([]);
    expect(from(r.modules, 'semver')).toEqual([]);
  });

  it('prints a command’s --help without importing that command', () => {
    const r = loaded(['audit', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/USAGE[\s\S]*--snapshot/);
    expect(commandModules(r.modules)).toEqual([]);
  });

  it('loads oclif from its bundle: nothing from node_modules/@oclif/core, on --help or on a command', () => {
    for (const args of [['--help'], ['rules', 'list']]) {
      const r = loaded(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.modules.some((u) => u.endsWith('/dist/vendor/oclif/core.cjs'))).toBe(true);
      expect(from(r.modules, '@oclif/core')).toEqual([]);
    }
  });

  it('behaves as oclif from node_modules does: same output, same exit code, for help, errors and a plugin command', () => {
    const bin = pathToFileURL(join(PACKAGE_ROOT, 'bin/run.js')).href;
    const plain = `const { execute } = await import('@oclif/core/execute'); await execute({ dir: ${JSON.stringify(bin)}, args: process.argv.slice(1) });`; // -e: argv[1] is the first argument
    const run = (pre: string[], args: string[]) => {
      const r = spawnSync(process.execPath, [...pre, ...args], { cwd: PACKAGE_ROOT, env: CHILD_ENV, encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const cases = [['--help'], ['audit', '--help'], ['--version'], ['audti'], ['scan', '--jobs', '0', 'x'], ['autocomplete', 'bash']];
    for (const args of cases) {
      const ours = run([join(PACKAGE_ROOT, 'bin/run.js')], args);
      const theirs = run(['--input-type=module', '-e', plain, '--'], args);
      expect(ours, args.join(' ')).toEqual(theirs);
    }
  }, 120_000); // twelve process starts, on a busy machine
});
