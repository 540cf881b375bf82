import type { AuditTrail, IdentityLogging } from '../../../src/model/audit-trail.ts';
import rule from '../../../src/rules/logging/m365-audit-enabled.ts';
import { trail } from '../../helpers/fixtures.ts';
import { ruleTester } from '../../helpers/rule-tester.ts';

const TENANT = 'e7e7e7e7-0000-4000-8000-000000000001';
const m365 = (identity: Partial<IdentityLogging> = {}): AuditTrail => ({
  id: `m365:${TENANT}:unified-audit-log`,
  provider: 'm365',
  kind: 'm365-audit',
  scope: { provider: 'm365', accounts: [TENANT] },
  enabled: true,
  identity: {
    tenantId: TENANT,
    records: ['token-use'],
    premium: true,
    unifiedAuditLogIngestion: true,
    organizationAuditDisabled: false,
    mailboxes: { total: 3, auditing: 3, mailItemsAccessed: 3 },
    capturedAt: '2026-05-30T08:00:00Z',
    evidence: 'm365-audit.json',
    ...identity,
  },
});

ruleTester(rule, [
  { name: 'ingestion on, auditing on, MailItemsAccessed on every mailbox', inventory: { trails: [m365()] }, outcome: 'pass' },
  { name: 'unified audit log ingestion off', inventory: { trails: [m365({ unifiedAuditLogIngestion: false })] }, outcome: 'fail', messages: ['ingestionOff'] },
  {
    name: 'organization-wide mailbox auditing disabled',
    inventory: { trails: [m365({ organizationAuditDisabled: true })] },
    outcome: 'fail',
    messages: ['orgAuditDisabled'],
  },
  {
    name: 'one mailbox does not audit, another lacks MailItemsAccessed',
    inventory: { trails: [m365({ mailboxes: { total: 3, auditing: 2, mailItemsAccessed: 1 } })] },
    outcome: 'fail',
    messages: ['mailboxesNotAuditing', 'mailItemsAccessedMissing'],
  },
  { name: 'mailbox settings not in the evidence', inventory: { trails: [m365({ mailboxes: undefined })] }, outcome: 'unknown', missing: 'identity.mailboxes' },
  { name: 'a CloudTrail trail', inventory: { trails: [trail()] }, outcome: 'not-applicable' },
]);
