// The entra provider through the real SDKs (@azure/core-rest-pipeline, @azure/arm-operationalinsights)
// against the loopback HTTPS fake: where sign-in logs go and for how long, what the licences keep,
// failures as gaps scoped to the tenant, retries after 429, and only declared GET reads sent.
import tls from 'node:tls';
import type { TokenCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EntraFake, type FakeEntraWorld, type FakeFault, startEntraFake } from '../../../src/fakes/entra/server.ts';
import { createThrowawayCert } from '../../../src/fakes/throwaway-cert.ts';
import { AuditTrail } from '../../../src/model/audit-trail.ts';
import { CollectionGap } from '../../../src/model/collection-gap.ts';
import entraProvider, { collectEntra } from '../../../src/providers/entra/index.ts';
import { classifyEntraRequest, ENTRA_OPERATION_NAMES } from '../../../src/providers/entra/operations.ts';
import { EntraConfig } from '../../../src/providers/entra/schema.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';

const cert = createThrowawayCert();
const TENANT = 'e7e7e7e7-0000-4000-8000-000000000001';
const WS = '/subscriptions/0f1e2d3c-0000-4000-8000-00000000e0e0/resourceGroups/logs/providers/Microsoft.OperationalInsights/workspaces/sentinel-enterprise';
const NOW = new Date('2026-11-22T00:00:00Z');
const credential: TokenCredential = { getToken: async () => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
let fake: EntraFake | undefined;

beforeAll(() => {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert]);
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
afterAll(() => {
  tls.setDefaultCACertificates(tls.getCACertificates('bundled'));
});

const logs = (on: string[]) =>
  ['SignInLogs', 'NonInteractiveUserSignInLogs', 'ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs', 'AuditLogs'].map((category) => ({
    category,
    enabled: on.includes(category),
    retentionPolicy: { enabled: true, days: 180 },
  }));

const world = (over: Partial<FakeEntraWorld> = {}): FakeEntraWorld => ({
  settings: [
    {
      id: '/providers/microsoft.aadiam/diagnosticSettings/to-sentinel',
      name: 'to-sentinel',
      properties: {
        workspaceId: WS,
        storageAccountId: '/subscriptions/0f1e2d3c-0000-4000-8000-00000000e0e0/resourceGroups/logs/providers/Microsoft.Storage/storageAccounts/entraarchive',
        eventHubAuthorizationRuleId:
          '/subscriptions/0f1e2d3c-0000-4000-8000-00000000e0e0/resourceGroups/logs/providers/Microsoft.EventHub/namespaces/siem/authorizationrules/send',
        eventHubName: 'entra',
        logs: logs(['SignInLogs', 'NonInteractiveUserSignInLogs', 'AuditLogs']),
      },
    },
  ],
  workspaces: { [WS.toLowerCase()]: { retentionInDays: 365, tables: { SigninLogs: { retentionInDays: 90, totalRetentionInDays: 730 } } } },
  skus: [
    {
      skuPartNumber: 'SPE_E3',
      capabilityStatus: 'Enabled',
      prepaidUnits: { enabled: 100 },
      servicePlans: [{ servicePlanName: 'AAD_PREMIUM', provisioningStatus: 'Success' }],
    },
    {
      skuPartNumber: 'SPE_E5',
      capabilityStatus: 'Enabled',
      prepaidUnits: { enabled: 10 },
      servicePlans: [{ servicePlanName: 'M365_ADVANCED_AUDITING', provisioningStatus: 'Success' }],
    },
  ],
  ...over,
});

async function run(w: FakeEntraWorld = world(), faults: Record<string, FakeFault> = {}) {
  fake = await startEntraFake(w, cert, faults);
  const config = EntraConfig.parse({
    tenantId: TENANT,
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    graphEndpoint: fake.url,
    retryBaseMs: 1,
    timeoutMs: 5_000,
  });
  const out = await collectEntra(config, { now: () => NOW, baseDir: '.', env: {} }, { credential });
  for (const t of out.trails ?? []) AuditTrail.parse(t);
  for (const g of out.gaps ?? []) CollectionGap.parse(g);
  return { out, trails: out.trails ?? [], gaps: out.gaps ?? [], fake };
}

describe('entra provider against the loopback fake', () => {
  it('reads where sign-in logs go, each destination with its retention, and the licences', async () => {
    const { out, trails, gaps, fake } = await run();
    expect(gaps).toEqual([]);
    // What the fake received and what the client's allowlist let through are the declared reads only.
    expectOnlyDeclared(
      fake.requests.map((r) => r.op ?? `${r.method} ${r.path}`),
      entraProvider,
    );
    expectOnlyDeclared(out.sent, entraProvider);
    const byKind = Object.fromEntries(trails.map((t) => [t.destination?.kind ?? t.kind, t]));
    // SigninLogs keeps 730 days in total; the non-interactive table does not exist yet (404) and keeps the workspace's 365.
    expect(byKind['log-analytics']?.retentionDays).toBe(365);
    expect(byKind['log-analytics']?.identity).toMatchObject({ tenantId: TENANT, records: ['token-issuance', 'directory-audit'], premium: true });
    expect(byKind['log-analytics']?.identity?.categories).toEqual(['SignInLogs', 'NonInteractiveUserSignInLogs', 'AuditLogs']);
    // The setting's retentionPolicy (180 days) was retired on 30 September 2025: the account's lifecycle rules decide, unread.
    expect(byKind.storage).toBeDefined();
    expect(byKind.storage?.retentionDays).toBeUndefined();
    // What an event hub keeps is decided downstream: unknown, never "forever".
    expect(byKind['event-hub']?.retentionDays).toBeUndefined();
    expect(byKind.other).toMatchObject({
      kind: 'entra-sign-in-logs',
      retentionDays: 30,
      identity: { licence: 'Entra ID P1 or P2', premium: true, auditPremium: true },
    });
    expect(new Set(fake.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(fake.requests.every((r) => r.op && ENTRA_OPERATION_NAMES.includes(r.op))).toBe(true);
    // subscribedSkus paged with @odata.nextLink: two pages.
    expect(fake.requests.filter((r) => r.op === 'graph:ListSubscribedSkus')).toHaveLength(2);
  });

  it('a tenant with no premium licence keeps sign-in logs 7 days', async () => {
    const { trails } = await run(world({ settings: [], skus: [{ skuPartNumber: 'O365_BUSINESS', capabilityStatus: 'Enabled', servicePlans: [] }] }));
    expect(trails).toHaveLength(1);
    expect(trails[0]).toMatchObject({ retentionDays: 7, identity: { licence: 'Entra ID Free', premium: false, auditPremium: false } });
  });

  it('a denied tenant setting is a gap for the tenant, and the licences are still read', async () => {
    const { trails, gaps } = await run(world(), { 'arm:ListTenantDiagnosticSettings': { status: 403, code: 'AuthorizationFailed' } });
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      provider: 'entra',
      operation: 'arm:ListTenantDiagnosticSettings',
      kind: 'denied',
      scope: { account: TENANT },
      affects: ['trails'],
    });
    expect(gaps[0]?.reason).toContain('microsoft.aadiam/diagnosticSettings/read');
    expect(trails.map((t) => t.kind)).toEqual(['entra-sign-in-logs']);
  });

  it('unreadable licences are a gap naming the Graph permission, with no built-in trail guessed', async () => {
    const { trails, gaps } = await run(world(), { 'graph:ListSubscribedSkus': { status: 403, code: 'Authorization_RequestDenied' } });
    expect(gaps.map((g) => g.operation)).toEqual(['graph:ListSubscribedSkus']);
    expect(gaps[0]?.reason).toContain('Organization.Read.All');
    expect(trails.some((t) => t.kind === 'entra-sign-in-logs')).toBe(false);
  });

  it('an unreadable workspace leaves retention unknown with a gap; a throttled read is retried after Retry-After', async () => {
    const { trails, gaps, fake } = await run(world(), {
      'arm:GetWorkspace': { status: 403, code: 'AuthorizationFailed' },
      'graph:ListSubscribedSkus': { status: 429, code: 'TooManyRequests', times: 1, retryAfterSeconds: 0 },
    });
    expect(gaps.map((g) => g.operation)).toEqual(['arm:GetWorkspace']);
    expect(trails.find((t) => t.destination?.kind === 'log-analytics')?.retentionDays).toBeUndefined();
    expect(trails.find((t) => t.kind === 'entra-sign-in-logs')?.retentionDays).toBe(30);
    expect(fake.requests.filter((r) => r.op === 'graph:ListSubscribedSkus')).toHaveLength(3);
  });

  it('declares only GET reads: anything else is refused by the allowlist', () => {
    expect(classifyEntraRequest('GET', '/providers/microsoft.aadiam/diagnosticSettings', 'arm')).toBe('arm:ListTenantDiagnosticSettings');
    expect(classifyEntraRequest('PUT', '/providers/microsoft.aadiam/diagnosticSettings/x', 'arm')).toBeUndefined();
    expect(classifyEntraRequest('DELETE', '/providers/microsoft.aadiam/diagnosticSettings', 'arm')).toBeUndefined();
    expect(classifyEntraRequest('GET', '/v1.0/users', 'graph')).toBeUndefined();
    expect(classifyEntraRequest('GET', '/v1.0/subscribedSkus', 'arm')).toBeUndefined();
  });
});
