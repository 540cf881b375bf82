// Federated identity credentials on Azure against the loopback fakes: a production key usable by an
// app registration (Graph) or a user-assigned managed identity (ARM) whose credentials admit GitHub
// pull requests fails; one admitting only the environment the policy names production passes; an
// unreadable credential list leaves the verdict unknown. Only declared reads are sent.
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import type { FakeAzureOptions, FakeFederatedCredential, FakePrincipal } from '../../../src/fakes/azure/server.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import azureProvider, { collectAzure } from '../../../src/providers/azure/index.ts';
import { credentialSource, federatedPrincipal } from '../../../src/providers/azure/reads/federation.ts';
import { AzureConfig } from '../../../src/providers/azure/schema.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { tempDir } from '../../helpers/tmp.ts';
import { useAzureFake } from './harness.ts';
import { SIGNER, SUB_A, testWorld } from './world.ts';

const azure = useAzureFake();
const tmp = tempDir();
const NOW = new Date('2026-11-22T00:00:00Z');
const KEY = 'https://corp-signing.vault.azure.net/keys/token-signing';
const GITHUB = 'https://token.actions.githubusercontent.com';
const IDENTITY = `/subscriptions/${SUB_A}/resourceGroups/identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deploy-signer`;
const APP_ID = '8f3b2c1d-0e9a-4b7c-8d6e-5f4a3b2c1d0e';
const POLICY = `version: 1
environments:
  production: { kind: production, match: [{ tags: { env: prod } }, { principals: [deploy-signer, signer-app, alice@contoso.example] }] }
rules: { nonprod-principal-access: high }
`;
const CI = `ci:
  production:
    - repositories: [contoso/signer]
      environments: [production]
`;

/** Microsoft's documented GitHub Actions credential shape (issuer, subject, audiences). */
const fic = (subject: string): FakeFederatedCredential => ({ name: 'github-deploy', issuer: GITHUB, subject, audiences: ['api://AzureADTokenExchange'] });

/** The signer of the production key is a user-assigned identity (ARM) or an app registration's service principal (Graph). */
function signer(kind: 'identity' | 'app', creds: FakeFederatedCredential[]): FakePrincipal {
  return kind === 'identity'
    ? {
        displayName: 'deploy-signer',
        type: 'servicePrincipal',
        servicePrincipalType: 'ManagedIdentity',
        alternativeNames: ['isExplicit=True', IDENTITY],
        federatedIdentityCredentials: creds,
      }
    : { displayName: 'signer-app', type: 'servicePrincipal', servicePrincipalType: 'Application', appId: APP_ID, federatedIdentityCredentials: creds };
}

