// Every material format, planted at unaligned offsets in random, mixed, text and zero data, across
// chunk boundaries; and public-only negatives with the same keys that must not count as private.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import { streamOffset } from '../../src/scan/base64-pem.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import type { RawHit } from '../../src/scan/types.ts';
import { EXPECTED_FORMAT, type Filler, FORMATS, filler, type KeyKind, kindsFor, makeKey, type Planted, plant, type TestKey } from './material.ts';

const KINDS: KeyKind[] = ['rsa2048', 'rsa4096', 'p256', 'p384', 'ed25519'];
const ITEMS = () => FORMATS.flatMap((f) => kindsFor(f).map((k) => ({ key: makeKey(k), format: f })));
const table = () => new KnownKeyTable(KINDS.map((k) => ({ id: `key/${k}`, publicKey: makeKey(k).spkiB64 })));

function hitFor(hits: RawHit[], p: Planted): RawHit | undefined {
  // Material inside base64 is placed by where its run starts (its offset is inside the decoded bytes).
  return hits.find((h) => streamOffset(h) >= p.offset && streamOffset(h) < p.offset + p.length);
}

describe('planted private keys', () => {
  for (const background of ['random', 'mixed', 'text', 'zero'] as Filler[]) {
    it(`finds, proves and matches every format in ${background} data, across 64 KiB chunk boundaries`, () => {
      const { data, planted } = plant(background, ITEMS());
      const hits = scanBuffer(data, table(), 64 * 1024);
      for (const p of planted) {
        const h = hitFor(hits, p);
        const label = `${p.format}/${p.key.kind} at ${p.offset}`;
        expect(h, label).toBeDefined();
        expect(h?.format, label).toBe(EXPECTED_FORMAT[p.format]);
        if (p.format === 'pem-encrypted') {
          expect(h?.proof, label).toBe('unproven');
          expect(h?.encrypted, label).toBe(true);
          continue;
        }
        expect(h?.proof, label).toBe('private-key-present');
        expect(h?.fingerprints?.spkiSha256, label).toBe(p.key.fingerprints.spkiSha256);
      }
      // Nothing else: one finding per planted item.
      expect(hits.length).toBe(planted.length);
    });
  }

  it('reports byte-reversed and big-endian moduli only through the known-key table, with their key id', () => {
    const items = [
      { key: makeKey('rsa2048'), format: 'bignum-le' as const },
      { key: makeKey('rsa4096'), format: 'bignum-be' as const },
    ];
    const { data, planted } = plant('random', items);
    expect(scanBuffer(data, undefined, 64 * 1024)).toEqual([]);
    const hits = scanBuffer(data, table(), 64 * 1024);
    expect(hits.map((h) => [h.format, h.proof, h.knownKeyId])).toEqual([
      ['rsa-modulus-le', 'private-key-present', 'key/rsa2048'],
      ['rsa-modulus-be', 'private-key-present', 'key/rsa4096'],
    ]);
    expect(hits.map((h) => h.offset)).toEqual(planted.map((p) => p.offset));
  });

  it('finds a key that straddles every possible chunk boundary position', () => {
    const k = makeKey('rsa2048');
    const { data, planted } = plant('random', [
      { key: k, format: 'der-pkcs1' },
      { key: k, format: 'pem-pkcs8' },
    ]);
    for (const chunk of [64 * 1024 + 1, 65_536 + 777, 100_003]) {
      const hits = scanBuffer(data, undefined, chunk);
      expect(hits.map((h) => h.offset)).toEqual(planted.map((p) => p.offset));
    }
  });

  it('does not prove an RSA modulus whose primes are absent, and says so', () => {
    const k = makeKey('rsa2048');
    const n = Buffer.from(k.jwk.n as string, 'base64url');
    const data = Buffer.concat([filler('random', 10_001), Buffer.from(n).reverse(), filler('random', 10_003)]);
    const hits = scanBuffer(data, table());
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ format: 'rsa-modulus-le', proof: 'public-key-only', knownKeyId: 'key/rsa2048', offset: 10_001 });
  });

  it('proves a known EC point by its private scalar stored nearby as aligned little-endian limbs', () => {
    const k = makeKey('p256');
    const point = Buffer.concat([Buffer.from(k.jwk.x as string, 'base64url'), Buffer.from(k.jwk.y as string, 'base64url')]);
    const d = Buffer.from(k.jwk.d as string, 'base64url').reverse();
    const data = Buffer.concat([filler('random', 10_000), point, filler('random', 24), d, filler('random', 10_000)]);
    expect(scanBuffer(data, table())).toMatchObject([{ offset: 10_000, format: 'ec-point', proof: 'private-key-present', knownKeyId: 'key/p256' }]);
    const withoutScalar = Buffer.concat([filler('random', 10_000), point, filler('random', 10_056)]);
    expect(scanBuffer(withoutScalar, table())).toMatchObject([{ offset: 10_000, format: 'ec-point', proof: 'public-key-only' }]);
  });

  it('rejects DER and blobs whose numbers do not multiply out', () => {
    const k = makeKey('rsa2048');
    const der = Buffer.from(k.privateKey.export({ format: 'der', type: 'pkcs1' }));
    der[der.length - 450] = (der[der.length - 450] as number) ^ 0xff; // inside q: p·q no longer equals n
    const hits = scanBuffer(Buffer.concat([filler('random', 5003), der, filler('random', 5003)]));
    expect(hits.every((h) => h.proof !== 'private-key-present')).toBe(true);
  });
});

