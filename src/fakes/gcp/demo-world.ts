// The GCP estate of `keyhygiene demo` (and of the provider's tests): a fictional identity provider
// on Google Cloud, snapshotted on 2026-11-01, showing the four concerns failing and passing.
//
// - rotation: msa-signer-2016 (a 2016 signing key never rotated) and enterprise legacy-archive (no
//   auto-rotation) fail; msa-signer-2026 and user-data (90-day auto-rotation) pass.
// - scope / debug exposure: a crash-analysis service account of consumer-debug can sign with the
//   production msa-signer-2016.
// - logging: the consumer folder turns on Data Access logs for all services but exempts a bulk-export
//   service account that decrypts with user-data; enterprise-idp-prod has no Data Access logs at all
//   (Cloud KMS use is then not recorded anywhere); consumer keys are kept 400 days in a locked bucket.
// - the partner-keys ring's IAM policy cannot be read (403): its keys' access verdicts are unknown.
// - card-vault (payments ring) was imported through an HSM import job; a replay tool of
//   consumer-debug can decrypt with it through an organization custom role (read with IAM
//   roles.get), and a contractor's time-bound grant expired in 2025 (it no longer counts).
import { DEFAULT_SINK_FILTER, defaultLogging, type FakeKeyRing, type FakeProject, type GcpWorld } from './world.ts';

/** Public halves only (generated for this estate; no private key exists anywhere). */
export const DEMO_PUBLIC_KEYS = {
  msa2016:
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtiHH0cdDtubygYcUUMRF\nI7Ti0d4Qbh8fFnnZtAJ4dSHDGo/Ht/KXKebAp2elUpM2j8yvvSNWtqkHvsiu5Guf\ny+ZZlRk5B769eGckYHFJUQzm/ZPQ3WVsM33D6506eTyR2KHeTUxym8g4x5pb5Z7G\nEgRfBGDfCQmr81/WqUP+nQJhDt5wUxWTHX22FgQEPvsm8H0XPqq/BTlojyqhP9JC\nN2HF3A4geNgrE+UMtBUg3bNDJQLRttLFLV4gC7QiZ6X2kI41p2rKI/TNn/yScnGe\ne9AkxUjwiclqoOBPvioARQEUVcTclVi5fYYaH0zi2PT5oemKbTYAUcUE4Oa5nNFp\nUwIDAQAB\n-----END PUBLIC KEY-----\n',
  msa2026:
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEroG0BeYuUleMeZIEOTpxnVnebRZU\nyh01etiqPzZBHhtpZFNTsIgj9dZOzHKW8+AkCLfNHUayB3GNjTn/kxAUVA==\n-----END PUBLIC KEY-----\n',
  partner:
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAESkPz2ctpEvnKSUZDYcJ5jO+WChyc\nOq8tbJ9s3SMD+PWVAcxtUr6uLMz1t0CXmWTRvU3ECOKTVOHgoKFzFVHc+g==\n-----END PUBLIC KEY-----\n',
  aad: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEyK5UIiyaI3dqGiwhgheXBUA7Vj4A\n8Zm259zeG1xmSKu8Gm+5bYM8JKZ9IUGTq0fTwGBxe0gSvnSS6cDa8vseog==\n-----END PUBLIC KEY-----\n',
};

export const DEMO_ORG = '100000000001';
export const DENIED_RING = 'projects/enterprise-idp-prod/locations/us/keyRings/partner-keys';

const sa = (name: string, project: string): string => `serviceAccount:${name}@${project}.iam.gserviceaccount.com`;

