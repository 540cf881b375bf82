// Pure mapping from what the Azure APIs return (already reduced by client.ts to the plain shapes
// below) to the normalized model. No I/O, no SDK import, no clock.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { fingerprintsFromJwk } from '../../crypto/fingerprint.ts';
import { type AccessEntry, CAPABILITIES, type Capability, type Principal } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { KeyRecord, KeyUsage } from '../../model/key-record.ts';

export const PROVIDER = 'azure-keyvault';

export interface RawVault {
  /** ARM resource id, e.g. /subscriptions/…/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/name */
  id?: string;
  name: string;
  kind: 'vault' | 'managed-hsm';
  /** Data-plane URI, e.g. https://name.vault.azure.net/ */
  uri: string;
  subscriptionId?: string;
  location?: string;
  tenantId?: string;
  sku?: string;
  /** true: Azure RBAC decides data access; false: vault access policies do. */
  rbac?: boolean;
  accessPolicies?: RawAccessPolicy[];
  softDelete?: boolean;
  purgeProtection?: boolean;
  publicNetworkAccess?: string;
  networkDefaultAction?: string;
  approvedPrivateEndpoints?: number;
  tags?: Record<string, string>;
}

export interface RawAccessPolicy {
  tenantId?: string;
  objectId: string;
  applicationId?: string;
  keys: string[];
}

export interface RawJwk {
  kid?: string;
  kty?: string;
  keyOps?: string[];
  n?: Uint8Array;
  e?: Uint8Array;
  crv?: string;
  x?: Uint8Array;
  y?: Uint8Array;
}

export interface RawKey {
  /** Versioned key id as the service returned it: https://vault/keys/name/version */
  kid: string;
  name: string;
  jwk?: RawJwk;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
  exportable?: boolean;
  /** null: the key has none; undefined: not read */
  releasePolicy?: RawReleasePolicy | null;
  managed?: boolean;
  tags?: Record<string, string>;
  /** a soft-deleted key (Get Deleted Keys): recoverable until it is purged */
  deleted?: { deletedOn?: Date; scheduledPurgeDate?: Date };
}

export interface RawReleasePolicy {
  contentType?: string;
  /** the policy as the service stores it (UTF-8 JSON) */
  encoded?: Uint8Array;
  immutable?: boolean;
}

/** What GetKeyAttestation returned (Managed HSM); `available: false` when the service offers none for the key. */
export interface RawAttestation {
  available: boolean;
  privateKeyAttestation?: Uint8Array;
  publicKeyAttestation?: Uint8Array;
  version?: string;
}

export interface RawVersion {
  version?: string;
  createdOn?: Date;
  enabled?: boolean;
}

export interface RawLifetimeAction {
  action: string;
  timeAfterCreate?: string;
  timeBeforeExpiry?: string;
}

export interface RawRotationPolicy {
  lifetimeActions: RawLifetimeAction[];
  expiresIn?: string;
}

export interface RawRoleAssignment {
  id: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType?: string;
  condition?: string;
  /** a PIM-eligible assignment: the principal may activate the role (roleEligibilityScheduleInstances) */
  eligible?: boolean;
}

export interface RawPermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RawRoleDefinition {
  id: string;
  roleName?: string;
  permissions: RawPermission[];
}

export interface RawDiagnosticLog {
  category?: string;
  categoryGroup?: string;
  enabled: boolean;
  retention?: { enabled: boolean; days?: number };
}

export interface RawDiagnosticSetting {
  id: string;
  name: string;
  logs: RawDiagnosticLog[];
  metricsEnabled?: boolean;
  workspaceId?: string;
  /** `Dedicated`: resource-specific Log Analytics tables; absent or null: AzureDiagnostics */
  logAnalyticsDestinationType?: string;
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
  marketplacePartnerId?: string;
}

// ---------------------------------------------------------------------------------------------
// Identity helpers

