// Pure mappings of the GCP provider: algorithms, members, roles and conditions, the effective audit
// config, and the Logging filter subset that decides whether a sink routes Cloud KMS audit entries.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SINK_FILTER, REQUIRED_SINK_FILTER } from '../../../src/fakes/gcp/world.ts';
import { accessFromPolicy, algorithmInfo, keyState, normalizeKey, principalOf } from '../../../src/providers/gcp/normalize.ts';
import {
  effectiveKmsAuditConfig,
  filterMatches,
  KMS_ADMIN_ACTIVITY,
  KMS_DATA_ACCESS,
  KMS_VERSION_DATA_ACCESS,
  sinkRoutes,
  trailsForProject,
} from '../../../src/providers/gcp/normalize-trails.ts';
import { GcpConfig } from '../../../src/providers/gcp/schema.ts';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const KEY = 'projects/p/locations/global/keyRings/r/cryptoKeys/k';

describe('algorithmInfo', () => {
  it.each([
    ['GOOGLE_SYMMETRIC_ENCRYPTION', { keyType: 'AES', keySize: 256 }],
    ['AES_128_GCM', { keyType: 'AES', keySize: 128 }],
    ['RSA_SIGN_PSS_3072_SHA256', { keyType: 'RSA', keySize: 3072 }],
    ['RSA_SIGN_RAW_PKCS1_4096', { keyType: 'RSA', keySize: 4096 }],
    ['RSA_DECRYPT_OAEP_2048_SHA256', { keyType: 'RSA', keySize: 2048 }],
    ['EC_SIGN_P384_SHA384', { keyType: 'EC', curve: 'P-384' }],
    ['EC_SIGN_SECP256K1_SHA256', { keyType: 'EC', curve: 'secp256k1' }],
    ['EC_SIGN_ED25519', { keyType: 'OKP', curve: 'Ed25519' }],
    ['HMAC_SHA256', { keyType: 'HMAC', keySize: 256 }],
    ['PQ_SIGN_ML_DSA_65', { keyType: 'OTHER' }],
  ])('%s', (alg, want) => expect(algorithmInfo(alg)).toEqual(want));
});

describe('principalOf', () => {
  it.each([
    ['allUsers', { kind: 'public', id: 'allUsers' }],
    ['allAuthenticatedUsers', { kind: 'any-authenticated', id: 'allAuthenticatedUsers' }],
    ['user:ana@example.com', { kind: 'user', id: 'user:ana@example.com', name: 'ana@example.com', tenant: 'example.com' }],
    ['group:ops@example.com', { kind: 'group', id: 'group:ops@example.com', name: 'ops@example.com', tenant: 'example.com' }],
    ['domain:example.com', { kind: 'group', id: 'domain:example.com', name: 'example.com', tenant: 'example.com' }],
    [
      'serviceAccount:ci@payments-dev.iam.gserviceaccount.com',
      {
        kind: 'service-principal',
        id: 'serviceAccount:ci@payments-dev.iam.gserviceaccount.com',
        name: 'ci@payments-dev.iam.gserviceaccount.com',
        account: 'payments-dev',
      },
    ],
    [
      'serviceAccount:service-123@gcp-sa-cloudkms.iam.gserviceaccount.com',
      {
        kind: 'service',
        id: 'serviceAccount:service-123@gcp-sa-cloudkms.iam.gserviceaccount.com',
        name: 'service-123@gcp-sa-cloudkms.iam.gserviceaccount.com',
        account: '123',
      },
    ],
    ['projectEditor:payments-prod', { kind: 'group', id: 'projectEditor:payments-prod', name: 'projectEditor:payments-prod', account: 'payments-prod' }],
  ])('%s', (member, want) => expect(principalOf(member)).toEqual(want));

  it('drops deleted principals (they cannot act)', () => {
    expect(principalOf('deleted:serviceAccount:old@p.iam.gserviceaccount.com?uid=1')).toBeUndefined();
  });
});

