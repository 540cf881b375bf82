// Pure mapping from Cloud KMS, Resource Manager and Logging shapes (already stripped of SDK types by
// client.ts) to the model. No I/O, no clock: `now` is passed in where a condition needs it.
import { createPublicKey } from 'node:crypto';
import { fingerprintsOf } from '../../crypto/fingerprint.ts';
import type { AccessEntry, Capability, Principal } from '../../model/access-entry.ts';
import type { Fingerprints } from '../../model/common.ts';
import type { KeyRecord, KeyUsage } from '../../model/key-record.ts';
import { type AccessSubject, decideCapabilities } from './conditions.ts';
import type { RoleTable } from './roles.ts';

export const PROVIDER = 'gcp-kms';
export const KMS_SERVICE = 'cloudkms.googleapis.com';

export interface RawVersion {
  name: string;
  state?: string;
  protectionLevel?: string;
  algorithm?: string;
  createTime?: string;
  generateTime?: string;
  destroyTime?: string;
  importJob?: string;
  importTime?: string;
  /** EXTERNAL keys: the key's URI in the external key manager. */
  externalKeyUri?: string;
  /** EXTERNAL_VPC keys: the key's path on the EKM connection. */
  ekmConnectionKeyPath?: string;
}

export interface RawCryptoKey {
  name: string;
  purpose?: string;
  createTime?: string;
  nextRotationTime?: string;
  rotationPeriodSeconds?: number;
  primary?: RawVersion;
  versionTemplate?: { protectionLevel?: string; algorithm?: string };
  labels?: Record<string, string>;
  importOnly?: boolean;
  destroyScheduledDurationSeconds?: number;
  cryptoKeyBackend?: string;
}

export interface RawBinding {
  role: string;
  members: string[];
  condition?: { expression?: string; title?: string };
}
export interface RawAuditLogConfig {
  logType: string;
  exemptedMembers: string[];
}
export interface RawAuditConfig {
  service: string;
  auditLogConfigs: RawAuditLogConfig[];
}
export interface RawPolicy {
  bindings: RawBinding[];
  auditConfigs: RawAuditConfig[];
}

/** `projects/p/locations/l/keyRings/r/cryptoKeys/k` → its parts. */
export function parseKeyName(name: string): { project: string; location: string; ring: string; key: string } | undefined {
  const m = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/.exec(name);
  return m ? { project: m[1] as string, location: m[2] as string, ring: m[3] as string, key: m[4] as string } : undefined;
}

const USAGE: Readonly<Record<string, KeyUsage[]>> = {
  ENCRYPT_DECRYPT: ['encrypt', 'decrypt'],
  RAW_ENCRYPT_DECRYPT: ['encrypt', 'decrypt'],
  ASYMMETRIC_SIGN: ['sign', 'verify'],
  ASYMMETRIC_DECRYPT: ['encrypt', 'decrypt'],
  MAC: ['mac'],
  KEY_ENCAPSULATION: ['agree'],
};

const PROTECTION: Readonly<Record<string, KeyRecord['protection']>> = {
  SOFTWARE: 'software',
  HSM: 'hsm',
  HSM_SINGLE_TENANT: 'hsm',
  EXTERNAL: 'external',
  EXTERNAL_VPC: 'external',
};

const EC_CURVES: Readonly<Record<string, string>> = { P256: 'P-256', P384: 'P-384', SECP256K1: 'secp256k1' };

/** Enabled versions of different key types or curves: no single type, size or curve is claimed. */
const MIXED_ALGORITHMS = 'MIXED';

/** Key type, size and curve from a CryptoKeyVersionAlgorithm name (RSA_SIGN_PSS_2048_SHA256, EC_SIGN_P256_SHA256…). */
export function algorithmInfo(alg: string | undefined): Pick<KeyRecord, 'keyType' | 'keySize' | 'curve'> {
  if (!alg || alg === MIXED_ALGORITHMS) return {};
  if (alg === 'GOOGLE_SYMMETRIC_ENCRYPTION' || alg === 'EXTERNAL_SYMMETRIC_ENCRYPTION') return { keyType: 'AES', keySize: 256 };
  const aes = /^AES_(\d+)_/.exec(alg);
  if (aes) return { keyType: 'AES', keySize: Number(aes[1]) };
  const hmac = /^HMAC_SHA(\d+)$/.exec(alg);
  if (hmac) return { keyType: 'HMAC', keySize: Number(hmac[1]) };
  const rsa = /^RSA_.*?_(\d{4})(?:_|$)/.exec(alg);
  if (rsa) return { keyType: 'RSA', keySize: Number(rsa[1]) };
  if (alg === 'EC_SIGN_ED25519') return { keyType: 'OKP', curve: 'Ed25519' };
  const ec = /^EC_SIGN_(P256|P384|SECP256K1)_/.exec(alg);
  if (ec) return { keyType: 'EC', curve: EC_CURVES[ec[1] as string] as string };
  return { keyType: 'OTHER' };
}

