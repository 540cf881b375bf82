// Bounded, strict input reads: every input file has a size limit checked before reading a regular file
// and while reading a device or pipe; invalid UTF-8 is located; special files in a bundle are refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { writeEvidenceBundle } from '../../src/evidence/bundle.ts';
import { verifyEvidence } from '../../src/evidence/verify.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { INPUT_LIMITS, MAX_INPUT_ENV, readInputBytes, readTextFile } from '../../src/util/read-text.ts';
import { cli, hasStackTrace } from '../helpers/cli.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
let n = 0;
const fresh = (name: string) => {
  const d = join(tmp.dir, `case-${n++}`);
  mkdirSync(d);
  return join(d, name);
};

const diag = (f: () => unknown): { message: string; line?: number; column?: number } => {
  try {
    f();
  } catch (err) {
    if (err instanceof UserError) return err.diagnostics[0] as { message: string };
    throw err;
  }
  throw new Error('expected a UserError');
};

describe('readInputBytes / readTextFile', () => {
  it('stops reading /dev/zero at the limit and names the limit and how to raise it', () => {
    const t0 = Date.now();
    const d = diag(() => readTextFile('/dev/zero', 'policy file', 'fix it'));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(d.message).toMatch(/larger than 4 MiB/);
    expect(String((d as { hint?: string }).hint)).toContain(MAX_INPUT_ENV);
  });

  it('rejects an oversized regular file from its size, without reading it', () => {
    const big = fresh('huge.yaml');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024);
    const t0 = Date.now();
    expect(diag(() => readTextFile(big, 'policy file', 'fix')).message).toMatch(/larger than 4 MiB/);
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('reads up to exactly the limit, and the environment raises it', () => {
    const f = fresh('exact.bin');
    writeFileSync(f, Buffer.alloc(1000, 'a'));
    expect(readInputBytes(f, 'x', 'y', 1000).length).toBe(1000);
    expect(() => readInputBytes(f, 'x', 'y', 999)).toThrow(/larger than 999 bytes/);
    const big = fresh('big.yaml');
    writeFileSync(big, Buffer.alloc(INPUT_LIMITS.policy + 1, 'a'));
    process.env[MAX_INPUT_ENV] = String(INPUT_LIMITS.policy * 2);
    try {
      expect(readTextFile(big, 'policy file', 'fix').length).toBe(INPUT_LIMITS.policy + 1);
    } finally {
      delete process.env[MAX_INPUT_ENV];
    }
  });

  it('names the line and column of the first invalid UTF-8 byte', () => {
    const f = fresh('latin1.yaml');
    writeFileSync(f, Buffer.concat([Buffer.from('version: 1\nextends: [recommended]\n# caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const d = diag(() => readTextFile(f, 'policy file', 'fix'));
    expect(d.message).toMatch(/not valid UTF-8 \(byte 0xe9/);
    expect([d.line, d.column]).toEqual([3, 6]);
  });

  it('refuses a directory and a missing file with exit 2', () => {
    expect(diag(() => readTextFile(tmp.dir, 'snapshot', 'fix')).message).toMatch(/is a directory/);
    expect(diag(() => readTextFile(join(tmp.dir, 'nope'), 'snapshot', 'fix')).message).toMatch(/does not exist/);
  });
});

describe('evidence verify on a tampered bundle', () => {
  const run = stormRun();
  const bundle = () => {
    const dir = fresh('bundle');
    writeEvidenceBundle(dir, { ...run, meta: reportMeta(), toolVersion: '9.9.9', createdAt: new Date('2026-11-01T07:00:00Z') });
    return dir;
  };

  it('a FIFO in the bundle is exit 2, without opening it (no hang)', () => {
    const dir = bundle();
    execFileSync('mkfifo', [join(dir, 'extra.json')]);
    const t0 = Date.now();
    expect(diag(() => verifyEvidence(dir)).message).toMatch(/named pipe \(FIFO\)/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a listed file replaced by a FIFO or a symlink to /dev/zero is exit 2 (built CLI, no stack trace, no hang)', () => {
    const dir = bundle();
    const victim = join(dir, 'result.json');
    execFileSync('rm', [victim]);
    symlinkSync('/dev/zero', victim);
    const r = cli(['evidence', 'verify', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
    expect(hasStackTrace(r.stderr)).toBe(false);

    const dir2 = bundle();
    execFileSync('rm', [join(dir2, 'inventory.json')]);
    execFileSync('mkfifo', [join(dir2, 'inventory.json')]);
    const r2 = cli(['evidence', 'verify', dir2]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/FIFO/);
  });
});

describe('keyhygiene audit (built CLI) with endless or huge inputs', () => {
  it('/dev/zero as the policy fails fast with exit 2 naming the limit and the variable', () => {
    const t0 = Date.now();
    const r = cli(['audit', '--policy', '/dev/zero']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/larger than 4 MiB/);
    expect(r.stderr).toContain(MAX_INPUT_ENV);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('/dev/zero as a snapshot or baseline fails with exit 2', () => {
    const env = { [MAX_INPUT_ENV]: String(8 * 1024 * 1024) };
    const s = cli(['audit', '--example', 'storm-0558', '--snapshot', '/dev/zero'], { env });
    expect(s.status).toBe(2);
    // Snapshots are streamed: /dev/zero is refused at its first byte (endless input: test/inventory/read.test.ts).
    expect(s.stderr).toMatch(/\/dev\/zero: the snapshot must be a JSON object/);
    const b = cli(['audit', '--example', 'storm-0558', '--baseline', '/dev/zero'], { env });
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/baseline file is larger than 8 MiB/);
  });
});
