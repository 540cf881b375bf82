import type { RuleDocs } from '../types.ts';

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
};
