import { UserError } from '../../errors.ts';
import type { Principal } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import { type AzureClients, type ClientOverrides, createAzureClients, type DirectoryObject, type ErrorInfo, errorInfo } from './client.ts';
import { Semaphore } from './limiter.ts';
import {
  accessForKey,
  keyTransactionWeight,
  normalizeKey,
  PROVIDER,
  type RawKey,
  type RawRoleAssignment,
  type RawRoleDefinition,
  type RawVault,
  roleDefinitionKey,
  rsaBits,
  trailFromDiagnosticSetting,
  vaultKey,
  vaultNameFromUri,
  versionlessKeyId,
} from './normalize.ts';
import { OPERATION_NAMES, OPERATION_PERMISSIONS } from './operations.ts';
import { AZURE_CLOUDS, AzureConfig } from './schema.ts';

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
  'alerts.nearExpiry',
  'alerts.notifyBeforeDays',
  'accessModel',
  'expiresAt',
  'notBefore',
  'deletion.protected',
  'tags',
  'access',
  'network.publicAccess',
  'network.privateEndpoint',
  'fingerprints',
  'publicKey',
  'trails',
] as const;

/** The least-privilege custom role: exactly the Actions and DataActions behind the declared operations. */
export function azurePermissions(): PermissionsDocument {
  const actions = [...new Set(OPERATION_NAMES.map((o) => OPERATION_PERMISSIONS[o]?.action).filter((a): a is string => !!a))].sort();
  const dataActions = [...new Set(OPERATION_NAMES.map((o) => OPERATION_PERMISSIONS[o]?.dataAction).filter((a): a is string => !!a))].sort();
  return {
    kind: 'Azure custom role definition',
    document: {
      Name: 'keyhygiene Key Vault auditor',
      IsCustom: true,
      Description:
        'Read-only audit of Key Vault and Managed HSM keys, vault settings, role assignments and diagnostic settings. Cannot read secrets or use keys.',
      Actions: actions,
      NotActions: [],
      DataActions: dataActions,
      NotDataActions: [],
      AssignableScopes: ['/subscriptions/00000000-0000-0000-0000-000000000000'],
    },
    notes: [
      'Replace AssignableScopes with your subscriptions (or a management group), then: az role definition create --role-definition @role.json',
      'Vaults that use access policies instead of Azure RBAC also need an access policy granting key permissions get, list and getrotationpolicy.',
      'Managed HSM pools use local RBAC: assign the built-in "Managed HSM Crypto Auditor" role on / (az keyvault role assignment create --hsm-name HSM --role "Managed HSM Crypto Auditor" --scope / --assignee ID).',
      'Principal names come from Microsoft Graph (graph:GetDirectoryObject): grant the audit identity the Graph permission Directory.Read.All, or set resolvePrincipalNames: false.',
      `Declared operations: ${OPERATION_NAMES.join(', ')}.`,
    ],
  };
}

interface VaultWork {
  vault: RawVault;
  /** ARM data could not be read for this vault (data-plane-only vault). */
  armKnown: boolean;
}

function gapReason(op: string, info: ErrorInfo, what: string): string {
  const perm = OPERATION_PERMISSIONS[op];
  const needed = perm?.dataAction ? `the DataAction ${perm.dataAction}` : perm?.action ? `the Action ${perm.action}` : `the permission for ${op}`;
  const message = info.message.startsWith('Pagination failed') ? 'the service refused the request' : info.message;
  switch (info.kind) {
    case 'forbidden':
      return `${what}: 403 Forbidden (${info.code ?? 'Forbidden'}): ${message}. Grant ${needed} (see \`keyhygiene permissions azure\`)${perm?.dataAction ? ', or on an access-policy vault an access policy with key permissions get, list and getrotationpolicy' : ''}`;
    case 'not-found':
      return `${what}: 404 Not Found (${info.code ?? 'NotFound'}): ${message}`;
    case 'network':
      return `${what}: unreachable over the network (${info.code}: ${info.message}); a vault firewall, private endpoint or DNS keeps this machine out. Run the audit from inside the network, or add this runner to the vault's firewall`;
    case 'unauthorized':
      return `${what}: 401 Unauthorized: ${info.message}`;
    case 'throttled':
      return `${what}: still throttled (429) after retries: ${info.message}. Lower quotaFraction or run when the vault is quieter`;
    case 'credential':
      return `${what}: no token: ${info.message}`;
    default:
      return `${what}: ${info.status ? `HTTP ${info.status}: ` : ''}${info.message}`;
  }
}

