import type { ArtifactFinding } from '../model/artifact-finding.ts';
import type { AuditTrail } from '../model/audit-trail.ts';
import type { CollectionGap } from '../model/collection-gap.ts';
import { INVENTORY_VERSION, type Inventory } from '../model/inventory.ts';
import type { KeyRecord } from '../model/key-record.ts';
import type { PublishedKey } from '../model/published-key.ts';
import type { Environment, KeyClass, TrustDomain } from '../policy/schema.ts';
import type { RuleExample } from './types.ts';

/** The instant every documented example is evaluated at. */
export const EXAMPLE_NOW = '2026-06-01T00:00:00Z';

/** The policy context of the examples: the recommended pack's key classes and two scopes. */
export const EXAMPLE_POLICY: { environments: Record<string, Environment>; trustDomains: Record<string, TrustDomain>; keyClasses: Record<string, KeyClass> } = {
  environments: {
    production: { kind: 'production', match: [{ tags: { env: 'prod' } }, { principals: ['arn:aws:iam::111111111111:role/*'] }] },
    debug: { kind: 'debug', match: [{ tags: { env: 'debug' } }, { principals: ['arn:aws:iam::333333333333:*'] }] },
  },
  trustDomains: {
    consumer: { match: [{ tags: { 'trust-domain': 'consumer' } }, { principals: ['arn:aws:iam::111111111111:role/*', 'arn:aws:iam::333333333333:*'] }] },
    enterprise: { match: [{ tags: { 'trust-domain': 'enterprise' } }, { principals: ['arn:aws:iam::222222222222:*'] }] },
  },
  keyClasses: {
    'token-signing-shared': { match: [{ tags: { 'key-class': 'token-signing-shared' } }], maxAgeDays: 30, requireHsm: true, requireAutomatedRotation: true },
    'data-encryption': { match: [{ tags: { 'key-class': 'data-encryption' } }], maxAgeDays: 365, maxRotationPeriodDays: 365 },
  },
};

/** Public-key fingerprints of the example key (synthetic, well formed). */
export const EXAMPLE_FINGERPRINTS = {
  spkiSha256: '5f0c6a1e2b3d4c5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7',
  jwkThumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
};

/** A well-kept production token-signing key: every example changes only what it is about. */
export const EXAMPLE_KEY: KeyRecord = {
  id: 'arn:aws:kms:us-east-1:111111111111:key/0000-sign',
  provider: 'aws-kms',
  account: '111111111111',
  region: 'us-east-1',
  name: 'alias/token-signing',
  managedBy: 'customer',
  usage: ['sign', 'verify'],
  keyType: 'RSA',
  keySize: 3072,
  origin: 'generated',
  protection: 'hsm',
  exportable: false,
  state: 'enabled',
  createdAt: '2026-05-12T00:00:00Z',
  currentVersionCreatedAt: '2026-05-12T00:00:00Z',
  rotation: { supported: false },
  expiresAt: null,
  deletion: { protected: true },
  multiRegion: false,
  accessModel: 'key-policy',
  lastUsedAt: '2026-05-31T00:00:00Z',
  alerts: { nearExpiry: true, notifyBeforeDays: 14, source: 'declared' },
  network: { publicAccess: false, privateEndpoint: true },
  tags: {
    env: 'prod',
    'trust-domain': 'consumer',
    'key-class': 'token-signing-shared',
    'keyhygiene:rotation': 'automated',
    'keyhygiene:rotation-drill': '2026-05-20',
  },
  fingerprints: EXAMPLE_FINGERPRINTS,
  access: [
    {
      principal: { kind: 'role', id: 'arn:aws:iam::111111111111:role/token-service', name: 'token-service', account: '111111111111' },
      capabilities: ['use-sign'],
      source: 'key-policy',
    },
    {
      principal: { kind: 'role', id: 'arn:aws:iam::111111111111:role/key-admin', name: 'key-admin', account: '111111111111' },
      capabilities: ['administer'],
      source: 'key-policy',
    },
  ],
};

