// GCP workload identity federation and Confidential Space against the loopback fake (issue 15, GCP):
// pool members bound on Cloud KMS keys and pool members that may act as a key's service account,
// classified through each provider's attribute mapping and condition (GitHub's documented claims and
// Google's documented mapping `google.subject=assertion.sub, attribute.repository=assertion.repository`),
// and Confidential Space providers judged on the documented attestation assertions.
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import { type GcpFake, startGcpFake } from '../../../src/fakes/gcp/server.ts';
import type { FakeCryptoKey, FakeWifPool, FakeWifProvider, GcpWorld } from '../../../src/fakes/gcp/world.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import { MAX_IMPERSONATION_HOPS } from '../../../src/providers/gcp/federation.ts';
import gcpProvider, { collectGcp } from '../../../src/providers/gcp/index.ts';
import { GcpConfig } from '../../../src/providers/gcp/schema.ts';
import { inventory } from '../../helpers/fixtures.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { tempDir } from '../../helpers/tmp.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
const P = 'payments-prod';
const NUM = '700000000001';
const RING = `projects/${P}/locations/global/keyRings/ring`;
const GITHUB = 'https://token.actions.githubusercontent.com';
const SPACE = 'https://confidentialcomputing.googleapis.com/';
const DIGEST = 'sha256:9a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819';
const pool = (id: string) => `iam.googleapis.com/projects/${NUM}/locations/global/workloadIdentityPools/${id}`;
const tmp = tempDir();

const POLICY = `version: 1
environments:
  production: { kind: production, match: [{ tags: { env: prod } }, { principals: ['serviceAccount:*@payments-prod.iam.gserviceaccount.com'] }] }
rules: { nonprod-principal-access: high, enclave-debug-attestation: high }
ci:
  production:
    - repositories: [org/app]
      environments: [production]
`;

/** Google's documented GitHub Actions mapping. */
const github = (id: string, attributeCondition?: string): FakeWifProvider => ({
  id,
  oidc: { issuerUri: GITHUB },
  attributeMapping: {
    'google.subject': 'assertion.sub',
    'attribute.repository': 'assertion.repository',
    'attribute.repository_owner': 'assertion.repository_owner',
  },
  ...(attributeCondition ? { attributeCondition } : {}),
});

/** Confidential Space's documented provider: issuer, `google.subject=assertion.sub`, an attestation condition. */
const space = (attributeCondition: string): FakeWifProvider => ({
  id: 'attestation-verifier',
  oidc: { issuerUri: SPACE, allowedAudiences: ['https://sts.googleapis.com'] },
  attributeMapping: { 'google.subject': 'assertion.sub' },
  attributeCondition,
});

const key = (id: string, purpose: string, members: string[], role = 'roles/cloudkms.signer'): FakeCryptoKey => ({
  id,
  purpose,
  algorithm: purpose === 'ENCRYPT_DECRYPT' ? 'GOOGLE_SYMMETRIC_ENCRYPTION' : 'EC_SIGN_P256_SHA256',
  createTime: '2026-10-01T00:00:00Z',
  ...(purpose === 'ENCRYPT_DECRYPT' ? { primary: '1', rotationPeriod: '7776000s' } : {}),
  labels: { env: 'prod' },
  versions: [
    {
      id: '1',
      state: 'ENABLED',
      algorithm: purpose === 'ENCRYPT_DECRYPT' ? 'GOOGLE_SYMMETRIC_ENCRYPTION' : 'EC_SIGN_P256_SHA256',
      createTime: '2026-10-01T00:00:00Z',
    },
  ],
  policy: { bindings: [{ role, members }] },
});

const FULL_SPACE = `assertion.swname == 'CONFIDENTIAL_SPACE' && 'STABLE' in assertion.submods.confidential_space.support_attributes && assertion.submods.container.image_digest == '${DIGEST}' && 'run@${P}.iam.gserviceaccount.com' in assertion.google_service_accounts`;