function gap(op: string, scope: CollectionGap['scope'], reason: string, affects?: string[]): CollectionGap {
  const where = [scope.account, scope.container, scope.subjectId].filter(Boolean).join(':') || '*';
  return {
    id: `${PROVIDER}:${where}:${op}${affects ? `:${affects.join('+')}` : ''}`,
    provider: PROVIDER,
    scope,
    operation: op,
    reason,
    ...(affects ? { affects } : {}),
  };
}

const credentialHint =
  'sign in with `az login`; or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (service principal) or AZURE_FEDERATED_TOKEN_FILE (workload identity in CI); AZURE_TOKEN_CREDENTIALS=prod|dev|<CredentialName> narrows the chain. For a sovereign or private cloud set `cloud`, `authorityHost` and `armEndpoint` in providers.azure';

/** Decode the caller's object id (or app id) from a JWT access token, without verifying it. */
function identityFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: string; appid?: string; azp?: string; tid?: string };
    const who = claims.oid ?? claims.appid ?? claims.azp;
    return who ? `${who}${claims.tid ? `@${claims.tid}` : ''}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Collect Key Vault and Managed HSM keys, vault settings, access and diagnostic settings. `overrides`
 * injects a credential (tests, the demo) and observes the operations sent.
 */
export async function collectAzure(
  config: AzureConfig,
  ctx: CollectContext,
  overrides: ClientOverrides = {},
): Promise<ProviderOutput & { clients: AzureClients }> {
  const startedAt = ctx.now().toISOString();
  const clients = createAzureClients(config, overrides);
  const signal = ctx.signal;
  const keys: KeyRecord[] = [];
  const trails: AuditTrail[] = [];
  const gaps: CollectionGap[] = [];

  // 1. A usable credential, or a clear error naming the sources tried.
  let identity: string | undefined;
  try {
    const t = await clients.credential.getToken(clients.endpoints.armScope, { abortSignal: signal });
    if (!t) throw Object.assign(new Error('the credential returned no token'), { name: 'CredentialUnavailableError' });
    identity = identityFromToken(t.token);
  } catch (err) {
    const info = errorInfo(err);
    // MSAL reports an unreachable or untrusted authority as endpoints_resolution_error.
    const unreachable = /endpoints_resolution_error|certificate|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/i.test(info.message)
      ? ` The authority host ${clients.endpoints.authorityHost} could not be reached or its TLS certificate is not trusted: check authorityHost, the network path, and for a private cloud trust its CA with NODE_EXTRA_CA_CERTS.`
      : '';
    throw new UserError({
      message: `azure: no usable credential for ${clients.endpoints.armScope} (authority ${clients.endpoints.authorityHost}). Sources tried: ${info.message.replace(/\s+/g, ' ').trim()}${unreachable}`,
      hint: credentialHint,
    });
  }

  // 2. Subscriptions: the configured ones, or every one the credential can read.
  let subscriptions: string[] = config.subscriptions ?? [];
  if (!config.subscriptions) {
    try {
      subscriptions = (await clients.listSubscriptions(signal)).filter((s) => (s.state ?? 'Enabled').toLowerCase() !== 'disabled').map((s) => s.id);
    } catch (err) {
      gaps.push(gap('arm:ListSubscriptions', {}, gapReason('arm:ListSubscriptions', errorInfo(err), 'could not list subscriptions')));
    }
  }

  // 3. Vaults and role definitions per subscription.
  const work: VaultWork[] = [];
  const roleDefs = new Map<string, Map<string, RawRoleDefinition>>();
  const roleDefGap = new Set<string>();
  await Promise.all(
    subscriptions.map(async (sub) => {
      const account = sub;
      const listed = await Promise.allSettled([
        clients.listVaults(sub, signal),
        config.managedHsm ? clients.listManagedHsms(sub, signal) : Promise.resolve([]),
        clients.listRoleDefinitions(sub, signal),
      ]);
      const [vaults, hsms, defs] = listed;
      if (vaults.status === 'fulfilled') for (const v of vaults.value) work.push({ vault: v, armKnown: true });
      else {
        const info = errorInfo(vaults.reason);
        const what =
          info.kind === 'not-found' || info.code === 'SubscriptionNotFound' || info.code === 'InvalidSubscriptionId'
            ? `subscription ${sub} does not exist or this credential cannot see it (check the id in providers.azure.subscriptions)`
            : `could not list the vaults of subscription ${sub}`;
        gaps.push(gap('arm:ListVaults', { account }, gapReason('arm:ListVaults', info, what)));
      }
      if (hsms.status === 'fulfilled') for (const v of hsms.value) work.push({ vault: v, armKnown: true });
      else if (vaults.status === 'fulfilled')
        gaps.push(
          gap(
            'arm:ListManagedHsms',
            { account },
            gapReason('arm:ListManagedHsms', errorInfo(hsms.reason), `could not list the managed HSMs of subscription ${sub}`),
            ['keys'],
          ),
        );
      if (defs.status === 'fulfilled') roleDefs.set(sub.toLowerCase(), new Map(defs.value.map((d) => [roleDefinitionKey(d.id), d])));
      else if (vaults.status === 'fulfilled') {
        roleDefGap.add(sub.toLowerCase());
        gaps.push(
          gap(
            'arm:ListRoleDefinitions',
            { account },
            gapReason('arm:ListRoleDefinitions', errorInfo(defs.reason), `could not read the role definitions of subscription ${sub}`),
            ['access'],
          ),
        );
      }
    }),
  );

  // 4. Restrict to the configured vault URLs; read listed vaults ARM does not know on their data plane alone.
  let selected = work;
  if (config.vaults) {
    const wanted = new Map(config.vaults.map((u) => [vaultKey(u), u]));
    selected = work.filter((w) => wanted.has(vaultKey(w.vault.uri)));
    const found = new Set(selected.map((w) => vaultKey(w.vault.uri)));
    for (const [k, uri] of wanted) {
      if (found.has(k)) continue;
      const name = vaultNameFromUri(uri);
      const kind = /\.managedhsm\./i.test(new URL(uri).hostname) ? 'managed-hsm' : 'vault';
      selected.push({ vault: { name, kind, uri }, armKnown: false });
      gaps.push(
        gap(
          'arm:ListVaults',
          { container: name },
          `vault ${uri} was not found in any subscription this credential can read: its subscription, location, access, network and deletion settings and diagnostic settings are unknown (list its subscription in providers.azure.subscriptions, or grant Microsoft.KeyVault/vaults/read)`,
          ['account', 'region', 'access', 'network', 'deletion', 'trails'],
        ),
      );
    }
  }
  selected.sort((a, b) => (a.vault.uri < b.vault.uri ? -1 : 1));

  // Log Analytics workspaces are shared by many vaults: read each one's retention once. One that
  // cannot be read leaves retentionDays unknown (rules needing it say `unknown`), with a warning.
  const workspaces = new Map<string, Promise<number | undefined>>();
  const workspaceRetention = (id: string) => {
    const key = id.toLowerCase();
    let p = workspaces.get(key);
    if (!p) {
      p = clients.getWorkspaceRetention(id, signal).catch((err: unknown) => {
        ctx.warn?.(`azure: could not read the retention of Log Analytics workspace ${id}: ${errorInfo(err).message}`);
        return undefined;
      });
      workspaces.set(key, p);
    }
    return p;
  };

  // 5. Each vault: access, logging and keys, in parallel across vaults (each has its own quota).
  let done = 0;
  const total = selected.length;
  await Promise.all(
    selected.map(async ({ vault, armKnown }) => {
      clients.registerVault(vault);
      const scope = { ...(vault.subscriptionId ? { account: vault.subscriptionId } : {}), container: vault.name };
      const sub = vault.subscriptionId ?? '';
      const armTasks =
        armKnown && vault.id
          ? readVaultArm(clients, vault, sub, roleDefs.get(sub.toLowerCase()), roleDefGap.has(sub.toLowerCase()), workspaceRetention, signal)
          : undefined;
      const keyTask = readVaultKeys(clients, vault, config.concurrency, signal);
      const arm = armTasks ? await armTasks : undefined;
      const k = await keyTask;
      if (arm) {
        trails.push(...arm.trails);
        gaps.push(...arm.gaps.map((g) => gap(g.op, scope, g.reason, g.affects)));
      }
      if (vault.kind === 'managed-hsm') {
        gaps.push(
          gap(
            'managedhsm:ListRoleAssignments',
            scope,
            `managed HSM ${vault.name}: key access is decided by the HSM's local RBAC, which this version does not read; who can use its keys is unknown`,
            ['access'],
          ),
        );
      }
      gaps.push(...k.gaps.map((g) => gap(g.op, { ...scope, ...(g.subjectId ? { subjectId: g.subjectId } : {}) }, g.reason, g.affects)));
      for (const item of k.keys) {
        const access =
          arm?.assignments && vault.kind === 'vault'
            ? accessForKey({ vault, keyName: item.key.name, assignments: arm.assignments, roleDefinitions: arm.roleDefinitions })
            : undefined;
        if (item.full) keys.push(normalizeKey({ vault, key: item.key, versions: item.versions, rotation: item.rotation, access }));
        else keys.push(partialKey(vault, item.key, access));
      }
      done++;
      ctx.progress?.({ provider: 'azure', phase: 'vaults', done, total });
    }),
  );

  if (clients.endpoints.graphEndpoint) await namePrincipals(clients, keys, ctx);

  keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  trails.sort((a, b) => (a.id < b.id ? -1 : 1));
  gaps.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    run: { id: 'azure', ...(identity ? { identity } : {}), fills: [...FILLS], startedAt, finishedAt: ctx.now().toISOString() },
    keys,
    trails,
    gaps: dedupe(gaps),
    clients,
  };
}

