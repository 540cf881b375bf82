// The published AWS request quotas the provider paces itself by: data for the provider kit's buckets
// (`createKit({ quotas })`). No SDK and no logic here.
import type { QuotaTable } from '../kit/index.ts';

/**
 * Published default request quotas, requests per second, per account and per region.
 * KMS: AWS KMS Developer Guide, "Request quotas". CloudTrail: "Get, describe, and list APIs: 10 TPS"
 * (one shared quota). Others: documented or conservative defaults for a handful of calls per run.
 */
export const PUBLISHED_QUOTAS: Readonly<Record<string, number>> = {
  'kms:ListKeys': 500,
  'kms:ListAliases': 500,
  'kms:DescribeKey': 2000,
  'kms:GetKeyPolicy': 1000,
  'kms:GetKeyRotationStatus': 1000,
  'kms:ListKeyRotations': 100,
  'kms:ListResourceTags': 2000,
  'kms:ListGrants': 100,
  'kms:GetPublicKey': 2000,
  'cloudtrail:read': 10,
  'logs:DescribeLogGroups': 10,
  'sts:GetCallerIdentity': 100,
  'sts:AssumeRole': 100,
  'organizations:ListAccounts': 5,
  'organizations:DescribeOrganization': 5,
  'organizations:ListPolicies': 5,
  'organizations:DescribePolicy': 5,
  'organizations:ListTargetsForPolicy': 5,
  'organizations:ListParents': 5,
  'iam:GetAccountAuthorizationDetails': 5,
  'ec2:DescribeRegions': 20,
  's3:GetBucketLifecycleConfiguration': 100,
};

/** Operations that share one quota: operation → quota key. */
export const QUOTA_GROUPS: Readonly<Record<string, string>> = {
  'cloudtrail:DescribeTrails': 'cloudtrail:read',
  'cloudtrail:GetTrailStatus': 'cloudtrail:read',
  'cloudtrail:GetEventSelectors': 'cloudtrail:read',
  'cloudtrail:ListEventDataStores': 'cloudtrail:read',
  'cloudtrail:GetEventDataStore': 'cloudtrail:read',
};

export const quotaKeyOf = (operation: string): string => QUOTA_GROUPS[operation] ?? operation;

/** The quota table for the kit: the published rates, raised or lowered by the policy's `quotas`. */
export function awsQuotaTable(overrides: Readonly<Record<string, number>> = {}): QuotaTable {
  return { rates: { ...PUBLISHED_QUOTAS, ...overrides }, groups: QUOTA_GROUPS, defaultRate: 1 };
}