function world(extraPools: FakeWifPool[] = []): GcpWorld {
  const pools: FakeWifPool[] = [
    { projectNumber: NUM, id: 'github', providers: [github('github', "assertion.repository_owner == 'org'")] },
    {
      projectNumber: NUM,
      id: 'github-refs',
      providers: [github('github', "assertion.repository_owner == 'org' && assertion.ref.matches('^refs/heads/(main|release-.*)$')")],
    },
    { projectNumber: NUM, id: 'cs-weak', providers: [space("assertion.swname == 'CONFIDENTIAL_SPACE'")] },
    { projectNumber: NUM, id: 'cs-pinned', providers: [space(FULL_SPACE)] },
    { projectNumber: NUM, id: 'retired', disabled: true, providers: [github('github')] },
    ...extraPools,
  ];
  return {
    projects: [
      {
        projectId: P,
        number: NUM,
        keyRings: [
          {
            location: 'global',
            id: 'ring',
            keys: [
              key('signer-any-run', 'ASYMMETRIC_SIGN', [`principalSet://${pool('github')}/attribute.repository/org/app`]),
              key('signer-prod-env', 'ASYMMETRIC_SIGN', [`principal://${pool('github')}/subject/repo:org/app:environment:production`]),
              key('signer-refs', 'ASYMMETRIC_SIGN', [`principalSet://${pool('github-refs')}/attribute.repository/org/app`]),
              key('signer-sa', 'ASYMMETRIC_SIGN', [`serviceAccount:deployer@${P}.iam.gserviceaccount.com`]),
              key('signer-retired', 'ASYMMETRIC_SIGN', [`principalSet://${pool('retired')}/*`]),
              key('vault-weak', 'ENCRYPT_DECRYPT', [`principalSet://${pool('cs-weak')}/*`], 'roles/cloudkms.cryptoKeyDecrypter'),
              key('vault-pinned', 'ENCRYPT_DECRYPT', [`principalSet://${pool('cs-pinned')}/*`], 'roles/cloudkms.cryptoKeyDecrypter'),
              key('plain', 'ENCRYPT_DECRYPT', [`serviceAccount:app@${P}.iam.gserviceaccount.com`], 'roles/cloudkms.cryptoKeyEncrypterDecrypter'),
            ],
          },
        ],
      },
    ],
    workloadIdentityPools: pools,
    serviceAccounts: [
      {
        email: `deployer@${P}.iam.gserviceaccount.com`,
        policy: { bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`principalSet://${pool('github')}/attribute.repository/org/app`] }] },
      },
    ],
  };
}

