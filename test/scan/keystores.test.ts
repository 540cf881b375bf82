// Password-protected key stores (PKCS#12 per RFC 7292 §4, Java JKS/JCEKS): recognised, their private keys
// reported (read when the password is empty, else encrypted), what stays unread a gap, never clean.
import { execFileSync } from 'node:child_process';
import { createCipheriv, generateKeyPairSync, pbkdf2Sync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { keyStoreOf } from '../../src/scan/artifact-type.ts';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';

/** DER length octets. */
const len = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
const tlv = (tag: number, body: number[]): number[] => [tag, ...len(body.length), ...body];

/**
 * The outer shape of a PFX (RFC 7292 §4): SEQUENCE { version INTEGER 3, authSafe ContentInfo {
 * contentType pkcs7-data, [0] OCTET STRING <AuthenticatedSafe> }, macData }; the AuthenticatedSafe
 * here is opaque bytes, as the encrypted bags are to the scanner.
 */
function pfx(opaque = 600): Buffer {
  const data = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
  const content = tlv(
    0xa0,
    tlv(
      0x04,
      Array.from({ length: opaque }, (_, i) => (i * 37) & 0xff),
    ),
  );
  const authSafe = tlv(0x30, [...data, ...content]);
  const mac = tlv(0x30, [0x30, 0x00, 0x04, 0x00, 0x02, 0x02, 0x08, 0x00]);
  return Buffer.from(tlv(0x30, [0x02, 0x01, 0x03, ...authSafe, ...mac]));
}

const dir = mkdtempSync(join(tmpdir(), 'kh-keystores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key stores', () => {
  it('recognises PKCS#12, JKS and JCEKS by their first bytes, and not a PKCS#8 key or a certificate-like DER', () => {
    expect(keyStoreOf(pfx())).toBe('PKCS#12');
    expect(keyStoreOf(pfx(40))).toBe('PKCS#12');
    expect(keyStoreOf(Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 5, 0x61, 0x6c, 0x69, 0x61, 0x73, 0, 0, 0, 0]))).toBe('JKS');
    expect(keyStoreOf(Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 0, 1, 0x6b, 0, 0, 0, 0, 0]))).toBe('JCEKS');
    const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(keyStoreOf(pkcs8)).toBeUndefined();
    expect(keyStoreOf(Buffer.from(tlv(0x30, tlv(0x30, [0xa0, 0x03, 0x02, 0x01, 0x02, ...Array(40).fill(0)]))))).toBeUndefined();
  });

  it('a PKCS#12 file is a not-scanned gap naming the store (it was reported clean)', async () => {
    writeFileSync(join(dir, 'signing.p12'), pfx());
    const r = await scanFile(join(dir, 'signing.p12'), 'signing.p12');
    expect(r.findings).toEqual([]);
    expect(r.gaps).toEqual([expect.objectContaining({ location: 'signing.p12', operation: 'decode-keystore' })]);
    expect(r.gaps[0]?.reason).toMatch(/PKCS#12 key store/);
  });

  it('a key store inside a compressed stream is a gap too', async () => {
    writeFileSync(join(dir, 'keystore.jks.gz'), gzipSync(Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, ...Array(64).fill(7)])));
    const r = await scanFile(join(dir, 'keystore.jks.gz'), 'keystore.jks.gz');
    expect(r.gaps.map((g) => g.operation)).toContain('decode-keystore');
    expect(r.gaps.find((g) => g.operation === 'decode-keystore')?.reason).toMatch(/JKS key store/);
  });

  it('an encrypted DER PKCS#8 key (RFC 5958 EncryptedPrivateKeyInfo) is an encrypted finding, as its PEM form is (it was a gap); under an empty password it is read; the same key unencrypted is a finding', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sealed = privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' });
    expect(keyStoreOf(sealed)).toBe('encrypted PKCS#8');
    writeFileSync(join(dir, 'key.der'), sealed);
    const r = await scanFile(join(dir, 'key.der'), 'key.der');
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.format, f.proof, f.encrypted])).toEqual([['der-pkcs8', 'unproven', true]]);
    writeFileSync(join(dir, 'open.der'), privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: '' }));
    const open = await scanFile(join(dir, 'open.der'), 'open.der');
    expect(open.findings.map((f) => [f.format, f.proof, f.encrypted ?? false])).toEqual([['der-pkcs8', 'private-key-present', false]]);
    expect(open.gaps).toEqual([]);
    writeFileSync(join(dir, 'plain.der'), privateKey.export({ format: 'der', type: 'pkcs8' }));
    const plain = await scanFile(join(dir, 'plain.der'), 'plain.der');
    expect(plain.gaps).toEqual([]);
    expect(plain.findings).toHaveLength(1);
  });
});

