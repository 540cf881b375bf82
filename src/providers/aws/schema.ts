import { z } from 'zod';
import { didYouMean } from '../../util/did-you-mean.ts';
import { kitConfigFields } from '../kit/index.ts';

/** Commercial, GovCloud and China regions known to this build (typos get a suggestion). */
export const KNOWN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
] as const;

const REGION_SHAPE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

const Region = z.string().superRefine((r, ctx) => {
  if ((KNOWN_REGIONS as readonly string[]).includes(r)) return;
  const near = didYouMean(r, KNOWN_REGIONS);
  ctx.addIssue({
    code: 'custom',
    message: `unknown AWS region "${r}".${near ? ` Did you mean "${near}"?` : ''} Expected a region name such as us-east-1${
      REGION_SHAPE.test(r) ? ' (if this is a region newer than this build, set allowUnknownRegions: true)' : ''
    }`,
  });
});

export const AWS_SCAN_PROFILES = ['full', 'fast'] as const;

export const AwsConfig = z
  .strictObject({
    regions: z.array(z.string().min(1)).min(1).optional().describe('regions to scan; absent = every region enabled for each account (ec2:DescribeRegions)'),
    allowUnknownRegions: z.boolean().default(false).describe('accept region names this build does not know (new regions)'),
    accounts: z
      .union([z.literal('organization'), z.array(z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id')).min(1)])
      .optional()
      .describe('account ids, or "organization" for every ACTIVE account of the AWS Organization; absent = the caller\'s account only'),
    assumeRole: z
      .string()
      .min(1)
      .optional()
      .describe('role to assume in each other account: a role name, or an ARN template with {account}, e.g. arn:aws:iam::{account}:role/KeyhygieneAudit'),
    externalId: z.string().min(1).optional().describe('ExternalId passed to sts:AssumeRole'),
    awsProfile: z.string().min(1).optional().describe('named profile from ~/.aws/config (default: AWS_PROFILE or the standard chain)'),
    profile: z
      .enum(AWS_SCAN_PROFILES)
      .default('full')
      .describe('fast skips the slowest-quota calls (ListGrants, ListKeyRotations): access and material age are then not collected'),
    quotas: z
      .record(z.string().regex(/^[a-z0-9-]+:[A-Za-z]+$/, 'service:Operation, e.g. kms:ListGrants'), z.number().positive())
      .optional()
      .describe('requests per second per account and region, overriding the published quotas (for raised quotas)'),
    includeAwsManaged: z.boolean().default(true).describe('inventory AWS-managed keys (aws/s3, aws/ebs…) too, marked managedBy: provider'),
    ...kitConfigFields({ timeoutMs: 10_000, maxAttempts: 6, retryBaseMs: 200, quotaFraction: 0.5 }),
    concurrency: z.number().int().min(1).max(1024).default(128).describe('keys in flight per account and region'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(256)
      .describe('calls in flight at once across every account and region (the global concurrency budget; each account and region is paced by its own quota)'),
    maxChainDepth: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(4)
      .describe('role chains followed this many sts:AssumeRole hops back from a role that can use a key (one more hop is listed as undecided)'),
  })
  .superRefine((c, ctx) => {
    if (c.allowUnknownRegions) {
      c.regions?.forEach((r, i) => {
        if (!REGION_SHAPE.test(r)) ctx.addIssue({ code: 'custom', path: ['regions', i], message: `"${r}" is not an AWS region name (e.g. us-east-1)` });
      });
      return;
    }
    c.regions?.forEach((r, i) => {
      const res = Region.safeParse(r);
      if (!res.success) for (const issue of res.error.issues) ctx.addIssue({ code: 'custom', path: ['regions', i], message: issue.message });
    });
  });
export type AwsConfig = z.infer<typeof AwsConfig>;
export type AwsConfigInput = z.input<typeof AwsConfig>;
