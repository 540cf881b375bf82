// PEM that is itself base64-encoded: Kubernetes Secrets (kubernetes.io/tls, data: tls.crt / tls.key) as
// the Kubernetes documentation writes them and as `kubectl get secret -o json` prints them, MIME-wrapped
// values in YAML block scalars, `.env` lines. A private key is found and located by the base64 run's
// offset; a certificate-only secret stays clean; a cut value is a gap, never clean.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64Pem, MAX_BASE64_RUN } from '../../src/scan/base64-pem.ts';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { mergeRanges, scanRangeFd } from '../../src/scan/ranges.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { makeKey, type TestKey } from './material.ts';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
/** `base64` (GNU coreutils) and MIME wrap at 76 columns. */
const wrap76 = (s: string, indent: string) => (s.match(/.{1,76}/g) as string[]).map((l) => `${indent}${l}`).join('\n');

const keyPem = (k: TestKey, type: 'pkcs1' | 'pkcs8' | 'sec1') => k.privateKey.export({ format: 'pem', type }) as string;

/** A self-signed certificate for the key, as `kubectl create secret tls` takes it (openssl req -x509). */
function certFor(k: TestKey, name: string): string {
  const keyFile = path(`${name}.key`);
  writeFileSync(keyFile, keyPem(k, 'pkcs8'));
  const pem = execFileSync('openssl', ['req', '-x509', '-key', keyFile, '-subj', `/CN=${name}`, '-days', '30', '-out', '-'], { encoding: 'utf8' });
  rmSync(keyFile);
  return pem;
}

/** A Secret of type kubernetes.io/tls as in the Kubernetes docs ("TLS Secrets"): block scalars holding one line. */
const tlsSecretYaml = (name: string, crt: string, key: string | undefined) =>
  [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    'type: kubernetes.io/tls',
    'data:',
    '  # values are base64 encoded, which obscures them but does NOT provide',
    '  # any useful level of confidentiality',
    '  tls.crt: |',
    `    ${b64(crt)}`,
    ...(key === undefined ? [] : ['  tls.key: |', `    ${key}`]),
    '',
  ].join('\n');

/** `kubectl get secret NAME -o json`. */
const kubectlJson = (name: string, crt: string, key: string) =>
  `${JSON.stringify(
    {
      apiVersion: 'v1',
      data: { 'tls.crt': b64(crt), 'tls.key': b64(key) },
      kind: 'Secret',
      metadata: {
        creationTimestamp: '2026-11-30T09:12:44Z',
        name,
        namespace: 'default',
        resourceVersion: '48213',
        uid: '6f0c2b9e-3a51-4c5e-9d7a-0b2f8e1c4d11',
      },
      type: 'kubernetes.io/tls',
    },
    null,
    4,
  )}\n`;