/** `https://vault.vault.azure.net/keys/name/version` → `https://vault.vault.azure.net/keys/name`. */
export function versionlessKeyId(kid: string): string {
  const u = new URL(kid);
  const parts = u.pathname.split('/').filter(Boolean);
  return `${u.origin}/keys/${parts[1] ?? ''}`;
}

/** The vault name a data-plane URI names: its first DNS label, or the host for an IP address. */
export function vaultNameFromUri(uri: string): string {
  const host = new URL(uri).hostname;
  return /^[\d.]+$/.test(host) || host.includes(':') ? host : (host.split('.')[0] as string);
}

/** Origin of a vault URI, lower-case, without a trailing slash: the key for matching vaults. */
export const vaultKey = (uri: string): string => new URL(uri).origin.toLowerCase();

// ---------------------------------------------------------------------------------------------
// Durations

/** Days in an ISO 8601 duration (P90D, P1Y, P3M, P2W, P1Y2M3DT4H). Years count 365 days, months 30. */
export function isoDurationDays(d: string | undefined): number | undefined {
  if (!d) return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      d.trim(),
    );
  if (!m || d.trim().toUpperCase() === 'P' || d.trim().toUpperCase().endsWith('T')) return undefined;
  const [y, mo, w, day, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  return (y as number) * 365 + (mo as number) * 30 + (w as number) * 7 + (day as number) + (h as number) / 24 + (mi as number) / 1440 + (s as number) / 86_400;
}

/** Automatic rotation and its period from a Key Vault rotation policy (null = the key has none). */
export function rotationFromPolicy(policy: RawRotationPolicy | null): { automatic: boolean; periodDays?: number } {
  const rotate = policy?.lifetimeActions.find((a) => a.action.toLowerCase() === 'rotate');
  if (!rotate) return { automatic: false };
  let period = isoDurationDays(rotate.timeAfterCreate);
  if (period === undefined && rotate.timeBeforeExpiry) {
    const expiry = isoDurationDays(policy?.expiresIn);
    const before = isoDurationDays(rotate.timeBeforeExpiry);
    if (expiry !== undefined && before !== undefined && expiry > before) period = expiry - before;
  }
  return period !== undefined && period > 0 ? { automatic: true, periodDays: Math.round(period * 1000) / 1000 } : { automatic: true };
}

// ---------------------------------------------------------------------------------------------
// Keys

const KEY_OPS: Record<string, KeyUsage> = {
  sign: 'sign',
  verify: 'verify',
  encrypt: 'encrypt',
  decrypt: 'decrypt',
  wrapkey: 'wrap',
  unwrapkey: 'unwrap',
};
const USAGE_ORDER = ['sign', 'verify', 'encrypt', 'decrypt', 'mac', 'wrap', 'unwrap', 'agree'] as const;

const b64url = (b: Uint8Array | undefined): string | undefined => (b?.length ? Buffer.from(b).toString('base64url') : undefined);

function keyTypeOf(kty: string | undefined): KeyRecord['keyType'] {
  const base = (kty ?? '').replace(/-HSM$/i, '').toUpperCase();
  if (base === 'RSA') return 'RSA';
  if (base === 'EC') return 'EC';
  if (base === 'OCT') return 'AES';
  if (base === 'OKP') return 'OKP';
  return kty ? 'OTHER' : undefined;
}

/** The public JWK (base64url members) of an asymmetric key; undefined for symmetric keys. */
export function publicJwk(jwk: RawJwk | undefined): Record<string, string> | undefined {
  if (!jwk) return undefined;
  const type = keyTypeOf(jwk.kty);
  if (type === 'RSA') {
    const n = b64url(jwk.n);
    const e = b64url(jwk.e);
    return n && e ? { kty: 'RSA', n, e } : undefined;
  }
  if (type === 'EC' && jwk.crv) {
    const x = b64url(jwk.x);
    const y = b64url(jwk.y);
    return x && y ? { kty: 'EC', crv: jwk.crv === 'P-256K' ? 'secp256k1' : jwk.crv, x, y } : undefined;
  }
  return undefined;
}

