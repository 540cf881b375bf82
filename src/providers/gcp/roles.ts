// What a role bound on a key (or above it) lets its members do, when this build's table of predefined
// roles cannot say: custom roles (`projects/P/roles/R`, `organizations/O/roles/R`) and every predefined
// role outside the table (a Cloud KMS role newer than it, or another service's role that carries Cloud
// KMS or setIamPolicy permissions) are read once each with IAM roles.get, and their permissions decide
// the capabilities. A role that cannot be read stays unknown (the key's access is then unknown).
import type { Capability } from '../../model/access-entry.ts';
import { isUnknownRole, type RawPolicy } from './normalize.ts';
import type { RawRole } from './normalize-custody.ts';
import { type GcpReadContext, readOne } from './read.ts';

/** A role's capabilities on keys, or `undefined` when its definition could not be read. */
export type RoleTable = ReadonlyMap<string, readonly Capability[] | undefined>;

const USE: Readonly<Record<string, readonly Capability[]>> = {
  'cloudkms.cryptoKeyVersions.useToSign': ['use-sign', 'use-mac'],
  'cloudkms.cryptoKeyVersions.useToVerify': ['use-verify'],
  'cloudkms.cryptoKeyVersions.useToEncrypt': ['use-encrypt'],
  'cloudkms.cryptoKeyVersions.useToEncryptViaDelegation': ['use-encrypt'],
  'cloudkms.cryptoKeyVersions.useToDecrypt': ['use-decrypt'],
  'cloudkms.cryptoKeyVersions.useToDecryptViaDelegation': ['use-decrypt'],
  'cloudkms.cryptoKeyVersions.useToDecapsulate': ['use-decrypt'],
};

/** Verbs on Cloud KMS (and the resource hierarchy's IAM) that change keys or who may use them. */
const ADMIN_VERB = /^(create|update|updatePrimaryVersion|destroy|restore|delete|setIamPolicy|useToImport|trustedImportExport)$/;
const READ_VERB = /^(get|list|viewPublicKey|getIamPolicy)$/;

/**
 * Capabilities on a key from a role's permissions: Cloud KMS `useTo*` permissions are uses, changes to
 * keys or to IAM policies on the path (key, ring, project, folder, organization) administer, reads read.
 * A disabled or deleted role grants nothing (IAM keeps its bindings but inactive).
 */
export function capabilitiesOfRole(role: RawRole): Capability[] {
  if (role.deleted || role.stage === 'DISABLED') return [];
  const caps = new Set<Capability>();
  for (const p of role.includedPermissions) {
    const [service = '', , verb = ''] = p.split('.');
    for (const c of USE[p] ?? []) caps.add(c);
    if (service === 'cloudkms' && ADMIN_VERB.test(verb)) caps.add('administer');
    else if (service === 'resourcemanager' && verb === 'setIamPolicy') caps.add('administer');
    else if (service === 'cloudkms' && READ_VERB.test(verb)) caps.add('read');
  }
  return [...caps].sort();
}

/** Roles bound in these policies whose permissions the predefined table does not know. */
export function rolesToRead(policies: readonly (RawPolicy | undefined)[]): string[] {
  const out = new Set<string>();
  for (const p of policies) for (const b of p?.bindings ?? []) if (isUnknownRole(b.role) && b.members.length) out.add(b.role);
  return [...out].sort();
}

/** Reads each role definition once per run, however many keys it is bound above. */
export class RoleReader {
  private readonly roles = new Map<string, Promise<readonly Capability[] | undefined>>();
  private readonly c: GcpReadContext;

  constructor(c: GcpReadContext) {
    this.c = c;
  }

  private one(name: string): Promise<readonly Capability[] | undefined> {
    let p = this.roles.get(name);
    if (!p) {
      const owner = /^(projects|organizations)\/([^/]+)\//.exec(name);
      const scope = owner?.[1] === 'projects' ? { account: owner[2] as string, subjectId: name } : { subjectId: name };
      p = readOne(this.c, 'iam:GetRole', { what: `the definition of role ${name}`, scope, affects: ['access'] }, (s) => this.c.api.getRole(name, s)).then(
        (r) => (r ? capabilitiesOfRole(r) : undefined),
      );
      this.roles.set(name, p);
    }
    return p;
  }

  /** The capabilities of every role named (undefined for one that could not be read). */
  async table(names: readonly string[]): Promise<RoleTable> {
    const caps = await Promise.all(names.map((n) => this.one(n)));
    return new Map(names.map((n, i) => [n, caps[i]]));
  }
}
