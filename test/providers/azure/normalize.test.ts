import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintsFromSpki } from '../../../src/crypto/fingerprint.ts';
import { AuditTrail } from '../../../src/model/audit-trail.ts';
import { KeyRecord } from '../../../src/model/key-record.ts';
import {
  accessForKey,
  accessPolicyCapabilities,
  actionMatches,
  isoDurationDays,
  keyTransactionWeight,
  normalizeKey,
  type RawRoleDefinition,
  type RawVault,
  roleCapabilities,
  rotationFromPolicy,
  rsaBits,
  scopeCovers,
  trailFromDiagnosticSetting,
  versionlessKeyId,
} from '../../../src/providers/azure/normalize.ts';

const SUB = '11111111-1111-4111-8111-111111111111';
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v1`;
const vault = (over: Partial<RawVault> = {}): RawVault => ({
  id: VAULT_ID,
  name: 'v1',
  kind: 'vault',
  uri: 'https://v1.vault.azure.net/',
  subscriptionId: SUB,
  location: 'westeurope',
  tenantId: 'tenant-1',
  rbac: true,
  softDelete: true,
  purgeProtection: true,
  publicNetworkAccess: 'Enabled',
  networkDefaultAction: 'Allow',
  approvedPrivateEndpoints: 0,
  ...over,
});
const def = (id: string, p: Partial<RawRoleDefinition['permissions'][number]>): RawRoleDefinition => ({
  id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${id}`,
  permissions: [{ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p }],
});

describe('durations and rotation policies', () => {
  it.each([
    ['P90D', 90],
    ['P1Y', 365],
    ['P3M', 90],
    ['P2W', 14],
    ['P1Y2M3D', 365 + 60 + 3],
    ['PT36H', 1.5],
    ['p30d', 30],
  ])('%s is %d days', (d, days) => expect(isoDurationDays(d)).toBeCloseTo(days, 6));

  it.each([['P'], ['PT'], ['90D'], ['P-1D'], ['soon'], [undefined]])('%s is not a duration', (d) => expect(isoDurationDays(d)).toBeUndefined());

  it.each([
    ['no policy', null, { automatic: false }],
    ['notify only', { lifetimeActions: [{ action: 'Notify', timeBeforeExpiry: 'P30D' }], expiresIn: 'P1Y' }, { automatic: false }],
    ['rotate after create', { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }] }, { automatic: true, periodDays: 90 }],
    ['rotate before expiry', { lifetimeActions: [{ action: 'Rotate', timeBeforeExpiry: 'P30D' }], expiresIn: 'P1Y' }, { automatic: true, periodDays: 335 }],
    ['rotate, period unknowable', { lifetimeActions: [{ action: 'Rotate', timeBeforeExpiry: 'P30D' }] }, { automatic: true }],
  ])('%s', (_n, policy, expected) => expect(rotationFromPolicy(policy)).toEqual(expected));
});

