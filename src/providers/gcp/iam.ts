// Who can use a key: its own IAM policy, its key ring's, and those inherited from the project, its
// folders and its organization. Any one unreadable leaves the key's access unknown, never partial.
import type { AccessEntry } from '../../model/access-entry.ts';
import type { AncestorPolicy } from './ancestry.ts';
import type { AccessSubject } from './conditions.ts';
import { accessFromPolicy, type RawPolicy } from './normalize.ts';
import { type GcpReadContext, readOne } from './read.ts';
import type { RoleTable } from './roles.ts';

export function readKeyPolicy(c: GcpReadContext, key: string, scope: { account: string; region: string; container: string }): Promise<RawPolicy | undefined> {
  return readOne(c, 'cloudkms:GetCryptoKeyIamPolicy', { what: `the IAM policy of key ${key}`, scope: { ...scope, subjectId: key }, affects: ['access'] }, (s) =>
    c.api.getKmsIamPolicy(key, s),
  );
}

export interface KeyAccess {
  access?: AccessEntry[];
  /** Custom or unknown Cloud KMS roles bound on the key or above it whose permissions are unknown, by resource. */
  unknownRoles: string[];
}

/** The policies on the path key → ring → project → folders → organization; undefined when any is unreadable. */
export function policyLayers(
  key: { name: string; policy?: RawPolicy },
  ring: { name: string; policy?: RawPolicy },
  ancestors: readonly AncestorPolicy[] | undefined,
): AncestorPolicy[] | undefined {
  if (!key.policy || !ring.policy || !ancestors) return undefined;
  return [{ resource: key.name, policy: key.policy }, { resource: ring.name, policy: ring.policy }, ...ancestors];
}

/** Access entries from every policy on the path, judged for this key (undecidable conditions marked `undecided`). */
export function keyAccess(layers: readonly AncestorPolicy[] | undefined, subject: AccessSubject, nowMs: number, roles?: RoleTable): KeyAccess {
  if (!layers) return { unknownRoles: [] };
  const access: AccessEntry[] = [];
  const unknownRoles: string[] = [];
  for (const l of layers) {
    const r = accessFromPolicy(l.policy, l.resource, subject, nowMs, roles);
    access.push(...r.entries);
    for (const role of r.unknownRoles) unknownRoles.push(`${role} on ${l.resource}`);
  }
  return { access, unknownRoles };
}
