// --known-keys: public keys from the files people have (PEM, DER, certificates, JWK/JWKS, OpenSSH,
// RFC 4716), each recognised with the fingerprints of the key itself; and the flag keeps the paths
// after it as paths.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Scan from '../../src/commands/scan.ts';
import { loadKnownKeyFiles } from '../../src/scan/known-key-files.ts';
import { encode, filler, type KeyKind, makeKey, sshPublicBlob } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const ROOT = join(import.meta.dirname, '..', '..');
const spkiSha = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-known-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function certificate(kind: KeyKind, form: 'PEM' | 'DER'): Buffer {
  const k = makeKey(kind);
  writeFileSync(path(`${kind}.key`), k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  return execFileSync('openssl', ['req', '-new', '-x509', '-key', path(`${kind}.key`), '-subj', `/CN=${kind}.example.test`, '-days', '1', '-outform', form]);
}

describe('known-key files', () => {
  const cases: [string, KeyKind, () => Buffer | string, string?][] = [
    ['spki.pem', 'rsa2048', () => makeKey('rsa2048').publicKey.export({ format: 'pem', type: 'spki' }) as string],
    ['pkcs1.pem', 'rsa4096', () => makeKey('rsa4096').publicKey.export({ format: 'pem', type: 'pkcs1' }) as string],
    ['spki.der', 'p384', () => makeKey('p384').publicKey.export({ format: 'der', type: 'spki' })],
    ['pkcs1.der', 'rsa2048', () => makeKey('rsa2048').publicKey.export({ format: 'der', type: 'pkcs1' })],
    ['cert.pem', 'p256', () => certificate('p256', 'PEM'), 'p256.example.test'],
    ['cert.der', 'ed25519', () => certificate('ed25519', 'DER')],
    ['key.jwk', 'p256', () => JSON.stringify({ ...makeKey('p256').publicKey.export({ format: 'jwk' }), kid: 'sig-1' }), 'sig-1'],
    ['jwks.json', 'rsa2048', () => JSON.stringify({ keys: [{ ...makeKey('rsa2048').publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] }), 'k1'],
    ['authorized_keys', 'ed25519', () => `# deploy keys\nno-pty ssh-ed25519 ${sshPublicBlob(makeKey('ed25519')).toString('base64')} deploy@ci\n`, 'deploy@ci'],
    ['id_ecdsa.pub', 'p256', () => `ecdsa-sha2-nistp256 ${sshPublicBlob(makeKey('p256')).toString('base64')}\n`],
  ];
  it.each(cases)('%s gives the %s key', (file, kind, content, name) => {
    writeFileSync(path(file), content());
    const keys = loadKnownKeyFiles([path(file)]);
    expect(keys.map((k) => k.id)).toEqual([name ? `${path(file)}#${name}` : path(file)]);
    expect(spkiSha(keys[0]?.publicKey as string)).toBe(makeKey(kind).fingerprints.spkiSha256);
  });

  it('an RFC 4716 block (written by ssh-keygen -e) gives the key and its comment', () => {
    writeFileSync(path('rsa.pub'), `ssh-rsa ${sshPublicBlob(makeKey('rsa2048')).toString('base64')} ops@example\n`);
    writeFileSync(path('rsa.ssh2'), execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', path('rsa.pub')]));
    const keys = loadKnownKeyFiles([path('rsa.ssh2')]);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.id).toMatch(/^.*rsa\.ssh2#/);
    expect(spkiSha(keys[0]?.publicKey as string)).toBe(makeKey('rsa2048').fingerprints.spkiSha256);
  });

  it('several keys in one file are numbered; a file with none is a usage error that lists the formats', () => {
    const pems = ['rsa2048', 'p256'].map((k) => makeKey(k as KeyKind).publicKey.export({ format: 'pem', type: 'spki' }) as string).join('\n');
    writeFileSync(path('two.pem'), pems);
    expect(loadKnownKeyFiles([path('two.pem')]).map((k) => k.id)).toEqual([`${path('two.pem')}#1`, `${path('two.pem')}#2`]);
    writeFileSync(path('notes.txt'), 'no keys here\n');
    expect(() => loadKnownKeyFiles([path('notes.txt')])).toThrow(/notes\.txt: no public key found/);
    writeFileSync(path('bad.json'), '{"keys": [{"use": "sig"}]}');
    expect(() => loadKnownKeyFiles([path('bad.json')])).toThrow(/bad\.json: cannot read known keys: a JSON key has no "kty"/);
  });
});

describe('scan --known-keys and --snapshot', () => {
  async function run(argv: string[]): Promise<{ out: string; code: number | undefined }> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = process.exitCode;
    try {
      await Scan.run(argv, ROOT);
      return { out, code: process.exitCode as number | undefined };
    } finally {
      spy.mockRestore();
      err.mockRestore();
      process.exitCode = before;
    }
  }

  it('keeps the paths after the flag as paths, and takes repeated or comma-separated files', async () => {
    const k = makeKey('rsa2048');
    mkdirSync(path('core'), { recursive: true });
    mkdirSync(path('planted'), { recursive: true });
    const n = Buffer.from(k.jwk.n as string, 'base64url').reverse();
    // A little-endian modulus: found only through a known key, proven by the primes next to it.
    writeFileSync(path('core', 'core.1'), Buffer.concat([filler('random', 5001), encode(k, 'bignum-le'), filler('random', 5001)]));
    writeFileSync(path('planted', 'modulus-only.bin'), Buffer.concat([filler('random', 5001), n, filler('random', 5001)]));
    writeFileSync(path('signer.pem'), k.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    writeFileSync(path('other.pub'), `ssh-ed25519 ${sshPublicBlob(makeKey('ed25519')).toString('base64')} x\n`);
    for (const argv of [
      ['--known-keys', path('signer.pem'), path('core'), path('planted'), '--json'],
      ['--known-keys', path('other.pub'), '--known-keys', path('signer.pem'), path('core'), path('planted'), '--json'],
      [`--known-keys=${path('other.pub')},${path('signer.pem')}`, path('core'), path('planted'), '--json'],
    ]) {
      const r = await run(argv);
      const res = JSON.parse(r.out);
      expect(res.summary.files, argv.join(' ')).toBe(2);
      const material = res.findings.filter((f: { kind: string }) => f.kind === 'key-material');
      expect(
        material.map((f: { location: string; proof: string; matchedKeyId: string }) => [f.location.split('/').slice(-2).join('/'), f.proof, f.matchedKeyId]),
      ).toEqual([
        ['core/core.1', 'private-key-present', path('signer.pem')],
        ['planted/modulus-only.bin', 'public-key-only', path('signer.pem')],
      ]);
      expect(r.code).toBe(1);
    }
  });
});
