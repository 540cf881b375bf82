// The GCP provider against the loopback fake of Cloud KMS, Resource Manager and Logging, through the
// official clients in REST mode: inventory, inherited IAM, Data Access logging, paging, throttling,
// a denied key ring, and proof that nothing but the declared reads was sent.
import net from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ORG, DENIED_RING, demoWorld } from '../../../src/fakes/gcp/demo-world.ts';
import { type GcpFake, type GcpFakeOptions, startGcpFake } from '../../../src/fakes/gcp/server.ts';
import type { GcpWorld } from '../../../src/fakes/gcp/world.ts';
import gcpProvider, { collectGcp } from '../../../src/providers/gcp/index.ts';
import { OPERATIONS } from '../../../src/providers/gcp/operations.ts';
import { GcpConfig, type GcpConfigInput } from '../../../src/providers/gcp/schema.ts';
import type { CollectContext } from '../../../src/providers/types.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';

const TOKEN = 'ya29.fake-token-for-tests';
const NOW = new Date('2026-11-01T00:00:00Z');

function fakeAuth(): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  return auth;
}

const ctx = (): CollectContext => ({ now: () => NOW, baseDir: '.', env: {} });

let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function run(world: GcpWorld, block: Partial<GcpConfigInput>, opts: GcpFakeOptions = {}) {
  fake = await startGcpFake(world, { token: TOKEN, ...opts });
  // The whole published quota (fraction 1) and KMS reads raised: these tests are about what is read, not pacing.
  const config = GcpConfig.parse({ endpoint: fake.url, retryBaseMs: 1, readRequestsPerMinute: 600_000, quotaFraction: 1, ...block });
  return collectGcp(config, ctx(), { authClient: fakeAuth() });
}

const key = (out: Awaited<ReturnType<typeof run>>, id: string) => {
  const k = out.keys?.find((x) => x.id.endsWith(`/cryptoKeys/${id}`));
  if (!k) throw new Error(`no key ${id}`);
  return k;
};

