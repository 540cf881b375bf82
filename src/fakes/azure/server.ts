// An in-process loopback simulator of the Azure endpoints the Azure provider reads, over HTTPS with
// a throwaway certificate: the Entra token endpoint, Azure Resource Manager (subscriptions, vaults,
// managed HSMs, role assignments and definitions, diagnostic settings) and one Key Vault data plane
// per vault, with its 401 bearer challenge. It ships because `keyhygiene demo` uses it; tests and the
// benchmark reuse it. It can enforce the documented per-vault limits, add latency and inject faults.
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createThrowawayCert, type ThrowawayCert } from '../throwaway-cert.ts';
import { armOperation, dataOperation, graphOperation } from './routes.ts';

export interface FakeAzureKey {
  name: string;
  /** RSA, RSA-HSM, EC, EC-HSM, oct-HSM */
  kty: string;
  keyOps: string[];
  /** base64 DER SubjectPublicKeyInfo of the public half (served as JWK members) */
  publicKey?: string;
  /** RSA modulus size when no publicKey is given (for the limit weight) */
  keySize?: number;
  enabled?: boolean;
  /** creation of the current version */
  created: string;
  /** creation of the older versions */
  olderVersions?: string[];
  expires?: string | null;
  notBefore?: string;
  exportable?: boolean;
  managed?: boolean;
  tags?: Record<string, string>;
  rotationPolicy?: {
    lifetimeActions: { action: 'Rotate' | 'Notify'; timeAfterCreate?: string; timeBeforeExpiry?: string }[];
    expiryTime?: string;
  } | null;
}

export interface FakeDiagnosticSetting {
  name: string;
  logs: { category?: string; categoryGroup?: string; enabled: boolean; retentionDays?: number; retentionEnabled?: boolean }[];
  metrics?: boolean;
  workspaceId?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
}

export interface FakeAzureVault {
  name: string;
  kind?: 'vault' | 'managed-hsm';
  resourceGroup: string;
  location: string;
  /** the vault's public URI, which key ids (kid) carry; default https://<name>.vault.azure.net */
  publicUri?: string;
  sku?: string;
  /** Entra tenant of the vault; default the world's */
  tenantId?: string;
  rbac: boolean;
  accessPolicies?: { objectId: string; tenantId?: string; applicationId?: string; keys: string[] }[];
  softDelete?: boolean;
  purgeProtection?: boolean;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  networkDefaultAction?: 'Allow' | 'Deny';
  privateEndpoints?: number;
  tags?: Record<string, string>;
  keys: FakeAzureKey[];
  diagnosticSettings?: FakeDiagnosticSetting[];
  /** forbidden: every data-plane request answers 403; unreachable: nothing listens on its port; silent: connections are accepted and never answered */
  dataPlane?: 'ok' | 'forbidden' | 'unreachable' | 'silent';
  /** ARM reads that answer 403 for this vault */
  armForbidden?: ('roleAssignments' | 'diagnosticSettings')[];
}

