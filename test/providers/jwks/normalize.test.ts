import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprintsOf } from '../../../src/crypto/fingerprint.ts';
import { PublishedKey } from '../../../src/model/published-key.ts';
import { BUILTIN_FEED, loadFeed } from '../../../src/providers/jwks/index.ts';
import { normalizeKeySet, parseDiscovery, parseKeySet } from '../../../src/providers/jwks/normalize.ts';
import { rocaShapedModulus } from '../../helpers/published-keys.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/jwks/${name}`, import.meta.url), 'utf8');
const MS_URL = 'https://login.microsoftonline.com/consumers/discovery/v2.0/keys';
const MS_ISSUER = 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0';
const trustedBy = [
  { via: 'discovery' as const, issuer: MS_ISSUER, discoveryUrl: `${MS_ISSUER}/.well-known/openid-configuration`, labels: { trustDomain: 'consumer' } },
];

describe('jwks normalize: real published documents', () => {
  const indicators = loadFeed(BUILTIN_FEED, 'built-in');
  const keys = parseKeySet(fixture('microsoft-consumers-keys-2016.json'));
  if (!keys.ok) throw new Error(keys.reason);
  const [ms] = normalizeKeySet(keys.value, { url: MS_URL, trustedBy, indicators });

  it('reads the 2016 Microsoft consumer key: size, binding, certificate, thumbprints', () => {
    const k = ms?.key as PublishedKey;
    expect(ms?.problem).toBeUndefined();
    expect(PublishedKey.parse(k)).toEqual(k);
    expect(k).toMatchObject({
      id: `${MS_URL}#1LTMzakihiRla_8z2BEJVXeWMqo`,
      provider: 'jwks',
      issuer: MS_ISSUER,
      kty: 'RSA',
      use: 'sig',
      keySize: 2048,
      keyIssuer: MS_ISSUER,
      x5t: '1LTMzakihiRla_8z2BEJVXeWMqo',
      privateMembers: [],
      labels: { trustDomain: 'consumer' },
      keySetSize: 1,
    });
    expect(k.certificates).toEqual([
      expect.objectContaining({
        subject: 'CN=Live ID STS Signing Public Key',
        notBefore: '2016-04-05T14:43:35.000Z',
        notAfter: '2021-04-04T14:43:35.000Z',
        sha1Thumbprint: 'd4b4cccda9228624656bff33d8110955779632aa',
        matchesKey: true,
      }),
    ]);
  });

  it('detects the Storm-0558 key through the built-in feed', () => {
    expect(ms?.key.knownCompromised).toEqual([expect.objectContaining({ id: 'storm-0558-msa-2016', matchedOn: 'sha1Thumbprint', source: 'built-in' })]);
  });

  it('matches the kid/x5t form of the indicator when no certificate is published', () => {
    const bare = { ...(keys.value[0] as Record<string, unknown>) };
    delete bare.x5c;
    delete bare.x5t;
    const [n] = normalizeKeySet([bare], { url: MS_URL, trustedBy, indicators });
    expect(n?.key.knownCompromised).toEqual([expect.objectContaining({ id: 'storm-0558-msa-2016', matchedOn: 'kid' })]);
  });

  it('fingerprints equal those of the same key read from its certificate (the join key across sources)', () => {
    const leaf = (keys.value[0] as { x5c: string[] }).x5c[0] as string;
    expect(ms?.key.fingerprints).toEqual(fingerprintsOf(new X509Certificate(Buffer.from(leaf, 'base64')).publicKey));
  });

  it('reads Google 2016 certs and the Microsoft discovery document', () => {
    const g = parseKeySet(fixture('google-oauth2-v3-certs-2016.json'));
    if (!g.ok) throw new Error(g.reason);
    const [n] = normalizeKeySet(g.value, { url: 'https://www.googleapis.com/oauth2/v3/certs', trustedBy: [], indicators });
    expect(n?.key).toMatchObject({ kid: 'd0ec514a32b6f88c0abd12a2840699bdd3deba9d', alg: 'RS256', keySize: 2048, knownCompromised: [] });
    expect(parseDiscovery(fixture('microsoft-consumers-openid-configuration.json'))).toEqual({
      ok: true,
      value: { issuer: MS_ISSUER, jwksUri: 'https://login.microsoftonline.com/consumers/discovery/v2.0/keys' },
    });
  });
});

