// Key rings of a project in its KMS locations, each with its IAM policy and its crypto keys.
import type { RawCryptoKey, RawPolicy } from './normalize.ts';
import { type GcpReadContext, listAll, readOne } from './read.ts';

export interface RingRead {
  project: string;
  location: string;
  /** Full resource name `projects/p/locations/l/keyRings/r`. */
  name: string;
  id: string;
  /** Undefined when the ring's IAM policy could not be read (every key's access is then unknown). */
  policy?: RawPolicy;
  keys: RawCryptoKey[];
}

/** The KMS locations to read for a project: the configured ones, or every one Cloud KMS offers it. */
export async function locationsOf(c: GcpReadContext, project: string, configured: readonly string[] | undefined): Promise<string[]> {
  if (configured) return [...configured];
  const ls = await listAll(c, 'cloudkms:ListLocations', { what: `the Cloud KMS locations of project ${project}`, scope: { account: project } }, (t, s) =>
    c.api.listLocations(project, t, s),
  );
  return (ls ?? []).filter(Boolean).sort();
}

/** The key rings of one project and location (names only). */
export async function keyRingsIn(c: GcpReadContext, project: string, location: string): Promise<string[]> {
  const parent = `projects/${project}/locations/${location}`;
  const rings = await listAll(c, 'cloudkms:ListKeyRings', { what: `the key rings of ${parent}`, scope: { account: project, region: location } }, (t, s) =>
    c.api.listKeyRings(parent, t, s),
  );
  return (rings ?? []).map((r) => r.name).sort();
}

/** One key ring: its IAM policy and its crypto keys (a failed key listing is a gap for the ring). */
export async function readRing(c: GcpReadContext, name: string): Promise<RingRead> {
  const [, project = '', , location = '', , id = ''] = name.split('/');
  const scope = { account: project, region: location, container: id };
  const [policy, keys] = await Promise.all([
    readOne(c, 'cloudkms:GetKeyRingIamPolicy', { what: `the IAM policy of key ring ${name}`, scope, affects: ['access'] }, (s) =>
      c.api.getKmsIamPolicy(name, s),
    ),
    listAll(c, 'cloudkms:ListCryptoKeys', { what: `the crypto keys of key ring ${name}`, scope }, (t, s) => c.api.listCryptoKeys(name, t, s)),
  ]);
  return { project, location, name, id, ...(policy ? { policy } : {}), keys: keys ?? [] };
}
