// Files, archives and walks: containers opened and scanned inside, and everything that cannot be
// read (truncated archives, bombs, loops, dangling links) turned into gaps, never a crash.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniff } from '../../src/scan/artifact-type.ts';
import { scanFile } from '../../src/scan/files.ts';
import { scanPaths } from '../../src/scan/index.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { walk } from '../../src/scan/walk.ts';
import { scratchRoot } from '../helpers/tmp.ts';
import { encode, filler, makeKey } from './material.ts';

let dir: string;
const key = () => makeKey('rsa2048');
const table = () => new KnownKeyTable([{ id: 'kms/sign', publicKey: key().spkiB64 }]);
/** A minidump-looking file with a little-endian key (modulus + primes) in its "memory". */
const dumpBytes = () =>
  Buffer.concat([Buffer.from('MDMP\x93\xa7\0\0', 'latin1'), filler('mixed', 50_001), encode(key(), 'bignum-le'), filler('mixed', 30_000)]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-scan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const path = (...p: string[]) => join(dir, ...p);

describe('artifact types', () => {
  it.each([
    ['MDMP\x93\xa7', 'x.bin', 'minidump'],
    ['PAGEDU64', 'x', 'kernel-dump'],
    ['PAGEDUMP', 'x', 'kernel-dump'],
    ['\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0', 'x', 'elf-core'],
    ['JAVA PROFILE 1.0.2\0', 'x', 'hprof'],
    ['EMiL\x01\0\0\0', 'x', 'lime'],
    ['HIBR', 'x', 'hibernation'],
    ['random bytes', 'w3wp.dmp', 'minidump'],
    ['random bytes', 'core.4242', 'elf-core'],
    ['random bytes', 'notes.txt', 'file'],
  ])('%j named %s is a %s', (head, name, type) => {
    expect(sniff(Buffer.from(head, 'latin1'), name).type).toBe(type);
  });

  it('an ELF executable is not a core file', () => {
    expect(sniff(Buffer.from('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0', 'latin1'), 'a.out').type).toBe('file');
  });
});

describe('containers', () => {
  it('scans a plain dump in one pass and proves the key', async () => {
    writeFileSync(path('plain.dmp'), dumpBytes());
    const r = await scanFile(path('plain.dmp'), 'plain.dmp', { table: table(), chunkSize: 64 * 1024 });
    expect(r.gaps).toEqual([]);
    expect(r.entries).toEqual([{ location: 'plain.dmp', artifactType: 'minidump', bytes: r.bytes }]);
    expect(r.findings.map((f) => [f.location, f.format, f.proof, f.matchedKeyId])).toEqual([
      ['plain.dmp', 'rsa-modulus-le', 'private-key-present', 'kms/sign'],
    ]);
  });

  it('opens gzip, tar, tar.gz and zip (stored and deflated), and a zip inside a tar', async () => {
    mkdirSync(path('t'), { recursive: true });
    writeFileSync(path('t', 'w3wp.dmp'), dumpBytes());
    writeFileSync(path('t', 'id_rsa'), encode(key(), 'pem-pkcs1'));
    writeFileSync(path('core.dmp.gz'), gzipSync(dumpBytes()));
    execFileSync('tar', ['-cf', path('bundle.tar'), '-C', path('t'), 'w3wp.dmp', 'id_rsa']);
    execFileSync('tar', ['-czf', path('bundle.tgz'), '-C', path('t'), 'w3wp.dmp']);
    execFileSync('zip', ['-q', '-j', path('bundle.zip'), path('t', 'w3wp.dmp')]);
    execFileSync('zip', ['-q', '-0', '-j', path('stored.zip'), path('t', 'id_rsa')]);
    execFileSync('tar', ['-cf', path('nested.tar'), '-C', dir, 'bundle.zip']);
    const cases: [string, string[]][] = [
      ['core.dmp.gz', ['core.dmp.gz!core.dmp@50009:rsa-modulus-le:minidump']],
      ['bundle.tar', ['bundle.tar!id_rsa@0:pem:file', 'bundle.tar!w3wp.dmp@50009:rsa-modulus-le:minidump']],
      ['bundle.tgz', ['bundle.tgz!bundle.tar!w3wp.dmp@50009:rsa-modulus-le:minidump']],
      ['bundle.zip', ['bundle.zip!w3wp.dmp@50009:rsa-modulus-le:minidump']],
      ['stored.zip', ['stored.zip!id_rsa@0:pem:file']],
      ['nested.tar', ['nested.tar!bundle.zip!w3wp.dmp@50009:rsa-modulus-le:minidump']],
    ];
    for (const [file, expected] of cases) {
      const r = await scanFile(path(file), file, { table: table() });
      expect(r.gaps, file).toEqual([]);
      expect(r.findings.map((f) => `${f.location}@${f.offset}:${f.format}:${f.artifactType}`).sort(), file).toEqual(expected);
      expect(
        r.findings.every((f) => f.proof === 'private-key-present' && f.matchedKeyId === 'kms/sign'),
        file,
      ).toBe(true);
    }
  });

  it('a truncated gzip is scanned up to the cut and reported as a gap', async () => {
    const gz = gzipSync(Buffer.concat([encode(key(), 'pem-pkcs8'), filler('random', 300_000)]));
    writeFileSync(path('cut.gz'), gz.subarray(0, gz.length - 5000));
    const r = await scanFile(path('cut.gz'), 'cut.gz', { table: table() });
    expect(r.gaps.map((g) => g.operation)).toEqual(['decompress']);
    expect(r.gaps[0]?.reason).toMatch(/truncated or corrupt gzip/);
    expect(r.findings.map((f) => f.format)).toEqual(['pem']);
  });

  it('a truncated zip and a truncated tar are gaps', async () => {
    writeFileSync(path('cut.zip'), readFileSync(path('bundle.zip')).subarray(0, 4000));
    const z = await scanFile(path('cut.zip'), 'cut.zip');
    expect(z.gaps.map((g) => g.reason)).toEqual(['truncated zip archive: no end-of-central-directory record']);
    const tar = readFileSync(path('bundle.tar'));
    writeFileSync(path('cut.tar'), tar.subarray(0, 700));
    const t = await scanFile(path('cut.tar'), 'cut.tar');
    expect(t.gaps.map((g) => g.operation)).toEqual(['read-tar']);
  });

  it('decompression bombs stop at the ratio bound and become gaps', async () => {
    writeFileSync(path('bomb.gz'), gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const r = await scanFile(path('bomb.gz'), 'bomb.gz', { limits: { maxRatio: 100 } });
    expect(r.gaps).toHaveLength(1);
    expect(r.gaps[0]?.reason).toMatch(/^decompression bomb/);
    writeFileSync(path('t', 'zeros'), Buffer.alloc(32 * 1024 * 1024));
    execFileSync('zip', ['-q', '-j', path('bomb.zip'), path('t', 'zeros')]);
    const z = await scanFile(path('bomb.zip'), 'bomb.zip', { limits: { maxRatio: 100 } });
    expect(z.gaps.map((g) => g.reason)[0]).toMatch(/^decompression bomb/);
  });

  it('a zip whose thousands of entries overlap one kernel (APPNOTE layout, the overlapping-entry bomb) is a gap within seconds', async () => {
    // One local file header and its deflate data, then 5,000 central-directory entries that all point at it.
    const key = encode(makeKey('rsa2048'), 'pem-pkcs8');
    const plain = Buffer.concat([key, Buffer.alloc(1024 * 1024 - key.length)]);
    const data = deflateRawSync(plain);
    const name = Buffer.from('id_rsa');
    const crc = crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entries = 5000;
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(plain.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const cd = Buffer.concat(Array.from({ length: entries }, () => Buffer.concat([central, name])));
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(entries, 8);
    eocd.writeUInt16LE(entries, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(30 + name.length + data.length, 16);
    writeFileSync(path('overlap.zip'), Buffer.concat([local, name, data, cd, eocd]));
    const started = performance.now();
    const r = await scanFile(path('overlap.zip'), 'overlap.zip');
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(r.findings.map((f) => `${f.location}:${f.format}:${f.proof}`)).toEqual(['overlap.zip!id_rsa:pem:private-key-present']);
    expect(r.gaps).toEqual([
      { location: 'overlap.zip', operation: 'read-zip', reason: expect.stringMatching(/^4999 zip entries overlap another entry's data/) },
    ]);
  });

  it('works past 4 GiB: a key planted at 4.5 GiB in a sparse file is found at its exact offset', async () => {
    // On tmpfs a hole reads as the shared zero page; on a disk file system every 4 KiB of it is a fresh
    // page-cache page to allocate and zero (measured: 0.1 s against 3–5 s of system CPU for 4.5 GiB).
    const big = join(scratchRoot(64 * 2 ** 20), `kh-big-${process.pid}.core`);
    const at = 4.5 * 1024 ** 3 + 12_345;
    const fd = openSync(big, 'w');
    writeSync(fd, encode(key(), 'der-pkcs1'), 0, undefined, at);
    ftruncateSync(fd, at + 100_000);
    closeSync(fd);
    try {
      const r = await scanFile(big, 'big.core');
      expect(r.gaps).toEqual([]);
      expect(r.findings.map((f) => [f.offset, f.format, f.proof])).toEqual([[at, 'der-pkcs1', 'private-key-present']]);
    } finally {
      rmSync(big);
    }
  }, 120_000);

  it('unreadable paths are gaps, never exceptions', async () => {
    const r = await scanFile(path('does-not-exist'), 'does-not-exist');
    expect(r.gaps).toEqual([{ location: 'does-not-exist', operation: 'open', reason: expect.stringMatching(/^ENOENT/) }]);
    const d = await scanFile(dir, 'a-directory');
    expect(d.gaps[0]?.reason).toMatch(/EISDIR|not a regular file/);
  });
});

describe('walking', () => {
  it('walks directories and globs, reports symlink loops and dangling links as gaps', () => {
    const root = path('walk');
    mkdirSync(path('walk', 'a', 'b'), { recursive: true });
    writeFileSync(path('walk', 'a', 'one.dmp'), 'x');
    writeFileSync(path('walk', 'a', 'b', 'two.dmp'), 'x');
    writeFileSync(path('walk', 'a', 'b', 'notes.txt'), 'x');
    symlinkSync(path('walk', 'a'), path('walk', 'a', 'b', 'loop'));
    symlinkSync(path('walk', 'nowhere'), path('walk', 'dangling'));
    symlinkSync(path('walk', 'self'), path('walk', 'self'));
    const all = walk(['walk'], dir);
    expect(all.files.map((f) => f.location)).toEqual(['walk/a/b/notes.txt', 'walk/a/b/two.dmp', 'walk/a/one.dmp']);
    expect(all.gaps.map((g) => [g.location, g.reason.split(':')[0]]).sort()).toEqual([
      ['walk/a/b/loop', 'symlink loop'],
      ['walk/dangling', 'dangling symlink (ENOENT'],
      ['walk/self', 'symlink loop'],
    ]);
    const globbed = walk([`${root}/**/*.dmp`], dir);
    expect(globbed.files.map((f) => f.path)).toEqual([path('walk', 'a', 'b', 'two.dmp'), path('walk', 'a', 'one.dmp')].sort());
  });

  it('a FIFO met in a directory is a gap at once, never read and never silent', async () => {
    mkdirSync(path('special'), { recursive: true });
    writeFileSync(path('special', 'plain.log'), 'nothing here\n');
    execFileSync('mkfifo', [path('special', 'pipe')]);
    const started = performance.now();
    // Opening a FIFO for reading blocks until a writer comes: a scan that tried would never return.
    const r = await scanPaths({ inputs: ['special'], baseDir: dir, jobs: 1 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(r.files.map((f) => f.location)).toEqual(['special/plain.log']);
    expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([['special/pipe', 'open']]);
    expect(r.gaps[0]?.reason).toMatch(/^a FIFO \(named pipe\) is not a regular file; not scanned/);
  });

  it('a file that says 0 bytes and reads text (procfs) is not scanned, never clean', async () => {
    const r = await scanPaths({ inputs: ['/proc/self/status'], baseDir: dir, jobs: 1 });
    const gaps = r.files.flatMap((f) => f.gaps);
    expect(gaps.map((g) => g.operation)).toEqual(['open']);
    expect(gaps[0]?.reason).toMatch(/^the file reports 0 bytes but reads more \(procfs, sysfs\); not scanned/);
    const empty = await scanPaths({ inputs: [path('special', 'plain.log')], baseDir: dir, jobs: 1 });
    expect(empty.files.flatMap((f) => f.gaps)).toEqual([]);
  });

  it('scans many files across worker threads with the same results as one thread', async () => {
    mkdirSync(path('many'), { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(path('many', `f${i}.dmp`), i % 2 ? dumpBytes() : filler('mixed', 100_000 + i));
    const known = [{ id: 'kms/sign', publicKey: key().spkiB64 }];
    const one = await scanPaths({ inputs: ['many'], baseDir: dir, known, jobs: 1 });
    const two = await scanPaths({ inputs: ['many'], baseDir: dir, known, jobs: 2 });
    expect(two.files).toEqual(one.files);
    expect(one.files.flatMap((f) => f.findings.map((x) => `${x.location}:${x.proof}`))).toEqual([
      'many/f1.dmp:private-key-present',
      'many/f3.dmp:private-key-present',
      'many/f5.dmp:private-key-present',
    ]);
  });
});