describe('accessFromPolicy', () => {
  it('keeps conditional bindings with their CEL, drops expired time-bound ones, and reports roles it cannot expand', () => {
    const r = accessFromPolicy(
      {
        bindings: [
          { role: 'roles/cloudkms.signer', members: ['allUsers'], condition: { expression: 'request.time < timestamp("2020-01-01T00:00:00Z")' } },
          { role: 'roles/cloudkms.signerVerifier', members: ['user:a@x.com'], condition: { expression: 'resource.name.endsWith("/1")' } },
          { role: 'organizations/1/roles/kmsUser', members: ['user:b@x.com'] },
          { role: 'roles/storage.admin', members: ['user:c@x.com'] },
        ],
        auditConfigs: [],
      },
      'projects/p',
      { name: KEY, purpose: 'ASYMMETRIC_SIGN', versionNames: [`${KEY}/cryptoKeyVersions/1`] },
      NOW,
    );
    expect(r.entries).toEqual([
      {
        principal: { kind: 'user', id: 'user:a@x.com', name: 'a@x.com', tenant: 'x.com' },
        capabilities: ['use-sign', 'use-verify'],
        source: 'iam-binding',
        sourceId: 'projects/p#roles/cloudkms.signerVerifier',
        conditions: [{ key: 'iam.condition', operator: 'CEL', values: ['resource.name.endsWith("/1")'] }],
      },
    ]);
    expect(r.unknownRoles).toEqual(['organizations/1/roles/kmsUser']);
    expect(r.entries.some((e) => e.undecided)).toBe(false);
  });

  it('expands a custom role from its definition, and keeps an undecidable condition as undecided (never dropped)', () => {
    const roles = new Map([
      ['organizations/1/roles/kmsUser', ['use-sign', 'use-mac'] as const],
      ['projects/p/roles/gone', undefined],
    ]);
    const r = accessFromPolicy(
      {
        bindings: [
          { role: 'organizations/1/roles/kmsUser', members: ['user:b@x.com'] },
          { role: 'projects/p/roles/gone', members: ['user:d@x.com'] },
          { role: 'roles/cloudkms.signer', members: ['user:e@x.com'], condition: { expression: 'request.time.getHours("Europe/Berlin") < 18' } },
        ],
        auditConfigs: [],
      },
      'projects/p',
      { name: KEY, purpose: 'ASYMMETRIC_SIGN' },
      NOW,
      roles,
    );
    expect(r.entries.map((e) => [e.principal.id, e.capabilities])).toEqual([
      ['user:b@x.com', ['use-sign', 'use-mac']],
      ['user:e@x.com', ['use-sign']],
    ]);
    expect(r.unknownRoles).toEqual(['projects/p/roles/gone']);
    expect(r.entries.filter((e) => e.undecided).map((e) => [e.principal.id, e.undecided])).toEqual([
      ['user:e@x.com', [{ key: 'iam.condition', operator: 'CEL', values: ['request.time.getHours("Europe/Berlin") < 18'] }]],
    ]);
  });
});

