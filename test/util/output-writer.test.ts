// The one output writer: atomic replace for regular files, in place for devices and pipes, refusal
// (exit 2) for everything else; a full disk leaves the previous output intact and says so.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planReports } from '../../src/cli/report-output.ts';
import { UserError } from '../../src/errors.ts';
import { jsonChunks } from '../../src/util/json-stream.ts';
import { checkOutputPath, makeOutputDir, writeDirectory, writeOutput } from '../../src/util/output-writer.ts';
import { cli, hasStackTrace } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
let n = 0;
const fresh = (name = 'out') => {
  const d = join(tmp.dir, `case-${n++}`);
  mkdirSync(d);
  return join(d, name);
};

const diskFull = (): Iterable<string> => ({
  *[Symbol.iterator]() {
    yield 'partial report…';
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  },
});

describe('writeOutput', () => {
  it('replaces a regular file atomically, keeping its permissions and leaving no temporary file', () => {
    const file = fresh('report.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o600);
    writeOutput(file, ['{"a":', '1}\n']);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(file, '..'))).toEqual(['report.json']);
  });

  it('on a full disk keeps the previous file intact and says so (exit 2, no temporary file left)', () => {
    const file = fresh('report.json');
    writeFileSync(file, 'previous report');
    expect(() => writeOutput(file, diskFull())).toThrow(/disk is full \(ENOSPC\); the previous .*report\.json is intact/);
    expect(readFileSync(file, 'utf8')).toBe('previous report');
    expect(readdirSync(join(file, '..'))).toEqual(['report.json']);
  });

  it('on a full disk with no previous file says nothing was written (not that a previous one is intact)', () => {
    const file = fresh('new-report.json');
    expect(() => writeOutput(file, diskFull())).toThrow(/disk is full \(ENOSPC\); nothing was written to .*new-report\.json\./);
    expect(existsSync(file)).toBe(false);
  });

  it('writes a FIFO in place: it stays a FIFO and the reader gets the bytes', async () => {
    const fifo = fresh('pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d) => {
      got += d;
    });
    const done = new Promise((r) => reader.on('close', r));
    expect(checkOutputPath(fifo).mode).toBe('in-place');
    writeOutput(fifo, 'through the pipe\n');
    await done;
    expect(got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('writes /dev/null in place: the device stays a character device (run as root, rename would replace it)', () => {
    writeOutput('/dev/null', 'discarded');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(checkOutputPath('/dev/null').mode).toBe('in-place');
  });

  it('reports ENOSPC from a device (/dev/full) as a full disk, not a crash, and says part may have been written', () => {
    expect(() => writeOutput('/dev/full', 'x')).toThrow(/disk is full \(ENOSPC\); \/dev\/full may hold part of the output\./);
  });

  it('a device or pipe that refuses a write is named itself, not the directory it lives in', () => {
    const refused: Iterable<string> = {
      *[Symbol.iterator]() {
        yield 'partial';
        throw Object.assign(new Error('EACCES: permission denied, write'), { code: 'EACCES' });
      },
    };
    let err: unknown;
    try {
      writeOutput('/dev/null', refused);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).diagnostics[0]?.message ?? '';
    expect(message).toMatch(/cannot write \/dev\/null: it does not allow writing \(EACCES\); \/dev\/null may hold part of the output\./);
    expect(message).not.toMatch(/\/dev does not allow/);
  });

  it('refuses a directory, a socket and a symlink that leaves its directory', async () => {
    const dir = fresh('adir');
    mkdirSync(dir);
    expect(() => checkOutputPath(dir)).toThrow(/is a directory/);

    const sock = fresh('sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      expect(() => checkOutputPath(sock)).toThrow(/is a socket/);
    } finally {
      server.close();
    }

    const outside = fresh('victim');
    writeFileSync(outside, 'precious');
    const link = fresh('report.json');
    symlinkSync(outside, link);
    expect(() => writeOutput(link, 'x')).toThrow(UserError);
    expect(() => checkOutputPath(link)).toThrow(/leaves its directory/);
    expect(readFileSync(outside, 'utf8')).toBe('precious');

    const dangling = fresh('dangling');
    symlinkSync(join(tmp.dir, 'nowhere'), dangling);
    expect(() => checkOutputPath(dangling)).toThrow(/does not exist/);
  });

  it('follows a symlink inside its own directory and replaces the target, keeping the link', () => {
    const target = fresh('real.json');
    writeFileSync(target, 'old');
    const link = join(target, '..', 'latest.json');
    symlinkSync('real.json', link);
    writeOutput(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });
});

describe('planReports', () => {
  it('refuses the same --output for two formats (also spelled differently)', () => {
    const file = fresh('r.json');
    expect(() => planReports({ format: ['json', 'sarif'], output: [file, file] })).toThrow(/given twice/);
    expect(() => planReports({ format: ['json', 'sarif'], output: [file, join(file, '..', '.', 'r.json')] })).toThrow(/given twice/);
    expect(() => planReports({ format: ['json', 'sarif'], output: ['/dev/null', '/dev/null'] })).not.toThrow();
  });
});

describe('writeDirectory', () => {
  it('on a full disk leaves no bundle behind, only the empty directory it was given', () => {
    const dir = fresh('bundle');
    mkdirSync(dir);
    expect(() =>
      writeDirectory(
        dir,
        [
          { path: 'a.json', content: 'ok' },
          { path: 'reports/b.json', content: diskFull() },
        ],
        '--evidence',
      ),
    ).toThrow(/disk is full.*No bundle was left behind/s);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(join(dir, '..'))).toEqual(['bundle']);
  });
});

describe('jsonChunks', () => {
  it('is byte-identical to JSON.stringify(value, null, 2) + newline', () => {
    const value = { a: [1, { b: [], c: {}, d: undefined, e: [null, 'x\n"y"'] }], f: { g: { h: { i: { j: [1, 2] } } } }, k: [[], [[1]]], l: 'é' };
    expect([...jsonChunks(value)].join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });
});

describe('keyhygiene audit (built CLI)', () => {
  it('--evidence-key that cannot be read is exit 2 before any report is written', () => {
    const out = fresh('report.json');
    const bundle = fresh('bundle');
    const r = cli(['audit', '--example', 'storm-0558', '--format', 'json', '--output', out, '--evidence', bundle, '--evidence-key', fresh('missing.pem')]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(bundle)).toBe(false);
  });

  it('--output /dev/null leaves the device alone; two formats to one file is exit 2', () => {
    const r = cli(['audit', '--example', 'storm-0558', '--format', 'json', '--output', '/dev/null', '--allow-incomplete']);
    expect([0, 1]).toContain(r.status);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    const file = fresh('same.json');
    const dup = cli(['audit', '--example', 'storm-0558', '--format', 'json', '--output', file, '--format', 'sarif', '--output', file]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/given twice/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('makeOutputDir (--output-dir)', () => {
  it('creates a missing directory, and refuses one a file stands in the way of with one usage paragraph', () => {
    const made = join(tmp.dir, 'reports', 'nested');
    makeOutputDir(made, '--output-dir');
    expect(statSync(made).isDirectory()).toBe(true);
    const blocker = tmp.write('a-file', 'x');
    let err: unknown;
    try {
      makeOutputDir(join(blocker, 'sub'), '--output-dir');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as UserError).diagnostics[0]).toMatchObject({
      message: expect.stringMatching(/^--output-dir .*a-file\/sub: the directory cannot be created \((ENOTDIR|EEXIST)\)\.$/),
      hint: expect.stringContaining('a file stands where the directory'),
    });
  });

  it('a directory the kernel refuses to create (under /proc) is exit 2, not a hang', () => {
    // Node's recursive mkdir loops forever on ENOENT under an existing parent; this must come back.
    const r = cli(['audit', '--example', 'storm-0558', '-d', join('/proc', `keyhygiene-${process.pid}`, 'reports')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--output-dir \/proc\/keyhygiene-\d+\/reports: the directory cannot be created \(ENOENT\)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('--evidence where the kernel refuses new entries (/proc) is exit 2 before the audit runs, not after', () => {
    const out = fresh('report.json');
    const r = cli(['audit', '--example', 'storm-0558', '--format', 'json', '-o', out, '--evidence', join('/proc', `keyhygiene-${process.pid}`)]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--evidence \/proc\/keyhygiene-\d+: \/proc does not take a new directory \(ENOENT\)/);
    // Refused before any work: the report was never written.
    expect(existsSync(out)).toBe(false);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('audit -d under a file is exit 2 with that paragraph, not an internal error', () => {
    const blocker = tmp.write('blocker', 'x');
    const r = cli(['audit', '--example', 'storm-0558', '-d', join(blocker, 'reports')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^keyhygiene: error: --output-dir .*blocker\/reports: the directory cannot be created/);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
