// Effective access against the simulator: the real SDK reads IAM authorization details (paginated,
// URL-encoded documents) and the organization's SCPs, the evaluator replaces the key policy's
// delegation with the concrete principals, and nonprod-principal-access decides on them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditInventory } from '../../../src/audit.ts';
import { type AwsFake, type FakeIam, type FakeOrganization, type FakeWorld, startAwsFake } from '../../../src/fakes/aws/server.ts';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import type { Inventory } from '../../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../../src/policy/resolve.ts';
import awsProvider, { collectAws } from '../../../src/providers/aws/index.ts';
import type { AwsConfigInput } from '../../../src/providers/aws/schema.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { githubTrust as documentedGithubTrust, SIGNING_SPKI } from './world.ts';

const PROD = '444455556666';
const DEBUG = '555566667777';
const PARTNER = '666677778888';
const MGMT = '111122223333';
const NOW = new Date('2026-06-01T00:00:00Z');

/** The inventory one AWS collection makes, as `collectInventory` would wrap it. */
const inventoryOf = (out: { run: Inventory['providers'][number]; keys: Inventory['keys']; trails: Inventory['trails']; gaps: Inventory['gaps'] }): Inventory =>
  ({
    kind: 'keyhygiene-inventory',
    version: 1,
    publishedKeys: [],
    artifacts: [],
    generatedAt: NOW.toISOString(),
    providers: [out.run],
    keys: out.keys,
    trails: out.trails,
    gaps: out.gaps,
  }) as Inventory;
const KEY = `arn:aws:kms:us-east-1:${PROD}:key/prod-signer`;

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const allowAll = (actions: string | string[] = 'kms:*', extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'KmsAll', Effect: 'Allow', Action: actions, Resource: '*', ...extra }],
});
/** The default key policy statement (delegation to IAM) and more statements after it. */
const defaultPolicyWith = (...statements: unknown[]) => ({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*', Resource: '*' },
    ...statements,
  ],
});
const denyKms = { Version: '2012-10-17', Statement: [{ Sid: 'NoKms', Effect: 'Deny', Action: 'kms:*', Resource: '*' }] };
const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** A production account whose signing key keeps the default key policy (delegation to IAM). */
function estate(iam: FakeIam, organization?: FakeOrganization): FakeWorld {
  return {
    callerAccount: organization ? MGMT : PROD,
    accounts: [
      ...(organization ? [{ id: MGMT, regions: { 'us-east-1': { keys: [] } } }] : []),
      {
        id: PROD,
        iam,
        regions: {
          'us-east-1': {
            keys: [
              {
                id: 'prod-signer',
                spec: 'ECC_NIST_P256',
                usage: 'SIGN_VERIFY',
                createdAt: '2026-01-01T00:00:00Z',
                tags: { env: 'prod' },
                publicKey: SIGNING_SPKI,
              },
            ],
          },
        },
      },
    ],
    ...(organization ? { organization } : {}),
  };
}

const POLICY = `version: 1
environments:
  production: { kind: production, match: [{ accounts: ['${PROD}', '${PARTNER}'] }] }
  debug: { kind: debug, match: [{ tags: { env: debug } }, { paths: ['/debug/*'] }, { accounts: ['${DEBUG}'] }] }
precedence: { environments: [debug, production] }
rules: { nonprod-principal-access: high, no-public-principal: critical }
`;

function policy(extra = '') {
  const file = join(mkdtempSync(join(tmpdir(), 'kh-access-')), 'keyhygiene.yaml');
  writeFileSync(file, POLICY + extra);
  return resolvePolicyFile(file);
}

async function audit(world: FakeWorld, config: AwsConfigInput = {}, extraPolicy = '') {
  fake = await startAwsFake(world);
  // The whole published quota: Organizations' 5 reads/s at the default half paced each run (SCPs, OUs).
  const out = await collectAws(
    { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1, ...config },
    { now: () => NOW, baseDir: '.', env: {} },
    { endpoint: fake.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' }, pageSize: 2 },
  );
  const result = auditInventory(inventoryOf(out), policy(extraPolicy), NOW, true);
  const verdict = result.results.find((r) => r.ruleId === 'nonprod-principal-access' && r.subject.id === KEY);
  const key = out.keys.find((k) => k.id === KEY);
  return { out, verdict, key, fake, result };
}

const iamEntry = (key: { access?: AccessEntry[] } | undefined, name: string) =>
  key?.access?.filter((a) => a.source === 'iam-policy' && a.principal.name === name) ?? [];

describe('effective access behind a key policy delegation (acceptance)', () => {
  it('a debug role holding kms:* through IAM makes a default-policy production key fail', async () => {
    const { verdict, key, fake, out } = await audit(
      estate({
        roles: [
          { name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms-everything', document: allowAll() }] },
          { name: 'signer', trust: ec2Trust, inline: [{ name: 'sign', document: allowAll(['kms:Sign', 'kms:GetPublicKey']) }] },
          {
            name: 'web',
            trust: ec2Trust,
            inline: [{ name: 's3', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
          },
        ],
      }),
    );
    expect(out.gaps).toEqual([]);
    expect(iamEntry(key, 'debug-shell')[0]).toMatchObject({
      principal: { kind: 'role', id: `arn:aws:iam::${PROD}:role/debug-shell`, account: PROD, tags: { env: 'debug' }, path: '/' },
      sourceId: expect.stringContaining('role/debug-shell inline policy kms-everything'),
    });
    expect(iamEntry(key, 'debug-shell')[0]?.capabilities).toContain('use-sign');
    expect(iamEntry(key, 'signer')[0]?.capabilities).toEqual(['read', 'use-sign']);
    expect(iamEntry(key, 'web')).toEqual([]);
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/debug-shell of the debug environment/);
    expectOnlyDeclared(fake.operations(), awsProvider);
    expect(fake.operations()).toContain('iam:GetAccountAuthorizationDetails');
  });

  it('passes when a permission boundary does not allow kms, or an identity policy denies it', async () => {
    const boundary = `arn:aws:iam::${PROD}:policy/no-kms-boundary`;
    const bounded = await audit(
      estate({
        policies: [
          { name: 'no-kms-boundary', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'logs:*'], Resource: '*' }] } },
        ],
        roles: [{ name: 'debug-shell', tags: { env: 'debug' }, boundary, trust: ec2Trust, inline: [{ name: 'kms-everything', document: allowAll() }] }],
      }),
    );
    expect(iamEntry(bounded.key, 'debug-shell')).toEqual([]);
    expect(bounded.verdict?.outcome).toBe('pass');
    const denied = await audit(
      estate({
        groups: [{ name: 'debuggers', inline: [{ name: 'no-kms', document: denyKms }] }],
        users: [{ name: 'alice', path: '/debug/', groups: ['debuggers'], managed: [`arn:aws:iam::${PROD}:policy/kms-admin`] }],
        policies: [{ name: 'kms-admin', document: allowAll() }],
      }),
    );
    expect(iamEntry(denied.key, 'alice')).toEqual([]);
    expect(denied.verdict?.outcome).toBe('pass');
  });

  it('passes when an SCP attached to the OU denies kms to the account (read from the organization)', async () => {
    const organization: FakeOrganization = {
      id: 'o-exampleorgid',
      root: 'r-examplerootid111',
      parents: { [PROD]: 'ou-exampleroot-prod1111', 'ou-exampleroot-prod1111': 'r-examplerootid111' },
      policies: [
        {
          id: 'p-FullAWSAccess',
          name: 'FullAWSAccess',
          type: 'SERVICE_CONTROL_POLICY',
          content: allowAll('*'),
          targets: ['r-examplerootid111', 'ou-exampleroot-prod1111', PROD],
        },
        {
          id: 'p-debugdeny1',
          name: 'DenyKmsToDebugRoles',
          type: 'SERVICE_CONTROL_POLICY',
          content: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/env': 'debug' } } }],
          },
          targets: ['ou-exampleroot-prod1111'],
        },
      ],
    };
    const iam = { roles: [{ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms-everything', document: allowAll() }] }] };
    const { verdict, key, fake, out } = await audit(estate(iam, organization), { accounts: 'organization', assumeRole: 'KeyhygieneAudit' });
    expect(out.gaps).toEqual([]);
    expect(iamEntry(key, 'debug-shell')).toEqual([]);
    expect(verdict?.outcome).toBe('pass');
    expect(fake.operations()).toEqual(
      expect.arrayContaining(['organizations:ListPolicies', 'organizations:DescribePolicy', 'organizations:ListTargetsForPolicy', 'organizations:ListParents']),
    );
    // Without the deny the same organization lets the debug role sign.
    await fake.close();
    const open = { ...organization, policies: organization.policies.slice(0, 1) };
    expect((await audit(estate(iam, open), { accounts: 'organization', assumeRole: 'KeyhygieneAudit' })).verdict?.outcome).toBe('fail');
  });

  it('an access that depends on a condition the evaluator cannot decide is unknown, naming the condition', async () => {
    const { verdict, key } = await audit(
      estate({
        roles: [
          {
            name: 'debug-shell',
            tags: { env: 'debug' },
            trust: ec2Trust,
            inline: [
              {
                name: 'kms-in-ou',
                document: allowAll('kms:*', { Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } } }),
              },
            ],
          },
        ],
      }),
    );
    expect(iamEntry(key, 'debug-shell')[0]?.undecided).toEqual([
      { key: 'aws:PrincipalOrgPaths', operator: 'ForAnyValue:StringLike', values: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'] },
    ]);
    expect(verdict?.outcome).toBe('unknown');
    expect(verdict?.message).toMatch(/debug-shell \(ForAnyValue:StringLike aws:PrincipalOrgPaths o-a1b2c3d4e5\/r-ab12\/ou-ab12-11111111\/\*\)/);
  });

  it('a failed IAM read leaves the access of delegating keys unknown, never a pass', async () => {
    fake = undefined;
    const world = estate({ roles: [{ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'all', document: allowAll() }] }] });
    const f = await startAwsFake(world, { faults: [{ op: 'iam:GetAccountAuthorizationDetails', error: 'AccessDenied' }] });
    fake = f;
    const out = await collectAws(
      { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1 },
      { now: () => NOW, baseDir: '.', env: {} },
      { endpoint: f.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' } },
    );
    const gap = out.gaps.find((g) => g.scope.subjectId === KEY);
    expect(gap).toMatchObject({ operation: 'iam:GetAccountAuthorizationDetails', affects: ['access'] });
    const verdict = auditInventory(inventoryOf(out), policy(), NOW, true).results.find((r) => r.ruleId === 'nonprod-principal-access' && r.subject.id === KEY);
    expect(verdict?.outcome).toBe('unknown');
  });
});

