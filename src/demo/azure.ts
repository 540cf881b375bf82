// The Azure part of `keyhygiene demo`: an estate described as model records is served by the
// loopback HTTPS fakes, and the real Azure provider reads it back through the SDKs, the credential
// chain and the configuration a private-cloud user would write.
import tls from 'node:tls';
import { UserError } from '../errors.ts';
import {
  type AzureFake,
  FAKE_CLIENT_ID,
  FAKE_CLIENT_SECRET,
  type FakeAzureKey,
  type FakeAzureOptions,
  type FakeAzureVault,
  type FakeAzureWorld,
  type FakeRoleAssignment,
  type FakeRoleDefinition,
  startAzureFake,
} from '../fakes/azure/server.ts';
import type { AccessEntry, Capability } from '../model/access-entry.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { Inventory } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { AzureConfigInput } from '../providers/azure/schema.ts';

const PROVIDER = 'azure-keyvault';
export const DEMO_TENANT = '00000000-0000-4000-8000-00000000de30';
export const DEMO_SUBSCRIPTION = '00000000-0000-4000-8000-000000000001';

const USAGE_TO_OP: Record<string, string> = { sign: 'sign', verify: 'verify', encrypt: 'encrypt', decrypt: 'decrypt', wrap: 'wrapKey', unwrap: 'unwrapKey' };

const CAP_DATA_ACTIONS: Record<Capability, string[]> = {
  read: ['Microsoft.KeyVault/vaults/keys/read'],
  'use-sign': ['Microsoft.KeyVault/vaults/keys/sign/action'],
  'use-verify': ['Microsoft.KeyVault/vaults/keys/verify/action'],
  'use-encrypt': ['Microsoft.KeyVault/vaults/keys/encrypt/action'],
  'use-decrypt': ['Microsoft.KeyVault/vaults/keys/decrypt/action'],
  'use-wrap': ['Microsoft.KeyVault/vaults/keys/wrap/action'],
  'use-unwrap': ['Microsoft.KeyVault/vaults/keys/unwrap/action'],
  export: ['Microsoft.KeyVault/vaults/keys/release/action'],
  administer: ['Microsoft.KeyVault/vaults/keys/write', 'Microsoft.KeyVault/vaults/keys/delete'],
  'use-mac': [],
  'create-grant': [],
};
const CAP_POLICY_PERMS: Record<Capability, string[]> = {
  read: ['get', 'list'],
  'use-sign': ['sign'],
  'use-verify': ['verify'],
  'use-encrypt': ['encrypt'],
  'use-decrypt': ['decrypt'],
  'use-wrap': ['wrapKey'],
  'use-unwrap': ['unwrapKey'],
  export: ['release'],
  administer: ['create', 'update', 'delete'],
  'use-mac': [],
  'create-grant': [],
};
const PRINCIPAL_TYPES: Record<string, FakeRoleAssignment['principalType']> = { user: 'User', group: 'Group' };

