// The only file of the Azure provider that imports an Azure SDK. Every client shares one pipeline
// policy that refuses any request that is not one of the declared read operations on a known host,
// and one that spends client-side quota before each attempt.

import { AsyncLocalStorage } from 'node:async_hooks';
import { AuthorizationManagementClient, type RoleAssignment, type RoleDefinition } from '@azure/arm-authorization';
import { KeyVaultManagementClient, type ManagedHsm, type Vault } from '@azure/arm-keyvault';
import { type DiagnosticSettingsResource, MonitorClient } from '@azure/arm-monitor';
import { SubscriptionClient } from '@azure/arm-subscriptions';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { type DeletedKey, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { Limiter, ReadOnlyViolation, retryTransient, sleep } from '../kit/index.ts';
import type {
  RawAttestation,
  RawDiagnosticSetting,
  RawKey,
  RawRoleAssignment,
  RawRoleDefinition,
  RawRotationPolicy,
  RawVault,
  RawVersion,
} from './normalize.ts';
import { classifyRequest, type Plane } from './operations.ts';
import { AZURE_LIMITS } from './quota.ts';
import type { RawLifecycleRule, RawTableRetention } from './retention.ts';
import { type AzureConfig, type ResolvedEndpoints, resolveEndpoints } from './schema.ts';

export type { TokenCredential };

export { ReadOnlyViolation };

export interface ClientOverrides {
  /** A credential to use instead of DefaultAzureCredential (tests, the demo). */
  credential?: TokenCredential;
  /** Called with every operation actually sent (after the allowlist check). */
  onOperation?: (operation: string, url: string) => void;
  /** The provider kit's limiter, so the buckets live with the kit's (a fresh one otherwise). */
  limiter?: Limiter;
}

export interface AzureClients {
  endpoints: ResolvedEndpoints;
  credential: TokenCredential;
  limiter: Limiter;
  /** Operations sent so far, in order. */
  sent: string[];
  /** The allowlist and quota policies every client carries (exposed so tests can prove refusals). */
  policies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
  /** Register a vault's data-plane host and the subscription it draws quota from. */
  registerVault(vault: RawVault): void;
  /**
   * Limit weight the next request on one of this vault's keys is expected to have (a running mean
   * of the keys seen so far; Key Vault weighs HSM and large RSA keys more).
   */
  expectedWeight(vaultUri: string): number;
  /** A key turned out to weigh `actual` where `reserved` was spent: correct the buckets and the mean. */
  observeWeight(vaultUri: string, actual: number, reserved: number): void;
  /** Run `task` with its data-plane requests reserving `cost` each. */
  withCost<T>(cost: number, task: () => Promise<T>): Promise<T>;
  probeCredential(signal?: AbortSignal): Promise<void>;
  listSubscriptions(signal?: AbortSignal): Promise<{ id: string; tenantId?: string; state?: string }[]>;
  listVaults(subscriptionId: string, signal?: AbortSignal): Promise<RawVault[]>;
  listManagedHsms(subscriptionId: string, signal?: AbortSignal): Promise<RawVault[]>;
  listRoleAssignments(subscriptionId: string, scope: string, signal?: AbortSignal): Promise<RawRoleAssignment[]>;
  listRoleDefinitions(subscriptionId: string, signal?: AbortSignal): Promise<RawRoleDefinition[]>;
  /** PIM-eligible role assignments at, above and below `scope` (marked `eligible`). */
  listRoleEligibilities(subscriptionId: string, scope: string, signal?: AbortSignal): Promise<RawRoleAssignment[]>;
  listDiagnosticSettings(subscriptionId: string, resourceId: string, signal?: AbortSignal): Promise<RawDiagnosticSetting[]>;
  keys(vaultUri: string): VaultKeysClient;
  /** Managed HSM local RBAC: role assignments at `scope` (/, /keys, /keys/<name>) and the pool's role definitions. */
  hsmRbac(hsmUri: string): HsmRbacClient;
  /** Default retention (days) of a Log Analytics workspace; throws when it cannot be read (404 included). */
  getWorkspaceRetention(workspaceId: string, signal?: AbortSignal): Promise<number | undefined>;
  /** Retention of one table of a Log Analytics workspace; undefined when the workspace has no such table (404). */
  getWorkspaceTable(workspaceId: string, table: string, signal?: AbortSignal): Promise<RawTableRetention | undefined>;
  /** The rules of a storage account's lifecycle management policy; null when it has none (404). */
  getStorageLifecycleRules(accountId: string, signal?: AbortSignal): Promise<RawLifecycleRule[] | null>;
  /** A principal's display name and kind from Microsoft Graph; undefined when it no longer exists. */
  getDirectoryObject(id: string, signal?: AbortSignal): Promise<DirectoryObject | undefined>;
  /** Every member of a group and of the groups nested in it (Graph transitiveMembers); undefined when the group no longer exists. */
  listGroupTransitiveMembers(groupId: string, signal?: AbortSignal): Promise<DirectoryObject[] | undefined>;
  /** The federated identity credentials of an app registration (Graph, by appId). */
  listAppFederatedCredentials(appId: string, signal?: AbortSignal): Promise<RawFederatedCredential[]>;
  /** The federated identity credentials of a user-assigned managed identity (ARM, by resource id). */
  listIdentityFederatedCredentials(identityId: string, signal?: AbortSignal): Promise<RawFederatedCredential[]>;
}

/** One federated identity credential: which external tokens (issuer, subject, audiences) the identity accepts. */
export interface RawFederatedCredential {
  name: string;
  issuer: string;
  /** absent for a flexible credential matched by an expression instead of one subject */
  subject?: string;
  audiences: string[];
}

export interface DirectoryObject {
  id: string;
  displayName?: string;
  /** user, group, servicePrincipal… (from @odata.type) */
  type?: string;
  /** Application, ManagedIdentity… for service principals */
  servicePrincipalType?: string;
  /** the app registration's application id (service principals of applications) */
  appId?: string;
  /** for managed identities: the ARM resource id of a user-assigned identity, among other names */
  alternativeNames?: string[];
}

export interface HsmRbacClient {
  listRoleAssignments(scope: string, signal?: AbortSignal): Promise<RawRoleAssignment[]>;
  listRoleDefinitions(signal?: AbortSignal): Promise<RawRoleDefinition[]>;
}

export interface VaultKeysClient {
  /** Pages of keys as the list returns them: attributes and tags, no key material or type. */
  listKeys(signal?: AbortSignal): AsyncIterable<RawKey[]>;
  getKey(name: string, signal?: AbortSignal): Promise<RawKey>;
  listVersions(name: string, signal?: AbortSignal): Promise<RawVersion[]>;
  /** null when the key has no rotation policy. */
  getRotationPolicy(name: string, signal?: AbortSignal): Promise<RawRotationPolicy | null>;
  /** Managed HSM key attestation; `available: false` when the service offers none (400, 404, 501). */
  getAttestation(name: string, signal?: AbortSignal): Promise<RawAttestation>;
  /** Soft-deleted keys as the list returns them (attributes, tags, deletion dates; no key material). */
  listDeletedKeys(signal?: AbortSignal): Promise<RawKey[]>;
  getDeletedKey(name: string, signal?: AbortSignal): Promise<RawKey>;
}

const hostOf = (u: string) => new URL(u).host.toLowerCase();
const subscriptionOfPath = (path: string) => /^\/*subscriptions\/([^/?]+)/i.exec(path)?.[1]?.toLowerCase();
const stripLeadingSlash = (s: string) => s.replace(/^\/+/, '');

function createCredential(config: AzureConfig, endpoints: ResolvedEndpoints): TokenCredential {
  return new DefaultAzureCredential({
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: endpoints.disableInstanceDiscovery,
    ...(config.tenantId ? { tenantId: config.tenantId } : {}),
    // Key Vault's challenge names the vault's tenant; a guest principal may need a token for it.
    additionallyAllowedTenants: ['*'],
  });
}

/**
 * The credential with the same retries as every request: a token endpoint (or its discovery
 * document) that answers 503 or 429, resets or sends a broken body is retried, not taken for
 * rejected credentials. @azure/identity retries some of these itself, not a broken body.
 */
export function retryingCredential(inner: TokenCredential, retry: AzureConfig['retry']): TokenCredential {
  const policy = { maxAttempts: retry.maxRetries + 1, baseMs: retry.retryDelayInMs, capMs: retry.maxRetryDelayInMs };
  return { getToken: (scopes, options) => retryTransient(() => inner.getToken(scopes, options), policy, options?.abortSignal as AbortSignal | undefined) };
}

/** The allowlist guard and the quota policy every client carries, over one set of named buckets. */
function createPolicies(config: AzureConfig, endpoints: ResolvedEndpoints, overrides: ClientOverrides) {
  const limiter = overrides.limiter ?? new Limiter();
  const sent: string[] = [];
  const armHost = hostOf(endpoints.armEndpoint);
  const graphHost = endpoints.graphEndpoint ? hostOf(endpoints.graphEndpoint) : undefined;
  /** data-plane host → { bucket names } */
  const vaultBuckets = new Map<string, string[]>();
  const costContext = new AsyncLocalStorage<number>();
  const f = config.quotaFraction;

  const bucketsFor = (url: URL, plane: Plane): string[] => {
    if (plane === 'data') return vaultBuckets.get(url.host.toLowerCase()) ?? [];
    if (plane === 'graph') return [];
    const name = `arm:${subscriptionOfPath(url.pathname) ?? '(tenant)'}`;
    limiter.define(name, AZURE_LIMITS.armPerSecond * f, AZURE_LIMITS.armBurst * f);
    return [name];
  };

  /** The plane and declared operation of a request: its host must be ARM, Graph or a discovered vault. */
  const classify = (url: URL, method: string): { plane?: Plane; op?: string } => {
    const host = url.host.toLowerCase();
    const planes: Plane[] = [];
    if (host === armHost) planes.push('arm');
    if (host === graphHost) planes.push('graph');
    if (vaultBuckets.has(host)) planes.push('data');
    for (const plane of planes) {
      const op = classifyRequest(method, url.pathname, plane);
      if (op) return { plane, op };
    }
    return {};
  };

  const guard: PipelinePolicy = {
    name: 'keyhygieneReadOnly',
    async sendRequest(request, next) {
      const { op } = classify(new URL(request.url), request.method);
      if (!op) throw new ReadOnlyViolation('azure', `${request.method} ${request.url}`);
      // A vault behind a firewall that drops packets never answers: bound every attempt.
      if (!request.timeout) request.timeout = config.timeoutMs;
      sent.push(op);
      overrides.onOperation?.(op, request.url);
      return next(request);
    },
  };
  const quota: PipelinePolicy = {
    name: 'keyhygieneQuota',
    async sendRequest(request, next) {
      const url = new URL(request.url);
      const plane = classify(url, request.method).plane ?? 'data';
      const cost = plane === 'data' ? (costContext.getStore() ?? 1) : 1;
      await sleep(limiter.reserve(bucketsFor(url, plane), cost), request.abortSignal as AbortSignal | undefined);
      return next(request);
    },
  };
  return { limiter, sent, vaultBuckets, costContext, guard, quota };
}

type Policies = ReturnType<typeof createPolicies>;

/** Vault registration and the running mean of key weights per vault (Key Vault weighs HSM and large RSA keys more). */
function createWeights(p: Policies, f: number) {
  const weights = new Map<string, { mean: number; n: number }>();
  return {
    registerVault(vault: RawVault) {
      const host = hostOf(vault.uri);
      if (p.vaultBuckets.has(host)) return;
      const perVault = vault.kind === 'managed-hsm' ? AZURE_LIMITS.managedHsmPerSecond : AZURE_LIMITS.vaultPerSecond;
      const names = [`kv:${host}`];
      // One second of burst at the audit's own rate: enough to catch up after a stall of the event
      // loop, far inside the service's 10-second window, and never above one second at the full
      // limit even when a key turns out heavier than its reservation.
      p.limiter.define(names[0] as string, perVault * f, perVault * f);
      weights.set(host, { mean: vault.kind === 'vault' && (vault.sku ?? '').toLowerCase() === 'premium' ? 2 : 1, n: 0 });
      if (vault.kind === 'vault' && vault.subscriptionId) {
        const sub = `kvsub:${vault.subscriptionId.toLowerCase()}`;
        const rate = AZURE_LIMITS.vaultPerSecond * AZURE_LIMITS.subscriptionVaultMultiplier * f;
        p.limiter.define(sub, rate, rate);
        names.push(sub);
      }
      p.vaultBuckets.set(host, names);
    },
    expectedWeight(vaultUri: string) {
      return weights.get(hostOf(vaultUri))?.mean ?? 1;
    },
    observeWeight(vaultUri: string, actual: number, reserved: number) {
      const host = hostOf(vaultUri);
      if (actual !== reserved) p.limiter.charge(p.vaultBuckets.get(host) ?? [], actual - reserved);
      const w = weights.get(host);
      if (!w) return;
      w.n = Math.min(w.n + 1, 50);
      w.mean += (actual - w.mean) / w.n;
    },
    withCost<T>(cost: number, task: () => Promise<T>): Promise<T> {
      return p.costContext.run(cost, task);
    },
  };
}

const approvedEndpoints = (conns: { privateLinkServiceConnectionState?: { status?: string } }[] | undefined): number =>
  (conns ?? []).filter((c) => (c.privateLinkServiceConnectionState?.status ?? '').toLowerCase() === 'approved').length;

/** A vault as ARM lists it; undefined without a URI or name. */
function vaultFromArm(v: Vault, subscriptionId: string): RawVault | undefined {
  const p = v.properties;
  if (!p?.vaultUri || !v.name) return undefined;
  return {
    id: v.id,
    name: v.name,
    kind: 'vault',
    uri: p.vaultUri,
    subscriptionId,
    location: v.location,
    tenantId: p.tenantId,
    sku: p.sku?.name,
    rbac: p.enableRbacAuthorization === true,
    accessPolicies: (p.accessPolicies ?? []).map((a) => ({
      tenantId: a.tenantId,
      objectId: a.objectId,
      applicationId: a.applicationId,
      keys: (a.permissions?.keys ?? []).map(String),
    })),
    softDelete: p.enableSoftDelete,
    purgeProtection: p.enablePurgeProtection === true,
    publicNetworkAccess: p.publicNetworkAccess ?? 'Enabled',
    networkDefaultAction: p.networkAcls?.defaultAction ?? 'Allow',
    approvedPrivateEndpoints: approvedEndpoints(p.privateEndpointConnections),
    tags: v.tags,
  };
}

/** A Managed HSM pool as ARM lists it; undefined without a URI or name. */
function hsmFromArm(h: ManagedHsm, subscriptionId: string): RawVault | undefined {
  const p = h.properties;
  if (!p?.hsmUri || !h.name) return undefined;
  return {
    id: h.id,
    name: h.name,
    kind: 'managed-hsm',
    uri: p.hsmUri,
    subscriptionId,
    location: h.location,
    tenantId: p.tenantId,
    sku: h.sku?.name,
    rbac: true,
    softDelete: p.enableSoftDelete,
    purgeProtection: p.enablePurgeProtection === true,
    publicNetworkAccess: p.publicNetworkAccess ?? 'Enabled',
    networkDefaultAction: p.networkAcls?.defaultAction ?? 'Allow',
    approvedPrivateEndpoints: approvedEndpoints(p.privateEndpointConnections),
    tags: h.tags,
  };
}

function settingFromArm(s: DiagnosticSettingsResource, resourceId: string): RawDiagnosticSetting {
  return {
    id: s.id ?? `${resourceId}/providers/Microsoft.Insights/diagnosticSettings/${s.name ?? ''}`,
    name: s.name ?? '',
    logs: (s.logs ?? []).map((l) => ({
      category: l.category,
      categoryGroup: l.categoryGroup,
      enabled: l.enabled,
    })),
    metricsEnabled: (s.metrics ?? []).some((m) => m.enabled),
    workspaceId: s.workspaceId,
    ...(s.logAnalyticsDestinationType ? { logAnalyticsDestinationType: s.logAnalyticsDestinationType } : {}),
    storageAccountId: s.storageAccountId,
    eventHubAuthorizationRuleId: s.eventHubAuthorizationRuleId,
    marketplacePartnerId: s.marketplacePartnerId,
  };
}

/** A role assignment, or a PIM eligibility (same members), as ARM lists it; undefined without its ids. */
function assignmentFromArm(
  a: Pick<RoleAssignment, 'id' | 'scope' | 'roleDefinitionId' | 'principalId' | 'principalType' | 'condition'>,
  eligible: boolean,
): RawRoleAssignment | undefined {
  if (!a.id || !a.roleDefinitionId || !a.principalId) return undefined;
  return {
    id: a.id,
    scope: a.scope ?? '',
    roleDefinitionId: a.roleDefinitionId,
    principalId: a.principalId,
    principalType: a.principalType,
    ...(a.condition ? { condition: a.condition } : {}),
    ...(eligible ? { eligible: true } : {}),
  };
}

const definitionFromArm = (d: RoleDefinition): RawRoleDefinition => ({
  id: d.id as string,
  roleName: d.roleName,
  permissions: (d.permissions ?? []).map((p) => ({
    actions: p.actions ?? [],
    notActions: p.notActions ?? [],
    dataActions: p.dataActions ?? [],
    notDataActions: p.notDataActions ?? [],
  })),
});

async function collectAll<T, R>(items: AsyncIterable<T>, map: (item: T) => R | undefined): Promise<R[]> {
  const out: R[] = [];
  for await (const item of items) {
    const r = map(item);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/**
 * Every item of a list that pages by next link (ARM `nextLink`, Graph `@odata.nextLink`). A link seen
 * twice would loop: it fails as an invalid response (the caller's gap), never as a shorter list.
 */
async function allPages<T>(first: string, getPage: (url: string) => Promise<{ value?: T[]; next?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  for (let url: string | undefined = first; url; ) {
    if (seen.has(url)) throw Object.assign(new Error(`the service returned next link ${url} twice: the list is not complete`), { code: 'RepeatedPageToken' });
    seen.add(url);
    const page = await getPage(url);
    out.push(...(page.value ?? []));
    url = page.next || undefined;
  }
  return out;
}

/** Every item of an ARM list by URL, each page through `armGet`. */
const armList = <T>(client: SubscriptionClient, first: string, signal?: AbortSignal): Promise<T[]> =>
  allPages<T>(first, async (url) => {
    const body = await armGet<{ value?: T[] }>(client, url, signal);
    return { value: body.value, next: body.nextLink };
  });

/** One GET on ARM by URL through the guarded pipeline; the JSON body, or a RestError-shaped error. */
async function armGet<T>(client: SubscriptionClient, url: string, signal?: AbortSignal): Promise<T & { nextLink?: string }> {
  return (await armGetOrNone<T>(client, url, signal, 'never')) as T & { nextLink?: string };
}

/** 404 codes that say a parent (subscription, group, account, workspace) is missing, not the resource asked for. */
const PARENT_MISSING = new Set(['subscriptionnotfound', 'resourcegroupnotfound', 'parentresourcenotfound', 'resourcenotfound']);

/**
 * `armGet`, with undefined for a 404 that says the resource does not exist: any 404 (`any`), or one
 * whose code does not name a missing parent (`child`); `never` throws on every 404.
 */
async function armGetOrNone<T>(client: SubscriptionClient, url: string, signal: AbortSignal | undefined, absent: 'any' | 'child' | 'never') {
  const res = await client.sendRequest(createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
  const body = JSON.parse(res.bodyAsText || '{}') as T & { nextLink?: string; error?: { code?: string; message?: string } };
  const code = (body.error?.code ?? '').toLowerCase();
  if (res.status === 404 && (absent === 'any' || (absent === 'child' && !PARENT_MISSING.has(code)))) return undefined;
  if (res.status !== 200) throw restError(res.status, body, url);
  return body;
}

type SdkOptions = { endpoint: string; additionalPolicies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[]; retryOptions: unknown };

/** The management-plane reads: subscriptions, vaults, HSMs, role assignments and definitions, diagnostic settings, workspaces. */
function armReads(credential: TokenCredential, endpoints: ResolvedEndpoints, armOptions: SdkOptions) {
  const coreClientOptions = { ...armOptions, credentialScopes: [endpoints.armScope] };
  const restClientOptions = { ...armOptions, credentials: { scopes: [endpoints.armScope] } };
  const subscriptionClient = new SubscriptionClient(credential, coreClientOptions as never);
  const authz = new Map<string, AuthorizationManagementClient>();
  const kvm = new Map<string, KeyVaultManagementClient>();
  const monitor = new Map<string, MonitorClient>();
  const authzFor = (sub: string) => memo(authz, sub, () => new AuthorizationManagementClient(credential, sub, coreClientOptions as never));
  const kvmFor = (sub: string) => memo(kvm, sub, () => new KeyVaultManagementClient(credential, sub, restClientOptions as never));
  const monitorFor = (sub: string) => memo(monitor, sub, () => new MonitorClient(credential, sub, restClientOptions as never));
  type Sub = { subscriptionId?: string; tenantId?: string; state?: string };
  return {
    async listSubscriptions(signal?: AbortSignal) {
      const subs = await armList<Sub>(subscriptionClient, `${endpoints.armEndpoint}/subscriptions?api-version=2022-12-01`, signal);
      return subs.flatMap((s) => (s.subscriptionId ? [{ id: s.subscriptionId, tenantId: s.tenantId, state: s.state }] : []));
    },
    listVaults: (sub: string, signal?: AbortSignal) => collectAll(kvmFor(sub).vaults.listBySubscription({ abortSignal: signal }), (v) => vaultFromArm(v, sub)),
    listManagedHsms: (sub: string, signal?: AbortSignal) =>
      collectAll(kvmFor(sub).managedHsms.listBySubscription({ abortSignal: signal }), (h) => hsmFromArm(h, sub)),
    listRoleAssignments: (sub: string, scope: string, signal?: AbortSignal) =>
      collectAll(authzFor(sub).roleAssignments.listForScope(stripLeadingSlash(scope), { abortSignal: signal }), (a) => assignmentFromArm(a, false)),
    listRoleEligibilities: (sub: string, scope: string, signal?: AbortSignal) =>
      collectAll(authzFor(sub).roleEligibilityScheduleInstances.listForScope(stripLeadingSlash(scope), { abortSignal: signal }), (a) =>
        assignmentFromArm(a, true),
      ),
    listRoleDefinitions: (sub: string, signal?: AbortSignal) =>
      collectAll(authzFor(sub).roleDefinitions.list(`subscriptions/${sub}`, { abortSignal: signal }), (d) => (d.id ? definitionFromArm(d) : undefined)),
    listDiagnosticSettings: (sub: string, resourceId: string, signal?: AbortSignal) =>
      collectAll(monitorFor(sub).diagnosticSettings.list(stripLeadingSlash(resourceId), { abortSignal: signal }), (s) => settingFromArm(s, resourceId)),
    async getWorkspaceRetention(workspaceId: string, signal?: AbortSignal) {
      const url = `${endpoints.armEndpoint}/${workspaceId.replace(/^\/+/, '')}?api-version=2023-09-01`;
      const body = await armGet<{ properties?: { retentionInDays?: number } }>(subscriptionClient, url, signal);
      return typeof body.properties?.retentionInDays === 'number' ? body.properties.retentionInDays : undefined;
    },
    async getWorkspaceTable(workspaceId: string, table: string, signal?: AbortSignal) {
      const url = `${endpoints.armEndpoint}/${stripLeadingSlash(workspaceId)}/tables/${encodeURIComponent(table)}?api-version=2022-10-01`;
      // A table not created yet answers 404; a missing workspace is read (and reported) by getWorkspaceRetention.
      const body = await armGetOrNone<{ properties?: RawTableRetention }>(subscriptionClient, url, signal, 'any');
      const p = body?.properties;
      if (!body) return undefined;
      const num = (n: unknown) => (typeof n === 'number' ? n : undefined);
      return { retentionInDays: num(p?.retentionInDays), totalRetentionInDays: num(p?.totalRetentionInDays) };
    },
    async getStorageLifecycleRules(accountId: string, signal?: AbortSignal) {
      const url = `${endpoints.armEndpoint}/${stripLeadingSlash(accountId)}/managementPolicies/default?api-version=2023-05-01`;
      // No policy is a 404 of its own; a storage account that is gone (ResourceNotFound) is not "no policy".
      const body = await armGetOrNone<{ properties?: { policy?: { rules?: RawLifecycleRule[] } } }>(subscriptionClient, url, signal, 'child');
      return body ? (body.properties?.policy?.rules ?? []) : null;
    },
    async listIdentityFederatedCredentials(identityId: string, signal?: AbortSignal) {
      type Fic = { name?: string; properties?: { issuer?: string; subject?: string; audiences?: string[] } };
      const url = `${endpoints.armEndpoint}/${stripLeadingSlash(identityId)}/federatedIdentityCredentials?api-version=2023-01-31`;
      const list = await armList<Fic>(subscriptionClient, url, signal);
      return list.map((f) => federatedCredential({ name: f.name, ...f.properties }));
    },
  };
}

/** A credential as Graph or ARM return it; the issuer is required (a credential without one admits nothing we can judge). */
function federatedCredential(f: { name?: string; issuer?: string; subject?: string | null; audiences?: string[] }): RawFederatedCredential {
  return { name: f.name ?? '', issuer: f.issuer ?? '', ...(f.subject ? { subject: f.subject } : {}), audiences: f.audiences ?? [] };
}

type GraphReads = Pick<AzureClients, 'getDirectoryObject' | 'listGroupTransitiveMembers' | 'listAppFederatedCredentials'>;

type GraphObject = {
  id?: string;
  displayName?: string | null;
  '@odata.type'?: string;
  servicePrincipalType?: string;
  appId?: string;
  alternativeNames?: string[];
};
/** The properties of a directory object the audit reads ($select), for names, kinds and federated credentials. */
const OBJECT_SELECT = '$select=id,displayName,servicePrincipalType,appId,alternativeNames';

function directoryObject(body: GraphObject, id: string): DirectoryObject {
  return {
    id: body.id ?? id,
    ...(body.displayName ? { displayName: body.displayName } : {}),
    ...(body['@odata.type'] ? { type: body['@odata.type'].replace(/^#microsoft\.graph\./, '') } : {}),
    ...(body.servicePrincipalType ? { servicePrincipalType: body.servicePrincipalType } : {}),
    ...(body.appId ? { appId: body.appId } : {}),
    ...(Array.isArray(body.alternativeNames) ? { alternativeNames: body.alternativeNames } : {}),
  };
}

/** Microsoft Graph reads (principals' names and kinds, app registrations' federated credentials), when a Graph endpoint is set. */
function graphReads(endpoints: ResolvedEndpoints, credential: TokenCredential, p: Policies, retryOptions: unknown): GraphReads {
  if (!endpoints.graphEndpoint || !endpoints.graphScope)
    return {
      getDirectoryObject: async () => undefined,
      listGroupTransitiveMembers: async () => Promise.reject(new Error('no Microsoft Graph endpoint')),
      listAppFederatedCredentials: async () => Promise.reject(new Error('no Microsoft Graph endpoint')),
    };
  const pipeline = createPipelineFromOptions({ retryOptions: retryOptions as never });
  pipeline.addPolicy(p.guard);
  pipeline.addPolicy(p.quota, { afterPhase: 'Retry' });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: endpoints.graphScope }), { phase: 'Sign' });
  const http = createDefaultHttpClient();
  const base = endpoints.graphEndpoint;
  const get = async <T>(url: string, signal?: AbortSignal): Promise<{ status: number; body: T & { error?: { code?: string; message?: string } } }> => {
    const res = await pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
    return { status: res.status, body: JSON.parse(res.bodyAsText || '{}') };
  };
  return {
    async getDirectoryObject(id: string, signal?: AbortSignal): Promise<DirectoryObject | undefined> {
      const url = `${base}/v1.0/directoryObjects/${encodeURIComponent(id)}?${OBJECT_SELECT}`;
      const { status, body } = await get<GraphObject>(url, signal);
      if (status === 404) return undefined;
      if (status !== 200) throw restError(status, body, `${base}/v1.0/directoryObjects/${id}`);
      return directoryObject(body, id);
    },
    async listGroupTransitiveMembers(groupId: string, signal?: AbortSignal) {
      const first = `${base}/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers?${OBJECT_SELECT}&$top=999`;
      let gone = false;
      const list = await allPages<GraphObject>(first, async (url) => {
        const { status, body } = await get<{ value?: GraphObject[]; '@odata.nextLink'?: string }>(url, signal);
        if (status === 404 && url === first) {
          gone = true; // the group was deleted since its role assignment was made: nobody is in it
          return {};
        }
        if (status !== 200) throw restError(status, body, url);
        return { value: body.value, next: body['@odata.nextLink'] };
      });
      return gone ? undefined : list.filter((o) => o.id).map((o) => directoryObject(o, o.id as string));
    },
    async listAppFederatedCredentials(appId: string, signal?: AbortSignal) {
      type Page = { value?: { name?: string; issuer?: string; subject?: string | null; audiences?: string[] }[]; '@odata.nextLink'?: string };
      const list = await allPages(`${base}/v1.0/applications(appId='${encodeURIComponent(appId)}')/federatedIdentityCredentials`, async (url) => {
        const { status, body } = await get<Page>(url, signal);
        if (status !== 200) throw restError(status, body, url);
        return { value: body.value, next: body['@odata.nextLink'] };
      });
      return list.map(federatedCredential);
    },
  };
}

type HsmPage<T> = { value?: T[]; nextLink?: string | null };
type HsmAssignment = { id?: string; properties?: { scope?: string; roleDefinitionId?: string; principalId?: string } };
type HsmDefinition = { id?: string; properties?: { roleName?: string; permissions?: Partial<RawRoleDefinition['permissions'][number]>[] } };

/**
 * Managed HSM local RBAC through the Key Vault challenge authentication of @azure/keyvault-common and
 * the guarded pipeline (@azure/keyvault-admin's KeyVaultAccessControlClient sends these same requests).
 */
function hsmRbacClient(hsmUri: string, credential: TokenCredential, p: Policies, retryOptions: unknown): HsmRbacClient {
  const pipeline = createPipelineFromOptions({ retryOptions: retryOptions as never });
  pipeline.addPolicy(p.guard);
  pipeline.addPolicy(p.quota, { afterPhase: 'Retry' });
  const knownSuffix = Object.values(VAULT_SUFFIXES).some((s) => hostOf(hsmUri).split(':')[0]?.endsWith(s));
  pipeline.addPolicy(keyVaultAuthenticationPolicy(credential, { disableChallengeResourceVerification: !knownSuffix }), { phase: 'Sign' });
  const http = createDefaultHttpClient();
  const base = hsmUri.replace(/\/+$/, '');
  // A list longer than a page follows nextLink to the end (no silent page cap: a looping link fails).
  const all = <T>(path: string, signal?: AbortSignal): Promise<T[]> =>
    allPages<T>(`${base}${path}?api-version=7.4`, async (url) => {
      const res = await pipeline.sendRequest(http, createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
      const body = JSON.parse(res.bodyAsText || '{}') as HsmPage<T> & { error?: { code?: string; message?: string } };
      if (res.status !== 200) throw restError(res.status, body, url);
      return { value: body.value, next: body.nextLink };
    });
  const scopePath = (scope: string) => `/${scope.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  return {
    async listRoleAssignments(scope, signal) {
      const list = await all<HsmAssignment>(`${scopePath(scope)}/providers/Microsoft.Authorization/roleAssignments`, signal);
      return list.flatMap((a): RawRoleAssignment[] => {
        const q = a.properties;
        return a.id && q?.roleDefinitionId && q.principalId
          ? [{ id: a.id, scope: q.scope ?? '/', roleDefinitionId: q.roleDefinitionId, principalId: q.principalId }]
          : [];
      });
    },
    async listRoleDefinitions(signal) {
      const list = await all<HsmDefinition>('/providers/Microsoft.Authorization/roleDefinitions', signal);
      return list.flatMap((d): RawRoleDefinition[] =>
        d.id
          ? [
              {
                id: d.id,
                roleName: d.properties?.roleName,
                permissions: (d.properties?.permissions ?? []).map((x) => ({
                  actions: x.actions ?? [],
                  notActions: x.notActions ?? [],
                  dataActions: x.dataActions ?? [],
                  notDataActions: x.notDataActions ?? [],
                })),
              },
            ]
          : [],
      );
    },
  };
}

/** A key as GetKey returns it: the public JWK and properties; never private material. */
function keyFromSdk(k: KeyVaultKey, vaultUri: string, name: string): RawKey {
  const j = k.key;
  const p = k.properties;
  return {
    kid: j?.kid ?? p.id ?? `${vaultUri.replace(/\/+$/, '')}/keys/${name}`,
    name: p.name ?? name,
    jwk: j ? { kid: j.kid, kty: j.kty, keyOps: j.keyOps, n: j.n, e: j.e, crv: j.crv, x: j.x, y: j.y } : undefined,
    enabled: p.enabled,
    notBefore: p.notBefore,
    expiresOn: p.expiresOn,
    createdOn: p.createdOn,
    exportable: p.exportable,
    releasePolicy: p.releasePolicy
      ? { contentType: p.releasePolicy.contentType, encoded: p.releasePolicy.encodedPolicy, immutable: p.releasePolicy.immutable }
      : null,
    managed: p.managed,
    tags: p.tags,
  };
}

const deletionOf = (p: DeletedKey['properties']): NonNullable<RawKey['deleted']> => ({
  ...(p.deletedOn ? { deletedOn: p.deletedOn } : {}),
  ...(p.scheduledPurgeDate ? { scheduledPurgeDate: p.scheduledPurgeDate } : {}),
});

/** The data-plane reads of one vault or HSM, through a KeyClient carrying the guard and quota policies. */
function vaultKeysClient(vaultUri: string, credential: TokenCredential, config: AzureConfig, armOptions: SdkOptions): VaultKeysClient {
  const knownSuffix = Object.values(VAULT_SUFFIXES).some((s) => hostOf(vaultUri).split(':')[0]?.endsWith(s));
  const client = new KeyClient(vaultUri, credential, {
    // Private clouds and loopback fakes answer the challenge with a resource that is not a
    // parent domain of the vault's host; public clouds keep the check.
    disableChallengeResourceVerification: !knownSuffix,
    retryOptions: armOptions.retryOptions as never,
    additionalPolicies: armOptions.additionalPolicies,
  });
  return {
    async *listKeys(signal) {
      for await (const page of client.listPropertiesOfKeys({ abortSignal: signal }).byPage(config.pageSize ? { maxPageSize: config.pageSize } : {})) {
        yield page.map((k) => ({
          kid: k.id ?? `${vaultUri.replace(/\/+$/, '')}/keys/${k.name}`,
          name: k.name,
          enabled: k.enabled,
          notBefore: k.notBefore,
          expiresOn: k.expiresOn,
          createdOn: k.createdOn,
          managed: k.managed,
          tags: k.tags,
        }));
      }
    },
    getKey: async (name, signal) => keyFromSdk(await client.getKey(name, { abortSignal: signal }), vaultUri, name),
    listDeletedKeys: (signal) =>
      collectAll(client.listDeletedKeys({ abortSignal: signal }), (d) => ({
        ...keyFromSdk({ ...d, key: undefined } as KeyVaultKey, vaultUri, d.name),
        deleted: deletionOf(d.properties),
      })),
    getDeletedKey: async (name, signal) => {
      const d = await client.getDeletedKey(name, { abortSignal: signal });
      return { ...keyFromSdk(d, vaultUri, name), deleted: deletionOf(d.properties) };
    },
    listVersions: (name, signal) =>
      collectAll(
        client.listPropertiesOfKeyVersions(name, { abortSignal: signal }),
        (v): RawVersion => ({ version: v.version, createdOn: v.createdOn, enabled: v.enabled }),
      ),
    async getAttestation(name, signal) {
      try {
        const k = await client.getKeyAttestation(name, { abortSignal: signal });
        const a = k.properties.attestation;
        if (!a?.privateKeyAttestation && !a?.publicKeyAttestation) return { available: false };
        return { available: true, privateKeyAttestation: a.privateKeyAttestation, publicKeyAttestation: a.publicKeyAttestation, version: a.version };
      } catch (err) {
        // Not offered for this key or by this service version: no evidence, and no failure either.
        if ([400, 404, 501].includes(errorInfo(err).status ?? 0)) return { available: false };
        throw err;
      }
    },
    async getRotationPolicy(name, signal) {
      try {
        const p = await client.getKeyRotationPolicy(name, { abortSignal: signal });
        // A key whose policy was never set gets the service's default (no id, a Notify 30 days before
        // expiry): nobody configured rotation or an alert for it.
        if (!p.id) return null;
        return { lifetimeActions: (p.lifetimeActions ?? []).map((a) => ({ ...a, action: String(a.action) })), expiresIn: p.expiresIn };
      } catch (err) {
        if (errorInfo(err).status === 404) return null;
        throw err;
      }
    },
  };
}

/** Build every client the provider uses, sharing one credential, one allowlist and one set of buckets. */

export function createAzureClients(config: AzureConfig, overrides: ClientOverrides = {}): AzureClients {
  const endpoints = resolveEndpoints(config);
  const credential = retryingCredential(overrides.credential ?? createCredential(config, endpoints), config.retry);
  const p = createPolicies(config, endpoints, overrides);
  const armOptions: SdkOptions = {
    endpoint: endpoints.armEndpoint,
    additionalPolicies: [
      { policy: p.guard, position: 'perCall' },
      { policy: p.quota, position: 'perRetry' },
    ],
    retryOptions: { ...config.retry },
  };
  const keyClients = new Map<string, VaultKeysClient>();
  const hsmClients = new Map<string, HsmRbacClient>();
  return {
    endpoints,
    credential,
    limiter: p.limiter,
    sent: p.sent,
    policies: armOptions.additionalPolicies,
    ...createWeights(p, config.quotaFraction),
    async probeCredential(signal) {
      await credential.getToken(endpoints.armScope, { abortSignal: signal });
    },
    ...armReads(credential, endpoints, armOptions),
    ...graphReads(endpoints, credential, p, armOptions.retryOptions),
    keys: (vaultUri) => memo(keyClients, hostOf(vaultUri), () => vaultKeysClient(vaultUri, credential, config, armOptions)),
    hsmRbac: (hsmUri) => memo(hsmClients, hostOf(hsmUri), () => hsmRbacClient(hsmUri, credential, p, armOptions.retryOptions)),
  };
}

const VAULT_SUFFIXES = {
  public: '.vault.azure.net',
  publicHsm: '.managedhsm.azure.net',
  usgov: '.vault.usgovcloudapi.net',
  usgovHsm: '.managedhsm.usgovcloudapi.net',
  china: '.vault.azure.cn',
  chinaHsm: '.managedhsm.azure.cn',
};

function memo<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

function restError(status: number, body: { error?: { code?: string; message?: string } }, url: string): Error {
  const e = new Error(body.error?.message ?? `HTTP ${status} from ${url}`) as Error & { statusCode: number; code?: string };
  e.name = 'RestError';
  e.statusCode = status;
  if (body.error?.code) e.code = body.error.code;
  return e;
}

export interface ErrorInfo {
  status?: number;
  code?: string;
  message: string;
  kind: 'forbidden' | 'not-found' | 'unauthorized' | 'throttled' | 'network' | 'credential' | 'refused' | 'other';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'REQUEST_SEND_ERROR',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** What went wrong, from any error the SDKs or the credential chain throw. Never includes tokens. */
export function errorInfo(err: unknown): ErrorInfo {
  const e = (err ?? {}) as {
    name?: string;
    message?: string;
    statusCode?: number;
    code?: string;
    cause?: { code?: string };
    response?: { bodyAsText?: string | null };
  };
  let message =
    String(e.message ?? err)
      .split('\n')[0]
      ?.slice(0, 500) ?? 'unknown error';
  let serviceCode: string | undefined;
  // Paged SDK calls throw "Pagination failed with unexpected statusCode 403": the service's own
  // error code and message are in the body.
  try {
    const body = JSON.parse(e.response?.bodyAsText ?? '') as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message.split('\n')[0]?.slice(0, 500) ?? message;
    serviceCode = body.error?.code;
  } catch {
    // not JSON: keep the SDK's message
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = serviceCode ?? e.code ?? e.cause?.code;
  if (e.name === 'ReadOnlyViolation') return { message, kind: 'refused' };
  if (e.name === 'CredentialUnavailableError' || e.name === 'AggregateAuthenticationError' || e.name === 'AuthenticationError')
    return { message: String(e.message ?? err), kind: 'credential' };
  if (status === 403) return { status, code, message, kind: 'forbidden' };
  if (status === 404) return { status, code, message, kind: 'not-found' };
  if (status === 401) return { status, code, message, kind: 'unauthorized' };
  if (status === 429) return { status, code, message, kind: 'throttled' };
  if (status === undefined && code && NETWORK_CODES.has(code)) return { code, message, kind: 'network' };
  if (status === undefined && (e.name === 'AbortError' || /timed? ?out|aborted/i.test(message)))
    return { code: code ?? 'ETIMEDOUT', message: `no answer (${message})`, kind: 'network' };
  return { status, code, message, kind: 'other' };
}