/** Per-10-second Key Vault limit class of a key: its weight relative to a software RSA-2048 GET. */
export function keyTransactionWeight(kty: string | undefined, bits: number | undefined): number {
  const hsm = /-HSM$/i.test(kty ?? '');
  const rsa = /^RSA/i.test(kty ?? '');
  if (!rsa || bits === undefined || bits <= 2048) return hsm ? 2 : 1;
  if (bits <= 3072) return hsm ? 8 : 4;
  return hsm ? 16 : 8;
}

export function rsaBits(n: Uint8Array | undefined): number | undefined {
  if (!n || n.length === 0) return undefined;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return undefined;
  return (n.length - i - 1) * 8 + Math.floor(Math.log2(n[i] as number)) + 1;
}

export interface KeyInput {
  vault: RawVault;
  key: RawKey;
  /** Versions of the key; undefined when they could not be listed. */
  versions?: RawVersion[];
  /** Rotation policy: null = none set, undefined = could not be read. */
  rotation?: RawRotationPolicy | null;
  /** Access entries; undefined when access could not be read. */
  access?: AccessEntry[];
  /** Key attestation (Managed HSM); undefined when not read. */
  attestation?: RawAttestation;
}

const iso = (d: Date | undefined): string | undefined => (d && !Number.isNaN(d.getTime()) ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

/**
 * One Key Vault or Managed HSM key as a KeyRecord. Tags: the vault's tags are inherited and the
 * key's own tags win on conflict (the key is the more specific statement).
 */
export function normalizeKey(input: KeyInput): KeyRecord {
  const { vault, key, versions, rotation, access } = input;
  const jwk = key.jwk;
  const kty = jwk?.kty;
  const keyType = keyTypeOf(kty);
  const id = versionlessKeyId(key.kid);
  const rec: KeyRecord = { id, provider: PROVIDER, name: key.name };
  if (vault.subscriptionId) rec.account = vault.subscriptionId;
  if (vault.location) rec.region = vault.location;
  rec.container = vault.name;
  rec.managedBy = 'customer';
  if (jwk?.keyOps) {
    const set = new Set(jwk.keyOps.map((o) => KEY_OPS[o.toLowerCase()]).filter((u): u is KeyUsage => u !== undefined));
    rec.usage = USAGE_ORDER.filter((u) => set.has(u));
  }
  if (keyType) rec.keyType = keyType;
  if (keyType === 'RSA') {
    const bits = rsaBits(jwk?.n);
    if (bits) rec.keySize = bits;
  }
  if (keyType === 'EC' && jwk?.crv) rec.curve = jwk.crv;
  if (kty) rec.protection = /-HSM$/i.test(kty) || vault.kind === 'managed-hsm' ? 'hsm' : 'software';
  rec.exportable = key.exportable === true;
  if (key.releasePolicy !== undefined) rec.releasePolicy = decodeReleasePolicy(key.releasePolicy);
  if (input.attestation) Object.assign(rec, custodyFromAttestation(input.attestation));
  if (key.enabled !== undefined) rec.state = key.enabled ? 'enabled' : 'disabled';
  if (key.deleted) rec.state = 'pending-deletion';
  const created = versions?.map((v) => iso(v.createdOn)).filter((d): d is string => d !== undefined) ?? [];
  const current = iso(key.createdOn);
  if (current) created.push(current);
  created.sort();
  if (created[0]) rec.createdAt = created[0];
  if (current) rec.currentVersionCreatedAt = current;
  if (versions) rec.versionCount = Math.max(versions.length, 1);
  if (rotation !== undefined) {
    const r = rotationFromPolicy(rotation);
    rec.rotation = { supported: key.managed !== true, automatic: r.automatic, ...(r.periodDays !== undefined ? { periodDays: r.periodDays } : {}) };
    // The current version replaced an older one: that was the last rotation.
    if (current && versions && versions.length > 1) rec.rotation.lastRotatedAt = current;
    if (current && r.automatic && r.periodDays !== undefined) rec.rotation.nextRotationAt = iso(new Date(Date.parse(current) + r.periodDays * 86_400_000));
  } else {
    rec.rotation = { supported: key.managed !== true };
  }
  if (rotation !== undefined) {
    // Only the rotation policy's Notify action is read (Event Grid subscriptions are not): declare
    // other alerting with the key-age-alerting rule's tag.
    const notify = rotation?.lifetimeActions.find((a) => a.action.toLowerCase() === 'notify' && a.timeBeforeExpiry);
    const days = isoDurationDays(notify?.timeBeforeExpiry);
    rec.alerts = { nearExpiry: notify !== undefined, ...(days !== undefined ? { notifyBeforeDays: Math.floor(days) } : {}), source: 'azure-rotation-policy' };
  }
  rec.expiresAt = iso(key.expiresOn) ?? null;
  const nbf = iso(key.notBefore);
  if (nbf) rec.notBefore = nbf;
  if (vault.softDelete !== undefined || vault.purgeProtection !== undefined) {
    rec.deletion = { protected: vault.softDelete !== false && vault.purgeProtection === true };
  }
  const purge = iso(key.deleted?.scheduledPurgeDate);
  if (purge) rec.deletion = { ...rec.deletion, scheduledAt: purge };
  const tags = { ...(vault.tags ?? {}), ...(key.tags ?? {}) };
  if (Object.keys(tags).length) rec.tags = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (access) rec.access = access;
  if (vault.kind === 'managed-hsm') rec.accessModel = 'rbac';
  else if (vault.rbac !== undefined) rec.accessModel = vault.rbac ? 'rbac' : 'access-policy';
  if (vault.publicNetworkAccess !== undefined || vault.approvedPrivateEndpoints !== undefined) {
    rec.network = {
      publicAccess: (vault.publicNetworkAccess ?? 'Enabled').toLowerCase() !== 'disabled' && (vault.networkDefaultAction ?? 'Allow').toLowerCase() !== 'deny',
      privateEndpoint: (vault.approvedPrivateEndpoints ?? 0) > 0,
    };
  }
  const pub = publicJwk(jwk);
  if (pub) {
    rec.fingerprints = fingerprintsFromJwk(pub);
    rec.publicKey = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' })
      .export({ format: 'der', type: 'spki' })
      .toString('base64');
  }
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Custody: release policy and key attestation

/** Release policies are small JSON documents; anything larger is not decoded. */
const MAX_POLICY_BYTES = 64 * 1024;

/** The release policy as the record keeps it: the decoded JSON, or why it could not be decoded. */
export function decodeReleasePolicy(p: RawReleasePolicy | null): KeyRecord['releasePolicy'] {
  if (p === null) return null;
  const out: NonNullable<KeyRecord['releasePolicy']> = {};
  if (p.immutable !== undefined) out.immutable = p.immutable;
  if (p.contentType) out.contentType = p.contentType;
  const bytes = p.encoded;
  if (!bytes?.length) return { ...out, undecodable: 'the service returned no policy content' };
  if (bytes.length > MAX_POLICY_BYTES) return { ...out, undecodable: `the policy is ${bytes.length} bytes, over the ${MAX_POLICY_BYTES}-byte limit` };
  try {
    out.document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    out.undecodable = `not UTF-8 JSON (${(err as Error).message.split('\n')[0]})`;
  }
  return out;
}

/** Marvell LiquidSecurity attribute ids (PKCS#11 CKA_LOCAL, CKA_NEVER_EXTRACTABLE). */
const OBJ_ATTR_LOCAL = 0x163;
const OBJ_ATTR_NEVER_EXTRACTABLE = 0x164;

/**
 * A boolean attribute of a Marvell attestation: the one `type (u32 BE), length 1 (u32 BE), 0|1` record
 * for `type`. Undefined when it is absent or appears more than once (then the blob is not understood).
 */
export function marvellFlag(blob: Uint8Array, type: number): boolean | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const hits: boolean[] = [];
  for (let i = 0; i + 9 <= b.length; i++) {
    if (b.readUInt32BE(i) !== type || b.readUInt32BE(i + 4) !== 1) continue;
    const v = b[i + 8];
    if (v === 0 || v === 1) hits.push(v === 1);
  }
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Custody facts from a Managed HSM key attestation: origin generated when the private (or secret)
 * key's attestation says it is local (CKA_LOCAL), imported when it is not; generatedInHsm when it is
 * local and was never extractable.
 * The attestation's certificate chain is not verified here; it is read from the service over TLS.
 */
export function custodyFromAttestation(a: RawAttestation): Pick<KeyRecord, 'attestation' | 'origin'> {
  if (!a.available) return { attestation: { available: false } };
  const blob = a.privateKeyAttestation ?? a.publicKeyAttestation;
  const local = blob ? marvellFlag(blob, OBJ_ATTR_LOCAL) : undefined;
  const never = blob ? marvellFlag(blob, OBJ_ATTR_NEVER_EXTRACTABLE) : undefined;
  const generatedInHsm = local === undefined || never === undefined ? undefined : local && never;
  const attestation: NonNullable<KeyRecord['attestation']> = {
    available: true,
    format: 'marvell',
    ...(generatedInHsm !== undefined ? { generatedInHsm } : {}),
  };
  // CKA_LOCAL alone says where the material was made; exportability is its own fact (`exportable`).
  if (local === undefined) return { attestation };
  return { attestation, origin: local ? 'generated' : 'imported' };
}

// ---------------------------------------------------------------------------------------------
// Access: RBAC role assignments and vault access policies

const KV = 'Microsoft.KeyVault/vaults';
const MHSM = 'Microsoft.KeyVault/managedHsm';

/** Concrete data actions that confer each capability (Key Vault, then Managed HSM local RBAC). */
const DATA_ACTIONS: ReadonlyArray<readonly [Capability, readonly string[]]> = [
  ['read', [`${KV}/keys/read`, `${MHSM}/keys/read/action`]],
  ['use-sign', [`${KV}/keys/sign/action`, `${MHSM}/keys/sign/action`]],
  ['use-verify', [`${KV}/keys/verify/action`, `${MHSM}/keys/verify/action`]],
  ['use-encrypt', [`${KV}/keys/encrypt/action`, `${MHSM}/keys/encrypt/action`]],
  ['use-decrypt', [`${KV}/keys/decrypt/action`, `${MHSM}/keys/decrypt/action`]],
  ['use-wrap', [`${KV}/keys/wrap/action`, `${MHSM}/keys/wrap/action`]],
  ['use-unwrap', [`${KV}/keys/unwrap/action`, `${MHSM}/keys/unwrap/action`]],
  ['export', [`${KV}/keys/release/action`, `${MHSM}/keys/release/action`, `${MHSM}/keys/export/action`]],
  [
    'administer',
    [
      `${KV}/keys/write`,
      `${KV}/keys/delete`,
      `${KV}/keys/create/action`,
      `${KV}/keys/import/action`,
      `${KV}/keys/rotate/action`,
      `${KV}/keys/purge/action`,
      `${KV}/keyrotationpolicies/write`,
      `${MHSM}/keys/write/action`,
      `${MHSM}/keys/delete`,
      `${MHSM}/keys/create`,
      `${MHSM}/keys/import/action`,
      `${MHSM}/roleAssignments/write/action`,
    ],
  ],
];

/**
 * Management actions that amount to administering every key of a vault: changing its access
 * policies or its permission model, or assigning roles (and so granting oneself any data action).
 */
const ADMIN_ACTIONS = [`${KV}/write`, `${KV}/accessPolicies/write`, 'Microsoft.KeyVault/managedHSMs/write', 'Microsoft.Authorization/roleAssignments/write'];

const patternCache = new Map<string, RegExp>();
/** Azure permission patterns: `*` matches any run of characters; comparison is case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    patternCache.set(pattern, re);
  }
  return re.test(action);
}

/** The concrete actions behind these capabilities (data actions, and the management actions of administer). */
function actionsOf(caps: ReadonlySet<Capability>): string[] {
  const out = DATA_ACTIONS.filter(([cap]) => caps.has(cap)).flatMap(([, actions]) => actions);
  return caps.has('administer') ? [...out, ...ADMIN_ACTIONS] : out;
}

const ACTION_MATCHES = /ActionMatches\s*\{\s*'([^']+)'\s*\}/gi;

/**
 * Does a role assignment condition (ABAC, version 2.0) limit any of these actions? Its clauses read
 * `!(ActionMatches{'A'}) OR (<attribute test>)`: actions named in ActionMatches are limited, others
 * pass. A condition naming no action limits every action the role grants.
 */
export function conditionLimits(condition: string, actions: readonly string[]): boolean {
  const named = [...condition.matchAll(ACTION_MATCHES)].map((m) => m[1] as string);
  if (named.length === 0) return true;
  return named.some((n) => actions.some((a) => actionMatches(n, a) || actionMatches(a, n)));
}

const allowedBy = (allow: string[], deny: string[], action: string): boolean =>
  allow.some((p) => actionMatches(p, action)) && !deny.some((p) => actionMatches(p, action));

const capOrder = (a: Capability, b: Capability) => CAPABILITIES.indexOf(a) - CAPABILITIES.indexOf(b);

/** Capabilities a role definition grants on keys: data actions, plus administer from management actions. */
export function roleCapabilities(def: RawRoleDefinition): { data: Capability[]; admin: boolean } {
  const data = new Set<Capability>();
  let admin = false;
  for (const p of def.permissions) {
    for (const [cap, actions] of DATA_ACTIONS) if (actions.some((a) => allowedBy(p.dataActions, p.notDataActions, a))) data.add(cap);
    if (ADMIN_ACTIONS.some((a) => allowedBy(p.actions, p.notActions, a))) admin = true;
  }
  return { data: [...data].sort(capOrder), admin };
}

/** Key permissions of a vault access policy → capabilities. */
const POLICY_PERMS: Record<string, Capability[]> = {
  get: ['read'],
  list: ['read'],
  sign: ['use-sign'],
  verify: ['use-verify'],
  encrypt: ['use-encrypt'],
  decrypt: ['use-decrypt'],
  wrapkey: ['use-wrap'],
  unwrapkey: ['use-unwrap'],
  release: ['export'],
  create: ['administer'],
  import: ['administer'],
  update: ['administer'],
  delete: ['administer'],
  recover: ['administer'],
  restore: ['administer'],
  backup: ['administer'],
  purge: ['administer'],
  rotate: ['administer'],
  setrotationpolicy: ['administer'],
};
const ALL_POLICY_CAPS: Capability[] = ['read', 'use-sign', 'use-verify', 'use-encrypt', 'use-decrypt', 'use-wrap', 'use-unwrap', 'export', 'administer'];

export function accessPolicyCapabilities(perms: readonly string[]): Capability[] {
  const out = new Set<Capability>();
  for (const p of perms) {
    const k = p.toLowerCase();
    if (k === 'all') for (const c of ALL_POLICY_CAPS) out.add(c);
    for (const c of POLICY_PERMS[k] ?? []) out.add(c);
  }
  return [...out].sort(capOrder);
}

const PRINCIPAL_TYPES: Record<string, Principal['kind']> = {
  user: 'user',
  group: 'group',
  foreigngroup: 'group',
  serviceprincipal: 'service-principal',
  managedidentity: 'managed-identity',
  device: 'service-principal',
};

/** Principal kind from a role assignment's principalType; unknown types are reported as service principals. */
export const principalKind = (t: string | undefined): Principal['kind'] => PRINCIPAL_TYPES[(t ?? '').toLowerCase()] ?? 'service-principal';

const lower = (s: string) => s.toLowerCase().replace(/\/+$/, '');

/** Does a role assignment at `scope` apply to the resource `resourceId` (same or a parent scope)? */
export function scopeCovers(scope: string, resourceId: string): boolean {
  const s = lower(scope);
  if (s === '' || s.startsWith('/providers/microsoft.management/managementgroups/')) return true;
  const r = lower(resourceId);
  return r === s || r.startsWith(`${s}/`);
}

export interface AccessInput {
  vault: RawVault;
  keyName: string;
  assignments: readonly RawRoleAssignment[];
  /** Role definitions by lower-cased id. */
  roleDefinitions: ReadonlyMap<string, RawRoleDefinition>;
}

/** Role definition ids are compared by their final GUID, since ARM returns them under various scopes. */
export const roleDefinitionKey = (id: string): string => (id.split('/').pop() ?? id).toLowerCase();

/**
 * Who can do what with one key. RBAC vaults: every role assignment at the subscription, resource
 * group, vault or key scope, through its role's data actions (and administer through management
 * actions). Access-policy vaults: the access policies, plus administer for anyone whose role can
 * rewrite them.
 */
export function accessForKey(input: AccessInput): AccessEntry[] {
  const { vault, keyName, assignments, roleDefinitions } = input;
  const keyResource = `${vault.id ?? ''}/keys/${keyName}`;
  const tenant = vault.tenantId;
  const out: AccessEntry[] = [];
  const typeById = new Map<string, string>();
  for (const a of assignments) if (a.principalType) typeById.set(a.principalId.toLowerCase(), a.principalType);
  for (const a of assignments) {
    if (!scopeCovers(a.scope, keyResource)) continue;
    const def = roleDefinitions.get(roleDefinitionKey(a.roleDefinitionId));
    if (!def) continue;
    const { data, admin } = roleCapabilities(def);
    const caps = new Set<Capability>(vault.rbac === false ? [] : data);
    if (admin) caps.add('administer');
    if (caps.size === 0) continue;
    const principal: Principal = { kind: principalKind(a.principalType), id: a.principalId, ...(tenant ? { account: tenant, tenant } : {}) };
    out.push(rbacEntry(a, principal, caps));
  }
  if (vault.rbac === false) {
    for (const p of vault.accessPolicies ?? []) {
      const caps = accessPolicyCapabilities(p.keys);
      if (caps.length === 0) continue;
      const account = p.tenantId ?? tenant;
      const principal: Principal = {
        kind: principalKind(typeById.get(p.objectId.toLowerCase())),
        id: p.objectId,
        ...(account ? { account, tenant: account } : {}),
      };
      const entry: AccessEntry = {
        principal,
        capabilities: caps,
        source: 'access-policy',
        sourceId: `${vault.id ?? vault.uri}/accessPolicies/${p.objectId}${p.applicationId ? `+${p.applicationId}` : ''}`,
      };
      if (p.applicationId) entry.conditions = [{ key: 'azure:applicationId', operator: 'compound-identity', values: [p.applicationId] }];
      out.push(entry);
    }
  }
  return out.sort((a, b) => cmp(a.principal.id, b.principal.id) || cmp(a.source, b.source) || cmp(a.sourceId ?? '', b.sourceId ?? ''));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One role assignment's entry. A PIM-eligible assignment is access the principal can take on by
 * activating it (with the approval, MFA or justification PIM asks): kept, with that condition.
 */
function rbacEntry(a: RawRoleAssignment, principal: Principal, caps: ReadonlySet<Capability>): AccessEntry {
  const entry: AccessEntry = { principal, capabilities: [...caps].sort(capOrder), source: 'rbac', sourceId: a.id };
  const conditions = a.eligible ? [{ key: 'azure:pim-eligible', operator: 'activation', values: [a.id] }] : [];
  if (a.condition) {
    // A condition on an action that reaches the key turns on attributes the audit cannot read: undecided.
    const c = { key: 'azure:abac-condition', operator: 'condition', values: [a.condition] };
    if (conditionLimits(a.condition, actionsOf(caps))) entry.undecided = [c];
    else conditions.push(c);
  }
  if (conditions.length) entry.conditions = conditions;
  return entry;
}

/**
 * Who can do what with one Managed HSM key: every local RBAC assignment at /, /keys or /keys/<name>,
 * through its role's data actions (administer includes managing role assignments). Assignments to a
 * role the HSM does not define are skipped here; the read step reports them.
 */
export function accessForHsmKey(input: Omit<AccessInput, 'vault'> & { vault: RawVault }): AccessEntry[] {
  const { vault, keyName, assignments, roleDefinitions } = input;
  const tenant = vault.tenantId;
  const out: AccessEntry[] = [];
  for (const a of assignments) {
    if (!scopeCovers(a.scope === '/' ? '' : a.scope, `/keys/${keyName}`)) continue;
    const def = roleDefinitions.get(roleDefinitionKey(a.roleDefinitionId));
    if (!def) continue;
    const { data } = roleCapabilities(def);
    if (data.length === 0) continue;
    const principal: Principal = { kind: principalKind(a.principalType), id: a.principalId, ...(tenant ? { account: tenant, tenant } : {}) };
    out.push({ principal, capabilities: data, source: 'rbac', sourceId: `${vault.uri.replace(/\/+$/, '')}${a.id}` });
  }
  return out.sort((a, b) => cmp(a.principal.id, b.principal.id) || cmp(a.sourceId ?? '', b.sourceId ?? ''));
}

// ---------------------------------------------------------------------------------------------
// Logging: diagnostic settings

const AUDIT_CATEGORIES = new Set(['auditevent']);
const AUDIT_GROUPS = new Set(['audit', 'alllogs']);

const isAuditLog = (l: RawDiagnosticLog) =>
  (l.category !== undefined && AUDIT_CATEGORIES.has(l.category.toLowerCase())) ||
  (l.categoryGroup !== undefined && AUDIT_GROUPS.has(l.categoryGroup.toLowerCase()));

/**
 * A vault's diagnostic setting as an AuditTrail covering the vault's keys. `retentionDays` is how long
 * its destination keeps the records, as read (reads/diagnostic-settings.ts): the Log Analytics table's
 * or workspace's retention, the storage account's lifecycle rules (null: none deletes them);
 * undefined when it could not be read.
 */
export function trailFromDiagnosticSetting(vault: RawVault, s: RawDiagnosticSetting, retentionDays?: number | null): AuditTrail {
  const audit = s.logs.filter((l) => l.enabled && isAuditLog(l));
  const records = audit.length > 0;
  const destination: AuditTrail['destination'] = s.workspaceId
    ? { kind: 'log-analytics', id: s.workspaceId }
    : s.storageAccountId
      ? { kind: 'storage', id: s.storageAccountId }
      : s.eventHubAuthorizationRuleId
        ? { kind: 'event-hub', id: s.eventHubAuthorizationRuleId }
        : s.marketplacePartnerId
          ? { kind: 'other', id: s.marketplacePartnerId }
          : undefined;
  const trail: AuditTrail = {
    id: s.id,
    provider: PROVIDER,
    kind: 'azure-diagnostic-setting',
    name: s.name,
    scope: { provider: PROVIDER, accounts: vault.subscriptionId ? [vault.subscriptionId] : [], containers: [vault.name] },
    enabled: s.logs.some((l) => l.enabled) || s.metricsEnabled === true,
    capturesAdminEvents: records,
    capturesDataPlane: records,
  };
  if (destination) trail.destination = destination;
  // Retention of a Log Analytics or storage destination, as its reader found it. Event Hubs and partner
  // destinations forward the records: how long they are kept there is not known here.
  if (records && (destination?.kind === 'log-analytics' || destination?.kind === 'storage') && retentionDays !== undefined) trail.retentionDays = retentionDays;
  return trail;
}
