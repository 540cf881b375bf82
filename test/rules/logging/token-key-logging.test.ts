import { describe, expect, it } from 'vitest';
import type { AuditTrail } from '../../../src/model/audit-trail.ts';
import type { KeyClass, TokenIssuer } from '../../../src/policy/schema.ts';
import rule from '../../../src/rules/logging/token-key-logging.ts';
import { gap, key } from '../../helpers/fixtures.ts';
import { fp, published, unreadSet } from '../../helpers/published-keys.ts';
import { ruleTester, runRule, TEST_POLICY } from '../../helpers/rule-tester.ts';

const TENANT = 'e7e7e7e7-0000-4000-8000-000000000001';
const KEY = key({ fingerprints: fp('enterprise-1') });

const classes = (logging: KeyClass['logging']): Record<string, KeyClass> => ({
  ...TEST_POLICY.keyClasses,
  'token-signing-shared': { ...(TEST_POLICY.keyClasses['token-signing-shared'] as KeyClass), logging },
});
const issuers = (tenants: string[] = [TENANT]): Record<string, TokenIssuer> => ({
  enterprise: { issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, keys: [{ ids: [KEY.id] }], tenants },
});
const policy = (logging: KeyClass['logging'] = { issuance: 365, use: 180 }, tenants?: string[]) => ({
  keyClasses: classes(logging),
  tokenIssuers: issuers(tenants),
});

/** What the entra provider reports for a tenant without export: built-in sign-in logs by licence. */
const builtIn = (licence: 'Entra ID Free' | 'Entra ID P1 or P2', auditPremium: boolean): AuditTrail => ({
  id: `entra:${TENANT}:sign-in-logs`,
  provider: 'entra',
  kind: 'entra-sign-in-logs',
  scope: { provider: 'entra', accounts: [TENANT] },
  enabled: true,
  retentionDays: licence === 'Entra ID Free' ? 7 : 30,
  identity: { tenantId: TENANT, records: ['token-issuance', 'directory-audit'], premium: licence !== 'Entra ID Free', licence, auditPremium },
});
const exported = (retentionDays: number | undefined): AuditTrail => ({
  id: `/providers/microsoft.aadiam/diagnosticSettings/to-sentinel#log-analytics`,
  provider: 'entra',
  kind: 'entra-diagnostic-setting',
  name: 'entra/to-sentinel → log-analytics',
  scope: { provider: 'entra', accounts: [TENANT] },
  enabled: true,
  ...(retentionDays === undefined ? {} : { retentionDays }),
  identity: { tenantId: TENANT, records: ['token-issuance'], categories: ['SignInLogs'], premium: true },
});
const m365 = (premium: boolean | undefined, enabled = true): AuditTrail => ({
  id: `m365:${TENANT}:unified-audit-log`,
  provider: 'm365',
  kind: 'm365-audit',
  scope: { provider: 'm365', accounts: [TENANT] },
  enabled,
  identity: { tenantId: TENANT, records: ['token-use'], ...(premium === undefined ? {} : { premium }), capturedAt: '2026-11-20T00:00:00Z' },
});
const ALL = [builtIn('Entra ID P1 or P2', true), exported(730), m365(true)];

