// Password-protected key stores (PKCS#12 per RFC 7292 §4, Java JKS/JCEKS) hold private keys the
// scanner cannot decode: they are recognised and reported as not scanned, never passed as clean.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { keyStoreOf } from '../../src/scan/artifact-type.ts';
import { scanFile } from '../../src/scan/files.ts';

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

  it('an encrypted DER PKCS#8 key (RFC 5958 EncryptedPrivateKeyInfo) is a gap; the same key unencrypted is a finding', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sealed = privateKey.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' });
    expect(keyStoreOf(sealed)).toBe('encrypted PKCS#8');
    writeFileSync(join(dir, 'key.der'), sealed);
    const r = await scanFile(join(dir, 'key.der'), 'key.der');
    expect(r.gaps).toEqual([expect.objectContaining({ operation: 'decode-keystore', reason: expect.stringMatching(/encrypted PKCS#8/) })]);
    writeFileSync(join(dir, 'plain.der'), privateKey.export({ format: 'der', type: 'pkcs8' }));
    const plain = await scanFile(join(dir, 'plain.der'), 'plain.der');
    expect(plain.gaps).toEqual([]);
    expect(plain.findings).toHaveLength(1);
  });
});
