// Proof that parsed material is a private key, and its public fingerprints. Nothing here returns
// or logs private bytes: callers get a verdict and fingerprints only.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { fingerprintsOf } from '../crypto/fingerprint.ts';
import type { Fingerprints } from '../model/common.ts';
import { nodeCrypto } from '../util/builtins.ts';
import { bigFromB64url } from './bytes.ts';

const ECDH_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1', secp256k1: 'secp256k1' };

export interface Verdict {
  keyType: string;
  proven: boolean;
  fingerprints?: Fingerprints;
}

/** Check a parsed private key for internal consistency (RSA p·q = n, EC d·G = Q) and fingerprint it. */
export function judgePrivateKey(key: KeyObject): Verdict {
  const type = key.asymmetricKeyType ?? 'unknown';
  const jwk = key.export({ format: 'jwk' }) as JsonWebKey;
  let proven = false;
  let keyType = type.toUpperCase();
  if (type === 'rsa' || type === 'rsa-pss') {
    keyType = 'RSA';
    if (jwk.n && jwk.p && jwk.q) {
      const n = bigFromB64url(jwk.n);
      const p = bigFromB64url(jwk.p);
      const q = bigFromB64url(jwk.q);
      proven = p > 1n && q > 1n && p * q === n;
    }
  } else if (type === 'ec') {
    keyType = 'EC';
    proven = ecConsistent(jwk);
  } else if (type === 'ed25519' || type === 'ed448' || type === 'x25519' || type === 'x448') {
    keyType = 'OKP';
    proven = typeof jwk.d === 'string' && jwk.d.length > 0;
  } else if (type === 'dsa' || type === 'dh') {
    proven = true;
  }
  let fingerprints: Fingerprints | undefined;
  try {
    fingerprints = fingerprintsOf(nodeCrypto().createPublicKey(key));
  } catch {
    fingerprints = undefined;
  }
  return { keyType, proven, fingerprints };
}

export function ecConsistent(jwk: JsonWebKey): boolean {
  const curve = jwk.crv ? ECDH_CURVES[jwk.crv] : undefined;
  if (!curve || !jwk.d || !jwk.x || !jwk.y) return false;
  try {
    const ecdh = nodeCrypto().createECDH(curve);
    ecdh.setPrivateKey(Buffer.from(jwk.d, 'base64url'));
    const pub = ecdh.getPublicKey();
    const want = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    return pub.equals(want);
  } catch {
    return false;
  }
}

/** The public point of a private scalar on a curve (uncompressed, without the 04 prefix), or undefined. */
export function ecPublicPoint(curveJwk: string, d: Buffer): Buffer | undefined {
  const curve = ECDH_CURVES[curveJwk];
  if (!curve) return undefined;
  try {
    const ecdh = nodeCrypto().createECDH(curve);
    ecdh.setPrivateKey(d);
    return ecdh.getPublicKey().subarray(1);
  } catch {
    return undefined;
  }
}

/** Try to parse DER as a private key of the given type; undefined when it is not one. */
export function tryDer(der: Buffer, type: 'pkcs1' | 'pkcs8' | 'sec1'): KeyObject | undefined {
  try {
    return nodeCrypto().createPrivateKey({ key: der, format: 'der', type });
  } catch {
    return undefined;
  }
}

/** Fingerprints of a public JWK (RSA n/e, EC crv/x/y, OKP crv/x), or undefined. */
export function fingerprintsOfPublicJwk(jwk: JsonWebKey): Fingerprints | undefined {
  try {
    const { kty, n, e, crv, x, y } = jwk;
    const pub = Object.fromEntries(Object.entries({ kty, n, e, crv, x, y }).filter(([, v]) => v !== undefined));
    return fingerprintsOf(nodeCrypto().createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }));
  } catch {
    return undefined;
  }
}

/** RFC 8410 PKCS#8 prefixes of a 32-byte Ed25519 or X25519 private key. */
const OKP_PKCS8: Record<string, Buffer> = {
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
};

/** The public key of a 32-byte Ed25519 seed or X25519 private key (derived by node:crypto), or undefined. */
export function okpPublic(curve: string, secret: Uint8Array): Buffer | undefined {
  const prefix = OKP_PKCS8[curve];
  if (!prefix || secret.length !== 32) return undefined;
  try {
    const k = nodeCrypto().createPrivateKey({ key: Buffer.concat([prefix, secret]), format: 'der', type: 'pkcs8' });
    return Buffer.from((k.export({ format: 'jwk' }) as JsonWebKey).x as string, 'base64url');
  } catch {
    return undefined;
  }
}
