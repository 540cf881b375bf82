// The real AWS SDK clients against the loopback simulator: pagination, throttling, partial failures,
// timeouts, bad input, and proof that only allowlisted operations are ever sent.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListKeysCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { auditInventory, collectInventory } from '../../../src/audit.ts';
import { fingerprintsFromSpki } from '../../../src/crypto/fingerprint.ts';
import { UserError } from '../../../src/errors.ts';
import { type AwsFake, type FakeOptions, type FakeWorld, startAwsFake } from '../../../src/fakes/aws/server.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import { AWS_OPERATIONS, createAwsTransport } from '../../../src/providers/aws/client.ts';
import awsProvider, { type AwsCollectOverrides, collectAws, FAST_SKIPPED_FIELDS } from '../../../src/providers/aws/index.ts';
import type { AwsConfigInput } from '../../../src/providers/aws/schema.ts';
import { ReadOnlyViolation } from '../../../src/providers/kit/index.ts';
import { rulesReadingFields } from '../../../src/rules/fields.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { LOCKED, MEMBER, MGMT, SIGNING_SPKI, world } from './world.ts';

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const NOW = new Date('2026-06-01T00:00:00Z');
const REGIONS = ['eu-west-1', 'us-east-1'];

async function run(config: AwsConfigInput, opts: { world?: FakeWorld; fake?: FakeOptions; overrides?: AwsCollectOverrides } = {}) {
  fake = await startAwsFake(opts.world ?? world(), opts.fake);
  const warnings: string[] = [];
  const out = await collectAws(
    // The whole published quota (fraction 1): CloudTrail's shared 10 reads/s at the default half paced
    // every run to ~0.4 s. Pacing has tests of its own (test/providers/kit, test/inventory/shard).
    { regions: REGIONS, retryBaseMs: 1, quotaFraction: 1, ...config },
    { now: () => NOW, baseDir: '.', env: process.env, warn: (m) => warnings.push(m) },
    { endpoint: fake.url, ...opts.overrides },
  );
  return { out, warnings, fake };
}

const keyById = <T extends { id: string }>(keys: T[], suffix: string): T | undefined => keys.find((k) => k.id.endsWith(`:key/${suffix}`));
const allowed = new Set<string>(AWS_OPERATIONS);

