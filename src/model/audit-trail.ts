import { z } from 'zod';
import { Provenance, SourceLocation, Timestamp } from './common.ts';

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

/** What an identity-plane record (Entra ID sign-in logs, Microsoft 365 audit) keeps, for one tenant. */
export const IdentityLogging = z.strictObject({
  tenantId: z.string().min(1).describe('the Entra / Microsoft 365 tenant whose events are recorded'),
  records: z
    .array(z.enum(['token-issuance', 'token-use', 'directory-audit']))
    .describe('token-issuance: sign-in logs (a token issued); token-use: a relying party records each access made with a token (MailItemsAccessed)'),
  categories: z.array(z.string()).optional().describe('log categories routed here (SignInLogs, AuditLogs…) or audited actions (MailItemsAccessed…)'),
  premium: z
    .boolean()
    .optional()
    .describe('premium-grade: kept beyond the free default (exported, or licensed) and, for use, every item access recorded (MailItemsAccessed)'),
  licence: z.string().optional().describe('the licence that decides what is recorded and for how long (Entra ID P1, Purview Audit (Premium)…)'),
  auditPremium: z.boolean().optional().describe('the tenant holds a Purview Audit (Premium) service plan (1-year audit retention)'),
  unifiedAuditLogIngestion: z.boolean().optional().describe('Get-AdminAuditLogConfig UnifiedAuditLogIngestionEnabled'),
  organizationAuditDisabled: z.boolean().optional().describe('Get-OrganizationConfig AuditDisabled (true = mailbox auditing off for the whole organization)'),
  mailboxes: z
    .strictObject({
      total: z.number().int().nonnegative(),
      auditing: z.number().int().nonnegative().describe('mailboxes with AuditEnabled'),
      mailItemsAccessed: z.number().int().nonnegative().describe('mailboxes auditing MailItemsAccessed for owner, delegate and admin access'),
    })
    .optional(),
  capturedAt: Timestamp.optional().describe('when the evidence behind this record was captured (evidence files)'),
  evidence: z.string().optional().describe('the evidence file this record was read from'),
});
export type IdentityLogging = z.infer<typeof IdentityLogging>;

/** What records key operations for an account/region, vault or project. */
export const AuditTrail = z.strictObject({
  id: z.string().min(1),
  provider: z.string().min(1),
  kind: z.enum(['cloudtrail', 'azure-diagnostic-setting', 'gcp-audit-config', 'declared', 'entra-sign-in-logs', 'entra-diagnostic-setting', 'm365-audit']),
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
  identity: IdentityLogging.optional().describe('identity-plane trails (providers entra and m365): the tenant and what it records'),
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