const consumerRings: FakeKeyRing[] = [
  {
    location: 'global',
    id: 'token-signing',
    policy: { bindings: [{ role: 'roles/cloudkms.admin', members: ['group:kms-admins@example.com'] }] },
    keys: [
      {
        id: 'msa-signer-2016',
        purpose: 'ASYMMETRIC_SIGN',
        algorithm: 'RSA_SIGN_PKCS1_2048_SHA256',
        protectionLevel: 'SOFTWARE',
        createTime: '2016-04-05T00:00:00Z',
        labels: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared' },
        versions: [
          { id: '1', state: 'ENABLED', algorithm: 'RSA_SIGN_PKCS1_2048_SHA256', createTime: '2016-04-05T00:00:00Z', publicKeyPem: DEMO_PUBLIC_KEYS.msa2016 },
        ],
        policy: {
          bindings: [
            { role: 'roles/cloudkms.signer', members: [sa('token-service', 'consumer-idp-prod'), sa('crash-analyzer', 'consumer-debug')] },
            { role: 'roles/cloudkms.publicKeyViewer', members: [sa('token-service', 'consumer-idp-prod')] },
          ],
        },
      },
      {
        id: 'msa-signer-2026',
        purpose: 'ASYMMETRIC_SIGN',
        algorithm: 'EC_SIGN_P256_SHA256',
        protectionLevel: 'HSM',
        createTime: '2026-10-20T00:00:00Z',
        labels: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared' },
        versions: [
          {
            id: '1',
            state: 'ENABLED',
            algorithm: 'EC_SIGN_P256_SHA256',
            protectionLevel: 'HSM',
            createTime: '2026-10-20T00:00:00Z',
            publicKeyPem: DEMO_PUBLIC_KEYS.msa2026,
          },
        ],
        policy: { bindings: [{ role: 'roles/cloudkms.signer', members: [sa('token-service', 'consumer-idp-prod')] }] },
      },
    ],
  },
  {
    location: 'europe-west1',
    id: 'profile-data',
    keys: [
      {
        id: 'user-data',
        purpose: 'ENCRYPT_DECRYPT',
        algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
        protectionLevel: 'HSM',
        createTime: '2025-02-01T00:00:00Z',
        rotationPeriod: '7776000s',
        nextRotationTime: '2026-12-10T00:00:00Z',
        primary: '8',
        labels: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'data-encryption' },
        versions: [
          { id: '7', state: 'DISABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'HSM', createTime: '2026-06-12T00:00:00Z' },
          { id: '8', state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'HSM', createTime: '2026-09-11T00:00:00Z' },
        ],
        policy: {
          bindings: [
            {
              role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
              members: [sa('profile-service', 'consumer-idp-prod'), sa('bulk-export', 'consumer-idp-prod')],
            },
          ],
        },
      },
    ],
  },
];

export const DEMO_CUSTOM_ROLE = `organizations/${DEMO_ORG}/roles/kmsDecryptOnly`;
const PAYMENTS_RING = 'projects/consumer-idp-prod/locations/europe-west1/keyRings/payments';

const paymentsRing: FakeKeyRing = {
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
    {
      id: 'card-vault',
      purpose: 'ENCRYPT_DECRYPT',
      algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
      protectionLevel: 'HSM',
      createTime: '2026-03-02T00:00:00Z',
      importOnly: true,
      primary: '1',
      labels: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'data-encryption' },
      versions: [
        {
          id: '1',
          state: 'ENABLED',
          algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
          protectionLevel: 'HSM',
          createTime: '2026-03-02T00:00:00Z',
          importJob: `${PAYMENTS_RING}/importJobs/hsm-import-2026`,
        },
      ],
      policy: {
        bindings: [
          { role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: [sa('payments-api', 'consumer-idp-prod')] },
          { role: DEMO_CUSTOM_ROLE, members: [sa('replay-tool', 'consumer-debug')] },
          {
            role: 'roles/cloudkms.cryptoKeyDecrypter',
            members: ['user:contractor@partner.example'],
            condition: { title: 'expires_end_of_2025', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' },
          },
        ],
      },
    },
  ],
};

