// Generated meta-test (issue 13): for every rule, every subject it can judge and every field of that
// subject, an inventory in which a CollectionGap hides the field must yield `unknown` when the rule
// reads the field, and must leave the outcome unchanged when it does not. Reading a field is declared
// in `meta.needs` or `meta.reads`; a rule that reads an undeclared field fails here, by name.
import { describe, expect, it } from 'vitest';
import { CLASSIFICATION, IDENTITY_FIELDS } from '../../src/engine/evaluate.ts';
import type { AccessCondition, AccessEntry } from '../../src/model/access-entry.ts';
import type { ArtifactFinding } from '../../src/model/artifact-finding.ts';
import type { AuditTrail } from '../../src/model/audit-trail.ts';
import type { CollectionGap } from '../../src/model/collection-gap.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { RULES } from '../../src/rules/index.ts';
import type { AnyRule } from '../../src/rules/types.ts';
import { CONTAINERS } from '../helpers/azure-release-policies.ts';
import { access, daysAgo, daysAhead, key, trail } from '../helpers/fixtures.ts';
import { CONSUMER, ENTERPRISE, fp, published, trust } from '../helpers/published-keys.ts';
import { runRule } from '../helpers/rule-tester.ts';

type Parts = Partial<Omit<Inventory, 'kind' | 'version'>>;

const SIGNING_FP = fp('consumer-1');

/** Rich subjects: every field collected, so each rule has something to read. */
function signingKey() {
  return key({
    aliases: ['alias/token-signing'],
    fingerprints: SIGNING_FP,
    versionCount: 2,
    rotation: { supported: true, automatic: true, periodDays: 30, lastRotatedAt: daysAgo(10), nextRotationAt: daysAhead(20) },
    expiresAt: daysAhead(200),
    notBefore: daysAgo(30),
    deletion: { protected: true },
    multiRegion: false,
    accessModel: 'key-policy',
    lastUsedAt: daysAgo(1),
    alerts: { nearExpiry: true, notifyBeforeDays: 30, rotationFailure: true, source: 'declared' },
    network: { publicAccess: false, privateEndpoint: true },
    access: [access(), access({ id: 'arn:aws:iam::111111111111:role/key-admin', name: 'key-admin' }, ['administer'])],
  });
}

const encryptionKey = () =>
  key({
    ...signingKey(),
    id: 'arn:aws:kms:us-east-1:111111111111:key/0000-enc',
    name: 'alias/data',
    usage: ['encrypt', 'decrypt'],
    keyType: 'AES',
    keySize: 256,
    fingerprints: undefined,
    tags: { env: 'prod', 'trust-domain': 'consumer', 'key-class': 'data-encryption' },
    access: [access({}, ['use-decrypt', 'use-encrypt'])],
  });

const enclaveAccess = () =>
  access({ id: 'arn:aws:iam::111111111111:role/data-processing', name: 'data-processing' }, ['use-decrypt', 'use-encrypt'], {
    sourceId: 'Enable enclave data processing',
    conditions: [
      {
        key: 'kms:RecipientAttestation:ImageSha384',
        operator: 'StringEqualsIgnoreCase',
        values: ['9fedcba8abcdef7abcdef6abcdef5abcdef4abcdef3abcdef2abcdef1abcdef1abcdef1abcdef1abcdef1abcdef1abcdef'],
      },
    ],
  });

const artifact = (): ArtifactFinding => ({
  id: '/dumps/signer.dmp@123457',
  provider: 'artifacts',
  location: '/dumps/signer.dmp',
  offset: 123457,
  kind: 'key-material',
  artifactType: 'minidump',
  materialFormat: 'rsa-modulus-le',
  keyType: 'RSA',
  proof: 'private-key-present',
  matchedKeyId: signingKey().id,
  store: { environment: 'production' },
  fingerprints: SIGNING_FP,
});

/** An Azure key near its expiry, superseded, with a public network path and a pending deletion twin. */
const azureKey = () =>
  key({
    ...signingKey(),
    id: 'https://vault-1.vault.azure.net/keys/signer',
    provider: 'azure-keyvault',
    account: '00000000-0000-0000-0000-000000000001',
    region: 'westeurope',
    container: 'vault-1',
    rotation: { supported: true, automatic: false },
    expiresAt: daysAhead(5),
    accessModel: 'rbac',
    tags: { ...signingKey().tags, 'superseded-at': '2026-05-30' },
  });

