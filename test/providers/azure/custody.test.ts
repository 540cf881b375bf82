// Key custody facts through the real SDKs against the loopback fakes: HSM-backed types, exportable
// keys and their Secure Key Release policies (the documented samples), Managed HSM key attestation,
// and the custody rules that decide on them: pass when the evidence is there, unknown when a read failed.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import type { FakeAzureOptions, FakeAzureWorld } from '../../../src/fakes/azure/server.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import { collectAzure } from '../../../src/providers/azure/index.ts';
import { OPERATION_NAMES } from '../../../src/providers/azure/operations.ts';
import { AzureConfig } from '../../../src/providers/azure/schema.ts';
import { CONTAINERS, CVM_DEFAULT } from '../../helpers/azure-release-policies.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { useAzureFake } from './harness.ts';
import { ADMIN, DEBUG_SP, SIGN_ONLY_ROLE, SIGNER, SUB_A, TENANT } from './world.ts';

const AUDITOR = '77777777-7777-4777-8777-777777777777';

const azure = useAzureFake();

const created = '2026-05-01T00:00:00Z';
function custodyWorld(): FakeAzureWorld {
  return {
    tenantId: TENANT,
    subscriptions: [
      {
        id: SUB_A,
        vaults: [
          {
            name: 'skr-vault',
            resourceGroup: 'cc',
            location: 'westeurope',
            sku: 'premium',
            rbac: true,
            purgeProtection: true,
            keys: [
              {
                name: 'cc-good',
                kty: 'RSA-HSM',
                keyOps: ['wrapKey', 'unwrapKey'],
                created,
                exportable: true,
                releasePolicy: { document: CONTAINERS, immutable: true },
              },
              { name: 'cvm-default', kty: 'RSA-HSM', keyOps: ['wrapKey', 'unwrapKey'], created, exportable: true, releasePolicy: { document: CVM_DEFAULT } },
              {
                name: 'broken',
                kty: 'RSA-HSM',
                keyOps: ['wrapKey', 'unwrapKey'],
                created,
                exportable: true,
                releasePolicy: { raw: '{"version": "1.0.0", "anyOf": [' },
              },
              { name: 'soft', kty: 'RSA', keyOps: ['sign', 'verify'], created },
            ],
          },
          {
            name: 'prod-hsm',
            kind: 'managed-hsm',
            resourceGroup: 'cc',
            location: 'westeurope',
            rbac: true,
            // Local RBAC with the documented built-in role ids: a signer on one key, an officer on the
            // whole pool, a release user on every key, and the auditor that collects.
            localRoleAssignments: [
              { scope: '/keys/token-signing', roleDefinition: '21dbd100-6940-42c2-9190-5d6cb909625b', principalId: SIGNER },
              { scope: '/', roleDefinition: '515eb02d-2335-4d2d-92f2-b1cbdf9c3778', principalId: ADMIN },
              { scope: '/keys', roleDefinition: '21dbd100-6940-42c2-9190-5d6cb909625c', principalId: DEBUG_SP },
              { scope: '/', roleDefinition: '2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', principalId: AUDITOR },
              { scope: '/keys/byok', roleDefinition: SIGN_ONLY_ROLE, principalId: SIGNER },
            ],
            localRoleDefinitions: [{ name: SIGN_ONLY_ROLE, roleName: 'HSM signer', dataActions: ['Microsoft.KeyVault/managedHsm/keys/sign/action'] }],
            purgeProtection: true,
            keys: [
              { name: 'token-signing', kty: 'EC-HSM', keyOps: ['sign', 'verify'], created },
              { name: 'byok', kty: 'RSA-HSM', keyOps: ['sign', 'verify'], created, attestation: { local: false, neverExtractable: false } },
              { name: 'old-service', kty: 'oct-HSM', keyOps: ['wrapKey', 'unwrapKey'], created, attestation: 'unsupported' },
            ],
          },
        ],
      },
    ],
  };
}

