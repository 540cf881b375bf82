// Pure mapping of one Microsoft 365 audit evidence file to an identity-plane trail.
import type { AuditTrail } from '../../model/audit-trail.ts';
import type { M365Evidence } from './schema.ts';

export const MAIL_ITEMS_ACCESSED = 'MailItemsAccessed';

const has = (list: readonly string[], action: string) => list.some((a) => a.toLowerCase() === action.toLowerCase());

/**
 * Mailbox types that mailbox auditing on by default covers whatever their AuditEnabled says
 * ("Manage mailbox auditing": it overrides the mailbox setting); resource, public folder and
 * DiscoverySearch mailboxes are not covered and audit only with AuditEnabled.
 */
const AUDITED_BY_DEFAULT = new Set(['usermailbox', 'sharedmailbox', 'groupmailbox']);

/** Does the mailbox audit: never with organization auditing disabled; else by default for its type, or by AuditEnabled. */
function mailboxAudits(m: M365Evidence['mailboxes'][number], orgDisabled: boolean): boolean {
  if (orgDisabled) return false;
  const type = (m as { RecipientTypeDetails?: unknown }).RecipientTypeDetails;
  return m.AuditEnabled || (typeof type === 'string' && AUDITED_BY_DEFAULT.has(type.toLowerCase()));
}

/** Mailboxes that audit, and those that audit MailItemsAccessed for owner, delegate and admin access. */
export function mailboxCounts(e: M365Evidence): { total: number; auditing: number; mailItemsAccessed: number } {
  let auditing = 0;
  let mailItemsAccessed = 0;
  for (const m of e.mailboxes) {
    if (!mailboxAudits(m, e.organizationConfig.AuditDisabled)) continue;
    auditing++;
    if ([m.AuditOwner, m.AuditDelegate, m.AuditAdmin].every((l) => has(l, MAIL_ITEMS_ACCESSED))) mailItemsAccessed++;
  }
  return { total: e.mailboxes.length, auditing, mailItemsAccessed };
}

/**
 * The tenant's Microsoft 365 audit as a trail that records token use. Enabled when ingestion is on
 * and organization-wide auditing is not disabled; premium-grade when every mailbox audits
 * MailItemsAccessed. Retention is left to the tenant's Purview Audit licence (entra provider).
 */
export function evidenceTrail(e: M365Evidence, file: string): AuditTrail {
  const tenantId = e.tenantId.toLowerCase();
  const mailboxes = mailboxCounts(e);
  const ingestion = e.adminAuditLogConfig.UnifiedAuditLogIngestionEnabled;
  const orgDisabled = e.organizationConfig.AuditDisabled;
  return {
    id: `m365:${tenantId}:unified-audit-log`,
    provider: 'm365',
    kind: 'm365-audit',
    name: `Microsoft 365 unified audit log of ${e.organization ?? tenantId}`,
    scope: { provider: 'm365', accounts: [tenantId] },
    enabled: ingestion && !orgDisabled,
    capturesAdminEvents: ingestion,
    capturesDataPlane: ingestion && !orgDisabled && mailboxes.mailItemsAccessed > 0,
    destination: { kind: 'other', id: 'purview-audit' },
    identity: {
      tenantId,
      records: ['token-use'],
      categories: [MAIL_ITEMS_ACCESSED],
      premium: mailboxes.total > 0 && mailboxes.mailItemsAccessed === mailboxes.total,
      unifiedAuditLogIngestion: ingestion,
      organizationAuditDisabled: orgDisabled,
      mailboxes,
      capturedAt: e.capturedAt,
      evidence: file,
    },
  };
}