const waiver = (subject: string) => ({
  rule: 'key-material-max-age',
  subject,
  reason: 'successor ships next sprint',
  approver: 'sec-lead',
  expires: '2026-12-31',
  ticket: 'SEC-1',
});

const TENANT = 'e7e7e7e7-0000-4000-8000-000000000001';
/** A tenant with sign-ins exported for 730 days and MailItemsAccessed on every mailbox. */
const identityTrails = (): AuditTrail[] => [
  {
    id: 'entra-export',
    provider: 'entra',
    kind: 'entra-diagnostic-setting',
    scope: { provider: 'entra', accounts: [TENANT] },
    enabled: true,
    retentionDays: 730,
    identity: { tenantId: TENANT, records: ['token-issuance'], premium: true, auditPremium: true },
  },
  {
    id: 'm365-audit',
    provider: 'm365',
    kind: 'm365-audit',
    scope: { provider: 'm365', accounts: [TENANT] },
    enabled: true,
    identity: {
      tenantId: TENANT,
      records: ['token-use'],
      premium: true,
      unifiedAuditLogIngestion: true,
      organizationAuditDisabled: false,
      mailboxes: { total: 2, auditing: 2, mailItemsAccessed: 2 },
    },
  },
];
const IDENTITY_POLICY = {
  keyClasses: {
    'token-signing-shared': { match: [{ tags: { 'key-class': 'token-signing-shared' } }], maxAgeDays: 30, logging: { issuance: 365, use: 180 } },
  },
  tokenIssuers: { enterprise: { issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, keys: [{ ids: [signingKey().id] }], tenants: [TENANT] } },
};

const SHARED_ENDPOINT = 'https://login.example.com/common/discovery/v2.0/keys';

interface Variant {
  name: string;
  parts: () => Parts;
  waivers?: ReturnType<typeof waiver>[];
  /** Policy parts beyond TEST_POLICY (key classes with logging, token issuers). */
  policy?: Parameters<typeof runRule>[1]['policy'];
  target: (p: Parts) => { id: string; provider: string } & Record<string, unknown>;
}

const VARIANTS: Record<string, Variant[]> = {
  key: [
    { name: 'published signing key', parts: () => ({ keys: [signingKey()], publishedKeys: [published()] }), target: (p) => p.keys?.[0] as never },
    { name: 'encryption key', parts: () => ({ keys: [encryptionKey()] }), target: (p) => p.keys?.[0] as never },
    {
      // AWS KMS's documented Nitro Enclaves statement: decrypt only with the production image's attestation.
      name: 'Nitro Enclave key pinned to its image',
      parts: () => ({ keys: [key({ ...encryptionKey(), id: 'arn:aws:kms:us-east-1:111111111111:key/0000-enclave', access: [enclaveAccess()] })] }),
      target: (p) => p.keys?.[0] as never,
    },
    { name: 'azure key near expiry', parts: () => ({ keys: [azureKey()] }), target: (p) => p.keys?.[0] as never },
    {
      name: 'key pending deletion',
      parts: () => ({ keys: [key({ ...signingKey(), state: 'pending-deletion', deletion: { protected: true, scheduledAt: daysAhead(7) } })] }),
      target: (p) => p.keys?.[0] as never,
    },
    { name: 'waived key', parts: () => ({ keys: [signingKey()] }), target: (p) => p.keys?.[0] as never, waivers: [waiver(signingKey().id)] },
    {
      // Secure Key Release to a non-debuggable SEV-SNP container, attested by Azure Attestation.
      name: 'exportable Azure key with a release policy',
      parts: () => ({ keys: [key({ ...azureKey(), exportable: true, releasePolicy: { immutable: true, document: CONTAINERS } })] }),
      target: (p) => p.keys?.[0] as never,
    },
    {
      name: 'token-signing key whose class requires identity-plane records',
      parts: () => ({ keys: [signingKey()], trails: [trail(), ...identityTrails()] }),
      target: (p) => p.keys?.[0] as never,
      policy: IDENTITY_POLICY,
    },
  ],
  'published-key': [
    { name: 'inventoried published key', parts: () => ({ publishedKeys: [published()], keys: [signingKey()] }), target: (p) => p.publishedKeys?.[0] as never },
    {
      name: 'key set shared by two issuers',
      parts: () => ({
        publishedKeys: [
          published({ issuer: undefined, labels: undefined, keyIssuer: CONSUMER, trustedBy: [trust(CONSUMER, 'consumer'), trust(ENTERPRISE, 'enterprise')] }),
        ],
      }),
      target: (p) => p.publishedKeys?.[0] as never,
    },
    {
      // Storm-0558's flaw: an enterprise relying party trusting a shared endpoint without validating the issuer.
      name: 'consumer key on an endpoint an enterprise relying party trusts',
      parts: () => ({
        publishedKeys: [
          published({
            url: SHARED_ENDPOINT,
            issuer: undefined,
            labels: { trustDomain: 'consumer' },
            trustedBy: [trust(CONSUMER, 'consumer', 'production', SHARED_ENDPOINT), trust(ENTERPRISE, 'enterprise', 'production', SHARED_ENDPOINT)],
          }),
        ],
      }),
      target: (p) => p.publishedKeys?.[0] as never,
      policy: { relyingParties: { 'enterprise-mail': { trustDomain: 'enterprise', trusts: [SHARED_ENDPOINT], validatesIssuer: false } } } as never,
    },
  ],
  trail: [
    { name: 'organization trail', parts: () => ({ trails: [trail()], keys: [signingKey()] }), target: (p) => p.trails?.[0] as never },
    { name: 'Microsoft 365 audit evidence', parts: () => ({ trails: identityTrails().slice(1) }), target: (p) => p.trails?.[0] as never },
  ],
  artifact: [
    { name: 'private key in a dump', parts: () => ({ artifacts: [artifact()], keys: [signingKey()] }), target: (p) => p.artifacts?.[0] as never },
    {
      name: 'crash dump in a debug share',
      parts: () => ({
        artifacts: [
          {
            id: '/shares/crash/signer.dmp',
            provider: 'artifacts',
            location: '/shares/crash/signer.dmp',
            offset: 0,
            kind: 'memory-artifact',
            artifactType: 'minidump',
            store: { environment: 'production' },
          },
        ],
      }),
      target: (p) => p.artifacts?.[0] as never,
    },
  ],
};

