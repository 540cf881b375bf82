// The GCP Cloud KMS provider: key rings and crypto keys with their versions and public keys, IAM on
// keys, rings and every ancestor (with conditions), and per-project Data Access audit logging with the
// sinks and log buckets that keep it. Built on the provider kit; read-only by declaration.
import { UserError } from '../../errors.ts';
import type { ShardUnits } from '../../inventory/shard.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { createKit, type ProviderKit } from '../kit/index.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import { type AncestorPolicy, type Ancestry, AncestryReader } from './ancestry.ts';
import { type ClientOverrides, createGcpClients, type GcpClients, type RawProject } from './client.ts';
import { CustodyReader } from './custody.ts';
import { FederationReader, federateAccess } from './federation.ts';
import { type KeyAccess, keyAccess, policyLayers, readKeyPolicy } from './iam.ts';
import { keyRingsIn, locationsOf, type RingRead, readRing } from './keyrings.ts';
import { LoggingReader } from './logging.ts';
import { normalizeKey, PROVIDER, type RawCryptoKey } from './normalize.ts';
import { customRolePermissions, OPERATIONS, permissionOf, quotaTable } from './operations.ts';
import type { GcpReadContext } from './read.ts';
import { discoverProjects, readProject } from './resources.ts';
import { RoleReader, rolesToRead } from './roles.ts';
import { GcpConfig } from './schema.ts';
import { readVersions } from './versions.ts';

export const FILLS = [
  'id',
  'account',
  'region',
  'container',
  'name',
  'managedBy',
  'usage',
  'keyType',
  'keySize',
  'curve',
  'origin',
  'protection',
  'exportable',
  'state',
  'createdAt',
  'currentVersionCreatedAt',
  'versionCount',
  'rotation.supported',
  'rotation.automatic',
  'rotation.periodDays',
  'rotation.lastRotatedAt',
  'rotation.nextRotationAt',
  'expiresAt',
  'deletion.protected',
  'deletion.scheduledAt',
  'multiRegion',
  'importSource',
  'externalStore',
  'accessModel',
  'tags',
  'access',
  'fingerprints',
  'publicKey',
  'trails',
] as const;

/** The least-privilege custom role: exactly the permissions behind the declared operations. */
export function gcpPermissions(): PermissionsDocument {
  return {
    kind: 'Google Cloud IAM custom role',
    document: {
      title: 'keyhygiene Cloud KMS auditor',
      description: 'Read-only audit of Cloud KMS keys, their IAM policies and the audit logging that covers them. Cannot use, change or destroy keys.',
      stage: 'GA',
      includedPermissions: customRolePermissions(),
    },
    notes: [
      'Create it at the organization (or a project) and bind it where you audit, e.g.: gcloud iam roles create keyhygieneAuditor --organization=ORG_ID --file=role.yaml (YAML or JSON with these fields), then gcloud organizations add-iam-policy-binding ORG_ID --member=serviceAccount:SA --role=organizations/ORG_ID/roles/keyhygieneAuditor',
      'cloudkms.cryptoKeyVersions.viewPublicKey returns public halves only; no permission here can use, export or change a key.',
      'Resource Manager permissions read projects, folders and their IAM policies (which also carry the Data Access audit configs); logging.buckets.list and logging.sinks.list read where audit entries go.',
      'iam.roles.get reads the definitions of custom roles bound on keys or above them (which Cloud KMS permissions they carry); cloudkms.importJobs.list and cloudkms.ekmConnections.list read where imported and external key material comes from.',
      'iam.workloadIdentityPools.list, iam.workloadIdentityPoolProviders.list and iam.serviceAccounts.getIamPolicy read which external workloads (GitHub Actions, GitLab, Terraform Cloud, Confidential Space…) can use a key through workload identity federation: directly, or by acting as a service account that can use it.',
      `Declared operations: ${OPERATIONS.join(', ')}.`,
    ],
  };
}

const credentialHint =
  'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key or a workload identity federation config (GitHub OIDC: google-github-actions/auth), or run `gcloud auth application-default login`; GOOGLE_CLOUD_UNIVERSE_DOMAIN selects a sovereign universe. See docs/gcp.md';

async function clientsOrUsageError(config: GcpConfig, ctx: CollectContext, overrides: ClientOverrides): Promise<GcpClients> {
  try {
    return await createGcpClients(config, ctx.env, overrides);
  } catch (err) {
    const msg = String((err as Error)?.message ?? err)
      .replace(/\s+/g, ' ')
      .trim();
    throw new UserError({ message: `gcp: no usable Google credentials: ${msg}`, hint: credentialHint });
  }
}