describe('public-only negatives', () => {
  let negatives: Buffer;
  let keys: TestKey[];

  beforeAll(async () => {
    keys = allKeys();
    const parts: Buffer[] = [];
    for (const k of keys) {
      const j = k.jwk;
      const pubJwk = Object.fromEntries(Object.entries(j).filter(([m]) => ['kty', 'n', 'e', 'crv', 'x', 'y'].includes(m)));
      parts.push(
        k.publicKey.export({ format: 'der', type: 'spki' }),
        Buffer.from(k.publicKey.export({ format: 'pem', type: 'spki' }) as string),
        Buffer.from(JSON.stringify({ keys: [{ ...pubJwk, kid: k.kind, use: 'sig' }] })),
        // The same public JWKS as base64 (a Secret's data value), as a JSON string, in UTF-16, and a DPoP
        // proof (RFC 9449 §4.2) whose header carries the public JWK: none has a private member.
        Buffer.from(` jwks.json: ${Buffer.from(JSON.stringify({ keys: [pubJwk] }, null, 2)).toString('base64')}\n`),
        Buffer.from(JSON.stringify({ SecretString: JSON.stringify({ keys: [pubJwk] }) })),
        Buffer.from(JSON.stringify({ keys: [pubJwk] }), 'utf16le'),
        Buffer.from(
          `DPoP: ${Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: pubJwk })).toString('base64url')}.${Buffer.from('{"jti":"-BwC3ESc6acc2lTc","htm":"POST","htu":"https://server.example.com/token","iat":1562262616}').toString('base64url')}.c2ln\n`,
        ),
      );
      if (j.kty === 'RSA') {
        const n = Buffer.from(j.n as string, 'base64url');
        parts.push(
          k.publicKey.export({ format: 'der', type: 'pkcs1' }),
          n,
          Buffer.from(n).reverse(),
          Buffer.concat([Buffer.from('RSA1'), Buffer.from([0, 8, 0, 0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]), n]),
        );
      }
      if (j.kty === 'RSA') {
        const pemKeys = {
          privateKey: k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
          publicKey: k.publicKey.export({ format: 'pem', type: 'spki' }) as string,
        };
        const cert = await generate([{ name: 'commonName', value: `${k.kind}.example.test` }], { keyPair: pemKeys, algorithm: 'sha256' });
        parts.push(Buffer.from(cert.cert), Buffer.from(new X509Certificate(cert.cert).raw));
      } else {
        // selfsigned signs with RSA only; openssl makes the EC and Ed25519 certificates.
        const dir = mkdtempSync(join(tmpdir(), 'kh-cert-'));
        try {
          writeFileSync(join(dir, 'k.pem'), k.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
          const pem = execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'k.pem'), '-subj', `/CN=${k.kind}.example.test`, '-days', '1']);
          parts.push(pem, Buffer.from(new X509Certificate(pem).raw));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    const bg: Buffer[] = [];
    parts.forEach((p, i) => {
      bg.push(filler(i % 2 ? 'mixed' : 'random', 20_000 + i * 13), p);
    });
    bg.push(filler('mixed', 4 * 1024 * 1024));
    negatives = Buffer.concat(bg);
  });

  it('raises no private-key finding on certificates, JWKS, SPKI, RSA1 blobs and bare moduli of known keys', () => {
    const hits = scanBuffer(negatives, table(), 256 * 1024);
    expect(hits.filter((h) => h.proof === 'private-key-present' || h.encrypted)).toEqual([]);
    // The known moduli, points and Ed25519 public keys are still recognised, as public halves.
    const matched = new Set(hits.filter((h) => h.proof === 'public-key-only').map((h) => h.knownKeyId));
    expect([...matched].sort()).toEqual(['key/ed25519', 'key/p256', 'key/p384', 'key/rsa2048', 'key/rsa4096']);
  });

  it('prose that names a private-key marker is not key material, in ASCII, UTF-16 or JSON', () => {
    const prose = [
      'unable to load key: expecting -----BEGIN PRIVATE KEY----- in key file /etc/ssl/private/api.pem\n',
      'PEM_read_bio_PrivateKey: no start line (Expecting: -----BEGIN RSA PRIVATE KEY-----)\n',
      'paste it between -----BEGIN EC PRIVATE KEY----- and -----END EC PRIVATE KEY----- markers\n',
      '-----BEGIN PRIVATE KEY-----\n(your key here)\n-----END PRIVATE KEY-----\n',
      '{"hint": "-----BEGIN OPENSSH PRIVATE KEY-----\\n...\\n-----END OPENSSH PRIVATE KEY-----"}\n',
    ].join('');
    const data = Buffer.concat([
      filler('text', 5000),
      Buffer.from(prose),
      Buffer.from(prose, 'utf16le'),
      Buffer.from(prose, 'utf16le').swap16(),
      filler('text', 5000),
    ]);
    expect(scanBuffer(data, table())).toEqual([]);
  });

  it('raises nothing at all on the same data without known keys', () => {
    expect(scanBuffer(negatives, undefined, 256 * 1024)).toEqual([]);
  });
});

function allKeys(): TestKey[] {
  return KINDS.map((k) => makeKey(k));
}
