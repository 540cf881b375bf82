// The AWS part of `keyhygiene demo`: seed the loopback simulator from the AWS records of an inventory
// (pure), start it, and hand back the provider block and environment that point the real provider at it.
import { generateKeyPairSync } from 'node:crypto';
import {
  type AwsFake,
  FAKE_ACCESS_KEY,
  FAKE_SECRET_KEY,
  type FakeAccount,
  type FakeKey,
  type FakeTrail,
  type FakeWorld,
  type Fault,
  startAwsFake,
} from '../fakes/aws/server.ts';
import type { AccessEntry, Capability } from '../model/access-entry.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { Inventory } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import { KMS_ACTIONS, regionOfArn } from '../providers/aws/normalize.ts';
import type { AwsConfigInput } from '../providers/aws/schema.ts';

const PROVIDER = 'aws-kms';

/** The KMS actions that give each capability: the provider's own table, read backwards. */
const ACTIONS = (cap: Capability): string[] =>
  Object.entries(KMS_ACTIONS)
    .filter(([, c]) => c === cap)
    .map(([a]) => `kms:${a}`);

const GRANT_OPS: Record<Capability, string[]> = {
  'use-sign': ['Sign'],
  'use-verify': ['Verify'],
  'use-encrypt': ['Encrypt', 'GenerateDataKey'],
  'use-decrypt': ['Decrypt'],
  'use-mac': ['GenerateMac'],
  'use-wrap': ['Encrypt'],
  'use-unwrap': ['Decrypt'],
  export: [],
  administer: ['RetireGrant'],
  'create-grant': ['CreateGrant'],
  read: ['DescribeKey'],
};

const keyIdOf = (arn: string): string => arn.replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
const ownerOfArn = (arn: string): string | undefined => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];

function specOf(k: KeyRecord): { spec: string; usage: string } {
  const usage = k.usage?.includes('sign')
    ? 'SIGN_VERIFY'
    : k.usage?.includes('mac')
      ? 'GENERATE_VERIFY_MAC'
      : k.usage?.includes('agree')
        ? 'KEY_AGREEMENT'
        : 'ENCRYPT_DECRYPT';
  switch (k.keyType) {
    case 'RSA':
      return { spec: `RSA_${k.keySize ?? 2048}`, usage };
    case 'EC': {
      const curves: Record<string, string> = { 'P-256': 'ECC_NIST_P256', 'P-384': 'ECC_NIST_P384', 'P-521': 'ECC_NIST_P521', secp256k1: 'ECC_SECG_P256K1' };
      return { spec: curves[k.curve ?? 'P-256'] ?? 'ECC_NIST_P256', usage };
    }
    case 'OKP':
      return { spec: 'ECC_NIST_EDWARDS25519', usage };
    case 'HMAC':
      return { spec: `HMAC_${k.keySize ?? 256}`, usage: 'GENERATE_VERIFY_MAC' };
    default:
      return { spec: 'SYMMETRIC_DEFAULT', usage };
  }
}

function originOf(k: KeyRecord): string {
  if (k.origin === 'imported') return 'EXTERNAL';
  if (k.origin === 'external-store') return 'EXTERNAL_KEY_STORE';
  return 'AWS_KMS';
}

const STATES: Record<string, string> = {
  enabled: 'Enabled',
  disabled: 'Disabled',
  'pending-deletion': 'PendingDeletion',
  'pending-import': 'PendingImport',
  unavailable: 'Unavailable',
  destroyed: 'PendingDeletion',
};

function principalBlock(e: AccessEntry): unknown {
  const p = e.principal;
  if (p.kind === 'public' || p.id === '*') return '*';
  if (p.kind === 'service') return { Service: p.id };
  return { AWS: p.id };
}

function conditionBlock(e: AccessEntry): Record<string, Record<string, string[]>> | undefined {
  if (!e.conditions?.length) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const c of e.conditions) {
    out[c.operator] ??= {};
    (out[c.operator] as Record<string, string[]>)[c.key] = c.values;
  }
  return out;
}

/** A key policy whose analysis gives back the key-policy access entries. */
export function policyFromAccess(entries: readonly AccessEntry[]): unknown {
  const Statement = entries
    .filter((e) => e.source === 'key-policy')
    .map((e, i) => {
      const condition = conditionBlock(e);
      // A confined wildcard was a "*" principal with the confining condition.
      const principal = e.confined && condition ? '*' : principalBlock(e);
      return {
        Sid: e.sourceId ?? `statement[${i}]`,
        Effect: 'Allow',
        Principal: principal,
        Action: [...new Set(e.capabilities.flatMap(ACTIONS))],
        Resource: '*',
        ...(condition ? { Condition: condition } : {}),
      };
    });
  return { Version: '2012-10-17', Id: 'keyhygiene-demo', Statement };
}