const guidOf = (n: number, prefix = 'de') => `${prefix.padEnd(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const days = (n: number) => `P${Math.max(1, Math.round(n))}D`;

/** The key's name: the last segment of a versionless key id, or its `name`. */
const keyNameOf = (k: KeyRecord) => k.name ?? new URL(k.id).pathname.split('/').filter(Boolean)[1] ?? k.id;

interface DemoSub {
  vaults: Map<string, { vault: FakeAzureVault; first: KeyRecord }>;
  defs: FakeRoleDefinition[];
  assignments: FakeRoleAssignment[];
}

const tenantOf = (k: KeyRecord) => k.access?.find((a) => a.principal.account)?.principal.account;

/** The fake vault a key's first record describes. */
function fakeVault(k: KeyRecord, vaultName: string, origin: string, hsm: boolean): FakeAzureVault {
  const tenantId = tenantOf(k);
  return {
    name: vaultName,
    kind: hsm ? 'managed-hsm' : 'vault',
    resourceGroup: 'keyhygiene-demo',
    location: k.region ?? 'westeurope',
    publicUri: origin,
    sku: k.protection === 'hsm' && !hsm ? 'premium' : undefined,
    ...(tenantId ? { tenantId } : {}),
    // Without an explicit access model, a vault whose entries all come from access policies uses them.
    rbac: k.accessModel ? k.accessModel === 'rbac' : !(k.access?.length && k.access.every((a) => a.source === 'access-policy')),
    accessPolicies: [],
    softDelete: true,
    purgeProtection: k.deletion?.protected === true,
    publicNetworkAccess: k.network?.publicAccess === false ? 'Disabled' : 'Enabled',
    privateEndpoints: k.network?.privateEndpoint ? 1 : 0,
    keys: [],
    diagnosticSettings: [],
  };
}

/** Place one key (and its access) in its subscription and vault. */
function addKey(k: KeyRecord, subs: Map<string, DemoSub>, roleFor: Map<string, string>): void {
  const subId = k.account ?? DEMO_SUBSCRIPTION;
  let sub = subs.get(subId);
  if (!sub) {
    sub = { vaults: new Map(), defs: [], assignments: [] };
    subs.set(subId, sub);
  }
  const origin = new URL(k.id).origin;
  const vaultName = k.container ?? new URL(k.id).hostname.split('.')[0] ?? 'vault';
  const hsm = /\.managedhsm\./i.test(origin);
  let entry = sub.vaults.get(vaultName);
  if (!entry) {
    entry = { first: k, vault: fakeVault(k, vaultName, origin, hsm) };
    sub.vaults.set(vaultName, entry);
  }
  const vault = entry.vault;
  const vaultId = `/subscriptions/${subId}/resourceGroups/keyhygiene-demo/providers/Microsoft.KeyVault/${hsm ? 'managedHSMs' : 'vaults'}/${vaultName}`;
  const name = keyNameOf(k);
  vault.keys.push(fakeKey(k, name, hsm));
  for (const a of k.access ?? []) {
    if (hsm) addLocalAccess(a, vault, name, roleFor);
    else addAccess(a, vault, `${vaultId}/keys/${name}`, sub, roleFor);
  }
}

/** Diagnostic settings (and their workspaces and storage accounts) for the vaults each Azure trail covers. */
function addTrails(trails: readonly AuditTrail[], subs: Map<string, DemoSub>): Pick<FakeAzureWorld, 'workspaces' | 'storageAccounts'> {
  const workspaces: NonNullable<FakeAzureWorld['workspaces']> = {};
  const storageAccounts: NonNullable<FakeAzureWorld['storageAccounts']> = {};
  for (const t of trails.filter((t) => t.scope.provider === PROVIDER)) {
    for (const [subId, sub] of subs) {
      if (t.scope.accounts !== '*' && !t.scope.accounts.includes(subId)) continue;
      for (const [name, { vault }] of sub.vaults) {
        if (t.scope.containers && !t.scope.containers.includes(name)) continue;
        const setting = diagnosticSetting(t, subId);
        if (setting.workspaceId && typeof t.retentionDays === 'number') workspaces[setting.workspaceId] = { retentionInDays: t.retentionDays };
        if (setting.storageAccountId) storageAccounts[setting.storageAccountId] = { policy: lifecyclePolicy(t.retentionDays) };
        vault.diagnosticSettings?.push(setting);
      }
    }
  }
  return { workspaces, storageAccounts };
}

/** A storage lifecycle policy deleting diagnostic logs after `days` (none: kept indefinitely). */
const lifecyclePolicy = (days: number | null | undefined) =>
  typeof days === 'number'
    ? {
        rules: [
          {
            name: 'diagnostic-logs',
            enabled: true,
            type: 'Lifecycle',
            definition: {
              filters: { blobTypes: ['appendBlob'], prefixMatch: ['insights-logs-'] },
              actions: { baseBlob: { delete: { daysAfterCreationGreaterThan: days } } },
            },
          },
        ],
      }
    : null;

const SP_TYPES: Partial<Record<string, string>> = { 'managed-identity': 'ManagedIdentity', 'service-principal': 'Application' };

/** The Graph directory objects of every named principal. */
function directoryOf(keys: readonly KeyRecord[]): NonNullable<FakeAzureWorld['principals']> {
  const principals: NonNullable<FakeAzureWorld['principals']> = {};
  for (const a of keys.flatMap((k) => k.access ?? [])) {
    if (!a.principal.name || principals[a.principal.id]) continue;
    const kind = a.principal.kind;
    const spType = SP_TYPES[kind];
    principals[a.principal.id] = {
      displayName: a.principal.name,
      type: kind === 'user' ? 'user' : kind === 'group' ? 'group' : 'servicePrincipal',
      ...(spType ? { servicePrincipalType: spType } : {}),
    };
  }
  return principals;
}

/**
 * The Azure estate an inventory describes, as the fake serves it. Pure. Vault-level settings
 * (location, network, deletion protection, access model) come from the vault's first key; all tags
 * stay on the keys, so they read back unchanged.
 */
export function worldFromInventory(inventory: Pick<Inventory, 'keys' | 'trails'>): FakeAzureWorld {
  const keys = inventory.keys.filter((k) => k.provider === PROVIDER).sort((a, b) => (a.id < b.id ? -1 : 1));
  const tenantId = keys.map(tenantOf).find((t) => t !== undefined) ?? DEMO_TENANT;
  const subs = new Map<string, DemoSub>();
  const roleFor = new Map<string, string>();
  for (const k of keys) addKey(k, subs, roleFor);
  const { workspaces, storageAccounts } = addTrails(inventory.trails, subs);
  return {
    tenantId,
    principals: directoryOf(keys),
    workspaces,
    storageAccounts,
    subscriptions: [...subs].map(([id, s]) => ({
      id,
      vaults: [...s.vaults.values()].map((v) => v.vault),
      roleDefinitions: s.defs,
      roleAssignments: s.assignments,
    })),
  };
}

function fakeKey(k: KeyRecord, name: string, inManagedHsm: boolean): FakeAzureKey {
  const hsmSuffix = k.protection === 'hsm' ? '-HSM' : '';
  const kty =
    k.keyType === 'RSA' ? `RSA${hsmSuffix}` : k.keyType === 'EC' ? `EC${hsmSuffix}` : k.keyType === 'AES' ? 'oct-HSM' : inManagedHsm ? 'oct-HSM' : 'RSA';
  const current = k.currentVersionCreatedAt ?? k.createdAt ?? '2024-01-01T00:00:00Z';
  const older: string[] = [];
  const count = k.versionCount ?? 1;
  if (k.createdAt && k.createdAt < current) {
    older.push(k.createdAt);
    const span = Date.parse(current) - Date.parse(k.createdAt);
    for (let i = 1; i < count - 1; i++) older.push(new Date(Date.parse(k.createdAt) + (span * i) / (count - 1)).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }
  const actions: NonNullable<FakeAzureKey['rotationPolicy']>['lifetimeActions'] = [];
  if (k.rotation?.automatic) actions.push({ action: 'Rotate', ...(k.rotation.periodDays ? { timeAfterCreate: days(k.rotation.periodDays) } : {}) });
  if (k.alerts?.nearExpiry) actions.push({ action: 'Notify', timeBeforeExpiry: days(k.alerts.notifyBeforeDays ?? 30) });
  return {
    name,
    kty,
    keyOps: (k.usage ?? []).map((u) => USAGE_TO_OP[u]).filter((o): o is string => o !== undefined),
    ...(k.publicKey ? { publicKey: k.publicKey } : {}),
    ...(k.keySize ? { keySize: k.keySize } : {}),
    enabled: k.state !== 'disabled',
    created: current,
    olderVersions: older,
    expires: k.expiresAt ?? null,
    ...(k.notBefore ? { notBefore: k.notBefore } : {}),
    exportable: k.exportable === true,
    ...(k.releasePolicy?.document !== undefined ? { releasePolicy: { document: k.releasePolicy.document, immutable: k.releasePolicy.immutable } } : {}),
    ...(inManagedHsm ? { attestation: attestationOf(k) } : {}),
    ...(k.tags ? { tags: k.tags } : {}),
    rotationPolicy: actions.length ? { lifetimeActions: actions } : null,
  };
}

function addAccess(
  a: AccessEntry,
  vault: FakeAzureVault,
  keyScope: string,
  sub: { defs: FakeRoleDefinition[]; assignments: FakeRoleAssignment[] },
  roleFor: Map<string, string>,
): void {
  if (a.source === 'access-policy' && !vault.rbac) {
    const perms = [...new Set(a.capabilities.flatMap((c) => CAP_POLICY_PERMS[c]))];
    const existing = vault.accessPolicies?.find((p) => p.objectId === a.principal.id);
    if (existing) existing.keys = [...new Set([...existing.keys, ...perms])];
    else vault.accessPolicies?.push({ objectId: a.principal.id, ...(a.principal.account ? { tenantId: a.principal.account } : {}), keys: perms });
    return;
  }
  const caps = [...a.capabilities].sort();
  const sig = caps.join(',');
  let def = roleFor.get(sig);
  if (!def) {
    def = guidOf(roleFor.size + 1, 'dd');
    roleFor.set(sig, def);
  }
  if (!sub.defs.some((d) => d.name === def)) {
    sub.defs.push({
      name: def,
      roleName: `keyhygiene demo: ${sig}`,
      ...(caps.includes('administer') && !vault.rbac ? { actions: ['Microsoft.KeyVault/vaults/write'] } : {}),
      dataActions: caps.flatMap((c) => CAP_DATA_ACTIONS[c]),
    });
  }
  sub.assignments.push({
    scope: keyScope,
    roleDefinition: def,
    principalId: a.principal.id,
    principalType: PRINCIPAL_TYPES[a.principal.kind] ?? 'ServicePrincipal',
  });
}

/** What a Managed HSM attestation says of the key, from its origin (unknown origin: the service offers none). */
function attestationOf(k: KeyRecord): FakeAzureKey['attestation'] {
  if (k.origin === 'imported') return { local: false, neverExtractable: false };
  return k.origin === 'generated' ? { local: true, neverExtractable: k.exportable !== true } : 'unsupported';
}

/** A Managed HSM key's access as local RBAC: a custom local role per capability set, assigned at /keys/<name>. */
function addLocalAccess(a: AccessEntry, vault: FakeAzureVault, keyName: string, roleFor: Map<string, string>): void {
  const caps = [...a.capabilities].sort();
  const sig = `hsm:${caps.join(',')}`;
  let def = roleFor.get(sig);
  if (!def) {
    def = guidOf(roleFor.size + 1, 'dd');
    roleFor.set(sig, def);
  }
  vault.localRoleDefinitions ??= [];
  if (!vault.localRoleDefinitions.some((d) => d.name === def)) {
    const dataActions = caps.flatMap((c) => CAP_DATA_ACTIONS[c]).map((x) => x.replace('Microsoft.KeyVault/vaults/', 'Microsoft.KeyVault/managedHsm/'));
    // Managed HSM data actions end in /action where Key Vault's do not (keys/read/action, keys/write/action).
    vault.localRoleDefinitions.push({
      name: def,
      roleName: `keyhygiene demo: ${sig}`,
      dataActions: dataActions.map((x) => (/\/(read|write)$/.test(x) ? `${x}/action` : x)),
    });
  }
  vault.localRoleAssignments ??= [];
  vault.localRoleAssignments.push({ scope: `/keys/${keyName}`, roleDefinition: def, principalId: a.principal.id });
}

/** An ARM id for a destination the inventory names by a bare name. */
const armIdOf = (id: string | undefined, subId: string, type: string, fallback: string) =>
  id?.startsWith('/subscriptions/')
    ? id
    : `/subscriptions/${subId}/resourceGroups/keyhygiene-demo/providers/${type}/${(id ?? fallback).replace(/[^A-Za-z0-9-]/g, '-')}`;

function diagnosticSetting(t: AuditTrail, subId: string): NonNullable<FakeAzureVault['diagnosticSettings']>[number] {
  const dest = t.destination;
  return {
    name: t.name ?? t.id.split('/').pop() ?? 'diagnostics',
    logs: [
      {
        categoryGroup: 'audit',
        enabled: t.enabled !== false && t.capturesDataPlane !== false,
      },
    ],
    metrics: t.enabled !== false,
    ...(dest?.kind === 'storage' ? { storageAccountId: armIdOf(dest.id, subId, 'Microsoft.Storage/storageAccounts', 'logs') } : {}),
    ...(dest?.kind === 'event-hub' ? { eventHubAuthorizationRuleId: armIdOf(dest.id, subId, 'Microsoft.EventHub/namespaces', 'logs') } : {}),
    ...(dest === undefined || dest.kind === 'log-analytics'
      ? { workspaceId: armIdOf(dest?.id, subId, 'Microsoft.OperationalInsights/workspaces', 'logs') }
      : {}),
  };
}

export interface AzureDemo {
  /** The `providers.azure` block that reads the fake, as a private-cloud user would configure it. */
  providerBlock: AzureConfigInput;
  /**
   * Environment the credential chain reads (EnvironmentCredential only, so no other source is
   * probed): assign it to process.env before collecting, since @azure/identity reads process.env.
   */
  env: Record<string, string>;
  fake: AzureFake;
  stop(): Promise<void>;
}

/**
 * Serve the Azure part of `inventory` on loopback HTTPS fakes, trust their throwaway certificate in
 * this process, and return the provider block and environment that read it back.
 */
export async function startAzureDemo(inventory: Pick<Inventory, 'keys' | 'trails'>, options: FakeAzureOptions = {}): Promise<AzureDemo> {
  // Checked before any simulator listens: one left listening after a failure keeps the process alive.
  if (typeof tls.setDefaultCACertificates !== 'function' || typeof tls.getCACertificates !== 'function')
    throw new UserError({
      message: `keyhygiene demo trusts the Azure simulator's throwaway certificate with tls.setDefaultCACertificates, which Node.js ${process.version} lacks`,
      hint: 'run the demo with Node.js 22.19 or later on the 22 line, or 24.5 or later',
    });
  const world = worldFromInventory(inventory);
  const fake = await startAzureFake(world, { clientSecret: FAKE_CLIENT_SECRET, retryAfterSeconds: 0, ...options });
  const previous = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...previous, fake.cert.cert]);
  return {
    providerBlock: {
      cloud: 'custom',
      tenantId: world.tenantId,
      authorityHost: fake.url,
      armEndpoint: fake.url,
      audience: 'https://management.azure.com',
      graphEndpoint: fake.url,
      retry: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 100 },
    },
    env: {
      AZURE_TENANT_ID: world.tenantId,
      AZURE_CLIENT_ID: FAKE_CLIENT_ID,
      AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
      AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
    },
    fake,
    async stop() {
      await fake.close();
      tls.setDefaultCACertificates(previous);
    },
  };
}