describe('gcp provider against the loopback fake', () => {
  it('inventories keys with versions, rotation, protection, labels and public-key fingerprints', async () => {
    const out = await run(demoWorld(), { organization: DEMO_ORG });
    // Sorted by resource name: project, location, ring, key.
    expect(out.keys?.map((k) => k.name)).toEqual([
      'card-vault',
      'user-data',
      'msa-signer-2016',
      'msa-signer-2026',
      'partner-signer',
      'aad-signer',
      'legacy-archive',
    ]);
    const old = key(out, 'msa-signer-2016');
    expect(old).toMatchObject({
      provider: 'gcp-kms',
      account: 'consumer-idp-prod',
      region: 'global',
      container: 'token-signing',
      usage: ['sign', 'verify'],
      keyType: 'RSA',
      keySize: 2048,
      protection: 'software',
      origin: 'generated',
      state: 'enabled',
      currentVersionCreatedAt: '2016-04-05T00:00:00Z',
      versionCount: 1,
      rotation: { supported: false, automatic: false },
      tags: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared' },
    });
    expect(old.fingerprints?.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(old.fingerprints?.jwkThumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const data = key(out, 'user-data');
    expect(data).toMatchObject({
      usage: ['encrypt', 'decrypt'],
      keyType: 'AES',
      protection: 'hsm',
      currentVersionCreatedAt: '2026-09-11T00:00:00Z',
      versionCount: 2,
      rotation: { supported: true, automatic: true, periodDays: 90, nextRotationAt: '2026-12-10T00:00:00Z', lastRotatedAt: '2026-09-11T00:00:00Z' },
      deletion: { protected: true },
    });
    expect(data.publicKey).toBeUndefined();
    expect(key(out, 'aad-signer')).toMatchObject({ keyType: 'EC', curve: 'P-256', protection: 'hsm' });
  });

  it('merges key, ring, project, folder and organization bindings into access, and names the source of each', async () => {
    const world = demoWorld();
    (world.organizations?.[0]?.policy?.bindings ?? []).push({ role: 'roles/cloudkms.cryptoKeyDecrypter', members: ['group:auditors@example.com'] });
    const out = await run(world, { organization: DEMO_ORG });
    const access = key(out, 'msa-signer-2016').access ?? [];
    const debug = access.find((e) => e.principal.id === 'serviceAccount:crash-analyzer@consumer-debug.iam.gserviceaccount.com');
    expect(debug).toMatchObject({ principal: { kind: 'service-principal', account: 'consumer-debug' }, capabilities: ['use-sign'], source: 'iam-binding' });
    expect(debug?.sourceId).toBe('projects/consumer-idp-prod/locations/global/keyRings/token-signing/cryptoKeys/msa-signer-2016#roles/cloudkms.signer');
    expect(access.find((e) => e.principal.id === 'group:kms-admins@example.com')?.capabilities).toEqual(['administer', 'read']);
    expect(access.find((e) => e.principal.id === 'group:auditors@example.com')?.sourceId).toBe(`organizations/${DEMO_ORG}#roles/cloudkms.cryptoKeyDecrypter`);
    // organizationAdmin holds resourcemanager.organizations.setIamPolicy: its members can grant
    // themselves any use of every key in the organization (it was read as reaching no key).
    expect(access.find((e) => e.principal.id === 'group:it@example.com')).toMatchObject({
      capabilities: ['administer'],
      sourceId: `organizations/${DEMO_ORG}#roles/resourcemanager.organizationAdmin`,
    });
  });

  it('a key ring whose IAM policy is denied leaves its keys\u2019 access absent (not empty) and records a scoped gap', async () => {
    const out = await run(demoWorld(), { organization: DEMO_ORG }, { deny: [`cloudkms:GetKeyRingIamPolicy ${DENIED_RING}`] });
    const partner = key(out, 'partner-signer');
    expect(partner.access).toBeUndefined();
    expect(partner.state).toBe('enabled');
    expect(key(out, 'aad-signer').access?.length).toBeGreaterThan(0);
    const gap = out.gaps?.find((g) => g.operation === 'cloudkms:GetKeyRingIamPolicy');
    expect(gap).toMatchObject({
      provider: 'gcp-kms',
      scope: { account: 'enterprise-idp-prod', region: 'us', container: 'partner-keys' },
      affects: ['access'],
      kind: 'denied',
    });
    expect(gap?.reason).toContain('cloudkms.keyRings.getIamPolicy');
  });

  it('maps the effective Data Access audit config, sinks and buckets to trails, with exempted members', async () => {
    const out = await run(demoWorld(), { organization: DEMO_ORG });
    const consumer = (out.trails ?? []).filter((t) => t.scope.accounts !== '*' && t.scope.accounts.includes('consumer-idp-prod'));
    const byId = Object.fromEntries(consumer.map((t) => [t.id, t]));
    expect(byId['projects/consumer-idp-prod/sinks/_Required']).toMatchObject({ capturesAdminEvents: true, capturesDataPlane: false, retentionDays: 400 });
    expect(byId['projects/consumer-idp-prod/sinks/_Default']).toMatchObject({
      kind: 'gcp-audit-config',
      capturesDataPlane: true,
      capturesAdminEvents: false,
      retentionDays: 30,
      integrityValidation: false,
      exemptedPrincipals: ['serviceAccount:bulk-export@consumer-idp-prod.iam.gserviceaccount.com'],
    });
    expect(byId['projects/consumer-idp-prod/sinks/kms-audit']).toMatchObject({ capturesDataPlane: true, retentionDays: 400, integrityValidation: true });
    const enterprise = (out.trails ?? []).find((t) => t.id === 'projects/enterprise-idp-prod/sinks/_Default');
    expect(enterprise?.capturesDataPlane).toBe(false);
  });

  it('a log bucket sent without retentionDays keeps 30 days (the documented default), one pending deletion at most 7', async () => {
    const world = demoWorld();
    const consumer = world.projects.find((p) => p.projectId === 'consumer-idp-prod');
    if (!consumer?.buckets) throw new Error('consumer project missing');
    // REST JSON omits a zero retentionDays (proto3); buckets.delete leaves a bucket DELETE_REQUESTED for 7 days, then purges it.
    consumer.buckets = consumer.buckets.map((b) =>
      b.id === '_Default' ? { id: '_Default' } : b.id === 'kms-audit' ? { ...b, lifecycleState: 'DELETE_REQUESTED' } : b,
    );
    const out = await run(world, { organization: DEMO_ORG });
    const byId = Object.fromEntries((out.trails ?? []).map((t) => [t.id, t]));
    expect(byId['projects/consumer-idp-prod/sinks/_Default']?.retentionDays).toBe(30);
    expect(byId['projects/consumer-idp-prod/sinks/kms-audit']?.retentionDays).toBe(7);
  });

  it('pages every list, retries 429 RESOURCE_EXHAUSTED (never dropping a key), and sends only declared reads with the injected token', async () => {
    const out = await run(demoWorld(), { organization: DEMO_ORG }, { maxPageSize: 1, throttleEvery: 4, retryAfterSeconds: 0 });
    expect(out.keys).toHaveLength(7);
    expect(out.gaps).toEqual([]);
    expect(out.stats.throttled).toBeGreaterThan(0);
    const f = fake as GcpFake;
    expect(f.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(f.requests.some((r) => r.path.endsWith('/cryptoKeys') && r.status === 200)).toBe(true);
    expect(f.unknown()).toEqual([]);
    expectOnlyDeclared(f.operations(), gcpProvider);
    for (const op of f.operations()) expect(OPERATIONS).toContain(op);
    expect(f.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(f.requests.every((r) => r.method === 'GET' || r.path.endsWith(':getIamPolicy'))).toBe(true);
  });

  it('contacts nothing but the loopback fake (no metadata server, no oauth2.googleapis.com)', async () => {
    const hosts: string[] = [];
    const original = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function spy(this: net.Socket, ...args: unknown[]) {
      const first = args[0] as { host?: string } | number | unknown[];
      const a = Array.isArray(first) ? (first[0] as { host?: string }) : first;
      hosts.push(typeof a === 'object' && a !== null ? String(a.host ?? 'localhost') : String(args[1] ?? 'localhost'));
      return (original as (...x: unknown[]) => net.Socket).apply(this, args);
    } as typeof original;
    try {
      await run(demoWorld(), { projects: ['consumer-idp-prod'] });
    } finally {
      net.Socket.prototype.connect = original;
    }
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
  });
});
