// Import jobs, EKM connections, custom roles and IAM conditions, read by the GCP provider from the
// loopback fake through the official clients (Cloud KMS and EKM GAPIC clients in REST mode, and
// @googleapis/iam for roles.get). Shapes follow the public REST references (ImportJob, EkmConnection,
// Role, Binding.condition) and the CEL examples of the IAM Conditions documentation.
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { type GcpFake, startGcpFake } from '../../../src/fakes/gcp/server.ts';
import { defaultLogging, type FakeCryptoKey, type GcpWorld } from '../../../src/fakes/gcp/world.ts';
import gcpProvider, { collectGcp } from '../../../src/providers/gcp/index.ts';
import { GcpConfig } from '../../../src/providers/gcp/schema.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';

const TOKEN = 'ya29.fake-token-for-custody';
const NOW = new Date('2026-11-01T00:00:00Z');
const P = 'payments-prod';
const RING = `projects/${P}/locations/europe-west1/keyRings/payments`;
const EKM = `projects/${P}/locations/europe-west1/ekmConnections/thales-ciphertrust`;

const aes = (id: string, extra: Partial<FakeCryptoKey> = {}): FakeCryptoKey => ({
  id,
  purpose: 'ENCRYPT_DECRYPT',
  algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
  protectionLevel: 'HSM',
  createTime: '2026-06-01T00:00:00Z',
  primary: '1',
  rotationPeriod: '7776000s',
  versions: [{ id: '1', state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', createTime: '2026-06-01T00:00:00Z' }],
  ...extra,
});

function world(): GcpWorld {
  const logging = defaultLogging(P);
  return {
    organizations: [
      {
        id: '500',
        policy: {
          bindings: [
            // A custom role at the organization with Cloud KMS use permissions: its definition decides.
            { role: 'organizations/500/roles/kmsSigner', members: ['serviceAccount:ci-signer@build-dev.iam.gserviceaccount.com'] },
            // A custom role without any Cloud KMS permission reaches no key.
            { role: 'organizations/500/roles/billingReader', members: ['group:finance@example.com'] },
          ],
        },
      },
    ],
    projects: [
      // The project of ci-signer: who may act as it (its IAM policy and its project's) is read for federation.
      { projectId: 'build-dev', number: '601', parent: 'organizations/500', keyRings: [] },
      {
        projectId: P,
        number: '600',
        parent: 'organizations/500',
        ...logging,
        ekmConnections: [{ location: 'europe-west1', id: 'thales-ciphertrust', createTime: '2026-01-10T00:00:00Z', hostnames: ['ekm.internal.example.com'] }],
        keyRings: [
          {
            location: 'europe-west1',
            id: 'payments',
            importJobs: [
              {
                id: 'hsm-import-2026',
                importMethod: 'RSA_OAEP_3072_SHA256_AES_256',
                protectionLevel: 'HSM',
                state: 'EXPIRED',
                createTime: '2026-03-01T00:00:00Z',
                expireTime: '2026-03-04T00:00:00Z',
              },
            ],
            keys: [
              aes('card-data', {
                importOnly: true,
                rotationPeriod: undefined,
                versions: [
                  {
                    id: '1',
                    state: 'ENABLED',
                    algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
                    createTime: '2026-03-02T00:00:00Z',
                    importJob: `${RING}/importJobs/hsm-import-2026`,
                  },
                ],
              }),
              aes('ekm-wrapped', {
                protectionLevel: 'EXTERNAL_VPC',
                algorithm: 'EXTERNAL_SYMMETRIC_ENCRYPTION',
                rotationPeriod: undefined,
                cryptoKeyBackend: EKM,
                versions: [
                  {
                    id: '1',
                    state: 'ENABLED',
                    algorithm: 'EXTERNAL_SYMMETRIC_ENCRYPTION',
                    protectionLevel: 'EXTERNAL_VPC',
                    createTime: '2026-02-01T00:00:00Z',
                    ekmConnectionKeyPath: 'v0/keys/payments-kek',
                  },
                ],
              }),
              aes('conditional', {
                policy: {
                  bindings: [
                    // Documented temporary access, expired: never grants again.
                    {
                      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
                      members: ['user:contractor@example.com'],
                      condition: { title: 'expires_end_of_2025', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' },
                    },
                    // Resource-name condition naming another key: never grants on this one.
                    {
                      role: 'roles/cloudkms.cryptoKeyDecrypter',
                      members: ['serviceAccount:batch@payments-prod.iam.gserviceaccount.com'],
                      condition: { expression: `resource.name.startsWith("${RING}/cryptoKeys/card-data")` },
                    },
                    // Resource-name condition naming this key: grants, condition kept.
                    {
                      role: 'roles/cloudkms.cryptoKeyEncrypter',
                      members: ['serviceAccount:api@payments-prod.iam.gserviceaccount.com'],
                      condition: { expression: `resource.type == "cloudkms.googleapis.com/CryptoKey" && resource.name == "${RING}/cryptoKeys/conditional"` },
                    },
                  ],
                },
              }),
              aes('business-hours', {
                policy: {
                  bindings: [
                    {
                      role: 'roles/cloudkms.cryptoKeyDecrypter',
                      members: ['user:oncall@example.com'],
                      condition: { expression: 'request.time.getHours("Europe/Berlin") >= 9 && request.time.getHours("Europe/Berlin") <= 17' },
                    },
                  ],
                },
              }),
            ],
          },
        ],
      },
    ],
    roles: [
      {
        name: 'organizations/500/roles/kmsSigner',
        includedPermissions: ['cloudkms.cryptoKeyVersions.useToEncrypt', 'cloudkms.cryptoKeyVersions.useToDecrypt', 'cloudkms.cryptoKeys.list'],
      },
      { name: 'organizations/500/roles/billingReader', includedPermissions: ['billing.accounts.get', 'resourcemanager.projects.get'] },
    ],
  };
}

let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function run(w: GcpWorld, deny: string[] = []) {
  fake = await startGcpFake(w, { token: TOKEN, deny });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  const config = GcpConfig.parse({ endpoint: fake.url, projects: [P], locations: ['europe-west1'], retryBaseMs: 1, readRequestsPerMinute: 600_000 });
  return collectGcp(config, { now: () => NOW, baseDir: '.', env: {} }, { authClient: auth });
}

const keyOf = (out: Awaited<ReturnType<typeof run>>, id: string) => {
  const k = out.keys?.find((x) => x.name === id);
  if (!k) throw new Error(`no key ${id}`);
  return k;
};

describe('gcp provider: import jobs and EKM connections', () => {
  it('an imported version names its import job (method, HSM wrapping, state); an EXTERNAL_VPC key its EKM connection', async () => {
    const out = await run(world());
    expect(keyOf(out, 'card-data')).toMatchObject({
      origin: 'imported',
      importSource: {
        id: `${RING}/importJobs/hsm-import-2026`,
        kind: 'gcp-import-job',
        method: 'RSA_OAEP_3072_SHA256_AES_256',
        protection: 'hsm',
        state: 'expired',
        createdAt: '2026-03-01T00:00:00Z',
        expiresAt: '2026-03-04T00:00:00Z',
        attested: false,
      },
    });
    // Imported material was made outside Cloud KMS at an unknown time; an import-only key cannot auto-rotate.
    expect(keyOf(out, 'card-data').currentVersionCreatedAt).toBeUndefined();
    expect(keyOf(out, 'card-data').rotation).toEqual({ supported: false, automatic: false });
    expect(keyOf(out, 'ekm-wrapped')).toMatchObject({
      origin: 'external-store',
      protection: 'external',
      externalStore: { kind: 'gcp-ekm-vpc', id: EKM, keyManagement: 'manual', hosts: ['ekm.internal.example.com'], keyPath: 'v0/keys/payments-kek' },
    });
    expect(keyOf(out, 'conditional').importSource).toBeUndefined();
    // Each list once, only because a key needed it.
    const f = fake as GcpFake;
    expect(f.requests.filter((r) => r.operation === 'cloudkms:ListImportJobs')).toHaveLength(1);
    expect(f.requests.filter((r) => r.operation === 'cloudkms:ListEkmConnections')).toHaveLength(1);
    expect(f.unknown()).toEqual([]);
    expectOnlyDeclared(f.operations(), gcpProvider);
    expect(f.operations()).toEqual(expect.arrayContaining(['cloudkms:ListEkmConnections', 'cloudkms:ListImportJobs', 'iam:GetRole']));
    expect(f.requests.every((r) => r.method === 'GET' || r.path.endsWith(':getIamPolicy'))).toBe(true);
    expect(f.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('a denied import-job listing keeps the job name and leaves a gap on importSource, not a silent pass', async () => {
    const out = await run(world(), [`cloudkms:ListImportJobs ${RING}`]);
    expect(keyOf(out, 'card-data').importSource).toEqual({ id: `${RING}/importJobs/hsm-import-2026`, kind: 'gcp-import-job' });
    expect(out.gaps?.find((g) => g.operation === 'cloudkms:ListImportJobs')).toMatchObject({ affects: ['importSource'], kind: 'denied' });
  });
});

describe('gcp provider: custom roles and IAM conditions', () => {
  it('expands a custom role from iam.roles.get (read once), and ignores one without Cloud KMS permissions', async () => {
    const out = await run(world());
    const access = keyOf(out, 'card-data').access ?? [];
    expect(access.find((e) => e.principal.id === 'serviceAccount:ci-signer@build-dev.iam.gserviceaccount.com')).toMatchObject({
      capabilities: ['read', 'use-decrypt', 'use-encrypt'],
      sourceId: 'organizations/500#organizations/500/roles/kmsSigner',
      principal: { account: 'build-dev' },
    });
    expect(access.some((e) => e.principal.id === 'group:finance@example.com')).toBe(false);
    const roleReads = (fake as GcpFake).requests.filter((r) => r.operation === 'iam:GetRole');
    expect(roleReads.map((r) => r.path).sort()).toEqual(['/v1/organizations/500/roles/billingReader', '/v1/organizations/500/roles/kmsSigner']);
  });

  // IAM roles reference: roles/iam.securityReviewer holds cloudkms.cryptoKeys.getIamPolicy (read);
  // roles/resourcemanager.projectIamAdmin holds resourcemanager.projects.setIamPolicy (it can grant any
  // use of the project's keys). Predefined roles outside Cloud KMS were not read: neither counted.
  it('a predefined role of another service is read with roles.get; a project IAM admin administers the key', async () => {
    const w = world();
    const org = w.organizations?.[0]?.policy;
    org?.bindings?.push(
      { role: 'roles/iam.securityReviewer', members: ['user:reviewer@example.com'] },
      { role: 'roles/resourcemanager.projectIamAdmin', members: ['serviceAccount:deployer@build-dev.iam.gserviceaccount.com'] },
      { role: 'roles/bigquery.dataViewer', members: ['group:analysts@example.com'] },
    );
    w.roles?.push(
      {
        name: 'roles/iam.securityReviewer',
        includedPermissions: ['cloudkms.cryptoKeys.getIamPolicy', 'cloudkms.keyRings.getIamPolicy', 'resourcemanager.projects.getIamPolicy'],
      },
      { name: 'roles/bigquery.dataViewer', includedPermissions: ['bigquery.datasets.get', 'bigquery.tables.getData', 'resourcemanager.projects.get'] },
    );
    const out = await run(w);
    const access = keyOf(out, 'card-data').access ?? [];
    expect(access.find((e) => e.principal.id === 'user:reviewer@example.com')?.capabilities).toEqual(['read']);
    expect(access.find((e) => e.principal.id === 'serviceAccount:deployer@build-dev.iam.gserviceaccount.com')?.capabilities).toEqual(['administer']);
    expect(access.some((e) => e.principal.id === 'group:analysts@example.com')).toBe(false);
    const roleReads = (fake as GcpFake).requests.filter((r) => r.operation === 'iam:GetRole').map((r) => r.path);
    expect(roleReads).toEqual(expect.arrayContaining(['/v1/roles/iam.securityReviewer', '/v1/roles/bigquery.dataViewer']));
    expect(roleReads).not.toContain('/v1/roles/resourcemanager.projectIamAdmin');
  });

  it('an unreadable custom role leaves every key under it with unknown access and a gap naming the role', async () => {
    const out = await run(world(), ['iam:GetRole organizations/500/roles/kmsSigner']);
    for (const k of out.keys ?? []) expect(k.access).toBeUndefined();
    const gap = out.gaps?.find((g) => g.operation === 'iam:GetRole' && g.scope.subjectId?.endsWith('/card-data'));
    expect(gap?.reason).toContain('organizations/500/roles/kmsSigner on organizations/500');
    expect(out.gaps?.find((g) => g.operation === 'iam:GetRole' && g.kind === 'denied')?.reason).toContain('iam.roles.get');
  });

  it('decides request.time and resource.name conditions, keeps granted ones with their CEL, and leaves others unknown', async () => {
    const out = await run(world());
    const cond = keyOf(out, 'conditional').access ?? [];
    expect(cond.some((e) => e.principal.id === 'user:contractor@example.com')).toBe(false);
    expect(cond.some((e) => e.principal.id === 'serviceAccount:batch@payments-prod.iam.gserviceaccount.com')).toBe(false);
    expect(cond.find((e) => e.principal.id === 'serviceAccount:api@payments-prod.iam.gserviceaccount.com')).toMatchObject({
      capabilities: ['use-encrypt'],
      conditions: [{ key: 'iam.condition', operator: 'CEL' }],
    });
    // Business hours cannot be decided from configuration: the grant is kept, marked undecided, with its CEL.
    expect(keyOf(out, 'business-hours').access?.filter((e) => e.principal.id === 'user:oncall@example.com')).toEqual([
      expect.objectContaining({
        principal: expect.objectContaining({ id: 'user:oncall@example.com' }),
        capabilities: ['use-decrypt'],
        undecided: [{ key: 'iam.condition', operator: 'CEL', values: [expect.stringContaining('getHours("Europe/Berlin")')] }],
      }),
    ]);
    expect(out.gaps?.some((g) => g.scope.subjectId?.endsWith('/business-hours'))).toBe(false);
  });
});
