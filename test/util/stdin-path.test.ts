// `-` as an input file: standard input, read once (the built CLI, spawned with the bytes on its stdin).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { stdinOnce } from '../../src/util/stdin-path.ts';
import { cli } from '../helpers/cli.ts';

const NOW = '2026-12-01T00:00:00Z';
const PLAN = 'test/fixtures/iac/terraform/plan.json';
const INVENTORY = 'examples/storm-0558/inventory.json';
const audit = (args: string[], input?: string) =>
  cli(['audit', '--example', 'storm-0558', '--now', NOW, '--fail-on', 'none', '--allow-incomplete', '--format', 'json', ...args], {
    cwd: PACKAGE_ROOT,
    ...(input === undefined ? {} : { input }),
  });
/** Each result's rule, subject and outcome (locations name the file each was read from). */
const verdicts = (stdout: string) =>
  (JSON.parse(stdout).results as { ruleId: string; outcome: string; subject: { id: string } }[]).map((r) => `${r.ruleId} ${r.subject.id} ${r.outcome}`).sort();

describe('- for standard input', () => {
  it('standard input is read once: two flags naming it are refused', () => {
    expect(() => stdinOnce([['--snapshot', ['a.json', '-']]])).not.toThrow();
    expect(() =>
      stdinOnce([
        ['--snapshot', ['-']],
        ['--iac', ['-']],
      ]),
    ).toThrow(/standard input \(-\) is named 2 times \(--snapshot, --iac\)/);
  });

  it('terraform show -json plan.out | keyhygiene audit --iac - gives the verdicts of the file', () => {
    const fromFile = audit(['--iac', PLAN]);
    const piped = audit(['--iac', '-'], readFileSync(join(PACKAGE_ROOT, PLAN), 'utf8'));
    expect(piped.status, piped.stderr).toBe(fromFile.status);
    // Subject ids name the file they were planned in: '-' for standard input.
    const named = verdicts(fromFile.stdout).map((v) => v.replaceAll(join(PACKAGE_ROOT, PLAN), '-'));
    expect(verdicts(piped.stdout)).toEqual(named);
    expect(named.length).toBeGreaterThan(10);
  }, 60_000);

  it('keyhygiene inventory … | keyhygiene audit --snapshot - gives the verdicts of the file; stdin named twice is exit 2', () => {
    const fromFile = audit(['--snapshot', INVENTORY]);
    const piped = audit(['--snapshot', '-'], readFileSync(join(PACKAGE_ROOT, INVENTORY), 'utf8'));
    expect(piped.status, piped.stderr).toBe(fromFile.status);
    expect(verdicts(piped.stdout)).toEqual(verdicts(fromFile.stdout));
    const twice = audit(['--snapshot', '-', '--snapshot', '-'], '{}');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/standard input \(-\) is named 2 times \(--snapshot, --snapshot\); it can be read only once/);
    const bad = audit(['--snapshot', '-'], '{\n  "kind": "keyhygiene-inventory",\n  "version": 1,\n  "keys": [\n    { "id": 1 }\n  ]\n}\n');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^keyhygiene: error: -: keys\[0\]\.id has the wrong type/m);
  }, 60_000);

  it('a snapshot redirected from a file (< FILE) that is not a snapshot names what is missing, not a truncation', () => {
    const inv = JSON.parse(readFileSync(join(PACKAGE_ROOT, INVENTORY), 'utf8'));
    delete inv.kind;
    inv.pad = 'x'.repeat(1_500_000); // past the size the streamed reader hands to the whole-text reader's re-read
    const file = join(tmpdir(), `keyhygiene-nokind-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(inv));
    const fd = openSync(file, 'r');
    try {
      const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin/run.js'), 'audit', '--example', 'storm-0558', '--snapshot', '-'], {
        stdio: [fd, 'pipe', 'pipe'],
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      // It was read to its end: the missing member is named, not 'ends too early' from a second read of the spent stream.
      expect(r.stderr).toMatch(/^keyhygiene: error: -: missing required key "kind" in \(top level\)\./m);
      expect(r.stderr).not.toMatch(/ends too early/);
    } finally {
      closeSync(fd);
    }
  }, 60_000);
});
