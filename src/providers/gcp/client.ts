// The only file that imports the Google Cloud SDKs. It builds the official clients in REST mode
// (`fallback: true`) with gax retries off (the kit retries), hands each call the kit's AbortSignal, and
// strips SDK types (Timestamp, Duration, bytes) so normalize.ts stays pure.
//
// Client options that reach a plain-HTTP loopback fake (google-gax fallback, checked in its source):
//   { fallback: true, apiEndpoint: '127.0.0.1', port: 8080, protocol: 'http', authClient }
// `protocol` is read by gax's fallback createStub (default 'https'); `port` overrides 443. Every
// request then goes to http://127.0.0.1:8080/v1/… with `$alt=json;enum-encoding=int`.
import { EkmServiceClient, KeyManagementServiceClient } from '@google-cloud/kms';
import { v2 as loggingV2 } from '@google-cloud/logging';
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { iam as iamApi } from '@googleapis/iam';
import { type AuthClient, GoogleAuth, Impersonated, OAuth2Client } from 'google-auth-library';
import type { RawWifPool, RawWifProvider } from './admission.ts';
import type { RawBinding, RawCryptoKey, RawPolicy, RawVersion } from './normalize.ts';
import type { RawEkmConnection, RawImportJob, RawRole } from './normalize-custody.ts';
import type { RawBucket, RawSink } from './normalize-trails.ts';
import { type GcpConfig, type GcpService, resolveEndpoint } from './schema.ts';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface ClientOverrides {
  /** A ready credential (tests, the demo): no credential chain runs, nothing probes the metadata server. */
  authClient?: AuthClient;
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface RawProject {
  projectId: string;
  name: string;
  parent?: string;
  state?: string;
  /** The project's metadata could not be read: its folders and organization are unknown. */
  parentUnknown?: boolean;
}
export interface RawFolder {
  name: string;
  parent?: string;
  displayName?: string;
  state?: string;
}

type Sig = AbortSignal;

/** The reads the provider makes, one method per declared operation. */
export interface GcpApi {
  searchProjects(token: string | undefined, signal: Sig): Promise<Page<RawProject>>;
  listProjects(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawProject>>;
  getProject(project: string, signal: Sig): Promise<RawProject>;
  listFolders(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawFolder>>;
  getFolder(folder: string, signal: Sig): Promise<RawFolder>;
  getResourceIamPolicy(resource: string, signal: Sig): Promise<RawPolicy>;
  listLocations(project: string, token: string | undefined, signal: Sig): Promise<Page<string>>;
  listKeyRings(parent: string, token: string | undefined, signal: Sig): Promise<Page<{ name: string; createTime?: string }>>;
  getKmsIamPolicy(resource: string, signal: Sig): Promise<RawPolicy>;
  listCryptoKeys(ring: string, token: string | undefined, signal: Sig): Promise<Page<RawCryptoKey>>;
  listCryptoKeyVersions(key: string, token: string | undefined, signal: Sig): Promise<Page<RawVersion>>;
  getPublicKey(version: string, signal: Sig): Promise<{ pem?: string; algorithm?: string }>;
  listBuckets(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawBucket>>;
  listSinks(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawSink>>;
  listImportJobs(ring: string, token: string | undefined, signal: Sig): Promise<Page<RawImportJob>>;
  listEkmConnections(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawEkmConnection>>;
  /** IAM roles.get: `roles/…`, `projects/P/roles/…` or `organizations/O/roles/…`. */
  getRole(name: string, signal: Sig): Promise<RawRole>;
  /** IAM workloadIdentityPools.list under `projects/P/locations/global` (deleted pools included, to say so). */
  listWorkloadIdentityPools(parent: string, token: string | undefined, signal: Sig): Promise<Page<RawWifPool>>;
  /** IAM workloadIdentityPools.providers.list of one pool. */
  listWorkloadIdentityPoolProviders(pool: string, token: string | undefined, signal: Sig): Promise<Page<RawWifProvider>>;
  /** IAM serviceAccounts.getIamPolicy of `projects/-/serviceAccounts/EMAIL`: who may act as the account. */
  getServiceAccountIamPolicy(resource: string, signal: Sig): Promise<RawPolicy>;
}

export interface GcpClients {
  api: GcpApi;
  /** Partition of the Cloud KMS quota: the project charged for the calls. */
  quotaProject: string;
  identity?: string;
  close(): Promise<void>;
}

// ---- SDK value conversions -----------------------------------------------------------------------

type Ts = { seconds?: unknown; nanos?: unknown } | null | undefined;

export function isoOf(t: Ts): string | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  const ms = Number(t.seconds) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : undefined;
}
const secondsOf = (d: Ts): number | undefined =>
  d && d.seconds !== undefined && d.seconds !== null ? Number(d.seconds) + Number(d.nanos ?? 0) / 1e9 : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

// biome-ignore lint/suspicious/noExplicitAny: SDK message objects are converted field by field here.
type Msg = any;

const version = (v: Msg): RawVersion =>
  defined({
    name: String(v.name ?? ''),
    state: str(v.state),
    protectionLevel: str(v.protectionLevel),
    algorithm: str(v.algorithm),
    createTime: isoOf(v.createTime),
    generateTime: isoOf(v.generateTime),
    destroyTime: isoOf(v.destroyTime),
    importJob: str(v.importJob),
    importTime: isoOf(v.importTime),
    externalKeyUri: str(v.externalProtectionLevelOptions?.externalKeyUri),
    ekmConnectionKeyPath: str(v.externalProtectionLevelOptions?.ekmConnectionKeyPath),
  });

const cryptoKey = (k: Msg): RawCryptoKey =>
  defined({
    name: String(k.name ?? ''),
    purpose: str(k.purpose),
    createTime: isoOf(k.createTime),
    nextRotationTime: isoOf(k.nextRotationTime),
    rotationPeriodSeconds: secondsOf(k.rotationPeriod),
    primary: k.primary ? version(k.primary) : undefined,
    versionTemplate: k.versionTemplate
      ? defined({ protectionLevel: str(k.versionTemplate.protectionLevel), algorithm: str(k.versionTemplate.algorithm) })
      : undefined,
    labels: k.labels && Object.keys(k.labels).length ? { ...k.labels } : undefined,
    importOnly: typeof k.importOnly === 'boolean' ? k.importOnly : undefined,
    destroyScheduledDurationSeconds: secondsOf(k.destroyScheduledDuration),
    cryptoKeyBackend: str(k.cryptoKeyBackend),
  });

export const policyOf = (p: Msg): RawPolicy => ({
  bindings: (p?.bindings ?? []).map(
    (b: Msg): RawBinding =>
      defined({
        role: String(b.role ?? ''),
        members: (b.members ?? []).map(String),
        condition: b.condition?.expression ? defined({ expression: String(b.condition.expression), title: str(b.condition.title) }) : undefined,
      }),
  ),
  auditConfigs: (p?.auditConfigs ?? []).map((a: Msg) => ({
    service: String(a.service ?? ''),
    auditLogConfigs: (a.auditLogConfigs ?? []).map((c: Msg) => ({ logType: String(c.logType ?? ''), exemptedMembers: (c.exemptedMembers ?? []).map(String) })),
  })),
});

const project = (p: Msg): RawProject =>
  defined({ projectId: String(p.projectId ?? ''), name: String(p.name ?? ''), parent: str(p.parent), state: str(p.state) });
const folder = (f: Msg): RawFolder => defined({ name: String(f.name ?? ''), parent: str(f.parent), displayName: str(f.displayName), state: str(f.state) });

const sinkOf =
  (parent: string) =>
  (s: Msg): RawSink =>
    defined({
      name: `${parent}/sinks/${String(s.name ?? '').replace(/^.*\/sinks\//, '')}`,
      destination: String(s.destination ?? ''),
      filter: str(s.filter),
      disabled: s.disabled === true,
      includeChildren: s.includeChildren === true,
      exclusions: (s.exclusions ?? []).map((x: Msg) => defined({ name: str(x.name), filter: str(x.filter), disabled: x.disabled === true })),
    });

const bucket = (b: Msg): RawBucket =>
  defined({
    name: String(b.name ?? ''),
    retentionDays: typeof b.retentionDays === 'number' ? b.retentionDays : undefined,
    locked: b.locked === true,
    lifecycleState: str(b.lifecycleState),
  });

const importJob = (j: Msg): RawImportJob =>
  defined({
    name: String(j.name ?? ''),
    importMethod: str(j.importMethod),
    protectionLevel: str(j.protectionLevel),
    state: str(j.state),
    createTime: isoOf(j.createTime),
    generateTime: isoOf(j.generateTime),
    expireTime: isoOf(j.expireTime),
    attested: j.attestation?.content ? true : undefined,
  });

const ekmConnection = (e: Msg): RawEkmConnection =>
  defined({
    name: String(e.name ?? ''),
    createTime: isoOf(e.createTime),
    keyManagementMode: str(e.keyManagementMode),
    cryptoSpacePath: str(e.cryptoSpacePath),
    hostnames: (e.serviceResolvers ?? []).map((r: Msg) => str(r.hostname)).filter(Boolean),
    serviceDirectoryServices: (e.serviceResolvers ?? []).map((r: Msg) => str(r.serviceDirectoryService)).filter(Boolean),
  });

const role = (r: Msg): RawRole =>
  defined({
    name: String(r.name ?? ''),
    includedPermissions: Array.isArray(r.includedPermissions) ? r.includedPermissions.map(String) : [],
    stage: str(r.stage),
    deleted: r.deleted === true,
  });

// ---- calls ---------------------------------------------------------------------------------------

type Cancellable<T> = Promise<T> & { cancel?: () => void };

/** Hand the kit's signal to a gax call: abort cancels the request. */
function withSignal<T>(p: Cancellable<T>, signal: Sig): Promise<T> {
  const onAbort = () => p.cancel?.();
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  return p.finally(() => signal.removeEventListener('abort', onAbort));
}

type ClientOptions = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;

function clientOptions(config: GcpConfig, service: GcpService, auth: AuthClient, universe: string): ClientOptions {
  const ep = resolveEndpoint(config, service, universe);
  return {
    fallback: true,
    authClient: auth as ClientOptions['authClient'],
    ...(config.universeDomain ? { universeDomain: config.universeDomain } : {}),
    ...(ep.isDefault ? {} : { apiEndpoint: ep.host, port: ep.port, protocol: ep.protocol }),
  };
}

/**
 * A short-lived OAuth access token handed in by the caller (`GOOGLE_OAUTH_ACCESS_TOKEN`, as the
 * Terraform Google provider reads it, e.g. from `gcloud auth print-access-token`): used as is, never
 * refreshed, so no token endpoint or metadata server is contacted.
 */
function accessTokenClient(token: string): AuthClient {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
  return c;
}

async function credential(config: GcpConfig, env: NodeJS.ProcessEnv, overrides: ClientOverrides): Promise<AuthClient> {
  const token = env.GOOGLE_OAUTH_ACCESS_TOKEN;
  const base = overrides.authClient ?? (token ? accessTokenClient(token) : await new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }).getClient());
  if (config.quotaProject) base.quotaProjectId = config.quotaProject;
  if (!config.assumeServiceAccount) return base;
  const imp = new Impersonated({
    sourceClient: base,
    targetPrincipal: config.assumeServiceAccount,
    targetScopes: [CLOUD_PLATFORM_SCOPE],
    lifetime: 3600,
    delegates: [],
  });
  if (config.quotaProject) imp.quotaProjectId = config.quotaProject;
  return imp;
}

/** Build the clients. Throws when no credential can be found (the caller turns it into a usage error). */
export async function createGcpClients(config: GcpConfig, env: NodeJS.ProcessEnv, overrides: ClientOverrides = {}): Promise<GcpClients> {
  const universe = config.universeDomain ?? env.GOOGLE_CLOUD_UNIVERSE_DOMAIN ?? 'googleapis.com';
  const auth = await credential(config, env, overrides);
  const kms = new KeyManagementServiceClient(clientOptions(config, 'cloudkms', auth, universe));
  const rmOpts = clientOptions(config, 'cloudresourcemanager', auth, universe);
  const projects = new ProjectsClient(rmOpts);
  const folders = new FoldersClient(rmOpts);
  const orgs = new OrganizationsClient(rmOpts);
  const logging = new loggingV2.ConfigServiceV2Client(clientOptions(config, 'logging', auth, universe));
  // Built on first use: most estates have no EXTERNAL_VPC key and no custom role, and each client costs
  // its proto descriptors at construction.
  let ekmClient: EkmServiceClient | undefined;
  const ekm = () => (ekmClient ??= new EkmServiceClient(clientOptions(config, 'cloudkms', auth, universe)));
  let iamInstance: ReturnType<typeof iamClient> | undefined;
  const iam = () => (iamInstance ??= iamClient(config, auth, universe));
  const quotaProject = config.quotaProject ?? auth.quotaProjectId ?? 'caller';
  const identity = config.assumeServiceAccount ?? str((auth as { email?: unknown }).email);
  return {
    api: makeApi({ kms, ekm, projects, folders, orgs, logging, iam }, config.timeoutMs),
    quotaProject,
    ...(identity ? { identity } : {}),
    close: async () => {
      await Promise.allSettled([kms.close(), ekmClient?.close(), projects.close(), folders.close(), orgs.close(), logging.close()]);
    },
  };
}

/**
 * The IAM API (roles.get for custom role definitions) through Google's official discovery-based client
 * `@googleapis/iam`: no `@google-cloud/*` GAPIC package exposes google.iam.admin.v1 in Node.
 * `rootUrl` points it at a private or loopback endpoint; gaxios retries are off (the kit retries).
 */
function iamClient(config: GcpConfig, auth: AuthClient, universe: string) {
  const ep = resolveEndpoint(config, 'iam', universe);
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return iamApi({
    version: 'v1',
    auth: auth as OAuth2Client,
    retry: false,
    ...(config.universeDomain ? { universeDomain: config.universeDomain } : {}),
    ...(ep.isDefault ? {} : { rootUrl: `${ep.protocol}://${host}:${ep.port}/` }),
  });
}

interface Sdk {
  kms: KeyManagementServiceClient;
  ekm: () => EkmServiceClient;
  iam: () => ReturnType<typeof iamClient>;
  projects: ProjectsClient;
  folders: FoldersClient;
  orgs: OrganizationsClient;
  logging: InstanceType<typeof loggingV2.ConfigServiceV2Client>;
}

const PAGE = 1000;

/** roles.get on the resource that holds the role: predefined, project or organization. */
async function getRole(iam: ReturnType<typeof iamClient>, name: string, signal: Sig, timeout: number): Promise<RawRole> {
  const opts = { signal, timeout, retry: false };
  const r = name.startsWith('projects/')
    ? await iam.projects.roles.get({ name }, opts)
    : name.startsWith('organizations/')
      ? await iam.organizations.roles.get({ name }, opts)
      : await iam.roles.get({ name }, opts);
  return role(r.data);
}

const wifPool = (p: Msg): RawWifPool =>
  defined({ name: String(p.name ?? ''), state: str(p.state), disabled: typeof p.disabled === 'boolean' ? p.disabled : undefined });

const wifProvider = (p: Msg): RawWifProvider =>
  defined({
    name: String(p.name ?? ''),
    state: str(p.state),
    disabled: typeof p.disabled === 'boolean' ? p.disabled : undefined,
    issuerUri: str(p.oidc?.issuerUri),
    allowedAudiences: Array.isArray(p.oidc?.allowedAudiences) ? p.oidc.allowedAudiences.map(String) : undefined,
    attributeMapping: p.attributeMapping && typeof p.attributeMapping === 'object' ? { ...p.attributeMapping } : {},
    attributeCondition: str(p.attributeCondition),
    protocol: p.oidc ? 'oidc' : p.aws ? 'aws' : p.saml ? 'saml' : 'other',
  });

/** The page-token field of a list request: none on the first page. */
const tok = (t: string | undefined) => (t ? { pageToken: t } : {});

/** Workload identity pools, their providers and service-account IAM policies through `@googleapis/iam`. */
function wifApi(
  iam: () => ReturnType<typeof iamClient>,
  timeout: number,
): Pick<GcpApi, 'listWorkloadIdentityPools' | 'listWorkloadIdentityPoolProviders' | 'getServiceAccountIamPolicy'> {
  const opts = (signal: Sig) => ({ signal, timeout, retry: false });
  const next = (d: Msg) => (str(d?.nextPageToken) ? { next: str(d.nextPageToken) as string } : {});
  return {
    listWorkloadIdentityPools: async (parent, t, s) => {
      const r = await iam().projects.locations.workloadIdentityPools.list({ parent, pageSize: 1000, showDeleted: true, ...tok(t) }, opts(s));
      return { items: (r.data.workloadIdentityPools ?? []).map(wifPool), ...next(r.data) };
    },
    listWorkloadIdentityPoolProviders: async (pool, t, s) => {
      const r = await iam().projects.locations.workloadIdentityPools.providers.list({ parent: pool, pageSize: 100, showDeleted: true, ...tok(t) }, opts(s));
      return { items: (r.data.workloadIdentityPoolProviders ?? []).map(wifProvider), ...next(r.data) };
    },
    getServiceAccountIamPolicy: async (resource, s) => {
      const r = await iam().projects.serviceAccounts.getIamPolicy({ resource, 'options.requestedPolicyVersion': 3 }, opts(s));
      return policyOf(r.data);
    },
  };
}

function makeApi(sdk: Sdk, timeoutMs: number): GcpApi {
  // gax retries off (the kit retries and paces), one deadline per call, pages under our control.
  const o = { retry: null, timeout: timeoutMs, autoPaginate: false } as const;
  const page = async <T>(p: Cancellable<Msg>, signal: Sig, map: (m: Msg) => T, field: string): Promise<Page<T>> => {
    const [, , raw] = (await withSignal(p, signal)) as [unknown, unknown, Msg];
    const next = str(raw?.nextPageToken);
    return { items: (raw?.[field] ?? []).map(map), ...(next ? { next } : {}) };
  };
  const one = async (p: Cancellable<Msg>, signal: Sig): Promise<Msg> => ((await withSignal(p, signal)) as [Msg])[0];
  return {
    searchProjects: (t, s) => page(sdk.projects.searchProjects({ pageSize: 500, ...tok(t) }, o), s, project, 'projects'),
    listProjects: (parent, t, s) => page(sdk.projects.listProjects({ parent, pageSize: 500, ...tok(t) }, o), s, project, 'projects'),
    getProject: async (p, s) => project(await one(sdk.projects.getProject({ name: `projects/${p}` }, o), s)),
    listFolders: (parent, t, s) => page(sdk.folders.listFolders({ parent, pageSize: 500, ...tok(t) }, o), s, folder, 'folders'),
    getFolder: async (f, s) => folder(await one(sdk.folders.getFolder({ name: f }, o), s)),
    getResourceIamPolicy: async (resource, s) => {
      const client = resource.startsWith('projects/') ? sdk.projects : resource.startsWith('folders/') ? sdk.folders : sdk.orgs;
      return policyOf(await one(client.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } }, o), s));
    },
    listLocations: (p, t, s) =>
      page(
        sdk.kms.locationsClient.listLocations({ name: `projects/${p}`, pageSize: 500, ...tok(t) }, o) as Cancellable<Msg>,
        s,
        (l: Msg) => String(l.locationId ?? ''),
        'locations',
      ),
    listKeyRings: (parent, t, s) =>
      page(
        sdk.kms.listKeyRings({ parent, pageSize: PAGE, ...tok(t) }, o),
        s,
        (r: Msg) => defined({ name: String(r.name ?? ''), createTime: isoOf(r.createTime) }),
        'keyRings',
      ),
    getKmsIamPolicy: async (resource, s) =>
      policyOf(
        await one(
          sdk.kms.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } } as Parameters<typeof sdk.kms.getIamPolicy>[0], o) as Cancellable<Msg>,
          s,
        ),
      ),
    listCryptoKeys: (ring, t, s) => page(sdk.kms.listCryptoKeys({ parent: ring, pageSize: PAGE, ...tok(t) }, o), s, cryptoKey, 'cryptoKeys'),
    listCryptoKeyVersions: (key, t, s) => page(sdk.kms.listCryptoKeyVersions({ parent: key, pageSize: PAGE, ...tok(t) }, o), s, version, 'cryptoKeyVersions'),
    getPublicKey: async (name, s) => {
      const r = await one(sdk.kms.getPublicKey({ name }, o), s);
      return defined({ pem: str(r.pem), algorithm: str(r.algorithm) });
    },
    listBuckets: (parent, t, s) => page(sdk.logging.listBuckets({ parent, pageSize: 100, ...tok(t) }, o), s, bucket, 'buckets'),
    listSinks: (parent, t, s) => page(sdk.logging.listSinks({ parent, pageSize: 100, ...tok(t) }, o), s, sinkOf(parent), 'sinks'),
    listImportJobs: (ring, t, s) => page(sdk.kms.listImportJobs({ parent: ring, pageSize: PAGE, ...tok(t) }, o), s, importJob, 'importJobs'),
    listEkmConnections: (parent, t, s) => page(sdk.ekm().listEkmConnections({ parent, pageSize: PAGE, ...tok(t) }, o), s, ekmConnection, 'ekmConnections'),
    getRole: (name, s) => getRole(sdk.iam(), name, s, timeoutMs),
    ...wifApi(sdk.iam, timeoutMs),
  };
}
