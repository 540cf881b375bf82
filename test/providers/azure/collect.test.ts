// The real Azure SDKs (@azure/identity, keyvault-keys, arm-keyvault, arm-authorization, arm-monitor)
// against the loopback HTTPS fakes: the Key Vault 401 challenge, nextLink paging, 429 with
// Retry-After, a 403 vault, a vault unreachable by network, an access-policy vault beside an RBAC
// vault, bad input, and proof that only declared read operations are ever sent.
import { KeyClient } from '@azure/keyvault-keys';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { type AzureFake, FAKE_CLIENT_SECRET, type FakeAzureOptions, type FakeAzureWorld, startAzureFake } from '../../../src/fakes/azure/server.ts';
import { CollectionGap } from '../../../src/model/collection-gap.ts';
import { KeyRecord } from '../../../src/model/key-record.ts';
import type { ClientOverrides } from '../../../src/providers/azure/client.ts';
import azureProvider, { collectAzure } from '../../../src/providers/azure/index.ts';
import { OPERATION_NAMES } from '../../../src/providers/azure/operations.ts';
import { AzureConfig, type AzureConfigInput } from '../../../src/providers/azure/schema.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { useAzureFake } from './harness.ts';
import { ADMIN, DEBUG_SP, LAW, SIGNER, SUB_A, SUB_B, TENANT, testWorld } from './world.ts';

const NOW = new Date('2026-11-22T00:00:00Z');
const declared = new Set(OPERATION_NAMES);
const azure = useAzureFake();
let fake: AzureFake | undefined;

async function run(
  opts: { world?: FakeAzureWorld; fake?: FakeAzureOptions; config?: Partial<AzureConfigInput>; overrides?: ClientOverrides; warnings?: string[] } = {},
) {
  fake = await azure.start(opts.world ?? testWorld(), opts.fake);
  // What a private-cloud user writes: the authority host and ARM endpoint of their cloud.
  const config = AzureConfig.parse({
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    graphEndpoint: fake.url,
    retry: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
    ...opts.config,
  });
  const progress: number[] = [];
  const out = await collectAzure(
    config,
    { now: () => NOW, baseDir: '.', env: process.env, progress: (e) => progress.push(e.done), warn: (m) => opts.warnings?.push(m) },
    opts.overrides,
  );
  return { out, keys: out.keys ?? [], gaps: out.gaps ?? [], trails: out.trails ?? [], fake, progress };
}

const byName = (keys: KeyRecord[], name: string) => keys.find((k) => k.name === name);