let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function audit(w: GcpWorld, deny: string[] = []) {
  fake = await startGcpFake(w, { deny, maxPageSize: 2 });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 't', expiry_date: Date.now() + 3_600_000 });
  const config = GcpConfig.parse({
    endpoint: fake.url,
    projects: [P],
    locations: ['global'],
    retryBaseMs: 1,
    quotaFraction: 1,
    readRequestsPerMinute: 600_000,
  });
  const out = await collectGcp(config, { now: () => NOW, baseDir: '.', env: {} }, { authClient: auth });
  const inv = inventory({ generatedAt: NOW.toISOString(), providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const result = auditInventory(inv, resolvePolicyFile(tmp.write('policy.yaml', POLICY)), NOW, true);
  const verdict = (rule: string, k: string) => result.results.filter((r) => r.ruleId === rule && r.subject.id === `${RING}/cryptoKeys/${k}`);
  const keyOf = (k: string) => out.keys?.find((x) => x.id === `${RING}/cryptoKeys/${k}`);
  return { out, result, verdict, keyOf, fake: fake as GcpFake };
}

/** POLICY with a debug environment of these principal patterns, and the nonprod-principal-access outcomes of a collection under it. */
function outcomesUnderDebug(out: Awaited<ReturnType<typeof audit>>['out'], debugPrincipals: string[]) {
  const policy = POLICY.replace('environments:\n', `environments:\n  debug: { kind: debug, match: [{ principals: ${JSON.stringify(debugPrincipals)} }] }\n`);
  const inv = inventory({ generatedAt: NOW.toISOString(), providers: [out.run], keys: out.keys ?? [], trails: out.trails ?? [], gaps: out.gaps ?? [] });
  const result = auditInventory(inv, resolvePolicyFile(tmp.write('debug.yaml', policy)), NOW, true);
  return (k: string) => result.results.filter((r) => r.ruleId === 'nonprod-principal-access' && r.subject.id === `${RING}/cryptoKeys/${k}`);
}

describe('GCP workload identity federation (issue 15)', () => {
  it('a principalSet admitting every run of a repository (pull requests included) fails on a production signer; read-only', async () => {
    const { verdict, keyOf, fake } = await audit(world());
    const entry = keyOf('signer-any-run')?.access?.find((a) => a.principal.federation);
    expect(entry).toMatchObject({
      principal: {
        kind: 'user',
        id: `principalSet://${pool('github')}/attribute.repository/org/app#repo:org/app:*`,
        federation: { issuer: 'github', subjects: ['repo:org/app:*'] },
      },
      via: [`projects/${NUM}/locations/global/workloadIdentityPools/github/providers/github`],
      capabilities: ['use-sign'],
    });
    expect(verdict('nonprod-principal-access', 'signer-any-run')).toEqual([
      expect.objectContaining({ outcome: 'fail', message: expect.stringContaining('repo:org/app:*') }),
    ]);
    expectOnlyDeclared(fake.operations(), gcpProvider);
    expect(fake.operations()).toEqual(
      expect.arrayContaining(['iam:GetServiceAccountIamPolicy', 'iam:ListWorkloadIdentityPoolProviders', 'iam:ListWorkloadIdentityPools']),
    );
    expect(fake.unknown()).toEqual([]);
    // The new reads are in the least-privilege role `keyhygiene permissions gcp` prints.
    expect(gcpProvider.permissions?.().document).toMatchObject({
      includedPermissions: expect.arrayContaining([
        'iam.serviceAccounts.getIamPolicy',
        'iam.workloadIdentityPoolProviders.list',
        'iam.workloadIdentityPools.list',
      ]),
    });
    expect(fake.requests.every((r) => r.method === 'GET' || r.path.endsWith(':getIamPolicy'))).toBe(true);
  });

  it('a principal pinned to the environment the policy names production passes', async () => {
    const { verdict, keyOf } = await audit(world());
    expect(keyOf('signer-prod-env')?.access?.[0]?.principal.federation?.subjects).toEqual(['repo:org/app:environment:production']);
    expect(verdict('nonprod-principal-access', 'signer-prod-env').map((r) => r.outcome)).toEqual(['pass']);
  });

  it('a condition the evaluator cannot decide (ref.matches) leaves the verdict unknown with the CEL shown', async () => {
    const { verdict, keyOf } = await audit(world());
    const entry = keyOf('signer-refs')?.access?.[0];
    expect(entry?.undecided?.[0]?.values).toEqual(["assertion.ref.matches('^refs/heads/(main|release-.*)$')"]);
    const [v] = verdict('nonprod-principal-access', 'signer-refs');
    expect(v?.outcome).toBe('unknown');
    expect(v?.message).toContain('assertion.ref.matches');
  });

  it('pool members that may act as the key’s service account (workloadIdentityUser) reach the key through it', async () => {
    const { verdict, keyOf } = await audit(world());
    const entry = keyOf('signer-sa')?.access?.find((a) => a.principal.federation);
    expect(entry?.via).toEqual([`projects/${NUM}/locations/global/workloadIdentityPools/github/providers/github`, `deployer@${P}.iam.gserviceaccount.com`]);
    expect(entry?.sourceId).toBe(`projects/-/serviceAccounts/deployer@${P}.iam.gserviceaccount.com#roles/iam.workloadIdentityUser`);
    expect(verdict('nonprod-principal-access', 'signer-sa').map((r) => r.outcome)).toEqual(['fail']);
  });

  it('workloadIdentityUser granted on the service account’s project counts; an account whose project cannot be read is unknown', async () => {
    const w = world();
    const project = w.projects[0];
    if (!project) throw new Error('no project');
    project.policy = { bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`principalSet://${pool('github')}/attribute.repository/org/tools`] }] };
    project.keyRings[0]?.keys.push(key('outside-signer', 'ASYMMETRIC_SIGN', ['serviceAccount:ci@outside-project.iam.gserviceaccount.com']));
    const { verdict, keyOf, fake } = await audit(w);
    const entry = keyOf('plain')?.access?.find((a) => a.principal.federation);
    expect(entry).toMatchObject({ sourceId: `projects/${P}#roles/iam.workloadIdentityUser`, principal: { federation: { subjects: ['repo:org/tools:*'] } } });
    expect(verdict('nonprod-principal-access', 'plain').map((r) => r.outcome)).toEqual(['fail']);
    // outside-project is not served: who may act as its account is unknown, so the key's access verdicts are.
    expect(fake.requests.filter((r) => r.operation === 'cloudresourcemanager:GetProject' && r.path.endsWith('/outside-project'))).toHaveLength(1);
    expect(verdict('nonprod-principal-access', 'outside-signer').map((r) => r.outcome)).toEqual(['unknown']);
  });

  it('a conditional impersonation binding: expired → not counted, time of day → undecided (unknown), never pass', async () => {
    const timed = (expression: string) => {
      const w = world();
      const sa = w.serviceAccounts?.[0]?.policy?.bindings?.[0];
      if (!sa) throw new Error('no binding');
      sa.condition = { expression, title: 'window' };
      return w;
    };
    const expired = await audit(timed('request.time < timestamp("2025-01-01T00:00:00Z")'));
    expect(expired.keyOf('signer-sa')?.access?.some((a) => a.principal.federation)).toBe(false);
    expect(expired.verdict('nonprod-principal-access', 'signer-sa').map((r) => r.outcome)).toEqual(['pass']);
    await expired.fake.stop();
    const hours = await audit(timed('request.time.getHours("UTC") < 6'));
    expect(hours.keyOf('signer-sa')?.access?.find((a) => a.principal.federation)?.undecided).toEqual([
      { key: 'iam.condition', operator: 'CEL', values: ['request.time.getHours("UTC") < 6'] },
    ]);
    expect(hours.verdict('nonprod-principal-access', 'signer-sa').map((r) => r.outcome)).toEqual(['unknown']);
  });

  /** A key its service account `sa0` signs with, and accounts each allowed to act as the one before (tokenCreator), the last one by the pool. */
  const chainWorld = (length: number, poolOnLast = true, cycle = false): GcpWorld => {
    const w = world();
    const sa = (i: number) => `sa${i}@${P}.iam.gserviceaccount.com`;
    w.projects[0]?.keyRings[0]?.keys.push(key('signer-chain', 'ASYMMETRIC_SIGN', [`serviceAccount:${sa(0)}`]));
    for (let i = 0; i < length; i++) {
      const last = i === length - 1;
      const member = last
        ? cycle
          ? `serviceAccount:${sa(0)}`
          : poolOnLast
            ? `principalSet://${pool('github')}/attribute.repository/org/app`
            : ''
        : `serviceAccount:${sa(i + 1)}`;
      const role = last && !cycle ? 'roles/iam.workloadIdentityUser' : 'roles/iam.serviceAccountTokenCreator';
      w.serviceAccounts?.push({ email: sa(i), policy: { bindings: member ? [{ role, members: [member] }] : [] } });
    }
    return w;
  };

  it('impersonation chains are followed: a pool member acting as an account that may act as the key’s account reaches the key', async () => {
    const { verdict, keyOf, fake } = await audit(chainWorld(3));
    const entry = keyOf('signer-chain')?.access?.find((a) => a.principal.federation);
    expect(entry?.via).toEqual([
      `projects/${NUM}/locations/global/workloadIdentityPools/github/providers/github`,
      `sa2@${P}.iam.gserviceaccount.com`,
      `sa1@${P}.iam.gserviceaccount.com`,
      `sa0@${P}.iam.gserviceaccount.com`,
    ]);
    expect(entry?.sourceId).toBe(`projects/-/serviceAccounts/sa2@${P}.iam.gserviceaccount.com#roles/iam.workloadIdentityUser`);
    expect(verdict('nonprod-principal-access', 'signer-chain').map((r) => r.outcome)).toEqual(['fail']);
    // Each account's policy is read once, whatever the number of keys and chains through it.
    const reads = fake.requests.filter((r) => r.operation === 'iam:GetServiceAccountIamPolicy' && /\/sa\d@/.test(r.path)).map((r) => r.path);
    expect(reads.length).toBe(new Set(reads).size);
    expect(reads.length).toBe(3);
  });

  it('a cycle of accounts acting as each other ends (each account once), and admits nobody outside it', async () => {
    const { verdict, keyOf } = await audit(chainWorld(3, false, true));
    const sa = (i: number) => `sa${i}@${P}.iam.gserviceaccount.com`;
    expect(keyOf('signer-chain')?.access?.map((a) => [a.principal.id, a.via ?? []])).toEqual([
      [`serviceAccount:${sa(0)}`, []],
      [`serviceAccount:${sa(1)}`, [sa(0)]],
      [`serviceAccount:${sa(2)}`, [sa(1), sa(0)]],
    ]);
    expect(verdict('nonprod-principal-access', 'signer-chain').map((r) => r.outcome)).toEqual(['pass']);
  });

  it('a chain longer than the bound is a gap on the key’s access, naming the account not followed: unknown, never pass', async () => {
    const { verdict, keyOf, out } = await audit(chainWorld(MAX_IMPERSONATION_HOPS + 1));
    expect(keyOf('signer-chain')?.access?.some((a) => a.principal.federation)).toBe(false);
    const g = out.gaps?.find((x) => x.scope.subjectId === `${RING}/cryptoKeys/signer-chain` && x.operation === 'iam:GetServiceAccountIamPolicy');
    expect(g).toMatchObject({ operation: 'iam:GetServiceAccountIamPolicy', affects: ['access'] });
    expect(g?.reason).toContain(`who may act as service account sa${MAX_IMPERSONATION_HOPS}@${P}.iam.gserviceaccount.com could not be read`);
    expect(verdict('nonprod-principal-access', 'signer-chain').map((r) => r.outcome)).toEqual(['unknown']);
    // One account shorter: the pool at the end of the chain is found.
    const within = await audit(chainWorld(MAX_IMPERSONATION_HOPS));
    expect(within.keyOf('signer-chain')?.access?.find((a) => a.principal.federation)?.via).toHaveLength(MAX_IMPERSONATION_HOPS + 1);
  });

  /**
   * sa1 may act as the key's account sa0 under a condition the audit cannot decide (time of day), and
   * also, unconditionally, as sa2, which may act as sa0 unconditionally; the pool may act as sa1. The
   * pool reaches the key for sure through sa2: the account reached first under the condition must not
   * hide the unconditional path reached later (IAM Conditions, "Condition attributes: date/time").
   */
  const diamondWorld = (conditionalFirst: boolean): GcpWorld => {
    const w = world();
    const sa = (i: number) => `sa${i}@${P}.iam.gserviceaccount.com`;
    const hours = { expression: 'request.time.getHours("UTC") < 6', title: 'night only' };
    w.projects[0]?.keyRings[0]?.keys.push(key('signer-diamond', 'ASYMMETRIC_SIGN', [`serviceAccount:${sa(0)}`]));
    const creator = 'roles/iam.serviceAccountTokenCreator';
    // conditionalFirst: sa1 is met at hop 1 (conditional), and again at hop 2 through sa2 (unconditional).
    // Otherwise: sa1 is met at hop 1 unconditionally, and again at hop 2 through sa2 under the condition.
    w.serviceAccounts?.push(
      {
        email: sa(0),
        policy: {
          bindings: [
            { role: creator, members: [`serviceAccount:${sa(1)}`], ...(conditionalFirst ? { condition: hours } : {}) },
            { role: creator, members: [`serviceAccount:${sa(2)}`] },
          ],
        },
      },
      { email: sa(2), policy: { bindings: [{ role: creator, members: [`serviceAccount:${sa(1)}`], ...(conditionalFirst ? {} : { condition: hours }) }] } },
      {
        email: sa(1),
        policy: { bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`principalSet://${pool('github')}/attribute.repository/org/app`] }] },
      },
    );
    return w;
  };

  it('an account reached once under an undecidable condition and once without is followed on both: the unconditional path fails', async () => {
    for (const conditionalFirst of [true, false]) {
      const { verdict, keyOf, fake } = await audit(diamondWorld(conditionalFirst));
      const pools = keyOf('signer-diamond')?.access?.filter((a) => a.principal.federation) ?? [];
      const sure = pools.filter((a) => !a.undecided?.length);
      expect(sure.map((a) => a.via?.slice(1))).toEqual(
        [[`sa1@${P}.iam.gserviceaccount.com`, `sa2@${P}.iam.gserviceaccount.com`, `sa0@${P}.iam.gserviceaccount.com`]].map((v) =>
          conditionalFirst ? v : [v[0], v[2]],
        ),
      );
      expect(verdict('nonprod-principal-access', 'signer-diamond').map((r) => r.outcome)).toEqual(['fail']);
      // Each account's policy is still read once.
      const reads = fake.requests.filter((r) => r.operation === 'iam:GetServiceAccountIamPolicy' && /\/sa\d@/.test(r.path)).map((r) => r.path);
      expect(reads.length).toBe(new Set(reads).size);
      await fake.stop();
    }
  });

  it('an account reached only under undecidable conditions stays undecided on every path, each condition shown', async () => {
    const w = diamondWorld(true);
    const sa2 = w.serviceAccounts?.find((s) => s.email.startsWith('sa2@'));
    const b = sa2?.policy?.bindings?.[0];
    if (!b) throw new Error('no sa2 binding');
    b.condition = { expression: "request.time < timestamp('2027-01-01T00:00:00Z') && request.time.getDayOfWeek('UTC') == 0", title: 'sundays' };
    const { verdict, keyOf } = await audit(w);
    const pools = keyOf('signer-diamond')?.access?.filter((a) => a.principal.federation) ?? [];
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.every((a) => a.undecided?.length)).toBe(true);
    const [v] = verdict('nonprod-principal-access', 'signer-diamond');
    expect(v?.outcome).toBe('unknown');
    expect(v?.message).toContain('getHours');
    // Both paths are kept, each with the condition it depends on.
    const cels = pools.flatMap((a) => a.undecided?.flatMap((u) => u.values) ?? []);
    expect(cels.some((x) => x.includes('getHours'))).toBe(true);
    expect(cels.some((x) => x.includes('getDayOfWeek'))).toBe(true);
  });

  /**
   * Workload Identity Federation for GKE ("Authenticate to Google Cloud APIs from GKE workloads"): the
   * project's fleet pool PROJECT_ID.svc.id.goog is Google-managed and never listed by
   * workloadIdentityPools.list. A Kubernetes service account is bound directly as
   * principal://…/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA, or, the older way, holds
   * roles/iam.workloadIdentityUser on a service account as serviceAccount:PROJECT_ID.svc.id.goog[NAMESPACE/KSA].
   */
  const gkeWorld = (): GcpWorld => {
    const w = world();
    const gke = `iam.googleapis.com/projects/${NUM}/locations/global/workloadIdentityPools/${P}.svc.id.goog`;
    const keys = w.projects[0]?.keyRings[0]?.keys;
    keys?.push(
      key('signer-gke', 'ASYMMETRIC_SIGN', [`principal://${gke}/subject/ns/debug/sa/tool`]),
      key('signer-gke-ns', 'ASYMMETRIC_SIGN', [`principalSet://${gke}/namespace/debug`]),
      key('signer-gke-legacy', 'ASYMMETRIC_SIGN', [`serviceAccount:gke-app@${P}.iam.gserviceaccount.com`]),
    );
    w.serviceAccounts?.push({
      email: `gke-app@${P}.iam.gserviceaccount.com`,
      policy: { bindings: [{ role: 'roles/iam.workloadIdentityUser', members: [`serviceAccount:${P}.svc.id.goog[debug/tool]`] }] },
    });
    return w;
  };

  it('GKE workload identities (the fleet pool is never listed) keep their access: a debug namespace reaching a production signer fails', async () => {
    const { out, keyOf } = await audit(gkeWorld());
    const verdicts = outcomesUnderDebug(out, ['*svc.id.goog/subject/ns/debug/*', '*svc.id.goog/namespace/debug', '*svc.id.goog[debug/*']);
    const outcome = (k: string) => verdicts(k).map((r) => r.outcome);
    expect(keyOf('signer-gke')?.access?.map((a) => a.principal.id)).toEqual([
      `principal://iam.googleapis.com/projects/${NUM}/locations/global/workloadIdentityPools/${P}.svc.id.goog/subject/ns/debug/sa/tool`,
    ]);
    expect(outcome('signer-gke')).toEqual(['fail']);
    expect(outcome('signer-gke-ns')).toEqual(['fail']);
    const legacy = keyOf('signer-gke-legacy')?.access?.find((a) => a.principal.id.includes('svc.id.goog'));
    expect(legacy).toMatchObject({
      principal: { id: `serviceAccount:${P}.svc.id.goog[debug/tool]` },
      via: [`gke-app@${P}.iam.gserviceaccount.com`],
      sourceId: `projects/-/serviceAccounts/gke-app@${P}.iam.gserviceaccount.com#roles/iam.workloadIdentityUser`,
      capabilities: ['use-sign'],
    });
    expect(outcome('signer-gke-legacy')).toEqual(['fail']);
    // No gap on access: nothing about who reaches the keys was left unread.
    expect(out.gaps?.filter((g) => g.scope.subjectId?.includes('signer-gke') && g.affects?.includes('access'))).toEqual([]);
  });

  /**
   * People and service accounts (not only pool members) that may act as a key's service account reach
   * the key: `roles/iam.serviceAccountTokenCreator` lets a member mint the account's access tokens
   * (IAM "Roles for service account authentication"; "Service account impersonation"). A deleted member
   * (`deleted:user:…?uid=…`, IAM "Principal identifiers") acts as nobody.
   */
  const humanWorld = (): GcpWorld => {
    const w = world();
    const bot = `signer-bot@${P}.iam.gserviceaccount.com`;
    w.projects[0]?.keyRings[0]?.keys.push(key('signer-human', 'ASYMMETRIC_SIGN', [`serviceAccount:${bot}`]));
    w.serviceAccounts?.push(
      {
        email: bot,
        policy: {
          bindings: [
            {
              role: 'roles/iam.serviceAccountTokenCreator',
              members: [
                'user:dev@corp.example',
                'deleted:user:old@corp.example?uid=123456789012345678901',
                `serviceAccount:relay@${P}.iam.gserviceaccount.com`,
              ],
            },
          ],
        },
      },
      {
        email: `relay@${P}.iam.gserviceaccount.com`,
        policy: { bindings: [{ role: 'roles/iam.serviceAccountTokenCreator', members: ['group:debuggers@corp.example'] }] },
      },
    );
    return w;
  };

  it('a person or account that may act as the key’s service account reaches the key through it (a debug user fails); deleted members act as nobody', async () => {
    const { out, keyOf } = await audit(humanWorld());
    const bot = `signer-bot@${P}.iam.gserviceaccount.com`;
    const relay = `relay@${P}.iam.gserviceaccount.com`;
    const access = keyOf('signer-human')?.access ?? [];
    expect(access.map((a) => [a.principal.id, a.via ?? [], a.capabilities])).toEqual([
      [`serviceAccount:${bot}`, [], ['use-sign']],
      ['user:dev@corp.example', [bot], ['use-sign']],
      [`serviceAccount:${relay}`, [bot], ['use-sign']],
      ['group:debuggers@corp.example', [relay, bot], ['use-sign']],
    ]);
    expect(access[1]?.sourceId).toBe(`projects/-/serviceAccounts/${bot}#roles/iam.serviceAccountTokenCreator`);
    const v = outcomesUnderDebug(out, ['user:dev@*', 'group:debuggers@*'])('signer-human');
    expect(v.map((r) => r.outcome)).toEqual(['fail', 'fail']);
    expect(v.map((r) => r.message).join('\n')).toContain(`dev@corp.example through ${bot}`);
    expect(v.map((r) => r.message).join('\n')).toContain(`debuggers@corp.example through ${relay} → ${bot}`);
  });

  it('a disabled pool admits nobody', async () => {
    const { keyOf, verdict } = await audit(world());
    expect(keyOf('signer-retired')?.access).toEqual([]);
    expect(verdict('nonprod-principal-access', 'signer-retired').map((r) => r.outcome)).toEqual(['pass']);
  });

  it("a disabled pool's providers are not read: a refused provider list there is no gap", async () => {
    const { out, keyOf, verdict } = await audit(world(), [
      `iam:ListWorkloadIdentityPoolProviders projects/${NUM}/locations/global/workloadIdentityPools/retired`,
    ]);
    expect(keyOf('signer-retired')?.access).toEqual([]);
    expect(verdict('nonprod-principal-access', 'signer-retired').map((r) => r.outcome)).toEqual(['pass']);
    expect(out.gaps?.filter((g) => g.scope.subjectId?.endsWith('/retired'))).toEqual([]);
  });

  it('unreadable providers or service-account policies are gaps on the key’s access: unknown, never pass', async () => {
    const { out, verdict } = await audit(world(), [
      `iam:ListWorkloadIdentityPoolProviders projects/${NUM}/locations/global/workloadIdentityPools/github`,
      `iam:GetServiceAccountIamPolicy projects/-/serviceAccounts/deployer@`,
    ]);
    expect(verdict('nonprod-principal-access', 'signer-prod-env').map((r) => r.outcome)).toEqual(['unknown']);
    expect(verdict('nonprod-principal-access', 'signer-sa').map((r) => r.outcome)).toEqual(['unknown']);
    expect(out.gaps?.map((g) => g.operation)).toEqual(expect.arrayContaining(['iam:ListWorkloadIdentityPoolProviders', 'iam:GetServiceAccountIamPolicy']));
    // A key with no federation path is unaffected.
    expect(verdict('nonprod-principal-access', 'plain').map((r) => r.outcome)).toEqual(['pass']);
  });
});

