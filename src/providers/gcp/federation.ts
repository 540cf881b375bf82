// Workload identity federation behind a key's IAM: pool members bound on the key (or above it) directly,
// and pool members that may act as a service account holding key use (roles/iam.workloadIdentityUser
// or roles/iam.serviceAccountTokenCreator on the account, on its project, folders or organization).
// Each member becomes the external identities it admits (admission.ts); a pool, provider list or
// service-account policy that cannot be read is a gap on the key's access, never a silent pass.
import type { AccessEntry } from '../../model/access-entry.ts';
import { active, federatedEntries, parseWifMember, type RawWifPool, type RawWifProvider, type WifMember } from './admission.ts';
import type { AncestorPolicy } from './ancestry.ts';
import { conditionCanHold } from './conditions.ts';
import { principalOf } from './normalize.ts';
import { type GcpReadContext, listAll, readOne } from './read.ts';

/** Roles that let a member obtain the service account's tokens (act as it). */
export const IMPERSONATION_ROLES: ReadonlySet<string> = new Set(['roles/iam.workloadIdentityUser', 'roles/iam.serviceAccountTokenCreator']);

type KeyScope = { account: string; region: string; container: string };

interface PoolRead {
  pool?: RawWifPool;
  providers: RawWifProvider[];
}

/** Reads each project's pools, each pool's providers and each service account's policy once per run. */
export class FederationReader {
  private readonly pools = new Map<string, Promise<RawWifPool[] | undefined>>();
  private readonly providers = new Map<string, Promise<RawWifProvider[] | undefined>>();
  private readonly accounts = new Map<string, Promise<AncestorPolicy[] | undefined>>();
  private readonly c: GcpReadContext;
  /** The IAM policies above a service account's project (by project id or number); undefined when unreadable. */
  private readonly projectLayers: (project: string) => Promise<AncestorPolicy[] | undefined>;

  constructor(c: GcpReadContext, projectLayers: (project: string) => Promise<AncestorPolicy[] | undefined>) {
    this.c = c;
    this.projectLayers = projectLayers;
  }

  private poolsOf(project: string): Promise<RawWifPool[] | undefined> {
    let p = this.pools.get(project);
    if (!p) {
      const parent = `projects/${project}/locations/global`;
      p = listAll(
        this.c,
        'iam:ListWorkloadIdentityPools',
        { what: `the workload identity pools of project ${project}`, scope: { account: project }, affects: ['access'] },
        (t, s) => this.c.api.listWorkloadIdentityPools(parent, t, s),
      );
      this.pools.set(project, p);
    }
    return p;
  }

  private providersOf(pool: string): Promise<RawWifProvider[] | undefined> {
    let p = this.providers.get(pool);
    if (!p) {
      p = listAll(
        this.c,
        'iam:ListWorkloadIdentityPoolProviders',
        { what: `the providers of ${pool}`, scope: { subjectId: pool }, affects: ['access'] },
        (t, s) => this.c.api.listWorkloadIdentityPoolProviders(pool, t, s),
      );
      this.providers.set(pool, p);
    }
    return p;
  }

  /** A pool and its providers; undefined when either list failed. A pool not listed (deleted for good) admits nothing. */
  async pool(member: WifMember): Promise<PoolRead | undefined> {
    const pools = await this.poolsOf(member.project);
    if (!pools) return undefined;
    const id = member.pool.slice(member.pool.lastIndexOf('/') + 1);
    const pool = pools.find((p) => p.name === member.pool || p.name.endsWith(`/workloadIdentityPools/${id}`));
    // A pool gone for good (its provider list would answer 404) or disabled admits nothing: no read needed.
    if (!pool || !active(pool)) return { ...(pool ? { pool } : {}), providers: [] };
    const providers = await this.providersOf(member.pool);
    return providers ? { pool, providers } : undefined;
  }

  /** The policies that say who may act as a service account: its own, then its project's and above. */
  accountPolicies(email: string): Promise<AncestorPolicy[] | undefined> {
    let p = this.accounts.get(email);
    if (!p) {
      const resource = `projects/-/serviceAccounts/${email}`;
      const project = projectOfAccount(email);
      p = Promise.all([
        readOne(
          this.c,
          'iam:GetServiceAccountIamPolicy',
          { what: `the IAM policy of service account ${email}`, scope: { subjectId: resource }, affects: ['access'] },
          (s) => this.c.api.getServiceAccountIamPolicy(resource, s),
        ),
        project ? this.projectLayers(project) : Promise.resolve(undefined),
      ]).then(([own, above]) => (own && above ? [{ resource, policy: own }, ...above] : undefined));
      this.accounts.set(email, p);
    }
    return p;
  }
}