describe('AWS provider against the simulator', () => {
  it('inventories keys, aliases, tags, policies, grants, rotation and public keys, sending only allowlisted operations', async () => {
    const { out, fake } = await run({});
    expect(out.keys.map((k) => k.id.split(':key/')[1])).toEqual(['1111-eu', '1111-awsmanaged', '1111-imported', '1111-pending', '1111-sign', '1111-sym']);
    const sym = keyById(out.keys, '1111-sym');
    expect(sym).toMatchObject({
      account: MGMT,
      region: 'us-east-1',
      name: 'alias/data',
      tags: { env: 'prod', 'key-class': 'data-encryption' },
      rotation: { supported: true, automatic: true, periodDays: 180, lastRotatedAt: '2025-01-01T00:00:00.000Z' },
      currentVersionCreatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(sym?.access?.find((a) => a.source === 'grant')?.principal.account).toBe(MEMBER);
    const sign = keyById(out.keys, '1111-sign');
    expect(sign?.publicKey).toBe(SIGNING_SPKI);
    expect(sign?.fingerprints).toEqual(fingerprintsFromSpki(Buffer.from(SIGNING_SPKI, 'base64')));
    expect(sign?.access?.some((a) => a.principal.kind === 'public' && !a.confined)).toBe(true);
    expect(keyById(out.keys, '1111-awsmanaged')?.managedBy).toBe('provider');
    const ops = fake.operations();
    expect(ops.every((o) => allowed.has(o))).toBe(true);
    expectOnlyDeclared(ops, awsProvider);
    expect(ops).toContain('kms:ListGrants');
    expect(fake.requests.filter((r) => r.op === 'kms:GetPublicKey').map((r) => r.input.KeyId)).toEqual(['1111-sign']);
    // GetKeyRotationStatus only for rotatable keys (symmetric, AWS_KMS origin).
    expect(
      fake.requests
        .filter((r) => r.op === 'kms:GetKeyRotationStatus')
        .map((r) => String(r.input.KeyId))
        .sort(),
    ).toEqual(['1111-awsmanaged', '1111-pending', '1111-sym']);
  });

  it('turns a key policy that is not valid JSON into a gap on access, not a crash', async () => {
    const { out } = await run({});
    const imported = keyById(out.keys, '1111-imported');
    expect(imported?.access).toBeUndefined();
    expect(imported?.expiresAt).toBe('2027-01-01T00:00:00.000Z');
    const gap = out.gaps.find((g) => g.id === `aws-kms:${MGMT}:us-east-1:kms:GetKeyPolicy:1111-imported`);
    expect(gap).toMatchObject({ operation: 'kms:GetKeyPolicy', affects: ['access'], scope: { subjectId: imported?.id } });
    expect(gap?.reason).toMatch(/not valid JSON/);
  });

  it('a disabled or pending-deletion asymmetric key is not asked for its public key (KMS refuses it in those states): an unsupported gap says why', async () => {
    const w = world();
    const keys = w.accounts[0]?.regions['us-east-1']?.keys ?? [];
    for (const [id, state, extra] of [
      ['1111-sign-disabled', 'Disabled', {}],
      ['1111-sign-deleting', 'PendingDeletion', { deletionDate: '2026-07-01T00:00:00Z' }],
    ] as const)
      keys.push({ id, spec: 'RSA_3072', usage: 'SIGN_VERIFY', state, createdAt: '2023-01-01T00:00:00Z', publicKey: SIGNING_SPKI, ...extra });
    const { out, fake } = await run({ regions: ['us-east-1'] }, { world: w });
    const gaps = out.gaps.filter((g) => g.operation === 'kms:GetPublicKey');
    expect(gaps.map((g) => [g.scope.subjectId?.split(':key/')[1], g.kind, g.affects])).toEqual([
      ['1111-sign-deleting', 'unsupported', ['publicKey', 'fingerprints']],
      ['1111-sign-disabled', 'unsupported', ['publicKey', 'fingerprints']],
    ]);
    expect(gaps[1]?.reason).toMatch(/KMS does not return the public key of a key in state Disabled/);
    expect(fake.requests.filter((r) => r.op === 'kms:GetPublicKey').map((r) => r.input.KeyId)).toEqual(['1111-sign']);
    expect(keyById(out.keys, '1111-sign-disabled')).toMatchObject({ state: 'disabled', keyType: 'RSA', keySize: 3072 });
    expect(keyById(out.keys, '1111-sign-deleting')).toMatchObject({ state: 'pending-deletion' });
    expect(keyById(out.keys, '1111-sign-deleting')?.publicKey).toBeUndefined();
  });

  it('records trails: organization, write-only, KMS excluded; log group retention', async () => {
    const { out } = await run({ accounts: 'organization', assumeRole: 'audit' });
    const byName = Object.fromEntries(out.trails.map((t) => [t.name, t]));
    expect(byName['org-trail']).toMatchObject({
      scope: { accounts: '*', regions: '*' },
      enabled: true,
      capturesDataPlane: true,
      retentionDays: 400,
      integrityValidation: true,
    });
    // S3-only trails: retention from the bucket lifecycle (no lifecycle rule = kept indefinitely).
    expect(byName['writes-only']).toMatchObject({ scope: { accounts: [MGMT], regions: ['eu-west-1'] }, capturesDataPlane: false, retentionDays: null });
    expect(byName['no-kms']).toMatchObject({ scope: { accounts: [MEMBER] }, excludedSources: ['kms.amazonaws.com'], retentionDays: 90 });
    expect(out.trails).toHaveLength(3);
  });

  it('a bucket lifecycle that cannot be read leaves the trail retention unknown, with a gap', async () => {
    const { out } = await run({ regions: ['eu-west-1'] }, { fake: { faults: [{ op: 's3:GetBucketLifecycleConfiguration', error: 'AccessDenied' }] } });
    const t = out.trails.find((x) => x.name === 'writes-only');
    expect(t && 'retentionDays' in t).toBe(false);
    expect(out.gaps.find((g) => g.operation === 's3:GetBucketLifecycleConfiguration')).toMatchObject({
      affects: ['retentionDays'],
      scope: { subjectId: t?.id },
    });
  });

  it('pages through every list with small pages', async () => {
    const w = world();
    const keys = w.accounts[0]?.regions['us-east-1']?.keys ?? [];
    for (let i = 0; i < 7; i++)
      keys.push({ id: `extra-${i}`, createdAt: '2025-01-01T00:00:00Z', aliases: [`alias/extra-${i}`], tags: { a: '1', b: '2', c: '3' } });
    const { out, fake } = await run({ regions: ['us-east-1'] }, { world: w, overrides: { pageSize: 2 } });
    expect(out.keys).toHaveLength(12);
    expect(keyById(out.keys, 'extra-6')).toMatchObject({ name: 'alias/extra-6', tags: { a: '1', b: '2', c: '3' } });
    const listKeys = fake.requests.filter((r) => r.op === 'kms:ListKeys');
    expect(listKeys).toHaveLength(6);
    expect(listKeys.map((r) => r.input.Marker)).toEqual([undefined, '2', '4', '6', '8', '10']);
    expect(fake.requests.filter((r) => r.op === 'kms:ListAliases').length).toBeGreaterThan(5);
    expect(fake.requests.filter((r) => r.op === 'kms:ListResourceTags' && r.input.KeyId === 'extra-0')).toHaveLength(2);
    expect(keyById(out.keys, '1111-sym')?.rotation?.lastRotatedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  it('retries throttling and loses no key', async () => {
    const { out, fake } = await run({ regions: ['us-east-1'] }, { fake: { faults: [{ op: 'kms:DescribeKey', error: 'Throttling', times: 2 }] } });
    expect(out.gaps.filter((g) => g.operation !== 'kms:GetKeyPolicy')).toEqual([]);
    expect(out.keys).toHaveLength(5);
    expect(out.stats.throttled).toBe(10);
    expect(fake.stats.faults).toBe(10);
  });

  it('AccessDenied for a region becomes a region gap; the other region is still audited', async () => {
    const { out } = await run({}, { fake: { faults: [{ region: 'eu-west-1', op: 'kms:ListKeys', error: 'AccessDenied' }] } });
    const gap = out.gaps.find((g) => g.operation === 'kms:ListKeys');
    expect(gap).toEqual({
      id: `aws-kms:${MGMT}:eu-west-1:kms:ListKeys`,
      provider: 'aws-kms',
      scope: { account: MGMT, region: 'eu-west-1' },
      operation: 'kms:ListKeys',
      reason: expect.stringMatching(
        new RegExp(`^the KMS keys of account ${MGMT} in eu-west-1 could not be read: access denied \\(HTTP 400, AccessDeniedException\\); grant kms:ListKeys`),
      ),
      kind: 'denied',
      detail: expect.stringMatching(/not authorized/),
    });
    expect(out.keys.every((k) => k.region === 'us-east-1')).toBe(true);
    expect(out.keys).toHaveLength(5);
  });

  it('a region whose key list fails still has its trails listed: no trail is lost behind a gap that names only keys', async () => {
    // Single-region trail `writes-only` lives in MGMT eu-west-1 and is visible nowhere else.
    const { out, fake } = await run(
      { accounts: 'organization', assumeRole: 'audit' },
      { fake: { faults: [{ account: MGMT, region: 'eu-west-1', op: 'kms:ListKeys', error: 'AccessDenied' }] } },
    );
    expect(out.gaps.find((g) => g.id === `aws-kms:${MGMT}:eu-west-1:kms:ListKeys`)?.kind).toBe('denied');
    expect(fake.requests.some((r) => r.op === 'cloudtrail:DescribeTrails' && r.account === MGMT && r.region === 'eu-west-1')).toBe(true);
    expect(out.trails.map((t) => t.name).sort()).toEqual(['no-kms', 'org-trail', 'writes-only']);
  });

  it('a region whose key list and trail list both fail: the trail list has its own gap on `trails`', async () => {
    const { out } = await run(
      { accounts: 'organization', assumeRole: 'audit' },
      { fake: { faults: [{ account: MGMT, region: 'eu-west-1', error: 'AccessDenied' }] } },
    );
    expect(out.gaps.find((g) => g.id === `aws-kms:${MGMT}:eu-west-1:cloudtrail:DescribeTrails`)).toMatchObject({
      scope: { account: MGMT, region: 'eu-west-1' },
      affects: ['trails'],
      kind: 'denied',
    });
    expect(out.trails.map((t) => t.name)).not.toContain('writes-only');
  });

  it('AccessDenied on one key: a gap that names the fields it leaves unknown; every key still ends with a record', async () => {
    const { out } = await run(
      { regions: ['us-east-1'] },
      {
        fake: {
          faults: [
            { keyId: '1111-sym', op: 'kms:ListGrants', error: 'AccessDenied' },
            { keyId: '1111-sign', op: 'kms:DescribeKey', error: 'AccessDenied' },
            { keyId: '1111-pending', op: 'kms:ListKeyRotations', error: 'Internal' },
          ],
        },
      },
    );
    expect(out.keys).toHaveLength(5);
    expect(keyById(out.keys, '1111-sym')?.access).toBeUndefined();
    expect(keyById(out.keys, '1111-sym')?.tags).toBeDefined();
    expect(out.gaps.find((g) => g.id.endsWith(':kms:ListGrants:1111-sym'))?.affects).toEqual(['access']);
    const sign = keyById(out.keys, '1111-sign');
    expect(sign).toEqual({ id: `arn:aws:kms:us-east-1:${MGMT}:key/1111-sign`, provider: 'aws-kms', account: MGMT, region: 'us-east-1', name: '1111-sign' });
    const describeGap = out.gaps.find((g) => g.id.endsWith(':kms:DescribeKey:1111-sign'));
    expect(describeGap?.affects).toBeUndefined();
    expect(describeGap?.scope.subjectId).toBe(sign?.id);
    expect(out.gaps.find((g) => g.id.endsWith(':kms:ListKeyRotations:1111-pending'))?.affects).toContain('currentVersionCreatedAt');
    expect(keyById(out.keys, '1111-pending')?.currentVersionCreatedAt).toBeUndefined();
  });

  it('a region that times out becomes a gap after the configured timeout', async () => {
    const started = Date.now();
    const { out } = await run({ timeoutMs: 300, maxAttempts: 2 }, { fake: { faults: [{ region: 'eu-west-1', error: 'Timeout' }] } });
    expect(Date.now() - started).toBeLessThan(10_000);
    const gap = out.gaps.find((g) => g.id === `aws-kms:${MGMT}:eu-west-1:kms:ListKeys`);
    expect(gap).toMatchObject({ kind: 'timeout', detail: expect.stringMatching(/within 300 ms/) });
    expect(gap?.reason).toMatch(/could not be read: no answer before the call deadline .*raise timeoutMs/);
    expect(out.keys.filter((k) => k.region === 'us-east-1')).toHaveLength(5);
  });

  it('a provider budget that runs out ends the run promptly: unread parts become cancelled gaps, listed keys still get a record', async () => {
    const started = Date.now();
    // DescribeKey never answers; its 10 s call deadline is longer than the 2 s budget.
    const { out, fake } = await run({ regions: ['us-east-1'], budgetMs: 2000 }, { fake: { faults: [{ op: 'kms:DescribeKey', error: 'Timeout' }] } });
    expect(Date.now() - started).toBeLessThan(6_000);
    const cancelled = out.gaps.filter((g) => g.kind === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled[0]?.reason).toMatch(/time budget ran out.*raise the provider's budgetMs/);
    // Every key ListKeys returned ends as a record (possibly bare), none silently dropped.
    expect(fake.requests.some((r) => r.op === 'kms:ListKeys')).toBe(true);
    expect(out.keys).toHaveLength(5);
    expect(out.gaps.filter((g) => g.operation === 'kms:DescribeKey').map((g) => g.kind)).toEqual(Array(5).fill('cancelled'));
    expect(out.gaps.every((g) => g.kind !== undefined)).toBe(true);
  });

  it('scans an organization with an assume-role template; a role that cannot be assumed is an account gap', async () => {
    const { out, fake } = await run({ accounts: 'organization', assumeRole: 'arn:aws:iam::{account}:role/KeyhygieneAudit' });
    expect([...new Set(out.keys.map((k) => k.account))].sort()).toEqual([MGMT, MEMBER]);
    expect(out.gaps.find((g) => g.operation === 'sts:AssumeRole')).toMatchObject({ id: `aws-kms:${LOCKED}:*:sts:AssumeRole`, scope: { account: LOCKED } });
    const assumed = fake.requests.filter((r) => r.op === 'sts:AssumeRole').map((r) => r.input.RoleArn);
    expect(assumed.sort()).toEqual([`arn:aws:iam::${MEMBER}:role/KeyhygieneAudit`, `arn:aws:iam::${LOCKED}:role/KeyhygieneAudit`]);
    // Member-account keys were read with the member's credentials.
    expect(fake.requests.filter((r) => r.op === 'kms:DescribeKey' && r.account === MEMBER).map((r) => r.accessKeyId)).toEqual([`ASIA${MEMBER}`]);
  });

  it('skips suspended accounts and discovers enabled regions when none are configured', async () => {
    const w = world();
    w.suspended = [LOCKED];
    w.enabledRegions = ['eu-west-1', 'us-east-1', 'ap-south-1'];
    const { out, fake } = await run({ regions: undefined, accounts: 'organization', assumeRole: 'audit' }, { world: w });
    expect(out.gaps.filter((g) => g.operation === 'sts:AssumeRole')).toEqual([]);
    expect(fake.operations()).toContain('ec2:DescribeRegions');
    expect(new Set(fake.requests.filter((r) => r.op === 'kms:ListKeys').map((r) => r.region))).toEqual(new Set(['ap-south-1', 'eu-west-1', 'us-east-1']));
  });

  it('fast profile skips ListGrants and ListKeyRotations, leaves those fields absent and says which rules become unknown', async () => {
    const { out, warnings, fake } = await run({ profile: 'fast' });
    expect(fake.operations()).not.toContain('kms:ListGrants');
    expect(fake.operations()).not.toContain('kms:ListKeyRotations');
    expect(out.keys.every((k) => k.access === undefined)).toBe(true);
    expect(keyById(out.keys, '1111-sym')?.currentVersionCreatedAt).toBeUndefined();
    expect(keyById(out.keys, '1111-sign')?.currentVersionCreatedAt).toBe('2023-05-01T00:00:00.000Z');
    expect(out.skipped).toEqual([...FAST_SKIPPED_FIELDS]);
    expect(rulesReadingFields(FAST_SKIPPED_FIELDS)).toEqual(expect.arrayContaining(['key-material-max-age', 'no-public-principal', 'cross-scope-access']));
    // GetKeyRotationStatus still runs: automatic rotation stays known.
    expect(rulesReadingFields(FAST_SKIPPED_FIELDS)).not.toContain('automatic-rotation');
    expect(keyById(out.keys, '1111-sym')?.rotation).toEqual({ supported: true, automatic: true, periodDays: 180 });
    expect(warnings.join('\n')).toMatch(/profile "fast" skips kms:ListGrants and kms:ListKeyRotations, so access, currentVersionCreatedAt/);
    expect(out.run.fills).not.toContain('access');
  });

  it('expired credentials mid-run become gaps that say so', async () => {
    const { out, warnings } = await run({}, { fake: { faults: [{ region: 'eu-west-1', op: 'kms:ListKeys', error: 'ExpiredToken' }] } });
    expect(out.gaps.find((g) => g.operation === 'kms:ListKeys')?.reason).toMatch(/credentials expired/);
    expect(warnings.some((w) => /credentials expired/.test(w))).toBe(true);
  });

  it('no credentials: a clear message listing the ways to provide them', async () => {
    fake = await startAwsFake(world());
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const err = await collectAws({ regions: ['us-east-1'] }, { now: () => NOW, baseDir: '.', env: process.env }, { endpoint: fake.url }).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(/no AWS credentials found/);
      expect(err.diagnostics[0].hint).toMatch(/AWS_PROFILE/);
      expect(err.diagnostics[0].hint).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE/);
      expect(fake.requests).toHaveLength(0);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it('rejects an unknown region name with a suggestion', () => {
    const res = awsProvider.configSchema.safeParse({ regions: ['us-east-1', 'eu-wset-1'] });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.message).toMatch(/unknown AWS region "eu-wset-1". Did you mean "eu-west-1"/);
    expect(res.error?.issues[0]?.path).toEqual(['regions', 1]);
    expect(awsProvider.configSchema.safeParse({ regions: ['xx-new-9'], allowUnknownRegions: true }).success).toBe(true);
  });
});

describe('read-only by construction', () => {
  it('refuses a write operation in the SDK middleware, before anything is sent', async () => {
    fake = await startAwsFake(world());
    const t = createAwsTransport({ endpoint: fake.url, timeoutMs: 2000 });
    const kms = t.client('kms', { region: 'us-east-1' });
    await expect(kms.send(new ScheduleKeyDeletionCommand({ KeyId: '1111-sym', PendingWindowInDays: 7 }))).rejects.toBeInstanceOf(ReadOnlyViolation);
    await expect(t.send('kms:ScheduleKeyDeletion' as never, { KeyId: '1111-sym' }, { region: 'us-east-1' })).rejects.toThrow(/read-only/);
    // An allowlisted command on the same guarded client goes through.
    const listed = (await kms.send(new ListKeysCommand({}))) as { Keys?: unknown[] };
    expect(listed.Keys).toHaveLength(5);
    expect(fake.requests.map((r) => r.op)).toEqual(['kms:ListKeys']);
    t.destroy();
  });

  it('the IAM policy grants exactly the allowlist', () => {
    const doc = awsProvider.permissions?.().document as { Statement: { Action: string[] }[] };
    const actions = doc.Statement.flatMap((s) => s.Action).sort();
    expect(actions).toEqual(
      AWS_OPERATIONS.filter((o) => o !== 'sts:GetCallerIdentity')
        .map((o) => (o === 's3:GetBucketLifecycleConfiguration' ? 's3:GetLifecycleConfiguration' : o))
        .sort(),
    );
    expect(actions.every((a) => /:(Describe|Get|List|AssumeRole)/.test(a))).toBe(true);
  });
});

describe('keyhygiene audit with an aws block, through the standard endpoint settings', () => {
  it('collects and evaluates an estate reached only through AWS_ENDPOINT_URL_* and AWS_REGION', async () => {
    fake = await startAwsFake(world());
    const dir = mkdtempSync(join(tmpdir(), 'kh-aws-'));
    const file = join(dir, 'keyhygiene.yaml');
    writeFileSync(file, 'version: 1\nproviders:\n  aws:\n    regions: [us-east-1]\n    retryBaseMs: 1\n');
    const vars = ['AWS_ENDPOINT_URL_KMS', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'];
    for (const v of vars) process.env[v] = fake.url;
    try {
      const policy = resolvePolicyFile(file);
      const inventory = await collectInventory(policy, { now: NOW });
      expect(inventory.keys).toHaveLength(5);
      expect(inventory.providers[0]?.identity).toBe(`arn:aws:iam::${MGMT}:user/keyhygiene-demo`);
      const result = auditInventory(inventory, policy, NOW);
      const pub = result.results.find((r) => r.ruleId === 'no-public-principal' && r.outcome === 'fail');
      expect(pub?.subject.id).toBe(`arn:aws:kms:us-east-1:${MGMT}:key/1111-sign`);
      const unknown = result.results.find((r) => r.ruleId === 'no-public-principal' && r.outcome === 'unknown');
      expect(unknown?.subject.id).toBe(`arn:aws:kms:us-east-1:${MGMT}:key/1111-imported`);
      expect(fake.operations().every((o) => allowed.has(o))).toBe(true);
    } finally {
      for (const v of vars) delete process.env[v];
    }
  });

  it('with the fast profile, the audit names the rules that report unknown (computed from the rules, not by the provider)', async () => {
    fake = await startAwsFake(world());
    const dir = mkdtempSync(join(tmpdir(), 'kh-aws-'));
    const file = join(dir, 'keyhygiene.yaml');
    writeFileSync(file, `version: 1\nproviders:\n  aws:\n    regions: [us-east-1]\n    profile: fast\n    retryBaseMs: 1\n`);
    const vars = ['AWS_ENDPOINT_URL_KMS', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_CLOUDTRAIL', 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'];
    for (const v of vars) process.env[v] = fake.url;
    const warnings: string[] = [];
    try {
      await collectInventory(resolvePolicyFile(file), { now: NOW, warn: (m) => warnings.push(m) });
      const line = warnings.find((w) => w.startsWith('aws: without access, currentVersionCreatedAt'));
      expect(line).toMatch(/these rules report unknown: .*no-public-principal/);
      expect(line).not.toMatch(/automatic-rotation/);
    } finally {
      for (const v of vars) delete process.env[v];
    }
  });
});
