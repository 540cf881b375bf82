import { z } from 'zod';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'm365-audit-enabled',
  aliases: ['LOG-03'],
  meta: {
    category: 'logging',
    severity: 'high',
    fixedLimit: 'unified audit ingestion on, organization mailbox auditing on, every mailbox auditing MailItemsAccessed',
    description:
      'Microsoft 365 audit evidence shows unified audit log ingestion on, organization-wide mailbox auditing not disabled, and MailItemsAccessed audited for owner, delegate and admin access on every mailbox.',
    rationale:
      'MailItemsAccessed was the one event that revealed Storm-0558 forged-token mail access (AA23-193A; CSRB F11); it exists only where audit ingestion and mailbox auditing are on. CISA SCuBA MS.EXO.17.1; CIS Microsoft 365 Foundations (audit log search enabled, mailbox auditing not bypassed); NIST AU-2, AU-12.',
    remediation:
      'Exchange Online PowerShell: `Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true`; `Set-OrganizationConfig -AuditDisabled $false`; for each mailbox `Set-Mailbox -AuditEnabled $true -AuditOwner @{Add="MailItemsAccessed"} -AuditDelegate @{Add="MailItemsAccessed"} -AuditAdmin @{Add="MailItemsAccessed"}`. Then capture the evidence again with docs/m365-audit-evidence.ps1.',
    subject: 'trail',
    appliesTo: (t) => t.kind === 'm365-audit',
    needs: ['identity.unifiedAuditLogIngestion', 'identity.organizationAuditDisabled', 'identity.mailboxes'],
  },
  options: z.strictObject({}),
  messages: {
    ingestionOff: 'Unified audit log ingestion is off in tenant {tenant} ({evidence}): no Microsoft 365 audit record is searchable.',
    orgAuditDisabled: 'Mailbox auditing is disabled for the whole organization in tenant {tenant} (Get-OrganizationConfig AuditDisabled: True, {evidence}).',
    mailboxesNotAuditing: '{missing} of {total} mailboxes in tenant {tenant} do not audit ({evidence}).',
    mailItemsAccessedMissing:
      '{missing} of {total} mailboxes in tenant {tenant} do not audit MailItemsAccessed for owner, delegate and admin access ({evidence}).',
  },
  check(trail, ctx) {
    const id = trail.identity;
    if (!id) return;
    const data = { tenant: id.tenantId, evidence: `${id.evidence ?? trail.id}, captured ${id.capturedAt ?? 'at an unknown time'}` };
    if (id.unifiedAuditLogIngestion === false) ctx.report('ingestionOff', data, { key: 'ingestion' });
    if (id.organizationAuditDisabled === true) ctx.report('orgAuditDisabled', data, { key: 'organization' });
    const m = id.mailboxes;
    if (m && m.auditing < m.total) ctx.report('mailboxesNotAuditing', { ...data, missing: m.total - m.auditing, total: m.total }, { key: 'mailboxes' });
    if (m && m.mailItemsAccessed < m.total)
      ctx.report('mailItemsAccessedMissing', { ...data, missing: m.total - m.mailItemsAccessed, total: m.total }, { key: 'mail-items-accessed' });
  },
});