const GRAPH_KINDS: Record<string, Principal['kind']> = { user: 'user', group: 'group', serviceprincipal: 'service-principal' };

/**
 * Display names and kinds of every principal with access, from Microsoft Graph. Names are what
 * environment and trust-domain matchers usually use; without Graph access they stay absent (a
 * warning says so) and matchers must use object ids.
 */
async function namePrincipals(clients: AzureClients, keys: KeyRecord[], ctx: CollectContext): Promise<void> {
  const ids = [...new Set(keys.flatMap((k) => (k.access ?? []).map((a) => a.principal.id)))].sort();
  const found = new Map<string, DirectoryObject>();
  const sem = new Semaphore(8);
  let failure: string | undefined;
  await Promise.all(
    ids.map((id) =>
      sem.run(async () => {
        if (failure) return;
        try {
          const o = await clients.getDirectoryObject(id, ctx.signal);
          if (o) found.set(id, o);
        } catch (err) {
          failure ??= errorInfo(err).message;
        }
      }),
    ),
  );
  if (failure)
    ctx.warn?.(
      `azure: principal names were not read from Microsoft Graph (${failure}); match principals by object id, or grant the audit identity Directory.Read.All`,
    );
  for (const k of keys) {
    for (const a of k.access ?? []) {
      const o = found.get(a.principal.id);
      if (!o) continue;
      if (o.displayName) a.principal.name = o.displayName;
      const kind = o.servicePrincipalType?.toLowerCase() === 'managedidentity' ? 'managed-identity' : GRAPH_KINDS[(o.type ?? '').toLowerCase()];
      if (kind) a.principal.kind = kind;
    }
  }
}

