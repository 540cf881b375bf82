// Typed builders for model records: a well-kept subject with every field collected, so each test
// changes exactly the field it is about.
import type { AccessEntry, Principal } from '../../src/model/access-entry.ts';
import type { AuditTrail } from '../../src/model/audit-trail.ts';
import type { CollectionGap } from '../../src/model/collection-gap.ts';
import { INVENTORY_VERSION, type Inventory } from '../../src/model/inventory.ts';
import type { KeyRecord } from '../../src/model/key-record.ts';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const daysAgo = (n: number, from: Date = NOW): string => new Date(from.getTime() - n * 86_400_000).toISOString();
export const daysAhead = (n: number, from: Date = NOW): string => new Date(from.getTime() + n * 86_400_000).toISOString();

export const ACCOUNT = '111111111111';

export function principal(overrides: Partial<Principal> = {}): Principal {
  return { kind: 'role', id: `arn:aws:iam::${ACCOUNT}:role/token-service`, name: 'token-service', account: ACCOUNT, ...overrides };
}

export function access(p: Partial<Principal> = {}, capabilities: AccessEntry['capabilities'] = ['use-sign'], extra: Partial<AccessEntry> = {}): AccessEntry {
  return { principal: principal(p), capabilities, source: 'key-policy', ...extra };
}

/** A well-kept production signing key in the consumer trust domain. */
export function key(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000-sign`,
    provider: 'aws-kms',
    account: ACCOUNT,
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
    createdAt: daysAgo(20),
    currentVersionCreatedAt: daysAgo(20),
    rotation: { supported: false },
    expiresAt: null,
    tags: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'token-signing-shared', 'keyhygiene:rotation': 'automated' },
    access: [access()],
    ...overrides,
  };
}

export function trail(overrides: Partial<AuditTrail> = {}): AuditTrail {
  return {
    id: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`,
    provider: 'aws-kms',
    kind: 'cloudtrail',
    name: 'org',
    scope: { provider: 'aws-kms', accounts: [ACCOUNT], regions: '*' },
    enabled: true,
    capturesAdminEvents: true,
    capturesDataPlane: true,
    excludedSources: [],
    destination: { kind: 'cloudwatch-logs', id: 'org-trail' },
    retentionDays: 400,
    integrityValidation: true,
    ...overrides,
  };
}

export function gap(overrides: Partial<CollectionGap> = {}): CollectionGap {
  return {
    id: 'aws-kms:111111111111:us-east-1:kms:ListGrants',
    provider: 'aws-kms',
    scope: { account: ACCOUNT, region: 'us-east-1' },
    operation: 'kms:ListGrants',
    reason: 'AccessDenied',
    affects: ['access'],
    ...overrides,
  };
}

export function inventory(parts: Partial<Omit<Inventory, 'kind' | 'version'>> = {}): Inventory {
  return {
    kind: 'keyhygiene-inventory',
    version: INVENTORY_VERSION,
    generatedAt: NOW.toISOString(),
    providers: [{ id: 'test' }],
    keys: [],
    trails: [trail()],
    publishedKeys: [],
    artifacts: [],
    gaps: [],
    ...parts,
  };
}
