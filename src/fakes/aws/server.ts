// An in-process loopback simulator of the AWS wire protocols the AWS provider uses: KMS, CloudTrail
// and CloudWatch Logs (awsJson1_1), Organizations (awsJson1_1), STS (awsQuery/XML) and EC2
// DescribeRegions (ec2Query/XML). It ships in the package because `keyhygiene demo` uses it; the tests
// and the benchmark reuse it. It can enforce per-operation quotas, add latency and inject faults.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeIam, type FakeOrganization, iamHandlers } from './iam.ts';

export type { FakeIam, FakeOrganization } from './iam.ts';

/**
 * Operations that AWS documents as sharing one request quota (CloudTrail's control-plane reads share
 * one rate per account and region). A quota given for the group's name applies to all of them.
 */
const SHARED_QUOTAS: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail:read': ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
};
const quotaGroupOf = (op: string): string => Object.entries(SHARED_QUOTAS).find(([, ops]) => ops.includes(op))?.[0] ?? op;

export interface FakeKey {
  /** Key id (the part after key/ in the ARN). */
  id: string;
  spec?: string;
  usage?: string;
  origin?: string;
  manager?: 'AWS' | 'CUSTOMER';
  state?: string;
  createdAt: string;
  description?: string;
  validTo?: string;
  deletionDate?: string;
  customKeyStoreId?: string;
  multiRegion?: boolean;
  aliases?: string[];
  tags?: Record<string, string>;
  /** An object is served as JSON; a string is served verbatim (even if it is not valid JSON). */
  policy?: unknown;
  grants?: { id?: string; name?: string; grantee: string; operations: string[]; constraints?: Record<string, Record<string, string>> }[];
  rotation?: { enabled: boolean; periodDays?: number; rotations?: string[] };
  /** base64 DER SubjectPublicKeyInfo of an asymmetric key */
  publicKey?: string;
}

export interface FakeTrail {
  name: string;
  homeRegion: string;
  multiRegion?: boolean;
  organization?: boolean;
  logging?: boolean;
  readWriteType?: 'All' | 'ReadOnly' | 'WriteOnly';
  includeManagementEvents?: boolean;
  excludeManagementEventSources?: string[];
  advancedSelectors?: { Name?: string; FieldSelectors: { Field: string; Equals?: string[]; NotEquals?: string[] }[] }[];
  logGroup?: string;
  s3Bucket?: string;
  logFileValidation?: boolean;
}

export interface FakeAccount {
  id: string;
  name?: string;
  /** false: sts:AssumeRole into this account is denied */
  assumable?: boolean;
  regions: Record<string, { keys: FakeKey[] }>;
  trails?: FakeTrail[];
  /** S3 buckets trails write to: the expiration of their lifecycle rule (null = no lifecycle rule) */
  buckets?: Record<string, { expirationDays: number | null }>;
  /** CloudWatch Logs groups (retentionDays null = never expire) */
  logGroups?: { name: string; region: string; retentionDays: number | null }[];
  /** IAM users, groups, roles and managed policies (iam:GetAccountAuthorizationDetails); absent = none */
  iam?: FakeIam;
}

export interface FakeWorld {
  /** The account the static (caller) credentials belong to; the organization's management account. */
  callerAccount: string;
  callerArn?: string;
  accounts: FakeAccount[];
  /** Regions DescribeRegions reports as enabled; default: every region any account has. */
  enabledRegions?: string[];
  /** Accounts that ListAccounts reports as SUSPENDED. */
  suspended?: string[];
  /** The organization's OUs, SCPs and RCPs (served to the caller account only). */
  organization?: FakeOrganization;
}

export type FaultKind = 'AccessDenied' | 'Throttling' | 'Internal' | 'Timeout' | 'ExpiredToken' | 'NotFound';

export interface Fault {
  /** e.g. kms:ListGrants; absent = every operation */
  op?: string;
  account?: string;
  region?: string;
  keyId?: string;
  error: FaultKind;
  /** how many times per (operation, key) it fires; absent = always */
  times?: number;
  /** fraction of (operation, key) pairs it hits, chosen deterministically by hash; absent = all */
  rate?: number;
}

