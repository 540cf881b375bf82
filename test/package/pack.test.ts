// The package as a user gets it: `npm pack`, install the tarball into an empty project (its
// dependencies from the lockfile, offline, from npm's cache), then run `keyhygiene` and
// `import('keyhygiene')` from there. Needs `npm run build` first (npm test does it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { scratchRoot } from '../helpers/tmp.ts';

// The installed tree (~290 MB, 32k files) on tmpfs when there is room: removing it there takes no disk I/O.
const tmp = { dir: mkdtempSync(join(scratchRoot(1024 * 2 ** 20), 'keyhygiene-pack-')) };
// An installed dependency tree: hundreds of packages take longer to remove than the default hook timeout.
afterAll(() => rmSync(tmp.dir, { recursive: true, force: true }), 300_000);
const project = join(tmp.dir, 'consumer');
const installed = join(project, 'node_modules', 'keyhygiene');
let packed: string[] = [];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

beforeAll(() => {
  if (!existsSync(join(PACKAGE_ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.dir], PACKAGE_ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = (info?.files ?? []).map((f) => f.path);
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "version": "1.0.0", "private": true, "type": "module" }\n');
  const untar = run('tar', ['xzf', join(tmp.dir, info?.filename ?? ''), '--strip-components=1', '-C', installed], tmp.dir);
  expect(untar.status, untar.stderr).toBe(0);
  // The dependency tree the lockfile pins, production only, from the cache: no registry at test time.
  copyFileSync(join(PACKAGE_ROOT, 'package-lock.json'), join(installed, 'package-lock.json'));
  const ci = run('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], installed);
  expect(ci.status, `npm ci of the packed package failed (is npm's cache filled by a prior npm ci?):\n${ci.stderr}`).toBe(0);
}, 600_000);

describe('the packed package', () => {
  it('ships the whitelist: built API with types, CLI, packs, schemas, examples, docs and the legal files; no sources, tests or maps', () => {
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'bin/run.js',
      'oclif.manifest.json',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'SECURITY.md',
      'CONTRIBUTING.md',
    ]) {
      expect(packed, f).toContain(f);
    }
    expect(packed.some((f) => f.startsWith('policies/'))).toBe(true);
    expect(packed).toContain('examples/storm-0558/keyhygiene.yaml');
    expect(packed.filter((f) => /^(src|test|bench|scripts|action|node_modules|\.ci|\.github)\//.test(f))).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('installed, `keyhygiene audit --example storm-0558` runs from another directory', () => {
    const r = run(process.execPath, [join(installed, 'bin/run.js'), 'audit', '--example', 'storm-0558', '--format', 'json'], project);
    expect(r.status, r.stderr).toBe(1); // findings at or above high
    const result = JSON.parse(r.stdout);
    expect(result.results.length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('import("keyhygiene") gives the documented API, and it audits the example', () => {
    const script = `
      import * as kh from 'keyhygiene';
      const policy = ${JSON.stringify(join(installed, 'examples/storm-0558/keyhygiene.yaml'))};
      const { inventory, result } = await kh.audit({ policy, now: new Date('2026-11-01T00:00:00Z') });
      const sarif = JSON.parse(kh.renderReport(result, 'sarif'));
      let bad;
      try { kh.loadPolicy('missing.yaml'); } catch (e) { bad = { name: e.name, message: e.message, isUserError: e instanceof kh.UserError }; }
      console.log(JSON.stringify({
        exports: Object.keys(kh).sort(),
        keys: inventory.keys.length, failed: result.summary.outcomes.fail, sarif: sarif.version,
        exit: kh.exitCode(result), rules: kh.listRules().length, version: kh.VERSION, bad,
      }));`;
    writeFileSync(join(project, 'use.mjs'), script);
    const r = run(process.execPath, ['use.mjs'], project);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const documented = [...readFileSync(join(PACKAGE_ROOT, 'docs/api.md'), 'utf8').matchAll(/^\| `(\w+)[`(]/gm)].map((m) => m[1]);
    const documentedAlso = ['UserError', 'EXIT', 'VERSION', 'FORMAT_IDS'];
    expect(out.exports).toEqual([...new Set([...documented, ...documentedAlso])].sort());
    expect(out.keys).toBeGreaterThan(0);
    expect(out.failed).toBeGreaterThan(0);
    expect(out.sarif).toBe('2.1.0');
    expect(out.exit).toBe(1);
    expect(out.rules).toBeGreaterThan(10);
    expect(out.version).toBe(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version);
    expect(out.bad).toMatchObject({ name: 'UserError', isUserError: true, message: expect.stringContaining('missing.yaml') });
  });

  it('installed size stays within budget (dist, data and production dependencies)', () => {
    const total = sizeOf(installed);
    const own = sizeOf(installed) - sizeOf(join(installed, 'node_modules'));
    console.log(`installed size: ${(total / 2 ** 20).toFixed(1)} MiB, of which keyhygiene itself ${(own / 2 ** 20).toFixed(1)} MiB`);
    expect(own).toBeLessThan(8 * 2 ** 20);
    expect(total).toBeLessThan(320 * 2 ** 20);
  });
});