interface ProjectWork {
  project: RawProject;
  ancestry: Ancestry;
  /** Resource names above the project (folders, organization), when known. */
  ancestors?: string[];
}

/** Gaps that make a whole project's access and logging unknown when an inherited policy is unreadable. */
function projectGaps(kit: ProviderKit, w: ProjectWork): void {
  if (!w.ancestry.missing) return;
  kit.gaps.add({
    operation: 'cloudresourcemanager:GetIamPolicy',
    scope: { account: w.project.projectId },
    affects: ['access', 'trails'],
    kind: 'denied',
    reason: `${w.ancestry.missing} could not be read, so the role bindings and Data Access audit configs that project ${w.project.projectId} inherits are unknown; grant resourcemanager.*.get and resourcemanager.*.getIamPolicy on the folders and organization above it (see \`keyhygiene permissions gcp\`)`,
  });
}

/** The readers that memoize what many keys share: role definitions, import jobs, EKM connections. */
interface SharedReaders {
  roles: RoleReader;
  custody: CustodyReader;
  federation: FederationReader;
}

type KeyScope = { account: string; region: string; container: string };

/** A gap that leaves a key's access unknown: roles whose permissions could not be read. */
function accessGaps(c: GcpReadContext, key: string, scope: KeyScope, a: KeyAccess): void {
  if (!a.unknownRoles.length) return;
  c.kit.gaps.add({
    operation: 'iam:GetRole',
    scope: { ...scope, subjectId: key },
    affects: ['access'],
    kind: 'unsupported',
    reason: `the permissions of ${a.unknownRoles.join('; ')} could not be read (iam.roles.get), so who can use key ${key} is unknown; grant iam.roles.get on the project or organization that defines the role (see \`keyhygiene permissions gcp\`)`,
  });
}

async function readKey(c: GcpReadContext, r: SharedReaders, ring: RingRead, key: RawCryptoKey, w: ProjectWork | undefined): Promise<KeyRecord> {
  const scope = { account: ring.project, region: ring.location, container: ring.id };
  const [versions, policy] = await Promise.all([readVersions(c, key, scope), readKeyPolicy(c, key.name, scope)]);
  const layers = policyLayers({ name: key.name, ...(policy ? { policy } : {}) }, ring, w?.ancestry.policies);
  const [roles, custody] = await Promise.all([
    layers ? r.roles.table(rolesToRead(layers.map((l) => l.policy))) : undefined,
    r.custody.of(key, versions.versions, scope),
  ]);
  const subject = {
    name: key.name,
    ...(key.purpose ? { purpose: key.purpose } : {}),
    ...(versions.versions ? { versionNames: versions.versions.map((v) => v.name) } : {}),
  };
  const a = keyAccess(layers, subject, c.nowMs, roles);
  accessGaps(c, key.name, scope, a);
  const access = a.access && !a.unknownRoles.length ? await federateAccess(c, r.federation, key.name, scope, a.access) : undefined;
  return { ...normalizeKey({ key, ...versions, ...(access ? { access } : {}) }), ...custody };
}

/** The shard unit of a project, or of one of its locations when the policy names the locations. */
export const gcpUnit = (projectId: string, location?: string): string => (location ? `gcp:${projectId}:${location}` : `gcp:${projectId}`);

/** A project's units, sorted: one per configured location (listed without a call), else the project. */
const unitsOf = (config: GcpConfig, projectId: string): string[] =>
  config.locations ? [...new Set(config.locations)].sort().map((l) => gcpUnit(projectId, l)) : [gcpUnit(projectId)];

/** Does this run read a project's key rings in a location? Its shard owns the place's unit. */
const ownsPlace = (shard: ShardUnits | undefined, config: GcpConfig, project: string, location: string): boolean =>
  !shard || shard.owns(config.locations ? gcpUnit(project, location) : gcpUnit(project));

/** Does this run read a project's own settings (its audit logging)? The shard of the project's first unit. */
const ownsProject = (shard: ShardUnits | undefined, config: GcpConfig, project: string): boolean =>
  !shard || shard.owner(unitsOf(config, project)[0] as string) === shard.spec.index;

/**
 * The projects this run reads: every one found, or in a shard those it owns a unit of. With a plan,
 * they are read by name (no organization walk), as a configured project list is.
 */
