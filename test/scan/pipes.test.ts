// Pipes named on the command line (`-`, a FIFO, `<(command)`) are read once, as they arrive; the same
// pipe met inside a directory is a gap (files.test.ts). Nothing read is clean unless all of it was read.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../src/scan/index.ts';
import { walk } from '../../src/scan/walk.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { encode, filler, makeKey } from './material.ts';

const { dir } = tempDir();

/** A FIFO with a writer that sends `bytes` once a reader opens it. */
function fifoWith(name: string, bytes: Buffer): string {
  const file = join(dir, name);
  execFileSync('mkfifo', [file]);
  createWriteStream(file).end(bytes);
  return name;
}

describe('pipes named on the command line', () => {
  it('walk lists - and a named FIFO as streams, not as gaps', () => {
    execFileSync('mkfifo', [join(dir, 'listed')]);
    const w = walk(['-', 'listed', '-'], dir);
    expect(w.streams).toEqual([
      { path: '-', location: '<stdin>' },
      { path: join(dir, 'listed'), location: 'listed' },
    ]);
    expect(w.gaps).toEqual([]);
    expect(w.files).toEqual([]);
  });

  it('a named FIFO is read and its key found at the offset it has in the stream', async () => {
    const key = makeKey('p256', 5);
    const head = filler('text', 70_000);
    const name = fifoWith('from-kubectl', Buffer.concat([head, encode(key, 'pem-pkcs8'), filler('text', 5_000)]));
    const r = await scanPaths({ inputs: [name], baseDir: dir, jobs: 1, known: [{ id: 'kms/p256', publicKey: key.spkiB64 }] });
    const file = r.files.find((f) => f.location === name);
    expect(file?.gaps).toEqual([]);
    expect(file?.findings.map((f) => [f.offset, f.matchedKeyId])).toEqual([[head.length, 'kms/p256']]);
  });

  it('a stream longer than the bound is cut there and the rest is a gap, never clean', async () => {
    const name = fifoWith('endless', filler('text', 50_000));
    const r = await scanPaths({ inputs: [name], baseDir: dir, jobs: 1, limits: { maxExpandedBytes: 10_000 } });
    const file = r.files.find((f) => f.location === name);
    expect(file?.bytes).toBe(10_000);
    expect(file?.gaps.map((g) => g.reason)).toEqual(['the stream is longer than 10000 bytes: only the first 10000 were scanned']);
  });

  it('keyhygiene scan - reads standard input (built CLI): the key is found at <stdin>, exit 1', () => {
    const key = makeKey('rsa2048', 4);
    const r = cli(['scan', '--json', '-'], { input: `kind: Secret\n---\n${encode(key, 'pem-pkcs1').toString()}` });
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.summary.privateKeys).toBe(1);
    expect(out.findings[0].location).toBe('<stdin>');
    const empty = cli(['scan', '-'], { input: 'nothing here\n' });
    expect(empty.status, empty.stderr).toBe(0);
    // The snapshot would use up standard input and the scan of - would read nothing: refused.
    const twice = cli(['scan', '-', '--snapshot', '-'], { input: '{}' });
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/standard input \(-\) is named 2 times \(--snapshot, PATH\)/);
  });
});