/** Top-level fields a rule declares it reads in `needs` or `reads`. */
const declared = (rule: AnyRule): Set<string> =>
  new Set(
    [...(rule.meta.needs ?? []).flatMap((n) => (typeof n === 'string' ? [n] : [...n])), ...(rule.meta.reads ?? [])].map((f) => f.split('.')[0] as string),
  );
/** What TEST_POLICY's matchers read: a rule declaring `classification` reads these through ctx.scope. */
const viaClassification = new Set(['tags']);
const usesClassification = (rule: AnyRule): boolean => (rule.meta.reads ?? []).includes(CLASSIFICATION);

function hide(parts: Parts, subject: { id: string; provider: string }, field: string): Parts {
  const g: CollectionGap = {
    id: `${subject.provider}:test:hide-${field}`,
    provider: subject.provider,
    scope: { subjectId: subject.id },
    operation: `test:Read${field}`,
    reason: 'AccessDenied (injected)',
    affects: [field],
  };
  return { ...parts, gaps: [...(parts.gaps ?? []), g] };
}

let checked = 0;
// Rules about gaps themselves (collection-complete) have no field a gap could hide.
for (const rule of RULES.filter((r) => r.meta.subject !== 'gap')) {
  const variants = VARIANTS[rule.meta.subject] ?? [];
  describe(`${rule.id} never passes on a hidden field`, () => {
    for (const v of variants) {
      const parts = v.parts();
      const subject = v.target(parts);
      const baseline = runRule(rule, { inventory: parts, waivers: v.waivers, policy: v.policy }).outcome;
      if (baseline === 'not-applicable') continue;
      const fields = Object.keys(subject).filter((f) => !IDENTITY_FIELDS.has(f));
      const reads = declared(rule);
      for (const field of fields) {
        checked++;
        it(`${v.name}: ${field} behind a gap → ${reads.has(field) ? 'unknown' : viaClassification.has(field) && usesClassification(rule) ? `${baseline} or unknown` : `unchanged (${baseline})`}`, () => {
          const { outcome, results } = runRule(rule, { inventory: hide(parts, subject, field), waivers: v.waivers, policy: v.policy });
          if (reads.has(field)) {
            expect(outcome, `${rule.id} declares ${field} but decided ${outcome} with it hidden`).toBe('unknown');
            expect(results[0]?.message).toContain('AccessDenied (injected)');
          } else if (viaClassification.has(field) && usesClassification(rule)) {
            // Read through ctx.scope only on some paths: either that path was not taken, or it stopped.
            expect([baseline, 'unknown'], `${rule.id} decided ${outcome} on a hidden classification input`).toContain(outcome);
            if (outcome === 'unknown') expect(results[0]?.message).toContain('AccessDenied (injected)');
          } else {
            expect(outcome, `${rule.id} reads ${field} without declaring it in meta.needs or meta.reads`).toBe(baseline);
          }
        });
      }
    }
  });
}