describe('keys', () => {
  it('an asymmetric key takes algorithm and origin from its newest enabled version, its material age from its oldest; imported material has no known age', () => {
    const k = normalizeKey({
      key: { name: 'projects/p/locations/us/keyRings/r/cryptoKeys/k', purpose: 'ASYMMETRIC_SIGN', createTime: '2020-01-01T00:00:00Z' },
      versions: [
        {
          name: 'v1',
          state: 'ENABLED',
          algorithm: 'EC_SIGN_P256_SHA256',
          protectionLevel: 'HSM',
          createTime: '2020-01-01T00:00:00Z',
          generateTime: '2020-01-01T00:00:00Z',
        },
        {
          name: 'v2',
          state: 'ENABLED',
          algorithm: 'EC_SIGN_P256_SHA256',
          protectionLevel: 'HSM',
          createTime: '2026-01-01T00:00:00Z',
          importJob: 'j',
          importTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(k).toMatchObject({ origin: 'imported', state: 'enabled', versionCount: 2, multiRegion: true, rotation: { supported: false, automatic: false } });
    // v1 still signs: the key's oldest material in use dates from 2020, and its rotation is not finished.
    expect(k.currentVersionCreatedAt).toBe('2020-01-01T00:00:00Z');
    expect(k.rotation?.lastRotatedAt).toBeUndefined();
    expect(k.access).toBeUndefined();
    // Once v1 is disabled only the imported v2 signs: material of unknown age.
    const v1Off = normalizeKey({
      key: { name: 'projects/p/locations/us/keyRings/r/cryptoKeys/k', purpose: 'ASYMMETRIC_SIGN', createTime: '2020-01-01T00:00:00Z' },
      versions: [
        { name: 'v1', state: 'DISABLED', algorithm: 'EC_SIGN_P256_SHA256', createTime: '2020-01-01T00:00:00Z' },
        {
          name: 'v2',
          state: 'ENABLED',
          algorithm: 'EC_SIGN_P256_SHA256',
          createTime: '2026-01-01T00:00:00Z',
          importJob: 'j',
          importTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
    expect(v1Off.currentVersionCreatedAt).toBeUndefined();
  });

  it('enabled versions of different algorithms: the smallest RSA size is claimed (any enabled version may sign); types that cannot be ordered claim none', () => {
    const key = { name: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', purpose: 'ASYMMETRIC_SIGN' };
    const v = (name: string, algorithm: string, state = 'ENABLED') => ({ name, state, algorithm, createTime: `202${name}-01-01T00:00:00Z` });
    expect(normalizeKey({ key, versions: [v('1', 'RSA_SIGN_PKCS1_2048_SHA256'), v('2', 'RSA_SIGN_PKCS1_4096_SHA512')] })).toMatchObject({
      keyType: 'RSA',
      keySize: 2048,
    });
    expect(normalizeKey({ key, versions: [v('1', 'RSA_SIGN_PKCS1_2048_SHA256', 'DISABLED'), v('2', 'RSA_SIGN_PKCS1_4096_SHA512')] })).toMatchObject({
      keyType: 'RSA',
      keySize: 4096,
    });
    const mixed = normalizeKey({ key, versions: [v('1', 'RSA_SIGN_PKCS1_2048_SHA256'), v('2', 'EC_SIGN_P256_SHA256')] });
    expect([mixed.keyType, mixed.keySize, mixed.curve]).toEqual([undefined, undefined, undefined]);
  });

  it('a symmetric key whose newer version was never made primary still encrypts with its old primary: no rotation is claimed', () => {
    const version = (name: string, at: string) => ({ name, state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', createTime: at, generateTime: at });
    const key = { name: 'projects/p/locations/global/keyRings/r/cryptoKeys/data', purpose: 'ENCRYPT_DECRYPT', createTime: '2016-01-01T00:00:00Z' };
    const v1 = version('projects/p/locations/global/keyRings/r/cryptoKeys/data/cryptoKeyVersions/1', '2016-01-01T00:00:00Z');
    const v2 = version('projects/p/locations/global/keyRings/r/cryptoKeys/data/cryptoKeyVersions/2', '2026-01-01T00:00:00Z');
    const stale = normalizeKey({ key: { ...key, primary: v1 }, versions: [v1, v2] });
    expect(stale.currentVersionCreatedAt).toBe('2016-01-01T00:00:00Z');
    expect(stale.rotation?.lastRotatedAt).toBeUndefined();
    const rotated = normalizeKey({ key: { ...key, primary: v2 }, versions: [v1, v2] });
    expect(rotated.rotation?.lastRotatedAt).toBe('2026-01-01T00:00:00Z');
  });

  it('a 2016 signing version left ENABLED next to its 2026 successor keeps the key 2016 material (the Storm-0558 shape: an old key still signs)', () => {
    const version = (name: string, state: string, at: string) => ({ name, state, algorithm: 'RSA_SIGN_PKCS1_2048_SHA256', createTime: at, generateTime: at });
    const key = { name: 'projects/p/locations/global/keyRings/r/cryptoKeys/msa', purpose: 'ASYMMETRIC_SIGN', createTime: '2016-04-05T00:00:00Z' };
    const both = normalizeKey({ key, versions: [version('1', 'ENABLED', '2016-04-05T00:00:00Z'), version('2', 'ENABLED', '2026-04-05T00:00:00Z')] });
    expect(both.currentVersionCreatedAt).toBe('2016-04-05T00:00:00Z');
    expect(both.rotation?.lastRotatedAt).toBeUndefined();
    const retired = normalizeKey({ key, versions: [version('1', 'DISABLED', '2016-04-05T00:00:00Z'), version('2', 'ENABLED', '2026-04-05T00:00:00Z')] });
    expect(retired.currentVersionCreatedAt).toBe('2026-04-05T00:00:00Z');
    expect(retired.rotation?.lastRotatedAt).toBe('2026-04-05T00:00:00Z');
  });

  it.each([
    [['DESTROYED', 'DESTROY_SCHEDULED'], 'pending-deletion'],
    [['DISABLED', 'DESTROYED'], 'disabled'],
    [['DESTROYED'], 'destroyed'],
    [[], 'unavailable'],
  ])('versions %j → %s', (states, want) => {
    expect(
      keyState(
        { name: 'k' },
        states.map((s, i) => ({ name: String(i), state: s })),
      ),
    ).toBe(want);
  });

  it('external keys are external-store and do not auto-rotate', () => {
    const k = normalizeKey({
      key: {
        name: 'projects/p/locations/europe-west3/keyRings/r/cryptoKeys/k',
        purpose: 'ENCRYPT_DECRYPT',
        primary: { name: 'v', state: 'ENABLED', protectionLevel: 'EXTERNAL_VPC', algorithm: 'EXTERNAL_SYMMETRIC_ENCRYPTION' },
      },
      versions: [],
    });
    expect(k).toMatchObject({ origin: 'external-store', protection: 'external', multiRegion: false, rotation: { supported: false } });
  });
});

describe('Logging filters', () => {
  it.each([
    [undefined, true, true],
    [DEFAULT_SINK_FILTER, true, false],
    [REQUIRED_SINK_FILTER, undefined, undefined],
    ['protoPayload.serviceName="cloudkms.googleapis.com"', true, true],
    ['logName:"cloudaudit.googleapis.com%2Fdata_access"', true, false],
    ['logName="projects/p/logs/cloudaudit.googleapis.com%2Fdata_access" AND resource.type="cloudkms_cryptokey"', true, false],
    ['resource.type="gce_instance"', false, false],
    ['NOT protoPayload.serviceName="cloudkms.googleapis.com"', false, false],
    ['severity>=ERROR', undefined, undefined],
    ['(resource.type="a" OR resource.type="b")', undefined, undefined],
    // Logging query language: terms separated by whitespace alone are ANDed; spaces around = are allowed.
    ['resource.type="cloudkms_cryptokey" protoPayload.serviceName="cloudkms.googleapis.com"', true, true],
    ['resource.type = "cloudkms_cryptokey"   LOG_ID("cloudaudit.googleapis.com/data_access")', true, false],
    ['resource.type="cloudkms_cryptokey" protoPayload.methodName="Decrypt"', undefined, undefined],
    ['resource.type="cloudkms_cryptokey" NOT LOG_ID("cloudaudit.googleapis.com/activity")', true, false],
    // Regular expressions and orderings are not decided (read as 'logName=' and '~', a regex exclusion matched nothing).
    ['logName =~ "data_access"', undefined, undefined],
    ['logName=~"data_access"', undefined, undefined],
    ['resource.type="cloudkms_cryptokey" protoPayload.methodName !~ "^Get"', undefined, undefined],
    ['timestamp < "2026-01-01T00:00:00Z"', undefined, undefined],
    // Inside quotes they are only characters.
    ['resource.type="cloudkms<cryptokey>"', false, false],
  ])('%s', (filter, data, admin) => {
    expect(filterMatches(filter, KMS_DATA_ACCESS)).toBe(data);
    expect(filterMatches(filter, KMS_ADMIN_ACTIVITY)).toBe(admin);
  });

  it('a route must take the CryptoKeyVersion entries too: AsymmetricSign and MacSign name a version (resource.type cloudkms_cryptokeyversion)', () => {
    const trails = (filter: string, exclusion?: string) =>
      trailsForProject({
        project: 'p',
        audit: { enabled: new Set(['DATA_READ']), exempted: { ADMIN_READ: new Set(), DATA_READ: new Set(), DATA_WRITE: new Set() }, setAt: [] },
        sinks: [{ name: 'projects/p/sinks/kms', destination: 'storage.googleapis.com/b', filter, exclusions: exclusion ? [{ filter: exclusion }] : [] }],
        bucket: () => undefined,
      }).find((t) => t.id === 'projects/p/sinks/kms');
    expect(filterMatches('resource.type="cloudkms_cryptokey"', KMS_VERSION_DATA_ACCESS)).toBe(false);
    // A sink of the CryptoKey entries only misses every signature: it is no trail of the keys' use (nor of all their admin events).
    expect(trails('resource.type="cloudkms_cryptokey"')).toBeUndefined();
    expect(trails('resource.type="cloudkms_cryptokey" OR resource.type="cloudkms_cryptokeyversion"')?.capturesDataPlane).toBeUndefined();
    expect(trails('resource.type:"cloudkms_cryptokey"')?.capturesDataPlane).toBe(true);
    expect(trails('protoPayload.serviceName="cloudkms.googleapis.com"')?.capturesDataPlane).toBe(true);
    // An exclusion of the version entries drops them from the _Default-like sink.
    expect(trails('protoPayload.serviceName="cloudkms.googleapis.com"', 'resource.type="cloudkms_cryptokeyversion"')).toBeUndefined();
    expect(trails('protoPayload.serviceName="cloudkms.googleapis.com"', 'LOG_ID("cloudaudit.googleapis.com/activity")')?.capturesDataPlane).toBe(true);
  });

  it("a logName names its owner: an organization sink filtering on the organization's own Data Access log takes no project's entries", () => {
    const routes = (filter: string, exclusion?: string) =>
      trailsForProject({
        project: 'pay',
        audit: { enabled: new Set(['DATA_READ']), exempted: { ADMIN_READ: new Set(), DATA_READ: new Set(), DATA_WRITE: new Set() }, setAt: [] },
        sinks: [
          {
            name: 'organizations/1/sinks/kms',
            destination: 'storage.googleapis.com/b',
            filter,
            includeChildren: true,
            exclusions: exclusion ? [{ filter: exclusion }] : [],
          },
        ],
        bucket: () => undefined,
      }).find((t) => t.id.startsWith('organizations/1/sinks/kms'))?.capturesDataPlane;
    expect(routes('logName="organizations/1/logs/cloudaudit.googleapis.com%2Fdata_access"')).toBeUndefined();
    expect(routes('logName="projects/pay/logs/cloudaudit.googleapis.com%2Fdata_access"')).toBe(true);
    expect(routes('logName:"cloudaudit.googleapis.com%2Fdata_access"')).toBe(true);
    expect(routes('logName:"folders/7/logs/cloudaudit.googleapis.com%2Fdata_access"')).toBeUndefined();
    // An exclusion of another project's log drops nothing of this one.
    expect(routes('protoPayload.serviceName="cloudkms.googleapis.com"', 'logName="projects/other/logs/cloudaudit.googleapis.com%2Fdata_access"')).toBe(true);
  });

  it('an active exclusion that matches drops the entries; one it cannot decide leaves the route unknown', () => {
    const sink = {
      name: 'projects/p/sinks/_Default',
      destination: 'd',
      filter: DEFAULT_SINK_FILTER,
      exclusions: [{ filter: 'protoPayload.serviceName="cloudkms.googleapis.com"' }],
    };
    expect(sinkRoutes(sink, KMS_DATA_ACCESS)).toBe(false);
    expect(sinkRoutes({ ...sink, exclusions: [{ filter: 'protoPayload.serviceName="cloudkms.googleapis.com"', disabled: true }] }, KMS_DATA_ACCESS)).toBe(true);
    expect(sinkRoutes({ ...sink, exclusions: [{ filter: 'sample(insertId, 0.9)' }] }, KMS_DATA_ACCESS)).toBeUndefined();
    // An exclusion of the Decrypt entries (implicit AND): the sink may drop key use, so whether it records it is unknown.
    const decrypts = 'resource.type="cloudkms_cryptokey" protoPayload.methodName="Decrypt"';
    expect(sinkRoutes({ ...sink, exclusions: [{ filter: decrypts }] }, KMS_DATA_ACCESS)).toBeUndefined();
    // A regular-expression exclusion of the Data Access log may drop key use: unknown, not routed.
    expect(sinkRoutes({ ...sink, exclusions: [{ filter: 'logName =~ "data_access"' }] }, KMS_DATA_ACCESS)).toBeUndefined();
  });
});

describe('effective audit config and trails', () => {
  it('unites allServices and cloudkms configs down the hierarchy, exemptions included', () => {
    const eff = effectiveKmsAuditConfig([
      {
        resource: 'projects/p',
        policy: {
          bindings: [],
          auditConfigs: [{ service: 'cloudkms.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:a@x.com'] }] }],
        },
      },
      {
        resource: 'organizations/1',
        policy: { bindings: [], auditConfigs: [{ service: 'allServices', auditLogConfigs: [{ logType: 'DATA_READ', exemptedMembers: ['user:b@x.com'] }] }] },
      },
      {
        resource: 'folders/2',
        policy: { bindings: [], auditConfigs: [{ service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_WRITE', exemptedMembers: [] }] }] },
      },
    ]);
    expect([...eff.enabled]).toEqual(['DATA_READ']);
    expect([...eff.exempted.DATA_READ].sort()).toEqual(['user:a@x.com', 'user:b@x.com']);
  });

  it('without Data Access logs, no sink records key use; an unreadable audit config leaves it unknown', () => {
    const base = {
      project: 'p',
      sinks: [
        {
          name: 'projects/p/sinks/_Default',
          destination: 'logging.googleapis.com/projects/p/locations/global/buckets/_Default',
          filter: DEFAULT_SINK_FILTER,
          exclusions: [],
        },
      ],
      bucket: () => ({ name: 'b', retentionDays: 30, locked: false }),
    };
    const off = trailsForProject({ ...base, audit: effectiveKmsAuditConfig([]) });
    expect(off.find((t) => t.id === 'projects/p/sinks/_Default')?.capturesDataPlane).toBe(false);
    const unknown = trailsForProject(base);
    expect(unknown.find((t) => t.id === 'projects/p/sinks/_Default')?.capturesDataPlane).toBeUndefined();
  });
});

describe('config', () => {
  it('accepts plain http only for loopback, and one scope at a time', () => {
    expect(GcpConfig.safeParse({ endpoint: 'http://127.0.0.1:8080' }).success).toBe(true);
    expect(GcpConfig.safeParse({ endpoints: { cloudkms: 'https://cloudkms-psc.p.googleapis.com' } }).success).toBe(true);
    const http = GcpConfig.safeParse({ endpoint: 'http://kms.internal.example.com' });
    expect(http.success).toBe(false);
    expect(JSON.stringify(http.error?.issues)).toContain('non-loopback');
    expect(GcpConfig.safeParse({ projects: ['payments-prod'], organization: '123' }).success).toBe(false);
    expect(GcpConfig.parse({ organization: 'organizations/123456' }).organization).toBe('123456');
  });
});