const GITHUB = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;
const githubTrust = (sub: string) => documentedGithubTrust(GITHUB, sub);
const CI = `ci:
  production:
    - repositories: [org/app]
      environments: [production]
      branches: [main]
`;
const signerWith = (trust: unknown) => ({
  roles: [{ name: 'signer', path: '/deploy/', trust, inline: [{ name: 'sign', document: allowAll(['kms:Sign', 'kms:GetPublicKey']) }] }],
});

describe('role chains and CI federation (acceptance)', () => {
  it('a GitHub OIDC trust for pull requests on a signer role fails; one for the production environment passes', async () => {
    const pr = await audit(estate(signerWith(githubTrust('repo:org/app:pull_request'))), {}, CI);
    const federated = pr.key?.access?.find((a) => a.principal.federation);
    expect(federated).toMatchObject({
      principal: { id: `${GITHUB}#repo:org/app:pull_request`, federation: { issuer: 'github', subjects: ['repo:org/app:pull_request'] } },
      via: [GITHUB, `arn:aws:iam::${PROD}:role/deploy/signer`],
    });
    expect(federated?.capabilities).toContain('use-sign');
    expect(pr.verdict?.outcome).toBe('fail');
    expect(pr.verdict?.message).toMatch(/repo:org\/app:pull_request through .*oidc-provider.* → .*role\/deploy\/signer of the ci environment/);
    await pr.fake.close();
    const env = await audit(estate(signerWith(githubTrust('repo:org/app:environment:production'))), {}, CI);
    expect(env.key?.access?.some((a) => a.principal.federation)).toBe(true);
    expect(env.verdict?.outcome).toBe('pass');
  });

  it('any branch of the repository, or a production-looking subject with no ci: block, is never a pass', async () => {
    const anyBranch = await audit(estate(signerWith(githubTrust('repo:org/app:*'))), {}, CI);
    expect(anyBranch.verdict?.outcome).toBe('fail');
    await anyBranch.fake.close();
    const undeclared = await audit(estate(signerWith(githubTrust('repo:org/app:environment:production'))));
    expect(undeclared.verdict?.outcome).toBe('unknown');
    expect(undeclared.verdict?.message).toMatch(/ci\.production/);
  });

  it('a debug role that may assume the signer role fails, with the chain; cycles end and the depth limit keeps the rest undecided', async () => {
    const assume = (arn: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn }] });
    const trustAccount = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'sts:AssumeRole' }] };
    const signer = `arn:aws:iam::${PROD}:role/signer`;
    const hop = `arn:aws:iam::${PROD}:role/hop`;
    const iam: FakeIam = {
      roles: [
        {
          name: 'signer',
          trust: trustAccount,
          inline: [
            { name: 'sign', document: allowAll(['kms:Sign']) },
            { name: 'back', document: assume(hop) },
          ],
        },
        { name: 'hop', trust: trustAccount, inline: [{ name: 'to-signer', document: assume(signer) }] },
        { name: 'debug-shell', path: '/debug/', trust: trustAccount, inline: [{ name: 'to-hop', document: assume(hop) }] },
      ],
    };
    const { key, verdict } = await audit(estate(iam));
    const debug = key?.access?.find((a) => a.principal.name === 'debug-shell');
    expect(debug?.via).toEqual([hop, signer]);
    expect(debug?.undecided).toBeUndefined();
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/debug-shell through .*role\/hop → .*role\/signer/);
    await fake?.close();
    const shallow = await audit(estate(iam), { maxChainDepth: 1 });
    const far = shallow.key?.access?.find((a) => a.principal.name === 'debug-shell');
    expect(far?.undecided?.[0]).toMatchObject({ key: 'role chain', operator: 'longer than maxChainDepth 1' });
    expect(shallow.verdict?.outcome).toBe('unknown');
  });
});