function publicKeyFor(k: KeyRecord): string | undefined {
  if (k.publicKey) return k.publicKey;
  if (k.keyType === 'RSA')
    return generateKeyPairSync('rsa', { modulusLength: k.keySize ?? 2048 })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
  if (k.keyType === 'EC')
    return generateKeyPairSync('ec', { namedCurve: k.curve === 'P-384' ? 'P-384' : k.curve === 'P-521' ? 'P-521' : 'P-256' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
  if (k.keyType === 'OKP') return generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return undefined;
}

function fakeKey(k: KeyRecord): FakeKey {
  const { spec, usage } = specOf(k);
  const out: FakeKey = {
    id: keyIdOf(k.id),
    spec,
    usage,
    origin: originOf(k),
    manager: k.managedBy === 'provider' ? 'AWS' : 'CUSTOMER',
    state: STATES[k.state ?? 'enabled'] ?? 'Enabled',
    createdAt: k.createdAt ?? '2020-01-01T00:00:00Z',
  };
  if (k.aliases?.length) out.aliases = [...k.aliases];
  if (k.tags) out.tags = { ...k.tags };
  if (k.expiresAt && out.origin === 'EXTERNAL') out.validTo = k.expiresAt;
  if (k.deletion?.scheduledAt) out.deletionDate = k.deletion.scheduledAt;
  if (k.multiRegion) out.multiRegion = true;
  if (k.access) {
    out.policy = policyFromAccess(k.access);
    out.grants = k.access
      .filter((e) => e.source === 'grant')
      .map((e, i) => ({ id: e.sourceId ?? `grant-${i}`, grantee: e.principal.id, operations: [...new Set(e.capabilities.flatMap((c) => GRANT_OPS[c]))] }));
  }
  if (k.rotation?.supported) {
    const rotations = k.rotation.lastRotatedAt
      ? [k.rotation.lastRotatedAt]
      : k.currentVersionCreatedAt && k.createdAt && Date.parse(k.currentVersionCreatedAt) > Date.parse(k.createdAt)
        ? [k.currentVersionCreatedAt]
        : [];
    out.rotation = { enabled: k.rotation.automatic === true, ...(k.rotation.periodDays ? { periodDays: k.rotation.periodDays } : {}), rotations };
  }
  if (spec !== 'SYMMETRIC_DEFAULT' && !spec.startsWith('HMAC')) {
    const pk = publicKeyFor(k);
    if (pk) out.publicKey = pk;
  }
  return out;
}

function fakeTrail(
  t: AuditTrail,
  region?: string,
): {
  owner?: string;
  trail: FakeTrail;
  logGroup?: { name: string; region: string; retentionDays: number | null };
  bucket?: { name: string; expirationDays: number | null };
} {
  const home = region ?? regionOfArn(t.id) ?? (Array.isArray(t.scope.regions) ? t.scope.regions[0] : undefined) ?? 'us-east-1';
  const regions = t.scope.regions;
  const baseName = t.name ?? t.id.split('/').at(-1) ?? 'trail';
  const trail: FakeTrail = {
    name: region ? `${baseName}-${region}` : baseName,
    homeRegion: home,
    multiRegion: regions === undefined || regions === '*',
    organization: t.scope.accounts === '*',
    logging: t.enabled ?? true,
    readWriteType: t.capturesDataPlane === false ? 'WriteOnly' : t.capturesAdminEvents === false ? 'ReadOnly' : 'All',
    excludeManagementEventSources: t.excludedSources ?? [],
    logFileValidation: t.integrityValidation ?? false,
  };
  let logGroup: { name: string; region: string; retentionDays: number | null } | undefined;
  let bucket: { name: string; expirationDays: number | null } | undefined;
  if (t.destination?.kind === 'cloudwatch-logs') {
    const name = t.destination.id?.includes(':log-group:')
      ? (/:log-group:([^:]+)/.exec(t.destination.id)?.[1] as string)
      : (t.destination.id ?? `${trail.name}-logs`);
    trail.logGroup = name;
    logGroup = { name, region: home, retentionDays: t.retentionDays ?? null };
  } else if (t.destination?.kind === 's3' && t.destination.id) {
    trail.s3Bucket = t.destination.id.replace(/^s3:\/\//, '');
    if (t.retentionDays !== undefined) bucket = { name: trail.s3Bucket, expirationDays: t.retentionDays };
  }
  return { owner: ownerOfArn(t.id), trail, logGroup, bucket };
}

const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * A simulator world holding the AWS records of an inventory: its keys (with policies and grants
 * rebuilt from their access entries), trails and log groups, and faults that reproduce its gaps.
 * Pure, apart from generating public keys for asymmetric keys recorded without one.
 */
export function worldFromInventory(inventory: Pick<Inventory, 'keys' | 'trails' | 'gaps'>): { world: FakeWorld; faults: Fault[] } {
  const accounts = new Map<string, FakeAccount>();
  const account = (id: string): FakeAccount => {
    let a = accounts.get(id);
    if (!a) {
      a = { id, regions: {}, trails: [], logGroups: [] };
      accounts.set(id, a);
    }
    return a;
  };
  for (const k of inventory.keys.filter((x) => x.provider === PROVIDER)) {
    const a = account(k.account ?? ownerOfArn(k.id) ?? '000000000000');
    const region = k.region ?? regionOfArn(k.id) ?? 'us-east-1';
    a.regions[region] ??= { keys: [] };
    a.regions[region].keys.push(fakeKey(k));
  }
  let management: string | undefined;
  // CloudTrail records one region or all of them: a trail listed with several regions becomes one
  // trail per extra region, so each key keeps the coverage the inventory gives it.
  const trails = inventory.trails.filter((x) => x.provider === PROVIDER && x.kind === 'cloudtrail');
  const expanded = trails.flatMap((t) => {
    const home = regionOfArn(t.id);
    const extra = Array.isArray(t.scope.regions) ? t.scope.regions.filter((r) => r !== home) : [];
    return [fakeTrail(t), ...extra.map((r) => fakeTrail(t, r))];
  });
  for (const { owner, trail, logGroup, bucket } of expanded) {
    const ownerId = owner ?? '000000000000';
    const a = account(ownerId);
    a.trails?.push(trail);
    if (logGroup) a.logGroups?.push(logGroup);
    if (bucket) a.buckets = { ...a.buckets, [bucket.name]: { expirationDays: bucket.expirationDays } };
    a.regions[trail.homeRegion] ??= { keys: [] };
    if (trail.organization) management = ownerId;
  }
  const ids = [...accounts.keys()].sort();
  const faults: Fault[] = [];
  for (const g of inventory.gaps.filter((x) => x.provider === PROVIDER)) {
    const op = g.operation.includes(':') ? g.operation : `kms:${g.operation}`;
    faults.push({
      op,
      ...(g.scope.account ? { account: g.scope.account } : {}),
      ...(g.scope.region ? { region: g.scope.region } : {}),
      ...(g.scope.subjectId?.includes(':key/') ? { keyId: keyIdOf(g.scope.subjectId) } : {}),
      error: 'AccessDenied',
    });
  }
  // An organization as AWS creates it: FullAWSAccess attached to the root and to every account.
  const organization = {
    id: 'o-demo',
    root: 'r-demo',
    parents: {},
    policies: [{ id: 'p-FullAWSAccess', name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY' as const, content: FULL_ACCESS, targets: ['r-demo', ...ids] }],
  };
  return {
    world: { callerAccount: management ?? ids[0] ?? '000000000000', accounts: ids.map((id) => accounts.get(id) as FakeAccount), organization },
    faults,
  };
}

/** The environment that points the standard AWS SDK settings at the simulator (and nowhere else). */
export function demoEnv(url: string, region: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: FAKE_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_REGION: region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const s of ['KMS', 'STS', 'IAM', 'CLOUDTRAIL', 'CLOUDWATCH_LOGS', 'ORGANIZATIONS', 'EC2', 'S3']) env[`AWS_ENDPOINT_URL_${s}`] = url;
  return env;
}

export interface AwsDemo {
  /** The `aws` block for the policy's providers. */
  providerBlock: AwsConfigInput;
  /** Variables to set in this process while the provider runs (undefined = unset). */
  env: Record<string, string | undefined>;
  fake: AwsFake;
  stop(): Promise<void>;
}

/** Start the simulator seeded with the AWS part of `inventory`. */
export async function startAwsDemo(inventory: Pick<Inventory, 'keys' | 'trails' | 'gaps'>): Promise<AwsDemo> {
  const { world, faults } = worldFromInventory(inventory);
  const fake = await startAwsFake(world, { faults });
  const regions = [...new Set(world.accounts.flatMap((a) => Object.keys(a.regions)))].sort();
  const multiAccount = world.accounts.length > 1;
  const providerBlock: AwsConfigInput = {
    regions: regions.length ? regions : ['us-east-1'],
    ...(multiAccount ? { accounts: 'organization' as const, assumeRole: 'KeyhygieneAudit' } : {}),
    quotaFraction: 1,
    retryBaseMs: 10,
  };
  return {
    providerBlock,
    env: demoEnv(fake.url, regions.includes('us-east-1') ? 'us-east-1' : (regions[0] ?? 'us-east-1')),
    fake,
    stop: () => fake.close(),
  };
}
