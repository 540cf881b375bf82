// Private JWKs (RFC 7517; private members RFC 7518 §6.2.2/§6.3.2, RFC 8037 §2) in the encodings they are
// stored and passed in: a JSON text inside a JSON string (AWS Secrets Manager's SecretString, Terraform
// state), base64 in a Kubernetes Secret's data, base64url as a token segment (RFC 7515 §7.1), UTF-16.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFile } from '../../src/scan/files.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { makeKey } from './material.ts';

let dir: string;
const path = (name: string) => join(dir, name);
const rsa = () => makeKey('rsa2048', 11);
const ec = () => makeKey('p256', 11);
const ed = () => makeKey('ed25519', 11);
const table = () =>
  new KnownKeyTable([
    { id: 'sig/rsa', publicKey: rsa().spkiB64 },
    { id: 'sig/ec', publicKey: ec().spkiB64 },
    { id: 'sig/ed', publicKey: ed().spkiB64 },
  ]);
const jwkText = (k: ReturnType<typeof makeKey>, kid: string, indent?: number) => JSON.stringify({ ...k.jwk, kid, use: 'sig' }, null, indent);

async function scan(name: string, text: string | Buffer) {
  writeFileSync(path(name), text);
  const r = await scanFile(path(name), name, { table: table() });
  return { r, rows: r.findings.map((f) => [f.location, f.format, f.proof, f.matchedKeyId]) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kh-jwk-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('private JWKs held as JSON strings', () => {
  it('`aws secretsmanager get-secret-value` output: the JWK in SecretString is found, proven and matched', async () => {
    const out = `${JSON.stringify(
      {
        ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:signing-jwk-a1b2c3',
        Name: 'signing-jwk',
        VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
        SecretString: jwkText(ec(), 'ec-1'),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: '2026-11-30T10:00:00.000000-08:00',
      },
      null,
      4,
    )}\n`;
    const { r, rows } = await scan('secret.json', out);
    expect(r.gaps).toEqual([]);
    expect(rows).toEqual([['secret.json', 'jwk', 'private-key-present', 'sig/ec']]);
    expect(r.findings[0]?.offset).toBe(out.indexOf('{\\"'));
  });

  it('Terraform state (a JWK written to a secret version, escapes doubled inside another JSON string) and .NET escapes (\\u0022)', async () => {
    const state = JSON.stringify({
      version: 4,
      resources: [{ type: 'aws_secretsmanager_secret_version', instances: [{ attributes: { secret_string: jwkText(rsa(), 'rsa-1') } }] }],
    });
    const nested = JSON.stringify({ outputs: { state: { value: state } } });
    const dotnet = JSON.stringify({ Signing: { Jwk: jwkText(ed(), 'ed-1') } }).replaceAll('\\"', '\\u0022');
    expect((await scan('terraform.tfstate', state)).rows).toEqual([['terraform.tfstate', 'jwk', 'private-key-present', 'sig/rsa']]);
    expect((await scan('nested.json', nested)).rows).toEqual([['nested.json', 'jwk', 'private-key-present', 'sig/rsa']]);
    expect((await scan('appsettings.json', dotnet)).rows).toEqual([['appsettings.json', 'jwk', 'private-key-present', 'sig/ed']]);
  });
});

describe('private JWKs written as base64 and base64url', () => {
  it('a Kubernetes Secret made with --from-file from a JWK and a JWKS file (YAML and JSON): each found at its base64 run', async () => {
    const jwk = Buffer.from(jwkText(ec(), 'ec-1', 2)).toString('base64');
    const jwks = Buffer.from(JSON.stringify({ keys: [JSON.parse(jwkText(rsa(), 'rsa-1'))] }, null, 2)).toString('base64');
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: signer',
      'type: Opaque',
      'data:',
      `  key.json: ${jwk}`,
      `  jwks.json: ${jwks}`,
      '',
    ].join('\n');
    const { r, rows } = await scan('secret.yaml', yaml);
    expect(r.gaps).toEqual([]);
    expect(rows).toEqual([
      [`secret.yaml!base64@${yaml.indexOf(jwk)}`, 'jwk', 'private-key-present', 'sig/ec'],
      [`secret.yaml!base64@${yaml.indexOf(jwks)}`, 'jwk', 'private-key-present', 'sig/rsa'],
    ]);
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { 'key.json': jwk } }, null, 4);
    expect((await scan('secret.json', json)).rows).toEqual([[`secret.json!base64@${json.indexOf(jwk)}`, 'jwk', 'private-key-present', 'sig/ec']]);
  });

  it('base64 wrapped at 76 columns (coreutils `base64`), and base64url without padding as a token segment', async () => {
    const wrapped = (
      Buffer.from(jwkText(rsa(), 'rsa-1', 2))
        .toString('base64')
        .match(/.{1,76}/g) as string[]
    ).join('\n');
    expect((await scan('key.b64', `${wrapped}\n`)).rows).toEqual([['key.b64!base64@0', 'jwk', 'private-key-present', 'sig/rsa']]);
    const token = `eyJhbGciOiJub25lIn0.${Buffer.from(jwkText(ed(), 'ed-1')).toString('base64url')}.`;
    const log = `2026-11-30T10:00:00Z POST /keys body=${token}\n`;
    expect((await scan('access.log', log)).rows).toEqual([[`access.log!base64@${log.indexOf(token) + 20}`, 'jwk', 'private-key-present', 'sig/ed']]);
  });

  it('a base64 JWK that is cut is a decode-base64 gap naming its offset, never clean', async () => {
    const full = Buffer.from(jwkText(rsa(), 'rsa-1')).toString('base64');
    const text = `  key.json: ${full.slice(0, 900)}\n`;
    const { r, rows } = await scan('cut.yaml', text);
    expect(rows).toEqual([]);
    expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([[`cut.yaml!base64@${text.indexOf('eyJ')}`, 'decode-base64']]);
    expect(r.gaps[0]?.reason).toMatch(/is cut or damaged/);
  });

  it('a base64 JWKS longer than the 40 KiB limit is a decode-base64 gap for the whole run, its private key past the limit never clean', async () => {
    const pub = Object.fromEntries(Object.entries(rsa().jwk).filter(([m]) => ['kty', 'n', 'e'].includes(m)));
    const keys = [...Array.from({ length: 100 }, (_, i) => ({ ...pub, kid: `rsa-${i}` })), JSON.parse(jwkText(ec(), 'ec-1'))];
    const b64 = Buffer.from(JSON.stringify({ keys }, null, 2)).toString('base64');
    expect(b64.length).toBeGreaterThan(50_000);
    for (const [name, value] of [
      ['one-line.yaml', b64],
      ['wrapped.yaml', `|\n${(b64.match(/.{1,76}/g) ?? []).map((l) => `    ${l}`).join('\n')}`],
    ] as const) {
      const text = `apiVersion: v1\nkind: Secret\ndata:\n  jwks.json: ${value}\n`;
      const { r, rows } = await scan(name, text);
      expect(rows).toEqual([]);
      expect(r.gaps.map((g) => [g.location, g.operation])).toEqual([[`${name}!base64@${text.indexOf('ewo')}`, 'decode-base64']]);
      expect(r.gaps[0]?.reason).toMatch(/runs past 40960 characters/);
    }
  });

  it('JWTs, JSON and public JWKs in base64 are nothing: no finding, no gap', async () => {
    const pub = Object.fromEntries(Object.entries(rsa().jwk).filter(([m]) => ['kty', 'n', 'e'].includes(m)));
    const text = [
      `id_token: eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.${Buffer.from('{"sub":"alice","d":"not a key"}').toString('base64url')}.c2ln`,
      `jwks: ${Buffer.from(JSON.stringify({ keys: [pub] })).toString('base64')}`,
      'prose: they say the key to a new view is a few eyes',
      '',
    ].join('\n');
    const { r } = await scan('public.txt', text);
    expect(r.findings).toEqual([]);
    expect(r.gaps).toEqual([]);
  });
});

describe('private JWKs in UTF-16', () => {
  it('little- and big-endian, amid other strings and binary data (as a .NET process holds them)', async () => {
    const data = Buffer.concat([
      Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x01]),
      Buffer.from('Microsoft.IdentityModel.Tokens', 'utf16le'),
      Buffer.from(jwkText(ec(), 'ec-1'), 'utf16le'),
      Buffer.from([0x9a, 0x11, 0x07]),
      Buffer.from(jwkText(rsa(), 'rsa-1'), 'utf16le').swap16(),
      Buffer.from([0xff, 0x13]),
    ]);
    const { rows } = await scan('heap.bin', data);
    expect(rows).toEqual([
      ['heap.bin', 'jwk', 'private-key-present', 'sig/ec'],
      ['heap.bin', 'jwk', 'private-key-present', 'sig/rsa'],
    ]);
  });
});
