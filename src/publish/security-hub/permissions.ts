// What `keyhygiene publish security-hub` may call and the IAM policy for it (no SDK import: `permissions` stays light).

/** Every operation `keyhygiene publish security-hub` may call. */
export const PUBLISH_OPERATIONS = ['securityhub:BatchImportFindings', 'securityhub:GetFindings', 'sts:GetCallerIdentity'] as const;
export type PublishOperation = (typeof PUBLISH_OPERATIONS)[number];

/** The IAM policy publish needs (GetCallerIdentity needs no permission). */
export function publishPermissions(): { document: Record<string, unknown>; notes: string[] } {
  return {
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'KeyhygieneImportFindings',
          Effect: 'Allow',
          Action: ['securityhub:BatchImportFindings'],
          Resource: 'arn:aws:securityhub:*:*:product/*/default',
        },
        { Sid: 'KeyhygieneReadBackOwnFindings', Effect: 'Allow', Action: ['securityhub:GetFindings'], Resource: '*' },
      ],
    },
    notes: [
      'sts:GetCallerIdentity is also called (to build the default product ARN); it needs no permission.',
      'GetFindings reads back the ACTIVE findings keyhygiene published before, to archive those this run no longer reports.',
    ],
  };
}