export interface FakeRoleDefinition {
  /** GUID */
  name: string;
  roleName: string;
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface FakeRoleAssignment {
  /** GUID; default derived from the other fields */
  name?: string;
  /** full ARM scope: /subscriptions/…, …/resourceGroups/rg, …/vaults/v or …/vaults/v/keys/k */
  scope: string;
  /** GUID of a role definition */
  roleDefinition: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  condition?: string;
}

export interface FakeAzureSubscription {
  id: string;
  displayName?: string;
  vaults: FakeAzureVault[];
  roleDefinitions?: FakeRoleDefinition[];
  roleAssignments?: FakeRoleAssignment[];
}

export interface FakeAzureWorld {
  tenantId: string;
  subscriptions: FakeAzureSubscription[];
  /** Log Analytics workspaces by ARM id: their default retention */
  workspaces?: Record<string, { retentionInDays: number }>;
  /** Microsoft Graph directory objects by object id */
  principals?: Record<string, { displayName: string; type: 'user' | 'group' | 'servicePrincipal'; servicePrincipalType?: string }>;
}

export interface FakeAzureOptions {
  /** added to every ARM and data-plane response */
  latencyMs?: number;
  /** Key Vault list page size (maxresults caps it too); default 25 */
  pageSize?: number;
  /** ARM list page size; default 100 */
  armPageSize?: number;
  /** enforce the documented per-vault and per-subscription Key Vault limits and the ARM read bucket (429 + Retry-After) */
  enforceLimits?: boolean;
  /** Retry-After seconds on a 429; default 1 */
  retryAfterSeconds?: number;
  /** probability that a data-plane request fails with a transient 500/503 (seeded, deterministic) */
  faultRate?: number;
  /** answer the first N requests of these operations with 429 (Retry-After: retryAfterSeconds) */
  throttleFirst?: Record<string, number>;
  /** access-token lifetime in seconds; tokens past it are rejected with 401. Default 3599 */
  tokenLifetimeSeconds?: number;
  /** only this client secret is accepted by the token endpoint; default any */
  clientSecret?: string;
  /** Microsoft Graph answers 403 to every lookup */
  graphForbidden?: boolean;
  /** the challenge's resource (default https://vault.azure.net) */
  vaultResource?: string;
  cert?: ThrowawayCert;
}

export interface FakeAzureStats {
  requests: number;
  throttled: number;
  faults: number;
  tokensIssued: number;
  unauthorized: number;
  /** weighted Key Vault transactions served per vault name */
  vaultCost: Record<string, number>;
  /** weighted Key Vault transactions served per subscription */
  subscriptionCost: Record<string, number>;
  /** ARM requests served per subscription */
  armServed: Record<string, number>;
}

export interface RecordedAzureRequest {
  plane: 'entra' | 'arm' | 'data' | 'graph';
  method: string;
  path: string;
  /** declared operation it matched; undefined = an undeclared request reached the fake */
  operation?: string;
  vault?: string;
  status: number;
}

export interface AzureFake {
  /** the Entra authority host and ARM endpoint (one HTTPS origin) */
  url: string;
  tenantId: string;
  /** vault name → the loopback data-plane URL it is reached at */
  vaultUrls: Record<string, string>;
  cert: ThrowawayCert;
  requests: RecordedAzureRequest[];
  stats: FakeAzureStats;
  /** operation names received (declared ones), deduplicated and sorted */
  operations(): string[];
  /** requests that matched no declared operation */
  undeclared(): RecordedAzureRequest[];
  close(): Promise<void>;
}

export const FAKE_CLIENT_ID = '00000000-0000-0000-0000-00000000c11e';
export const FAKE_CLIENT_SECRET = 'keyhygiene-demo-secret-not-real';
/** The object id of the principal the fake's tokens are issued to. */
export const FAKE_CALLER_OID = '00000000-0000-0000-0000-0000000a0d17';

const BUILT_IN_ROLES: FakeRoleDefinition[] = [
  { name: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', roleName: 'Owner', actions: ['*'] },
  {
    name: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleName: 'Contributor',
    actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
  },
  { name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', actions: ['*/read'] },
  {
    name: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    roleName: 'Key Vault Administrator',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*'],
  },
  {
    name: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    roleName: 'Key Vault Crypto Officer',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
  },
  {
    name: '12338af0-0e69-4776-bea7-57ae8d297424',
    roleName: 'Key Vault Crypto User',
    dataActions: [
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/update/action',
      'Microsoft.KeyVault/vaults/keys/backup/action',
      'Microsoft.KeyVault/vaults/keys/encrypt/action',
      'Microsoft.KeyVault/vaults/keys/decrypt/action',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
      'Microsoft.KeyVault/vaults/keys/sign/action',
      'Microsoft.KeyVault/vaults/keys/verify/action',
    ],
  },
  {
    name: '21090545-7ca7-4776-b22c-e363652d74d2',
    roleName: 'Key Vault Reader',
    actions: ['Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*/read'],
  },
];

const epoch = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);
const hashFraction = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0) / 0x1_0000_0000;
const guid = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
const versionOf = (key: string, created: string) => createHash('sha256').update(`${key}@${created}`).digest('hex').slice(0, 32);

/** Limit weight of one Key Vault transaction on a key, relative to a software RSA-2048 GET. */
function weight(k: FakeAzureKey | undefined, managedHsm: boolean): number {
  if (!k || managedHsm) return 1;
  const hsm = /-HSM$/i.test(k.kty);
  if (!/^RSA/i.test(k.kty)) return hsm ? 2 : 1;
  const bits =
    k.keySize ??
    (k.publicKey
      ? (createPublicKey({ key: Buffer.from(k.publicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength ?? 2048)
      : 2048);
  if (bits <= 2048) return hsm ? 2 : 1;
  if (bits <= 3072) return hsm ? 8 : 4;
  return hsm ? 16 : 8;
}

class Bucket {
  private tokens: number;
  private last = performance.now();
  private readonly rate: number;
  private readonly capacity: number;
  constructor(rate: number, capacity: number) {
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = capacity;
  }
  take(cost: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens + 1e-9 < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The public JWK members (base64url) of an SPKI. */
function jwkOf(publicKey: string | undefined): Record<string, string> {
  if (!publicKey) return {};
  const jwk = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const m of ['n', 'e', 'crv', 'x', 'y']) if (jwk[m]) out[m] = jwk[m] as string;
  if (out.crv === 'secp256k1') out.crv = 'P-256K';
  return out;
}

const normPath = (p: string) => `/${p.replace(/^\/+/, '')}`;

async function listen(server: https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Start the simulator on 127.0.0.1: one origin for Entra and ARM, one per vault. */
export async function startAzureFake(world: FakeAzureWorld, options: FakeAzureOptions = {}): Promise<AzureFake> {
  const cert = options.cert ?? createThrowawayCert();
  const pageSize = options.pageSize ?? 25;
  const armPageSize = options.armPageSize ?? 100;
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const resource = options.vaultResource ?? 'https://vault.azure.net';
  const requests: RecordedAzureRequest[] = [];
  const stats: FakeAzureStats = { requests: 0, throttled: 0, faults: 0, tokensIssued: 0, unauthorized: 0, vaultCost: {}, subscriptionCost: {}, armServed: {} };
  const tokens = new Map<string, number>();
  const throttleLeft = new Map(Object.entries(options.throttleFirst ?? {}));
  const buckets = new Map<string, Bucket>();
  const bucket = (name: string, rate: number, capacity: number) => {
    let b = buckets.get(name);
    if (!b) {
      b = new Bucket(rate, capacity);
      buckets.set(name, b);
    }
    return b;
  };
  const servers: https.Server[] = [];
  const sockets = new Set<{ destroy(): void }>();
  const track = (s: https.Server) => {
    s.on('connection', (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    servers.push(s);
    return s;
  };
  let faultSeq = 0;

  const vaultsByName = new Map<string, { sub: FakeAzureSubscription; vault: FakeAzureVault; id: string }>();
  for (const sub of world.subscriptions) {
    for (const v of sub.vaults) {
      const type = v.kind === 'managed-hsm' ? 'managedHSMs' : 'vaults';
      vaultsByName.set(v.name, {
        sub,
        vault: v,
        id: `/subscriptions/${sub.id}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/${type}/${v.name}`,
      });
    }
  }

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
    res.end(text);
  };
  const delay = () => (options.latencyMs ? new Promise((r) => setTimeout(r, options.latencyMs)) : Promise.resolve());

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = '';
      req.on('data', (c) => {
        b += c;
      });
      req.on('end', () => resolve(b));
    });

  const issueToken = (scope: string): string => {
    const exp = Math.floor(Date.now() / 1000) + lifetime;
    const claims = { aud: scope.replace(/\/\.default$/, ''), tid: world.tenantId, oid: FAKE_CALLER_OID, appid: FAKE_CLIENT_ID, exp, jti: randomUUID() };
    const token = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    tokens.set(token, exp * 1000);
    stats.tokensIssued++;
    return token;
  };
  const tokenValid = (auth: string | undefined) => {
    const t = auth?.replace(/^Bearer\s+/i, '');
    const exp = t ? tokens.get(t) : undefined;
    return exp !== undefined && exp > Date.now();
  };

  const maybeThrottle = (op: string) => {
    const left = throttleLeft.get(op);
    if (left !== undefined && left > 0) {
      throttleLeft.set(op, left - 1);
      stats.throttled++;
      throw new HttpError(429, 'Throttled', 'Request was throttled (injected).', { 'retry-after': retryAfter });
    }
  };

  // ------------------------------------------------------------------ Entra + ARM
  const base = { url: '' };
  const cloud = track(
    https.createServer({ cert: cert.cert, key: cert.key }, async (req, res) => {
      stats.requests++;
      const url = new URL(normPath(req.url ?? '/'), 'https://fake');
      const path = url.pathname;
      const body = await readBody(req);
      // Entra
      const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (oidc) {
        const t = oidc[1];
        requests.push({ plane: 'entra', method: req.method ?? 'GET', path, status: 200 });
        return send(res, 200, {
          token_endpoint: `${base.url}/${t}/oauth2/v2.0/token`,
          authorization_endpoint: `${base.url}/${t}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${base.url}/${t}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${base.url}/${t}/oauth2/v2.0/logout`,
          jwks_uri: `${base.url}/${t}/discovery/v2.0/keys`,
          issuer: `${base.url}/${t}/v2.0`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        });
      }
      if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
        const form = new URLSearchParams(body);
        if (options.clientSecret !== undefined && form.get('client_secret') !== options.clientSecret) {
          requests.push({ plane: 'entra', method: req.method ?? 'POST', path, status: 401 });
          return send(res, 401, {
            error: 'invalid_client',
            error_description:
              'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
            error_codes: [7000215],
          });
        }
        requests.push({ plane: 'entra', method: req.method ?? 'POST', path, status: 200 });
        const scope = form.get('scope') ?? '';
        return send(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueToken(scope.split(' ')[0] ?? '') });
      }
      // Microsoft Graph (same origin as ARM in the fake)
      const graphOp = graphOperation(req.method ?? 'GET', path);
      if (graphOp) {
        const rec: RecordedAzureRequest = { plane: 'graph', method: req.method ?? 'GET', path, operation: graphOp, status: 200 };
        requests.push(rec);
        const id = decodeURIComponent(path.split('/').filter(Boolean).pop() ?? '');
        const p = world.principals?.[id];
        if (!tokenValid(req.headers.authorization)) {
          rec.status = 401;
          return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or expired.' } });
        }
        if (options.graphForbidden) {
          rec.status = 403;
          return send(res, 403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
        }
        if (!p) {
          rec.status = 404;
          return send(res, 404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist.` } });
        }
        return send(res, 200, {
          '@odata.type': `#microsoft.graph.${p.type}`,
          id,
          displayName: p.displayName,
          ...(p.servicePrincipalType ? { servicePrincipalType: p.servicePrincipalType } : {}),
        });
      }
      // ARM
      const op = armOperation(req.method ?? 'GET', path);
      const rec: RecordedAzureRequest = { plane: 'arm', method: req.method ?? 'GET', path, operation: op, status: 200 };
      requests.push(rec);
      await delay();
      try {
        if (!tokenValid(req.headers.authorization)) {
          stats.unauthorized++;
          throw new HttpError(401, 'InvalidAuthenticationToken', 'The access token is missing, invalid or expired.', {
            'www-authenticate': `Bearer authorization_uri="${base.url}/${world.tenantId}", error="invalid_token"`,
          });
        }
        if (!op) throw new HttpError(405, 'MethodNotAllowed', `The fake refuses ${req.method} ${path}: not a declared read operation.`);
        maybeThrottle(op);
        const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? '(tenant)';
        if (options.enforceLimits && !bucket(`arm:${sub}`, 25, 250).take(1)) {
          stats.throttled++;
          throw new HttpError(429, 'TooManyRequests', 'ARM read limit exceeded.', { 'retry-after': retryAfter });
        }
        stats.armServed[sub] = (stats.armServed[sub] ?? 0) + 1;
        const out = armHandle(op, path, url);
        send(res, 200, out);
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', String(err));
        rec.status = e.status;
        send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
      }
    }),
  );

  const findSub = (id: string) => {
    const s = world.subscriptions.find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!s) throw new HttpError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
    return s;
  };
  const pageOf = <T>(items: T[], url: URL): { value: T[]; nextLink?: string } => {
    const start = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
    const value = items.slice(start, start + armPageSize);
    if (start + armPageSize >= items.length) return { value };
    const next = new URL(url.toString().replace('https://fake', base.url));
    next.searchParams.set('$skiptoken', String(start + armPageSize));
    return { value, nextLink: next.toString() };
  };
  const vaultJson = (v: FakeAzureVault, id: string) => {
    const pe = Array.from({ length: v.privateEndpoints ?? 0 }, (_, i) => ({
      id: `${id}/privateEndpointConnections/pe${i}`,
      properties: { privateLinkServiceConnectionState: { status: 'Approved' }, provisioningState: 'Succeeded' },
    }));
    const common = {
      tenantId: v.tenantId ?? world.tenantId,
      enableSoftDelete: v.softDelete ?? true,
      enablePurgeProtection: v.purgeProtection ?? false,
      publicNetworkAccess: v.publicNetworkAccess ?? 'Enabled',
      networkAcls: { defaultAction: v.networkDefaultAction ?? 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
      privateEndpointConnections: pe,
    };
    if (v.kind === 'managed-hsm')
      return {
        id,
        name: v.name,
        type: 'Microsoft.KeyVault/managedHSMs',
        location: v.location,
        tags: v.tags ?? {},
        sku: { family: 'B', name: v.sku ?? 'Standard_B1' },
        properties: { ...common, hsmUri: fake.vaultUrls[v.name], provisioningState: 'Succeeded' },
      };
    return {
      id,
      name: v.name,
      type: 'Microsoft.KeyVault/vaults',
      location: v.location,
      tags: v.tags ?? {},
      properties: {
        ...common,
        sku: { family: 'A', name: v.sku ?? 'standard' },
        vaultUri: fake.vaultUrls[v.name],
        enableRbacAuthorization: v.rbac,
        accessPolicies: (v.accessPolicies ?? []).map((p) => ({
          tenantId: p.tenantId ?? v.tenantId ?? world.tenantId,
          objectId: p.objectId,
          ...(p.applicationId ? { applicationId: p.applicationId } : {}),
          permissions: { keys: p.keys, secrets: [], certificates: [] },
        })),
        provisioningState: 'Succeeded',
      },
    };
  };
  const vaultFromScope = (scope: string) => {
    const m = /\/providers\/Microsoft\.KeyVault\/(?:vaults|managedHSMs)\/([^/]+)/i.exec(scope);
    return m ? vaultsByName.get(m[1] as string) : undefined;
  };

  function armHandle(op: string, path: string, url: URL): unknown {
    switch (op) {
      case 'arm:ListSubscriptions':
        return pageOf(
          world.subscriptions.map((s) => ({
            id: `/subscriptions/${s.id}`,
            subscriptionId: s.id,
            tenantId: world.tenantId,
            displayName: s.displayName ?? s.id,
            state: 'Enabled',
          })),
          url,
        );
      case 'arm:ListVaults':
      case 'arm:ListManagedHsms': {
        const sub = findSub(/^\/subscriptions\/([^/]+)/i.exec(path)?.[1] as string);
        const kind = op === 'arm:ListVaults' ? 'vault' : 'managed-hsm';
        return pageOf(
          sub.vaults.filter((v) => (v.kind ?? 'vault') === kind).map((v) => vaultJson(v, vaultsByName.get(v.name)?.id as string)),
          url,
        );
      }
      case 'arm:ListRoleDefinitions': {
        const sub = findSub(/^\/subscriptions\/([^/]+)/i.exec(path)?.[1] as string);
        const defs = [...BUILT_IN_ROLES, ...(sub.roleDefinitions ?? [])];
        return pageOf(
          defs.map((d) => ({
            id: `/subscriptions/${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${d.name}`,
            name: d.name,
            type: 'Microsoft.Authorization/roleDefinitions',
            properties: {
              roleName: d.roleName,
              type: BUILT_IN_ROLES.includes(d) ? 'BuiltInRole' : 'CustomRole',
              permissions: [
                { actions: d.actions ?? [], notActions: d.notActions ?? [], dataActions: d.dataActions ?? [], notDataActions: d.notDataActions ?? [] },
              ],
              assignableScopes: ['/'],
            },
          })),
          url,
        );
      }
      case 'arm:ListRoleAssignments': {
        const scope = path.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/?$/i, '');
        const sub = findSub(/^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] as string);
        const v = vaultFromScope(scope);
        if (v?.vault.armForbidden?.includes('roleAssignments'))
          throw new HttpError(
            403,
            'AuthorizationFailed',
            `The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '${scope}'.`,
          );
        const s = scope.toLowerCase();
        const related = (sub.roleAssignments ?? []).filter((a) => {
          const as = a.scope.toLowerCase().replace(/\/+$/, '');
          return s === as || s.startsWith(`${as}/`) || as.startsWith(`${s}/`);
        });
        return pageOf(
          related.map((a) => {
            const name = a.name ?? guid(`${a.scope}|${a.roleDefinition}|${a.principalId}`);
            return {
              id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
              name,
              type: 'Microsoft.Authorization/roleAssignments',
              properties: {
                scope: a.scope,
                roleDefinitionId: `/subscriptions/${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinition}`,
                principalId: a.principalId,
                principalType: a.principalType,
                ...(a.condition ? { condition: a.condition, conditionVersion: '2.0' } : {}),
              },
            };
          }),
          url,
        );
      }
      case 'arm:GetWorkspace': {
        const ws = Object.entries(world.workspaces ?? {}).find(([id]) => id.toLowerCase() === path.toLowerCase().replace(/\/+$/, ''));
        if (!ws) throw new HttpError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
        return {
          id: ws[0],
          name: ws[0].split('/').pop(),
          type: 'Microsoft.OperationalInsights/workspaces',
          properties: { retentionInDays: ws[1].retentionInDays },
        };
      }
      case 'arm:ListDiagnosticSettings': {
        const scope = path.replace(/\/providers\/Microsoft\.Insights\/diagnosticSettings\/?$/i, '');
        findSub(/^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] as string);
        const v = vaultFromScope(scope);
        if (!v) throw new HttpError(404, 'ResourceNotFound', `The resource '${scope}' was not found.`);
        if (v.vault.armForbidden?.includes('diagnosticSettings'))
          throw new HttpError(
            403,
            'AuthorizationFailed',
            `The client does not have authorization to perform action 'Microsoft.Insights/diagnosticSettings/read' over scope '${scope}'.`,
          );
        return {
          value: (v.vault.diagnosticSettings ?? []).map((d) => ({
            id: `${v.id}/providers/microsoft.insights/diagnosticSettings/${d.name}`,
            name: d.name,
            type: 'Microsoft.Insights/diagnosticSettings',
            properties: {
              ...(d.workspaceId ? { workspaceId: d.workspaceId } : {}),
              ...(d.storageAccountId ? { storageAccountId: d.storageAccountId } : {}),
              ...(d.eventHubAuthorizationRuleId ? { eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId } : {}),
              logs: d.logs.map((l) => ({
                ...(l.category ? { category: l.category } : {}),
                ...(l.categoryGroup ? { categoryGroup: l.categoryGroup } : {}),
                enabled: l.enabled,
                retentionPolicy: { enabled: l.retentionEnabled ?? l.retentionDays !== undefined, days: l.retentionDays ?? 0 },
              })),
              metrics: [{ category: 'AllMetrics', enabled: d.metrics ?? false, retentionPolicy: { enabled: false, days: 0 } }],
            },
          })),
        };
      }
      default:
        throw new HttpError(405, 'MethodNotAllowed', `not served: ${op}`);
    }
  }

  // ------------------------------------------------------------------ Key Vault data planes
  const fake: AzureFake = {
    url: '',
    tenantId: world.tenantId,
    vaultUrls: {},
    cert,
    requests,
    stats,
    operations: () => [...new Set(requests.map((r) => r.operation).filter((o): o is string => o !== undefined))].sort(),
    undeclared: () => requests.filter((r) => r.plane !== 'entra' && r.operation === undefined),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };

  const keyJson = (v: FakeAzureVault, k: FakeAzureKey, publicUri: string) => {
    const version = versionOf(`${v.name}/${k.name}`, k.created);
    return {
      key: { kid: `${publicUri}/keys/${k.name}/${version}`, kty: k.kty, key_ops: k.keyOps, ...jwkOf(k.publicKey) },
      attributes: {
        enabled: k.enabled ?? true,
        created: epoch(k.created),
        updated: epoch(k.created),
        ...(k.expires ? { exp: epoch(k.expires) } : {}),
        ...(k.notBefore ? { nbf: epoch(k.notBefore) } : {}),
        recoveryLevel: v.purgeProtection ? 'Recoverable' : 'Recoverable+Purgeable',
        ...(k.exportable ? { exportable: true } : {}),
      },
      ...(k.tags ? { tags: k.tags } : {}),
      ...(k.managed ? { managed: true } : {}),
      ...(k.exportable ? { release_policy: { contentType: 'application/json; charset=utf-8', data: Buffer.from('{}').toString('base64url') } } : {}),
    };
  };

  for (const { sub, vault: v } of vaultsByName.values()) {
    const publicUri = (v.publicUri ?? `https://${v.name}.${v.kind === 'managed-hsm' ? 'managedhsm' : 'vault'}.azure.net`).replace(/\/+$/, '');
    const keysByName = new Map(v.keys.map((k) => [k.name.toLowerCase(), k]));
    const weights = new Map(v.keys.map((k) => [k, weight(k, v.kind === 'managed-hsm')]));
    const server = track(
      https.createServer({ cert: cert.cert, key: cert.key }, async (req, res) => {
        stats.requests++;
        const url = new URL(normPath(req.url ?? '/'), 'https://fake');
        const path = url.pathname;
        await readBody(req);
        if (v.dataPlane === 'silent') return; // like a firewall that drops packets: never answer
        const op = dataOperation(req.method ?? 'GET', path);
        const rec: RecordedAzureRequest = { plane: 'data', method: req.method ?? 'GET', path, operation: op, vault: v.name, status: 200 };
        requests.push(rec);
        try {
          if (!req.headers.authorization) {
            throw new HttpError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', {
              'www-authenticate': `Bearer authorization="${base.url}/${v.tenantId ?? world.tenantId}", resource="${resource}"`,
            });
          }
          if (!tokenValid(req.headers.authorization)) {
            stats.unauthorized++;
            throw new HttpError(401, 'Unauthorized', 'AKV10022: Invalid audience or expired token.', {
              'www-authenticate': `Bearer authorization="${base.url}/${v.tenantId ?? world.tenantId}", resource="${resource}"`,
            });
          }
          await delay();
          if (!op) throw new HttpError(405, 'MethodNotAllowed', `The fake refuses ${req.method} ${path}: not a declared read operation.`);
          if (v.dataPlane === 'forbidden')
            throw new HttpError(
              403,
              'Forbidden',
              `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/read' Vault: ${v.name}`,
            );
          maybeThrottle(op);
          const keyName = decodeURIComponent(/^\/keys\/([^/]+)/.exec(path)?.[1] ?? '');
          const key = keyName ? keysByName.get(keyName.toLowerCase()) : undefined;
          const cost = op === 'keyvault:ListKeys' || !key ? 1 : (weights.get(key) ?? 1);
          if (options.enforceLimits) {
            const perVault = v.kind === 'managed-hsm' ? 1100 : 400;
            const vb = bucket(`kv:${v.name}`, perVault, perVault);
            const sb = v.kind === 'managed-hsm' ? undefined : bucket(`kvsub:${sub.id}`, 2000, 2000);
            if (!vb.take(cost) || (sb && !sb.take(cost))) {
              stats.throttled++;
              throw new HttpError(429, 'Throttled', 'Rate limit is exceeded. Try again in 1 seconds.', { 'retry-after': retryAfter });
            }
          }
          stats.vaultCost[v.name] = (stats.vaultCost[v.name] ?? 0) + cost;
          if (v.kind !== 'managed-hsm') stats.subscriptionCost[sub.id] = (stats.subscriptionCost[sub.id] ?? 0) + cost;
          if (options.faultRate && hashFraction(`${v.name}|${faultSeq++}`) < options.faultRate) {
            stats.faults++;
            const status = faultSeq % 2 ? 500 : 503;
            throw new HttpError(status, status === 500 ? 'InternalServerError' : 'ServiceUnavailable', 'Injected transient fault.');
          }
          send(res, 200, dataHandle(op, key, keyName, url));
        } catch (err) {
          const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', String(err));
          rec.status = e.status;
          send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
        }
      }),
    );