describe('jwks normalize: hygiene signals', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = ec.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;

  it('names private members but never copies their values', () => {
    const [n] = normalizeKeySet([{ ...priv, kid: 'leaky', use: 'sig' }], { url: 'https://idp/keys', trustedBy: [], indicators: [] });
    expect(n?.key.privateMembers).toEqual(['d']);
    expect(n?.key.fingerprints).toEqual(fingerprintsOf(ec.publicKey));
    expect(JSON.stringify(n)).not.toContain(priv.d as string);
  });

  it('records symmetric keys without a fingerprint of the secret', () => {
    const [n] = normalizeKeySet([{ kty: 'oct', k: 'c2VjcmV0LXNpZ25pbmcta2V5', kid: 'hmac' }], { url: 'https://idp/keys', trustedBy: [], indicators: [] });
    expect(n?.key).toMatchObject({ kty: 'oct', privateMembers: ['k'], fingerprints: {} });
    expect(JSON.stringify(n)).not.toContain('c2VjcmV0LXNpZ25pbmcta2V5');
  });

  it('keeps duplicate kids apart and reports unreadable material as a problem', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const pub = ec.publicKey.export({ format: 'jwk' });
    const out = normalizeKeySet(
      [
        { ...pub, kid: 'a' },
        { ...other, kid: 'a' },
        { ...pub, kid: 'a' },
        { kty: 'RSA', kid: 'broken', e: 'AQAB' },
        { kty: 'AKP', kid: 'pq' },
      ],
      { url: 'https://idp/keys', trustedBy: [], indicators: [] },
    );
    const ids = out.map((n) => n.key.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids.slice(0, 3).every((id) => id.startsWith('https://idp/keys#a@'))).toBe(true);
    expect(out[3]?.problem).toMatch(/RSA key material could not be read/);
    expect(out[4]?.problem).toBe('key type AKP is not supported');
  });

  it('flags a ROCA-shaped modulus and leaves sound ones alone', () => {
    const n = Buffer.from(rocaShapedModulus()).toString('base64url');
    const sound = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const out = normalizeKeySet(
      [
        { kty: 'RSA', kid: 'infineon', n, e: 'AQAB' },
        { ...sound, kid: 'sound' },
      ],
      { url: 'https://idp/keys', trustedBy: [], indicators: [] },
    );
    expect(out.map((o) => [o.key.kid, o.key.keySize, o.key.rocaFingerprint])).toEqual([
      ['infineon', 2048, true],
      ['sound', 2048, false],
    ]);
  });

  it('rejects documents that are not JSON or not a key set', () => {
    expect(parseKeySet('{"keys": [')).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
    expect(parseKeySet('<html>MIIEvQIBADANBgkqhkiG9w0BAQEFAASC</html>')).toEqual({ ok: false, reason: "the key set is not valid JSON (Unexpected token '<')" });
    expect(parseKeySet('{"foo": 1}')).toMatchObject({ ok: false, reason: 'the document is not a JWK Set (no "keys" array)' });
    expect(parseKeySet('{"keys": [1]}')).toMatchObject({ ok: false, reason: 'keys[0] is not a JSON object' });
    expect(parseDiscovery('{"issuer": "https://idp"}')).toMatchObject({ ok: false, reason: 'the discovery document has no jwks_uri' });
    // RFC 8259 §8.1: a leading byte order mark (a key set saved as UTF-8 with BOM) may be ignored, and is.
    expect(parseKeySet('\ufeff{"keys": []}')).toEqual({ ok: true, value: [] });
    expect(parseDiscovery('\ufeff{"jwks_uri": "https://idp/keys"}')).toEqual({ ok: true, value: { jwksUri: 'https://idp/keys' } });
  });
});