describe('Azure provider against the loopback fakes', () => {
  it('inventories vaults, keys, access and logging, paging with nextLink, sending only declared operations', async () => {
    const { out, keys, gaps, trails, fake, progress } = await run({ fake: { pageSize: 1, armPageSize: 1 } });
    expect(keys.map((k) => k.id)).toEqual([
      'https://corp-signing.vault.azure.net/keys/old-ec',
      'https://corp-signing.vault.azure.net/keys/token-signing',
      'https://legacy-app.vault.azure.net/keys/data-key',
      'https://payments-hsm.managedhsm.azure.net/keys/pay-wrap',
    ]);
    for (const k of keys) expect(KeyRecord.parse(k)).toEqual(k);
    for (const g of gaps) expect(CollectionGap.parse(g)).toEqual(g);

    const signing = byName(keys, 'token-signing') as KeyRecord;
    expect(signing).toMatchObject({
      account: SUB_A,
      region: 'westeurope',
      container: 'corp-signing',
      keyType: 'RSA',
      keySize: 2048,
      protection: 'hsm',
      usage: ['sign', 'verify'],
      createdAt: '2025-01-01T00:00:00Z',
      currentVersionCreatedAt: '2026-09-01T00:00:00Z',
      versionCount: 3,
      rotation: { supported: true, automatic: true, periodDays: 90, lastRotatedAt: '2026-09-01T00:00:00Z', nextRotationAt: '2026-11-30T00:00:00Z' },
      alerts: { nearExpiry: true, notifyBeforeDays: 30 },
      expiresAt: '2027-09-01T00:00:00Z',
      deletion: { protected: true },
      network: { publicAccess: false, privateEndpoint: true },
      accessModel: 'rbac',
      tags: { env: 'prod', 'key-class': 'token-signing-shared', owner: 'signing-team' },
    });
    expect(signing.fingerprints?.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    // RBAC: the key-scoped signer role and the Owner inherited from the resource group; the
    // Crypto User assigned on another resource group does not reach this vault.
    // Names and kinds come from Microsoft Graph: the signer is a managed identity.
    expect(signing.access?.map((a) => [a.principal.id, a.principal.kind, a.principal.name, a.capabilities, a.source])).toEqual([
      [SIGNER, 'managed-identity', 'token-service-prod', ['use-sign'], 'rbac'],
      [ADMIN, 'user', 'alice@contoso.example', ['administer'], 'rbac'],
    ]);
    expect(byName(keys, 'old-ec')?.access?.map((a) => a.principal.id)).toEqual([ADMIN]);
    expect(byName(keys, 'old-ec')).toMatchObject({ state: 'disabled', rotation: { automatic: false }, keyType: 'EC', curve: 'P-256' });

    // The access-policy vault beside it: the policy grants decrypt, not the RBAC role elsewhere.
    const legacy = byName(keys, 'data-key') as KeyRecord;
    expect(legacy.accessModel).toBe('access-policy');
    expect(legacy.access).toEqual([
      {
        principal: { kind: 'service-principal', id: DEBUG_SP, account: TENANT, tenant: TENANT },
        capabilities: ['use-decrypt', 'use-unwrap', 'read'],
        source: 'access-policy',
        sourceId: expect.stringContaining('/accessPolicies/'),
      },
    ]);
    expect(legacy.deletion).toEqual({ protected: false });

    expect(byName(keys, 'pay-wrap')).toMatchObject({ account: SUB_B, keyType: 'AES', protection: 'hsm', accessModel: 'rbac' });
    expect(byName(keys, 'pay-wrap')?.access).toBeUndefined();

    expect(trails).toEqual([
      expect.objectContaining({
        kind: 'azure-diagnostic-setting',
        name: 'to-law',
        enabled: true,
        capturesDataPlane: true,
        scope: { provider: 'azure-keyvault', accounts: [SUB_A], containers: ['corp-signing'] },
        destination: { kind: 'log-analytics', id: LAW },
        retentionDays: 400,
      }),
    ]);

    // The 403 vault and the unreachable vault are gaps with their reason, never keys.
    expect(gaps.map((g) => [g.scope.container, g.operation, g.affects])).toEqual([
      ['locked-down', 'keyvault:ListKeys', undefined],
      ['private-only', 'keyvault:ListKeys', undefined],
      ['payments-hsm', 'managedhsm:ListRoleDefinitions', ['access']],
    ]);
    expect(gaps[2]?.reason).toMatch(/local RBAC role definitions of managed HSM payments-hsm could not be read: access denied.*Managed HSM Crypto Auditor/);
    expect(gaps[0]?.reason).toMatch(
      /^the keys of vault locked-down could not be read: access denied \(HTTP 403, Forbidden\); grant the DataAction Microsoft\.KeyVault\/vaults\/keys\/read .*keyhygiene permissions azure/,
    );
    expect(gaps[0]?.kind).toBe('denied');
    expect(gaps[1]?.reason).toMatch(/could not be read: the service failed \(ECONNREFUSED\); unreachable over the network/);
    expect(gaps[1]?.kind).toBe('transient');
    expect(keys.some((k) => k.container === 'locked-down' || k.container === 'private-only')).toBe(false);

    // Paging: vault lists and key lists were followed through nextLink.
    const listVaults = fake.requests.filter((r) => r.operation === 'arm:ListVaults' && r.status === 200);
    expect(listVaults.length).toBeGreaterThanOrEqual(5);
    expect(fake.requests.filter((r) => r.operation === 'keyvault:ListKeys' && r.vault === 'corp-signing' && r.status === 200)).toHaveLength(2);
    // The Key Vault challenge: an unauthenticated first request answered 401, then the real one.
    expect(fake.requests.some((r) => r.plane === 'data' && r.status === 401)).toBe(true);

    // Read-only: every request was a declared operation, both as the client saw it and as the fake did.
    expect(fake.undeclared()).toEqual([]);
    expect(fake.operations().every((o) => declared.has(o))).toBe(true);
    expectOnlyDeclared(fake.operations(), azureProvider);
    expect(new Set(out.clients.sent).size).toBeGreaterThan(5);
    expect(out.clients.sent.every((o) => declared.has(o))).toBe(true);
    expect(fake.requests.every((r) => r.plane === 'entra' || r.method === 'GET')).toBe(true);

    expect(out.run).toMatchObject({ id: 'azure', identity: expect.stringContaining(TENANT) });
    expect(progress.at(-1)).toBe(5);
  });

  it('a role assignment with an ABAC condition (conditionVersion 2.0) on the sign action is undecided access, not a grant', async () => {
    // Azure docs, "Azure role assignment condition format and syntax": !(ActionMatches{…}) OR (<attribute test>).
    const condition =
      "((!(ActionMatches{'Microsoft.KeyVault/vaults/keys/sign/action'})) OR (@Resource[Microsoft.KeyVault/vaults/keys:KeyName] StringEquals 'other-key'))";
    const world = testWorld();
    const sub = world.subscriptions[0];
    const signer = sub?.roleAssignments?.find((a) => a.principalId === SIGNER);
    if (!signer) throw new Error('no signer assignment');
    signer.condition = condition;
    const { keys } = await run({ world });
    const entry = byName(keys, 'token-signing')?.access?.find((a) => a.principal.id === SIGNER);
    expect(entry).toMatchObject({ capabilities: ['use-sign'], undecided: [{ key: 'azure:abac-condition', values: [condition] }] });
    expect(entry?.conditions).toBeUndefined();
  });

  it('honours 429 Retry-After on ARM and the data plane and loses nothing', async () => {
    const { keys, gaps, fake } = await run({ fake: { throttleFirst: { 'arm:ListVaults': 1, 'keyvault:GetKey': 3, 'keyvault:ListKeys': 1 } } });
    expect(fake.stats.throttled).toBe(5);
    expect(keys).toHaveLength(4);
    expect(gaps.map((g) => g.scope.container)).toEqual(['locked-down', 'private-only', 'payments-hsm']);
  });

  it('waits the Retry-After the service asks for (default backoff wired)', async () => {
    const world = testWorld();
    world.subscriptions = [{ ...(world.subscriptions[0] as FakeAzureWorld['subscriptions'][number]), vaults: [world.subscriptions[0]?.vaults[1] as never] }];
    const t0 = performance.now();
    const { keys, fake } = await run({ world, fake: { retryAfterSeconds: 1, throttleFirst: { 'keyvault:GetKey': 1 } }, config: { retry: { maxRetries: 3 } } });
    expect(fake.stats.throttled).toBe(1);
    expect(keys).toHaveLength(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('turns a key whose details fail after retries into a partial record and a gap scoped to it', async () => {
    const { keys, gaps } = await run({
      fake: { throttleFirst: { 'keyvault:GetKey': 100 } },
      config: { retry: { maxRetries: 1, retryDelayInMs: 1, maxRetryDelayInMs: 2 }, concurrency: 1 },
    });
    expect(keys).toHaveLength(4);
    const keyGaps = gaps.filter((g) => g.operation === 'keyvault:GetKey');
    expect(keyGaps.map((g) => g.scope.subjectId).sort()).toEqual(keys.map((k) => k.id).sort());
    expect(keyGaps[0]?.reason).toMatch(/could not be read: still throttled after retries \(HTTP 429, Throttled\); lower quotaFraction/);
    expect(keyGaps[0]?.kind).toBe('throttled');
    // Only what the list said: no type, usage or fingerprint guessed.
    for (const k of keys) {
      expect(k.usage).toBeUndefined();
      expect(k.fingerprints).toBeUndefined();
      expect(k.exportable).toBeUndefined();
      expect(k.state).toBeDefined();
    }
    // Vault-level settings are still known.
    expect(byName(keys, 'token-signing')).toMatchObject({ accessModel: 'rbac', network: { publicAccess: false }, deletion: { protected: true } });
  });

  it('reports unreadable role assignments and diagnostic settings as gaps on access and trails', async () => {
    const world = testWorld();
    const v = world.subscriptions[0]?.vaults[0];
    if (v) v.armForbidden = ['roleAssignments', 'diagnosticSettings'];
    const { keys, gaps, trails } = await run({ world });
    expect(trails).toEqual([]);
    expect(byName(keys, 'token-signing')?.access).toBeUndefined();
    const corp = gaps.filter((g) => g.scope.container === 'corp-signing');
    expect(corp.map((g) => [g.operation, g.affects])).toEqual([
      ['arm:ListDiagnosticSettings', ['trails']],
      ['arm:ListRoleAssignments', ['access']],
    ]);
    expect(corp[0]?.reason).toMatch(/access denied \(HTTP 403, AuthorizationFailed\); grant the Action Microsoft\.Insights\/diagnosticSettings\/read/);
    expect(corp[0]?.detail).toBeTruthy();
  });

  it('without Graph access, principals keep their ARM kind and no name, with a warning; a service principal is a gap on access (federation unknown)', async () => {
    const warnings: string[] = [];
    const { keys, gaps } = await run({ fake: { graphForbidden: true }, warnings });
    const signing = byName(keys, 'token-signing') as KeyRecord;
    expect(signing.access?.map((a) => [a.principal.kind, a.principal.name])).toEqual([
      ['service-principal', undefined],
      ['user', undefined],
    ]);
    expect(warnings).toEqual([expect.stringMatching(/principal names were not read from Microsoft Graph \(Insufficient privileges.*Directory\.Read\.All/)]);
    // Names are a warning; whether external workloads can act as a service principal Graph did not read is a gap on the key's access.
    const unread = gaps.filter((g) => g.operation === 'graph:GetDirectoryObject');
    expect(unread.map((g) => g.affects)).toEqual(unread.map(() => ['access']));
    expect(unread.some((g) => g.scope.subjectId === signing.id)).toBe(true);
    expect(unread[0]?.reason).toMatch(/federated identity credentials/);
    expect(gaps.filter((g) => g.operation !== 'graph:GetDirectoryObject')).toHaveLength(3);
  });

  it("a key whose rotation policy was never set: the service's default (a Notify 30 days before expiry, no id) is neither rotation nor an alert", async () => {
    const { keys, fake } = await run();
    // The fake answers as the service does for old-ec: 200 with the default policy, not 404.
    expect(fake.requests.find((r) => r.operation === 'keyvault:GetKeyRotationPolicy' && r.path.includes('/old-ec/'))?.status).toBe(200);
    const old = byName(keys, 'old-ec') as KeyRecord;
    expect(old.rotation).toEqual({ supported: true, automatic: false });
    expect(old.alerts).toEqual({ nearExpiry: false, source: 'azure-rotation-policy' });
  });

  it('a Log Analytics workspace that cannot be read leaves retention unknown, as a gap with what, why and the fix', async () => {
    const world = testWorld();
    world.workspaces = {};
    const warnings: string[] = [];
    const { trails, gaps } = await run({ world, warnings });
    expect(trails[0]?.retentionDays).toBeUndefined();
    expect(trails[0]?.capturesDataPlane).toBe(true);
    expect(warnings).toEqual([]);
    const ws = gaps.filter((g) => g.operation === 'arm:GetWorkspace');
    expect(ws).toHaveLength(1);
    expect(ws[0]?.affects).toEqual(['trails.retentionDays']);
    expect(ws[0]?.scope.container).toBe(trails[0]?.scope.containers?.[0]);
    // what could not be read, why (the service's answer), and how to fix it
    expect(ws[0]?.reason).toMatch(/the retention of Log Analytics workspace .*law.*could not be read: .*404/);
    expect(gaps).toHaveLength(4);
  });

  it('refreshes tokens that expire mid-run', async () => {
    const { keys, gaps, fake } = await run({ fake: { tokenLifetimeSeconds: 2, latencyMs: 5 } });
    expect(keys).toHaveLength(4);
    expect(gaps).toHaveLength(3);
    expect(fake.stats.tokensIssued).toBeGreaterThan(2);
  });

  it('a vault that never answers (packets dropped) becomes a gap after the timeout, and the rest completes', async () => {
    const world = testWorld();
    const v = world.subscriptions[0]?.vaults[3];
    if (v) v.dataPlane = 'silent';
    const { keys, gaps } = await run({ world, config: { timeoutMs: 1000, retry: { maxRetries: 1, retryDelayInMs: 1, maxRetryDelayInMs: 2 } } });
    expect(keys).toHaveLength(4);
    // On a loaded machine a 1 s deadline may also end this vault's ARM reads: the data-plane read is the one that never answers.
    const g = gaps.find((x) => x.scope.container === 'private-only' && x.operation === 'keyvault:ListKeys');
    expect(g?.operation).toBe('keyvault:ListKeys');
    expect(g?.reason).toMatch(/could not be read: no answer before the call deadline .*unreachable over the network/);
    expect(g?.kind).toBe('timeout');
  });

  it('a provider budget ends a vault that never answers: its reads become cancelled gaps, the run returns, the other vaults stand', async () => {
    const world = testWorld();
    const v = world.subscriptions[0]?.vaults[3];
    if (v) v.dataPlane = 'silent';
    const started = Date.now();
    // Each request would wait 60 s; the provider's budget of 3 s ends it (the other vaults finish well
    // before: a few hundred milliseconds on an idle machine).
    const { keys, gaps } = await run({ world, config: { timeoutMs: 60_000, budgetMs: 3000, retry: { maxRetries: 0 } } });
    expect(Date.now() - started).toBeLessThan(20_000);
    // On a loaded machine the budget may also end this vault's slower ARM reads: the data-plane read is the one that never answers.
    const g = gaps.find((x) => x.scope.container === 'private-only' && x.operation === 'keyvault:ListKeys');
    expect(g).toMatchObject({ operation: 'keyvault:ListKeys', kind: 'cancelled' });
    expect(g?.reason).toMatch(/time budget ran out.*raise the provider's budgetMs/);
    expect(keys).toHaveLength(4);
  });

  it('a subscription that does not exist is a gap naming it', async () => {
    const { keys, gaps } = await run({ config: { subscriptions: [SUB_B, '99999999-9999-4999-8999-999999999999'] } });
    expect(keys.map((k) => k.name)).toEqual(['pay-wrap']);
    const g = gaps.find((x) => x.operation === 'arm:ListVaults');
    expect(g?.scope).toEqual({ account: '99999999-9999-4999-8999-999999999999' });
    expect(g?.reason).toMatch(/SubscriptionNotFound.*subscription 99999999-9999-4999-8999-999999999999 does not exist or this credential cannot see it/);
    expect(g?.kind).toBe('not-found');
  });

  it('audits only the configured vault URLs; one ARM does not know is read on its data plane alone', async () => {
    fake = await azure.start(testWorld());
    const hidden = await startAzureFake(
      {
        tenantId: TENANT,
        subscriptions: [
          {
            id: 'hidden',
            vaults: [
              {
                name: 'elsewhere',
                resourceGroup: 'x',
                location: 'x',
                rbac: true,
                keys: [{ name: 'ek', kty: 'EC', keyOps: ['sign'], created: '2025-05-05T00:00:00Z' }],
              },
            ],
          },
        ],
      },
      { cert: azure.cert },
    );
    try {
      const config = AzureConfig.parse({
        cloud: 'custom',
        authorityHost: fake.url,
        armEndpoint: fake.url,
        audience: 'https://management.azure.com',
        retry: { maxRetries: 0 },
        vaults: [fake.vaultUrls['legacy-app'] as string, hidden.vaultUrls.elsewhere as string],
      });
      // The hidden fake's tokens differ: give it the same credential by trusting tokens of either fake.
      const out = await collectAzure(config, { now: () => NOW, baseDir: '.', env: process.env }, {});
      expect(out.keys?.map((k) => k.container)).toEqual(['legacy-app']);
      const g = out.gaps?.find((x) => x.operation === 'arm:ListVaults');
      expect(g?.scope).toEqual({ container: '127.0.0.1' });
      expect(g?.affects).toEqual(['account', 'region', 'access', 'network', 'deletion', 'trails']);
      // Its data plane was tried (and refused this fake's token): a gap, never a pass.
      expect(out.gaps?.some((x) => x.operation === 'keyvault:ListKeys' && x.scope.container === '127.0.0.1')).toBe(true);
    } finally {
      await hidden.close();
    }
  });

  it('refuses any request that is not a declared read operation, before it is sent', async () => {
    const { out, fake } = await run();
    const before = fake.requests.length;
    const client = new KeyClient(fake.vaultUrls['corp-signing'] as string, out.clients.credential, {
      disableChallengeResourceVerification: true,
      additionalPolicies: out.clients.policies,
      retryOptions: { maxRetries: 0 },
    });
    await expect(client.createKey('evil', 'EC')).rejects.toThrow(
      /operation POST .* is not in the provider's declared read-only operations; refused before sending/,
    );
    await expect(client.beginDeleteKey('token-signing')).rejects.toThrow(/operation DELETE .*refused before sending/);
    const stranger = new KeyClient('https://127.0.0.1:7/', out.clients.credential, {
      additionalPolicies: out.clients.policies,
      retryOptions: { maxRetries: 0 },
    });
    await expect(stranger.getKey('k')).rejects.toThrow(/operation GET https:\/\/127\.0\.0\.1:7.*refused before sending/);
    expect(fake.requests.length).toBe(before);
  });
});

describe('credentials and configuration', () => {
  it('no usable credential: a clear error naming the sources tried and the fix', async () => {
    delete process.env.AZURE_CLIENT_SECRET;
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as UserError).message;
    expect(msg).toMatch(/no usable credential/);
    expect(msg).toMatch(/EnvironmentCredential/);
    expect(msg).toMatch(/az login.*AZURE_FEDERATED_TOKEN_FILE/s);
    expect(fake?.requests.filter((r) => r.plane !== 'entra')).toEqual([]);
  });

  it('a wrong client secret: the authority refuses and the error says so, without the secret', async () => {
    process.env.AZURE_CLIENT_SECRET = 'wrong-secret-value';
    const err = await run({ fake: { clientSecret: FAKE_CLIENT_SECRET } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/AADSTS7000215|invalid_client|Invalid client secret/);
    expect((err as UserError).message).not.toContain('wrong-secret-value');
  });

  it.each([
    [{ vaults: ['http://v.vault.azure.net/'] }, /vault URL must be an https URL with no path/],
    [{ vaults: ['https://v.vault.azure.net/keys/k'] }, /vault URL must be an https URL with no path/],
    [{ vaults: ['not a url'] }, /vault URL must be an https URL/],
    [{ subscriptions: ['prod'] }, /subscription id is a GUID/],
    [{ cloud: 'custom' }, /cloud: custom needs authorityHost/],
    [{ quotaFraction: 1.5 }, /quotaFraction|<=1|too big/i],
    [{ regions: ['x'] }, /Unrecognized key/i],
  ])('rejects %j', (config, message) => {
    const r = AzureConfig.safeParse(config);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it('resolves sovereign clouds and private clouds', async () => {
    const { resolveEndpoints } = await import('../../../src/providers/azure/schema.ts');
    expect(resolveEndpoints(AzureConfig.parse({ cloud: 'AzureUSGovernment' }))).toEqual({
      authorityHost: 'https://login.microsoftonline.us',
      armEndpoint: 'https://management.usgovcloudapi.net',
      armScope: 'https://management.usgovcloudapi.net/.default',
      graphEndpoint: 'https://graph.microsoft.us',
      graphScope: 'https://graph.microsoft.us/.default',
      disableInstanceDiscovery: false,
    });
    expect(resolveEndpoints(AzureConfig.parse({ cloud: 'AzureUSGovernment', resolvePrincipalNames: false })).graphEndpoint).toBeUndefined();
    expect(resolveEndpoints(AzureConfig.parse({ cloud: 'AzureChinaCloud' })).armScope).toBe('https://management.chinacloudapi.cn/.default');
    expect(
      resolveEndpoints(
        AzureConfig.parse({
          cloud: 'custom',
          authorityHost: 'https://login.contoso.local/',
          armEndpoint: 'https://arm.contoso.local',
          audience: 'https://arm.contoso.local/',
        }),
      ),
    ).toEqual({
      authorityHost: 'https://login.contoso.local',
      armEndpoint: 'https://arm.contoso.local',
      armScope: 'https://arm.contoso.local/.default',
      disableInstanceDiscovery: true,
    });
  });

  it('declares its operations and a least-privilege custom role for exactly them', () => {
    expect(azureProvider.operations).toEqual(OPERATION_NAMES);
    const doc = azureProvider.permissions?.();
    expect(doc?.kind).toBe('Azure custom role definition');
    expect(doc?.document).toMatchObject({
      IsCustom: true,
      Actions: [
        'Microsoft.Authorization/roleAssignments/read',
        'Microsoft.Authorization/roleDefinitions/read',
        'Microsoft.Authorization/roleEligibilityScheduleInstances/read',
        'Microsoft.Insights/diagnosticSettings/read',
        'Microsoft.KeyVault/managedHSMs/read',
        'Microsoft.KeyVault/vaults/read',
        'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
        'Microsoft.OperationalInsights/workspaces/read',
        'Microsoft.OperationalInsights/workspaces/tables/read',
        'Microsoft.Resources/subscriptions/read',
        'Microsoft.Storage/storageAccounts/managementPolicies/read',
      ],
      DataActions: ['Microsoft.KeyVault/vaults/keyrotationpolicies/read', 'Microsoft.KeyVault/vaults/keys/read'],
      NotActions: [],
    });
    const { Actions, DataActions } = (doc as NonNullable<typeof doc>).document as { Actions: string[]; DataActions: string[] };
    for (const a of [...Actions, ...DataActions]) expect(a).toMatch(/\/read$/);
    expect(JSON.stringify([Actions, DataActions])).not.toMatch(/\*|secrets/i);
  });
});