const VERSION_STATE: Readonly<Record<string, NonNullable<KeyRecord['state']>>> = {
  ENABLED: 'enabled',
  DISABLED: 'disabled',
  DESTROYED: 'destroyed',
  DESTROY_SCHEDULED: 'pending-deletion',
  PENDING_IMPORT: 'pending-import',
  PENDING_GENERATION: 'pending-import',
  IMPORT_FAILED: 'unavailable',
  GENERATION_FAILED: 'unavailable',
  PENDING_EXTERNAL_DESTRUCTION: 'pending-deletion',
  EXTERNAL_DESTRUCTION_FAILED: 'unavailable',
};

const STATE_ORDER: readonly NonNullable<KeyRecord['state']>[] = ['enabled', 'disabled', 'pending-deletion', 'pending-import', 'unavailable', 'destroyed'];

/** The key's state: its primary version's (symmetric keys), else the most usable state among its versions. */
export function keyState(key: RawCryptoKey, versions: readonly RawVersion[] | undefined): KeyRecord['state'] {
  if (key.primary?.state) return VERSION_STATE[key.primary.state];
  if (!versions) return undefined;
  if (versions.length === 0) return key.importOnly ? 'pending-import' : 'unavailable';
  const states = new Set(versions.map((v) => VERSION_STATE[v.state ?? ''] ?? 'unavailable'));
  return STATE_ORDER.find((s) => states.has(s));
}

const newest = (vs: readonly RawVersion[]): RawVersion | undefined =>
  [...vs].sort((a, b) => Date.parse(b.createTime ?? '') - Date.parse(a.createTime ?? ''))[0];

/**
 * The version whose material is in use: the primary of a symmetric key, else the newest ENABLED
 * version (asymmetric keys have no primary: callers name a version, so the newest is the one rotation
 * is judged on).
 */
export function currentVersion(key: RawCryptoKey, versions: readonly RawVersion[] | undefined): RawVersion | undefined {
  if (key.primary) return key.primary;
  return versions ? newest(versions.filter((v) => v.state === 'ENABLED')) : undefined;
}

/**
 * The algorithm a key without a primary signs or decrypts with when its ENABLED versions differ (a
 * 2048-bit version left enabled after the template moved to 4096): the smallest RSA size, since any
 * enabled version may be named; undefined when they cannot be ordered (key type, size and curve are
 * then not claimed). A key with a primary, or whose enabled versions agree, keeps its current algorithm.
 */
function algorithmInUse(key: RawCryptoKey, versions: readonly RawVersion[] | undefined): string | undefined {
  if (key.primary || !versions) return undefined;
  const algs = [...new Set(versions.filter((v) => v.state === 'ENABLED' && v.algorithm).map((v) => v.algorithm as string))];
  if (algs.length < 2) return undefined;
  const sizes = algs.map((a) => algorithmInfo(a)).map((i) => (i.keyType === 'RSA' ? (i.keySize ?? 0) : 0));
  return sizes.every((n) => n > 0) ? algs[sizes.indexOf(Math.min(...sizes))] : MIXED_ALGORITHMS;
}

/** When the version's material was made; undefined for imported material, made outside Cloud KMS at an unknown time. */
const materialTime = (v: RawVersion): string | undefined => (v.importJob || v.importTime ? undefined : (v.generateTime ?? v.createTime));

const oldest = (vs: readonly RawVersion[]): RawVersion | undefined =>
  [...vs].sort((a, b) => Date.parse(a.createTime ?? '') - Date.parse(b.createTime ?? ''))[0];

/**
 * The oldest material the key still uses: the primary of a symmetric key (Encrypt uses it; older
 * versions only decrypt what they wrapped), else the oldest ENABLED version — a key without a primary
 * (asymmetric, MAC, raw) is used by naming a version, so every enabled version still signs or decrypts.
 */
export function oldestMaterialInUse(key: RawCryptoKey, versions: readonly RawVersion[] | undefined): RawVersion | undefined {
  if (key.primary) return key.primary;
  return versions ? oldest(versions.filter((v) => v.state === 'ENABLED')) : undefined;
}