describe('jwks normalize: private members of other key types', () => {
  const ctx = { url: 'https://idp/keys', trustedBy: [], indicators: [] };
  // RFC 9964 (ML-DSA for JOSE) §"AKP": "pub" is public; "priv" (and the drafts' "seed") are the private key.
  const pub = Buffer.alloc(1312, 7).toString('base64url');

  it('an AKP (ML-DSA) key publishing priv or seed names them; a public AKP key publishes none', () => {
    const [leaky, seeded, clean] = normalizeKeySet(
      [
        { kty: 'AKP', alg: 'ML-DSA-44', kid: 'pq-leaky', pub, priv: Buffer.alloc(32, 1).toString('base64url') },
        { kty: 'AKP', alg: 'ML-DSA-44', kid: 'pq-seed', pub, seed: Buffer.alloc(32, 2).toString('base64url') },
        { kty: 'AKP', alg: 'ML-DSA-44', kid: 'pq', pub },
      ],
      ctx,
    );
    expect([leaky?.key.privateMembers, seeded?.key.privateMembers, clean?.key.privateMembers]).toEqual([['priv'], ['seed'], []]);
    expect(JSON.stringify(leaky)).not.toContain(Buffer.alloc(32, 1).toString('base64url'));
  });

  it('a key type this build does not know has its private members unknown (never "none"), unless a known one shows', () => {
    const [odd, oddWithD] = normalizeKeySet(
      [
        { kty: 'XYZ', kid: 'odd', x: 'AQAB', secret: 'AQAB' },
        { kty: 'XYZ', kid: 'odd-d', d: 'AQAB' },
      ],
      ctx,
    );
    expect(odd?.key.privateMembers).toBeUndefined();
    expect(oddWithD?.key.privateMembers).toEqual(['d']);
  });
});

describe('jwks normalize: members not in the form RFC 7518 and RFC 8037 require', () => {
  const ctx = { url: 'https://idp/keys', trustedBy: [], indicators: [] };
  /** A P-256 public JWK whose x coordinate starts with a zero octet (about one key in 256). */
  const ecWithLeadingZeroX = () => {
    for (;;) {
      const j = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      if (Buffer.from(j.x as string, 'base64url')[0] === 0) return j;
    }
  };

  it('an EC coordinate shorter than its curve (leading zero stripped, RFC 7518 §6.2.1.2) is named, though Node reads the point', () => {
    const j = ecWithLeadingZeroX();
    const short = Buffer.from(j.x as string, 'base64url')
      .subarray(1)
      .toString('base64url');
    const [bad, good] = normalizeKeySet(
      [
        { ...j, kid: 'short-x', x: short },
        { ...j, kid: 'full-x' },
      ],
      ctx,
    );
    expect(bad?.problem).toBeUndefined();
    expect(bad?.key.encodingProblems).toEqual(['x is 31 octets; P-256 needs 32 (RFC 7518 §6.2.1.2)']);
    expect(good?.key.encodingProblems).toBeUndefined();
    // The fingerprints are those of the point, however it was written.
    expect(bad?.key.fingerprints).toEqual(good?.key.fingerprints);
  });

  it('an RSA modulus with a leading zero octet (RFC 7518 §6.3.1.1, Base64urlUInt §2) and padded or base64 members are named', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const n = Buffer.concat([Buffer.from([0]), Buffer.from(rsa.n as string, 'base64url')]).toString('base64url');
    const [padded, b64, clean] = normalizeKeySet(
      [
        { ...rsa, kid: 'zero-n', n },
        { ...rsa, kid: 'b64', e: 'AQAB==', n: Buffer.from(rsa.n as string, 'base64url').toString('base64') },
        { ...rsa, kid: 'clean', use: 'sig', key_ops: ['verify'] },
      ],
      ctx,
    );
    expect(padded?.key.keySize).toBe(2048);
    expect(padded?.key.encodingProblems).toEqual(['n has a leading zero octet (RFC 7518 §2: Base64urlUInt uses the fewest octets)']);
    expect(b64?.key.encodingProblems).toEqual(expect.arrayContaining(['e is not base64url without padding (RFC 7515 §2)']));
    expect(clean?.key.encodingProblems).toBeUndefined();
  });

  it('an x5c entry in base64url rather than base64 (RFC 7517 §4.7) is named; an Ed448 key (RFC 8037) is read with its size', () => {
    const okp = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
    const [ed448, wrongLength] = normalizeKeySet(
      [
        { ...okp, kid: 'ed448', alg: 'EdDSA', x5c: ['MIIB-_w'] },
        {
          ...okp,
          kid: 'ed448-short',
          x: Buffer.from(okp.x as string, 'base64url')
            .subarray(1)
            .toString('base64url'),
        },
      ],
      ctx,
    );
    expect(ed448?.key).toMatchObject({ kty: 'OKP', curve: 'Ed448', keySize: 448 });
    expect(ed448?.key.fingerprints.jwkThumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ed448?.key.encodingProblems).toEqual(['x5c[0] is base64url; x5c holds base64 (RFC 7517 §4.7)']);
    // A 56-octet Ed448 key cannot be read at all: that is a problem (a gap), and named as well.
    expect(wrongLength?.problem).toMatch(/OKP key material could not be read/);
    expect(wrongLength?.key.encodingProblems).toEqual(['x is 56 octets; Ed448 needs 57 (RFC 8037 §2)']);
  });
});