    function dataHandle(op: string, key: FakeAzureKey | undefined, keyName: string, url: URL): unknown {
      if (op === 'keyvault:ListKeys') {
        const start = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
        const size = Math.min(pageSize, Number(url.searchParams.get('maxresults') ?? pageSize) || pageSize);
        const value = v.keys.slice(start, start + size).map((k) => ({
          kid: `${publicUri}/keys/${k.name}`,
          attributes: { enabled: k.enabled ?? true, created: epoch(k.created), updated: epoch(k.created), ...(k.expires ? { exp: epoch(k.expires) } : {}) },
          ...(k.tags ? { tags: k.tags } : {}),
          ...(k.managed ? { managed: true } : {}),
        }));
        const more = start + size < v.keys.length;
        return {
          value,
          nextLink: more
            ? `${fake.vaultUrls[v.name]}keys?api-version=${url.searchParams.get('api-version') ?? '2025-07-01'}&$skiptoken=${start + size}&maxresults=${size}`
            : null,
        };
      }
      if (!key) throw new HttpError(404, 'KeyNotFound', `A key with (name/id) ${keyName} was not found in this key vault.`);
      if (op === 'keyvault:GetKey') return keyJson(v, key, publicUri);
      if (op === 'keyvault:ListKeyVersions') {
        const all = [...(key.olderVersions ?? []), key.created];
        return {
          value: all.map((c) => ({
            kid: `${publicUri}/keys/${key.name}/${versionOf(`${v.name}/${key.name}`, c)}`,
            attributes: { enabled: true, created: epoch(c), updated: epoch(c) },
          })),
          nextLink: null,
        };
      }
      if (op === 'keyvault:GetKeyRotationPolicy') {
        if (!key.rotationPolicy) throw new HttpError(404, 'KeyNotFound', `Rotation policy for key ${key.name} was not found.`);
        return {
          id: `${publicUri}/keys/${key.name}/rotationpolicy`,
          lifetimeActions: key.rotationPolicy.lifetimeActions.map((a) => ({
            trigger: {
              ...(a.timeAfterCreate ? { timeAfterCreate: a.timeAfterCreate } : {}),
              ...(a.timeBeforeExpiry ? { timeBeforeExpiry: a.timeBeforeExpiry } : {}),
            },
            action: { type: a.action },
          })),
          attributes: {
            ...(key.rotationPolicy.expiryTime ? { expiryTime: key.rotationPolicy.expiryTime } : {}),
            created: epoch(key.created),
            updated: epoch(key.created),
          },
        };
      }
      throw new HttpError(405, 'MethodNotAllowed', `not served: ${op}`);
    }

    const port = await listen(server);
    fake.vaultUrls[v.name] = `https://127.0.0.1:${port}/`;
    if (v.dataPlane === 'unreachable') {
      // Nothing listens there any more: connections are refused, as behind a firewall or private endpoint.
      await new Promise<void>((r) => server.close(() => r()));
      servers.splice(servers.indexOf(server), 1);
    }
  }

  const port = await listen(cloud);
  base.url = `https://127.0.0.1:${port}`;
  fake.url = base.url;
  return fake;
}