/** The project (id or number) a user-managed or default service account belongs to. */
export function projectOfAccount(email: string): string | undefined {
  const [local = '', host = ''] = email.split('@');
  return (
    /^([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(host)?.[1] ??
    /^([a-z][a-z0-9-]+)\.appspot\.gserviceaccount\.com$/.exec(host)?.[1] ??
    (host === 'developer.gserviceaccount.com' ? /^(\d+)-compute$/.exec(local)?.[1] : undefined)
  );
}

const SERVICE_ACCOUNT = /^serviceAccount:(.+@.+\.gserviceaccount\.com)$/;

/** A gap on the key's access: its users through federation or impersonation are not all known. */
function accessGap(c: GcpReadContext, op: string, key: string, scope: KeyScope, kind: 'denied' | 'unsupported', reason: string): void {
  c.kit.gaps.add({ operation: op, scope: { ...scope, subjectId: key }, affects: ['access'], kind, reason });
}

function gap(c: GcpReadContext, op: string, key: string, scope: KeyScope, what: string): void {
  accessGap(
    c,
    op,
    key,
    scope,
    'denied',
    `${what} could not be read, so who can use key ${key} through workload identity federation is unknown; grant ${op === 'iam:GetServiceAccountIamPolicy' ? 'iam.serviceAccounts.getIamPolicy (and resourcemanager.projects.getIamPolicy on its project)' : 'iam.workloadIdentityPools.list and iam.workloadIdentityPoolProviders.list'} to the audit identity (see \`keyhygiene permissions gcp\`)`,
  );
}

/** A member bound directly on the key (or above it): its external identities replace it. */
async function direct(c: GcpReadContext, r: FederationReader, key: string, scope: KeyScope, e: AccessEntry, m: WifMember): Promise<AccessEntry[]> {
  const pool = await r.pool(m);
  if (pool) return federatedEntries(e, m, pool.pool, pool.providers, []);
  gap(c, 'iam:ListWorkloadIdentityPoolProviders', key, scope, `workload identity pool ${m.pool}`);
  return [e];
}

/**
 * Can an impersonation binding's IAM condition hold for this service account now or later? Decided
 * for `request.time` windows and `resource.name`/`type`/`service` like key bindings (conditions.ts);
 * true when there is no condition.
 */
function bindingHolds(expression: string | undefined, nowMs: number): boolean | undefined {
  if (!expression) return true;
  // The account's full resource name (with its project as IAM writes it) is not known here: tests of it stay undecided.
  const resource = { type: 'iam.googleapis.com/ServiceAccount', service: 'iam.googleapis.com' };
  return conditionCanHold(expression, resource, nowMs);
}

/**
 * Impersonation chains are followed this many hops back from a service account that can use a key
 * (a member acting as an account that may act as it, and so on); an account found at the last hop
 * is not followed, and the key's access is unknown (a gap).
 */
export const MAX_IMPERSONATION_HOPS = 4;

/** A service account on an impersonation chain to a key: the entry it reaches the key with, and the chain (itself first, the key's account last). */
interface Hop {
  email: string;
  base: AccessEntry;
  chain: string[];
}

/** One member that may act as a hop's account, with the entry it would hold (the binding's condition added). */
interface Impersonator {
  member: string;
  base: AccessEntry;
}

/** Who may act as the hop's account (impersonation roles on it, its project and above); undefined when unreadable. */
async function impersonators(c: GcpReadContext, r: FederationReader, hop: Hop): Promise<Impersonator[] | undefined> {
  const layers = await r.accountPolicies(hop.email);
  if (!layers) return undefined;
  const out: Impersonator[] = [];
  for (const l of layers)
    for (const b of l.policy.bindings) {
      if (!IMPERSONATION_ROLES.has(b.role)) continue;
      const holds = bindingHolds(b.condition?.expression, c.nowMs);
      if (holds === false) continue;
      const cond = b.condition?.expression ? [{ key: 'iam.condition', operator: 'CEL', values: [b.condition.expression] }] : [];
      const e = hop.base;
      // A conditional binding that holds keeps its condition; one that cannot be decided is kept, undecided.
      const extra =
        holds === undefined ? { undecided: [...(e.undecided ?? []), ...cond] } : cond.length ? { conditions: [...(e.conditions ?? []), ...cond] } : {};
      for (const member of b.members) out.push({ member, base: { ...e, sourceId: `${l.resource}#${b.role}`, ...extra } });
    }
  return out;
}

/** An account past the last hop is not followed: who may act as it (and so reach the key) is unknown. */
function beyondLastHop(c: GcpReadContext, key: string, scope: KeyScope, email: string, chain: readonly string[]): void {
  accessGap(
    c,
    'iam:GetServiceAccountIamPolicy',
    key,
    scope,
    'unsupported',
    `who may act as service account ${email} could not be read: it may act as ${chain.join(', which may act as ')}, which can use key ${key}, a chain longer than the ${MAX_IMPERSONATION_HOPS} hops the audit follows; grant the key's use to the account that needs it instead of through impersonation chains`,
  );
}

/** A pool member that may act as the first account of `chain`: its external identities. */
async function actingPool(
  c: GcpReadContext,
  r: FederationReader,
  key: string,
  scope: KeyScope,
  base: AccessEntry,
  m: WifMember,
  chain: string[],
): Promise<AccessEntry[]> {
  const pool = await r.pool(m);
  if (pool) return federatedEntries(base, m, pool.pool, pool.providers, chain);
  gap(c, 'iam:ListWorkloadIdentityPoolProviders', key, scope, `workload identity pool ${m.pool}`);
  return [];
}

/** The IAM conditions an entry reaches the key under: those that hold, and those the audit cannot decide. */
interface Reach {
  conditions: Set<string>;
  undecided: Set<string>;
}

const reachOf = (e: AccessEntry): Reach => ({
  conditions: new Set((e.conditions ?? []).flatMap((x) => x.values)),
  undecided: new Set((e.undecided ?? []).flatMap((x) => x.values)),
});

const within = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));

