// The AWS provider: KMS keys, their key policies and grants, and the CloudTrail trails that record
// their use, for one account or a whole AWS Organization, read-only and within a fraction of quota.

import { UserError } from '../../errors.ts';
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import type { KeyRecord } from '../../model/key-record.ts';
import type { KitStats } from '../kit/index.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import { AWS_OPERATIONS } from './client.ts';
import { type AwsCollected, type AwsCollectOverrides, collectWith, createAwsRun, planAwsUnits } from './collect.ts';
import { permissionOf } from './context.ts';
import { AwsConfig, type AwsConfigInput } from './schema.ts';

export type { AwsCollectOverrides } from './collect.ts';

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

/** Model fields the `fast` profile leaves uncollected (the rules that need them report unknown). */
export const FAST_SKIPPED_FIELDS = ['access', 'currentVersionCreatedAt', 'rotation.lastRotatedAt', 'versionCount'] as const;

export interface AwsCollectResult extends ProviderOutput {
  keys: KeyRecord[];
  trails: AuditTrail[];
  gaps: CollectionGap[];
  stats: KitStats;
}

export async function collectAws(rawConfig: AwsConfigInput, ctx: CollectContext, overrides: AwsCollectOverrides = {}): Promise<AwsCollectResult> {
  const config = AwsConfig.parse(rawConfig);
  const startedAt = ctx.now().toISOString();
  const run = createAwsRun(config, ctx, overrides);
  if (run.fast) ctx.warn?.(`aws: profile "fast" skips kms:ListGrants and kms:ListKeyRotations, so ${FAST_SKIPPED_FIELDS.join(', ')} are not collected`);
  const homeRegion = ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? config.regions?.[0] ?? 'us-east-1';
  let out: AwsCollected;
  try {
    out = await collectWith(run, homeRegion);
  } finally {
    run.transport.destroy();
    run.kit.finish();
  }
  const { identity, ...read } = out;
  return {
    run: {
      id: 'aws',
      ...(identity ? { identity } : {}),
      fills: run.fast ? AWS_FILLS.filter((f) => !(FAST_SKIPPED_FIELDS as readonly string[]).includes(f)) : [...AWS_FILLS],
      startedAt,
      finishedAt: ctx.now().toISOString(),
    },
    ...read,
    ...(run.fast ? { skipped: [...FAST_SKIPPED_FIELDS] } : {}),
  };
}

/** The account × region units the configuration covers, from one Organizations walk (`inventory --plan-shards`). */
export async function planAws(rawConfig: AwsConfigInput, ctx: CollectContext, overrides: AwsCollectOverrides = {}): Promise<string[]> {
  const config = AwsConfig.parse(rawConfig);
  const run = createAwsRun(config, ctx, overrides);
  let units: string[];
  try {
    units = await planAwsUnits(run, ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? config.regions?.[0] ?? 'us-east-1');
  } finally {
    run.transport.destroy();
    run.kit.finish();
  }
  // A plan that missed accounts or regions would leave them out of every shard, silently: refuse it.
  const gaps = run.kit.gaps.list().filter((g) => g.operation === 'organizations:ListAccounts' || g.operation === 'sts:GetCallerIdentity');
  if (gaps.length)
    throw new UserError({
      message: `aws: the collection units could not all be listed (${gaps.map((g) => `${g.operation}: ${g.reason}`).join('; ')}); a plan would leave them out of every shard.`,
      hint: 'fix the access (organizations:ListAccounts, sts:AssumeRole, ec2:DescribeRegions) and plan again, or shard by hash with --shard K/N alone',
    });
  return units;
}

/** The least-privilege IAM policy for exactly the operations the provider may call. */
export function awsPermissions(): PermissionsDocument {
  const actions = AWS_OPERATIONS.filter((o) => o !== 'sts:GetCallerIdentity').map(permissionOf);
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
        { Sid: 'KeyhygieneOrganizationScan', Effect: 'Allow', Action: actions.filter((a) => a.startsWith('organizations:')), Resource: '*' },
        { Sid: 'KeyhygieneAssumeAuditRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: 'arn:aws:iam::*:role/KeyhygieneAudit' },
      ],
    },
    notes: [
      'attach the first statement to the audit role in every account scanned;',
      'the Organizations and AssumeRole statements are needed only by the identity that scans an organization (restrict the role ARN to your template); the Organizations policy reads (SCPs, RCPs) need the management or a delegated administrator account;',
      "iam:GetAccountAuthorizationDetails lets the audit replace a key policy's delegation to the account with the users and roles whose IAM policies really allow the key (effective access);",
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
  shardable: true,
  units: (config, ctx) => planAws(config, ctx),
  permissions: awsPermissions,
});

export default awsProvider;