describe("explicit denies of a named principal's own policies (acceptance)", () => {
  // IAM User Guide, policy evaluation logic: an explicit deny in any policy overrides an allow, the
  // key policy's or a grant's included.
  it('a debug role the key policy and a grant name is classified by its IAM path (fail), and cannot sign when its own identity policy denies kms:Sign (pass)', async () => {
    const debugSigner = (document: unknown) => ({
      roles: [{ name: 'debug-signer', path: '/debug/', trust: ec2Trust, inline: [{ name: 'guard', document }] }],
    });
    const w = (document: unknown) => {
      const world = estate(debugSigner(document));
      const key = world.accounts[0]?.regions['us-east-1']?.keys[0];
      if (key) {
        const role = `arn:aws:iam::${PROD}:role/debug/debug-signer`;
        key.policy = defaultPolicyWith({ Sid: 'DebugSign', Effect: 'Allow', Principal: { AWS: role }, Action: 'kms:Sign', Resource: '*' });
        key.grants = [{ id: 'grant-debug', grantee: role, operations: ['Sign'] }];
      }
      return world;
    };
    const allowed = await audit(w(allowAll('s3:GetObject')));
    const named = allowed.key?.access?.filter((a) => a.principal.name === 'debug-signer');
    expect(named?.map((a) => [a.source, a.principal.path, a.capabilities])).toEqual([
      ['key-policy', '/debug/', ['use-sign']],
      ['grant', '/debug/', ['use-sign']],
    ]);
    expect(allowed.verdict?.outcome).toBe('fail');
    await fake?.close();
    const denied = await audit(w({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Sign', Resource: '*' }] }));
    expect(denied.out.gaps).toEqual([]);
    expect(denied.key?.access?.filter((a) => a.principal.name === 'debug-signer')).toEqual([]);
    expect(denied.verdict?.outcome).toBe('pass');
  });
});

describe('role chains under the organization SCPs (acceptance)', () => {
  const ROOT = 'r-examplerootid111';
  const OU = 'ou-exampleroot-prod1111';
  const scp = (id: string, content: unknown, targets: string[]) => ({ id, name: id, type: 'SERVICE_CONTROL_POLICY' as const, content, targets });
  // Organizations User Guide, SCP examples: principals tagged for debugging may not assume other roles.
  const noDebugAssume = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/env': 'debug' } } }],
  };
  const trustAccount = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'sts:AssumeRole' }] };
  const iam: FakeIam = {
    roles: [
      { name: 'signer', trust: trustAccount, inline: [{ name: 'sign', document: allowAll(['kms:Sign']) }] },
      { name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'assume', document: allowAll('sts:AssumeRole') }] },
    ],
  };
  const organization = (extra: ReturnType<typeof scp>[]): FakeOrganization => ({
    id: 'o-exampleorgid',
    root: ROOT,
    parents: { [PROD]: OU, [OU]: ROOT },
    policies: [scp('p-FullAWSAccess', allowAll('*'), [ROOT, OU, MGMT, PROD]), ...extra],
  });
  const ORG = { accounts: 'organization', assumeRole: 'KeyhygieneAudit' } as const;

  it('an SCP denying kms:Sign to every role but one by aws:userid (its RoleId from IAM) stops the debug role: pass, decided', async () => {
    // IAM User Guide: aws:userid is <role id>:<session name> for a role; the fake's RoleId is AROA + the name upper-cased.
    const onlySigner = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'kms:Sign', Resource: '*', Condition: { StringNotLike: { 'aws:userid': 'AROASIGNER:*' } } }],
    };
    const roles: FakeIam = {
      roles: [
        { name: 'signer', trust: ec2Trust, inline: [{ name: 'sign', document: allowAll(['kms:Sign']) }] },
        { name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms', document: allowAll(['kms:Sign']) }] },
      ],
    };
    const { key, verdict, out } = await audit(estate(roles, organization([scp('p-onlysigner', onlySigner, [OU])])), ORG);
    expect(out.gaps).toEqual([]);
    expect(key?.access?.filter((a) => a.source === 'iam-policy').map((a) => [a.principal.name, a.undecided])).toEqual([['signer', undefined]]);
    expect(verdict?.outcome).toBe('pass');
  });

  it('an SCP denying sts:AssumeRole to debug-tagged principals cuts the chain from the debug role to the signer: pass; without it, fail', async () => {
    const open = await audit(estate(iam, organization([])), ORG);
    expect(open.key?.access?.find((a) => a.principal.name === 'debug-shell')?.via).toEqual([`arn:aws:iam::${PROD}:role/signer`]);
    expect(open.verdict?.outcome).toBe('fail');
    await fake?.close();
    const cut = await audit(estate(iam, organization([scp('p-nodebugassume', noDebugAssume, [OU])])), ORG);
    expect(cut.out.gaps).toEqual([]);
    expect(cut.key?.access?.some((a) => a.principal.name === 'debug-shell')).toBe(false);
    expect(cut.verdict?.outcome).toBe('pass');
  });
});

describe('Nitro Enclaves attestation in key policies (acceptance)', () => {
  const ENCLAVE_ROLE = `arn:aws:iam::${PROD}:role/data-processing`;
  const IMAGE = '9fedcba8abcdef7abcdef6abcdef5abcdef4abcdef3abcdef2abcdef1abcdef1abcdef1abcdef1abcdef1abcdef1abcdef';
  /** AWS's default key policy statement plus the documented "Enable enclave data processing" statement. */
  const enclavePolicy = (condition: Record<string, unknown> | undefined) => ({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'Enable enclave data processing',
        Effect: 'Allow',
        Principal: { AWS: ENCLAVE_ROLE },
        Action: ['kms:Decrypt', 'kms:DeriveSharedSecret', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateRandom'],
        Resource: '*',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
  async function enclaveVerdict(condition: Record<string, unknown> | undefined, roleInline: { name: string; document: unknown }[] = []) {
    const world: FakeWorld = {
      callerAccount: PROD,
      accounts: [
        {
          id: PROD,
          iam: { roles: [{ name: 'data-processing', trust: ec2Trust, inline: roleInline }] },
          regions: {
            'us-east-1': { keys: [{ id: 'enclave-data', createdAt: '2026-01-01T00:00:00Z', tags: { env: 'prod' }, policy: enclavePolicy(condition) }] },
          },
        },
      ],
    };
    fake = await startAwsFake(world);
    const out = await collectAws(
      { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1 },
      { now: () => NOW, baseDir: '.', env: {} },
      { endpoint: fake.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' } },
    );
    const keyId = `arn:aws:kms:us-east-1:${PROD}:key/enclave-data`;
    const file = join(mkdtempSync(join(tmpdir(), 'kh-enclave-')), 'keyhygiene.yaml');
    writeFileSync(
      file,
      POLICY.replace('rules: { nonprod-principal-access: high, no-public-principal: critical }', 'rules: { enclave-debug-attestation: high }'),
    );
    const result = auditInventory(inventoryOf(out), resolvePolicyFile(file), NOW, true);
    expectOnlyDeclared(fake.operations(), awsProvider);
    await fake.close();
    fake = undefined;
    return result.results.find((r) => r.ruleId === 'enclave-debug-attestation' && r.subject.id === keyId);
  }

  it('pinned to a non-zero image digest passes; a PCR0 of zeros or no attestation condition fails; the enclave role decrypting through IAM without attestation fails', async () => {
    expect((await enclaveVerdict({ StringEqualsIgnoreCase: { 'kms:RecipientAttestation:ImageSha384': IMAGE } }))?.outcome).toBe('pass');
    const zeros = await enclaveVerdict({ StringEqualsIgnoreCase: { 'kms:RecipientAttestation:PCR0': '0'.repeat(96) } });
    expect(zeros?.outcome).toBe('fail');
    expect(zeros?.message).toMatch(/debug-mode enclave/);
    const viaIam = await enclaveVerdict({ StringEqualsIgnoreCase: { 'kms:RecipientAttestation:ImageSha384': IMAGE } }, [
      { name: 'decrypt-anything', document: allowAll(['kms:Decrypt']) },
    ]);
    expect(viaIam?.outcome).toBe('fail');
    expect(viaIam?.message).toMatch(/without any attestation condition/);
  });
});

describe('IAM policies as the IAM User Guide writes them (acceptance)', () => {
  it('a Deny written with ForAnyValue:StringNotEquals does not stop a role without the tag (ForAnyValue is false without the key)', async () => {
    // IAM User Guide, "Single-valued vs. multivalued context keys": ForAnyValue returns false when the
    // request has no value for the key; AWS warns that set operators on single-valued keys are permissive.
    const guard = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalTag/cleared': 'yes' } } }],
    };
    const role = (tags: Record<string, string>) => ({
      roles: [
        {
          name: 'debug-shell',
          tags,
          trust: ec2Trust,
          inline: [
            { name: 'kms-everything', document: allowAll() },
            { name: 'cleared-only', document: guard },
          ],
        },
      ],
    });
    const untagged = await audit(estate(role({ env: 'debug' })));
    expect(iamEntry(untagged.key, 'debug-shell')[0]?.capabilities).toContain('use-sign');
    expect(untagged.verdict?.outcome).toBe('fail');
    await untagged.fake.close();
    // With a tag of another value the Deny applies.
    const tagged = await audit(estate(role({ env: 'debug', cleared: 'no' })));
    expect(iamEntry(tagged.key, 'debug-shell')).toEqual([]);
    expect(tagged.verdict?.outcome).toBe('pass');
  });
});

describe('session tags (acceptance)', () => {
  const SAML = `arn:aws:iam::${PROD}:saml-provider/ExampleCorpProvider`;
  /** The trust policy of the IAM tutorial "Use SAML session tags for ABAC", with an optional aws:TagKeys limit. */
  const samlTrust = (tagKeys?: string[]) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustSAMLandAllowSessionTags',
        Effect: 'Allow',
        Principal: { Federated: SAML },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Condition: {
          StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
          ...(tagKeys ? { 'ForAllValues:StringEquals': { 'aws:TagKeys': tagKeys } } : {}),
        },
      },
    ],
  });
  const abacRole = (trust: unknown) => ({
    roles: [
      {
        name: 'debug-shell',
        tags: { env: 'debug', clearance: 'none' },
        trust,
        inline: [{ name: 'sign-if-cleared', document: allowAll('kms:*', { Condition: { StringEquals: { 'aws:PrincipalTag/clearance': 'signing' } } }) }],
      },
    ],
  });

  it('a principal-tag condition on a role whose trust allows sts:TagSession is undecided (a session tag overrides the role tag)', async () => {
    const tagged = await audit(estate(abacRole(samlTrust())));
    expect(iamEntry(tagged.key, 'debug-shell')[0]?.undecided).toEqual([{ key: 'aws:PrincipalTag/clearance', operator: 'StringEquals', values: ['signing'] }]);
    expect(tagged.verdict?.outcome).toBe('unknown');
    await tagged.fake.close();
    // Sessions limited to other tag keys cannot set clearance: the role's own tag decides.
    const limited = await audit(estate(abacRole(samlTrust(['project', 'cost-center']))));
    expect(iamEntry(limited.key, 'debug-shell')).toEqual([]);
    expect(limited.verdict?.outcome).toBe('pass');
    await limited.fake.close();
    const noTagSession = await audit(estate(abacRole(ec2Trust)));
    expect(noTagSession.verdict?.outcome).toBe('pass');
  });
});