/**
 * The accounts reached so far, each with the condition sets it was reached under. An account is
 * followed again when reached under conditions no earlier path to it is free of: one reached first
 * under an undecidable condition and then unconditionally must give the unconditional path (a fail),
 * not only the undecided one.
 */
class Reached {
  private readonly by = new Map<string, Reach[]>();

  /** Records the account's reach; false when an earlier path needed no condition this one lacks. */
  add(email: string, e: AccessEntry): boolean {
    const r = reachOf(e);
    const earlier = this.by.get(email) ?? [];
    if (earlier.some((p) => within(p.conditions, r.conditions) && within(p.undecided, r.undecided))) return false;
    this.by.set(email, [...earlier, r]);
    return true;
  }
}

/**
 * Pool members that may act as the service account of `e`, directly or through other service accounts
 * (breadth first, each account once per set of conditions it is reached under, at most
 * MAX_IMPERSONATION_HOPS hops): the same capabilities, `via` the provider and the accounts of the chain.
 */
async function throughAccount(c: GcpReadContext, r: FederationReader, key: string, scope: KeyScope, e: AccessEntry, email: string): Promise<AccessEntry[]> {
  const out: AccessEntry[] = [];
  const seen = new Reached();
  seen.add(email, e);
  let frontier: Hop[] = [{ email, base: e, chain: [email] }];
  for (let hops = 1; frontier.length > 0; hops++) {
    const next: Hop[] = [];
    for (const hop of frontier) {
      const found = await impersonators(c, r, hop);
      if (!found) {
        gap(c, 'iam:GetServiceAccountIamPolicy', key, scope, `who may act as service account ${hop.email} (its IAM policy, or those of its project and above)`);
        continue;
      }
      for (const i of found) {
        const m = parseWifMember(i.member);
        if (m) {
          out.push(...(await actingPool(c, r, key, scope, i.base, m, hop.chain)));
          continue;
        }
        const account = SERVICE_ACCOUNT.exec(i.member)?.[1];
        if (account && !seen.add(account, i.base)) continue;
        // Anyone else who may act as the account (a person, a group, another account, a GKE workload)
        // uses the key as it does, through the chain; a deleted member acts as nobody.
        const who = principalOf(i.member);
        if (who) out.push({ ...i.base, principal: who, via: hop.chain });
        if (!account) continue;
        if (hops >= MAX_IMPERSONATION_HOPS) beyondLastHop(c, key, scope, account, hop.chain);
        else next.push({ email: account, base: i.base, chain: [account, ...hop.chain] });
      }
    }
    frontier = next;
  }
  return out;
}

/** The key's access with workload identity federation resolved: pool members replaced, identities acting as its service accounts added. */
export async function federateAccess(
  c: GcpReadContext,
  r: FederationReader,
  key: string,
  scope: KeyScope,
  access: readonly AccessEntry[],
): Promise<AccessEntry[]> {
  const out: AccessEntry[] = [];
  for (const e of access) {
    const m = parseWifMember(e.principal.id);
    if (m) {
      out.push(...(await direct(c, r, key, scope, e, m)));
      continue;
    }
    out.push(e);
    const email = SERVICE_ACCOUNT.exec(e.principal.id)?.[1];
    if (email && e.principal.kind === 'service-principal') out.push(...(await throughAccount(c, r, key, scope, e, email)));
  }
  return out;
}