const enterpriseRings: FakeKeyRing[] = [
  {
    location: 'us',
    id: 'tenant-signing',
    keys: [
      {
        id: 'aad-signer',
        purpose: 'ASYMMETRIC_SIGN',
        algorithm: 'EC_SIGN_P256_SHA256',
        protectionLevel: 'HSM',
        createTime: '2026-09-15T00:00:00Z',
        labels: { env: 'prod', 'trust-domain': 'enterprise', 'key-class': 'token-signing-tenant' },
        versions: [
          {
            id: '1',
            state: 'ENABLED',
            algorithm: 'EC_SIGN_P256_SHA256',
            protectionLevel: 'HSM',
            createTime: '2026-09-15T00:00:00Z',
            publicKeyPem: DEMO_PUBLIC_KEYS.aad,
          },
        ],
        policy: { bindings: [{ role: 'roles/cloudkms.signer', members: [sa('sts', 'enterprise-idp-prod')] }] },
      },
      {
        id: 'legacy-archive',
        purpose: 'ENCRYPT_DECRYPT',
        algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION',
        protectionLevel: 'HSM',
        createTime: '2019-03-01T00:00:00Z',
        primary: '1',
        labels: { env: 'prod', 'trust-domain': 'enterprise', 'key-class': 'data-encryption' },
        versions: [{ id: '1', state: 'ENABLED', algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'HSM', createTime: '2019-03-01T00:00:00Z' }],
        policy: { bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: [sa('archiver', 'enterprise-idp-prod')] }] },
      },
    ],
  },
  {
    location: 'us',
    id: 'partner-keys',
    keys: [
      {
        id: 'partner-signer',
        purpose: 'ASYMMETRIC_SIGN',
        algorithm: 'EC_SIGN_P256_SHA256',
        protectionLevel: 'HSM',
        createTime: '2026-08-01T00:00:00Z',
        labels: { env: 'prod', 'trust-domain': 'enterprise', 'key-class': 'token-signing-tenant' },
        versions: [
          {
            id: '1',
            state: 'ENABLED',
            algorithm: 'EC_SIGN_P256_SHA256',
            protectionLevel: 'HSM',
            createTime: '2026-08-01T00:00:00Z',
            publicKeyPem: DEMO_PUBLIC_KEYS.partner,
          },
        ],
      },
    ],
  },
];

function project(projectId: string, number: string, parent: string, keyRings: FakeKeyRing[], extra: Partial<FakeProject> = {}): FakeProject {
  const logging = defaultLogging(projectId);
  return { projectId, number, parent, keyRings, buckets: logging.buckets, sinks: logging.sinks, ...extra };
}

/** The demo estate (dates as of 2026-11-01). */
export function demoWorld(): GcpWorld {
  const consumerLogging = defaultLogging('consumer-idp-prod');
  return {
    organizations: [
      {
        id: DEMO_ORG,
        displayName: 'example.com',
        policy: { bindings: [{ role: 'roles/resourcemanager.organizationAdmin', members: ['group:it@example.com'] }] },
      },
    ],
    folders: [
      {
        id: '200000000001',
        parent: `organizations/${DEMO_ORG}`,
        displayName: 'consumer',
        policy: {
          auditConfigs: [
            {
              service: 'allServices',
              auditLogConfigs: [
                { logType: 'ADMIN_READ' },
                { logType: 'DATA_READ', exemptedMembers: [sa('bulk-export', 'consumer-idp-prod')] },
                { logType: 'DATA_WRITE' },
              ],
            },
          ],
        },
      },
      { id: '200000000002', parent: `organizations/${DEMO_ORG}`, displayName: 'enterprise' },
      { id: '200000000003', parent: `organizations/${DEMO_ORG}`, displayName: 'debug' },
    ],
    projects: [
      project('consumer-idp-prod', '300000000001', 'folders/200000000001', [...consumerRings, paymentsRing], {
        buckets: [...consumerLogging.buckets, { id: 'kms-audit', retentionDays: 400, locked: true }],
        sinks: [
          ...consumerLogging.sinks,
          {
            name: 'kms-audit',
            destination: 'logging.googleapis.com/projects/consumer-idp-prod/locations/global/buckets/kms-audit',
            filter: 'protoPayload.serviceName="cloudkms.googleapis.com" AND LOG_ID("cloudaudit.googleapis.com/data_access")',
          },
        ],
      }),
      project('consumer-debug', '300000000002', 'folders/200000000003', []),
      project('enterprise-idp-prod', '300000000003', 'folders/200000000002', enterpriseRings),
    ],
    roles: [
      {
        name: DEMO_CUSTOM_ROLE,
        includedPermissions: ['cloudkms.cryptoKeyVersions.useToDecrypt', 'cloudkms.cryptoKeys.get', 'cloudkms.cryptoKeys.list'],
      },
    ],
  };
}

export { DEFAULT_SINK_FILTER };
