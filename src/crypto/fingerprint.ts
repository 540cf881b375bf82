import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Fingerprints } from '../model/common.ts';
import { nodeCrypto } from '../util/builtins.ts';

/** RFC 7638 required members per key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK; undefined for unknown key types. */
export function jwkThumbprint(jwk: Record<string, unknown>): string | undefined {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members || members.some((m) => typeof jwk[m] !== 'string')) return undefined;
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return nodeCrypto().createHash('sha256').update(canonical).digest('base64url');
}

/** Fingerprints of a public key object: SHA-256 of its DER SPKI and its RFC 7638 thumbprint. */
export function fingerprintsOf(key: KeyObject): Fingerprints {
  const pub = key.type === 'private' ? nodeCrypto().createPublicKey(key) : key;
  const spki = pub.export({ format: 'der', type: 'spki' });
  const jwk = pub.export({ format: 'jwk' }) as JsonWebKey as Record<string, unknown>;
  const out: Fingerprints = { spkiSha256: nodeCrypto().createHash('sha256').update(spki).digest('hex') };
  const tp = jwkThumbprint(jwk);
  if (tp) out.jwkThumbprint = tp;
  return out;
}

/** Fingerprints from DER SubjectPublicKeyInfo bytes (AWS GetPublicKey, GCP getPublicKey). */
export const fingerprintsFromSpki = (der: Uint8Array): Fingerprints =>
  fingerprintsOf(nodeCrypto().createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }));

/** Fingerprints from a public JWK (Azure Key Vault, JWKS). Private members are ignored. */
export function fingerprintsFromJwk(jwk: Record<string, unknown>): Fingerprints {
  const { kty, n, e, crv, x, y } = jwk;
  const pub = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined));
  return fingerprintsOf(nodeCrypto().createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }));
}
