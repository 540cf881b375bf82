// Sign and verify a manifest with an Ed25519 or ECDSA key file (node:crypto). The private key is
// read, used and dropped: it is never written, logged or echoed; only its public half's fingerprint is.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { UserError } from '../errors.ts';
import { inputLimit, readInputBytes } from '../util/read-text.ts';
import { MANIFEST_FILE, type ManifestSignature, sha256 } from './manifest.ts';

const EC_ALGORITHM: Record<string, { alg: ManifestSignature['algorithm']; hash: string }> = {
  prime256v1: { alg: 'ecdsa-p256-sha256', hash: 'sha256' },
  secp384r1: { alg: 'ecdsa-p384-sha384', hash: 'sha384' },
  secp521r1: { alg: 'ecdsa-p521-sha512', hash: 'sha512' },
};

function algorithmOf(key: KeyObject, file: string): { alg: ManifestSignature['algorithm']; hash: string | null } {
  if (key.asymmetricKeyType === 'ed25519') return { alg: 'ed25519', hash: null };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const a = EC_ALGORITHM[curve];
    if (a) return a;
    throw new UserError({ file, message: `the signing key is on curve ${curve}, which evidence signing does not use.`, expected: 'P-256, P-384 or P-521' });
  }
  throw new UserError({
    file,
    message: `the signing key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}.`,
    expected: 'an Ed25519 or ECDSA (P-256, P-384, P-521) private key in PEM',
    hint: 'make one with `openssl genpkey -algorithm ed25519 -out evidence-signing.pem`',
  });
}

export function loadSigningKey(file: string, passphrase?: string): KeyObject {
  const text = readInputBytes(file, 'signing key', 'give a PEM Ed25519 or ECDSA private key (--evidence-key)', inputLimit('signing key'));
  try {
    return createPrivateKey(passphrase ? { key: text, passphrase } : { key: text });
  } catch (err) {
    // Never include the key's content in the message.
    const encrypted = /passphrase|decrypt|bad decrypt/i.test((err as Error).message);
    throw new UserError({
      file,
      message: encrypted ? 'the signing key is encrypted and no (or a wrong) passphrase was given.' : 'the signing key is not a PEM or DER private key.',
      expected: 'an unencrypted PKCS#8 or SEC1 PEM private key, or set KEYHYGIENE_SIGNING_KEY_PASSPHRASE',
    });
  }
}

export function signManifest(manifestBytes: string, key: KeyObject, keyFile: string): ManifestSignature {
  const { alg, hash } = algorithmOf(key, keyFile);
  const pub = createPublicKey(key);
  return {
    kind: 'keyhygiene-evidence-signature',
    algorithm: alg,
    signed: MANIFEST_FILE,
    publicKey: pub.export({ format: 'pem', type: 'spki' }).toString(),
    publicKeySha256: sha256(pub.export({ format: 'der', type: 'spki' })),
    signature: sign(hash, Buffer.from(manifestBytes), key).toString('base64'),
  };
}

export interface SignatureCheck {
  valid: boolean;
  algorithm: string;
  publicKeySha256: string;
  /** false when a pinned public key was given and the signer is another key. */
  trusted?: boolean;
}

export function verifyManifestSignature(manifestBytes: Buffer, sig: ManifestSignature, pinned?: KeyObject): SignatureCheck {
  const pub = createPublicKey(sig.publicKey);
  const hash = sig.algorithm === 'ed25519' ? null : `sha${sig.algorithm.slice(-3)}`;
  const fp = sha256(pub.export({ format: 'der', type: 'spki' }));
  let valid = false;
  try {
    valid = fp === sig.publicKeySha256 && verify(hash, manifestBytes, pub, Buffer.from(sig.signature, 'base64'));
  } catch {
    valid = false;
  }
  const out: SignatureCheck = { valid, algorithm: sig.algorithm, publicKeySha256: fp };
  if (pinned) out.trusted = sha256((pinned.type === 'public' ? pinned : createPublicKey(pinned)).export({ format: 'der', type: 'spki' })) === fp;
  return out;
}
