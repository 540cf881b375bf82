// What every AWS read step shares: the SDK transport, the provider kit (quota buckets, deadlines,
// retries, budget, gaps) and the settings of this run; and the three ways a step reads through them.
import type { ShardUnits } from '../../inventory/shard.ts';
import { classify, type ProviderKit, ReadOnlyViolation } from '../kit/index.ts';
import type { CollectContext } from '../types.ts';
import type { OrgPolicies } from './access/evaluate.ts';
import type { AwsOperation, AwsTransport, Caller } from './client.ts';
import { PROVIDER } from './normalize.ts';
import type { IamReading } from './reads/iam.ts';
import type { AwsConfig } from './schema.ts';

export interface AwsRun {
  kit: ProviderKit;
  transport: AwsTransport;
  config: AwsConfig;
  /** The fast profile: no ListGrants, no ListKeyRotations. */
  fast: boolean;
  /** Page size for list calls (tests); absent = the service's default. */
  pageSize?: number;
  /** The audit's clock (conditions on aws:CurrentTime and aws:EpochTime are decided at the time IAM is read). */
  now: CollectContext['now'];
  warn?: CollectContext['warn'];
  progress?: CollectContext['progress'];
  /** `inventory --shard K/N`: only the account × region units this shard owns are read. */
  shard?: ShardUnits;
  /** The caller's own account, once known: in a shard, its quotas are shared with the other shards. */
  homeAccount?: string;
  /** Set once the run has warned that credentials expired. */
  expiredWarned?: boolean;
  /** Each account's IAM authorization details, read once per run (effective access). */
  iam?: Map<string, Promise<IamReading>>;
  /** The organization's SCPs and RCPs, read once per run. */
  org?: Promise<OrgPolicies | undefined>;
  /** Every account the configuration audits (all shards'): a key policy delegating to one joins its IAM. */
  scope?: ReadonlySet<string>;
  /** Every account of the organization, once ListAccounts listed them all (not set in a shard, or when it failed). */
  members?: ReadonlySet<string>;
  /** Who reads each account (the caller or the assumed audit role), asked at most once per run. */
  access?: Map<string, Promise<Where | undefined>>;
  /** The caller's account and home region. */
  home?: Where;
}

/** One account and region, and the credentials that read it. */
export interface Where {
  account: string;
  caller: Caller;
}

export type Page = Record<string, unknown>;

/** Where a failed read leaves data unknown, and what to call it in the gap. */
export interface AwsGapSpec {
  /** What could not be read, in words: "the grants of key arn:…". */
  what: string;
  account?: string;
  region?: string;
  subjectId?: string;
  /** Last part of the gap id (a key id, a trail name), kept stable for baselines. */
  idSuffix?: string;
  affects?: string[];
}

/** IAM action names that differ from the API operation names. */
export const IAM_ACTION: Readonly<Record<string, string>> = { 's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration' };
export const permissionOf = (operation: string): string => IAM_ACTION[operation] ?? operation;

const EXPIRED_FIX = 'the credentials expired or were revoked during the run: refresh them (aws sso login, a new session token, a new OIDC token) and rerun';

/** `aws-kms:<account>:<region>:<operation>[:<suffix>]`, the ids earlier releases wrote (baselines match on them). */
export const awsGapId = (op: string, g: Pick<AwsGapSpec, 'account' | 'region' | 'idSuffix'>): string =>
  `${PROVIDER}:${g.account ?? '*'}:${g.region ?? '*'}:${op}${g.idSuffix ? `:${g.idSuffix}` : ''}`;

const scopeOf = (g: AwsGapSpec) => ({
  ...(g.account ? { account: g.account } : {}),
  ...(g.region ? { region: g.region } : {}),
  ...(g.subjectId ? { subjectId: g.subjectId } : {}),
});