export interface FakeOptions {
  /** added to every response */
  latencyMs?: number;
  /** requests per second per (account, region, operation), as token buckets holding one second's worth; exceeding answers ThrottlingException */
  quotas?: Readonly<Record<string, number>>;
  faults?: Fault[];
  /** keep every request (operation, account, region, input); default true */
  record?: boolean;
}

export interface RecordedRequest {
  op: string;
  account: string;
  region: string;
  accessKeyId: string;
  input: Record<string, unknown>;
}

export interface FakeStats {
  /** responses served successfully, per `account/region/op` */
  served: Record<string, number>;
  /** first and last time (ms since the simulator started) each `account/region/op` was served */
  window: Record<string, [number, number]>;
  throttled: number;
  faults: number;
  requests: number;
}

export interface AwsFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  stats: FakeStats;
  /** operation names (service:Op) received, deduplicated and sorted */
  operations(): string[];
  setFaults(faults: Fault[]): void;
  close(): Promise<void>;
}

export const FAKE_ACCESS_KEY = 'AKIDKEYHYGIENEDEMO';
export const FAKE_SECRET_KEY = 'keyhygiene-demo-secret-not-real';

class AwsError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

const FAULT_ERRORS: Record<Exclude<FaultKind, 'Timeout'>, (op: string) => AwsError> = {
  AccessDenied: (op) => new AwsError(op.startsWith('kms:') ? 'AccessDeniedException' : 'AccessDenied', `User is not authorized to perform: ${op}`, 400),
  Throttling: () => new AwsError('ThrottlingException', 'Rate exceeded', 400),
  Internal: (op) =>
    new AwsError(op.startsWith('kms:') ? 'KMSInternalException' : 'InternalFailure', 'We encountered an internal error. Please try again.', 500),
  ExpiredToken: () => new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400),
  NotFound: () => new AwsError('NotFoundException', 'not found', 400),
};

const TARGETS: Record<string, string> = {
  TrentService: 'kms',
  CloudTrail_20131101: 'cloudtrail',
  Logs_20140328: 'logs',
  AWSOrganizationsV20161128: 'organizations',
};

const epoch = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) / 1000 : undefined);
const xmlEscape = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const hashFraction = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0) / 0x1_0000_0000;

function page<T>(items: readonly T[], input: Record<string, unknown>, defaultLimit: number, limitKey = 'Limit', markerKey = 'Marker') {
  const start = Number(input[markerKey] ?? 0) || 0;
  const limit = Number(input[limitKey] ?? defaultLimit) || defaultLimit;
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { slice, next: more ? String(start + limit) : undefined };
}

