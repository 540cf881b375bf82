import { z } from 'zod';
import { Provenance, SourceLocation } from './common.ts';

/** Where a trail records: every key of `provider` inside all of the listed scopes. */
export const TrailScope = z.strictObject({
  provider: z.string().min(1),
  accounts: z.union([z.literal('*'), z.array(z.string())]).describe('"*" = every account of an organization trail'),
  regions: z
    .union([z.literal('*'), z.array(z.string())])
    .optional()
    .describe('absent or "*" = every region'),
  containers: z.array(z.string()).optional().describe('vaults or key rings; absent = all containers'),
});
export type TrailScope = z.infer<typeof TrailScope>;

/** What records key operations for an account/region, vault or project. */
export const AuditTrail = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  kind: z.enum(['cloudtrail', 'azure-diagnostic-setting', 'gcp-audit-config', 'declared']),
  name: z.string().optional(),
  scope: TrailScope,
  enabled: z.boolean().optional().describe('the trail is currently logging'),
  capturesAdminEvents: z.boolean().optional(),
  capturesDataPlane: z.boolean().optional().describe('sign/decrypt/get key use is recorded, not only admin events'),
  excludedSources: z.array(z.string()).optional().describe('event sources excluded, e.g. kms.amazonaws.com'),
  exemptedPrincipals: z
    .array(z.string())
    .optional()
    .describe('principal ids whose data-plane use is not recorded (GCP Data Access exemptedMembers, e.g. serviceAccount:ci@dev.iam.gserviceaccount.com)'),
  destination: z
    .strictObject({
      kind: z.enum(['s3', 'cloudwatch-logs', 'log-analytics', 'storage', 'event-hub', 'log-bucket', 'other']),
      id: z.string().optional(),
    })
    .optional(),
  retentionDays: z.number().int().nonnegative().nullable().optional().describe('null = retained indefinitely'),
  integrityValidation: z.boolean().optional(),
  alerts: z
    .strictObject({
      keyDisableOrDeletion: z
        .boolean()
        .optional()
        .describe('an alarm fires when a key is disabled or scheduled for deletion (CIS AWS 4.7 / 5.7 metric filter and alarm, Azure activity-log alert)'),
      keyPolicyChange: z.boolean().optional().describe('an alarm fires when a key policy, grant or role assignment changes'),
    })
    .optional()
    .describe('detections wired to the events this trail records; absent = not collected'),
  provenance: Provenance.optional(),
  source: SourceLocation.optional(),
});
export type AuditTrail = z.infer<typeof AuditTrail>;