/** Record a failed read as a gap: what, why (classified by the kit), how to fix; raw text in `detail`. */
export function fail(run: AwsRun, op: AwsOperation, err: unknown, g: AwsGapSpec): void {
  if (err instanceof ReadOnlyViolation) throw err;
  const expired = classify(err).kind === 'unauthenticated';
  if (expired && !run.expiredWarned) {
    run.expiredWarned = true;
    run.warn?.(`aws: ${g.what} could not be read: ${EXPIRED_FIX}`);
  }
  const gap = { id: awsGapId(op, g), what: g.what, scope: scopeOf(g), ...(g.affects ? { affects: g.affects } : {}) };
  run.kit.failed(op, err, expired ? { ...gap, fix: EXPIRED_FIX } : gap);
}

/** Record a gap the provider itself decides (not a failed call), with its own reason. */
export function note(run: AwsRun, op: AwsOperation, g: AwsGapSpec, why: string, kind?: 'invalid-response' | 'unsupported' | 'error'): void {
  run.kit.gaps.add({
    id: awsGapId(op, g),
    operation: op,
    scope: scopeOf(g),
    reason: `${g.what} could not be read: ${why}`,
    ...(g.affects ? { affects: g.affects } : {}),
    ...(kind ? { kind } : {}),
  });
}

/** One call through the kit (allowlist, quota bucket of the account and region, deadline, retries); throws when it fails for good. */
export function send(run: AwsRun, op: AwsOperation, input: Page, where: Where): Promise<Page> {
  const { caller } = where;
  return run.kit.call(op, { account: where.account, region: caller.region }, (signal) => run.transport.send(op, input, caller, signal));
}

/** `send`, with a failure recorded as a gap; undefined when it failed. */
export async function read(run: AwsRun, op: AwsOperation, input: Page, where: Where, g: AwsGapSpec): Promise<Page | undefined> {
  try {
    return await send(run, op, input, where);
  } catch (err) {
    fail(run, op, err, g);
    return undefined;
  }
}

/** How one list operation pages: its page-size parameter, the token it takes and the token it returns. */
export interface Paging {
  limit: string;
  in: string;
  out: string;
}

const KMS_PAGING: Paging = { limit: 'Limit', in: 'Marker', out: 'NextMarker' };
const TOKEN_PAGING: Paging = { limit: 'MaxResults', in: 'NextToken', out: 'NextToken' };

/**
 * Every operation the provider pages, with the parameter names of its API reference: KMS (Limit,
 * Marker → NextMarker, Truncated), IAM (MaxItems, Marker → Marker, IsTruncated), Organizations and
 * CloudTrail Lake (MaxResults, NextToken → NextToken). One table: an operation missing here cannot be paged.
 */
export const PAGING = {
  'kms:ListKeys': KMS_PAGING,
  'kms:ListAliases': KMS_PAGING,
  'kms:ListGrants': KMS_PAGING,
  'kms:ListKeyRotations': KMS_PAGING,
  'kms:ListResourceTags': KMS_PAGING,
  'iam:GetAccountAuthorizationDetails': { limit: 'MaxItems', in: 'Marker', out: 'Marker' },
  'organizations:ListAccounts': TOKEN_PAGING,
  'organizations:ListPolicies': TOKEN_PAGING,
  'organizations:ListTargetsForPolicy': TOKEN_PAGING,
  'cloudtrail:ListEventDataStores': TOKEN_PAGING,
} as const satisfies Partial<Record<AwsOperation, Paging>>;
export type PagedOperation = keyof typeof PAGING;

/** Every page of a list call, paged as PAGING says; throws when a page fails for good. */
export function list(run: AwsRun, op: PagedOperation, input: Page, where: Where, each: (page: Page) => void) {
  const paging: Paging = PAGING[op];
  const limit = run.pageSize ? { [paging.limit]: run.pageSize } : {};
  const { caller } = where;
  return run.kit.paginate(
    op,
    { account: where.account, region: caller.region },
    (token, signal) => run.transport.send(op, { ...input, ...limit, ...(token ? { [paging.in]: token } : {}) }, caller, signal),
    (page) => (page.Truncated === false ? undefined : (page[paging.out] as string | undefined) || undefined),
    each,
  );
}
