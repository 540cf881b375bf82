// Pure mapping of AWS API shapes to the model: keys, key policies and grants, trails. No I/O.
import type { AccessCondition, AccessEntry, Capability, Principal } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { Fingerprints } from '../../model/common.ts';
import type { KeyRecord, KeyUsage } from '../../model/key-record.ts';

export const PROVIDER = 'aws-kms';

// ---------- API shapes (permissive: only what we read) ----------

export interface KeyMetadataShape {
  KeyId?: string;
  Arn?: string;
  AWSAccountId?: string;
  CreationDate?: Date;
  Enabled?: boolean;
  Description?: string;
  KeyUsage?: string;
  KeyState?: string;
  DeletionDate?: Date;
  ValidTo?: Date;
  Origin?: string;
  CustomKeyStoreId?: string;
  KeyManager?: string;
  KeySpec?: string;
  CustomerMasterKeySpec?: string;
  MultiRegion?: boolean;
  MultiRegionConfiguration?: { MultiRegionKeyType?: string; PrimaryKey?: { Arn?: string; Region?: string } };
  PendingDeletionWindowInDays?: number;
}

export interface GrantShape {
  GrantId?: string;
  Name?: string;
  GranteePrincipal?: string;
  Operations?: string[];
  Constraints?: { EncryptionContextSubset?: Record<string, string>; EncryptionContextEquals?: Record<string, string> };
}

export interface RotationStatusShape {
  KeyRotationEnabled?: boolean;
  RotationPeriodInDays?: number;
  NextRotationDate?: Date;
  OnDemandRotationStartDate?: Date;
}

export interface RotationShape {
  RotationDate?: Date;
  RotationType?: string;
  /** CURRENT, NON_CURRENT, or PENDING_ROTATION (imported material not yet rotated in: not a rotation). */
  KeyMaterialState?: string;
}

export interface TagShape {
  TagKey?: string;
  TagValue?: string;
}

/** What was read about one key; an absent part was not read (skipped or a gap). */
export interface KeyReadings {
  account: string;
  region: string;
  metadata: KeyMetadataShape;
  aliases?: string[];
  tags?: TagShape[];
  access?: AccessEntry[];
  rotationStatus?: RotationStatusShape;
  rotations?: RotationShape[];
  publicKey?: { spki: string; fingerprints: Fingerprints };
}

// ---------- keys ----------

const USAGE: Record<string, KeyUsage[]> = {
  SIGN_VERIFY: ['sign', 'verify'],
  ENCRYPT_DECRYPT: ['encrypt', 'decrypt'],
  GENERATE_VERIFY_MAC: ['mac'],
  KEY_AGREEMENT: ['agree'],
};

const STATE: Record<string, KeyRecord['state']> = {
  Enabled: 'enabled',
  Disabled: 'disabled',
  PendingDeletion: 'pending-deletion',
  PendingReplicaDeletion: 'pending-deletion',
  PendingImport: 'pending-import',
  Unavailable: 'unavailable',
  Creating: 'disabled',
  Updating: 'enabled',
};

/** Key type, size and curve from a KMS KeySpec. */
export function keySpecShape(spec: string | undefined): Pick<KeyRecord, 'keyType' | 'keySize' | 'curve'> {
  if (!spec) return {};
  if (spec === 'SYMMETRIC_DEFAULT') return { keyType: 'AES', keySize: 256 };
  let m = /^RSA_(\d+)$/.exec(spec);
  if (m) return { keyType: 'RSA', keySize: Number(m[1]) };
  m = /^HMAC_(\d+)$/.exec(spec);
  if (m) return { keyType: 'HMAC', keySize: Number(m[1]) };
  const curves: Record<string, string> = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521', ECC_SECG_P256K1: 'secp256k1' };
  if (curves[spec]) return { keyType: 'EC', curve: curves[spec] };
  if (spec === 'ECC_NIST_EDWARDS25519') return { keyType: 'OKP', curve: 'Ed25519' };
  if (spec === 'SM2') return { keyType: 'EC', curve: 'SM2' };
  return { keyType: 'OTHER' };
}

/** KMS can rotate automatically only symmetric encryption keys it generated, outside custom key stores. */
export const isRotatable = (m: KeyMetadataShape): boolean =>
  (m.KeySpec ?? m.CustomerMasterKeySpec) === 'SYMMETRIC_DEFAULT' && m.Origin === 'AWS_KMS' && !m.CustomKeyStoreId;

/**
 * Symmetric keys with imported material rotate on demand only (ImportKeyMaterial of new material, then
 * RotateKeyOnDemand); ListKeyRotations lists those rotations, so their material age is read from it.
 */
export const rotatesOnDemandOnly = (m: KeyMetadataShape): boolean =>
  (m.KeySpec ?? m.CustomerMasterKeySpec) === 'SYMMETRIC_DEFAULT' && m.Origin === 'EXTERNAL' && !m.CustomKeyStoreId;