function dedupe(gaps: CollectionGap[]): CollectionGap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    if (seen.has(g.id)) return false;
    seen.add(g.id);
    return true;
  });
}

/** A key whose details could not be read: what the list said, nothing guessed. */
function partialKey(vault: RawVault, key: RawKey, access: KeyRecord['access']): KeyRecord {
  const rec: KeyRecord = { id: versionlessKeyId(key.kid), provider: PROVIDER, name: key.name, container: vault.name };
  if (vault.subscriptionId) rec.account = vault.subscriptionId;
  if (vault.location) rec.region = vault.location;
  if (key.enabled !== undefined) rec.state = key.enabled ? 'enabled' : 'disabled';
  if (key.expiresOn) rec.expiresAt = key.expiresOn.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Vault-level settings are known even when the key's own details are not.
  const vaultLevel = normalizeKey({ vault, key: { kid: key.kid, name: key.name, tags: key.tags } });
  for (const f of ['tags', 'accessModel', 'network', 'deletion'] as const) if (vaultLevel[f] !== undefined) Object.assign(rec, { [f]: vaultLevel[f] });
  if (access) rec.access = access;
  return rec;
}

interface LocalGap {
  op: string;
  reason: string;
  affects?: string[];
  subjectId?: string;
}

async function readVaultArm(
  clients: AzureClients,
  vault: RawVault,
  sub: string,
  defs: Map<string, RawRoleDefinition> | undefined,
  defsMissing: boolean,
  workspaceRetention: (workspaceId: string) => Promise<number | undefined>,
  signal?: AbortSignal,
): Promise<{ trails: AuditTrail[]; gaps: LocalGap[]; assignments?: RawRoleAssignment[]; roleDefinitions: Map<string, RawRoleDefinition> }> {
  const gaps: LocalGap[] = [];
  const trails: AuditTrail[] = [];
  const id = vault.id as string;
  const [assignments, settings] = await Promise.allSettled([
    vault.kind === 'vault' ? clients.listRoleAssignments(sub, id, signal) : Promise.resolve([] as RawRoleAssignment[]),
    clients.listDiagnosticSettings(sub, id, signal),
  ]);
  if (settings.status === 'fulfilled') {
    for (const s of settings.value) {
      const retention = s.workspaceId ? await workspaceRetention(s.workspaceId) : undefined;
      trails.push(trailFromDiagnosticSetting(vault, s, retention));
    }
  } else
    gaps.push({
      op: 'arm:ListDiagnosticSettings',
      reason: gapReason('arm:ListDiagnosticSettings', errorInfo(settings.reason), `could not read the diagnostic settings of ${vault.name}`),
      affects: ['trails'],
    });
  let list: RawRoleAssignment[] | undefined;
  if (assignments.status === 'fulfilled') list = assignments.value;
  else
    gaps.push({
      op: 'arm:ListRoleAssignments',
      reason: gapReason('arm:ListRoleAssignments', errorInfo(assignments.reason), `could not read the role assignments of ${vault.name}`),
      affects: ['access'],
    });
  const roleDefinitions = defs ?? new Map<string, RawRoleDefinition>();
  if (list && !defsMissing) {
    const missing = [...new Set(list.map((a) => roleDefinitionKey(a.roleDefinitionId)).filter((k) => !roleDefinitions.has(k)))];
    if (missing.length) {
      gaps.push({
        op: 'arm:ListRoleDefinitions',
        reason: `role definition(s) ${missing.join(', ')} used on ${vault.name} are not readable at the subscription scope; what their holders can do is unknown`,
        affects: ['access'],
      });
      list = undefined;
    }
  }
  if (defsMissing) list = undefined;
  return { trails, gaps, assignments: list, roleDefinitions };
}