/** Start the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startAwsFake(world: FakeWorld, options: FakeOptions = {}, port = 0): Promise<AwsFake> {
  const record = options.record ?? true;
  let faults = options.faults ?? [];
  const requests: RecordedRequest[] = [];
  const seenOps = new Set<string>();
  const stats: FakeStats = { served: {}, window: {}, throttled: 0, faults: 0, requests: 0 };
  const started = performance.now();
  const faultCounts = new Map<string, number>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const pending = new Set<http.ServerResponse>();
  const accounts = new Map(world.accounts.map((a) => [a.id, a]));
  const credentials = new Map<string, string>([[FAKE_ACCESS_KEY, world.callerAccount]]);

  const keyIndex = new Map<string, Map<string, FakeKey>>();
  const keysOf = (account: string, region: string): FakeKey[] => accounts.get(account)?.regions[region]?.keys ?? [];
  const findKey = (account: string, region: string, keyId: unknown): FakeKey => {
    const raw = String(keyId ?? '');
    const id = raw.replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
    const cacheId = `${account}/${region}`;
    let idx = keyIndex.get(cacheId);
    if (!idx) {
      idx = new Map();
      for (const k of keysOf(account, region)) {
        idx.set(k.id, k);
        for (const a of k.aliases ?? []) idx.set(a, k);
      }
      keyIndex.set(cacheId, idx);
    }
    const k = idx.get(id);
    if (!k) throw new AwsError('NotFoundException', `Key '${raw}' does not exist`);
    return k;
  };
  const arnOf = (account: string, region: string, k: FakeKey) => `arn:aws:kms:${region}:${account}:key/${k.id}`;
  const rotatable = (k: FakeKey) => (k.spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT' && (k.origin ?? 'AWS_KMS') === 'AWS_KMS' && !k.customKeyStoreId;
  const trailArn = (owner: string, t: FakeTrail) => `arn:aws:cloudtrail:${t.homeRegion}:${owner}:trail/${t.name}`;

  const trailsVisible = (account: string, region: string): { owner: string; t: FakeTrail }[] => {
    const out: { owner: string; t: FakeTrail }[] = [];
    for (const a of world.accounts) {
      for (const t of a.trails ?? []) {
        const visibleAccount = a.id === account || (t.organization && a.id === world.callerAccount);
        if (visibleAccount && (t.homeRegion === region || t.multiRegion)) out.push({ owner: a.id, t });
      }
    }
    return out;
  };
  const findTrail = (account: string, name: unknown): { owner: string; t: FakeTrail } => {
    const n = String(name ?? '');
    for (const a of world.accounts)
      for (const t of a.trails ?? [])
        if ((a.id === account || (t.organization && a.id === world.callerAccount)) && (t.name === n || trailArn(a.id, t) === n)) return { owner: a.id, t };
    throw new AwsError('TrailNotFoundException', `Unknown trail: ${n}`);
  };

  const handlers: Record<string, (input: Record<string, unknown>, account: string, region: string) => unknown> = {
    'kms:ListKeys': (input, account, region) => {
      const { slice, next } = page(keysOf(account, region), input, 1000);
      return {
        Keys: slice.map((k) => ({ KeyId: k.id, KeyArn: arnOf(account, region, k) })),
        Truncated: next !== undefined,
        ...(next ? { NextMarker: next } : {}),
      };
    },
    'kms:DescribeKey': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      const spec = k.spec ?? 'SYMMETRIC_DEFAULT';
      const state = k.state ?? 'Enabled';
      return {
        KeyMetadata: {
          AWSAccountId: account,
          KeyId: k.id,
          Arn: arnOf(account, region, k),
          CreationDate: epoch(k.createdAt),
          Enabled: state === 'Enabled',
          Description: k.description ?? '',
          KeyUsage: k.usage ?? (spec.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : 'SIGN_VERIFY'),
          KeyState: state,
          ...(k.deletionDate ? { DeletionDate: epoch(k.deletionDate) } : {}),
          ...(k.validTo ? { ValidTo: epoch(k.validTo), ExpirationModel: 'KEY_MATERIAL_EXPIRES' } : {}),
          Origin: k.origin ?? 'AWS_KMS',
          ...(k.customKeyStoreId ? { CustomKeyStoreId: k.customKeyStoreId } : {}),
          KeyManager: k.manager ?? 'CUSTOMER',
          KeySpec: spec,
          CustomerMasterKeySpec: spec,
          MultiRegion: k.multiRegion ?? false,
        },
      };
    },
    'kms:ListAliases': (input, account, region) => {
      const all = keysOf(account, region).flatMap((k) =>
        (k.aliases ?? []).map((a) => ({ AliasName: a, AliasArn: `arn:aws:kms:${region}:${account}:${a}`, TargetKeyId: k.id })),
      );
      const { slice, next } = page(all, input, 50);
      return { Aliases: slice, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    'kms:ListResourceTags': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      const tags = Object.entries(k.tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
      const { slice, next } = page(tags, input, 50);
      return { Tags: slice, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    'kms:GetKeyPolicy': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      const policy =
        k.policy === undefined
          ? {
              Version: '2012-10-17',
              Id: 'key-default-1',
              Statement: [
                { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
              ],
            }
          : k.policy;
      return { Policy: typeof policy === 'string' ? policy : JSON.stringify(policy), PolicyName: 'default' };
    },
    'kms:ListGrants': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      const grants = (k.grants ?? []).map((g, i) => ({
        KeyId: arnOf(account, region, k),
        GrantId: g.id ?? `grant-${i}`,
        ...(g.name ? { Name: g.name } : {}),
        GranteePrincipal: g.grantee,
        Operations: g.operations,
        IssuingAccount: `arn:aws:iam::${account}:root`,
        CreationDate: epoch(k.createdAt),
        ...(g.constraints ? { Constraints: g.constraints } : {}),
      }));
      const { slice, next } = page(grants, input, 50);
      return { Grants: slice, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    'kms:GetKeyRotationStatus': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      if (!rotatable(k)) throw new AwsError('UnsupportedOperationException', `${arnOf(account, region, k)} origin or key spec does not support rotation`);
      const enabled = k.rotation?.enabled ?? false;
      return { KeyId: arnOf(account, region, k), KeyRotationEnabled: enabled, ...(enabled ? { RotationPeriodInDays: k.rotation?.periodDays ?? 365 } : {}) };
    },
    'kms:ListKeyRotations': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      if (!rotatable(k)) throw new AwsError('UnsupportedOperationException', 'key does not support rotation');
      const rotations = (k.rotation?.rotations ?? []).map((d) => ({ KeyId: k.id, RotationDate: epoch(d), RotationType: 'AUTOMATIC' }));
      const { slice, next } = page(rotations, input, 100);
      return { Rotations: slice, Truncated: next !== undefined, ...(next ? { NextMarker: next } : {}) };
    },
    'kms:GetPublicKey': (input, account, region) => {
      const k = findKey(account, region, input.KeyId);
      if (!k.publicKey) throw new AwsError('UnsupportedOperationException', `${arnOf(account, region, k)} key usage is not supported for this operation`);
      return { KeyId: arnOf(account, region, k), PublicKey: k.publicKey, KeySpec: k.spec, KeyUsage: k.usage ?? 'SIGN_VERIFY' };
    },
    'cloudtrail:DescribeTrails': (_input, account, region) => ({
      trailList: trailsVisible(account, region).map(({ owner, t }) => ({
        Name: t.name,
        S3BucketName: t.s3Bucket ?? `trail-${owner}`,
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: t.multiRegion ?? false,
        HomeRegion: t.homeRegion,
        TrailARN: trailArn(owner, t),
        LogFileValidationEnabled: t.logFileValidation ?? false,
        ...(t.logGroup ? { CloudWatchLogsLogGroupArn: `arn:aws:logs:${t.homeRegion}:${owner}:log-group:${t.logGroup}:*` } : {}),
        HasCustomEventSelectors: true,
        IsOrganizationTrail: t.organization ?? false,
      })),
    }),
    'cloudtrail:GetTrailStatus': (input, account) => ({ IsLogging: findTrail(account, input.Name).t.logging ?? true }),
    'cloudtrail:GetEventSelectors': (input, account) => {
      const { owner, t } = findTrail(account, input.TrailName);
      if (t.advancedSelectors) return { TrailARN: trailArn(owner, t), AdvancedEventSelectors: t.advancedSelectors };
      return {
        TrailARN: trailArn(owner, t),
        EventSelectors: [
          {
            ReadWriteType: t.readWriteType ?? 'All',
            IncludeManagementEvents: t.includeManagementEvents ?? true,
            DataResources: [],
            ExcludeManagementEventSources: t.excludeManagementEventSources ?? [],
          },
        ],
      };
    },
    'logs:DescribeLogGroups': (input, account, region) => {
      const prefix = String(input.logGroupNamePrefix ?? '');
      const groups = (accounts.get(account)?.logGroups ?? [])
        .filter((g) => g.region === region && g.name.startsWith(prefix))
        .map((g) => ({
          logGroupName: g.name,
          arn: `arn:aws:logs:${region}:${account}:log-group:${g.name}:*`,
          ...(g.retentionDays === null ? {} : { retentionInDays: g.retentionDays }),
        }));
      return { logGroups: groups };
    },
    'organizations:ListAccounts': (input, account) => {
      if (account !== world.callerAccount) throw new AwsError('AccessDeniedException', 'You don\u2019t have permissions to access this resource.');
      const all = world.accounts.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${world.callerAccount}:account/o-demo/${a.id}`,
        Name: a.name ?? a.id,
        Email: `${a.id}@example.com`,
        Status: world.suspended?.includes(a.id) ? 'SUSPENDED' : 'ACTIVE',
        State: world.suspended?.includes(a.id) ? 'SUSPENDED' : 'ACTIVE',
      }));
      const { slice, next } = page(all, input, 20, 'MaxResults', 'NextToken');
      return { Accounts: slice, ...(next ? { NextToken: next } : {}) };
    },
    'sts:GetCallerIdentity': (_input, account) => {
      const arn =
        account === world.callerAccount
          ? (world.callerArn ?? `arn:aws:iam::${account}:user/keyhygiene-demo`)
          : `arn:aws:sts::${account}:assumed-role/audit/keyhygiene-audit`;
      return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${xmlEscape(arn)}</Arn><UserId>AIDADEMO</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
    },
    'sts:AssumeRole': (input) => {
      const roleArn = String(input.RoleArn ?? '');
      const target = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      const a = target ? accounts.get(target) : undefined;
      if (!a || a.assumable === false) throw new AwsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      const akid = `ASIA${a.id}`;
      credentials.set(akid, a.id);
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${akid}</AccessKeyId><SecretAccessKey>fake-secret-${a.id}</SecretAccessKey><SessionToken>fake-session-${a.id}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${a.id}:assumed-role/audit/keyhygiene-audit</Arn><AssumedRoleId>AROADEMO:keyhygiene-audit</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata></AssumeRoleResponse>`;
    },
    's3:GetBucketLifecycleConfiguration': (input, account) => {
      const bucket = accounts.get(account)?.buckets?.[String(input.Bucket)];
      if (!bucket) throw new AwsError('AccessDenied', 'Access Denied', 403);
      if (bucket.expirationDays === null) throw new AwsError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404);
      return `<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ID>expire-logs</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>${bucket.expirationDays}</Days></Expiration></Rule></LifecycleConfiguration>`;
    },
    ...iamHandlers(
      (account) => accounts.get(account)?.iam,
      world.organization,
      world.callerAccount,
      (type, message) => {
        throw new AwsError(type, message);
      },
    ),
    'ec2:DescribeRegions': (_input, account) => {
      const regions = world.enabledRegions ?? [...new Set(world.accounts.flatMap((a) => Object.keys(a.regions)))].sort();
      void account;
      return `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req</requestId><regionInfo>${regions
        .map(
          (r) =>
            `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`,
        )
        .join('')}</regionInfo></DescribeRegionsResponse>`;
    },
  };

  // Each quota is a token bucket refilled at the quota rate holding one second's worth: a steady
  // caller above the rate is throttled, short bursts within the second are not.
  const throttle = (account: string, region: string, op: string): boolean => {
    const rate = options.quotas?.[op] ?? options.quotas?.[quotaGroupOf(op)];
    if (!rate) return false;
    const id = `${account}/${region}/${quotaGroupOf(op)}`;
    const now = performance.now();
    let b = buckets.get(id);
    if (!b) {
      b = { tokens: rate, at: now };
      buckets.set(id, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) * rate) / 1000);
    b.at = now;
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  };

  const faultFor = (op: string, account: string, region: string, input: Record<string, unknown>): Fault | undefined => {
    const keyId = String(input.KeyId ?? input.Name ?? input.TrailName ?? '').replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
    for (const [i, f] of faults.entries()) {
      if (f.op && f.op !== op) continue;
      if (f.account && f.account !== account) continue;
      if (f.region && f.region !== region) continue;
      if (f.keyId && f.keyId !== keyId) continue;
      const subject = `${op}/${account}/${region}/${keyId}`;
      if (f.rate !== undefined && hashFraction(`${i}/${subject}`) >= f.rate) continue;
      if (f.times !== undefined) {
        const id = `${i}/${subject}`;
        const n = faultCounts.get(id) ?? 0;
        if (n >= f.times) continue;
        faultCounts.set(id, n + 1);
      }
      return f;
    }
    return undefined;
  };

  const send = (res: http.ServerResponse, status: number, type: 'json' | 'xml', body: string) => {
    const finish = () => {
      pending.delete(res);
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type === 'json' ? 'application/x-amz-json-1.1' : 'text/xml', 'x-amzn-requestid': 'fake' });
      res.end(body);
    };
    if (options.latencyMs) {
      pending.add(res);
      setTimeout(finish, options.latencyMs);
    } else finish();
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      const body = Buffer.concat(chunks).toString('utf8');
      const auth = String(req.headers.authorization ?? '');
      const cred = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
      const accessKeyId = cred?.[1] ?? '';
      const region = cred?.[2] ?? 'us-east-1';
      const target = req.headers['x-amz-target'];
      let op: string;
      let input: Record<string, unknown>;
      let protocol: 'json' | 'sts' | 'ec2' | 's3';
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'GET' && url.searchParams.has('lifecycle')) {
        op = 's3:GetBucketLifecycleConfiguration';
        input = { Bucket: decodeURIComponent(url.pathname.split('/')[1] ?? '') };
        protocol = 's3';
      } else if (typeof target === 'string') {
        const [prefix, name] = target.split('.');
        op = `${TARGETS[prefix ?? ''] ?? prefix}:${name}`;
        try {
          input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        } catch {
          input = {};
        }
        protocol = 'json';
      } else {
        const form = new URLSearchParams(body);
        input = Object.fromEntries(form);
        const version = form.get('Version');
        const service = version === '2011-06-15' ? 'sts' : version === '2010-05-08' ? 'iam' : 'ec2';
        op = `${service}:${form.get('Action')}`;
        protocol = service === 'ec2' ? 'ec2' : 'sts';
      }
      const account = credentials.get(accessKeyId) ?? (accessKeyId.startsWith('ASIA') ? accessKeyId.slice(4) : world.callerAccount);
      seenOps.add(op);
      if (record) requests.push({ op, account, region, accessKeyId, input });

      const fail = (e: AwsError) => {
        if (protocol === 'json') send(res, e.status, 'json', JSON.stringify({ __type: e.type, message: e.message }));
        else if (protocol === 's3')
          send(
            res,
            e.status === 400 ? 403 : e.status,
            'xml',
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${e.type}</Code><Message>${xmlEscape(e.message)}</Message><RequestId>fake</RequestId></Error>`,
          );
        else if (protocol === 'sts')
          send(
            res,
            e.status === 400 ? 403 : e.status,
            'xml',
            `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${e.type}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
          );
        else
          send(
            res,
            e.status === 400 ? 403 : e.status,
            'xml',
            `<Response><Errors><Error><Code>${e.type}</Code><Message>${xmlEscape(e.message)}</Message></Error></Errors><RequestID>fake</RequestID></Response>`,
          );
      };

      const fault = faultFor(op, account, region, input);
      if (fault) {
        stats.faults++;
        if (fault.error === 'Timeout') {
          pending.add(res);
          return; // never answered; the client times out
        }
        return fail(FAULT_ERRORS[fault.error](op));
      }
      if (throttle(account, region, op)) {
        stats.throttled++;
        return fail(new AwsError('ThrottlingException', 'Rate exceeded'));
      }
      const handler = handlers[op];
      if (!handler) return fail(new AwsError('UnknownOperationException', `the simulator does not implement ${op}`));
      try {
        const out = handler(input, account, region);
        const servedKey = `${account}/${region}/${op}`;
        stats.served[servedKey] = (stats.served[servedKey] ?? 0) + 1;
        const t = Math.round(performance.now() - started);
        const w = stats.window[servedKey];
        if (w) w[1] = t;
        else stats.window[servedKey] = [t, t];
        if (typeof out === 'string') send(res, 200, 'xml', out);
        else send(res, 200, 'json', JSON.stringify(out));
      } catch (e) {
        fail(e instanceof AwsError ? e : new AwsError('InternalFailure', String(e), 500));
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    requests,
    stats,
    operations: () => [...seenOps].sort(),
    setFaults(f) {
      faults = f;
      faultCounts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of pending) r.destroy();
        pending.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
