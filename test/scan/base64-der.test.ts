// A DER private key written as bare base64, with no PEM armour, as configuration files hold it:
// .NET `Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())` in appsettings.json, Java
// `Base64.getEncoder().encodeToString(key.getEncoded())` (PKCS#8, RFC 5958 §2) in application.properties,
// `openssl rsa|ec -outform DER | base64` (PKCS#1, RFC 8017 A.1.2; SEC1, RFC 5915 §3) in .env files and
// YAML block scalars wrapped at 76 columns (coreutils `base64`), an Ed25519 PKCS#8 key (RFC 8410 §7) in
// an XML appSettings value. Each is found at its value's offset, proven and matched; public keys,
// certificates and prose stay clean; a value cut in the middle is a gap at the same place as what it yields.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Der } from '../../src/scan/base64-pem.ts';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { makeKey, type TestKey } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const der = (k: TestKey, type: 'pkcs1' | 'pkcs8' | 'sec1') => k.privateKey.export({ format: 'der', type });
const wrap76 = (s: string, indent: string) => (s.match(/.{1,76}/g) as string[]).map((l) => `${indent}${l}`).join('\n');

const rsa = () => makeKey('rsa2048', 11);
const ec = () => makeKey('p256', 11);
const ed = () => makeKey('ed25519', 11);
const table = () =>
  new KnownKeyTable([
    { id: 'kms/rsa', publicKey: rsa().spkiB64 },
    { id: 'kms/ec', publicKey: ec().spkiB64 },
    { id: 'kms/ed', publicKey: ed().spkiB64 },
  ]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-b64der-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(name: string, text: string) {
  writeFileSync(path(name), text);
  const r = await scanFile(path(name), name, { table: table() });
  return { r, rows: r.findings.map((f) => [f.location, f.offset, f.format, f.proof, f.matchedKeyId]) };
}

describe('base64 DER private keys without PEM armour', () => {
  it('appsettings.json (PKCS#8, .NET ExportPkcs8PrivateKey): found at the value, proven and matched', async () => {
    const value = der(rsa(), 'pkcs8').toString('base64');
    expect(value.startsWith('MIIE')).toBe(true);
    const text = `${JSON.stringify({ Logging: { LogLevel: { Default: 'Information' } }, Jwt: { Issuer: 'https://id.example', SigningKey: value } }, null, 2)}\n`;
    const { r, rows } = await scan('appsettings.json', text);
    expect(r.gaps).toEqual([]);
    expect(rows).toEqual([[`appsettings.json!base64@${text.indexOf(value)}`, 0, 'der-pkcs8', 'private-key-present', 'kms/rsa']]);
    expect(JSON.stringify(r)).not.toContain(value.slice(200, 260));
  });

  it('application.properties (Java getEncoded), .env (PKCS#1, SEC1) and an XML appSettings value (Ed25519 PKCS#8)', async () => {
    const p8 = der(ec(), 'pkcs8').toString('base64');
    const props = `spring.application.name=signer\njwt.private-key=${p8}\njwt.ttl=PT15M\n`;
    expect((await scan('application.properties', props)).rows).toEqual([
      [`application.properties!base64@${props.indexOf(p8)}`, 0, 'der-pkcs8', 'private-key-present', 'kms/ec'],
    ]);
    const p1 = der(rsa(), 'pkcs1').toString('base64');
    const sec1 = der(ec(), 'sec1').toString('base64');
    expect(sec1.startsWith('MHcC')).toBe(true);
    const env = `APP_ENV=prod\r\nRSA_KEY=${p1}\r\nEC_KEY="${sec1}"\r\n`;
    expect((await scan('.env', env)).rows).toEqual([
      [`.env!base64@${env.indexOf(p1)}`, 0, 'der-pkcs1', 'private-key-present', 'kms/rsa'],
      [`.env!base64@${env.indexOf(sec1)}`, 0, 'der-sec1', 'private-key-present', 'kms/ec'],
    ]);
    const edKey = der(ed(), 'pkcs8').toString('base64');
    expect(edKey.startsWith('MC4CAQAwBQYDK2Vw')).toBe(true); // RFC 8410 §10.3's shape
    const xml = `<?xml version="1.0"?>\n<configuration>\n  <appSettings>\n    <add key="SigningKey" value="${edKey}" />\n  </appSettings>\n</configuration>\n`;
    expect((await scan('web.config', xml)).rows).toEqual([[`web.config!base64@${xml.indexOf(edKey)}`, 0, 'der-pkcs8', 'private-key-present', 'kms/ed']]);
  });

  it('JSON that escapes base64 characters: PHP json_encode (\\/) and .NET System.Text.Json (\\u002B), DER and base64 PEM', async () => {
    let k = rsa();
    for (let slot = 40; !der(k, 'pkcs8').toString('base64').slice(0, 200).includes('+'); slot++) k = makeKey('rsa2048', slot);
    const value = der(k, 'pkcs8').toString('base64');
    expect(value).toMatch(/\//);
    const php = `{"private_key":"${value.replaceAll('/', '\\/')}","alg":"RS256"}`;
    const dotnet = `{\n  "SigningKey": "${value.replaceAll('+', '\\u002B')}"\n}`;
    const pemB64 = Buffer.from(k.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string).toString('base64');
    const phpPem = `{"tls_key":"${pemB64.replaceAll('/', '\\/')}"}`;
    const t = new KnownKeyTable([{ id: 'kms/escaped', publicKey: k.spkiB64 }]);
    for (const [name, text, format] of [
      ['php.json', php, 'der-pkcs8'],
      ['appsettings.json', dotnet, 'der-pkcs8'],
      ['php-pem.json', phpPem, 'pem'],
    ] as const) {
      writeFileSync(path(name), text);
      const r = await scanFile(path(name), name, { table: t });
      expect(r.gaps, name).toEqual([]);
      expect(
        r.findings.map((f) => [f.location, f.format, f.proof, f.matchedKeyId]),
        name,
      ).toEqual([[`${name}!base64@${text.indexOf(format === 'pem' ? 'LS0tLS' : 'MII')}`, format, 'private-key-present', 'kms/escaped']]);
    }
  });

  it('a value wrapped at 76 columns in an indented YAML block scalar', async () => {
    const value = der(rsa(), 'pkcs8').toString('base64');
    const yaml = `signing:\n  key: |\n${wrap76(value, '    ')}\n  alg: RS256\n`;
    const { r, rows } = await scan('values.yaml', yaml);
    expect(r.gaps).toEqual([]);
    expect(rows).toEqual([[`values.yaml!base64@${yaml.indexOf(value.slice(0, 76))}`, 0, 'der-pkcs8', 'private-key-present', 'kms/rsa']]);
  });

  it('public keys, certificates, prose and base64 that is no key stay clean, with no gap', async () => {
    const spki = rsa().spkiB64; // MIIBIjANBgkq…: a SEQUENCE whose first member is a SEQUENCE, not a version
    const text = [
      `publicKey: ${spki}`,
      `ecPublicKey: ${ec().spkiB64}`,
      'license: MIT',
      'checksum: MD5 d41d8cd98f00b204e9800998ecf8427e',
      `blob: ${Buffer.from('MIIE is how RSA keys start in base64').toString('base64')}`,
      `inner: x${der(rsa(), 'pkcs8').toString('base64')}`, // inside a longer base64 word: no value starts there
      '',
    ].join('\n');
    const { r, rows } = await scan('public.yaml', text);
    expect(r.gaps).toEqual([]);
    expect(rows).toEqual([]);
  });

  it('a value cut in the middle: what it yields and the gap name the same place, never clean', async () => {
    const value = der(rsa(), 'pkcs8').toString('base64');
    for (const cut of [800, 801, 802, 803]) {
      const text = `{"privateKey": "${value.slice(0, cut)}"}\n`;
      const at = text.indexOf('MII');
      const { r, rows } = await scan('cut.json', text);
      expect(
        r.gaps.map((g) => [g.location, g.operation]),
        String(cut),
      ).toEqual([[`cut.json!base64@${at}`, 'decode-base64']]);
      expect(r.gaps[0]?.reason).toMatch(new RegExp(`offset ${at} is cut: its SEQUENCE declares ${der(rsa(), 'pkcs8').length} bytes`));
      // The modulus before the cut is still recognised as the known key, at the same location.
      expect(rows, String(cut)).toEqual([[`cut.json!base64@${at}`, 38, 'rsa-modulus-be', 'public-key-only', 'kms/rsa']]);
    }
  });

  it('a base64 PEM value cut off-length after a complete key: the key is still found, beside the gap', async () => {
    const k = rsa();
    const pem = `${k.privateKey.export({ format: 'pem', type: 'pkcs8' })}-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`;
    const value = Buffer.from(pem).toString('base64');
    const cut = value.slice(0, value.length - 7); // inside the certificate, not a multiple of 4
    expect(cut.length % 4).not.toBe(0);
    const text = `tls.key: ${cut}\n`;
    const { r, rows } = await scan('bundle.yaml', text);
    expect(rows).toEqual([['bundle.yaml!base64@9', 0, 'pem', 'private-key-present', 'kms/rsa']]);
    expect(r.gaps.map((g) => [g.location, g.reason])).toEqual([
      ['bundle.yaml!base64@9', `base64-encoded PEM at offset 9 is cut (${cut.length} characters, not a multiple of 4)`],
    ]);
  });

  it('base64Der: only at a value start, only a SEQUENCE opening with version 0 or 1, in DER shortest length form', () => {
    const value = der(ec(), 'sec1').toString('base64');
    const at = (text: string, pos: number) => base64Der(Buffer.from(text), pos, text.length);
    expect(at(`k=${value}`, 2)?.decoded?.length).toBe(der(ec(), 'sec1').length);
    expect(at(`k${value}`, 1)).toBeUndefined(); // a letter before it: the middle of a word
    // 30 81 77 (a long form where the short one fits) is not DER: nothing.
    const longForm = Buffer.concat([Buffer.from([0x30, 0x81]), der(ec(), 'sec1').subarray(1)]).toString('base64');
    expect(at(`k=${longForm}`, 2)).toBeUndefined();
    expect(scanBuffer(Buffer.from(`k=${longForm}\n`))).toEqual([]);
  });
});
