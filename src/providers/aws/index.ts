// The AWS provider: KMS keys, their key policies and grants, and the CloudTrail trails that record
// their use, for one account or a whole AWS Organization, read-only and within a fraction of quota.
import { fingerprintsFromSpki } from '../../crypto/fingerprint.ts';
import { UserError } from '../../errors.ts';
import type { AccessEntry } from '../../model/access-entry.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import { RULES } from '../../rules/index.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import { AWS_OPERATIONS, type AwsCredentials, type AwsOperation, type AwsTransport, type Caller, createAwsTransport } from './client.ts';
import {
  type GrantShape,
  grantsToAccess,
  isAsymmetric,
  isRotatable,
  type KeyMetadataShape,
  type KeyReadings,
  keyArn,
  type LifecycleRuleShape,
  lifecycleRetention,
  logGroupName,
  normalizeKey,
  normalizeTrail,
  PROVIDER,
  policyToAccess,
  type RotationShape,
  type TagShape,
  type TrailReadings,
  type TrailShape,
} from './normalize.ts';
import { QuotaManager, type QuotaStats } from './quota.ts';
import { AwsConfig, type AwsConfigInput } from './schema.ts';

/** Fields the provider fills on KeyRecord and AuditTrail. */
export const AWS_FILLS = [
  'id',
  'account',
  'region',
  'name',
  'aliases',
  'managedBy',
  'usage',
  'keyType',
  'keySize',
  'curve',
  'origin',
  'protection',
  'exportable',
  'state',
  'createdAt',
  'currentVersionCreatedAt',
  'versionCount',
  'rotation',
  'expiresAt',
  'deletion',
  'multiRegion',
  'tags',
  'access',
  'fingerprints',
  'publicKey',
  'trails',
] as const;

/** Model fields the `fast` profile leaves uncollected. */
export const FAST_SKIPPED_FIELDS = ['access', 'currentVersionCreatedAt', 'rotation.lastRotatedAt', 'versionCount'] as const;

/** Rules that read a field the fast profile skips (through `needs` or, for material age, internally). */
export function fastProfileUnknownRules(): string[] {
  const overlaps = (need: string) => FAST_SKIPPED_FIELDS.some((f) => f === need || f.startsWith(`${need}.`) || need.startsWith(`${f}.`));
  const needsSkipped = (n: string | readonly string[]) => (typeof n === 'string' ? [n] : n).some(overlaps);
  const indirect = new Set(['key-material-max-age']);
  return RULES.filter((r) => indirect.has(r.id) || (r.meta.needs ?? []).some(needsSkipped))
    .map((r) => r.id)
    .sort();
}

/** Test and demo hooks; never set from a policy file. */
export interface AwsCollectOverrides {
  endpoint?: string;
  credentials?: AwsCredentials;
  pageSize?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AwsCollectResult extends ProviderOutput {
  keys: KeyRecord[];
  trails: AuditTrail[];
  gaps: CollectionGap[];
  stats: QuotaStats;
}

const NO_CREDENTIALS_HINT = [
  'give the audit AWS credentials in one of the standard ways:',
  '  - AWS_PROFILE=<name> (or `awsProfile:` in the aws block) with a profile in ~/.aws/config, e.g. after `aws sso login`',
  '  - AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment',
  '  - AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (GitHub Actions OIDC: aws-actions/configure-aws-credentials)',
  '  - an instance, task or pod role (EC2, ECS, EKS) when running inside AWS',
  'then check with `aws sts get-caller-identity`',
].join('\n');

const errName = (err: unknown): string => (err as { name?: string })?.name ?? 'Error';
const errText = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  return e?.name && e.name !== 'Error' && e.name !== 'KeyPolicyError' && !msg.startsWith(e.name) ? `${e.name}: ${msg}` : msg;
};
const isCredentialsMissing = (err: unknown): boolean =>
  errName(err) === 'CredentialsProviderError' || /Could not load credentials|credential/i.test((err as Error)?.message ?? '');