describe('normalizeKey', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const rsaJwk = { kty: 'RSA-HSM', keyOps: ['sign', 'verify', 'wrapKey'], n: Buffer.from(jwk.n, 'base64url'), e: Buffer.from(jwk.e, 'base64url') };
  const base = {
    kid: 'https://v1.vault.azure.net/keys/signer/0123456789abcdef0123456789abcdef',
    name: 'signer',
    jwk: rsaJwk,
    enabled: true,
    createdOn: new Date('2026-03-01T00:00:00Z'),
    tags: { env: 'prod', owner: 'key' },
  };

  it('maps identity, type, protection, usage, dates, fingerprints and the public key', () => {
    const k = normalizeKey({
      vault: vault({ tags: { owner: 'vault', cost: 'c1' } }),
      key: base,
      versions: [{ createdOn: new Date('2025-01-01T00:00:00Z') }, { createdOn: new Date('2026-03-01T00:00:00Z') }],
      rotation: {
        lifetimeActions: [
          { action: 'Rotate', timeAfterCreate: 'P90D' },
          { action: 'Notify', timeBeforeExpiry: 'P14D' },
        ],
      },
      access: [],
    });
    expect(KeyRecord.parse(k)).toEqual(k);
    expect(k).toMatchObject({
      id: 'https://v1.vault.azure.net/keys/signer',
      provider: 'azure-keyvault',
      account: SUB,
      region: 'westeurope',
      container: 'v1',
      keyType: 'RSA',
      keySize: 3072,
      protection: 'hsm',
      usage: ['sign', 'verify', 'wrap'],
      state: 'enabled',
      createdAt: '2025-01-01T00:00:00Z',
      currentVersionCreatedAt: '2026-03-01T00:00:00Z',
      versionCount: 2,
      rotation: { supported: true, automatic: true, periodDays: 90, lastRotatedAt: '2026-03-01T00:00:00Z', nextRotationAt: '2026-05-30T00:00:00Z' },
      alerts: { nearExpiry: true, notifyBeforeDays: 14, source: 'azure-rotation-policy' },
      expiresAt: null,
      exportable: false,
      accessModel: 'rbac',
      deletion: { protected: true },
      network: { publicAccess: true, privateEndpoint: false },
      access: [],
    });
    // Key tags win over vault tags; vault-only tags are inherited.
    expect(k.tags).toEqual({ cost: 'c1', env: 'prod', owner: 'key' });
    const der = publicKey.export({ format: 'der', type: 'spki' });
    expect(k.publicKey).toBe(der.toString('base64'));
    expect(k.fingerprints).toEqual(fingerprintsFromSpki(der));
  });

  it.each([
    ['software RSA', 'RSA', {}, 'software'],
    ['HSM EC', 'EC-HSM', {}, 'hsm'],
    ['any key in a managed HSM', 'RSA', { kind: 'managed-hsm' as const }, 'hsm'],
  ])('%s has %s protection', (_n, kty, v, protection) => {
    const k = normalizeKey({ vault: vault(v), key: { ...base, jwk: { ...rsaJwk, kty } } });
    expect(k.protection).toBe(protection);
  });

  it('leaves what was not read absent, never defaulted', () => {
    const k = normalizeKey({ vault: { name: 'v1', kind: 'vault', uri: 'https://v1.vault.azure.net/' }, key: { kid: base.kid, name: 'signer' } });
    expect(k).toEqual({
      id: 'https://v1.vault.azure.net/keys/signer',
      provider: 'azure-keyvault',
      name: 'signer',
      container: 'v1',
      managedBy: 'customer',
      exportable: false,
      rotation: { supported: true },
      expiresAt: null,
    });
    expect(k.access).toBeUndefined();
    expect(k.rotation?.automatic).toBeUndefined();
  });

  it('maps vault network, deletion and access model settings', () => {
    const locked = normalizeKey({
      vault: vault({ publicNetworkAccess: 'Disabled', approvedPrivateEndpoints: 2, purgeProtection: false, rbac: false }),
      key: base,
    });
    expect(locked).toMatchObject({ network: { publicAccess: false, privateEndpoint: true }, deletion: { protected: false }, accessModel: 'access-policy' });
    expect(normalizeKey({ vault: vault({ networkDefaultAction: 'Deny' }), key: base }).network?.publicAccess).toBe(false);
  });

  it('marks exportable keys, disabled keys, expiry and not-before', () => {
    const k = normalizeKey({
      vault: vault(),
      key: { ...base, exportable: true, enabled: false, expiresOn: new Date('2027-01-01T00:00:00Z'), notBefore: new Date('2026-01-01T00:00:00Z') },
    });
    expect(k).toMatchObject({ exportable: true, state: 'disabled', expiresAt: '2027-01-01T00:00:00Z', notBefore: '2026-01-01T00:00:00Z' });
  });

  it('computes the limit weight of heavier keys and RSA sizes from the modulus', () => {
    expect(rsaBits(rsaJwk.n)).toBe(3072);
    expect(rsaBits(Buffer.from([0, 0x01, 0xff]))).toBe(9);
    expect([
      keyTransactionWeight('EC', undefined),
      keyTransactionWeight('RSA-HSM', 2048),
      keyTransactionWeight('RSA', 4096),
      keyTransactionWeight('RSA-HSM', 4096),
    ]).toEqual([1, 2, 8, 16]);
  });

  it('gives the versionless id of a versioned kid', () => {
    expect(versionlessKeyId('https://v.vault.azure.net/keys/k/abc')).toBe('https://v.vault.azure.net/keys/k');
    expect(versionlessKeyId('https://127.0.0.1:4443/keys/k/')).toBe('https://127.0.0.1:4443/keys/k');
  });
});