async function collect(world: FakeAzureWorld, options: FakeAzureOptions = {}, retry = { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 }) {
  const fake = await azure.start(world, options);
  const config = AzureConfig.parse({ cloud: 'custom', authorityHost: fake.url, armEndpoint: fake.url, audience: 'https://management.azure.com', retry });
  const out = await collectAzure(config, { now: () => new Date('2026-06-01T00:00:00Z'), baseDir: '.', env: process.env });
  return { ...out, keys: out.keys ?? [], gaps: out.gaps ?? [], fake };
}

/** Every key of the estate is of a class that requires HSM custody. */
function policy() {
  const file = join(mkdtempSync(join(tmpdir(), 'kh-custody-')), 'keyhygiene.yaml');
  writeFileSync(file, 'version: 1\nkeyClasses:\n  hsm-only:\n    match:\n      - providers: [azure-keyvault]\n    requireHsm: true\n');
  return resolvePolicyFile(file);
}

/** Collect `world`: token-signing is listed with its access unknown, and the one managed HSM gap on access is returned (its reason). */
async function hsmAccessGap(world: FakeAzureWorld): Promise<string | undefined> {
  const { keys, gaps } = await collect(world);
  const signing = keys.find((k) => k.name === 'token-signing');
  expect(signing).toBeDefined();
  expect(signing?.access).toBeUndefined();
  const g = gaps.filter((x) => x.operation.startsWith('managedhsm:'));
  expect(g.map((x) => [x.operation, x.scope.container, x.affects])).toEqual([['managedhsm:ListRoleDefinitions', 'prod-hsm', ['access']]]);
  return g[0]?.reason;
}

describe('Managed HSM local RBAC', () => {
  it('maps local role assignments at /, /keys and /keys/<name> to the keys they cover', async () => {
    const { keys, gaps, fake } = await collect(custodyWorld());
    const access = (name: string) =>
      Object.fromEntries((keys.find((k) => k.name === name)?.access ?? []).map((a) => [a.principal.id, a.capabilities.join(',')]));
    expect(access('token-signing')).toEqual({
      [SIGNER]: 'use-sign,use-verify,use-encrypt,use-decrypt,use-wrap,use-unwrap,export,administer,read',
      [ADMIN]: 'export,administer',
      [DEBUG_SP]: 'export,read',
      [AUDITOR]: 'read',
    });
    // The key-scoped assignment of token-signing does not reach byok; byok's own (custom role) does.
    expect(access('byok')).toEqual({ [SIGNER]: 'use-sign', [ADMIN]: 'export,administer', [DEBUG_SP]: 'export,read', [AUDITOR]: 'read' });
    expect(keys.find((k) => k.name === 'token-signing')?.access?.every((a) => a.source === 'rbac')).toBe(true);
    expect(gaps.filter((g) => g.operation.startsWith('managedhsm:'))).toEqual([]);
    const scopes = fake.requests.filter((r) => r.operation === 'managedhsm:ListRoleAssignments').map((r) => r.path);
    expect(scopes.sort()).toEqual([
      '/keys/byok/providers/Microsoft.Authorization/roleAssignments',
      '/keys/old-service/providers/Microsoft.Authorization/roleAssignments',
      '/keys/providers/Microsoft.Authorization/roleAssignments',
      '/keys/token-signing/providers/Microsoft.Authorization/roleAssignments',
      '/providers/Microsoft.Authorization/roleAssignments',
    ]);
  });

  it('an assignment to a local role the HSM does not list (a deleted custom role) leaves access unknown, not the principal dropped', async () => {
    const world = custodyWorld();
    const hsm = world.subscriptions[0]?.vaults[1];
    const gone = '0b0b0b0b-0000-4000-8000-00000000dead';
    hsm?.localRoleAssignments?.push({ scope: '/keys/token-signing', roleDefinition: gone, principalId: DEBUG_SP });
    expect(await hsmAccessGap(world)).toMatch(new RegExp(`local role definition\\(s\\) ${gone} assigned on managed HSM prod-hsm`));
  });

  it('an HSM whose local RBAC answers 403 leaves access unknown (a gap naming the local role to grant), never nobody', async () => {
    const world = custodyWorld();
    const hsm = world.subscriptions[0]?.vaults[1];
    if (hsm) hsm.localRbacForbidden = true;
    expect(await hsmAccessGap(world)).toMatch(/Managed HSM local RBAC data action Microsoft\.KeyVault\/managedHsm\/roleDefinitions\/read\/action/);
  });
});