describe('jwks normalize: members of the wrong JSON type (RFC 7517 §4)', () => {
  it('a numeric kid, a string key_ops or x5c, a null use are named; an empty RSA modulus is no key (a problem, not a fingerprint)', () => {
    const [typed, empty] = normalizeKeySet(
      [
        { kty: 'RSA', kid: 7, n: 'AQAB', e: 'AQAB', x5c: 'MIIB', key_ops: 'verify', use: null },
        { kty: 'RSA', kid: 'empty', n: '', e: '' },
      ],
      { url: 'https://idp/keys', trustedBy: [], indicators: [] },
    );
    expect(typed?.key.encodingProblems).toEqual([
      'kid is a number, not a string (RFC 7517 §4)',
      'use is null, not a string (RFC 7517 §4)',
      'key_ops is a string, not an array (RFC 7517 §4)',
      'x5c is a string, not an array (RFC 7517 §4)',
    ]);
    expect(empty?.problem).toBe('the RSA key material could not be read (the modulus n is missing, empty or zero)');
    expect(empty?.key.fingerprints).toEqual({});
    expect(empty?.key.publicKey).toBeUndefined();
  });
});

describe('jwks normalize: x5c chains (RFC 7517 §4.7)', () => {
  it('each certificate is checked against the next: a leaf followed by its CA links, one followed by a stranger does not', async () => {
    const { generate } = await import('selfsigned');
    const ca = await generate([{ name: 'commonName', value: 'Example Token Signing CA' }], { algorithm: 'sha256' });
    const stranger = await generate([{ name: 'commonName', value: 'Someone Else' }], { algorithm: 'sha256' });
    const leaf = await generate([{ name: 'commonName', value: 'signer.example.com' }], { algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert } });
    const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');
    const jwk = new X509Certificate(leaf.cert).publicKey.export({ format: 'jwk' });
    const [chained, broken, single] = normalizeKeySet(
      [
        { ...jwk, kid: 'chained', x5c: [der(leaf.cert), der(ca.cert)] },
        { ...jwk, kid: 'broken', x5c: [der(leaf.cert), der(stranger.cert)] },
        { ...jwk, kid: 'single', x5c: [der(leaf.cert)] },
      ],
      { url: 'https://idp/keys', trustedBy: [], indicators: [] },
    );
    expect(chained?.key.certificates?.map((c) => [c.matchesKey, c.signedByNext])).toEqual([
      [true, true],
      [undefined, undefined],
    ]);
    expect(broken?.key.certificates?.[0]?.signedByNext).toBe(false);
    expect(single?.key.certificates?.[0]?.signedByNext).toBeUndefined();
  });
});