async function shardProjects(c: GcpReadContext, config: GcpConfig, shard: ShardUnits | undefined): Promise<RawProject[]> {
  const planned = shard?.planned('gcp:');
  if (shard && planned?.length) {
    const mine = new Set<string>();
    for (const u of planned) if (shard.owns(u)) mine.add(u.split(':')[1] as string);
    return discoverProjects(c, { ...config, projects: [...mine] });
  }
  const found = await discoverProjects(c, config);
  // Every unit is asked about (and so recorded), not only up to the first this shard owns.
  return shard ? found.filter((p) => unitsOf(config, p.projectId).filter((u) => shard.owns(u)).length > 0) : found;
}

async function projectsWork(c: GcpReadContext, config: GcpConfig, ancestry: AncestryReader, shard?: ShardUnits): Promise<ProjectWork[]> {
  const projects = await shardProjects(c, config, shard);
  const out: ProjectWork[] = [];
  await c.kit.pool(projects, config.concurrency, async (project) => {
    const a = await ancestry.of(project);
    const ancestors = a.policies?.slice(1).map((p) => p.resource);
    const w: ProjectWork = { project, ancestry: a, ...(ancestors ? { ancestors } : {}) };
    projectGaps(c.kit, w);
    out.push(w);
  });
  return out.sort((a, b) => (a.project.projectId < b.project.projectId ? -1 : 1));
}