/** Keys with a public half GetPublicKey can return. */
export const isAsymmetric = (m: KeyMetadataShape): boolean => {
  const spec = m.KeySpec ?? m.CustomerMasterKeySpec ?? '';
  return /^(RSA_|ECC_|SM2|ML_DSA)/.test(spec);
};

/**
 * The KMS condition keys a key's own properties answer (KMS Developer Guide, "AWS KMS condition keys",
 * conditions for KMS keys used in API operations): kms:KeySpec, kms:KeyUsage, kms:KeyOrigin,
 * kms:MultiRegion, kms:MultiRegionKeyType and the older kms:CustomerMasterKey* names; lower-case keys.
 */
export function keyConditionFacts(m: KeyMetadataShape): Record<string, string> {
  const out: Record<string, string> = {};
  const spec = m.KeySpec ?? m.CustomerMasterKeySpec;
  if (spec) out['kms:keyspec'] = out['kms:customermasterkeyspec'] = spec;
  if (m.KeyUsage) out['kms:keyusage'] = out['kms:customermasterkeyusage'] = m.KeyUsage;
  if (m.Origin) out['kms:keyorigin'] = m.Origin;
  if (m.MultiRegion !== undefined) out['kms:multiregion'] = String(m.MultiRegion);
  const type = m.MultiRegionConfiguration?.MultiRegionKeyType;
  if (type) out['kms:multiregionkeytype'] = type;
  return out;
}

