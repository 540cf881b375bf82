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
  /** Conditional grants that cannot be decided and that no decided grant already covers: "member can caps if CEL". */
  undecided: string[];
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

/** Undecided grants that matter: those whose capabilities the principal does not already hold without doubt. */
function uncovered(decided: readonly AccessEntry[], open: readonly AccessEntry[]): string[] {
  const held = new Map<string, Set<string>>();
  for (const e of decided) {
    const s = held.get(e.principal.id) ?? new Set<string>();
    for (const c of e.capabilities) s.add(c);
    held.set(e.principal.id, s);
  }
  const out = new Set<string>();
  for (const e of open) {
    const caps = e.capabilities.filter((c) => !held.get(e.principal.id)?.has(c));
    if (caps.length) out.add(`${e.principal.id} can ${caps.join(', ')} through ${e.sourceId} if \`${e.conditions?.[0]?.values[0] ?? ''}\``);
  }
  return [...out].sort();
}

/** Access entries from every policy on the path, judged for this key. */
export function keyAccess(layers: readonly AncestorPolicy[] | undefined, subject: AccessSubject, nowMs: number, roles?: RoleTable): KeyAccess {
  if (!layers) return { unknownRoles: [], undecided: [] };
  const access: AccessEntry[] = [];
  const open: AccessEntry[] = [];
  const unknownRoles: string[] = [];
  for (const l of layers) {
    const r = accessFromPolicy(l.policy, l.resource, subject, nowMs, roles);
    access.push(...r.entries);
    open.push(...r.undecided);
    for (const role of r.unknownRoles) unknownRoles.push(`${role} on ${l.resource}`);
  }
  // What each entry grants without doubt: its capabilities less those its condition leaves undecided.
  const doubt = new Map(open.map((e) => [`${e.principal.id}\n${e.sourceId}`, new Set<string>(e.capabilities)]));
  const decided = access.map((e) => ({ ...e, capabilities: e.capabilities.filter((c) => !doubt.get(`${e.principal.id}\n${e.sourceId}`)?.has(c)) }));
  return { access, unknownRoles, undecided: uncovered(decided, open) };
}