describe('Confidential Space (issue 15)', () => {
  it('a pool that does not require the production image and a pinned workload fails enclave-debug-attestation', async () => {
    const { verdict } = await audit(world());
    const [v] = verdict('enclave-debug-attestation', 'vault-weak');
    expect(v?.outcome).toBe('fail');
    expect(v?.message).toContain('the production image');
    expect(v?.message).toContain('image_digest');
  });

  it('one requiring STABLE, CONFIDENTIAL_SPACE and the image digest passes, and is not counted as a non-production principal', async () => {
    const { verdict, keyOf } = await audit(world());
    expect(verdict('enclave-debug-attestation', 'vault-pinned').map((r) => r.outcome)).toEqual(['pass']);
    expect(keyOf('vault-pinned')?.access?.[0]?.conditions).toEqual(
      expect.arrayContaining([{ key: 'assertion.submods.container.image_digest', operator: 'StringEquals', values: [DIGEST] }]),
    );
    expect(verdict('nonprod-principal-access', 'vault-pinned').map((r) => r.outcome)).toEqual(['pass']);
  });

  it('dbgstat pinned with the digest also passes; a digest tested by an expression the audit cannot decide is unknown', async () => {
    const dbg = `assertion.swname == 'CONFIDENTIAL_SPACE' && assertion.dbgstat == 'disabled-since-boot' && assertion.submods.container.image_digest == '${DIGEST}'`;
    const fuzzy = `assertion.swname == 'CONFIDENTIAL_SPACE' && assertion.dbgstat == 'disabled-since-boot' && assertion.submods.container.image_digest.matches('^sha256:')`;
    const w = world([
      { projectNumber: NUM, id: 'cs-dbg', providers: [space(dbg)] },
      { projectNumber: NUM, id: 'cs-fuzzy', providers: [space(fuzzy)] },
    ]);
    const ring = w.projects[0]?.keyRings[0];
    ring?.keys.push(key('vault-dbg', 'ENCRYPT_DECRYPT', [`principalSet://${pool('cs-dbg')}/*`], 'roles/cloudkms.cryptoKeyDecrypter'));
    ring?.keys.push(key('vault-fuzzy', 'ENCRYPT_DECRYPT', [`principalSet://${pool('cs-fuzzy')}/*`], 'roles/cloudkms.cryptoKeyDecrypter'));
    const { verdict } = await audit(w);
    expect(verdict('enclave-debug-attestation', 'vault-dbg').map((r) => r.outcome)).toEqual(['pass']);
    const [fuzzyVerdict] = verdict('enclave-debug-attestation', 'vault-fuzzy');
    expect(fuzzyVerdict?.outcome).toBe('unknown');
    expect(fuzzyVerdict?.message).toContain("image_digest.matches('^sha256:')");
  });

  it('Cloud KMS keys without a Confidential Space path stay out of the enclave rule', async () => {
    const { verdict } = await audit(world());
    // Not applicable: no result at all, even for a key whose federated access fails another rule.
    expect(verdict('enclave-debug-attestation', 'plain')).toEqual([]);
    expect(verdict('enclave-debug-attestation', 'signer-any-run')).toEqual([]);
    expect(verdict('enclave-debug-attestation', 'vault-weak')).toHaveLength(1);
  });
});