const iso = (d: Date | string | undefined): string | undefined => {
  if (d === undefined) return undefined;
  const t = d instanceof Date ? d : new Date(d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
};

export const keyArn = (account: string, region: string, keyId: string): string =>
  keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}`;

/** The current material's date and the version count from the completed rotations ListKeyRotations lists. */
function materialFromRotations(out: KeyRecord, rotation: NonNullable<KeyRecord['rotation']>, rotations: RotationShape[], created: string | undefined): void {
  const dates = rotations
    .filter((x) => x.KeyMaterialState !== 'PENDING_ROTATION')
    .map((x) => iso(x.RotationDate))
    .filter((d): d is string => d !== undefined)
    .sort();
  const last = dates.at(-1);
  if (last) rotation.lastRotatedAt = last;
  const current = last ?? created;
  if (current) out.currentVersionCreatedAt = current;
  out.versionCount = dates.length + 1;
}

/** A KeyRecord from what was read. Fields whose calls were skipped or failed stay absent. */
export function normalizeKey(r: KeyReadings): KeyRecord {
  const m = r.metadata;
  const id = m.Arn ?? keyArn(r.account, r.region, m.KeyId ?? 'unknown');
  const created = iso(m.CreationDate);
  const out: KeyRecord = { id, provider: PROVIDER, account: m.AWSAccountId ?? r.account, region: r.region, name: m.KeyId };
  if (r.aliases) {
    out.aliases = [...r.aliases].sort();
    if (r.aliases.length) out.name = out.aliases[0];
  }
  if (m.KeyManager) out.managedBy = m.KeyManager === 'AWS' ? 'provider' : 'customer';
  if (m.KeyUsage && USAGE[m.KeyUsage]) out.usage = USAGE[m.KeyUsage];
  Object.assign(out, keySpecShape(m.KeySpec ?? m.CustomerMasterKeySpec));
  switch (m.Origin) {
    case 'AWS_KMS':
    case 'AWS_CLOUDHSM':
      out.origin = 'generated';
      out.protection = 'hsm';
      break;
    case 'EXTERNAL':
      out.origin = 'imported';
      out.protection = 'hsm';
      break;
    case 'EXTERNAL_KEY_STORE':
      out.origin = 'external-store';
      out.protection = 'external';
      break;
  }
  out.exportable = false;
  if (m.KeyState && STATE[m.KeyState]) out.state = STATE[m.KeyState];
  if (created) out.createdAt = created;
  if (m.MultiRegion !== undefined) out.multiRegion = m.MultiRegion;
  // KMS never deletes a key at once: ScheduleKeyDeletion always enforces a 7–30 day waiting period.
  const deletion = iso(m.DeletionDate);
  out.deletion = deletion ? { protected: true, scheduledAt: deletion } : { protected: true };
  out.expiresAt = m.Origin === 'EXTERNAL' ? (iso(m.ValidTo) ?? null) : null;

  if (isRotatable(m)) {
    const rotation: NonNullable<KeyRecord['rotation']> = { supported: true };
    if (r.rotationStatus) {
      rotation.automatic = r.rotationStatus.KeyRotationEnabled === true;
      if (rotation.automatic && r.rotationStatus.RotationPeriodInDays) rotation.periodDays = r.rotationStatus.RotationPeriodInDays;
      const next = iso(r.rotationStatus.NextRotationDate);
      if (rotation.automatic && next) rotation.nextRotationAt = next;
    }
    if (r.rotations) materialFromRotations(out, rotation, r.rotations, created);
    out.rotation = rotation;
  } else if (rotatesOnDemandOnly(m)) {
    // Automatic rotation is not available; on-demand rotations of imported material are.
    out.rotation = { supported: false };
    if (r.rotations) materialFromRotations(out, out.rotation, r.rotations, created);
  } else {
    out.rotation = { supported: false };
    if (created) out.currentVersionCreatedAt = created;
    out.versionCount = 1;
  }
  if (r.tags) out.tags = Object.fromEntries(r.tags.filter((t) => t.TagKey !== undefined).map((t) => [t.TagKey as string, t.TagValue ?? '']));
  if (r.access) out.access = r.access;
  if (r.publicKey) {
    out.publicKey = r.publicKey.spki;
    out.fingerprints = r.publicKey.fingerprints;
  }
  return out;
}

// ---------- access: actions ----------

/** Every KMS action that can be granted on a key, with the capability it gives. */
export const KMS_ACTIONS: Readonly<Record<string, Capability>> = {
  Sign: 'use-sign',
  Verify: 'use-verify',
  VerifyMac: 'use-verify',
  GenerateMac: 'use-mac',
  Decrypt: 'use-decrypt',
  ReEncryptFrom: 'use-decrypt',
  DeriveSharedSecret: 'use-decrypt',
  Encrypt: 'use-encrypt',
  ReEncryptTo: 'use-encrypt',
  GenerateDataKey: 'use-encrypt',
  GenerateDataKeyPair: 'use-encrypt',
  GenerateDataKeyPairWithoutPlaintext: 'use-encrypt',
  GenerateDataKeyWithoutPlaintext: 'use-encrypt',
  CreateGrant: 'create-grant',
  CancelKeyDeletion: 'administer',
  CreateAlias: 'administer',
  DeleteAlias: 'administer',
  DeleteImportedKeyMaterial: 'administer',
  DisableKey: 'administer',
  DisableKeyRotation: 'administer',
  EnableKey: 'administer',
  EnableKeyRotation: 'administer',
  ImportKeyMaterial: 'administer',
  PutKeyPolicy: 'administer',
  ReplicateKey: 'administer',
  RetireGrant: 'administer',
  RevokeGrant: 'administer',
  RotateKeyOnDemand: 'administer',
  ScheduleKeyDeletion: 'administer',
  SynchronizeMultiRegionKey: 'administer',
  TagResource: 'administer',
  UntagResource: 'administer',
  UpdateAlias: 'administer',
  UpdateKeyDescription: 'administer',
  UpdatePrimaryRegion: 'administer',
  DescribeKey: 'read',
  GetKeyLastUsage: 'read',
  GetKeyPolicy: 'read',
  GetKeyRotationStatus: 'read',
  GetParametersForImport: 'read',
  GetPublicKey: 'read',
  ListAliases: 'read',
  ListGrants: 'read',
  ListKeyPolicies: 'read',
  ListKeyRotations: 'read',
  ListResourceTags: 'read',
  ListRetirableGrants: 'read',
};
const ACTION_NAMES = Object.keys(KMS_ACTIONS);

const globRegex = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** KMS actions an IAM action pattern (kms:Get*, kms:*, *) matches. */
export function matchActions(patterns: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const p of patterns) {
    const [svc, name] = p === '*' ? ['kms', '*'] : p.includes(':') ? (p.split(':', 2) as [string, string]) : ['', p];
    if (!globRegex(svc).test('kms')) continue;
    const re = globRegex(name);
    for (const a of ACTION_NAMES) if (re.test(a)) out.add(a);
  }
  return out;
}

const capabilitiesOf = (actions: Iterable<string>): Capability[] => {
  const caps = new Set<Capability>();
  for (const a of actions) {
    const c = KMS_ACTIONS[a];
    if (c) caps.add(c);
  }
  return [...caps].sort();
};

/**
 * The KMS actions behind a key policy or grant entry (a capability stands for several actions: an SCP
 * or RCP may deny one and not another). Kept beside the entry, not in it: the model has no actions.
 */
const ENTRY_ACTIONS = new WeakMap<AccessEntry, ReadonlySet<string>>();

/** The KMS actions (bare names: Sign, Decrypt…) an entry was made from; every action of its capabilities when not known. */
export function actionsOfEntry(e: AccessEntry): ReadonlySet<string> {
  const known = ENTRY_ACTIONS.get(e);
  if (known) return known;
  const caps = new Set(e.capabilities);
  return new Set(ACTION_NAMES.filter((a) => caps.has(KMS_ACTIONS[a] as Capability)));
}

/** A grant operation or policy action name to its capability. */
export const capabilityOfOperation = (op: string): Capability | undefined => KMS_ACTIONS[op];

// ---------- access: principals ----------

const ACCOUNT_ID = /^\d{12}$/;

/** A principal from an ARN, a 12-digit account id or a service name. */
export function principalFromAws(value: string, kind: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' = 'AWS'): Principal {
  if (value === '*') return { kind: 'public', id: '*' };
  if (kind === 'Service') return { kind: 'service', id: value, name: value };
  if (ACCOUNT_ID.test(value)) return { kind: 'account', id: `arn:aws:iam::${value}:root`, name: `account ${value}`, account: value };
  const m = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws):(.*)$/.exec(value);
  if (!m) {
    if (/\.amazonaws\.com(\.cn)?$/.test(value)) return { kind: 'service', id: value, name: value };
    return { kind: kind === 'Federated' ? 'user' : 'role', id: value };
  }
  const account = m[2] === 'aws' ? undefined : m[2];
  const resource = m[3] ?? '';
  const base = account ? { account } : {};
  if (resource === 'root') return { kind: 'account', id: value, ...(account ? { name: `account ${account}` } : {}), ...base };
  const name = resource.split('/').at(-1);
  if (resource.startsWith('user/')) return { kind: 'user', id: value, name, ...base };
  if (resource.startsWith('group/')) return { kind: 'group', id: value, name, ...base };
  if (resource.startsWith('assumed-role/')) return { kind: 'role', id: value, name: resource.split('/')[1], ...base };
  if (kind === 'Federated' || resource.startsWith('saml-provider/') || resource.startsWith('oidc-provider/')) return { kind: 'user', id: value, name, ...base };
  return { kind: 'role', id: value, name, ...base };
}

/**
 * A user's or role's unique id (AIDA…, AROA…) where a policy named its ARN: IAM saves a principal ARN
 * as the principal's unique id and shows the id once the user or role is deleted (IAM User Guide,
 * "AWS JSON policy elements: Principal", IAM roles and IAM users; "IAM identifiers", unique
 * identifiers). A user or role made again under the same name has a new id: the statement names
 * nobody who exists, and nobody can become that principal.
 */
export const isDeletedPrincipalId = (value: string): boolean => /^(AIDA|AROA)[A-Z0-9]{12,}$/.test(value);

const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

function principalsOf(p: unknown): Principal[] {
  if (p === '*') return [{ kind: 'public', id: '*' }];
  if (!p || typeof p !== 'object') return [];
  const out: Principal[] = [];
  for (const [kind, v] of Object.entries(p as Record<string, unknown>)) {
    const k = (['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(kind) ? kind : 'AWS') as 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
    for (const value of asArray(v)) if (k !== 'AWS' || !isDeletedPrincipalId(value)) out.push(principalFromAws(value, k));
  }
  return out;
}

// ---------- access: conditions ----------

/** Condition keys that restrict WHO may call (with a positive operator and no IfExists). */
const CONFINING_KEYS = new Set(
  [
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'kms:CallerAccount',
    'aws:SourceVpce',
    'aws:SourceVpc',
    'aws:PrincipalArn',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOrgID',
    // aws:username is not here: any account can make a user of that name.
    'aws:userid',
  ].map((k) => k.toLowerCase()),
);

const POSITIVE_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;
const NEGATIVE_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)(IfExists)?$/;

export function conditionsOf(c: unknown): AccessCondition[] {
  if (!c || typeof c !== 'object') return [];
  const out: AccessCondition[] = [];
  for (const [operator, block] of Object.entries(c as Record<string, unknown>)) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) out.push({ key, operator, values: asArray(values) });
  }
  return out;
}

const WILDCARD = /[*?]/;

/**
 * Whether one value of a who-key names one organisation, account, endpoint or principal: a pattern
 * such as `o-*` (every organisation) or `arn:aws:iam::*:role/deploy` (that role name in any account)
 * pins nobody.
 */
function pinsCaller(key: string, value: string): boolean {
  if (value === '*') return false;
  // o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*: the organisation must be fixed; the path below may be a pattern.
  if (key === 'aws:principalorgpaths') return !WILDCARD.test(value.split('/')[0] ?? '');
  // arn:aws:iam::111122223333:role/*: the account field must be fixed.
  if (key === 'aws:principalarn') return /^\d{12}$/.test(value.split(':')[4] ?? '');
  // AROAEXAMPLEID:* (one role, any session), AIDAEXAMPLEID (one user): the unique id before ':' must be fixed.
  if (key === 'aws:userid') return !WILDCARD.test(value.split(':')[0] ?? '');
  // arn:aws:sns:us-east-1:111122223333:*: the account field must be fixed; an S3 ARN has none, so its bucket must be.
  if (key === 'aws:sourcearn') {
    const fields = value.split(':');
    const account = fields[4] ?? '';
    return account === '' ? fields.length > 5 && !WILDCARD.test(fields.slice(5).join(':')) : /^\d{12}$/.test(account);
  }
  return !WILDCARD.test(value);
}

/**
 * A condition confines who can call when it pins a who-key to fixed values with a positive operator.
 * ForAllValues never does: it also holds when the request has no value for the key at all.
 */
const confines = (c: AccessCondition): boolean => {
  const key = c.key.toLowerCase();
  return (
    CONFINING_KEYS.has(key) &&
    POSITIVE_OPERATOR.test(c.operator) &&
    !c.operator.startsWith('ForAllValues:') &&
    c.values.length > 0 &&
    c.values.every((v) => pinsCaller(key, v))
  );
};

/**
 * Principals a confined wildcard stands for: the accounts or ARNs the condition names, or one
 * organisation-wide principal marked confined.
 */
function confinedPrincipals(conds: AccessCondition[]): Principal[] {
  const accountCond = conds.find((c) => confines(c) && ['kms:calleraccount', 'aws:principalaccount', 'aws:sourceaccount'].includes(c.key.toLowerCase()));
  if (accountCond) return accountCond.values.map((v) => principalFromAws(v));
  const arnCond = conds.find((c) => confines(c) && c.key.toLowerCase() === 'aws:principalarn');
  if (arnCond) return arnCond.values.map((v) => (v.includes('*') ? { ...principalFromAws(v), id: v } : principalFromAws(v)));
  const other = conds.find(confines);
  return [{ kind: 'any-authenticated', id: '*', name: other ? `${other.key} ${other.values.join(',')}` : undefined }];
}

const isServiceExemption = (c: AccessCondition): boolean =>
  c.key.toLowerCase() === 'aws:principalisawsservice' &&
  /^Bool(IfExists)?$/.test(c.operator) &&
  c.values.length === 1 &&
  c.values[0]?.toLowerCase() === 'false';

/**
 * The callers a wildcard Deny leaves through, when it is a perimeter ("deny anyone outside our
 * organization or accounts", as AWS's data-perimeter examples write it): every condition a negated
 * operator on a who-key, pinned, optionally with `aws:PrincipalIsAWSService` false (AWS services are
 * let through, not the public). A negated operator, with or without IfExists, is true when the request
 * lacks the key, so callers in no organization are stopped too; ForAnyValue is false then (they pass),
 * and any other condition (a tag exemption) lets callers outside through. Undefined when not a perimeter.
 */
export function perimeterOf(conds: readonly AccessCondition[]): AccessCondition[] | undefined {
  const who: AccessCondition[] = [];
  for (const c of conds) {
    if (isServiceExemption(c)) continue;
    if (!NEGATIVE_OPERATOR.test(c.operator) || c.operator.startsWith('ForAnyValue:')) return undefined;
    const allowed = {
      key: c.key,
      operator: c.operator
        .replace('Not', '')
        .replace('ForAllValues:', '')
        .replace(/IfExists$/, ''),
      values: c.values,
    };
    if (!confines(allowed)) return undefined;
    who.push(allowed);
  }
  return who.length ? who : undefined;
}

/** The who-conditions of the perimeters that together deny every one of `actions` to outsiders; undefined when they do not. */
function confinement(perimeters: readonly { who: AccessCondition[]; actions: Set<string> }[], actions: ReadonlySet<string>): AccessCondition[] | undefined {
  const used = perimeters.filter((p) => [...actions].some((a) => p.actions.has(a)));
  const covered = [...actions].every((a) => used.some((p) => p.actions.has(a)));
  return covered && used.length ? used.flatMap((p) => p.who) : undefined;
}

// ---------- access: key policy ----------

export class KeyPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyPolicyError';
  }
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
}

const matchesPrincipal = (denied: Principal, p: Principal): boolean =>
  denied.id === '*' ||
  denied.id === p.id ||
  (denied.kind === 'account' && denied.account !== undefined && denied.account === p.account) ||
  (denied.id.includes('*') && globRegex(denied.id).test(p.id));

/**
 * AccessEntries from a key policy document. Allow statements grant, Deny statements without
 * conditions subtract; a wildcard principal is confined only by a condition that restricts who
 * calls (org, account, principal ARN, VPC endpoint), never by one like kms:ViaService alone.
 */
export function policyToAccess(policyText: string): AccessEntry[] {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policyText) as { Statement?: unknown };
  } catch (err) {
    throw new KeyPolicyError(`the key policy is not valid JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object') throw new KeyPolicyError('the key policy is not a JSON object');
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []) as Statement[];
  const entries: AccessEntry[] = [];
  const denies: { principals?: Principal[]; except?: Principal[]; actions: Set<string> }[] = [];
  const perimeters: { who: AccessCondition[]; actions: Set<string> }[] = [];

  statements.forEach((s, i) => {
    const sourceId = s.Sid || `statement[${i}]`;
    const actions =
      s.NotAction !== undefined ? new Set(ACTION_NAMES.filter((a) => !matchActions(asArray(s.NotAction)).has(a))) : matchActions(asArray(s.Action));
    if (actions.size === 0) return;
    const conds = conditionsOf(s.Condition);
    if (s.Effect === 'Deny') {
      if (conds.length === 0) {
        if (s.NotPrincipal !== undefined) denies.push({ except: principalsOf(s.NotPrincipal), actions });
        else denies.push({ principals: principalsOf(s.Principal), actions });
        return;
      }
      // "Deny everyone unless they are in our org/account" confines wildcard Allows of the actions it denies.
      const who = principalsOf(s.Principal).some((p) => p.id === '*') ? perimeterOf(conds) : undefined;
      if (who) perimeters.push({ who, actions });
      return;
    }
    if (s.Effect !== 'Allow') return;
    const caps = capabilitiesOf(actions);
    const principals = s.NotPrincipal !== undefined ? [{ kind: 'public' as const, id: '*' }] : principalsOf(s.Principal);
    for (const p of principals) {
      const base = { capabilities: caps, source: 'key-policy' as const, sourceId, ...(conds.length ? { conditions: conds } : {}) };
      if (p.id === '*' && conds.some(confines)) {
        for (const cp of confinedPrincipals(conds)) entries.push({ ...base, principal: cp, confined: true, _actions: actions } as AccessEntry);
      } else entries.push({ ...base, principal: p, _actions: actions } as AccessEntry);
    }
  });

  const out: AccessEntry[] = [];
  for (const e of entries) {
    const actions = new Set((e as AccessEntry & { _actions: Set<string> })._actions);
    for (const d of denies) {
      const hit = d.except ? !d.except.some((x) => x.id === e.principal.id) : (d.principals ?? []).some((dp) => matchesPrincipal(dp, e.principal));
      if (hit) for (const a of d.actions) actions.delete(a);
    }
    const caps = capabilitiesOf(actions);
    if (caps.length === 0) continue;
    const { _actions: _, ...clean } = e as AccessEntry & { _actions: Set<string> };
    const entry: AccessEntry = { ...clean, capabilities: caps };
    ENTRY_ACTIONS.set(entry, actions);
    const perimeter = entry.principal.id === '*' && !entry.confined ? confinement(perimeters, actions) : undefined;
    if (perimeter) {
      entry.confined = true;
      entry.conditions = [...(entry.conditions ?? []), ...perimeter];
    }
    out.push(entry);
  }
  return out;
}

