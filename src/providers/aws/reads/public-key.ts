// kms:GetPublicKey: the public half of an asymmetric key, as SPKI and fingerprints.
import { fingerprintsFromSpki } from '../../../crypto/fingerprint.ts';
import type { Fingerprints } from '../../../model/common.ts';
import { type AwsRun, note, read } from '../context.ts';
import { type KeyTarget, keyGap } from './key-target.ts';

/** SPKI (base64) and fingerprints; undefined (with a gap on `publicKey` and `fingerprints`) when not read. */
export async function readPublicKey(run: AwsRun, k: KeyTarget): Promise<{ spki: string; fingerprints: Fingerprints } | undefined> {
  const gap = keyGap(k, 'the public key', ['publicKey', 'fingerprints']);
  const out = await read(run, 'kms:GetPublicKey', { KeyId: k.keyId }, k.where, gap);
  if (!out) return undefined;
  const der = out.PublicKey as Uint8Array | undefined;
  if (!der) {
    note(run, 'kms:GetPublicKey', gap, 'GetPublicKey returned no public key; rerun', 'invalid-response');
    return undefined;
  }
  let fingerprints: Fingerprints = {};
  try {
    fingerprints = fingerprintsFromSpki(der);
  } catch {
    // A key type this Node cannot parse keeps its SPKI without fingerprints.
  }
  return { spki: Buffer.from(der).toString('base64'), fingerprints };
}
