import { describe, expect, it } from 'vitest';
import {
  auditBlobPrefix,
  auditTableOf,
  logAnalyticsRetentionDays,
  type RawLifecycleRule,
  storageRetentionDays,
} from '../../../src/providers/azure/retention.ts';

const VAULT = '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/corp-signing';

/** A rule as "Management Policies - Get" (Microsoft.Storage 2023-05-01) returns it. */
const rule = (over: { enabled?: boolean; blobTypes?: string[]; prefixMatch?: string[]; del?: Record<string, number> }): RawLifecycleRule => ({
  name: 'r',
  enabled: over.enabled ?? true,
  type: 'Lifecycle',
  definition: {
    filters: { blobTypes: over.blobTypes ?? ['blockBlob', 'appendBlob'], ...(over.prefixMatch ? { prefixMatch: over.prefixMatch } : {}) },
    actions: { baseBlob: { delete: over.del ?? { daysAfterModificationGreaterThan: 90 } } },
  },
});

describe('Log Analytics table retention', () => {
  it('AuditEvent lands in AzureDiagnostics, or AZKVAuditLogs with a Dedicated destination type', () => {
    expect(auditTableOf(undefined)).toBe('AzureDiagnostics');
    expect(auditTableOf('AzureDiagnostics')).toBe('AzureDiagnostics');
    expect(auditTableOf('Dedicated')).toBe('AZKVAuditLogs');
  });

  it('the table (total, then interactive) overrides the workspace default, shorter or longer', () => {
    // Tables - Get: retentionInDays 4–730, totalRetentionInDays 4–4383 (interactive + long-term)
    expect(logAnalyticsRetentionDays(400, { retentionInDays: 30, totalRetentionInDays: 30 })).toBe(30);
    expect(logAnalyticsRetentionDays(30, { retentionInDays: 90, totalRetentionInDays: 2556 })).toBe(2556);
    expect(logAnalyticsRetentionDays(90, { retentionInDays: 120 })).toBe(120);
    expect(logAnalyticsRetentionDays(90, undefined)).toBe(90);
    expect(logAnalyticsRetentionDays(undefined, undefined)).toBeUndefined();
  });
});

describe('storage lifecycle retention of diagnostic logs', () => {
  it('audit records are append blobs under insights-logs-auditevent/resourceId=<UPPER-CASE ID>/', () => {
    expect(auditBlobPrefix(VAULT)).toBe(`insights-logs-auditevent/resourceId=${VAULT.toUpperCase()}/`);
  });

  it.each<[string, RawLifecycleRule[] | null, number | null]>([
    ['no management policy: kept until deleted', null, null],
    ['a rule without filters on prefix deletes them', [rule({ del: { daysAfterCreationGreaterThan: 30 } })], 30],
    [
      'the shortest delete age of the rules that reach them',
      [rule({ del: { daysAfterModificationGreaterThan: 365 } }), rule({ prefixMatch: ['insights-logs-'], del: { daysAfterCreationGreaterThan: 180 } })],
      180,
    ],
    ['the shortest age in one delete action', [rule({ del: { daysAfterModificationGreaterThan: 400, daysAfterLastAccessTimeGreaterThan: 60 } })], 60],
    ['a rule on block blobs only does not reach append blobs', [rule({ blobTypes: ['blockBlob'], del: { daysAfterCreationGreaterThan: 7 } })], null],
    ['a disabled rule deletes nothing', [rule({ enabled: false, del: { daysAfterCreationGreaterThan: 7 } })], null],
    [
      'a rule on another container does not reach them',
      [rule({ prefixMatch: ['insights-logs-azurepolicyevaluationdetails'], del: { daysAfterCreationGreaterThan: 7 } })],
      null,
    ],
    [
      'a rule on one year of this vault still deletes some',
      [rule({ prefixMatch: [`${auditBlobPrefix(VAULT)}y=2025`], del: { daysAfterCreationGreaterThan: 14 } })],
      14,
    ],
    [
      'a rule on another vault does not reach them',
      [rule({ prefixMatch: [`${auditBlobPrefix(`${VAULT}-dev`)}`], del: { daysAfterCreationGreaterThan: 14 } })],
      null,
    ],
    ['a rule with only tiering keeps them', [{ ...rule({}), definition: { filters: { blobTypes: ['appendBlob'] }, actions: { baseBlob: {} } } }], null],
  ])('%s', (_n, rules, days) => {
    expect(storageRetentionDays(rules, VAULT)).toBe(days);
  });
});