export const isMultiRegion = (location: string): boolean => /^(global|us|europe|asia|nam\d+|eur\d+|asia\d*)$/.test(location);

const SEVEN_DAYS = 7 * 86_400;

function rotationOf(key: RawCryptoKey, versions: readonly RawVersion[] | undefined, protection: KeyRecord['protection']): KeyRecord['rotation'] {
  // Auto-rotation generates a new version inside Cloud KMS: never for external or import-only keys.
  const supported = key.purpose === 'ENCRYPT_DECRYPT' && protection !== 'external' && key.importOnly !== true;
  const out: NonNullable<KeyRecord['rotation']> = { supported, automatic: supported && key.rotationPeriodSeconds !== undefined };
  if (key.rotationPeriodSeconds !== undefined) out.periodDays = key.rotationPeriodSeconds / 86_400;
  if (key.nextRotationTime) out.nextRotationAt = key.nextRotationTime;
  const at = lastRotation(key, versions);
  if (at) out.lastRotatedAt = at;
  return out;
}

/**
 * When the key last rotated. A rotation makes a new version the primary: a key with a primary rotated
 * when its primary was made, unless the primary is its oldest version (a newer version created without
 * `--primary` encrypts nothing). A key without a primary has rotated only once no older version stays
 * enabled: until then the old material still signs.
 */
function lastRotation(key: RawCryptoKey, versions: readonly RawVersion[] | undefined): string | undefined {
  if (!versions || versions.length < 2) return undefined;
  if (key.primary) {
    const first = oldest(versions);
    return first && first.name !== key.primary.name ? materialTime(key.primary) : undefined;
  }
  const last = newest(versions);
  return last && oldestMaterialInUse(key, versions) === last ? materialTime(last) : undefined;
}

function deletionOf(key: RawCryptoKey, versions: readonly RawVersion[] | undefined, state: KeyRecord['state']): KeyRecord['deletion'] {
  const out: NonNullable<KeyRecord['deletion']> = {};
  if (key.destroyScheduledDurationSeconds !== undefined) out.protected = key.destroyScheduledDurationSeconds >= SEVEN_DAYS;
  if (state === 'pending-deletion') {
    const times = (versions ?? (key.primary ? [key.primary] : []))
      .map((v) => v.destroyTime)
      .filter((t): t is string => !!t)
      .sort();
    if (times[0]) out.scheduledAt = times[0];
  }
  return Object.keys(out).length ? out : undefined;
}

export interface KeyParts {
  key: RawCryptoKey;
  /** Every version; undefined when they could not be listed. */
  versions?: readonly RawVersion[];
  /** PEM of the current version's public key (asymmetric keys). */
  publicKeyPem?: string;
  /** Access from the key, its ring and its ancestors; undefined when any of them could not be read. */
  access?: AccessEntry[];
}

/** One Cloud KMS CryptoKey as a KeyRecord. Fields behind a failed read stay absent. */
export function normalizeKey(parts: KeyParts): KeyRecord {
  const { key, versions } = parts;
  const where = parseKeyName(key.name);
  const current = currentVersion(key, versions);
  const algorithm = algorithmInUse(key, versions) ?? current?.algorithm ?? key.versionTemplate?.algorithm;
  const protection = PROTECTION[current?.protectionLevel ?? key.versionTemplate?.protectionLevel ?? ''];
  const state = keyState(key, versions);
  const out: KeyRecord = { id: key.name, provider: PROVIDER, managedBy: 'customer', accessModel: 'iam', exportable: false, expiresAt: null };
  if (where)
    Object.assign(out, { account: where.project, region: where.location, container: where.ring, name: where.key, multiRegion: isMultiRegion(where.location) });
  const usage = USAGE[key.purpose ?? ''];
  if (usage) out.usage = usage;
  Object.assign(out, algorithmInfo(algorithm));
  if (protection) out.protection = protection;
  const origin = originOf(protection, current, key);
  if (origin) out.origin = origin;
  if (state) out.state = state;
  if (key.createTime) out.createdAt = key.createTime;
  const inUse = oldestMaterialInUse(key, versions);
  const made = inUse ? materialTime(inUse) : undefined;
  if (made) out.currentVersionCreatedAt = made;
  if (versions) out.versionCount = versions.length;
  out.rotation = rotationOf(key, versions, protection);
  const deletion = deletionOf(key, versions, state);
  if (deletion) out.deletion = deletion;
  if (key.labels && Object.keys(key.labels).length) out.tags = { ...key.labels };
  if (parts.access) out.access = parts.access;
  const pub = parts.publicKeyPem ? publicKeyOf(parts.publicKeyPem) : undefined;
  if (pub) Object.assign(out, pub);
  return out;
}