/** AccessEntries from grants: each grantee gets the grant's operations; constraints become conditions. */
export function grantsToAccess(grants: readonly GrantShape[]): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const g of grants) {
    if (!g.GranteePrincipal) continue;
    const caps = capabilitiesOf(g.Operations ?? []);
    if (caps.length === 0) continue;
    const conditions: AccessCondition[] = [];
    for (const [k, v] of Object.entries(g.Constraints?.EncryptionContextSubset ?? {}))
      conditions.push({ key: `kms:EncryptionContext:${k}`, operator: 'EncryptionContextSubset', values: [v] });
    for (const [k, v] of Object.entries(g.Constraints?.EncryptionContextEquals ?? {}))
      conditions.push({ key: `kms:EncryptionContext:${k}`, operator: 'EncryptionContextEquals', values: [v] });
    const entry: AccessEntry = {
      principal: principalFromAws(g.GranteePrincipal, /\.amazonaws\.com(\.cn)?$/.test(g.GranteePrincipal) ? 'Service' : 'AWS'),
      capabilities: caps,
      source: 'grant',
      ...(g.GrantId ? { sourceId: g.GrantId } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
    ENTRY_ACTIONS.set(entry, new Set((g.Operations ?? []).filter((o) => KMS_ACTIONS[o] !== undefined)));
    out.push(entry);
  }
  return out;
}

// ---------- CloudTrail ----------

export interface TrailShape {
  Name?: string;
  TrailARN?: string;
  HomeRegion?: string;
  IsMultiRegionTrail?: boolean;
  IsOrganizationTrail?: boolean;
  LogFileValidationEnabled?: boolean;
  S3BucketName?: string;
  S3KeyPrefix?: string;
  CloudWatchLogsLogGroupArn?: string;
}

export interface LifecycleRuleShape {
  Status?: string;
  Prefix?: string;
  Filter?: { Prefix?: string; And?: { Prefix?: string } };
  Expiration?: { Days?: number };
}

/**
 * Days CloudTrail log objects are kept under a bucket's lifecycle rules: the shortest enabled
 * expiration whose prefix covers the trail's `[prefix/]AWSLogs/` objects; null = kept indefinitely.
 */
export function lifecycleRetention(rules: readonly LifecycleRuleShape[], keyPrefix?: string): number | null {
  const logs = `${keyPrefix ? `${keyPrefix.replace(/\/$/, '')}/` : ''}AWSLogs/`;
  let days: number | null = null;
  for (const r of rules) {
    if (r.Status !== 'Enabled' || !r.Expiration?.Days) continue;
    const prefix = r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '';
    if (!(logs.startsWith(prefix) || prefix.startsWith(logs))) continue;
    days = days === null ? r.Expiration.Days : Math.min(days, r.Expiration.Days);
  }
  return days;
}

/** An advanced field selector: operators AND, the values of one operator OR (CloudTrail API Reference). */
export interface FieldSelectorShape {
  Field?: string;
  Equals?: string[];
  NotEquals?: string[];
  StartsWith?: string[];
  NotStartsWith?: string[];
  EndsWith?: string[];
  NotEndsWith?: string[];
}

export interface EventSelectorsShape {
  EventSelectors?: { ReadWriteType?: string; IncludeManagementEvents?: boolean; ExcludeManagementEventSources?: string[] }[];
  AdvancedEventSelectors?: { Name?: string; FieldSelectors?: FieldSelectorShape[] }[];
}

export interface TrailReadings {
  account: string;
  trail: TrailShape;
  /** absent = GetTrailStatus failed */
  isLogging?: boolean;
  /** absent = GetEventSelectors failed */
  selectors?: EventSelectorsShape;
  /** undefined = not read; null = never expires */
  retentionDays?: number | null;
}

type Coverage = { read: boolean; write: boolean; excluded: Set<string>; partialRead: boolean; partialWrite: boolean };
type AdvancedSelector = NonNullable<EventSelectorsShape['AdvancedEventSelectors']>[number];

const OPERATORS: readonly [keyof FieldSelectorShape, (value: string, x: string) => boolean, boolean][] = [
  ['Equals', (v, x) => v === x, false],
  ['StartsWith', (v, x) => v.startsWith(x), false],
  ['EndsWith', (v, x) => v.endsWith(x), false],
  ['NotEquals', (v, x) => v === x, true],
  ['NotStartsWith', (v, x) => v.startsWith(x), true],
  ['NotEndsWith', (v, x) => v.endsWith(x), true],
];

/** Whether a field selector lets through an event whose field is `value` (true when there is none). */
export function fieldAdmits(f: FieldSelectorShape | undefined, value: string): boolean {
  if (!f) return true;
  return OPERATORS.every(([op, hit, negated]) => {
    const list = f[op] as string[] | undefined;
    if (!list?.length) return true;
    return negated ? !list.some((x) => hit(value, x)) : list.some((x) => hit(value, x));
  });
}

/** Fields of a management selector the coverage reads; any other (eventName, userIdentity.arn…) keeps part of KMS's events only. */
const COVERAGE_FIELDS = new Set(['eventCategory', 'readOnly', 'eventSource']);

/**
 * One advanced event selector's contribution to the coverage of KMS management events: its category
 * must admit Management, its eventSource kms.amazonaws.com (Equals/StartsWith/…/NotEndsWith), its
 * readOnly true (key use) or false (administration). A selector that also filters on another field
 * (event data stores: eventName, userIdentity.arn, eventType…) records part of them: partial.
 */
function addAdvanced(a: AdvancedSelector, cov: Coverage): void {
  const fields = a.FieldSelectors ?? [];
  const field = (name: string) => fields.find((f) => f.Field === name);
  const category = field('eventCategory');
  if (!category || !fieldAdmits(category, 'Management')) return;
  for (const f of fields) if (f.Field === 'eventSource') for (const x of f.NotEquals ?? []) cov.excluded.add(x);
  if (!fieldAdmits(field('eventSource'), KMS_SOURCE)) {
    cov.excluded.add(KMS_SOURCE);
    return;
  }
  const partial = fields.some((f) => !COVERAGE_FIELDS.has(f.Field ?? ''));
  const read = fieldAdmits(field('readOnly'), 'true');
  const write = fieldAdmits(field('readOnly'), 'false');
  if (partial) {
    cov.partialRead ||= read;
    cov.partialWrite ||= write;
  } else {
    cov.read ||= read;
    cov.write ||= write;
  }
}

const KMS_SOURCE = 'kms.amazonaws.com';

/**
 * Which management events a trail or event data store records: read = key use (Decrypt, Sign… are
 * read-only management events), write = administration. Basic selectors: the events recorded and every
 * source they exclude. Advanced selectors are read for KMS's own events (any selector recording them is
 * enough; one that lets KMS out adds nothing), and `kms.amazonaws.com` is excluded when none records any.
 */
export function managementCoverage(sel: EventSelectorsShape): {
  read: boolean;
  write: boolean;
  excluded: string[];
  /** Some KMS events of this kind are recorded, not necessarily all (a selector filters on another field). */
  partial?: { read: boolean; write: boolean };
} {
  const cov: Coverage = { read: false, write: false, excluded: new Set<string>(), partialRead: false, partialWrite: false };
  if (sel.AdvancedEventSelectors?.length) {
    for (const a of sel.AdvancedEventSelectors) addAdvanced(a, cov);
  } else {
    for (const s of sel.EventSelectors ?? []) {
      if (s.IncludeManagementEvents === false) continue;
      // Basic selectors: what management events are recorded, and the sources left out of them.
      for (const x of s.ExcludeManagementEventSources ?? []) cov.excluded.add(x);
      const rw = s.ReadWriteType ?? 'All';
      if (rw === 'All' || rw === 'ReadOnly') cov.read = true;
      if (rw === 'All' || rw === 'WriteOnly') cov.write = true;
    }
  }
  const partial = (cov.partialRead && !cov.read) || (cov.partialWrite && !cov.write);
  // Advanced selectors are read for KMS's events: KMS is excluded only when no selector records any.
  if (sel.AdvancedEventSelectors?.length && (cov.read || cov.write || partial)) cov.excluded.delete(KMS_SOURCE);
  return {
    read: cov.read,
    write: cov.write,
    excluded: [...cov.excluded].sort(),
    ...(partial ? { partial: { read: cov.partialRead && !cov.read, write: cov.partialWrite && !cov.write } } : {}),
  };
}

/** The coverage fields of a trail or event data store from its selectors. */
function setCoverage(out: AuditTrail, selectors: EventSelectorsShape): void {
  const cov = managementCoverage(selectors);
  // A selector recording part of KMS's events: neither recorded nor not (the field stays absent: unknown).
  if (!cov.partial?.write) out.capturesAdminEvents = cov.write;
  if (!cov.partial?.read) out.capturesDataPlane = cov.read;
  out.excludedSources = cov.excluded;
}

export interface EventDataStoreShape {
  EventDataStoreArn?: string;
  Name?: string;
  Status?: string;
  AdvancedEventSelectors?: NonNullable<EventSelectorsShape['AdvancedEventSelectors']>;
  MultiRegionEnabled?: boolean;
  OrganizationEnabled?: boolean;
  RetentionPeriod?: number;
}

/**
 * A CloudTrail Lake event data store as an audit trail (CloudTrail API Reference, GetEventDataStore):
 * logging while its Status is ENABLED, organization- and multi-Region-wide as it says, its advanced
 * selectors read as a trail's, retention its RetentionPeriod in days. An event data store of other
 * events only (Config items, Insights, events outside AWS) records no key use: undefined.
 */
export function normalizeEventDataStore(account: string, d: EventDataStoreShape): AuditTrail | undefined {
  const selectors = d.AdvancedEventSelectors;
  const management = (a: NonNullable<typeof selectors>[number]) =>
    fieldAdmits(
      a.FieldSelectors?.find((f) => f.Field === 'eventCategory'),
      'Management',
    );
  if (selectors && !selectors.some(management)) return undefined;
  const arn = d.EventDataStoreArn ?? `arn:aws:cloudtrail:unknown:${account}:eventdatastore/${d.Name ?? 'unknown'}`;
  const region = regionOfArn(arn);
  const out: AuditTrail = {
    id: arn,
    provider: PROVIDER,
    kind: 'cloudtrail',
    scope: {
      provider: PROVIDER,
      accounts: d.OrganizationEnabled ? '*' : [accountOfArn(arn) ?? account],
      regions: d.MultiRegionEnabled || !region || region === 'unknown' ? '*' : [region],
    },
    destination: { kind: 'other', id: arn },
  };
  if (d.Name) out.name = d.Name;
  if (d.Status) out.enabled = d.Status === 'ENABLED';
  if (selectors) setCoverage(out, { AdvancedEventSelectors: selectors });
  if (d.RetentionPeriod !== undefined) out.retentionDays = d.RetentionPeriod;
  return out;
}

const accountOfArn = (arn: string | undefined): string | undefined => (arn ? /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1] : undefined);
/** The region of an ARN (`arn:partition:service:region:…`), absent for global resources. */
export const regionOfArn = (arn: string): string | undefined => /^arn:[^:]+:[^:]+:([^:]+):/.exec(arn)?.[1];

