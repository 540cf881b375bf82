// The known-key table is built once and shared with worker threads: an adopted table finds exactly
// what the original finds, over the same shared memory, without building its grids again.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/crypto/fingerprint.ts';
import { KnownKeyTable } from '../../src/scan/known-keys.ts';
import { scanBuffer } from '../../src/scan/scanner.ts';
import { encode, filler, makeKey } from './material.ts';

describe('known-key table', () => {
  it('a table adopted from share() (as a worker receives it) finds and proves the same keys', () => {
    const rsa = makeKey('rsa2048');
    const ec = makeKey('p256');
    const original = new KnownKeyTable([
      { id: 'kms/rsa', publicKey: rsa.spkiB64 },
      { id: 'kms/ec', publicKey: ec.spkiB64 },
    ]);
    const shared = original.share();
    // What postMessage does to workerData: SharedArrayBuffers stay shared, the rest is copied.
    const copy = structuredClone(shared);
    expect(copy.needleBytes).toBeInstanceOf(SharedArrayBuffer);
    expect(copy.grids.every((g) => g.refs.buffer instanceof SharedArrayBuffer)).toBe(true);
    const adopted = new KnownKeyTable(copy);
    expect(adopted.size).toBe(2);
    expect(adopted.match(original.keys[1]?.fingerprints)?.id).toBe('kms/ec');
    const data = Buffer.concat([
      filler('random', 30_001),
      encode(rsa, 'bignum-le'),
      filler('text', 20_000),
      ec.privateKey.export({ format: 'der', type: 'sec1' }),
      filler('zero', 9_000),
    ]);
    const a = scanBuffer(data, original);
    const b = scanBuffer(data, adopted);
    expect(b).toEqual(a);
    expect(a.map((h) => `${h.format}:${h.proof}`)).toEqual(['rsa-modulus-le:private-key-present', 'der-sec1:private-key-present']);
  });

  it('crosses to a worker as shared memory and one string: keys restored whole (exponents, points), fingerprints matched', () => {
    const keys = [makeKey('rsa2048', 4), makeKey('p256', 4), makeKey('ed25519', 4), makeKey('p384', 4)];
    const original = new KnownKeyTable(keys.map((k, i) => ({ id: `k/${i}`, publicKey: k.spkiB64 })));
    const copy = structuredClone(original.share());
    expect(typeof copy.keys).toBe('string');
    expect(copy.needles.buffer).toBeInstanceOf(SharedArrayBuffer);
    const adopted = new KnownKeyTable(copy);
    expect(adopted.size).toBe(4);
    const plain = (t: KnownKeyTable) =>
      t.keys.map((k) => ({ ...k, e: k.e && Buffer.from(k.e).toString('hex'), point: k.point && Buffer.from(k.point).toString('hex') }));
    expect(plain(adopted)).toEqual(plain(original));
    expect(adopted.needles).toEqual(original.needles);
    for (const k of original.keys) expect(adopted.match(k.fingerprints)?.id).toBe(k.id);
    expect(adopted.ecPoints().map((p) => p.point.toString('hex'))).toEqual(original.ecPoints().map((p) => p.point.toString('hex')));
  });

  it('a table of thousands of keys (built with its small sampling step) finds every planted modulus and point, at every alignment', () => {
    // A syntactically valid RSA SPKI around a random odd 2048-bit "modulus": only its bytes matter to the table.
    const head = Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex');
    const fake = () => {
      const n = randomBytes(256);
      n[0] = (n[0] as number) | 0x80;
      return Buffer.concat([head, n, Buffer.from('0203010001', 'hex')]).toString('base64');
    };
    const rsa = makeKey('rsa2048', 3);
    const ec = makeKey('p256', 3);
    const inputs = Array.from({ length: 2500 }, (_, i) => ({ id: `fake/${i}`, publicKey: fake() }));
    inputs.splice(1234, 0, { id: 'kms/rsa', publicKey: rsa.spkiB64 }, { id: 'kms/ec', publicKey: ec.spkiB64 });
    const table = new KnownKeyTable(inputs);
    expect(table.size).toBe(2502);
    for (const shift of [0, 1, 5, 63, 64, 117]) {
      const data = Buffer.concat([
        filler('random', 40_000 + shift),
        encode(rsa, 'bignum-le'),
        filler('text', 10_003),
        encode(rsa, 'der-pkcs1'),
        filler('random', 7_001 + shift),
        ec.privateKey.export({ format: 'der', type: 'sec1' }),
        filler('zero', 5_000),
      ]);
      const hits = scanBuffer(data, table).map((h) => `${h.format}:${h.proof}:${h.knownKeyId ?? ''}`);
      expect(hits, `shift ${shift}`).toEqual(['rsa-modulus-le:private-key-present:kms/rsa', 'der-pkcs1:private-key-present:', 'der-sec1:private-key-present:']);
    }
    // A key whose SPKI encoding differs is still recognised by its RFC 7638 thumbprint.
    const tp = jwkThumbprint({ kty: 'EC', crv: 'P-256', x: ec.jwk.x, y: ec.jwk.y });
    expect(table.match({ spkiSha256: 'not-this-encoding', jwkThumbprint: tp })?.id).toBe('kms/ec');
    expect(table.match({ spkiSha256: 'nothing', jwkThumbprint: 'nothing' })).toBeUndefined();
  });
});