ruleTester(rule, [
  {
    name: 'sign-ins exported for 730 days, MailItemsAccessed on every mailbox, Audit (Premium)',
    inventory: { keys: [KEY], trails: ALL },
    policy: policy(),
    outcome: 'pass',
  },
  {
    name: 'use only: Audit (Standard) keeps 180 days, enough for use: 180',
    inventory: { keys: [KEY], trails: [builtIn('Entra ID Free', false), m365(true)] },
    policy: policy({ use: 180 }),
    outcome: 'pass',
  },
  {
    name: 'linked through a published key set whose issuer names the tenant',
    inventory: {
      keys: [KEY],
      trails: ALL,
      publishedKeys: [published({ issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, fingerprints: KEY.fingerprints })],
    },
    policy: { keyClasses: classes({ issuance: 365, use: 180 }) },
    outcome: 'pass',
  },
  {
    // The unread set may publish the key for another issuer, whose tenant may keep no record.
    name: 'every linked issuer logs, while a published key set could not be read',
    inventory: { keys: [KEY], trails: ALL, gaps: [unreadSet()] },
    policy: policy(),
    outcome: 'unknown',
    missing: 'published',
    gapOperation: 'jwks:GetKeySet',
  },
  {
    // The licence-bound case: no export, Entra ID Free keeps sign-ins 7 days.
    name: 'tenant without licence or export',
    inventory: { keys: [KEY], trails: [builtIn('Entra ID Free', false), m365(true)] },
    policy: policy(),
    outcome: 'fail',
    messages: ['issuanceNotKept'],
  },
  {
    name: 'MailItemsAccessed not audited on every mailbox',
    inventory: { keys: [KEY], trails: [builtIn('Entra ID P1 or P2', true), exported(730), m365(false)] },
    policy: policy(),
    outcome: 'fail',
    messages: ['useNotKept'],
  },
  {
    name: 'use must be kept 365 days without Audit (Premium)',
    inventory: { keys: [KEY], trails: [builtIn('Entra ID P1 or P2', false), exported(730), m365(true)] },
    policy: policy({ issuance: 365, use: 365 }),
    outcome: 'fail',
    messages: ['useNotKept'],
  },
  {
    name: 'no issuer linked',
    inventory: { keys: [KEY], trails: ALL },
    policy: { keyClasses: classes({ issuance: 365 }) },
    outcome: 'fail',
    messages: ['noIssuer'],
  },
  {
    // Storm-0558: the consumer issuer's tokens were recorded in no tenant the owner could search.
    name: 'issuer declared without a tenant that logs it',
    inventory: { keys: [KEY], trails: ALL },
    policy: policy({ issuance: 30, use: 30 }, []),
    outcome: 'fail',
    messages: ['issuanceNotKept', 'useNotKept'],
  },
  {
    name: 'the tenant diagnostic settings could not be read',
    inventory: {
      keys: [KEY],
      trails: [builtIn('Entra ID P1 or P2', true), m365(true)],
      gaps: [
        gap({
          id: `entra:${TENANT}:arm:ListTenantDiagnosticSettings:trails`,
          provider: 'entra',
          scope: { account: TENANT },
          operation: 'arm:ListTenantDiagnosticSettings',
          affects: ['trails'],
        }),
      ],
    },
    policy: policy(),
    outcome: 'unknown',
  },
  {
    name: 'workspace retention not read',
    inventory: { keys: [KEY], trails: [builtIn('Entra ID P1 or P2', true), exported(undefined), m365(true)] },
    policy: policy(),
    outcome: 'unknown',
    missing: `trail ${exported(1).id} retentionDays`,
  },
  {
    name: 'the key class sets no logging requirement',
    inventory: { keys: [KEY], trails: ALL },
    policy: { keyClasses: TEST_POLICY.keyClasses },
    outcome: 'not-applicable',
  },
]);

describe('token-key-logging', () => {
  it('names the licence and the retention it would give when the tenant has none', () => {
    const { results } = runRule(rule, { inventory: { keys: [KEY], trails: [builtIn('Entra ID Free', false), m365(true)] }, policy: policy() });
    expect(results.map((r) => r.message)).toEqual([
      `No record of tokens issued with this key is kept 365 days (class token-signing-shared): tenant ${TENANT} keeps sign-in logs 7 days (Entra ID Free, no export); Entra ID P1 or P2 (service plan AAD_PREMIUM or AAD_PREMIUM_P2) would keep them 30 days; export SignInLogs through a diagnostic setting to a workspace kept at least 365 days.`,
    ]);
  });
  it('names Purview Audit (Premium) and its one-year retention when use must be kept longer than Standard does', () => {
    const { results } = runRule(rule, {
      inventory: { keys: [KEY], trails: [builtIn('Entra ID P1 or P2', false), exported(730), m365(true)] },
      policy: policy({ use: 365 }),
    });
    expect(results[0]?.message).toContain(
      'keeps audit records 180 days (Purview Audit (Standard)); Purview Audit (Premium) (service plan M365_ADVANCED_AUDITING, in Microsoft 365 E5) would keep them 365 days',
    );
  });
  it('an unreadable tenant setting is never a pass, even when the licence record exists', () => {
    const { outcome } = runRule(rule, {
      inventory: {
        keys: [KEY],
        trails: [builtIn('Entra ID P1 or P2', true), m365(true)],
        gaps: [gap({ id: 'entra:x', provider: 'entra', scope: { account: TENANT }, operation: 'arm:ListTenantDiagnosticSettings', affects: ['trails'] })],
      },
      policy: policy(),
    });
    expect(outcome).toBe('unknown');
  });
});
