// Java heap dumps: hprof files built from the JDK's HPROF binary format (heapDumper.cpp: header
// "JAVA PROFILE 1.0.2\0", u4 identifier size, u8 time; HEAP_DUMP_SEGMENT 0x1c records holding
// PRIMITIVE ARRAY DUMP 0x23 sub-records), and a real `jcmd PID GC.heap_dump` of a JVM holding RSA, EC,
// Ed25519 and X25519 keys. Java keeps an EdDSA/XDH private key as a byte[32] of its own, not beside the
// public key: it is found among the byte[32] arrays near the public key and derived.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { HPROF_SEED_RADIUS } from '../../src/scan/hprof.ts';
import { scanPaths } from '../../src/scan/index.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { which } from '../helpers/which.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-hprof-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spki = (k: KeyObject) => k.export({ format: 'der', type: 'spki' }).toString('base64');
const raw = (k: KeyObject, part: 'x' | 'd') => Buffer.from(k.export({ format: 'jwk' })[part] as string, 'base64url');

/** One PRIMITIVE ARRAY DUMP sub-record of a byte[] (element type 8). */
function byteArray(idSize: number, id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(1 + idSize + 4 + 4 + 1);
  head[0] = 0x23;
  head.writeUIntBE(id, 1 + idSize - 4, 4);
  head.writeUInt32BE(1, 1 + idSize); // stack trace serial
  head.writeUInt32BE(data.length, 1 + idSize + 4);
  head[1 + idSize + 8] = 8; // T_BYTE
  return Buffer.concat([head, data]);
}

/** An hprof file: the header, then one HEAP_DUMP_SEGMENT holding the sub-records. */
function hprof(idSize: number, subRecords: Buffer[]): Buffer {
  const header = Buffer.concat([Buffer.from('JAVA PROFILE 1.0.2\0', 'latin1'), Buffer.alloc(12)]);
  header.writeUInt32BE(idSize, 19);
  const body = Buffer.concat(subRecords);
  const rec = Buffer.alloc(9);
  rec[0] = 0x1c;
  rec.writeUInt32BE(body.length, 5);
  return Buffer.concat([header, rec, body, Buffer.from([0x2c, 0, 0, 0, 0, 0, 0, 0, 0])]); // HEAP_DUMP_END
}

/** Unrelated byte[32] arrays (hashes, salts) and larger arrays, as a heap is full of them. */
const noise = (idSize: number, n: number) => Array.from({ length: n }, (_, i) => byteArray(idSize, 1000 + i, randomBytes(i % 3 === 0 ? 32 : 200)));

describe('hprof built from the format', () => {
  for (const idSize of [8, 4]) {
    it(`identifier size ${idSize}: Ed25519 and X25519 private keys (byte[32] of their own) are proven; a lone public key is not; a seed past the radius is not looked at`, async () => {
      const ed = generateKeyPairSync('ed25519');
      const x = generateKeyPairSync('x25519');
      const lone = generateKeyPairSync('ed25519');
      const far = generateKeyPairSync('ed25519');
      const data = hprof(idSize, [
        ...noise(idSize, 50),
        byteArray(idSize, 1, raw(ed.publicKey, 'x')),
        ...noise(idSize, 40),
        byteArray(idSize, 2, raw(ed.privateKey, 'd')),
        byteArray(idSize, 3, raw(x.privateKey, 'd')),
        ...noise(idSize, 30),
        byteArray(idSize, 4, raw(x.publicKey, 'x')),
        byteArray(idSize, 5, raw(lone.publicKey, 'x')),
        byteArray(idSize, 6, raw(far.publicKey, 'x')),
        byteArray(idSize, 7, randomBytes(HPROF_SEED_RADIUS + 4096)),
        byteArray(idSize, 8, raw(far.privateKey, 'd')),
      ]);
      const file = join(dir, `heap${idSize}.hprof`);
      writeFileSync(file, data);
      const table = new KnownKeyTable([
        { id: 'java/ed', publicKey: spki(ed.publicKey) },
        { id: 'java/x', publicKey: spki(x.publicKey) },
        { id: 'java/lone', publicKey: spki(lone.publicKey) },
        { id: 'java/far', publicKey: spki(far.publicKey) },
      ]);
      const r = await scanFile(file, 'heap.hprof', { table });
      expect(r.gaps).toEqual([]);
      expect(r.findings.map((f) => [f.offset, f.format, f.proof, f.matchedKeyId])).toEqual([
        [data.indexOf(raw(ed.publicKey, 'x')), 'okp-public', 'private-key-present', 'java/ed'],
        [data.indexOf(raw(x.publicKey, 'x')), 'okp-public', 'private-key-present', 'java/x'],
        [data.indexOf(raw(lone.publicKey, 'x')), 'okp-public', 'public-key-only', 'java/lone'],
        [data.indexOf(raw(far.publicKey, 'x')), 'okp-public', 'public-key-only', 'java/far'],
      ]);
      expect(r.findings.every((f) => f.artifactType === 'hprof')).toBe(true);
    });
  }
});

