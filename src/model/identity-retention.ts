// The documented numbers behind identity-plane logging verdicts, in one table with their sources.
// Providers use them to say how long a tenant keeps records; rules use them to say what a licence
// would change. Checked against the vendor pages on 2026-12-04; re-check when Microsoft changes them.

export interface RetentionFact {
  /** What the number is about. */
  what: string;
  /** Licence or setting that gives it. */
  licence: string;
  /** Service plan names (subscribedSkus servicePlans[].servicePlanName) that grant the licence. */
  servicePlans: readonly string[];
  days: number;
  source: string;
}

export const RETENTION_FACTS = {
  /** Entra ID sign-in and audit logs kept by the service without export, no premium licence. */
  entraFree: {
    what: 'Entra ID sign-in and audit logs kept without export',
    licence: 'Entra ID Free',
    servicePlans: [],
    days: 7,
    source: 'https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention',
  },
  /** The same with Entra ID P1 or P2 in the tenant. */
  entraPremium: {
    what: 'Entra ID sign-in and audit logs kept without export',
    licence: 'Entra ID P1 or P2',
    servicePlans: ['AAD_PREMIUM', 'AAD_PREMIUM_P2'],
    days: 30,
    source: 'https://learn.microsoft.com/entra/identity/monitoring-health/reference-reports-data-retention',
  },
  /** Microsoft Purview Audit (Standard): default retention of unified audit log records. */
  auditStandard: {
    what: 'Microsoft 365 unified audit log records (MailItemsAccessed included since the 2023 expansion)',
    licence: 'Purview Audit (Standard)',
    servicePlans: [],
    days: 180,
    source:
      'https://learn.microsoft.com/purview/audit-solutions-overview (180 days since October 2023, 90 before); https://learn.microsoft.com/purview/audit-log-retention-policies',
  },
  /** Microsoft Purview Audit (Premium): default retention of Exchange, SharePoint and Entra records. */
  auditPremium: {
    what: 'Microsoft 365 audit records of Exchange, SharePoint and Entra ID',
    licence: 'Purview Audit (Premium)',
    servicePlans: ['M365_ADVANCED_AUDITING'],
    days: 365,
    source:
      'https://learn.microsoft.com/purview/audit-premium (one year by default; Microsoft 365 E5/A5/G5 and E5 Compliance include the M365_ADVANCED_AUDITING plan); https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference',
  },
} as const satisfies Record<string, RetentionFact>;

/** Entra ID diagnostic-setting categories that record token issuance (sign-ins), with their Log Analytics tables. */
export const SIGN_IN_CATEGORIES: Readonly<Record<string, string>> = {
  SignInLogs: 'SigninLogs',
  NonInteractiveUserSignInLogs: 'AADNonInteractiveUserSignInLogs',
  ServicePrincipalSignInLogs: 'AADServicePrincipalSignInLogs',
  ManagedIdentitySignInLogs: 'AADManagedIdentitySignInLogs',
};

/** Every category an Entra ID diagnostic setting should export for identity-plane evidence, with its table. */
export const IDENTITY_CATEGORIES: Readonly<Record<string, string>> = { ...SIGN_IN_CATEGORIES, AuditLogs: 'AuditLogs' };