let policies = 0;
async function audit(principal: FakePrincipal, opts: { ci?: boolean; fake?: FakeAzureOptions; warnings?: string[] } = {}) {
  const world = testWorld();
  world.principals = { ...world.principals, [SIGNER]: principal };
  const fake = await azure.start(world, opts.fake);
  const config = AzureConfig.parse({
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    graphEndpoint: fake.url,
    retry: { maxRetries: 0, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  });
  const out = await collectAzure(config, { now: () => NOW, baseDir: '.', env: process.env, warn: (m) => opts.warnings?.push(m) });
  const inv = inventory({ generatedAt: NOW.toISOString(), providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const file = tmp.write(`policy-${++policies}.yaml`, POLICY + (opts.ci ? CI : ''));
  const result = auditInventory(inv, resolvePolicyFile(file), NOW, true);
  const verdict = result.results.find((r) => r.ruleId === 'nonprod-principal-access' && r.subject.id === KEY);
  const key = out.keys?.find((k) => k.id === KEY);
  return { out, key, verdict, fake };
}

describe('Azure federated identity credentials (issue 15, item 3)', () => {
  it('a user-assigned identity federated from GitHub pull requests makes the production key fail, read through ARM only', async () => {
    const { key, verdict, fake } = await audit(signer('identity', [fic('repo:contoso/signer:pull_request')]), { ci: true });
    const federated = key?.access?.find((a) => a.principal.federation);
    expect(federated).toMatchObject({
      principal: {
        kind: 'user',
        id: `${GITHUB}#repo:contoso/signer:pull_request`,
        federation: { issuer: 'github', provider: GITHUB, subjects: ['repo:contoso/signer:pull_request'] },
      },
      via: [GITHUB, 'deploy-signer'],
      source: 'rbac',
    });
    expect(federated?.capabilities).toContain('use-sign');
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/pull_request/);
    expect(fake.operations()).toContain('arm:ListFederatedIdentityCredentials');
    expect(fake.operations()).not.toContain('graph:ListFederatedIdentityCredentials');
    expectOnlyDeclared(fake.operations(), azureProvider);
    expect(fake.undeclared()).toEqual([]);
  });

  it('an app registration federated from any branch fails; from the environment the policy names production it passes (Graph)', async () => {
    const anyBranch = await audit(signer('app', [fic('repo:contoso/signer:ref:refs/heads/*')]), { ci: true });
    expect(anyBranch.verdict?.outcome).toBe('fail');
    expect(anyBranch.fake.operations()).toContain('graph:ListFederatedIdentityCredentials');
    await anyBranch.fake.close();
    const prod = await audit(signer('app', [fic('repo:contoso/signer:environment:production')]), { ci: true });
    expect(prod.key?.access?.some((a) => a.principal.federation?.subjects[0] === 'repo:contoso/signer:environment:production')).toBe(true);
    expect(prod.verdict?.outcome).toBe('pass');
  });

  it('the production environment with no ci: block to judge it is unknown, never a pass', async () => {
    const { verdict } = await audit(signer('identity', [fic('repo:contoso/signer:environment:production')]));
    expect(verdict?.outcome).toBe('unknown');
  });

  it('audiences: the documented api://AzureADTokenExchange is kept as the condition; any other audience is reported', async () => {
    const warnings: string[] = [];
    const odd = { ...fic('repo:contoso/signer:environment:production'), name: 'reused-aud', audiences: ['sts.amazonaws.com'] };
    const { key } = await audit(signer('identity', [fic('repo:contoso/signer:pull_request'), odd]), { ci: true, warnings });
    const conds = (key?.access ?? []).filter((a) => a.principal.federation).map((a) => a.conditions);
    expect(conds).toEqual(
      expect.arrayContaining([
        [{ key: 'aud', operator: 'StringEquals', values: ['api://AzureADTokenExchange'] }],
        [{ key: 'aud', operator: 'StringEquals', values: ['sts.amazonaws.com'] }],
      ]),
    );
    expect(warnings.filter((w) => /audience/.test(w))).toEqual([
      expect.stringMatching(/reused-aud of deploy-signer accepts tokens for audience sts\.amazonaws\.com, not the documented api:\/\/AzureADTokenExchange/),
    ]);
  });

  it('an unreadable credential list is a gap on the key’s access: the verdict is unknown', async () => {
    const { out, verdict, key } = await audit(signer('identity', [fic('repo:contoso/signer:environment:production')]), {
      ci: true,
      fake: { federationForbidden: true },
    });
    expect(key?.access?.some((a) => a.principal.federation)).toBe(false);
    expect(out.gaps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'arm:ListFederatedIdentityCredentials', affects: ['access'], scope: expect.objectContaining({ subjectId: KEY }) }),
      ]),
    );
    expect(verdict?.outcome).toBe('unknown');
  });
});

describe('federated credentials: where they live and what they admit', () => {
  const holder = { kind: 'service-principal' as const, id: SIGNER, name: 'signer-app' };
  it('reads app registrations and user-assigned identities only', () => {
    expect(credentialSource({ id: 'a', servicePrincipalType: 'Application', appId: APP_ID })).toEqual({
      op: 'graph:ListFederatedIdentityCredentials',
      appId: APP_ID,
    });
    expect(credentialSource({ id: 'b', servicePrincipalType: 'ManagedIdentity', alternativeNames: ['isExplicit=True', IDENTITY] })).toEqual({
      op: 'arm:ListFederatedIdentityCredentials',
      identityId: IDENTITY,
    });
    // A system-assigned identity names its parent resource, not a user-assigned identity.
    const vm = `/subscriptions/${SUB_A}/resourcegroups/app/providers/Microsoft.Compute/virtualMachines/vm1`;
    expect(credentialSource({ id: 'c', servicePrincipalType: 'ManagedIdentity', alternativeNames: ['isExplicit=False', vm] })).toBeUndefined();
    expect(credentialSource({ id: 'd', type: 'user' })).toBeUndefined();
  });
  it('maps GitLab and Terraform Cloud issuers, and a flexible credential to any subject', () => {
    const gitlab = federatedPrincipal(
      { name: 'gl', issuer: 'https://gitlab.com', subject: 'project_path:grp/app:ref_type:branch:ref:main', audiences: [] },
      holder,
    );
    expect(gitlab.federation).toEqual({ provider: 'https://gitlab.com', issuer: 'gitlab', subjects: ['project_path:grp/app:ref_type:branch:ref:main'] });
    expect(
      federatedPrincipal(
        { name: 'tfc', issuer: 'https://app.terraform.io', subject: 'organization:o:project:p:workspace:w:run_phase:apply', audiences: [] },
        holder,
      ).federation?.issuer,
    ).toBe('terraform-cloud');
    const flexible = federatedPrincipal({ name: 'flex', issuer: GITHUB, audiences: [] }, holder);
    expect(flexible).toMatchObject({ kind: 'any-authenticated', federation: { issuer: 'github', subjects: [] } });
  });
});