describe('role definitions and access policies', () => {
  it.each([
    ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keys/sign/action', true],
    ['microsoft.keyvault/VAULTS/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/sign/action', true],
    ['*', 'Microsoft.KeyVault/vaults/write', true],
    ['*/read', 'Microsoft.KeyVault/vaults/write', false],
    ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/release/action', false],
  ])('%s matches %s: %s', (pattern, action, expected) => expect(actionMatches(pattern, action)).toBe(expected));

  it.each([
    [
      'Crypto User (no release)',
      def('a', {
        dataActions: ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/decrypt/action'],
      }),
      ['use-sign', 'use-decrypt', 'read'],
      false,
    ],
    [
      'data wildcard minus release',
      def('b', { dataActions: ['Microsoft.KeyVault/vaults/keys/*'], notDataActions: ['Microsoft.KeyVault/vaults/keys/release/action'] }),
      ['use-sign', 'use-verify', 'use-encrypt', 'use-decrypt', 'use-wrap', 'use-unwrap', 'administer', 'read'],
      false,
    ],
    ['release', def('c', { dataActions: ['Microsoft.KeyVault/vaults/keys/release/action'] }), ['export'], false],
    ['Owner', def('d', { actions: ['*'] }), [], true],
    ['Contributor', def('e', { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }), [], true],
    ['Reader', def('f', { actions: ['*/read'] }), [], false],
  ])('%s', (_n, d, data, admin) => expect(roleCapabilities(d)).toEqual({ data, admin }));

  it.each([
    [['get', 'list'], ['read']],
    [
      ['Sign', 'Verify'],
      ['use-sign', 'use-verify'],
    ],
    [
      ['wrapKey', 'unwrapKey', 'release'],
      ['use-wrap', 'use-unwrap', 'export'],
    ],
    [['all'], ['use-sign', 'use-verify', 'use-encrypt', 'use-decrypt', 'use-wrap', 'use-unwrap', 'export', 'administer', 'read']],
    [['backup', 'purge'], ['administer']],
    [[], []],
  ])('access policy %j', (perms, caps) => expect(accessPolicyCapabilities(perms)).toEqual(caps));

  it.each([
    [`/subscriptions/${SUB}`, true],
    [`/subscriptions/${SUB}/resourceGroups/RG`, true],
    [`/subscriptions/${SUB}/resourceGroups/rg2`, false],
    [VAULT_ID, true],
    [`${VAULT_ID}/keys/k1`, true],
    [`${VAULT_ID}/keys/k2`, false],
    ['/providers/Microsoft.Management/managementGroups/root', true],
    ['/', true],
  ])('scope %s covers key k1: %s', (scope, expected) => expect(scopeCovers(scope, `${VAULT_ID}/keys/k1`)).toBe(expected));

  const defs = new Map(
    [
      def('sign', { dataActions: ['Microsoft.KeyVault/vaults/keys/sign/action'] }),
      def('owner', { actions: ['*'] }),
      def('reader', { actions: ['*/read'] }),
    ].map((d) => [d.id.split('/').pop() as string, d]),
  );
  const ra = (id: string, scope: string, role: string, principalId: string, principalType = 'ServicePrincipal') => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${id}`,
    scope,
    roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId,
    principalType,
  });
  const assignments = [
    ra('1', `${VAULT_ID}/keys/k1`, 'sign', 'p-sign'),
    ra('2', `${VAULT_ID}/keys/k2`, 'sign', 'p-other-key'),
    ra('3', `/subscriptions/${SUB}`, 'owner', 'p-owner', 'User'),
    ra('4', `/subscriptions/${SUB}`, 'reader', 'p-reader', 'Group'),
    ra('5', VAULT_ID, 'sign', 'p-ap', 'Group'),
  ];

  it('RBAC vault: role assignments at every covering scope, through data actions', () => {
    const entries = accessForKey({ vault: vault(), keyName: 'k1', assignments, roleDefinitions: defs });
    expect(entries.map((e) => [e.principal.id, e.principal.kind, e.capabilities, e.source])).toEqual([
      ['p-ap', 'group', ['use-sign'], 'rbac'],
      ['p-owner', 'user', ['administer'], 'rbac'],
      ['p-sign', 'service-principal', ['use-sign'], 'rbac'],
    ]);
    expect(entries.every((e) => e.principal.account === 'tenant-1' && e.principal.tenant === 'tenant-1')).toBe(true);
  });

  /**
   * Role assignment conditions (ABAC, conditionVersion 2.0; Azure docs "Azure role assignment condition
   * format and syntax"): `!(ActionMatches{'…'}) OR (<attribute test>)` limits the named actions to the
   * requests the attribute test admits. The audit cannot decide attribute tests, so a condition on an
   * action that reaches the key leaves that access undecided; one naming only other actions does not limit it.
   */
  it('ABAC conditions: one limiting the key actions the role grants is undecided; one naming other actions leaves the grant as it is', () => {
    const onSign =
      "((!(ActionMatches{'Microsoft.KeyVault/vaults/keys/sign/action'})) OR (@Resource[Microsoft.KeyVault/vaults/keys:KeyName] StringEquals 'other-key'))";
    const onBlobs =
      "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'))";
    const noAction = "@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Engineering_Project] StringEquals 'Cascade'";
    const withCondition = (id: string, principal: string, condition: string) => ({ ...ra(id, `${VAULT_ID}/keys/k1`, 'sign', principal), condition });
    const entries = accessForKey({
      vault: vault(),
      keyName: 'k1',
      assignments: [withCondition('6', 'p-on-sign', onSign), withCondition('7', 'p-on-blobs', onBlobs), withCondition('8', 'p-any', noAction)],
      roleDefinitions: defs,
    });
    const byId = Object.fromEntries(entries.map((e) => [e.principal.id, e]));
    expect(byId['p-on-sign']?.undecided).toEqual([{ key: 'azure:abac-condition', operator: 'condition', values: [onSign] }]);
    expect(byId['p-on-sign']?.conditions).toBeUndefined();
    expect(byId['p-on-blobs']?.undecided).toBeUndefined();
    expect(byId['p-on-blobs']?.conditions).toEqual([{ key: 'azure:abac-condition', operator: 'condition', values: [onBlobs] }]);
    // A condition without ActionMatches applies to every action the role grants.
    expect(byId['p-any']?.undecided).toEqual([{ key: 'azure:abac-condition', operator: 'condition', values: [noAction] }]);
  });

  it('access-policy vault: policies decide data access; roles only administer', () => {
    const v = vault({
      rbac: false,
      accessPolicies: [
        { objectId: 'p-ap', keys: ['get', 'decrypt'] },
        { objectId: 'p-none', keys: [] },
      ],
    });
    const entries = accessForKey({ vault: v, keyName: 'k1', assignments, roleDefinitions: defs });
    expect(entries.map((e) => [e.principal.id, e.principal.kind, e.capabilities, e.source])).toEqual([
      ['p-ap', 'group', ['use-decrypt', 'read'], 'access-policy'],
      ['p-owner', 'user', ['administer'], 'rbac'],
    ]);
  });
});

describe('diagnostic settings', () => {
  const s = (logs: { category?: string; categoryGroup?: string; enabled: boolean; retention?: { enabled: boolean; days?: number } }[], dest: object) => ({
    id: `${VAULT_ID}/providers/microsoft.insights/diagnosticSettings/d1`,
    name: 'd1',
    logs,
    ...dest,
  });

  it.each([
    [
      'AuditEvent to Log Analytics',
      s([{ category: 'AuditEvent', enabled: true }], { workspaceId: 'w' }),
      { capturesDataPlane: true, destination: { kind: 'log-analytics', id: 'w' } },
    ],
    [
      'allLogs group to Event Hub',
      s([{ categoryGroup: 'allLogs', enabled: true }], { eventHubAuthorizationRuleId: 'eh' }),
      { capturesDataPlane: true, destination: { kind: 'event-hub', id: 'eh' } },
    ],
    ['audit disabled', s([{ categoryGroup: 'audit', enabled: false }], { workspaceId: 'w' }), { enabled: false, capturesDataPlane: false }],
    ['policy logs only', s([{ category: 'AzurePolicyEvaluationDetails', enabled: true }], { workspaceId: 'w' }), { enabled: true, capturesDataPlane: false }],
  ])('%s', (_n, setting, expected) => {
    const t = trailFromDiagnosticSetting(vault(), setting);
    expect(AuditTrail.parse(t)).toEqual(t);
    expect(t).toMatchObject({ kind: 'azure-diagnostic-setting', scope: { provider: 'azure-keyvault', accounts: [SUB], containers: ['v1'] }, ...expected });
  });

  // Azure Monitor retired the diagnostic settings storage retention on 30 September 2025: a
  // retentionPolicy on a log says nothing about how long the account keeps it (lifecycle rules do).
  it.each([
    ['retention policy 90 days', { enabled: true, days: 90 }],
    ['retention policy off (was: kept forever)', { enabled: false, days: 0 }],
  ])('storage: the retired %s is not the retention', (_n, retention) => {
    const st = s([{ category: 'AuditEvent', enabled: true, retention }], { storageAccountId: 'sa' });
    expect(trailFromDiagnosticSetting(vault(), st).retentionDays).toBeUndefined();
    expect(trailFromDiagnosticSetting(vault(), st, 30).retentionDays).toBe(30);
    expect(trailFromDiagnosticSetting(vault(), st, null).retentionDays).toBeNull();
  });

  it('Log Analytics retention is the workspace retention, unknown when it was not read', () => {
    const la = s([{ category: 'AuditEvent', enabled: true }], { workspaceId: 'w' });
    expect(trailFromDiagnosticSetting(vault(), la).retentionDays).toBeUndefined();
    expect(trailFromDiagnosticSetting(vault(), la, 730).retentionDays).toBe(730);
    expect(trailFromDiagnosticSetting(vault(), s([{ category: 'AuditEvent', enabled: false }], { workspaceId: 'w' }), 730).retentionDays).toBeUndefined();
  });
});

it('fingerprints are those of the SPKI the JWK describes', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const j = publicKey.export({ format: 'jwk' }) as { crv: string; x: string; y: string };
  const k = normalizeKey({
    vault: vault(),
    key: {
      kid: 'https://v1.vault.azure.net/keys/e/1',
      name: 'e',
      jwk: { kty: 'EC', crv: j.crv, x: Buffer.from(j.x, 'base64url'), y: Buffer.from(j.y, 'base64url') },
    },
  });
  expect(k.curve).toBe('P-384');
  expect(createPublicKey({ key: Buffer.from(k.publicKey as string, 'base64'), format: 'der', type: 'spki' }).equals(publicKey)).toBe(true);
});