const rsa = () => makeKey('rsa2048', 7);
const ec = () => makeKey('p256', 7);
let rsaCrt: string;
let ecCrt: string;
const spki = (crt: string) => (new X509Certificate(crt).publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
const table = () =>
  new KnownKeyTable([
    { id: 'ingress/rsa', publicKey: spki(rsaCrt) },
    { id: 'ingress/ec', publicKey: spki(ecCrt) },
  ]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-b64-'));
  rsaCrt = certFor(rsa(), 'rsa');
  ecCrt = certFor(ec(), 'ec');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('base64-encoded PEM in scanned files', () => {
  it('a Kubernetes TLS Secret (RSA and EC keys) is not clean: each key is found at its base64 run, matched and proven by its certificate', async () => {
    const rsaKey = b64(keyPem(rsa(), 'pkcs1'));
    const ecKey = b64(keyPem(ec(), 'sec1'));
    const text = `${tlsSecretYaml('rsa-tls', rsaCrt, rsaKey)}---\n${tlsSecretYaml('ec-tls', ecCrt, ecKey)}`;
    writeFileSync(path('secret.yaml'), text);
    const r = await scanFile(path('secret.yaml'), 'secret.yaml', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.location, f.offset, f.format, f.proof, f.matchedKeyId])).toEqual([
      [`secret.yaml!base64@${text.indexOf(rsaKey)}`, 0, 'pem', 'private-key-present', 'ingress/rsa'],
      [`secret.yaml!base64@${text.indexOf(ecKey)}`, 0, 'pem', 'private-key-present', 'ingress/ec'],
    ]);
    expect(r.findings.map((f) => f.keyType)).toEqual(['RSA', 'EC']);
    // No key material in the output: neither the base64 nor the PEM body.
    const out = JSON.stringify(r);
    expect(out).not.toContain(rsaKey.slice(100, 140));
    expect(out).not.toContain(keyPem(rsa(), 'pkcs1').split('\n')[3]);
  });

  it('kubectl get secret -o json: the key is found in the JSON string', async () => {
    const text = kubectlJson('web-tls', rsaCrt, keyPem(rsa(), 'pkcs8'));
    writeFileSync(path('secret.json'), text);
    const r = await scanFile(path('secret.json'), 'secret.json', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.location, f.offset, f.matchedKeyId])).toEqual([
      [`secret.json!base64@${text.indexOf(b64(keyPem(rsa(), 'pkcs8')))}`, 0, 'ingress/rsa'],
    ]);
  });

  it('a certificate-only secret stays clean (public material is no finding, and no gap)', async () => {
    const text = tlsSecretYaml('ca-only', `${rsaCrt}${ecCrt}`, undefined);
    writeFileSync(path('ca.yaml'), text);
    const r = await scanFile(path('ca.yaml'), 'ca.yaml', { table: table() });
    expect(r.findings).toEqual([]);
    expect(r.gaps).toEqual([]);
  });

  it('a value wrapped at 76 columns in an indented block scalar, and in a .env file, with a certificate before the key in one value', async () => {
    const bundle = b64(`${ecCrt}${keyPem(ec(), 'pkcs8')}`);
    const yaml = `data:\n  bundle.pem: |\n${wrap76(bundle, '    ')}\n  other: c2VjcmV0\n`;
    const env = `APP_NAME=web\r\nTLS_KEY=${b64(keyPem(rsa(), 'pkcs1'))}\r\nDEBUG=1\r\n`;
    writeFileSync(path('values.yaml'), yaml);
    writeFileSync(path('.env'), env);
    const y = await scanFile(path('values.yaml'), 'values.yaml', { table: table() });
    expect(y.gaps).toEqual([]);
    expect(y.findings.map((f) => [f.location, f.offset, f.matchedKeyId])).toEqual([
      [`values.yaml!base64@${yaml.indexOf('LS0tLS')}`, ecCrt.length, 'ingress/ec'],
    ]);
    const e = await scanFile(path('.env'), '.env', { table: table() });
    expect(e.findings.map((f) => [f.location, f.matchedKeyId])).toEqual([[`.env!base64@${env.indexOf('LS0tLS')}`, 'ingress/rsa']]);
  });

  it('a value wrapped at 76 columns inside a JSON string (\\n escapes, as json.dumps writes base64.encodebytes output)', async () => {
    const wrapped = `${(b64(keyPem(ec(), 'sec1')).match(/.{1,76}/g) as string[]).join('\n')}\n`;
    const text = `${JSON.stringify({ name: 'web', tls: { key: wrapped, crt: b64(ecCrt) } }, null, 2)}\n`;
    expect(text).toContain('\\n');
    writeFileSync(path('config.json'), text);
    const r = await scanFile(path('config.json'), 'config.json', { table: table() });
    expect(r.gaps).toEqual([]);
    expect(r.findings.map((f) => [f.location, f.offset, f.matchedKeyId])).toEqual([[`config.json!base64@${text.indexOf('LS0tLS')}`, 0, 'ingress/ec']]);
  });

  it('a truncated value is a gap naming its offset, never clean', async () => {
    const full = b64(keyPem(rsa(), 'pkcs1'));
    for (const cut of [1200, 1201]) {
      const text = tlsSecretYaml('cut', rsaCrt, full.slice(0, cut));
      writeFileSync(path('cut.yaml'), text);
      const r = await scanFile(path('cut.yaml'), 'cut.yaml', { table: table() });
      const at = text.lastIndexOf('LS0tLS');
      expect(
        r.gaps.map((g) => [g.location, g.operation]),
        String(cut),
      ).toEqual([[`cut.yaml!base64@${at}`, 'decode-base64']]);
      expect(r.gaps[0]?.reason).toMatch(new RegExp(`offset ${at} is cut`));
    }
  });

  it('a run over the limit is a gap; base64 of dashes that is no PEM, and prose, are nothing', () => {
    const long = Buffer.from(`  key: ${b64(`-----BEGIN PRIVATE KEY-----\n${'A'.repeat(MAX_BASE64_RUN)}\n-----END PRIVATE KEY-----\n`)}\n`);
    expect(base64Pem(long, 7, long.length)?.gap).toMatch(/runs past 40960 characters/);
    const dashes = Buffer.from(b64('-------- separator --------'));
    expect(base64Pem(dashes, 0, dashes.length)).toBeUndefined();
    expect(scanBuffer(Buffer.from(`note: LS0tLS is the base64 of dashes\n${b64('----- not a PEM -----')}\n`))).toEqual([]);
  });

  it('base64 PEM inside decoded base64 PEM is opened three layers deep; a fourth is a gap, not clean', async () => {
    // Each layer: a certificate, then a field holding the layer below as base64 (as a bundle with a kubeconfig-style `*-data:` line).
    const layers = (n: number) => {
      let text = keyPem(ec(), 'pkcs8');
      for (let i = 0; i < n; i++) text = `${ecCrt}client-key-data: ${b64(text)}\n`;
      return text;
    };
    const o = ecCrt.length + 'client-key-data: '.length;
    writeFileSync(path('three.txt'), layers(3));
    const r3 = await scanFile(path('three.txt'), 'three.txt', { table: table() });
    expect(r3.gaps).toEqual([]);
    expect(r3.findings.map((f) => [f.location, f.offset, f.matchedKeyId])).toEqual([[`three.txt!base64@${o}!base64@${o}!base64@${o}`, 0, 'ingress/ec']]);
    writeFileSync(path('four.txt'), layers(4));
    const r4 = await scanFile(path('four.txt'), 'four.txt', { table: table() });
    expect(r4.findings).toEqual([]);
    const inside = `inside base64 at offset ${o}: `;
    expect(r4.gaps.map((g) => [g.location, g.reason])).toEqual([
      [`four.txt!base64@${o}`, `${inside}${inside}${inside}base64-encoded PEM at offset ${o} is nested more than 3 deep; it was not decoded`],
    ]);
  });

  it('the scanner alone (no file layer) reports the hit with the run offset and the offset inside it', () => {
    const pre = 'x'.repeat(1000);
    const hits = scanBuffer(Buffer.from(`${pre}${b64(keyPem(ec(), 'sec1'))}\n`));
    expect(hits.map((h) => [h.base64At, h.offset, h.format])).toEqual([[[1000], 0, 'pem']]);
  });

  it('a file split into ranges: a run cut by a range boundary is reported once, at its start, as in one pass', async () => {
    // A certificate then the key in one value, the key's BEGIN 3-aligned so "LS0tLS" also stands mid-run.
    let crt = ecCrt;
    while (crt.length % 3 !== 0) crt += '\n';
    const run = b64(`${crt}${keyPem(ec(), 'pkcs8')}`);
    expect(run.indexOf('LS0tLS', 4)).toBeGreaterThan(0);
    const MiB = 1024 * 1024;
    const head = '# filler line\n'.repeat(Math.ceil((MiB - 400) / 14)).slice(0, MiB - 400);
    const rsaRun = b64(keyPem(rsa(), 'pkcs1'));
    const text = `${head}bundle: ${run}\n${'# filler line\n'.repeat(40_000)}tls.key: ${rsaRun}\n${'# filler line\n'.repeat(60_000)}`;
    const data = Buffer.from(text);
    const rsaAt = text.indexOf(rsaRun);
    expect(rsaAt).toBeGreaterThan(MiB + 400_000);
    const file = path('split.yaml');
    writeFileSync(file, data);
    const whole = await scanFile(file, 'split.yaml', { table: table(), chunkSize: 256 * 1024 });
    expect(whole.findings.map((f) => [f.location, f.offset, f.matchedKeyId])).toEqual([
      [`split.yaml!base64@${MiB - 392}`, crt.length, 'ingress/ec'],
      [`split.yaml!base64@${rsaAt}`, 0, 'ingress/rsa'],
    ]);
    const fd = openSync(file, 'r');
    try {
      const bounds = [0, MiB, 2 * MiB, data.length];
      const parts = bounds
        .slice(0, -1)
        .map((start, i) => scanRangeFd(fd, data.length, start, bounds[i + 1] as number, { table: table(), chunkSize: 256 * 1024 }));
      // Ranges are merged by where the run starts, not by the offset inside the decoded bytes (0 here: it would be dropped).
      const merged = mergeRanges(parts);
      expect(merged.hits.map((h) => [h.base64At, h.offset])).toEqual([
        [[MiB - 392], crt.length],
        [[rsaAt], 0],
      ]);
      // Without the merge the second range reports the EC key again, from the middle of the run (the test can fail).
      expect(parts.flatMap((p) => p.hits).length).toBe(3);
    } finally {
      closeSync(fd);
    }
  });
});