// Issue 15: an access entry whose conditions the evaluator could not decide (`undecided`) may or may
// not exist. For every rule that reads access, entries that make it fail when decided must make it
// unknown (naming the condition) when undecided: never a definite failure, never a pass.
const UNDECIDED: AccessCondition[] = [{ key: 'aws:SourceIp', operator: 'IpAddress', values: ['203.0.113.0/24'] }];
const riskyAccess = (undecided?: AccessCondition[]): AccessEntry[] =>
  [
    access({ kind: 'public', id: '*', name: undefined, account: undefined }, ['use-decrypt'], { source: 'grant', sourceId: 'grant-public' }),
    access(
      { id: 'arn:aws:iam::333333333333:role/debug-shell', name: 'debug-shell', account: '333333333333' },
      ['use-sign', 'use-decrypt', 'administer', 'create-grant'],
      {
        source: 'grant',
        sourceId: 'grant-debug',
      },
    ),
    access({ id: 'arn:aws:iam::111111111111:role/data-processing', name: 'data-processing' }, ['use-decrypt'], { sourceId: 'Allow use of the key' }),
  ].map((e) => (undecided ? { ...e, undecided } : e));
const withAccess = (parts: Parts, extra: AccessEntry[]): Parts => ({
  ...parts,
  keys: parts.keys?.map((k, i) => (i === 0 ? { ...k, access: [...(k.access ?? []), ...extra] } : k)),
});
const accessReaders = RULES.filter((r) => r.meta.subject === 'key' && declared(r).has('access'));
const undecidedChecked = new Set<string>();
for (const rule of accessReaders) {
  describe(`${rule.id}: an undecided access is unknown, never a pass or a failure`, () => {
    for (const v of VARIANTS.key ?? []) {
      if (v.waivers) continue;
      const parts = v.parts();
      if (runRule(rule, { inventory: parts, policy: v.policy }).outcome !== 'pass') continue;
      if (runRule(rule, { inventory: withAccess(parts, riskyAccess()), policy: v.policy }).outcome !== 'fail') continue;
      undecidedChecked.add(rule.id);
      it(`${v.name}: the entries that fail it, undecided → unknown`, () => {
        const { outcome, results } = runRule(rule, { inventory: withAccess(parts, riskyAccess(UNDECIDED)), policy: v.policy });
        expect(outcome, `${rule.id} decided ${outcome} on undecided access`).toBe('unknown');
        expect(results[0]?.message).toContain('aws:SourceIp');
      });
    }
  });
}

describe('the generated matrix', () => {
  it('covers every rule that judges keys, published keys, trails or artifacts', () => {
    const judged = RULES.filter((r) => r.meta.subject !== 'gap');
    const covered = judged.filter((r) =>
      (VARIANTS[r.meta.subject] ?? []).some((v) => runRule(r, { inventory: v.parts(), waivers: v.waivers, policy: v.policy }).outcome !== 'not-applicable'),
    );
    expect(judged.map((r) => r.id).filter((id) => !covered.some((c) => c.id === id))).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('covers every rule that reads access with the undecided-access check', () => {
    expect(accessReaders.map((r) => r.id).filter((id) => !undecidedChecked.has(id))).toEqual([]);
  });

  it('issue 13: a retired, still-published key whose tags could not be read is unknown, not pass', () => {
    const rule = RULES.find((r) => r.id === 'retired-key-still-published') as AnyRule;
    const parts = { keys: [signingKey()], publishedKeys: [published()] };
    expect(runRule(rule, { inventory: parts }).outcome).toBe('pass');
    const hidden = hide({ ...parts, keys: [{ ...signingKey(), tags: undefined }] }, signingKey(), 'tags');
    expect(runRule(rule, { inventory: hidden }).outcome).toBe('unknown');
  });
});
