import { z } from 'zod';
import { Timestamp } from '../../model/common.ts';

/** The `providers.m365` block of a policy: Microsoft 365 audit evidence files and how old they may be. */
export const M365Config = z.strictObject({
  evidence: z.array(z.string().min(1)).min(1).describe('JSON files written by docs/m365-audit-evidence.ps1 (one per tenant), relative to the policy file'),
  maxAgeDays: z
    .number()
    .int()
    .positive()
    .max(3650)
    .default(30)
    .describe('an evidence file captured longer ago than this is stale: a collection gap, never a pass'),
});
export type M365Config = z.infer<typeof M365Config>;

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A multi-valued Exchange property as ConvertTo-Json writes it: an array of strings, one string
 * (PowerShell unrolls one-element arrays) or null.
 */
const ActionList = z
  .union([z.array(z.string()), z.string(), z.null()])
  .transform((v) => (v === null ? [] : typeof v === 'string' ? [v] : v))
  .describe('audited mailbox actions, e.g. ["MailItemsAccessed", "Send", …]');

/** One mailbox from `Get-EXOMailbox -PropertySets Audit` / `Get-Mailbox | Select-Object AuditEnabled, AuditOwner, AuditDelegate, AuditAdmin`. */
export const MailboxAudit = z.looseObject({
  AuditEnabled: z.boolean(),
  AuditOwner: ActionList,
  AuditDelegate: ActionList,
  AuditAdmin: ActionList,
});

/** The evidence file docs/m365-audit-evidence.ps1 writes: read-only cmdlet output plus a capture time. */
export const M365Evidence = z.looseObject({
  kind: z.literal('keyhygiene-m365-audit-evidence'),
  version: z.literal(1),
  capturedAt: Timestamp.describe('when the cmdlets ran (UTC, ISO 8601)'),
  tenantId: z.string().regex(GUID, 'a tenant id is a GUID (Get-ConnectionInformation TenantID)'),
  organization: z.string().optional(),
  adminAuditLogConfig: z.looseObject({ UnifiedAuditLogIngestionEnabled: z.boolean() }).describe('Get-AdminAuditLogConfig'),
  organizationConfig: z.looseObject({ AuditDisabled: z.boolean() }).describe('Get-OrganizationConfig'),
  mailboxes: z.array(MailboxAudit).describe('Get-Mailbox -ResultSize Unlimited, audit properties'),
});
export type M365Evidence = z.infer<typeof M365Evidence>;