describe('KMS condition keys answered by the key itself (acceptance)', () => {
  // KMS Developer Guide, "AWS KMS condition keys": kms:KeySpec, kms:KeyUsage, kms:KeyOrigin,
  // kms:MultiRegion and kms:MultiRegionKeyType control use of a key by its own properties (DescribeKey).
  const debugWith = (condition: Record<string, unknown>, effect: 'Allow' | 'Deny' = 'Allow') => ({
    roles: [
      {
        name: 'debug-shell',
        tags: { env: 'debug' },
        trust: ec2Trust,
        inline: [
          effect === 'Allow'
            ? {
                name: 'sign-some',
                document: allowAll(['kms:Sign', 'kms:Verify', 'kms:GetPublicKey'], { Resource: `arn:aws:kms:*:${PROD}:key/*`, Condition: condition }),
              }
            : { name: 'sign-all', document: allowAll(['kms:Sign', 'kms:GetPublicKey']) },
          ...(effect === 'Deny'
            ? [{ name: 'guard', document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: condition }] } }]
            : []),
        ],
      },
    ],
  });

  it('kms:KeySpec and kms:KeyUsage are decided from DescribeKey: RSA-only signing passes an ECC key, ECC signing fails it', async () => {
    const rsaOnly = await audit(estate(debugWith({ StringLike: { 'kms:KeySpec': 'RSA_*' } })));
    expect(iamEntry(rsaOnly.key, 'debug-shell')).toEqual([]);
    expect(rsaOnly.verdict?.outcome).toBe('pass');
    await rsaOnly.fake.close();
    const ecc = await audit(estate(debugWith({ StringEquals: { 'kms:KeySpec': 'ECC_NIST_P256', 'kms:KeyUsage': 'SIGN_VERIFY', 'kms:KeyOrigin': 'AWS_KMS' } })));
    expect(iamEntry(ecc.key, 'debug-shell')[0]).toMatchObject({ capabilities: ['read', 'use-sign', 'use-verify'] });
    expect(iamEntry(ecc.key, 'debug-shell')[0]?.undecided).toBeUndefined();
    expect(ecc.verdict?.outcome).toBe('fail');
  });

  it('kms:MultiRegion and kms:MultiRegionKeyType are decided: a Deny on replicas stops use of a replica, not of a single-Region key', async () => {
    const replicaWorld = (multiRegion: boolean) => {
      const w = estate(debugWith({ StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } }, 'Deny'));
      const key = w.accounts[0]?.regions['us-east-1']?.keys[0];
      if (key && multiRegion) Object.assign(key, { multiRegion: true, multiRegionType: 'REPLICA', primaryRegion: 'eu-west-1' });
      return w;
    };
    const replica = await audit(replicaWorld(true));
    expect(iamEntry(replica.key, 'debug-shell')).toEqual([]);
    expect(replica.verdict?.outcome).toBe('pass');
    await replica.fake.close();
    // A single-Region key has no kms:MultiRegionKeyType: the Deny does not apply, and nothing is left undecided.
    const single = await audit(replicaWorld(false));
    expect(iamEntry(single.key, 'debug-shell')[0]?.capabilities).toContain('use-sign');
    expect(iamEntry(single.key, 'debug-shell')[0]?.undecided).toBeUndefined();
    expect(single.verdict?.outcome).toBe('fail');
  });
});

describe('a key policy granting every principal of the account (acceptance)', () => {
  // The statements KMS writes into the AWS managed key for Secrets Manager (KMS Developer Guide, "AWS
  // managed keys"; the same shape is copied into customer managed keys): Principal "*", confined to
  // the account by kms:CallerAccount and to the service by kms:ViaService. No identity policy is needed.
  const throughSecretsManager = {
    Version: '2012-10-17',
    Id: 'auto-secretsmanager-2',
    Statement: [
      {
        Sid: 'Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com', 'kms:CallerAccount': PROD } },
      },
      {
        Sid: 'Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': PROD }, StringLike: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${PROD}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  };
  const s3Only = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
  const world = (confinedTo: string, inline: { name: string; document: unknown }[]): FakeWorld => ({
    callerAccount: PROD,
    accounts: [
      {
        id: PROD,
        iam: { roles: [{ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline }] },
        regions: {
          'us-east-1': {
            keys: [
              {
                id: 'prod-signer',
                createdAt: '2026-01-01T00:00:00Z',
                tags: { env: 'prod' },
                policy: {
                  ...throughSecretsManager,
                  Statement: throughSecretsManager.Statement.map((s) => ({
                    ...s,
                    Condition: s.Condition && JSON.parse(JSON.stringify(s.Condition).replaceAll(PROD, confinedTo)),
                  })),
                },
              },
            ],
          },
        },
      },
    ],
  });

  it('a debug role with no KMS permission of its own can decrypt through the service: the production key fails', async () => {
    const { key, verdict, out } = await audit(world(PROD, [{ name: 's3', document: s3Only }]));
    expect(out.gaps).toEqual([]);
    const entry = iamEntry(key, 'debug-shell')[0];
    expect(entry?.capabilities).toEqual(expect.arrayContaining(['use-decrypt', 'use-encrypt', 'create-grant']));
    expect(entry?.sourceId).toMatch(/key policy, statement Allow access through AWS Secrets Manager/);
    expect(entry?.assumed).toContainEqual({ key: 'kms:ViaService', operator: 'StringEquals', values: ['secretsmanager.us-east-1.amazonaws.com'] });
    expect(verdict?.outcome).toBe('fail');
  });

  it('an identity policy Deny still stops it, and a statement confined to another account grants nobody here', async () => {
    const denied = await audit(world(PROD, [{ name: 'no-kms', document: denyKms }]));
    expect(iamEntry(denied.key, 'debug-shell')).toEqual([]);
    expect(denied.verdict?.outcome).toBe('pass');
    await denied.fake.close();
    const other = await audit(world('999988887777', [{ name: 's3', document: s3Only }]));
    expect(iamEntry(other.key, 'debug-shell')).toEqual([]);
  });
});