function originOf(protection: KeyRecord['protection'], current: RawVersion | undefined, key: RawCryptoKey): KeyRecord['origin'] {
  if (protection === 'external') return 'external-store';
  if (current?.importJob || current?.importTime) return 'imported';
  if (current) return 'generated';
  return key.importOnly ? 'imported' : undefined;
}

/** SPKI (base64 DER) and fingerprints of a PEM public key; undefined when Node cannot parse the algorithm. */
export function publicKeyOf(pem: string): { publicKey: string; fingerprints: Fingerprints } | undefined {
  try {
    const k = createPublicKey(pem);
    return { publicKey: k.export({ format: 'der', type: 'spki' }).toString('base64'), fingerprints: fingerprintsOf(k) };
  } catch {
    return undefined;
  }
}

// ---- IAM: members, roles, conditions -------------------------------------------------------------

/** A member string of an IAM binding as a Principal; undefined for deleted principals (they cannot act). */
export function principalOf(member: string): Principal | undefined {
  if (member === 'allUsers') return { kind: 'public', id: member };
  if (member === 'allAuthenticatedUsers') return { kind: 'any-authenticated', id: member };
  if (member.startsWith('deleted:')) return undefined;
  const colon = member.indexOf(':');
  const type = colon > 0 ? member.slice(0, colon) : '';
  const value = colon > 0 ? member.slice(colon + 1) : member;
  const domain = value.includes('@') ? value.slice(value.indexOf('@') + 1) : undefined;
  switch (type) {
    case 'user':
      return { kind: 'user', id: member, name: value, ...(domain ? { tenant: domain } : {}) };
    case 'group':
      return { kind: 'group', id: member, name: value, ...(domain ? { tenant: domain } : {}) };
    case 'domain':
      return { kind: 'group', id: member, name: value, tenant: value };
    case 'serviceAccount':
      return serviceAccountPrincipal(member, value);
    case 'projectOwner':
    case 'projectEditor':
    case 'projectViewer':
      return { kind: 'group', id: member, name: member, account: value };
    case 'principal':
      return { kind: 'service-principal', id: member, name: value };
    case 'principalSet':
      return { kind: 'group', id: member, name: value };
    default:
      return { kind: 'user', id: member, name: value };
  }
}

