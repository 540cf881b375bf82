// A crypto key's versions, and the public key of its current version when it is asymmetric.
import { currentVersion, type RawCryptoKey, type RawVersion } from './normalize.ts';
import { type GcpReadContext, listAll, readOne } from './read.ts';

const ASYMMETRIC = new Set(['ASYMMETRIC_SIGN', 'ASYMMETRIC_DECRYPT', 'KEY_ENCAPSULATION']);

export interface VersionsRead {
  versions?: RawVersion[];
  publicKeyPem?: string;
}

export async function readVersions(c: GcpReadContext, key: RawCryptoKey, scope: { account: string; region: string; container: string }): Promise<VersionsRead> {
  const keyScope = { ...scope, subjectId: key.name };
  const versions = await listAll(
    c,
    'cloudkms:ListCryptoKeyVersions',
    {
      what: `the versions of key ${key.name}`,
      scope: keyScope,
      affects: ['state', 'versionCount', 'currentVersionCreatedAt', 'rotation', 'deletion', 'origin'],
    },
    (t, s) => c.api.listCryptoKeyVersions(key.name, t, s),
  );
  const out: VersionsRead = versions ? { versions } : {};
  const current = currentVersion(key, versions);
  if (!ASYMMETRIC.has(key.purpose ?? '') || current?.state !== 'ENABLED') return out;
  const pub = await readOne(
    c,
    'cloudkms:GetPublicKey',
    { what: `the public key of ${current.name}`, scope: keyScope, affects: ['fingerprints', 'publicKey'] },
    (s) => c.api.getPublicKey(current.name, s),
  );
  if (pub?.pem) out.publicKeyPem = pub.pem;
  return out;
}
