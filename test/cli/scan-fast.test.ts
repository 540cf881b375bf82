// The fast start of `keyhygiene scan` (src/cli/scan-fast.ts): bin/run.js reads scan's arguments
// itself when oclif would read them the same way, and runs the scan without loading oclif. These
// tests pin (1) what it reads and what it leaves to oclif, (2) that its flag table is the command's,
// and (3) that the built CLI prints the same bytes and exits the same as oclif from node_modules does
// for runs that take the fast start: clean, findings, JSON, every flag, bad paths, bad key files.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_SCAN_FLAGS, fastScanOptions } from '../../src/cli/scan-fast.ts';
import Scan from '../../src/commands/scan.ts';
import { PACKAGE_ROOT } from '../../src/paths.ts';
import { SPLIT_MIN } from '../../src/scan/early-workers.ts';
import { CHILD_ENV } from '../helpers/cli.ts';
import { encode, filler, makeKey } from '../scan/material.ts';

const dir = mkdtempSync(join(tmpdir(), 'kh-scan-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaults = { json: false, showPublic: false, jobs: undefined, maxRatio: 200, maxDepth: 4, allowIncomplete: false, knownKeys: undefined, debug: false };

describe('fastScanOptions', () => {
  it('reads paths and the scan flags in their plain spellings as oclif does', () => {
    expect(fastScanOptions(['core.1'], {})).toEqual({ ...defaults, paths: ['core.1'] });
    const every = ['a', '--json', '--known-keys', 'k.pem', 'b', '-k', 'x.jwks, y.crt', '--known-keys=z.pub', '--jobs=3', '--max-depth', '2'];
    expect(fastScanOptions([...every, '--max-ratio', '50', '--show-public', '--allow-incomplete', '--debug', 'c'], {})).toEqual({
      paths: ['a', 'b', 'c'],
      knownKeys: ['k.pem', 'x.jwks', 'y.crt', 'z.pub'],
      json: true,
      showPublic: true,
      jobs: 3,
      maxRatio: 50,
      maxDepth: 2,
      allowIncomplete: true,
      debug: true,
    });
    expect(fastScanOptions(['-j', '1', 'x'], {})?.jobs).toBe(1);
    expect(fastScanOptions(['-', 'x'], {})?.paths).toEqual(['-', 'x']); // `-` is standard input, a path as oclif reads it
  });

  it.each([
    [[]], // no path: oclif's "missing argument"
    [['--help', 'x']],
    [['x', '-h']],
    [['--version']],
    [['x', '--']],
    [['x', '--jobs', '0']], // below min
    [['x', '--jobs', '65']], // above max
    [['x', '--max-depth', '17']],
    [['x', '--max-ratio', '1']],
    [['x', '--jobs', '-1']],
    [['x', '--jobs', '2.5']],
    [['x', '--jobs', '1', '--jobs', '2']], // "can only be specified once"
    [['x', '--json', '--json']],
    [['x', '--json=true']],
    [['x', '--jobs']], // no value
    [['x', '--known-keys', '--json']], // a flag where the value should be
    [['x', '--known-keys', 'a,,b']],
    [['x', '--known-keys', 'a\\,b']], // escaped delimiter
    [['x', '--known-keys', '"a b",c']], // quoted
    [['x', '--known-keys=']],
    [['x', '-kfile.pem']],
    [['x', '-k=file.pem']],
    [['x', '-j2']],
    [['x', '--snapshot', 'inv.json']], // loads the audit module anyway
    [['x', '-s', 'inv.json']],
    [['x', '--no-json']],
    [['x', '--jsno']], // misspelt: oclif's "did you mean"
    [['x', '-x']],
  ])('leaves %j to oclif', (argv) => {
    expect(fastScanOptions(argv, {})).toBeUndefined();
  });

  it('leaves every run to oclif while oclif debugging or performance settings are on', () => {
    for (const env of [{ DEBUG: '*' }, { KEYHYGIENE_DEBUG: '1' }, { OCLIF_PERFORMANCE: '1' }, { NODE_ENV: 'development' }])
      expect(fastScanOptions(['x'], env)).toBeUndefined();
  });

  it('knows every scan flag as the command defines it (only --snapshot is left to oclif)', () => {
    const all = { ...Scan.baseFlags, ...Scan.flags } as Record<string, Record<string, unknown>>;
    expect(Object.keys(all).filter((n) => !(n in FAST_SCAN_FLAGS))).toEqual(['snapshot']);
    for (const [name, f] of Object.entries(FAST_SCAN_FLAGS)) {
      const o = all[name] as Record<string, unknown>;
      expect(o, name).toBeDefined();
      expect(o.char, name).toBe(f.char);
      expect(o.type, name).toBe(f.type === 'boolean' ? 'boolean' : 'option');
      if (f.type === 'integer') expect([o.min, o.max, o.default, Boolean(o.multiple)], name).toEqual([f.min, f.max, f.default, false]);
      if (f.type === 'files') expect([o.multiple, o.multipleNonGreedy, o.delimiter, o.default], name).toEqual([true, true, ',', undefined]);
      if (f.type === 'boolean') expect([o.allowNo, o.default], name).toEqual([false, undefined]); // not given: off, as false is here
    }
  });
});

describe('the built CLI on the fast start', () => {
  it('prints the same bytes and exits the same as oclif does, for every kind of run it takes', () => {
    const key = makeKey('rsa2048', 3);
    const other = makeKey('p256', 3);
    const clean = join(dir, 'clean.log');
    writeFileSync(clean, filler('mixed', 300_000));
    const withKey = join(dir, 'with-key.bin');
    writeFileSync(withKey, Buffer.concat([filler('mixed', 40_001), encode(key, 'pem-pkcs8'), filler('text', 9_000), encode(other, 'bignum-le')]));
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gzipSync(filler('text', 200_000)).subarray(0, 900));
    const pub = join(dir, 'pub.pem');
    writeFileSync(pub, `${key.publicKey.export({ format: 'pem', type: 'spki' })}${other.publicKey.export({ format: 'pem', type: 'spki' })}`);
    // Large enough to be split: the fast start starts its worker before the scanner loads.
    const big = openSync(join(dir, 'big.bin'), 'w');
    ftruncateSync(big, SPLIT_MIN);
    closeSync(big);
    const notKey = join(dir, 'not-a-key.txt');
    writeFileSync(notKey, 'hello\n');
    const bin = join(PACKAGE_ROOT, 'bin/run.js');
    const oclif = pathToFileURL(createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('@oclif/core/execute')).href;
    const plain = `const { execute } = await import(${JSON.stringify(oclif)}); await execute({ dir: ${JSON.stringify(pathToFileURL(bin).href)}, args: process.argv.slice(1) });`;
    const run = (pre: string[], args: string[]) => {
      const r = spawnSync(process.execPath, [...pre, ...args], { cwd: dir, env: CHILD_ENV, encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const cases = [
      ['scan', 'clean.log'],
      ['scan', '--json', 'clean.log', 'with-key.bin'],
      ['scan', '--known-keys', pub, '--show-public', 'with-key.bin'],
      ['scan', `--known-keys=${pub}`, '--json', '--jobs', '2', '--max-depth', '2', '--max-ratio', '50', '.'],
      ['scan', 'cut.gz', 'clean.log'],
      ['scan', '--jobs', '2', '--json', 'big.bin'],
      ['scan', '--allow-incomplete', 'cut.gz'],
      ['scan', 'missing.bin'],
      ['scan', '--json', '-', 'clean.log'], // standard input (empty here)
      ['scan', '--known-keys', notKey, 'clean.log'],
      ['scan', '--known-keys', 'nowhere.pem', 'clean.log'],
    ];
    const statuses = new Set<number | null>();
    for (const args of cases) {
      const ours = run([bin], args);
      const theirs = run(['--input-type=module', '-e', plain, '--'], args);
      expect(fastScanOptions(args.slice(1), {}), args.join(' ')).toBeDefined();
      expect(ours, args.join(' ')).toEqual(theirs);
      statuses.add(ours.status);
    }
    expect([...statuses].sort()).toEqual([0, 1, 2, 3]);
  }, 260_000); // twenty-two process starts, on a busy machine
});