function serviceAccountPrincipal(member: string, email: string): Principal {
  const [local = '', host = ''] = email.split('@');
  // Google-managed service agents act for a Google service on the customer's behalf.
  if (/^gcp-sa-|^cloudservices\.|^system\./.test(host) || host.endsWith('cloudservices.gserviceaccount.com')) {
    const project = /^service-(\d+)$/.exec(local)?.[1];
    return { kind: 'service', id: member, name: email, ...(project ? { account: project } : {}) };
  }
  const project =
    /^([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(host)?.[1] ??
    /^(\d+)-compute$/.exec(local)?.[1] ??
    /^([a-z][a-z0-9-]+)\.appspot\.gserviceaccount\.com$/.exec(host)?.[1];
  return { kind: 'service-principal', id: member, name: email, ...(project ? { account: project } : {}) };
}

const ALL_USE: Capability[] = ['administer', 'use-sign', 'use-verify', 'use-encrypt', 'use-decrypt', 'use-mac', 'read'];

/**
 * Predefined roles this build knows, and what they let a member do with a key on their path (IAM
 * basic and predefined roles reference). Any other role bound with members is read with roles.get
 * (roles.ts): custom roles, and predefined roles of any service, since one may carry Cloud KMS or
 * setIamPolicy permissions.
 */
export const ROLE_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
  'roles/owner': ALL_USE,
  'roles/editor': ALL_USE,
  'roles/viewer': ['read'],
  'roles/cloudkms.admin': ['administer', 'read'],
  'roles/cloudkms.importer': ['administer'],
  'roles/cloudkms.viewer': ['read'],
  'roles/cloudkms.publicKeyViewer': ['read'],
  'roles/cloudkms.cryptoOperator': ['use-sign', 'use-verify', 'use-encrypt', 'use-decrypt', 'use-mac'],
  'roles/cloudkms.cryptoKeyEncrypterDecrypter': ['use-encrypt', 'use-decrypt'],
  'roles/cloudkms.cryptoKeyEncrypter': ['use-encrypt'],
  'roles/cloudkms.cryptoKeyDecrypter': ['use-decrypt'],
  'roles/cloudkms.cryptoKeyEncrypterDecrypterViaDelegation': ['use-encrypt', 'use-decrypt'],
  'roles/cloudkms.cryptoKeyEncrypterViaDelegation': ['use-encrypt'],
  'roles/cloudkms.cryptoKeyDecrypterViaDelegation': ['use-decrypt'],
  'roles/cloudkms.signer': ['use-sign'],
  'roles/cloudkms.signerVerifier': ['use-sign', 'use-verify'],
  'roles/cloudkms.verifier': ['use-verify'],
  'roles/cloudkms.macSigner': ['use-mac'],
  'roles/cloudkms.macVerifier': ['use-verify'],
  'roles/cloudkms.macSignerVerifier': ['use-mac', 'use-verify'],
  'roles/cloudkms.expertRawAes': ['use-encrypt', 'use-decrypt'],
  'roles/cloudkms.expertRawPKCS1': ['use-sign', 'use-decrypt'],
  // Whoever may rewrite an IAM policy on the key's path can grant themselves any use of the key.
  'roles/resourcemanager.organizationAdmin': ['administer'],
  'roles/resourcemanager.folderAdmin': ['administer'],
  'roles/resourcemanager.folderIamAdmin': ['administer'],
  'roles/resourcemanager.projectIamAdmin': ['administer'],
  'roles/iam.securityAdmin': ['administer', 'read'],
  // Impersonation roles: no Cloud KMS permission of their own (federation.ts follows what they let a member act as).
  'roles/iam.workloadIdentityUser': [],
  'roles/iam.serviceAccountTokenCreator': [],
};

/** A role whose permissions this build does not know: custom roles, and predefined roles outside its table. */
export const isUnknownRole = (role: string): boolean => !(role in ROLE_CAPABILITIES);

/**
 * Without a definition read (a Terraform plan, which cannot call roles.get): custom and Cloud KMS roles
 * outside the table are unknown; other services' predefined roles are taken to reach no key.
 */
const unreadUnknown = (role: string): boolean => isUnknownRole(role) && (!role.startsWith('roles/') || role.startsWith('roles/cloudkms.'));

export interface PolicyAccess {
  entries: AccessEntry[];
  /** Roles bound here whose permissions are unknown (custom or unknown Cloud KMS roles not read, or unreadable). */
  unknownRoles: string[];
}

/** Capabilities of a role: the predefined table, else the definitions read (`undefined`: unknown). */
function roleCapabilities(role: string, roles: RoleTable | undefined): readonly Capability[] | undefined | null {
  const known = ROLE_CAPABILITIES[role];
  if (known) return known;
  if (roles?.has(role)) return roles.get(role);
  return unreadUnknown(role) ? undefined : null;
}

const celCondition = (expression: string) => ({ key: 'iam.condition', operator: 'CEL', values: [expression] });

/**
 * The key-relevant bindings of one IAM policy as access entries for one key (source: the resource
 * holding the policy). A condition is decided for this key where it can be (see conditions.ts): a
 * binding that can never grant here is left out; one that can is kept with its condition; the
 * capabilities it may or may not grant become an entry marked `undecided` (never dropped, never a pass).
 */
export function accessFromPolicy(policy: RawPolicy, resource: string, subject: AccessSubject, nowMs: number, roles?: RoleTable): PolicyAccess {
  const entries: AccessEntry[] = [];
  const unknownRoles = new Set<string>();
  for (const b of policy.bindings) {
    const all = roleCapabilities(b.role, roles);
    if (all === undefined && b.members.length) unknownRoles.add(b.role);
    if (!all?.length) continue;
    const expr = b.condition?.expression;
    const decided = expr ? decideCapabilities(all, expr, subject, nowMs) : undefined;
    const granted = decided ? all.filter((c) => decided.get(c) === true) : [...all];
    const open = decided ? all.filter((c) => decided.get(c) === undefined) : [];
    for (const m of b.members) {
      const principal = principalOf(m);
      if (!principal) continue;
      const base = { principal, source: 'iam-binding' as const, sourceId: `${resource}#${b.role}`, ...(expr ? { conditions: [celCondition(expr)] } : {}) };
      if (granted.length) entries.push({ ...base, capabilities: granted });
      if (open.length && expr) entries.push({ ...base, capabilities: open, undecided: [celCondition(expr)] });
    }
  }
  return { entries, unknownRoles: [...unknownRoles].sort() };
}