/** The IAM policies of a project and above (an audited project's as read, another's read on demand). */
function projectLayers(c: GcpReadContext, work: readonly ProjectWork[], ancestry: AncestryReader): (project: string) => Promise<AncestorPolicy[] | undefined> {
  const byIdOrNumber = new Map<string, ProjectWork>();
  for (const w of work) {
    byIdOrNumber.set(w.project.projectId, w);
    byIdOrNumber.set(w.project.name.replace(/^projects\//, ''), w);
  }
  // Projects outside the audit: read once each, however many of their service accounts use keys.
  const others = new Map<string, Promise<AncestorPolicy[] | undefined>>();
  const readOther = async (project: string) => {
    const p = await readProject(c, project, ['access']);
    return p ? (await ancestry.of(p)).policies : undefined;
  };
  return (project) => {
    const w = byIdOrNumber.get(project);
    if (w) return Promise.resolve(w.ancestry.policies);
    let p = others.get(project);
    if (!p) {
      p = readOther(project);
      others.set(project, p);
    }
    return p;
  };
}

async function collectTrails(c: GcpReadContext, work: readonly ProjectWork[], config: GcpConfig, shard?: ShardUnits): Promise<AuditTrail[]> {
  const logging = new LoggingReader(c);
  const trails: AuditTrail[] = [];
  const mine = work.filter((w) => ownsProject(shard, config, w.project.projectId));
  await c.kit.pool(mine, config.concurrency, async (w) => {
    const ts = await logging.trails(w.project.projectId, w.ancestors, w.ancestry.policies);
    if (ts) trails.push(...ts);
  });
  return trails;
}

async function collectRings(c: GcpReadContext, work: readonly ProjectWork[], config: GcpConfig, shard?: ShardUnits): Promise<RingRead[]> {
  const places: { project: string; location: string }[] = [];
  await c.kit.pool(work, config.concurrency, async (w) => {
    const project = w.project.projectId;
    for (const location of await locationsOf(c, project, config.locations)) if (ownsPlace(shard, config, project, location)) places.push({ project, location });
  });
  const names: string[] = [];
  await c.kit.pool(places, config.concurrency, async (p) => {
    names.push(...(await keyRingsIn(c, p.project, p.location)));
  });
  const rings: RingRead[] = [];
  await c.kit.pool(names.sort(), config.concurrency, async (name) => {
    rings.push(await readRing(c, name));
  });
  return rings;
}

/** The run's kit: Cloud KMS read and crypto quotas of the calling project, deadlines, budget, gaps. */
export function gcpKit(config: GcpConfig, ctx: Pick<CollectContext, 'shard' | 'signal'>): ProviderKit {
  return createKit({
    provider: PROVIDER,
    operations: OPERATIONS,
    quotas: quotaTable(config.readRequestsPerMinute, config.cryptoRequestsPerMinute),
    quotaFraction: config.quotaFraction,
    // Cloud KMS charges every read to the caller's quota project, whichever project holds the key: the
    // shards of a split share it, so each paces at 1/N of the fraction (sharding GCP adds no quota).
    ...(ctx.shard ? { shareOf: () => 1 / (ctx.shard as ShardUnits).spec.count } : {}),
    retry: { maxAttempts: config.maxAttempts, baseMs: config.retryBaseMs },
    callTimeoutMs: config.timeoutMs,
    ...(config.budgetMs ? { budgetMs: config.budgetMs } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    permissionOf,
  });
}

/**
 * Collect Cloud KMS keys, access and logging. `overrides` injects a credential (tests, the demo) so no
 * credential chain runs and nothing contacts the metadata server.
 */
export async function collectGcp(
  config: GcpConfig,
  ctx: CollectContext,
  overrides: ClientOverrides = {},
): Promise<ProviderOutput & { stats: ProviderKit['stats'] }> {
  const startedAt = ctx.now().toISOString();
  const clients = await clientsOrUsageError(config, ctx, overrides);
  const kit = gcpKit(config, ctx);
  const c: GcpReadContext = { api: clients.api, kit, quota: { partition: clients.quotaProject }, nowMs: ctx.now().getTime() };
  const keys: KeyRecord[] = [];
  let trails: AuditTrail[] = [];
  try {
    const ancestry = new AncestryReader(c);
    const work = await projectsWork(c, config, ancestry, ctx.shard);
    ctx.progress?.({ provider: 'gcp', phase: 'projects', done: work.length, total: work.length });
    const byProject = new Map(work.map((w) => [w.project.projectId, w]));
    const [rings, ts] = await Promise.all([collectRings(c, work, config, ctx.shard), collectTrails(c, work, config, ctx.shard)]);
    trails = ts;
    const jobs = rings.flatMap((ring) => ring.keys.map((key) => ({ ring, key })));
    let done = 0;
    const shared: SharedReaders = {
      roles: new RoleReader(c),
      custody: new CustodyReader(c),
      federation: new FederationReader(c, projectLayers(c, work, ancestry)),
    };
    await kit.pool(jobs, config.concurrency, async ({ ring, key }) => {
      keys.push(await readKey(c, shared, ring, key, byProject.get(ring.project)));
      ctx.progress?.({ provider: 'gcp', phase: 'keys', done: ++done, total: jobs.length });
    });
  } finally {
    kit.finish();
    await clients.close();
  }
  return {
    run: { id: 'gcp', ...(clients.identity ? { identity: clients.identity } : {}), fills: [...FILLS], startedAt, finishedAt: ctx.now().toISOString() },
    keys: keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    trails: trails.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    gaps: kit.gaps.list(),
    stats: kit.stats,
  };
}

/**
 * Every project the configuration covers, listed once (`inventory --plan-shards`): the configured
 * projects as they are, or one walk of the organization, folders or search.
 */
export async function planGcp(config: GcpConfig, ctx: CollectContext, overrides: ClientOverrides = {}): Promise<string[]> {
  if (config.projects) return [...new Set(config.projects)].flatMap((p) => unitsOf(config, p)).sort();
  const clients = await clientsOrUsageError(config, ctx, overrides);
  const kit = gcpKit(config, ctx);
  try {
    const projects = await discoverProjects({ api: clients.api, kit, quota: { partition: clients.quotaProject }, nowMs: ctx.now().getTime() }, config);
    // A plan that missed projects would leave them out of every shard, silently: refuse it.
    const gaps = kit.gaps.list();
    if (gaps.length)
      throw new UserError({
        message: `gcp: the projects could not all be listed (${gaps.map((g) => `${g.operation}: ${g.reason}`).join('; ')}); a plan would leave them out of every shard.`,
        hint: 'fix the access (resourcemanager.folders.list, resourcemanager.projects.list) and plan again, or shard by hash with --shard K/N alone',
      });
    return projects.flatMap((p) => unitsOf(config, p.projectId)).sort();
  } finally {
    kit.finish();
    await clients.close();
  }
}

export const gcpProvider = defineProvider({
  id: 'gcp',
  description:
    'Google Cloud KMS keys, versions and public keys, IAM on keys, key rings and ancestors, workload identity federation (pools, providers, service-account impersonation), Data Access audit logging (official @google-cloud clients, ADC)',
  configSchema: GcpConfig,
  operations: OPERATIONS,
  fills: FILLS,
  shardable: true,
  units: (config, ctx) => planGcp(GcpConfig.parse(config), ctx),
  async collect(config, ctx) {
    const { stats: _stats, ...out } = await collectGcp(GcpConfig.parse(config), ctx);
    return out;
  },
  permissions: gcpPermissions,
});

export default gcpProvider;