const isExpired = (err: unknown): boolean => /^(ExpiredToken|ExpiredTokenException|RequestExpired|InvalidClientTokenId)$/.test(errName(err));

/** Run `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function collectAws(rawConfig: AwsConfigInput, ctx: CollectContext, overrides: AwsCollectOverrides = {}): Promise<AwsCollectResult> {
  const config = AwsConfig.parse(rawConfig);
  const startedAt = ctx.now().toISOString();
  const transport: AwsTransport = createAwsTransport({
    s3PathStyle: Boolean(ctx.env.AWS_ENDPOINT_URL_S3 || ctx.env.AWS_ENDPOINT_URL),
    profile: config.awsProfile,
    endpoint: overrides.endpoint,
    credentials: overrides.credentials,
    timeoutMs: config.timeoutMs,
    signal: ctx.signal,
  });
  const quota = new QuotaManager({
    fraction: config.quotaFraction,
    quotas: config.quotas,
    maxAttempts: config.maxAttempts,
    retryBaseMs: config.retryBaseMs,
    sleep: overrides.sleep,
    random: overrides.random,
    signal: ctx.signal,
  });
  const keys: KeyRecord[] = [];
  const trails = new Map<string, AuditTrail>();
  const gaps = new Map<string, CollectionGap>();
  const fast = config.profile === 'fast';
  const pageSize = overrides.pageSize;
  let expiredWarned = false;

  const call = (op: AwsOperation, input: Record<string, unknown>, account: string, caller: Caller) =>
    quota.run(account, caller.region, op, () => transport.send(op, input, caller));

  const addGap = (
    account: string | undefined,
    region: string | undefined,
    op: AwsOperation,
    err: unknown,
    extra: { subjectId?: string; idSuffix?: string; affects?: string[] } = {},
  ) => {
    const id = `${PROVIDER}:${account ?? '*'}:${region ?? '*'}:${op}${extra.idSuffix ? `:${extra.idSuffix}` : ''}`;
    let reason = errText(err);
    if (isExpired(err)) {
      reason = `credentials expired or invalid during the run (${reason}); refresh them (aws sso login, a new session token) and rerun`;
      if (!expiredWarned) ctx.warn?.(`aws: ${reason}`);
      expiredWarned = true;
    }
    const gap: CollectionGap = { id, provider: PROVIDER, scope: {}, operation: op, reason };
    if (account) gap.scope.account = account;
    if (region) gap.scope.region = region;
    if (extra.subjectId) gap.scope.subjectId = extra.subjectId;
    if (extra.affects) gap.affects = extra.affects;
    gaps.set(id, gap);
  };

  async function paginate(
    op: AwsOperation,
    input: Record<string, unknown>,
    account: string,
    caller: Caller,
    tokenIn: string,
    tokenOut: string,
    each: (page: Record<string, unknown>) => void,
  ): Promise<void> {
    let token: unknown;
    const seen = new Set<unknown>();
    do {
      const page = await call(op, { ...input, ...(token ? { [tokenIn]: token } : {}) }, account, caller);
      each(page);
      token = page[tokenOut];
      if (page.Truncated === false || seen.has(token)) break;
      seen.add(token);
    } while (token);
  }

  const homeRegion = ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? config.regions?.[0] ?? 'us-east-1';
  const base: Caller = { region: homeRegion };
  let identity: string | undefined;
  let callerAccount: string;
  try {
    const id = await call('sts:GetCallerIdentity', {}, 'caller', base);
    identity = id.Arn as string | undefined;
    callerAccount = String(id.Account ?? '');
  } catch (err) {
    transport.destroy();
    if (isCredentialsMissing(err)) throw new UserError({ message: `aws: no AWS credentials found (${errText(err)}).`, hint: NO_CREDENTIALS_HINT });
    if (isExpired(err))
      throw new UserError({
        message: `aws: the AWS credentials were rejected (${errText(err)}).`,
        hint: 'they may have expired: refresh them (aws sso login, a new session token, a new OIDC token) and rerun',
      });
    addGap(undefined, homeRegion, 'sts:GetCallerIdentity', err);
    return finish();
  }

  // ---- accounts ----
  let accounts: string[];
  if (config.accounts === 'organization') {
    const found: string[] = [];
    try {
      await paginate('organizations:ListAccounts', pageSize ? { MaxResults: pageSize } : {}, callerAccount, base, 'NextToken', 'NextToken', (p) => {
        for (const a of (p.Accounts ?? []) as { Id?: string; Status?: string; State?: string }[]) {
          if (a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE') found.push(a.Id);
        }
      });
      accounts = found.sort();
    } catch (err) {
      addGap(callerAccount, undefined, 'organizations:ListAccounts', err);
      accounts = [callerAccount];
    }
  } else accounts = [...(config.accounts ?? [callerAccount])].sort();

  if (fast) {
    ctx.warn?.(
      `aws: profile "fast" skips kms:ListGrants and kms:ListKeyRotations, so ${FAST_SKIPPED_FIELDS.join(', ')} are not collected and these rules report unknown: ${fastProfileUnknownRules().join(', ')}`,
    );
  }

  const callerFor = async (account: string): Promise<Caller | undefined> => {
    if (account === callerAccount) return base;
    if (!config.assumeRole) {
      addGap(account, undefined, 'sts:AssumeRole', new Error(`account ${account} is not the caller's (${callerAccount}) and no assumeRole is configured`));
      return undefined;
    }
    const roleArn = config.assumeRole.includes('{account}')
      ? config.assumeRole.replaceAll('{account}', account)
      : config.assumeRole.startsWith('arn:')
        ? config.assumeRole
        : `arn:aws:iam::${account}:role/${config.assumeRole}`;
    try {
      const out = await call(
        'sts:AssumeRole',
        { RoleArn: roleArn, RoleSessionName: 'keyhygiene-audit', DurationSeconds: 3600, ...(config.externalId ? { ExternalId: config.externalId } : {}) },
        callerAccount,
        base,
      );
      const c = out.Credentials as { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      return {
        region: homeRegion,
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
      };
    } catch (err) {
      addGap(account, undefined, 'sts:AssumeRole', err);
      return undefined;
    }
  };

  const regionsFor = async (account: string, caller: Caller): Promise<string[]> => {
    if (config.regions) return [...config.regions];
    try {
      const out = await call('ec2:DescribeRegions', {}, account, caller);
      const names = ((out.Regions ?? []) as { RegionName?: string; OptInStatus?: string }[])
        .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
        .map((r) => r.RegionName as string);
      return names.length ? names.sort() : [homeRegion];
    } catch (err) {
      addGap(account, undefined, 'ec2:DescribeRegions', err);
      return [homeRegion];
    }
  };

  // ---- one key ----
  async function collectKey(account: string, caller: Caller, keyId: string, aliases: Map<string, string[]> | undefined): Promise<void> {
    const region = caller.region;
    const arn = keyArn(account, region, keyId);
    const idSuffix = keyId.replace(/^arn:.*:key\//, '');
    // The key policy and grants do not depend on DescribeKey: ask for them at once, so the slowest
    // quota (ListGrants) is queued as early as possible. allSettled never rejects unobserved.
    const accessP = Promise.allSettled([
      call('kms:GetKeyPolicy', { KeyId: keyId, PolicyName: 'default' }, account, caller),
      fast
        ? Promise.resolve(undefined)
        : (async () => {
            const grants: GrantShape[] = [];
            await paginate('kms:ListGrants', { KeyId: keyId, ...(pageSize ? { Limit: pageSize } : {}) }, account, caller, 'Marker', 'NextMarker', (p) =>
              grants.push(...((p.Grants ?? []) as GrantShape[])),
            );
            return grants;
          })(),
    ]);
    let metadata: KeyMetadataShape;
    try {
      metadata = ((await call('kms:DescribeKey', { KeyId: keyId }, account, caller)).KeyMetadata ?? {}) as KeyMetadataShape;
    } catch (err) {
      addGap(account, region, 'kms:DescribeKey', err, { subjectId: arn, idSuffix });
      keys.push({ id: arn, provider: PROVIDER, account, region, name: idSuffix });
      await accessP; // nothing may still be in flight when the provider returns
      return;
    }
    if (metadata.KeyManager === 'AWS' && !config.includeAwsManaged) {
      await accessP;
      return;
    }
    const id = metadata.Arn ?? arn;
    const readings: KeyReadings = { account, region, metadata: { ...metadata, Arn: id } };
    const gapOf = (op: AwsOperation, err: unknown, affects: string[]) => addGap(account, region, op, err, { subjectId: id, idSuffix, affects });
    readings.aliases = aliases ? (aliases.get(metadata.KeyId ?? idSuffix) ?? []) : undefined;
    const state = metadata.KeyState ?? '';
    const tasks: Promise<void>[] = [];

    if (metadata.KeyManager === 'AWS') readings.tags = [];
    else
      tasks.push(
        (async () => {
          const tags: TagShape[] = [];
          try {
            await paginate('kms:ListResourceTags', { KeyId: keyId, ...(pageSize ? { Limit: pageSize } : {}) }, account, caller, 'Marker', 'NextMarker', (p) =>
              tags.push(...((p.Tags ?? []) as TagShape[])),
            );
            readings.tags = tags;
          } catch (err) {
            gapOf('kms:ListResourceTags', err, ['tags']);
          }
        })(),
      );

    tasks.push(
      (async () => {
        // Settle both before looking at either: a rejection must never go unobserved.
        const [policy, grants] = await accessP;
        let access: AccessEntry[] | undefined;
        if (policy.status === 'fulfilled') {
          try {
            access = policyToAccess(String(policy.value.Policy ?? ''));
          } catch (err) {
            gapOf('kms:GetKeyPolicy', err, ['access']);
          }
        } else gapOf('kms:GetKeyPolicy', policy.reason, ['access']);
        if (grants.status === 'rejected') {
          gapOf('kms:ListGrants', grants.reason, ['access']);
          access = undefined;
        }
        // The fast profile leaves access absent: the key policy alone is not the whole answer.
        if (access && grants.status === 'fulfilled' && grants.value) readings.access = [...access, ...grantsToAccess(grants.value)];
      })(),
    );

    if (isRotatable(metadata) && state !== 'PendingImport') {
      tasks.push(
        (async () => {
          try {
            readings.rotationStatus = await call('kms:GetKeyRotationStatus', { KeyId: keyId }, account, caller);
          } catch (err) {
            gapOf('kms:GetKeyRotationStatus', err, ['rotation.automatic', 'rotation.periodDays', 'rotation.nextRotationAt']);
          }
        })(),
      );
      if (!fast)
        tasks.push(
          (async () => {
            const rotations: RotationShape[] = [];
            try {
              await paginate('kms:ListKeyRotations', { KeyId: keyId, ...(pageSize ? { Limit: pageSize } : {}) }, account, caller, 'Marker', 'NextMarker', (p) =>
                rotations.push(...((p.Rotations ?? []) as RotationShape[])),
              );
              readings.rotations = rotations;
            } catch (err) {
              gapOf('kms:ListKeyRotations', err, ['currentVersionCreatedAt', 'rotation.lastRotatedAt', 'versionCount']);
            }
          })(),
        );
    }

    if (isAsymmetric(metadata) && state !== 'PendingImport' && state !== 'Unavailable') {
      tasks.push(
        (async () => {
          try {
            const out = await call('kms:GetPublicKey', { KeyId: keyId }, account, caller);
            const der = out.PublicKey as Uint8Array | undefined;
            if (!der) throw new Error('GetPublicKey returned no public key');
            const spki = Buffer.from(der).toString('base64');
            let fingerprints = {};
            try {
              fingerprints = fingerprintsFromSpki(der);
            } catch {
              // A key type this Node cannot parse keeps its SPKI without fingerprints.
            }
            readings.publicKey = { spki, fingerprints };
          } catch (err) {
            gapOf('kms:GetPublicKey', err, ['publicKey', 'fingerprints']);
          }
        })(),
      );
    }
    await Promise.all(tasks);
    keys.push(normalizeKey(readings));
  }

  // ---- one account and region ----
  const trailShapes = new Map<string, { account: string; caller: Caller; trail: TrailShape }>();

  async function collectRegion(account: string, caller: Caller): Promise<void> {
    const region = caller.region;
    const keyIds: string[] = [];
    let listFailed = false;
    try {
      await paginate('kms:ListKeys', pageSize ? { Limit: pageSize } : {}, account, caller, 'Marker', 'NextMarker', (p) => {
        for (const k of (p.Keys ?? []) as { KeyId?: string; KeyArn?: string }[]) if (k.KeyId) keyIds.push(k.KeyId);
      });
    } catch (err) {
      addGap(account, region, 'kms:ListKeys', err);
      listFailed = true;
    }
    const aliasesP = (async (): Promise<Map<string, string[]> | undefined> => {
      if (listFailed && keyIds.length === 0) return undefined;
      const map = new Map<string, string[]>();
      try {
        await paginate('kms:ListAliases', pageSize ? { Limit: pageSize } : {}, account, caller, 'Marker', 'NextMarker', (p) => {
          for (const a of (p.Aliases ?? []) as { AliasName?: string; TargetKeyId?: string }[]) {
            if (a.AliasName && a.TargetKeyId) map.set(a.TargetKeyId, [...(map.get(a.TargetKeyId) ?? []), a.AliasName]);
          }
        });
        return map;
      } catch (err) {
        addGap(account, region, 'kms:ListAliases', err, { affects: ['aliases'] });
        return undefined;
      }
    })();
    const trailsP = (async () => {
      if (listFailed && keyIds.length === 0) return;
      try {
        const out = await call('cloudtrail:DescribeTrails', { includeShadowTrails: true }, account, caller);
        for (const t of (out.trailList ?? []) as TrailShape[]) {
          const arn = t.TrailARN ?? t.Name;
          if (!arn) continue;
          const prev = trailShapes.get(arn);
          const owner = /:(\d{12}):trail\//.exec(arn)?.[1];
          if (!prev || (owner === account && prev.account !== account)) trailShapes.set(arn, { account, caller, trail: t });
        }
      } catch (err) {
        addGap(account, region, 'cloudtrail:DescribeTrails', err, { affects: ['trails'] });
      }
    })();
    const aliases = await aliasesP;
    let done = 0;
    await pool(keyIds, config.concurrency, async (keyId) => {
      await collectKey(account, caller, keyId, aliases);
      done++;
      if (done % 100 === 0 || done === keyIds.length) ctx.progress?.({ provider: 'aws', phase: `${account} ${region}: keys`, done, total: keyIds.length });
    });
    await trailsP;
  }

  async function collectTrail(arn: string, found: { account: string; caller: Caller; trail: TrailShape }): Promise<void> {
    const t = found.trail;
    const caller: Caller = { ...found.caller, region: t.HomeRegion ?? found.caller.region };
    const r: TrailReadings = { account: found.account, trail: t };
    const op = async (name: AwsOperation, input: Record<string, unknown>, affects: string[], region = caller.region) => {
      try {
        return await call(name, input, found.account, { ...caller, region });
      } catch (err) {
        // A bucket without lifecycle rules keeps its objects indefinitely.
        if (errName(err) === 'NoSuchLifecycleConfiguration') return { Rules: [] };
        addGap(found.account, region, name, err, { subjectId: arn, idSuffix: t.Name ?? arn, affects });
        return undefined;
      }
    };
    const [status, selectors] = await Promise.all([
      op('cloudtrail:GetTrailStatus', { Name: arn }, ['enabled']),
      op('cloudtrail:GetEventSelectors', { TrailName: arn }, ['capturesDataPlane', 'capturesAdminEvents', 'excludedSources']),
    ]);
    if (status) r.isLogging = status.IsLogging === true;
    if (selectors) r.selectors = selectors;
    const group = t.CloudWatchLogsLogGroupArn ? logGroupName(t.CloudWatchLogsLogGroupArn) : undefined;
    if (group) {
      const groupRegion = /^arn:[^:]+:logs:([^:]+):/.exec(t.CloudWatchLogsLogGroupArn ?? '')?.[1] ?? caller.region;
      const out = await op('logs:DescribeLogGroups', { logGroupNamePrefix: group }, ['retentionDays'], groupRegion);
      const g = ((out?.logGroups ?? []) as { logGroupName?: string; retentionInDays?: number }[]).find((x) => x.logGroupName === group);
      if (g) r.retentionDays = g.retentionInDays ?? null;
    } else if (t.S3BucketName) {
      const out = await op('s3:GetBucketLifecycleConfiguration', { Bucket: t.S3BucketName }, ['retentionDays']);
      if (out) r.retentionDays = lifecycleRetention((out.Rules ?? []) as LifecycleRuleShape[], t.S3KeyPrefix);
    }
    trails.set(arn, normalizeTrail(r));
  }

  const pairs: { account: string; caller: Caller }[] = [];
  await pool(accounts, 8, async (account) => {
    const c = await callerFor(account);
    if (!c) return;
    for (const region of await regionsFor(account, c)) pairs.push({ account, caller: { ...c, region } });
  });
  await pool(pairs, 16, (p) => collectRegion(p.account, p.caller));
  await pool(
    [...trailShapes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    4,
    ([arn, found]) => collectTrail(arn, found),
  );
  transport.destroy();
  return finish();

  function finish(): AwsCollectResult {
    return {
      run: {
        id: 'aws',
        ...(identity ? { identity } : {}),
        fills: fast ? AWS_FILLS.filter((f) => !(FAST_SKIPPED_FIELDS as readonly string[]).includes(f)) : [...AWS_FILLS],
        startedAt,
        finishedAt: ctx.now().toISOString(),
      },
      keys: keys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      trails: [...trails.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      gaps: [...gaps.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      stats: quota.stats,
    };
  }
}

/** The least-privilege IAM policy for exactly the operations the provider may call. */
/** IAM action names that differ from the API operation names. */
const IAM_ACTION: Readonly<Record<string, string>> = { 's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration' };