// Stores made as their tools make them: `openssl pkcs12 -export` (OpenSSL 3: PBES2/AES-256 and a SHA-256
// MAC; -legacy: 3DES key bag, RC2-40 certificate part, SHA-1 MAC), and JKS/JCEKS written byte by byte from
// the layout of OpenJDK's JavaKeyStore.engineStore (magic, version 2, count; entries of tag, alias, date, …).
const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyFile = join(dir, 'k.pem');
writeFileSync(keyFile, k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
const certPem = execFileSync('openssl', ['req', '-new', '-x509', '-key', keyFile, '-subj', '/CN=signer.example.test', '-days', '1']);
writeFileSync(join(dir, 'k.crt'), certPem);
const table = () => new KnownKeyTable([{ id: 'kv/signer', publicKey: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }]);
const rows = (r: Awaited<ReturnType<typeof scanFile>>) => r.findings.map((f) => [f.format, f.proof, f.encrypted ?? false, f.matchedKeyId, f.keyType]);

describe('PKCS#12 read without its password', () => {
  const p12 = (name: string, args: string[]) => {
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', keyFile, '-in', join(dir, 'k.crt'), '-out', join(dir, name), ...args]);
    return scanFile(join(dir, name), name, { table: table() });
  };
  it('a PFX exported without a password (its MAC verifies with none) is read: the key is proven and matched, no gap', async () => {
    const r = await p12('empty.p12', ['-passout', 'pass:']);
    expect(rows(r)).toEqual([['pkcs12', 'private-key-present', false, 'kv/signer', 'RSA']]);
    expect(r.gaps).toEqual([]);
  });

  it('the same with -legacy (3DES key bag): the key is proven; the RC2 certificate part is a gap naming why', async () => {
    const r = await p12('empty-legacy.p12', ['-legacy', '-passout', 'pass:']);
    expect(rows(r)).toEqual([['pkcs12', 'private-key-present', false, 'kv/signer', 'RSA']]);
    expect(r.gaps).toEqual([expect.objectContaining({ operation: 'decode-keystore', reason: expect.stringMatching(/RC2 or RC4/) })]);
  });

  it('a PFX under a password: its key is an encrypted finding (never clean), the encrypted certificate part a gap', async () => {
    for (const args of [[], ['-legacy']]) {
      const r = await p12('sealed.p12', [...args, '-passout', 'pass:correct horse']);
      expect(rows(r), args.join()).toEqual([['pkcs12', 'unproven', true, undefined, undefined]]);
      expect(r.gaps.map((g) => g.operation)).toEqual(['decode-keystore']);
    }
  });

  it('a PFX whose certificate is in the clear names its encrypted key; one with no encryption at all is read as DER, no gap', async () => {
    const named = await p12('named.p12', ['-certpbe', 'NONE', '-passout', 'pass:correct horse']);
    expect(rows(named).filter((x) => x[0] === 'pkcs12')).toEqual([['pkcs12', 'unproven', true, 'kv/signer', 'RSA']]);
    expect(named.gaps).toEqual([]);
    const open = await p12('open.p12', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', 'pass:']);
    expect(open.findings.filter((f) => f.proof === 'private-key-present').map((f) => f.format)).toContain('der-pkcs8');
    expect(open.gaps).toEqual([]);
  });
});

describe('key stores inside archives and compressed streams', () => {
  it('a PFX with no password in a .gz and in a .tar.gz member is read and its key proven (they were decode-keystore gaps)', async () => {
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', keyFile, '-in', join(dir, 'k.crt'), '-out', join(dir, 'member.p12'), '-passout', 'pass:']);
    writeFileSync(join(dir, 'member.p12.gz'), gzipSync(readFileSync(join(dir, 'member.p12'))));
    const gz = await scanFile(join(dir, 'member.p12.gz'), 'member.p12.gz', { table: table() });
    expect(rows(gz)).toEqual([['pkcs12', 'private-key-present', false, 'kv/signer', 'RSA']]);
    expect(gz.findings.map((f) => f.location)).toEqual(['member.p12.gz!member.p12']);
    expect(gz.gaps).toEqual([]);
    execFileSync('tar', ['czf', join(dir, 'stores.tgz'), '-C', dir, 'member.p12']);
    const tgz = await scanFile(join(dir, 'stores.tgz'), 'stores.tgz', { table: table() });
    expect(rows(tgz)).toEqual([['pkcs12', 'private-key-present', false, 'kv/signer', 'RSA']]);
    expect(tgz.findings[0]?.location).toMatch(/^stores\.tgz!.*member\.p12$/);
    expect(tgz.gaps).toEqual([]);
  });
});

describe('JKS and JCEKS read without their password', () => {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const utf = (s: string) => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
  const certDer = () => new X509Certificate(certPem).raw;
  const privateEntry = (alias: string) => {
    const sealed = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(256, 0x5a)]); // the protected key: opaque here
    return Buffer.concat([u32(1), utf(alias), Buffer.alloc(8), u32(sealed.length), sealed, u32(1), utf('X.509'), u32(certDer().length), certDer()]);
  };
  const trustedEntry = (alias: string) => Buffer.concat([u32(2), utf(alias), Buffer.alloc(8), utf('X.509'), u32(certDer().length), certDer()]);
  const store = (magic: number, entries: Buffer[], count = entries.length) =>
    Buffer.concat([u32(magic), u32(2), u32(count), ...entries, Buffer.alloc(20, 0x11)]);

  it('JKS and JCEKS: each private key entry is an encrypted finding named by its certificate chain; trusted certificates are not', async () => {
    for (const [name, magic] of [
      ['keystore.jks', 0xfeedfeed],
      ['keystore.jceks', 0xcececece],
    ] as const) {
      writeFileSync(join(dir, name), store(magic, [trustedEntry('ca'), privateEntry('signer')]));
      const r = await scanFile(join(dir, name), name, { table: table() });
      expect(
        rows(r).filter((x) => x[0] === 'java-keystore'),
        name,
      ).toEqual([['java-keystore', 'unproven', true, 'kv/signer', 'RSA']]);
      expect(r.gaps, name).toEqual([]);
    }
  });

  it('a JCEKS secret key entry (a serialized Java object) ends the walk, and a cut store: gaps, with the entries before them reported', async () => {
    const secret = Buffer.concat([u32(3), utf('aes'), Buffer.alloc(8), Buffer.from([0xac, 0xed, 0x00, 0x05])]);
    writeFileSync(join(dir, 'secret.jceks'), store(0xcececece, [privateEntry('signer'), secret, privateEntry('later')]));
    const r = await scanFile(join(dir, 'secret.jceks'), 'secret.jceks', { table: table() });
    expect(rows(r).filter((x) => x[0] === 'java-keystore')).toHaveLength(1);
    expect(r.gaps).toEqual([
      expect.objectContaining({ operation: 'decode-keystore', reason: expect.stringMatching(/entries 2 to 3 of 3 \(from a secret key entry/) }),
    ]);
    const whole = store(0xfeedfeed, [privateEntry('signer'), privateEntry('second')]);
    writeFileSync(join(dir, 'cut.jks'), whole.subarray(0, whole.length - 600));
    const cut = await scanFile(join(dir, 'cut.jks'), 'cut.jks', { table: table() });
    expect(rows(cut).filter((x) => x[0] === 'java-keystore')).toHaveLength(1);
    expect(cut.gaps).toEqual([expect.objectContaining({ operation: 'decode-keystore', reason: expect.stringMatching(/cut or damaged at entry 2 of 2:/) })]);
  });
});

describe('PKCS#12 parts that do not read are never dropped (review findings)', () => {
  const oid = (dotted: string): number[] => {
    const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
    const out = [40 * a + b];
    for (const n of rest) {
      const bytes = [n & 0x7f];
      for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
      out.push(...bytes);
    }
    return tlv(0x06, out);
  };
  const DATA = oid('1.2.840.113549.1.7.1');
  /** A PFX (no MAC, so the empty password is tried) whose authenticated safe holds these ContentInfos. */
  const store = (...infos: number[][]) => Buffer.from(tlv(0x30, [0x02, 0x01, 0x03, ...tlv(0x30, [...DATA, ...tlv(0xa0, tlv(0x04, tlv(0x30, infos.flat())))])]));
  /** An encryptedData ContentInfo: `safeContents` under PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, RFC 8018) with the empty password, as OpenSSL 3 writes it. */
  const encrypted = (safeContents: number[], iterations = 2048, saltByte = 1) => {
    const salt = Buffer.alloc(8, saltByte);
    const iv = Buffer.alloc(16, 2);
    const key = pbkdf2Sync(Buffer.alloc(0), salt, iterations, 32, 'sha256');
    const c = createCipheriv('aes-256-cbc', key, iv);
    const data = Buffer.concat([c.update(Buffer.from(safeContents)), c.final()]);
    const count = tlv(0x02, iterations > 0xffff ? [iterations >> 16, (iterations >> 8) & 0xff, iterations & 0xff] : [iterations >> 8, iterations & 0xff]);
    const kdf = tlv(0x30, [
      ...oid('1.2.840.113549.1.5.12'),
      ...tlv(0x30, [...tlv(0x04, [...salt]), ...count, ...tlv(0x30, [...oid('1.2.840.113549.2.9'), 0x05, 0x00])]),
    ]);
    const alg = tlv(0x30, [...oid('1.2.840.113549.1.5.13'), ...tlv(0x30, [...kdf, ...tlv(0x30, [...oid('2.16.840.1.101.3.4.1.42'), ...tlv(0x04, [...iv])])])]);
    const eci = tlv(0x30, [...DATA, ...alg, ...tlv(0x80, [...data])]);
    return tlv(0x30, [...oid('1.2.840.113549.1.7.6'), ...tlv(0xa0, tlv(0x30, [0x02, 0x01, 0x00, ...eci]))]);
  };
  /** A GOST R 34.10-2012 PKCS#8 key (RFC 9215 §3): private key material Node cannot load. */
  const gost = tlv(0x30, [
    0x02,
    0x01,
    0x00,
    ...tlv(0x30, [...oid('1.2.643.7.1.1.1.1'), ...tlv(0x30, [...oid('1.2.643.7.1.2.1.1.1'), ...oid('1.2.643.7.1.1.2.2')])]),
    ...tlv(
      0x04,
      tlv(
        0x04,
        Array.from({ length: 32 }, (_, i) => i + 1),
      ),
    ),
  ]);
  const keyBag = (pkcs8: number[]) => tlv(0x30, [...oid('1.2.840.113549.1.12.10.1.1'), ...tlv(0xa0, pkcs8)]);
  const scan = async (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return scanFile(join(dir, name), name);
  };

  it('a decrypted key bag Node cannot load (GOST) is an unproven pkcs12 finding (it was dropped: clean)', async () => {
    const r = await scan('gost.p12', store(encrypted(tlv(0x30, keyBag(gost)))));
    expect(r.findings.map((f) => [f.format, f.proof, f.encrypted ?? false])).toEqual([['pkcs12', 'unproven', false]]);
    expect(r.gaps).toEqual([]);
  });

  it('a bag that does not parse, and a safe contents whose bags stop before its end, are decode-keystore gaps (they were dropped: clean)', async () => {
    const damaged = await scan('bag.p12', store(encrypted(tlv(0x30, tlv(0x30, [...oid('1.2.840.113549.1.12.10.1.1'), 0x05, 0x00])))));
    expect(damaged.gaps.map((g) => g.operation)).toEqual(['decode-keystore']);
    expect(damaged.gaps[0]?.reason).toMatch(/a bag that does not parse/);
    const cut = await scan('cut.p12', store(encrypted(tlv(0x30, [0x1f, 0x01, 0x00, ...keyBag(gost)]))));
    expect(cut.gaps.map((g) => g.operation)).toEqual(['decode-keystore']);
    expect(cut.gaps[0]?.reason).toMatch(/a safe contents past its 0 first elements/);
  });

  it('an OCTET STRING nested 5,000 deep is a decode-keystore gap and the file is still byte-scanned (it overflowed the stack: a read gap, the byte scan skipped)', async () => {
    const pem = Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    let nest: number[] = tlv(0x04, [...pem]);
    for (let i = 0; i < 5000; i++) nest = tlv(0x24, nest);
    const bytes = Buffer.from(tlv(0x30, [0x02, 0x01, 0x03, ...tlv(0x30, [...DATA, ...tlv(0xa0, nest)])]));
    const r = await scan('deep.p12', bytes);
    expect(r.gaps.map((g) => [g.operation, /nest more than 32 deep/.test(g.reason)])).toEqual([['decode-keystore', true]]);
    expect(r.findings.map((f) => [f.format, f.proof])).toEqual([['pem', 'private-key-present']]);
  });

  it('key derivations are bounded per store (4,000,000 iterations in all): parts past that are a decode-keystore gap, not hours of CPU', async () => {
    const parts = [1, 2, 3, 4, 5].map((salt) => encrypted(tlv(0x30, keyBag(gost)), 1_000_000, salt));
    const r = await scan('many.p12', store(...parts));
    expect(r.findings.map((f) => [f.format, f.proof])).toHaveLength(4);
    expect(r.gaps.map((g) => g.operation)).toEqual(['decode-keystore']);
    expect(r.gaps[0]?.reason).toMatch(/would pass 4000000 iterations for the store were not decrypted/);
  });
});