describe('Azure key custody', () => {
  it('reads HSM type, exportability, release policies and Managed HSM attestations with declared reads only', async () => {
    const { keys, gaps, fake } = await collect(custodyWorld());
    const k = (name: string) => keys.find((x) => x.name === name);
    expect(k('cc-good')).toMatchObject({ protection: 'hsm', exportable: true, releasePolicy: { immutable: true, document: CONTAINERS } });
    expect(k('cvm-default')?.releasePolicy?.document).toEqual(CVM_DEFAULT);
    expect(k('broken')?.releasePolicy).toMatchObject({ undecodable: expect.stringMatching(/not UTF-8 JSON/) });
    expect(k('soft')).toMatchObject({ protection: 'software', exportable: false, releasePolicy: null });
    expect(k('soft')?.attestation).toBeUndefined();
    expect(k('token-signing')).toMatchObject({ protection: 'hsm', origin: 'generated', attestation: { available: true, generatedInHsm: true } });
    expect(k('byok')).toMatchObject({ origin: 'imported', attestation: { available: true, generatedInHsm: false } });
    // Not offered: no evidence, no failure.
    expect(k('old-service')?.attestation).toEqual({ available: false });
    expect(k('old-service')?.origin).toBeUndefined();
    expect(gaps.filter((g) => g.operation === 'keyvault:GetKeyAttestation')).toEqual([]);
    expect(fake.operations()).toContain('keyvault:GetKeyAttestation');
    // Attestation is asked of Managed HSM keys only.
    expect(fake.requests.filter((r) => r.operation === 'keyvault:GetKeyAttestation').map((r) => r.vault)).toEqual(['prod-hsm', 'prod-hsm', 'prod-hsm']);
    expectOnlyDeclared(fake.operations(), { id: 'azure', operations: OPERATION_NAMES });
    expect(fake.undeclared()).toEqual([]);
  });

  it('custody and release rules: pass with the evidence, fail on a debuggable release path, unknown where undecidable', async () => {
    const { keys, gaps } = await collect(custodyWorld());
    const result = auditInventory(inventory({ keys, gaps }), policy(), new Date('2026-06-01T00:00:00Z'), true);
    const outcome = (rule: string, name: string) => result.results.find((r) => r.ruleId === rule && r.subject.id.endsWith(`/keys/${name}`))?.outcome;
    expect(outcome('hsm-custody', 'token-signing')).toBe('pass');
    expect(outcome('hsm-custody', 'byok')).toBe('fail');
    expect(outcome('hsm-custody', 'old-service')).toBe('unknown');
    expect(outcome('hsm-custody', 'soft')).toBe('fail');
    expect(outcome('single-purpose-signing-key', 'token-signing')).toBe('pass');
    expect(outcome('release-policy-debug-disabled', 'cc-good')).toBe('pass');
    expect(outcome('release-policy-debug-disabled', 'cvm-default')).toBe('fail');
    expect(outcome('release-policy-debug-disabled', 'broken')).toBe('unknown');
    expect([undefined, 'not-applicable']).toContain(outcome('release-policy-debug-disabled', 'soft'));
  });

  it('an attestation read that keeps failing is a gap: origin unknown, hsm-custody unknown, never pass', async () => {
    const world = custodyWorld();
    const { keys, gaps } = await collect(
      world,
      { throttleFirst: { 'keyvault:GetKeyAttestation': 1000 } },
      { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    );
    expect(keys.find((k) => k.name === 'token-signing')?.origin).toBeUndefined();
    expect(gaps.filter((g) => g.operation === 'keyvault:GetKeyAttestation').map((g) => g.affects)).toEqual([
      ['attestation', 'origin'],
      ['attestation', 'origin'],
      ['attestation', 'origin'],
    ]);
    const result = auditInventory(inventory({ keys, gaps }), policy(), new Date('2026-06-01T00:00:00Z'), true);
    const hsm = result.results.find((r) => r.ruleId === 'hsm-custody' && r.subject.id.endsWith('/keys/token-signing'));
    expect(hsm?.outcome).toBe('unknown');
  });
});