/** An AuditTrail from a trail and its status, selectors and log retention. */
export function normalizeTrail(r: TrailReadings): AuditTrail {
  const t = r.trail;
  const owner = accountOfArn(t.TrailARN) ?? r.account;
  const home = t.HomeRegion;
  const out: AuditTrail = {
    id: t.TrailARN ?? `arn:aws:cloudtrail:${home ?? 'unknown'}:${owner}:trail/${t.Name ?? 'unknown'}`,
    provider: PROVIDER,
    kind: 'cloudtrail',
    scope: {
      provider: PROVIDER,
      accounts: t.IsOrganizationTrail ? '*' : [owner],
      regions: t.IsMultiRegionTrail || !home ? '*' : [home],
    },
  };
  if (t.Name) out.name = t.Name;
  if (r.isLogging !== undefined) out.enabled = r.isLogging;
  if (r.selectors) setCoverage(out, r.selectors);
  if (t.CloudWatchLogsLogGroupArn) {
    out.destination = { kind: 'cloudwatch-logs', id: logGroupName(t.CloudWatchLogsLogGroupArn) ?? t.CloudWatchLogsLogGroupArn };
    if (r.retentionDays !== undefined) out.retentionDays = r.retentionDays;
  } else if (t.S3BucketName) {
    out.destination = { kind: 's3', id: t.S3BucketName };
    if (r.retentionDays !== undefined) out.retentionDays = r.retentionDays;
  }
  if (t.LogFileValidationEnabled !== undefined) out.integrityValidation = t.LogFileValidationEnabled;
  return out;
}

/** The log group name from a CloudWatch Logs log group ARN (arn:aws:logs:r:a:log-group:NAME:*). */
export const logGroupName = (arn: string): string | undefined => /:log-group:([^:]+)/.exec(arn)?.[1];