export function awsPermissions(): PermissionsDocument {
  const actions = AWS_OPERATIONS.filter((o) => o !== 'sts:GetCallerIdentity').map((o) => IAM_ACTION[o] ?? o);
  return {
    kind: 'AWS IAM policy',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyhygieneReadOnlyAudit',
          Effect: 'Allow',
          Action: actions.filter((a) => !a.startsWith('sts:') && !a.startsWith('organizations:')),
          Resource: '*',
        },
        { Sid: 'KeyhygieneOrganizationScan', Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' },
        { Sid: 'KeyhygieneAssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::*:role/KeyhygieneAudit' },
      ],
    },
    notes: [
      'attach the first statement to the audit role in every account scanned;',
      'the Organizations and AssumeRole statements are needed only by the identity that scans an organization (restrict the role ARN to your template);',
      'sts:GetCallerIdentity needs no permission. Key policies must also allow these kms: actions to the account (the default key policy does).',
    ],
  };
}

export const awsProvider = defineProvider<AwsConfig>({
  id: 'aws',
  description: 'AWS KMS keys, key policies, grants and CloudTrail coverage, for one account or an AWS Organization',
  configSchema: AwsConfig,
  operations: AWS_OPERATIONS,
  fills: AWS_FILLS,
  collect: (config, ctx) => collectAws(config, ctx),
  permissions: awsPermissions,
});

export default awsProvider;
