// Tar members as GNU tar and POSIX pax write them (GNU tar manual, "Basic Tar Format" and "Sparse
// Formats"; POSIX.1-2017 pax "ustar Interchange Format"): old GNU sparse members (typeflag 'S') with
// and without extension headers, PAX 1.0 sparse members, base-256 sizes and typeflags POSIX does not
// define. Each must be scanned: a sparse core in a support bundle was skipped and the bundle read clean.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { encode, makeKey } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const key = () => makeKey('rsa2048');
const table = () => new KnownKeyTable([{ id: 'kms/sign', publicKey: key().spkiB64 }]);
const summary = (r: Awaited<ReturnType<typeof scanFile>>) => r.findings.map((f) => `${f.location}:${f.format}:${f.proof}:${f.matchedKeyId ?? '-'}`);
const scan = (name: string) => scanFile(path(name), name, { table: table() });

/** A sparse file: `chunks` data regions of 4 KiB, 1 MiB apart, the PEM key in the last one. */
function sparseFile(name: string, chunks: number): void {
  const fd = openSync(path('src', name), 'w');
  for (let i = 0; i < chunks; i++) {
    const data = i === chunks - 1 ? encode(key(), 'pem-pkcs8') : Buffer.alloc(4096, 0x41 + i);
    writeSync(fd, data, 0, data.length, i * 1024 * 1024);
  }
  closeSync(fd);
}

/** A ustar header's checksum recomputed after an edit (bytes 148–155 counted as spaces). */
function reChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-tar-'));
  mkdirSync(path('src'));
  sparseFile('core.few', 3);
  sparseFile('core.many', 9);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GNU sparse members', () => {
  it("an old GNU sparse member (typeflag 'S', map in the header) is scanned", async () => {
    execFileSync('tar', ['--format=gnu', '--sparse', '-cf', path('few.tar'), '-C', path('src'), 'core.few']);
    expect(String.fromCharCode(readFileSync(path('few.tar'))[156] as number)).toBe('S');
    const r = await scan('few.tar');
    expect(r.gaps).toEqual([]);
    expect(summary(r)).toEqual(['few.tar!core.few:pem:private-key-present:kms/sign']);
  });

  it('one whose sparse map continues in extension headers is scanned past them, also inside a .tar.gz', async () => {
    execFileSync('tar', ['--format=gnu', '--sparse', '-cf', path('many.tar'), '-C', path('src'), 'core.many']);
    expect(readFileSync(path('many.tar'))[482]).toBe(1); // isextended: more than 4 chunks
    const r = await scan('many.tar');
    expect(r.gaps).toEqual([]);
    expect(r.entries.map((e) => [e.location, e.bytes])).toEqual([['many.tar!core.many', 8 * 4096 + encode(key(), 'pem-pkcs8').length]]);
    expect(summary(r)).toEqual(['many.tar!core.many:pem:private-key-present:kms/sign']);
    writeFileSync(path('many.tgz'), gzipSync(readFileSync(path('many.tar'))));
    expect(summary(await scan('many.tgz'))).toEqual(['many.tgz!many.tar!core.many:pem:private-key-present:kms/sign']);
  });

  it('a PAX 1.0 sparse member is scanned under its own name (GNU.sparse.name)', async () => {
    execFileSync('tar', ['--format=posix', '--sparse', '-cf', path('pax.tar'), '-C', path('src'), 'core.many']);
    const r = await scan('pax.tar');
    expect(r.gaps).toEqual([]);
    expect(summary(r)).toEqual(['pax.tar!core.many:pem:private-key-present:kms/sign']);
  });
});

describe('sizes and types', () => {
  it('a member whose size is written in base-256 is read at that size', async () => {
    writeFileSync(path('src', 'id_rsa'), encode(key(), 'pem-pkcs8'));
    execFileSync('tar', ['--format=gnu', '-cf', path('b256.tar'), '-C', path('src'), 'id_rsa']);
    const tar = readFileSync(path('b256.tar'));
    const size = readFileSync(path('src', 'id_rsa')).length;
    tar.fill(0, 124, 136);
    tar[124] = 0x80;
    tar.writeUInt32BE(size, 132);
    reChecksum(tar.subarray(0, 512));
    writeFileSync(path('b256.tar'), tar);
    expect(execFileSync('tar', ['-tvf', path('b256.tar')], { encoding: 'utf8' })).toContain(String(size));
    const r = await scan('b256.tar');
    expect(r.gaps).toEqual([]);
    expect(summary(r)).toEqual(['b256.tar!id_rsa:pem:private-key-present:kms/sign']);
  });

  it('a member of a type POSIX does not define is read as a regular file; a symlink is not', async () => {
    execFileSync('tar', ['-cf', path('x.tar'), '-C', path('src'), 'id_rsa']);
    const x = readFileSync(path('x.tar'));
    x[156] = 'Z'.charCodeAt(0);
    reChecksum(x.subarray(0, 512));
    writeFileSync(path('x.tar'), x);
    expect(summary(await scan('x.tar'))).toEqual(['x.tar!id_rsa:pem:private-key-present:kms/sign']);
    execFileSync('ln', ['-sf', 'id_rsa', path('src', 'link')]);
    execFileSync('tar', ['-cf', path('link.tar'), '-C', path('src'), 'link']);
    const r = await scan('link.tar');
    expect([r.entries, r.findings, r.gaps]).toEqual([[], [], []]);
  });
});
