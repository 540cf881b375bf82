import type { AuditTrail, IdentityLogging } from '../../model/audit-trail.ts';
import type { RuleDocs } from '../types.ts';

const EXAMPLE_TENANT = 'e7e7e7e7-0000-4000-8000-000000000001';

/** Identity-plane trails of the example tenant: built-in sign-in logs, an export, Microsoft 365 audit. */
function tenantTrail(kind: 'free' | 'exported' | 'use', retentionDays: number | undefined): AuditTrail {
  const scope = { provider: kind === 'use' ? 'm365' : 'entra', accounts: [EXAMPLE_TENANT] };
  const base = { provider: scope.provider, scope, enabled: true, ...(retentionDays === undefined ? {} : { retentionDays }) };
  if (kind === 'use')
    return {
      ...base,
      id: `m365:${EXAMPLE_TENANT}:unified-audit-log`,
      kind: 'm365-audit',
      identity: {
        tenantId: EXAMPLE_TENANT,
        records: ['token-use'],
        premium: true,
        unifiedAuditLogIngestion: true,
        organizationAuditDisabled: false,
        mailboxes: { total: 40, auditing: 40, mailItemsAccessed: 40 },
        capturedAt: '2026-05-30T08:00:00Z',
      },
    };
  if (kind === 'free')
    return {
      ...base,
      id: `entra:${EXAMPLE_TENANT}:sign-in-logs`,
      kind: 'entra-sign-in-logs',
      identity: { tenantId: EXAMPLE_TENANT, records: ['token-issuance'], premium: false, licence: 'Entra ID Free', auditPremium: false },
    };
  return {
    ...base,
    id: '/providers/microsoft.aadiam/diagnosticSettings/to-sentinel#log-analytics',
    kind: 'entra-diagnostic-setting',
    identity: { tenantId: EXAMPLE_TENANT, records: ['token-issuance'], premium: true, auditPremium: true },
  };
}