describe('estates written from the IAM and KMS documentation', () => {
  /** A role of the debug environment with these inline policies. */
  const debugShell = (...inline: { name: string; document: unknown }[]) => ({ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline });
  /** A policy denying every KMS action under a condition. */
  const denyKmsWhen = (Condition: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition }] });
  const signer = (trust: unknown) => ({ name: 'signer', trust, inline: [{ name: 'sign', document: allowAll(['kms:Sign', 'kms:GetPublicKey']) }] });

  it('a principal named by the unique id of a deleted role is nobody: no entry, and the verdict is decided', async () => {
    // IAM User Guide, "AWS JSON policy elements: Principal" (IAM roles): IAM stores a role ARN as the
    // role's unique id and shows the id (AROA…) once the role is deleted; a role made again under the
    // same name has a new id. KMS key policies and trust policies both show it.
    const world = estate({
      roles: [signer({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'AROA5EXAMPLEBBBBBBBBB' }, Action: 'sts:AssumeRole' }] })],
    });
    const key = world.accounts[0]?.regions['us-east-1']?.keys[0];
    if (key)
      key.policy = defaultPolicyWith({
        Sid: 'Allow use of the key',
        Effect: 'Allow',
        Principal: { AWS: ['AROA5EXAMPLEAAAAAAAAA', 'AIDA5EXAMPLECCCCCCCCC'] },
        Action: 'kms:Sign',
        Resource: '*',
      });
    const { key: record, verdict, out } = await audit(world);
    expect(out.gaps).toEqual([]);
    expect(record?.access?.map((a) => a.principal.id).sort()).toEqual([`arn:aws:iam::${PROD}:role/signer`, `arn:aws:iam::${PROD}:root`]);
    expect(verdict?.outcome).toBe('pass');
  });
  it('aws:CurrentTime and aws:EpochTime are decided at the time IAM was read: an expired or future window grants nothing, an open one does', async () => {
    // IAM User Guide, "Date condition operators" and the example policy "AWS: Allows access based on
    // date and time" (DateGreaterThan/DateLessThan on aws:CurrentTime); dates as ISO 8601 or epoch seconds.
    const windowed = (condition: Record<string, unknown>) =>
      estate({ roles: [debugShell({ name: 'window', document: allowAll('kms:*', { Condition: condition }) })] });
    const verdictOf = async (condition: Record<string, unknown>) => {
      const { verdict, key, fake: f } = await audit(windowed(condition));
      await f.close();
      return { outcome: verdict?.outcome, entry: iamEntry(key, 'debug-shell')[0] };
    };
    const past = await verdictOf({
      DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' },
    });
    expect(past).toEqual({ outcome: 'pass', entry: undefined });
    expect((await verdictOf({ DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })).outcome).toBe('pass');
    expect((await verdictOf({ NumericLessThan: { 'aws:EpochTime': '1577836800' } })).outcome).toBe('pass');
    const open = await verdictOf({
      DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2026-12-31T23:59:59Z' },
    });
    expect(open.outcome).toBe('fail');
    expect(open.entry?.undecided).toBeUndefined();
    // A Deny whose window has begun stops the role; a date the evaluator cannot read is undecided.
    const cutoff = denyKmsWhen({ DateGreaterThan: { 'aws:CurrentTime': '2026-03-01T00:00:00Z' } });
    const denied = estate({ roles: [debugShell({ name: 'all', document: allowAll() }, { name: 'cutoff', document: cutoff })] });
    expect((await audit(denied)).verdict?.outcome).toBe('pass');
    await fake?.close();
    expect((await verdictOf({ DateLessThan: { 'aws:CurrentTime': 'end of the quarter' } })).outcome).toBe('unknown');
  });
  it('a role allowed only from a network, or denied outside one VPC endpoint, can still use the key from there: fail, the network shown as assumed', async () => {
    // IAM User Guide, "AWS: Denies access to AWS based on the source IP" and the aws:SourceVpce
    // example of "Controlling access with VPC endpoints" (KMS Developer Guide).
    const office = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } };
    const fromOffice = await audit(estate({ roles: [debugShell({ name: 'office', document: allowAll('kms:*', { Condition: office }) })] }));
    const entry = iamEntry(fromOffice.key, 'debug-shell')[0];
    expect(entry?.undecided).toBeUndefined();
    expect(entry?.assumed).toEqual([{ key: 'aws:SourceIp', operator: 'IpAddress', values: ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] }]);
    expect(fromOffice.verdict?.outcome).toBe('fail');
    await fromOffice.fake.close();
    const perimeter = denyKmsWhen({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } });
    const inVpc = await audit(estate({ roles: [debugShell({ name: 'all', document: allowAll() }, { name: 'vpce-only', document: perimeter })] }));
    expect(inVpc.verdict?.outcome).toBe('fail');
    expect(iamEntry(inVpc.key, 'debug-shell')[0]?.assumed).toEqual([{ key: 'aws:SourceVpce', operator: 'StringNotEquals', values: ['vpce-1a2b3c4d'] }]);
  });

  it('a Deny the caller avoids (no MFA) leaves the access, and the entry says what the caller must present', async () => {
    // IAM User Guide, "AWS: Allows … only with MFA": Deny with BoolIfExists aws:MultiFactorAuthPresent false.
    const mfa = denyKmsWhen({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } });
    const r = await audit(estate({ roles: [debugShell({ name: 'all', document: allowAll() }, { name: 'mfa', document: mfa })] }));
    expect(r.verdict?.outcome).toBe('fail');
    expect(iamEntry(r.key, 'debug-shell')[0]?.assumed).toEqual([{ key: 'aws:MultiFactorAuthPresent', operator: 'BoolIfExists', values: ['false'] }]);
  });
  const fed = (iam: FakeIam) => audit(estate(iam));
  const verdictOf = (r: Awaited<ReturnType<typeof audit>>, rule: string) => r.result.results.find((x) => x.ruleId === rule && x.subject.id === KEY);

  it('IAM Identity Center and SAML: the IdP users a trust admits are listed through the provider, in its account', async () => {
    // IAM Identity Center permission-set roles as IAM shows them (path /aws-reserved/sso.amazonaws.com/,
    // trust in the AWSSSO_…_DO_NOT_DELETE SAML provider with sts:AssumeRoleWithSAML and sts:TagSession,
    // SAML:aud the sign-in endpoint); IAM User Guide, "Create a role for SAML 2.0 federation".
    const sso = `arn:aws:iam::${PROD}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`;
    const okta = `arn:aws:iam::${PROD}:saml-provider/Okta`;
    const samlTrust = (provider: string, extra: Record<string, unknown> = {}) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', ...extra } },
        },
      ],
    });
    const admin = `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_KeyAdmins_0123456789abcdef`;
    const r = await fed({
      roles: [
        {
          name: 'AWSReservedSSO_KeyAdmins_0123456789abcdef',
          path: '/aws-reserved/sso.amazonaws.com/',
          trust: samlTrust(sso),
          inline: [{ name: 'k', document: allowAll() }],
        },
        { name: 'signer', trust: samlTrust(okta, { 'SAML:sub': 'alice@example.com' }), inline: [{ name: 'k', document: allowAll(['kms:Sign']) }] },
        { name: 'staff', trust: samlTrust(okta, { 'SAML:eduPersonAffiliation': 'staff' }), inline: [{ name: 'k', document: allowAll(['kms:Sign']) }] },
      ],
    });
    expect(r.out.gaps).toEqual([]);
    const byId = (id: string) => r.key?.access?.find((a) => a.principal.id === id);
    expect(byId(`${sso}#${admin}`)).toMatchObject({
      principal: { kind: 'group', name: 'IAM Identity Center users of permission set KeyAdmins', account: PROD },
      via: [sso, admin],
    });
    expect(byId(`${sso}#${admin}`)?.capabilities).toContain('use-sign');
    expect(byId(`${okta}#alice@example.com`)).toMatchObject({ principal: { kind: 'user', account: PROD }, via: [okta, `arn:aws:iam::${PROD}:role/signer`] });
    expect(byId(`${okta}#arn:aws:iam::${PROD}:role/staff`)?.undecided).toEqual([
      { key: 'SAML:eduPersonAffiliation', operator: 'StringEquals', values: ['staff'] },
    ]);
    // Classified by the account matcher like the roles they assume: production, a pass.
    expect(r.verdict?.outcome).toBe('pass');
  });

  it('an EKS service account (IAM roles for service accounts) is in the provider account: classified by the account, not unknown', async () => {
    // Amazon EKS User Guide, "Assign IAM roles to Kubernetes service accounts": the role's trust policy.
    const host = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    const provider = `arn:aws:iam::${PROD}:oidc-provider/${host}`;
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com', [`${host}:sub`]: 'system:serviceaccount:default:my-service-account' } },
        },
      ],
    };
    const r = await fed({ roles: [{ name: 'my-role', trust, inline: [{ name: 'k', document: allowAll(['kms:Sign']) }] }] });
    const sa = r.key?.access?.find((a) => a.principal.id === `${provider}#system:serviceaccount:default:my-service-account`);
    expect(sa).toMatchObject({ principal: { account: PROD, federation: { issuer: 'other' } }, via: [provider, `arn:aws:iam::${PROD}:role/my-role`] });
    expect(r.verdict?.outcome).toBe('pass');
  });

  it('a Cognito identity pool role that admits unauthenticated identities is usable by anyone: no-public-principal fails', async () => {
    // Amazon Cognito Developer Guide, "IAM roles": role trust policies for unauthenticated and
    // authenticated identities (cognito-identity.amazonaws.com:aud pins the pool, :amr the kind).
    const cognitoTrust = (amr: string) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-abcd-abcd-abcd-123456789012' },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
          },
        },
      ],
    });
    const role = (amr: string) => ({
      roles: [{ name: 'Cognito_AppRole', trust: cognitoTrust(amr), inline: [{ name: 'k', document: allowAll(['kms:Sign']) }] }],
    });
    const guests = await fed(role('unauthenticated'));
    const pub = verdictOf(guests, 'no-public-principal');
    expect(pub?.outcome).toBe('fail');
    expect(pub?.message).toMatch(/Anyone can use-sign this key through iam-policy trust policy of role\/Cognito_AppRole/);
    expect(guests.key?.access?.find((a) => a.principal.kind === 'public')?.via).toEqual([
      'cognito-identity.amazonaws.com',
      `arn:aws:iam::${PROD}:role/Cognito_AppRole`,
    ]);
    await guests.fake.close();
    // Authenticated identities: whoever the pool lets sign in, which the audit does not read.
    expect(verdictOf(await fed(role('authenticated')), 'no-public-principal')?.outcome).toBe('unknown');
  });
  it("a trust policy's conditions and Denies decide which of the account's principals may assume the role", async () => {
    // IAM User Guide, "Role trust policies" and the aws:PrincipalArn example ("Allow only specific
    // principals in the account to assume a role"); sts:ExternalId is the caller's to pass.
    const signerArn = `arn:aws:iam::${PROD}:role/signer`;
    const assumeAny = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
    const assumer = debugShell({ name: 'assume', document: assumeAny });
    const trust = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
    const fromAccount = (Condition?: unknown) => ({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PROD}:root` },
      Action: 'sts:AssumeRole',
      ...(Condition ? { Condition } : {}),
    });
    const outcome = async (roleTrust: unknown) => {
      const r = await fed({ roles: [signer(roleTrust), assumer] });
      await r.fake.close();
      return { outcome: r.verdict?.outcome, debug: r.key?.access?.find((a) => a.principal.name === 'debug-shell') };
    };
    const pinned = await outcome(trust(fromAccount({ ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${PROD}:role/deployer` } })));
    expect(pinned).toEqual({ outcome: 'pass', debug: undefined });
    const named = await outcome(
      trust({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${PROD}:role/debug-shell` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalTag/env': 'prod' } },
      }),
    );
    expect(named.outcome).toBe('pass');
    const denied = await outcome(
      trust(fromAccount(), {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalTag/env': 'debug' } },
      }),
    );
    expect(denied.outcome).toBe('pass');
    const external = await outcome(trust(fromAccount({ StringEquals: { 'sts:ExternalId': 'Unique-ID-1234' } })));
    expect(external.outcome).toBe('fail');
    expect(external.debug?.via).toEqual([signerArn]);
    expect(external.debug?.undecided).toBeUndefined();
  });
  it('aws:PrincipalOrgPaths is decided from the organization read: a statement for one OU grants its accounts only', async () => {
    // IAM User Guide, global condition keys, aws:PrincipalOrgPaths (o-…/r-…/ou-…/ and ForAnyValue:StringLike).
    const organization: FakeOrganization = {
      id: 'o-a1b2c3d4e5',
      root: 'r-ab12',
      parents: { [PROD]: 'ou-ab12-22222222', 'ou-ab12-22222222': 'ou-ab12-11111111', 'ou-ab12-11111111': 'r-ab12' },
      policies: [
        {
          id: 'p-FullAWSAccess',
          name: 'FullAWSAccess',
          type: 'SERVICE_CONTROL_POLICY',
          content: allowAll('*'),
          targets: ['r-ab12', 'ou-ab12-11111111', 'ou-ab12-22222222', PROD],
        },
      ],
    };
    const inOu = (path: string) =>
      estate(
        { roles: [debugShell({ name: 'ou', document: allowAll('kms:*', { Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': path } } }) })] },
        organization,
      );
    const org = { accounts: 'organization' as const, assumeRole: 'KeyhygieneAudit' };
    const ours = await audit(inOu('o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'), org);
    expect(iamEntry(ours.key, 'debug-shell')[0]?.undecided).toBeUndefined();
    expect(ours.verdict?.outcome).toBe('fail');
    await ours.fake.close();
    const other = await audit(inOu('o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/*'), org);
    expect(iamEntry(other.key, 'debug-shell')).toEqual([]);
    expect(other.verdict?.outcome).toBe('pass');
  });
});

describe('organization guardrails on the principals a key policy or a grant names (acceptance)', () => {
  const ROOT = 'r-examplerootid111';
  // AWS attaches FullAWSAccess to every root, OU and account when SCPs are enabled; one SCP at least stays on each.
  const fullAccess = {
    id: 'p-FullAWSAccess',
    name: 'FullAWSAccess',
    type: 'SERVICE_CONTROL_POLICY' as const,
    content: allowAll('*'),
    targets: [ROOT, 'ou-exampleroot-prod1111', 'ou-exampleroot-debug111', MGMT, PROD, DEBUG],
  };
  // Organizations User Guide, SCP examples: deny an action to every principal of the OU's accounts.
  const denySign = {
    id: 'p-denysign111',
    name: 'DenyKmsSignInDebug',
    type: 'SERVICE_CONTROL_POLICY' as const,
    content: { Version: '2012-10-17', Statement: [{ Sid: 'DenySign', Effect: 'Deny', Action: 'kms:Sign', Resource: '*' }] },
    targets: ['ou-exampleroot-debug111'],
  };
  // KMS Developer Guide, "Resource control policies in AWS KMS": the identity perimeter RCP.
  const perimeterRcp = {
    id: 'p-rcpperimeter1',
    name: 'RCPEnforceIdentityPerimeter',
    type: 'RESOURCE_CONTROL_POLICY' as const,
    content: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RCPEnforceIdentityPerimeter',
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:*',
          Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorgid' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
        },
      ],
    },
    targets: [ROOT],
  };
  const organization = (policies: FakeOrganization['policies']): FakeOrganization => ({
    id: 'o-exampleorgid',
    root: ROOT,
    parents: { [PROD]: 'ou-exampleroot-prod1111', [DEBUG]: 'ou-exampleroot-debug111', 'ou-exampleroot-prod1111': ROOT, 'ou-exampleroot-debug111': ROOT },
    policies: [fullAccess, ...policies],
  });
  /** A production signing key whose policy names a debug-account role and grants Sign to a debug-account CI role. */
  function world(policies: FakeOrganization['policies'], keyPolicyExtra: unknown[] = [], manager?: 'AWS'): FakeWorld {
    const base = estate({}, organization(policies));
    const prod = base.accounts.find((a) => a.id === PROD);
    const key = prod?.regions['us-east-1']?.keys[0];
    if (!key) throw new Error('estate without a key');
    key.policy = defaultPolicyWith(
      {
        Sid: 'DebugSigner',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${DEBUG}:role/debug-signer` },
        Action: ['kms:Sign', 'kms:GetPublicKey'],
        Resource: '*',
      },
      ...keyPolicyExtra,
    );
    key.grants = [{ id: 'grant-ci', grantee: `arn:aws:iam::${DEBUG}:role/ci`, operations: ['Sign'] }];
    if (manager) key.manager = manager;
    return { ...base, accounts: [...base.accounts, { id: DEBUG, regions: { 'us-east-1': { keys: [] } } }] };
  }
  const ORG = { accounts: 'organization', assumeRole: 'KeyhygieneAudit' } as const;
  const debugEntries = (key: { access?: AccessEntry[] } | undefined) => key?.access?.filter((a) => a.principal.account === DEBUG) ?? [];

  it('an SCP denying kms:Sign to the debug OU takes Sign from the role the key policy names and from the grant: pass; without it, fail', async () => {
    const open = await audit(world([]), ORG);
    expect(open.out.gaps).toEqual([]);
    expect(debugEntries(open.key).map((e) => [e.source, e.capabilities])).toEqual([
      ['key-policy', ['read', 'use-sign']],
      ['grant', ['use-sign']],
    ]);
    expect(open.verdict?.outcome).toBe('fail');
    await fake?.close();
    const denied = await audit(world([denySign]), ORG);
    expect(denied.out.gaps).toEqual([]);
    expect(debugEntries(denied.key).map((e) => [e.source, e.capabilities])).toEqual([['key-policy', ['read']]]);
    expect(denied.verdict?.outcome).toBe('pass');
  });

  it('an SCP deny on a principal tag of another account (not read) leaves the access undecided: unknown, never a pass', async () => {
    const byTag = {
      ...denySign,
      content: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/env': 'debug' } } }],
      },
    };
    const { key, verdict } = await audit(world([byTag]), ORG);
    expect(debugEntries(key).find((e) => e.source === 'grant')?.undecided).toEqual([
      { key: 'aws:PrincipalTag/env', operator: 'StringEquals', values: ['debug'] },
    ]);
    expect(verdict?.outcome).toBe('unknown');
  });

  it('an organization with SCPs disabled (none attached anywhere) restricts nobody: the debug role still signs, fail', async () => {
    const iam = { roles: [{ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms-everything', document: allowAll() }] }] };
    const { verdict, key, out } = await audit(estate(iam, { ...organization([]), policies: [] }), ORG);
    expect(out.gaps).toEqual([]);
    expect(iamEntry(key, 'debug-shell')[0]?.capabilities).toContain('use-sign');
    expect(verdict?.outcome).toBe('fail');
  });

  it('a resource perimeter SCP (deny unless aws:ResourceOrgID is ours) does not stop a debug role from using a key of the organization: fail, decided', async () => {
    // AWS data perimeter policy examples: EnforceResourcePerimeterAWSResources.
    const resourcePerimeter = {
      id: 'p-resperimeter1',
      name: 'EnforceResourcePerimeter',
      type: 'SERVICE_CONTROL_POLICY' as const,
      content: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnforceResourcePerimeterAWSResources',
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': 'o-exampleorgid', 'aws:PrincipalTag/resource-perimeter-exception': 'true' } },
          },
        ],
      },
      targets: [ROOT],
    };
    const iam = { roles: [{ name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms-everything', document: allowAll() }] }] };
    const { verdict, key, out } = await audit(estate(iam, organization([resourcePerimeter])), ORG);
    expect(out.gaps).toEqual([]);
    expect(iamEntry(key, 'debug-shell').map((e) => e.undecided)).toEqual([undefined]);
    expect(verdict?.outcome).toBe('fail');
  });

  it('the RCP identity perimeter takes the key from an account outside the organization that the key policy names; an undecidable org pattern stays undecided', async () => {
    const OUTSIDE = '999988887777';
    const external = { Sid: 'External', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE}:root` }, Action: 'kms:Sign', Resource: '*' };
    const outside = (key: { access?: AccessEntry[] } | undefined) => key?.access?.filter((e) => e.principal.account === OUTSIDE) ?? [];
    expect(outside((await audit(world([], [external]), ORG)).key).map((e) => e.capabilities)).toEqual([['use-sign']]);
    await fake?.close();
    const blocked = await audit(world([perimeterRcp], [external]), ORG);
    expect(blocked.out.gaps).toEqual([]);
    expect(outside(blocked.key)).toEqual([]);
    await fake?.close();
    // Any organization (o-*): the outside account may be in one, or in none.
    const anyOrg = structuredClone(perimeterRcp);
    anyOrg.content.Statement[0] = { ...anyOrg.content.Statement[0], Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } } } as never;
    expect(outside((await audit(world([anyOrg], [external]), ORG)).key)[0]?.undecided).toEqual([
      { key: 'aws:PrincipalOrgID', operator: 'StringNotLike', values: ['o-*'] },
    ]);
  });

  it("the RCP identity perimeter confines a key policy's wildcard principal (no-public-principal passes), not on an AWS managed key", async () => {
    const everyone = { Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Verify', Resource: '*' };
    const publicOf = (r: Awaited<ReturnType<typeof audit>>) => r.result.results.find((x) => x.ruleId === 'no-public-principal' && x.subject.id === KEY);
    expect(publicOf(await audit(world([], [everyone]), ORG))?.outcome).toBe('fail');
    await fake?.close();
    const confined = await audit(world([perimeterRcp], [everyone]), ORG);
    expect(confined.key?.access?.find((e) => e.sourceId === 'Everyone')).toMatchObject({ confined: true });
    expect(publicOf(confined)?.outcome).toBe('pass');
    await fake?.close();
    // KMS Developer Guide: resource control policies do not apply to AWS managed keys.
    expect(publicOf(await audit(world([perimeterRcp], [everyone], 'AWS'), ORG))?.outcome).toBe('fail');
  });

  it("an RCP whose Resource is other keys (another region) neither confines the key policy's wildcard principal nor takes its actions", async () => {
    const everyone = { Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };
    const publicOf = (r: Awaited<ReturnType<typeof audit>>) => r.result.results.find((x) => x.ruleId === 'no-public-principal' && x.subject.id === KEY);
    const onKeys = (Resource: string, withCondition = true) => {
      const [statement] = perimeterRcp.content.Statement;
      const { Condition, ...unconditional } = { ...statement, Resource };
      return { ...perimeterRcp, content: { ...perimeterRcp.content, Statement: [withCondition ? { ...unconditional, Condition } : unconditional] } };
    };
    // The key is in us-east-1: a perimeter on eu-west-1's keys does not cover it.
    const elsewhere = await audit(world([onKeys('arn:aws:kms:eu-west-1:*:key/*')], [everyone]), ORG);
    expect(elsewhere.key?.access?.find((e) => e.sourceId === 'Everyone')).toMatchObject({ capabilities: ['use-decrypt'] });
    expect(elsewhere.key?.access?.find((e) => e.sourceId === 'Everyone')?.confined).toBeUndefined();
    expect(publicOf(elsewhere)?.outcome).toBe('fail');
    await fake?.close();
    const unconditional = await audit(world([onKeys('arn:aws:kms:eu-west-1:*:key/*', false)], [everyone]), ORG);
    expect(unconditional.key?.access?.find((e) => e.sourceId === 'Everyone')?.capabilities).toEqual(['use-decrypt']);
    expect(publicOf(unconditional)?.outcome).toBe('fail');
    await fake?.close();
    const here = await audit(world([onKeys('arn:aws:kms:us-east-1:*:key/*')], [everyone]), ORG);
    expect(here.key?.access?.find((e) => e.sourceId === 'Everyone')).toMatchObject({ confined: true });
    expect(publicOf(here)?.outcome).toBe('pass');
  });

  it("an RCP does not apply to a service-linked role's calls, by IAM or by the key policy alike; it does to another role", async () => {
    // IAM User Guide, policy evaluation logic: RCPs don't apply to calls made by service-linked roles.
    const denySignRcp = {
      id: 'p-rcpdenysign1',
      name: 'RCPDenySign',
      type: 'RESOURCE_CONTROL_POLICY' as const,
      content: { Version: '2012-10-17', Statement: [{ Sid: 'NoSign', Effect: 'Deny', Principal: '*', Action: 'kms:Sign', Resource: '*' }] },
      targets: [ROOT],
    };
    const slr = { name: 'AWSServiceRoleForExampleSigner', path: '/aws-service-role/signer.example.amazonaws.com/' };
    const slrArn = `arn:aws:iam::${PROD}:role${slr.path}${slr.name}`;
    const signs = [{ name: 'sign', document: allowAll(['kms:Sign']) }];
    const iam: FakeIam = {
      roles: [
        { ...slr, trust: ec2Trust, inline: signs },
        { name: 'signer', trust: ec2Trust, inline: signs },
      ],
    };
    const w = estate(iam, organization([denySignRcp]));
    const key = w.accounts.find((a) => a.id === PROD)?.regions['us-east-1']?.keys[0];
    if (key) key.policy = defaultPolicyWith({ Sid: 'ServiceLinked', Effect: 'Allow', Principal: { AWS: slrArn }, Action: 'kms:Sign', Resource: '*' });
    const { out, key: read } = await audit(w, ORG);
    expect(out.gaps).toEqual([]);
    const bySlr = read?.access?.filter((e) => e.principal.id === slrArn).map((e) => [e.source, e.capabilities]);
    expect(bySlr).toEqual([
      ['key-policy', ['use-sign']],
      ['iam-policy', ['use-sign']],
    ]);
    expect(iamEntry(read, 'signer')).toEqual([]);
  });

  it('an SCP denying kms:Decrypt takes Decrypt from a role read in IAM that the key policy or a grant lets decrypt only: pass', async () => {
    const denyDecrypt = {
      ...denySign,
      content: { Version: '2012-10-17', Statement: [{ Sid: 'DenySignDecrypt', Effect: 'Deny', Action: ['kms:Sign', 'kms:Decrypt'], Resource: '*' }] },
    };
    const debugCi = `arn:aws:iam::${DEBUG}:role/debug-ci`;
    const byPolicy = { Sid: 'DebugCiDecrypt', Effect: 'Allow', Principal: { AWS: debugCi }, Action: 'kms:Decrypt', Resource: '*' };
    const withDebugIam = (w: FakeWorld, grant = false): FakeWorld => {
      const key = w.accounts.find((a) => a.id === PROD)?.regions['us-east-1']?.keys[0];
      if (key && grant) key.grants = [{ id: 'grant-debug-ci', grantee: debugCi, operations: ['Decrypt'] }];
      const iam: FakeIam = { roles: [{ name: 'debug-ci', trust: ec2Trust, inline: [{ name: 's3', document: allowAll('s3:GetObject') }] }] };
      return { ...w, accounts: w.accounts.map((a) => (a.id === DEBUG ? { ...a, iam } : a)) };
    };
    for (const w of [withDebugIam(world([denyDecrypt], [byPolicy])), withDebugIam(world([denyDecrypt]), true)]) {
      const { out, key, verdict } = await audit(w, ORG);
      expect(out.gaps).toEqual([]);
      expect(debugEntries(key).filter((e) => e.principal.id === debugCi)).toEqual([]);
      expect(verdict?.outcome).toBe('pass');
      await fake?.close();
    }
  });
});

describe('cross-account delegation to an audited account (acceptance)', () => {
  // KMS Developer Guide, "Allowing users in other accounts to use a KMS key": the key policy names the
  // other account, and that account's identity policies choose who in it may use the key.
  const crossAccount = {
    Sid: 'Allow use of the key by the partner account',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
    Action: ['kms:Sign', 'kms:Verify', 'kms:DescribeKey'],
    Resource: '*',
  };
  function world(assumable = true, statement: unknown = crossAccount): FakeWorld {
    const base = estate({});
    const key = base.accounts[0]?.regions['us-east-1']?.keys[0];
    if (key) key.policy = defaultPolicyWith(statement);
    const partnerIam: FakeIam = {
      roles: [
        { name: 'debug-shell', tags: { env: 'debug' }, trust: ec2Trust, inline: [{ name: 'kms', document: allowAll(['kms:Sign'], { Resource: KEY }) }] },
        { name: 'web', trust: ec2Trust, inline: [{ name: 's3', document: allowAll('s3:GetObject') }] },
      ],
    };
    return { ...base, accounts: [...base.accounts, { id: PARTNER, assumable, iam: partnerIam, regions: { 'us-east-1': { keys: [] } } }] };
  }
  const BOTH = { accounts: [PROD, PARTNER], assumeRole: 'KeyhygieneAudit' };

  it("joins the other account's IAM: its debug role that may sign with the key fails the production key", async () => {
    const { key, verdict, out } = await audit(world(), BOTH);
    expect(out.gaps).toEqual([]);
    const partner = key?.access?.filter((e) => e.source === 'iam-policy' && e.principal.account === PARTNER);
    expect(partner?.map((e) => [e.principal.name, e.capabilities])).toEqual([['debug-shell', ['use-sign']]]);
    expect(key?.access?.some((e) => e.principal.kind === 'account' && e.principal.account === PARTNER)).toBe(true);
    expect(verdict?.outcome).toBe('fail');
    expect(verdict?.message).toMatch(/debug-shell/);
  });

  it("an audited account whose IAM cannot be read leaves the key's access a gap: unknown, never a pass", async () => {
    const { verdict, out } = await audit(world(false), BOTH);
    expect(out.gaps.find((g) => g.scope.subjectId === KEY)?.affects).toEqual(['access']);
    expect(verdict?.outcome).toBe('unknown');
  });

  it('a role of the other audited account named directly carries its IAM tags: the debug-tagged role fails the production key', async () => {
    const named = { ...crossAccount, Principal: { AWS: `arn:aws:iam::${PARTNER}:role/debug-shell` } };
    const { key, verdict, out } = await audit(world(true, named), BOTH);
    expect(out.gaps).toEqual([]);
    expect(key?.access?.find((e) => e.source === 'key-policy' && e.principal.account === PARTNER)?.principal.tags).toEqual({ env: 'debug' });
    expect(verdict?.outcome).toBe('fail');
  });

  it('an account outside the audit keeps the account entry only (documented limit)', async () => {
    const { key } = await audit(world(), { accounts: [PROD] });
    expect(key?.access?.filter((e) => e.principal.account === PARTNER).map((e) => e.principal.kind)).toEqual(['account']);
  });
});