describe('a truncated hprof', () => {
  it('is a truncated gap naming the record that runs past the end; what it holds is still scanned', async () => {
    const ed = generateKeyPairSync('ed25519');
    const data = hprof(8, [byteArray(8, 1, raw(ed.publicKey, 'x')), byteArray(8, 2, raw(ed.privateKey, 'd')), ...noise(8, 100)]);
    const file = join(dir, 'cut.hprof');
    writeFileSync(file, data.subarray(0, data.length - 3000));
    const table = new KnownKeyTable([{ id: 'java/ed', publicKey: spki(ed.publicKey) }]);
    const r = await scanFile(file, 'cut.hprof', { table });
    expect(r.findings.map((f) => [f.format, f.proof])).toEqual([['okp-public', 'private-key-present']]);
    expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([['cut.hprof', 'truncated']]);
    expect(r.gaps[0]?.reason).toMatch(/^hprof: the record at offset 31 \(tag 0x1c\) declares \d+ bytes, 2991 more than the file holds/);
  });
});

// Run as a single source file (JEP 330). It prints the public keys, then waits until killed.
const HOLDER = `
import java.security.*;
import java.security.spec.*;
import java.util.*;
public class Holder {
  static List<KeyPair> held = new ArrayList<>();
  public static void main(String[] a) throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA"); rsa.initialize(2048);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC"); ec.initialize(new ECGenParameterSpec("secp256r1"));
    held.add(rsa.generateKeyPair()); held.add(ec.generateKeyPair());
    held.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    held.add(KeyPairGenerator.getInstance("X25519").generateKeyPair());
    StringBuilder out = new StringBuilder();
    for (KeyPair k : held) out.append(Base64.getEncoder().encodeToString(k.getPublic().getEncoded())).append(' ');
    System.out.println(out.toString().trim());
    Thread.sleep(600000);
  }
}
`;

describe('jcmd GC.heap_dump of a JVM holding RSA, EC, Ed25519 and X25519 keys', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('proves all four private keys in the real heap dump', async () => {
    if (!which('java') || !which('jcmd')) throw new Error('this test needs a JDK (java and jcmd) on PATH: apt-get install -y default-jdk-headless');
    const src = join(dir, 'Holder.java');
    writeFileSync(src, HOLDER);
    child = spawn('java', ['-Xmx64m', src], { stdio: ['ignore', 'pipe', 'ignore'] });
    // The whole line: a pipe may deliver it in more than one chunk (a cut line misnamed the keys under load).
    const line = await new Promise<string>((resolve) => {
      let got = '';
      child?.stdout?.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\n')) resolve(got.slice(0, got.indexOf('\n')));
      });
    });
    const [rsa, ec, ed, x] = line.trim().split(' ');
    const heap = join(dir, 'jvm.hprof');
    execFileSync('jcmd', [String(child.pid), 'GC.heap_dump', heap], { stdio: 'ignore' });
    child.kill('SIGKILL');
    const known = [
      { id: 'jvm/rsa', publicKey: rsa as string },
      { id: 'jvm/ec', publicKey: ec as string },
      { id: 'jvm/ed25519', publicKey: ed as string },
      { id: 'jvm/x25519', publicKey: x as string },
    ];
    const report = await scanPaths({ inputs: [heap], baseDir: '/', known, jobs: 1 });
    const file = report.files[0];
    expect(file?.gaps, JSON.stringify(file?.gaps)).toEqual([]);
    expect(file?.findings.every((f) => f.artifactType === 'hprof')).toBe(true);
    const proven = (file?.findings ?? []).filter((f) => f.proof === 'private-key-present');
    expect([...new Set(proven.map((f) => f.matchedKeyId))].sort()).toEqual(['jvm/ec', 'jvm/ed25519', 'jvm/rsa', 'jvm/x25519']);
  }, 120_000);
});
