// graph:ListGroupTransitiveMembers: a role assignment or access policy given to a group reaches every
// member of the group and of the groups nested in it. Each member (user, service principal, managed
// identity, nested group) becomes an entry of its own with the group's capabilities and conditions and
// `via: [group]`, so a debug or CI identity inside a group the policy calls production is judged as
// itself. A member list that cannot be read is a gap on the access of every key the group can use.
import type { AccessEntry, Principal } from '../../../model/access-entry.ts';
import type { KeyRecord } from '../../../model/key-record.ts';
import type { GapScope } from '../../kit/index.ts';
import type { DirectoryObject } from '../client.ts';
import { type AzureRun, call, fail, note } from '../context.ts';
import type { Named } from './graph-names.ts';

const OP = 'graph:ListGroupTransitiveMembers';

/**
 * Capabilities no rule judges a principal by (reading a key's public half and attributes, verifying):
 * a group that holds only these (a tenant-wide "Key Vault Reader" group, say) is not expanded.
 */
const PUBLIC_ONLY: ReadonlySet<string> = new Set(['read', 'use-verify']);
export const expands = (a: AccessEntry) => a.principal.kind === 'group' && a.capabilities.some((c) => !PUBLIC_ONLY.has(c));

/** The principal kind of a member; undefined for devices and organizational contacts, which cannot sign in to Key Vault. */
export function memberKind(o: DirectoryObject): Principal['kind'] | undefined {
  const type = (o.type ?? '').toLowerCase();
  if (type === 'user') return 'user';
  if (type === 'group') return 'group';
  if (type === 'serviceprincipal') return o.servicePrincipalType?.toLowerCase() === 'managedidentity' ? 'managed-identity' : 'service-principal';
  return undefined;
}

type Unread = 'graph' | 'foreign' | 'off';
type Read = { members: DirectoryObject[] } | { err: unknown } | { unread: Unread };

const UNREAD: Record<Unread, string> = {
  off: 'was not expanded because Microsoft Graph is off (resolvePrincipalNames: false, or a cloud without a Graph endpoint), so which users, service principals and nested groups act through it is unknown; set resolvePrincipalNames: true and grant the audit identity GroupMember.Read.All',
  graph:
    'was not read from Microsoft Graph, so which users, service principals and nested groups act through it is unknown; grant the audit identity GroupMember.Read.All (or Directory.Read.All)',
  foreign:
    "belongs to another tenant (a ForeignGroup role assignment: Azure Lighthouse or a cross-tenant delegation), so its members cannot be read from this tenant and who acts through it is unknown; audit that tenant's group, or remove the assignment",
};

async function readMembers(run: AzureRun, groups: readonly string[]): Promise<Map<string, Read>> {
  const out = new Map<string, Read>();
  await run.kit.pool(groups, 8, async (id) => {
    try {
      out.set(id, { members: (await call(run, OP, 'graph', (s) => run.clients.listGroupTransitiveMembers(id, s))) ?? [] });
    } catch (err) {
      out.set(id, { err });
    }
  });
  return out;
}

const keyScope = (key: KeyRecord): GapScope => ({
  ...(key.account ? { account: key.account } : {}),
  ...(key.container ? { container: key.container } : {}),
  subjectId: key.id,
});

/** The member's entry: the group's capabilities, conditions and source, reached through the group. */
function memberEntry(group: AccessEntry, o: DirectoryObject, kind: Principal['kind']): AccessEntry {
  const { account, tenant } = group.principal;
  const principal: Principal = {
    kind,
    id: o.id,
    ...(o.displayName ? { name: o.displayName } : {}),
    ...(account ? { account } : {}),
    ...(tenant ? { tenant } : {}),
  };
  return { ...group, principal, via: [group.principal.name ?? group.principal.id, ...(group.via ?? [])] };
}

/** The members of the group entry `a` as entries of their own; a gap (and none) when they are unknown. */
function expandEntry(run: AzureRun, key: KeyRecord, a: AccessEntry, read: Read | undefined): AccessEntry[] {
  const group = a.principal.name ?? a.principal.id;
  if (!read || 'unread' in read) {
    note(run, OP, keyScope(key), `group ${group}, which can use ${key.name ?? key.id}, ${UNREAD[read?.unread ?? 'graph']}`, ['access']);
    return [];
  }
  if ('err' in read) {
    fail(run, OP, read.err, { what: `the members of group ${group}, which can use ${key.name ?? key.id}`, scope: keyScope(key), affects: ['access'] });
    return [];
  }
  return read.members.flatMap((o) => {
    const kind = memberKind(o);
    return kind ? [memberEntry(a, o, kind)] : [];
  });
}

/**
 * Expand every group with key access into its transitive members, in place; the members are added to
 * `named.found` so their federated credentials are read too. Groups Graph did not read are gaps.
 */
export async function expandGroups(run: AzureRun, keys: KeyRecord[], named: Named, foreign: ReadonlySet<string> = new Set()): Promise<void> {
  const groups = [...new Set(keys.flatMap((k) => (k.access ?? []).filter(expands).map((a) => a.principal.id)))].sort();
  if (!groups.length) return;
  // A group Graph did not read, or of another tenant, is not asked: its members are unknown (a gap).
  const reads = await readMembers(
    run,
    groups.filter((g) => !named.unread.has(g) && !foreign.has(g)),
  );
  for (const g of groups) if (foreign.has(g)) reads.set(g, { unread: 'foreign' });
  for (const read of reads.values()) if ('members' in read) for (const o of read.members) if (!named.found.has(o.id)) named.found.set(o.id, o);
  for (const key of keys) {
    const added = (key.access ?? []).filter(expands).flatMap((a) => expandEntry(run, key, a, reads.get(a.principal.id)));
    if (added.length) key.access = [...(key.access ?? []), ...added];
  }
}

/**
 * Without Graph (resolvePrincipalNames: false, or a cloud without Graph) no member list can be read: as when
 * Graph refuses it, every group with key use is a gap on the access of the keys it can use, never a pass
 * that rests on the group's own classification.
 */
export function unexpandedGroups(run: AzureRun, keys: readonly KeyRecord[]): void {
  for (const key of keys) for (const a of (key.access ?? []).filter(expands)) expandEntry(run, key, a, { unread: 'off' });
}