interface KeyItem {
  key: RawKey;
  full: boolean;
  versions?: import('./normalize.ts').RawVersion[];
  rotation?: import('./normalize.ts').RawRotationPolicy | null;
}

async function readVaultKeys(
  clients: AzureClients,
  vault: RawVault,
  concurrency: number,
  signal?: AbortSignal,
): Promise<{ keys: KeyItem[]; gaps: LocalGap[] }> {
  const kc = clients.keys(vault.uri);
  const sem = new Semaphore(concurrency);
  const items: KeyItem[] = [];
  const gaps: LocalGap[] = [];
  const pending: Promise<void>[] = [];
  let listed = 0;
  const what = vault.kind === 'managed-hsm' ? `managed HSM ${vault.name}` : `vault ${vault.name}`;
  try {
    for await (const page of kc.listKeys(signal)) {
      for (const listedKey of page) {
        listed++;
        pending.push(
          sem.run(async () => {
            const subjectId = versionlessKeyId(listedKey.kid);
            // The key first: its type sets the limit weight of this and the next two requests.
            const reserved = clients.expectedWeight(vault.uri);
            let k: RawKey;
            try {
              k = await clients.withCost(reserved, () => kc.getKey(listedKey.name, signal));
            } catch (err) {
              clients.observeWeight(vault.uri, reserved, reserved);
              gaps.push({
                op: 'keyvault:GetKey',
                subjectId,
                reason: gapReason('keyvault:GetKey', errorInfo(err), `could not read key ${listedKey.name} of ${what}`),
              });
              items.push({ key: listedKey, full: false });
              return;
            }
            const weight = vault.kind === 'managed-hsm' ? 1 : keyTransactionWeight(k.jwk?.kty, rsaBits(k.jwk?.n));
            clients.observeWeight(vault.uri, weight, reserved);
            const [versions, rotation] = await clients.withCost(weight, () =>
              Promise.allSettled([kc.listVersions(listedKey.name, signal), kc.getRotationPolicy(listedKey.name, signal)]),
            );
            const item: KeyItem = { key: k, full: true };
            if (versions.status === 'fulfilled') item.versions = versions.value;
            else
              gaps.push({
                op: 'keyvault:ListKeyVersions',
                subjectId,
                reason: gapReason('keyvault:ListKeyVersions', errorInfo(versions.reason), `could not list the versions of key ${listedKey.name}`),
                affects: ['createdAt', 'versionCount'],
              });
            if (rotation.status === 'fulfilled') item.rotation = rotation.value;
            else
              gaps.push({
                op: 'keyvault:GetKeyRotationPolicy',
                subjectId,
                reason: gapReason('keyvault:GetKeyRotationPolicy', errorInfo(rotation.reason), `could not read the rotation policy of key ${listedKey.name}`),
                affects: ['rotation'],
              });
            items.push(item);
          }),
        );
      }
    }
  } catch (err) {
    const info = errorInfo(err);
    if (info.kind === 'refused') throw err;
    gaps.push({
      op: 'keyvault:ListKeys',
      reason: gapReason(
        'keyvault:ListKeys',
        info,
        listed === 0 ? `could not list the keys of ${what}` : `the key list of ${what} stopped after ${listed} keys; the rest are unknown`,
      ),
      ...(listed === 0 ? {} : { affects: ['keys'] }),
    });
  }
  await Promise.all(pending);
  return { keys: items, gaps };
}

export const azureProvider = defineProvider({
  id: 'azure',
  description: 'Azure Key Vault and Managed HSM keys, vault settings, role assignments and diagnostic settings (Azure SDKs, DefaultAzureCredential)',
  configSchema: AzureConfig,
  operations: OPERATION_NAMES,
  fills: FILLS,
  async collect(config, ctx) {
    // Parsing again is idempotent for a validated policy block and fills the defaults of a block
    // built in code (the demo's).
    const { clients: _clients, ...out } = await collectAzure(AzureConfig.parse(config), ctx);
    return out;
  },
  permissions: azurePermissions,
});

export { AZURE_CLOUDS };
export default azureProvider;
