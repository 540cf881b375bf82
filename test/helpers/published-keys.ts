// Typed builders for published keys (JWKS records): a well-kept consumer signing key by default, so
// each test changes exactly the field it is about. Fingerprints are synthetic but well formed.
import { createHash } from 'node:crypto';
import { ROCA_PRIMES } from '../../src/crypto/roca.ts';
import type { CollectionGap } from '../../src/model/collection-gap.ts';
import type { Fingerprints } from '../../src/model/common.ts';
import type { KeySetTrust, PublishedKey } from '../../src/model/published-key.ts';

export const CONSUMER = 'https://login.example.com/consumers/v2.0';
export const ENTERPRISE = 'https://login.example.com/organizations/v2.0';
export const WELL_KNOWN = '/.well-known/openid-configuration';

/** Deterministic, well-formed fingerprints for a named test key. */
export function fp(name: string): Fingerprints {
  return {
    spkiSha256: createHash('sha256').update(`spki:${name}`).digest('hex'),
    jwkThumbprint: createHash('sha256').update(`jwk:${name}`).digest('base64url'),
  };
}

export function trust(issuer: string, trustDomain?: string, environment = 'production', jwksUri = `${issuer}/keys`): KeySetTrust {
  return {
    via: 'discovery',
    issuer,
    discoveryUrl: `${issuer}${WELL_KNOWN}`,
    jwksUri,
    ...(trustDomain ? { labels: { trustDomain, environment } } : {}),
  };
}

/** A consumer-issuer RSA-3072 signing key, published alone in its set, matched by nothing known-bad. */
export function published(overrides: Partial<PublishedKey> = {}): PublishedKey {
  const url = overrides.url ?? `${CONSUMER}/keys`;
  const kid = overrides.kid ?? 'consumer-1';
  return {
    id: `${url}#${kid}`,
    provider: 'jwks',
    issuer: CONSUMER,
    url,
    kid,
    kty: 'RSA',
    use: 'sig',
    alg: 'RS256',
    keySize: 3072,
    privateMembers: [],
    labels: { trustDomain: 'consumer', environment: 'production' },
    trustedBy: [trust(CONSUMER, 'consumer')],
    keySetSize: 1,
    knownCompromised: [],
    fingerprints: fp(kid),
    ...overrides,
  };
}

/** A 2048-bit number shaped like an Infineon modulus: k·M + (65537^a mod M), M the primorial of the test primes. */
export function rocaShapedModulus(a = 1234n): Uint8Array {
  const M = ROCA_PRIMES.reduce((acc, p) => acc * BigInt(p), 1n);
  let g = 1n;
  let base = 65537n % M;
  for (let e = a; e > 0n; e >>= 1n) {
    if (e & 1n) g = (g * base) % M;
    base = (base * base) % M;
  }
  const k = (1n << BigInt(2048 - M.toString(2).length)) | 0xdeadbeefn;
  const n = k * M + g;
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** A JWKS collection gap: the key set at `url` could not be read (or, with `affects`, only those fields of it). */
export function unreadSet(url = `${ENTERPRISE}/keys`, affects?: string[]): CollectionGap {
  return {
    id: `jwks:${url}:fetch`,
    provider: 'jwks',
    scope: { subjectId: url },
    operation: 'jwks:GetKeySet',
    reason: `${url} did not answer within the call deadline`,
    kind: 'timeout',
    ...(affects ? { affects } : {}),
  };
}