/** A multi-region CloudTrail trail recording KMS use, validated, kept 400 days, with a deletion alarm. */
export const EXAMPLE_TRAIL: AuditTrail = {
  id: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/org',
  provider: 'aws-kms',
  kind: 'cloudtrail',
  name: 'org',
  scope: { provider: 'aws-kms', accounts: ['111111111111'], regions: '*' },
  enabled: true,
  capturesAdminEvents: true,
  capturesDataPlane: true,
  excludedSources: [],
  destination: { kind: 'cloudwatch-logs', id: 'org-trail' },
  retentionDays: 400,
  integrityValidation: true,
  alerts: { keyDisableOrDeletion: true, keyPolicyChange: true },
};

const CONSUMER_ISSUER = 'https://login.example.com/consumers/v2.0';

/** The example key as its issuer publishes it: one consumer issuer, one set, nothing private, no known-bad match. */
export const EXAMPLE_PUBLISHED: PublishedKey = {
  id: `${CONSUMER_ISSUER}/keys#consumer-1`,
  provider: 'jwks',
  issuer: CONSUMER_ISSUER,
  url: `${CONSUMER_ISSUER}/keys`,
  kid: 'consumer-1',
  kty: 'RSA',
  use: 'sig',
  alg: 'RS256',
  keySize: 3072,
  privateMembers: [],
  labels: { trustDomain: 'consumer', environment: 'production' },
  trustedBy: [
    {
      via: 'discovery',
      issuer: CONSUMER_ISSUER,
      discoveryUrl: `${CONSUMER_ISSUER}/.well-known/openid-configuration`,
      jwksUri: `${CONSUMER_ISSUER}/keys`,
      labels: { trustDomain: 'consumer', environment: 'production' },
    },
  ],
  keySetSize: 1,
  knownCompromised: [],
  fingerprints: EXAMPLE_FINGERPRINTS,
};

/** Key material found in a production crash-dump store: a public modulus only, no private key. */
export const EXAMPLE_ARTIFACT: ArtifactFinding = {
  id: 's3://prod-crash-dumps/signer-01.dmp@4096',
  provider: 'artifacts',
  location: 's3://prod-crash-dumps/signer-01.dmp',
  offset: 4096,
  kind: 'key-material',
  artifactType: 'minidump',
  materialFormat: 'rsa-modulus-le',
  keyType: 'RSA',
  proof: 'public-key-only',
  store: { name: 'prod-crash-dumps', environment: 'production', internetReachable: false },
};

export const EXAMPLE_GAP: CollectionGap = {
  id: 'aws-kms:111111111111:us-east-1:kms:ListGrants',
  provider: 'aws-kms',
  scope: { account: '111111111111', region: 'us-east-1' },
  operation: 'kms:ListGrants',
  reason: 'AccessDenied',
  affects: ['access'],
};

/** The inventory an example is evaluated against: the example subjects with its changes applied. */
export function exampleInventory(ex: RuleExample, subject: string): Inventory {
  return {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt: EXAMPLE_NOW,
    providers: [{ id: 'example' }],
    keys: subject === 'key' || ex.key ? [{ ...EXAMPLE_KEY, ...ex.key }] : [],
    trails: [...(subject === 'key' || subject === 'trail' ? [{ ...EXAMPLE_TRAIL, ...ex.trail }] : []), ...(ex.alsoTrails ?? [])],
    publishedKeys:
      subject === 'published-key' || ex.published
        ? [{ ...EXAMPLE_PUBLISHED, ...ex.published }, ...(ex.alsoPublished ?? []).map((p) => ({ ...EXAMPLE_PUBLISHED, ...p }))]
        : [],
    artifacts: subject === 'artifact' ? [{ ...EXAMPLE_ARTIFACT, ...ex.artifact }] : [],
    gaps: subject === 'gap' ? [{ ...EXAMPLE_GAP, ...ex.gap }] : [],
  };
}
