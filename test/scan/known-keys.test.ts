// The known-key table is built once and shared with worker threads: an adopted table finds exactly
// what the original finds, over the same shared memory, without building its grids again.
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
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
    expect(copy.grids.every((g) => g.entries.buffer instanceof SharedArrayBuffer && g.bits.buffer instanceof SharedArrayBuffer)).toBe(true);
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

  it('takes the SPKI bytes of an input (der, as --known-keys files give them) as it takes their base64, mixed in one table', () => {
    const keys = [makeKey('rsa2048'), makeKey('p256'), makeKey('ed25519')];
    const b64 = keys.map((k, i) => ({ id: `k/${i}`, publicKey: k.spkiB64 }));
    const bytes = keys.map((k, i) => ({ id: `k/${i}`, publicKey: '', der: Buffer.from(k.spkiB64, 'base64') }));
    const a = new KnownKeyTable(b64);
    const b = new KnownKeyTable([bytes[0], b64[1], bytes[2]] as typeof b64);
    expect(b.keys.map((k) => k.fingerprints.spkiSha256)).toEqual(keys.map((k) => k.fingerprints.spkiSha256));
    expect(b.needles).toEqual(a.needles);
    const data = Buffer.concat([filler('random', 5_001), encode(keys[0] as ReturnType<typeof makeKey>, 'bignum-le'), filler('zero', 3_000)]);
    expect(scanBuffer(data, b)).toEqual(scanBuffer(data, a));
  });

  it('drops an input that repeats an id with the same key, keeps the same id with another key, and rejects a non-key once', () => {
    const [a, b] = [makeKey('rsa2048'), makeKey('p256')];
    const table = new KnownKeyTable([
      { id: 'k/1', publicKey: a.spkiB64 },
      { id: 'k/1', publicKey: a.spkiB64 },
      { id: 'k/1', publicKey: b.spkiB64 },
      { id: 'k/2', publicKey: a.spkiB64 },
      { id: 'k/1', publicKey: b.spkiB64 },
      { id: 'k/3', publicKey: 'AAAA' },
      { id: 'k/3', publicKey: 'AAAA' },
      { id: 'k/3', publicKey: b.spkiB64 },
    ]);
    expect(table.keys.map((k) => `${k.id} ${k.keyType} ${k.fingerprints.spkiSha256}`)).toEqual([
      `k/1 RSA ${a.fingerprints.spkiSha256}`,
      `k/1 EC ${b.fingerprints.spkiSha256}`,
      `k/2 RSA ${a.fingerprints.spkiSha256}`,
      `k/3 EC ${b.fingerprints.spkiSha256}`,
    ]);
    expect(table.rejected.map((r) => r.id)).toEqual(['k/3']);
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

/** 10,000 inventory keys of every kind the table indexes: syntactically valid SPKIs around random moduli, points and keys. */
function tenThousand(real: { id: string; publicKey: string }[]): { id: string; publicKey: string }[] {
  const spkiOf = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  const templates = [
    { der: spkiOf(makeKey('rsa2048', 5).publicKey), body: 256, tail: 5, count: 6000 },
    { der: spkiOf(makeKey('p256', 5).publicKey), body: 64, tail: 0, count: 1000 },
    { der: spkiOf(makeKey('p384', 5).publicKey), body: 96, tail: 0, count: 1000 },
    { der: spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), body: 64, tail: 0, count: 1000 },
    { der: spkiOf(makeKey('ed25519', 5).publicKey), body: 32, tail: 0, count: 1000 - real.length },
  ];
  const out: { id: string; publicKey: string }[] = [];
  for (const t of templates) {
    const head = t.der.subarray(0, t.der.length - t.body - t.tail);
    const tail = t.der.subarray(t.der.length - t.tail);
    for (let i = 0; i < t.count; i++) {
      const body = randomBytes(t.body);
      body[0] = (body[0] as number) | 0x80; // an RSA modulus keeps its length; a point or key is any bytes
      out.push({ id: `fake/${out.length}`, publicKey: Buffer.concat([head, body, tail]).toString('base64') });
    }
  }
  out.splice(4321, 0, ...real);
  return out;
}

/** A private scalar as a BIGNUM keeps it: little-endian limbs, 8-byte aligned. */
const limbs = (d: Buffer): Buffer => Buffer.from(d).reverse();

describe('known-key table: the matching key loaded last', () => {
  it('finds and proves the 10,000th key in both byte orders, and its Ed25519 neighbour, as it does alone', () => {
    const rsa = makeKey('rsa2048', 7);
    const ed = makeKey('ed25519', 7);
    const fakes = tenThousand([]).slice(0, 9_998);
    const inputs = [...fakes, { id: 'kms/ed25519', publicKey: ed.spkiB64 }, { id: 'kms/rsa', publicKey: rsa.spkiB64 }];
    const many = new KnownKeyTable(inputs);
    const alone = new KnownKeyTable(inputs.slice(-2));
    expect(many.size).toBe(10_000);
    const held = Buffer.concat([Buffer.from(ed.jwk.d ?? '', 'base64url'), Buffer.from(ed.jwk.x ?? '', 'base64url')]);
    for (const shift of [0, 1, 2, 3, 5, 250, 251, 253]) {
      const data = Buffer.concat([
        filler('random', 20_000 + shift),
        encode(rsa, 'bignum-le'),
        filler('text', 7_001),
        encode(rsa, 'bignum-be'),
        filler('random', 3_000 + shift),
        held,
        filler('zero', 4_000),
      ]);
      const a = scanBuffer(data, many);
      expect(
        a.map((h) => `${h.format}:${h.proof}:${h.knownKeyId ?? ''}`),
        `shift ${shift}`,
      ).toEqual(['rsa-modulus-le:private-key-present:kms/rsa', 'rsa-modulus-be:private-key-present:kms/rsa', 'okp-public:private-key-present:kms/ed25519']);
      expect(a, `shift ${shift}`).toEqual(scanBuffer(data, alone));
    }
  });
});

describe('known-key table of 10,000 keys', () => {
  const rsa = makeKey('rsa2048', 6);
  const p256 = makeKey('p256', 6);
  const p384 = makeKey('p384', 6);
  const ed = makeKey('ed25519', 6);
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const k1Jwk = k1.privateKey.export({ format: 'jwk' });
  const real = [
    { id: 'kms/rsa', publicKey: rsa.spkiB64 },
    { id: 'kms/p256', publicKey: p256.spkiB64 },
    { id: 'kms/p384', publicKey: p384.spkiB64 },
    { id: 'kms/secp256k1', publicKey: k1.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
    { id: 'kms/ed25519', publicKey: ed.spkiB64 },
  ];
  const inputs = tenThousand(real);
  const table = new KnownKeyTable(inputs);
  const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
  const point = (j: { x?: string; y?: string }) => Buffer.concat([b(j.x), b(j.y)]);
  const found = (data: Buffer) => scanBuffer(data, table).map((h) => `${h.format}:${h.proof}:${h.knownKeyId ?? ''}`);
  /** Background, then `a` at an 8-aligned offset, a gap, and `c` at an unaligned one. */
  const plant = (a: Buffer, gap: number, c: Buffer, shift: number) =>
    Buffer.concat([filler('random', 40_000), a, filler('random', gap + shift), c, filler('text', 9_001), filler('zero', 3_000)]);

  it('is built whole: every key indexed, none dropped, and an unreadable input rejected with its reason', () => {
    expect(table.size).toBe(10_000);
    expect(table.rejected).toEqual([]);
    const bad = new KnownKeyTable([...inputs.slice(0, 50), { id: 'kms/broken', publicKey: Buffer.from('not a key').toString('base64') }]);
    expect(bad.size).toBe(50);
    expect(bad.rejected).toEqual([{ id: 'kms/broken', reason: expect.stringMatching(/^publicKey is not DER SPKI: /) }]);
    // Each real key is recognised by its fingerprint too (an encoding found by a detector is named).
    for (const k of [rsa, p256, p384, ed]) expect(table.match(k.fingerprints)?.id).toMatch(/^kms\//);
  });

  it('finds and proves an RSA modulus among them, its prime next to it or 100 KiB away, at every alignment', () => {
    const j = rsa.jwk;
    for (const shift of [0, 1, 3, 7, 24, 61]) {
      expect(found(plant(Buffer.alloc(0), 0, encode(rsa, 'bignum-le'), shift)), `shift ${shift}`).toEqual(['rsa-modulus-le:private-key-present:kms/rsa']);
      const far = Buffer.concat([limbs(b(j.n)), filler('random', 100 * 1024 - 256)]);
      expect(found(plant(far, 64, limbs(b(j.p)), shift * 8))).toEqual(['rsa-modulus-le:private-key-present:kms/rsa']);
    }
    // The modulus alone is only the public half.
    expect(found(plant(Buffer.alloc(0), 0, b(j.n), 5))).toEqual(['rsa-modulus-be:public-key-only:kms/rsa']);
  });

  it('finds each EC point among them and proves it by the scalar beside it (P-256, P-384, secp256k1)', () => {
    const cases = [
      { jwk: p256.jwk, id: 'kms/p256' },
      { jwk: p384.jwk, id: 'kms/p384' },
      { jwk: k1Jwk, id: 'kms/secp256k1' },
    ];
    for (const c of cases) {
      for (const shift of [0, 13]) {
        expect(found(plant(limbs(b(c.jwk.d)), 200, point(c.jwk), shift)), `${c.id} shift ${shift}`).toEqual([`ec-point:private-key-present:${c.id}`]);
      }
      expect(found(plant(Buffer.alloc(0), 0, point(c.jwk), 3))).toEqual([`ec-point:public-key-only:${c.id}`]);
    }
  }, 120_000); // 9–11 s at load 20 on 2 cores: 9 scans with the proof search over a 10,000-key table

  it('finds an Ed25519 public key among them and proves it by the seed before it', () => {
    for (const shift of [0, 1, 6, 23]) {
      const held = Buffer.concat([b(ed.jwk.d), b(ed.jwk.x)]);
      expect(found(plant(Buffer.alloc(0), 0, held, shift)), `shift ${shift}`).toEqual(['okp-public:private-key-present:kms/ed25519']);
    }
    expect(found(plant(Buffer.alloc(0), 0, b(ed.jwk.x), 2))).toEqual(['okp-public:public-key-only:kms/ed25519']);
  });
});