export const LOGGING_DOCS: Record<string, RuleDocs> = {
  'key-deletion-alarm': {
    remediation: {
      cli: "`aws logs put-metric-filter --log-group-name TRAIL_GROUP --filter-name kms-disable-delete --filter-pattern '{($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion))}' …` then `aws cloudwatch put-metric-alarm …`",
      terraform:
        '`aws_cloudwatch_log_metric_filter` + `aws_cloudwatch_metric_alarm` · `azurerm_monitor_activity_log_alert` on `Microsoft.KeyVault/vaults/keys/delete`',
      console: 'CloudWatch → Log groups → trail group → Metric filters → Create; then an alarm to SNS.',
    },
    examples: [
      { title: 'an alarm on DisableKey and ScheduleKeyDeletion', outcome: 'pass' },
      { title: 'no alarm on the trail', outcome: 'fail', trail: { alerts: { keyDisableOrDeletion: false } } },
    ],
  },
  'key-log-retention': {
    remediation: {
      cli: '`aws logs put-retention-policy --log-group-name GROUP --retention-in-days 731` · `az monitor log-analytics workspace update --retention-time 730 …`',
      terraform: '`aws_cloudwatch_log_group { retention_in_days = 731 }` · S3 lifecycle rules keeping trail objects ≥ the minimum',
      console: 'CloudWatch → Log groups → Edit retention.',
    },
    examples: [
      { title: 'kept 400 days (minimum 365)', outcome: 'pass' },
      { title: 'kept 30 days (the Storm-0558 default)', outcome: 'fail', trail: { retentionDays: 30 } },
    ],
  },
  'key-use-logged': {
    remediation: {
      cli: '`aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors …` without excluding `kms.amazonaws.com` · `az monitor diagnostic-settings create --resource VAULT_ID --logs \'[{"category":"AuditEvent","enabled":true}]\' …`',
      terraform:
        '`aws_cloudtrail { is_multi_region_trail = true, event_selector { read_write_type = "All", include_management_events = true } }` (no `exclude_management_event_sources`) · `azurerm_monitor_diagnostic_setting { enabled_log { category = "AuditEvent" } }`',
      console: 'CloudTrail → trail → Management events: Read and Write, uncheck "Exclude AWS KMS events".',
    },
    examples: [
      { title: 'a trail recording KMS use', outcome: 'pass' },
      { title: 'the trail excludes KMS events (missed by peers)', outcome: 'fail', trail: { excludedSources: ['kms.amazonaws.com'] } },
    ],
  },
  'trail-tamper-evident': {
    remediation: {
      cli: '`aws cloudtrail update-trail --name TRAIL --enable-log-file-validation`',
      terraform: '`aws_cloudtrail { enable_log_file_validation = true }`',
      console: 'CloudTrail → trail → General details → Log file validation: Enabled.',
    },
    examples: [
      { title: 'log file validation on', outcome: 'pass' },
      { title: 'log file validation off', outcome: 'fail', trail: { integrityValidation: false } },
    ],
  },
  'token-key-logging': {
    remediation: {
      cli: '`az rest --method put --url "https://management.azure.com/providers/microsoft.aadiam/diagnosticSettings/to-sentinel?api-version=2017-04-01" --body @setting.json` (SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs, ManagedIdentitySignInLogs, AuditLogs → workspace) · `az monitor log-analytics workspace table update --name SigninLogs --total-retention-time 365 …`',
      terraform:
        '`azurerm_monitor_aad_diagnostic_setting { enabled_log { category = "SignInLogs" } … log_analytics_workspace_id = … }` · `azurerm_log_analytics_workspace { retention_in_days = 365 }`',
      console:
        'Entra admin center → Monitoring & health → Diagnostic settings → Add: the four sign-in categories and AuditLogs to a Log Analytics workspace; Purview → Audit: retention policy, or Audit (Premium) licences (M365_ADVANCED_AUDITING).',
    },
    examples: [
      {
        title: 'sign-ins exported for 730 days; MailItemsAccessed on every mailbox with Audit (Premium)',
        outcome: 'pass',
        logging: { issuance: 365, use: 180 },
        published: { issuer: `https://login.microsoftonline.com/${EXAMPLE_TENANT}/v2.0` },
        alsoTrails: [tenantTrail('exported', 730), tenantTrail('use', undefined)],
      },
      {
        title: 'a tenant with Entra ID Free and no export keeps sign-ins 7 days',
        outcome: 'fail',
        logging: { issuance: 365 },
        published: { issuer: `https://login.microsoftonline.com/${EXAMPLE_TENANT}/v2.0` },
        alsoTrails: [tenantTrail('free', 7)],
      },
    ],
  },
  'm365-audit-enabled': {
    remediation: {
      cli: '`Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true` · `Set-OrganizationConfig -AuditDisabled $false` · `Set-Mailbox USER -AuditOwner @{Add="MailItemsAccessed"} -AuditDelegate @{Add="MailItemsAccessed"} -AuditAdmin @{Add="MailItemsAccessed"}`',
      terraform:
        'No Terraform resource manages Exchange Online audit settings: apply the cmdlets in a pipeline step (ExchangeOnlineManagement module) and capture the evidence after it.',
      console:
        'Microsoft Purview portal → Audit → "Start recording user and admin activity"; Exchange admin center cannot set per-mailbox audit actions (use PowerShell).',
    },
    examples: [
      { title: 'audit ingestion on, MailItemsAccessed on every mailbox', outcome: 'pass', trail: tenantTrail('use', undefined) },
      {
        title: 'unified audit log ingestion off',
        outcome: 'fail',
        trail: {
          ...tenantTrail('use', undefined),
          identity: { ...(tenantTrail('use', undefined).identity as IdentityLogging), unifiedAuditLogIngestion: false },
        },
      },
    ],
  },
};
