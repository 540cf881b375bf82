// The shared evaluation (principals classed by what of the key they read, answers shared by keys with
// the same policy text, tags and aliases, ARN-reading principals indexed by resource pattern) gives
// byte-identical entries to the straightforward one (every principal, every key, nothing shared) on
// generated estates: random identity policies, conditions, boundaries, unreadable policies, SCPs, RCPs
// and key policies, some of which read the key.
import { describe, expect, it } from 'vitest';
import { compileDocument, type Stmt } from '../../../../src/providers/aws/access/document.ts';
import {
  effectiveAccess,
  effectiveAccessPlain,
  indexAccount,
  type KeyFacts,
  type OrgPolicies,
  toAccessEntries,
} from '../../../../src/providers/aws/access/evaluate.ts';
import { type AuthorizationDetailsPage, accountIamFrom } from '../../../../src/providers/aws/access/iam-details.ts';

const ACCOUNT = '444455556666';
const allowKms = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
const KEY = (k: number) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/k${k}`;

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return { next, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const ACTIONS = ['kms:*', 'kms:Decrypt', 'kms:Sign', 'kms:Encrypt', 'kms:Describe*', 'kms:Re*', 's3:GetObject', '*'];
const RESOURCES = [
  '*',
  '*',
  '*',
  KEY(1),
  KEY(2),
  `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1*`,
  `arn:aws:kms:*:${ACCOUNT}:key/*`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  'arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/k3',
];
const CONDITIONS: Record<string, unknown>[] = [
  { StringEquals: { 'aws:ResourceTag/team': 't1' } },
  { StringEquals: { 'aws:ResourceTag/Team': 't2' } },
  { StringNotEquals: { 'aws:ResourceTag/env': 'prod' } },
  { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/sign*' } },
  { StringEquals: { 'aws:PrincipalTag/env': 'debug' } },
  { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc/r-ab12/ou-ab12-11111111/*' } },
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } },
  { Null: { 'aws:ResourceTag/team': 'false' } },
  { StringLike: { 'kms:KeySpec': 'ECC_*' } },
];

function statement(r: Rng, effect: 'Allow' | 'Deny'): Record<string, unknown> {
  const s: Record<string, unknown> = { Effect: effect };
  s[r.chance(0.1) ? 'NotAction' : 'Action'] = r.chance(0.3) ? [r.pick(ACTIONS), r.pick(ACTIONS)] : r.pick(ACTIONS);
  s[r.chance(0.08) ? 'NotResource' : 'Resource'] = r.pick(RESOURCES);
  if (r.chance(0.45)) s.Condition = r.pick(CONDITIONS);
  return s;
}

const doc = (r: Rng, n: number, deny = 0.2) =>
  JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: n }, () => statement(r, r.chance(deny) ? 'Deny' : 'Allow')) });

function estate(r: Rng, count: number): AuthorizationDetailsPage {
  const policy = (i: number) => `arn:aws:iam::${ACCOUNT}:policy/p${i}`;
  const Policies = Array.from({ length: 6 }, (_, i) => ({
    PolicyName: `p${i}`,
    Arn: policy(i),
    DefaultVersionId: 'v1',
    PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encodeURIComponent(doc(r, 2)) }],
  }));
  const attached = () => (r.chance(0.3) ? [{ PolicyArn: policy(r.chance(0.1) ? 99 : Math.floor(r.next() * 6)) }] : []);
  const boundary = () => (r.chance(0.2) ? { PermissionsBoundary: { PermissionsBoundaryArn: policy(Math.floor(r.next() * 6)) } } : {});
  const tags = () => [{ Key: 'env', Value: r.pick(['prod', 'debug', 'dev']) }];
  const RoleDetailList = Array.from({ length: count }, (_, i) => ({
    Arn: `arn:aws:iam::${ACCOUNT}:role/r${i}`,
    RoleName: `r${i}`,
    Path: r.chance(0.1) ? '/aws-service-role/' : '/',
    Tags: tags(),
    RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: encodeURIComponent(doc(r, 1 + Math.floor(r.next() * 3))) }],
    AttachedManagedPolicies: attached(),
    ...boundary(),
  }));
  const UserDetailList = Array.from({ length: Math.ceil(count / 4) }, (_, i) => ({
    Arn: `arn:aws:iam::${ACCOUNT}:user/u${i}`,
    UserName: `u${i}`,
    Tags: tags(),
    UserPolicyList: [{ PolicyName: 'inline', PolicyDocument: doc(r, 1 + Math.floor(r.next() * 2)) }],
    AttachedManagedPolicies: attached(),
    ...boundary(),
  }));
  return { RoleDetailList, UserDetailList, Policies };
}

const KEY_POLICIES = [
  { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
  { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*' },
  { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/r1*` }, Action: 'kms:*', Resource: '*' },
  { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } } },
];

function keyPolicy(r: Rng): string {
  const stmts = [KEY_POLICIES[0], ...KEY_POLICIES.slice(1).filter(() => r.chance(0.2))];
  return JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: stmts });
}

function keyOf(r: Rng, k: number): KeyFacts {
  const tags = r.chance(0.1)
    ? undefined
    : Object.fromEntries([
        r.pick([
          ['team', 't1'],
          ['Team', 't2'],
          ['env', 'prod'],
          ['owner', 'u1'],
        ]),
      ]);
  const aliases = r.chance(0.1) ? undefined : r.chance(0.5) ? [] : [r.pick(['alias/signer', 'alias/data'])];
  const attributes = { 'kms:keyspec': r.pick(['SYMMETRIC_DEFAULT', 'ECC_NIST_P256']) };
  return { arn: KEY(k), account: ACCOUNT, region: r.pick(['us-east-1', 'eu-west-1']), attributes, ...(tags ? { tags } : {}), ...(aliases ? { aliases } : {}) };
}

/** SCPs and RCPs: random ones (they may read the key: nothing is shared then) or ones that do not read it. */
function org(r: Rng, keyFree: boolean): OrgPolicies {
  const scp = (s: string): Stmt[] => compileDocument(s, 'scp');
  const allowAll = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const denyDebug = JSON.stringify({
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/env': 'debug' } } },
    ],
  });
  const second = keyFree ? denyDebug : doc(r, 2, 0.7);
  const scpLevels = new Map([[ACCOUNT, [scp(allowAll), scp(second)]]]);
  const rcp = keyFree
    ? JSON.stringify({
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:Encrypt', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }],
      })
    : doc(r, 1, 1);
  return { orgId: 'o-abc', scpLevels, rcps: new Map([[ACCOUNT, compileDocument(rcp, 'rcp')]]) };
}

const entriesOf = (accesses: ReturnType<typeof effectiveAccess>) => JSON.stringify(accesses.flatMap((a) => toAccessEntries(a)));

describe('effectiveAccess (shared and indexed) against the straightforward evaluation', () => {
  it.each([1, 2, 3, 4, 5, 6])('generated estate %i: byte-identical entries for every key', (seed) => {
    const r = rng(seed);
    const iam = accountIamFrom(ACCOUNT, [estate(r, 60)]);
    const index = indexAccount(iam);
    const o = seed === 5 ? org(r, false) : seed % 2 ? org(r, true) : undefined;
    const texts = Array.from({ length: 3 }, () => keyPolicy(r));
    let nonEmpty = 0;
    for (let k = 0; k < 120; k++) {
      const key = keyOf(r, k % 5);
      const text = r.pick(texts);
      const policy = compileDocument(text, 'key policy');
      const fast = entriesOf(effectiveAccess(key, policy, iam, index, o, text));
      // A fresh compile for the reference, so no statement memo is shared between the two.
      const plain = entriesOf(effectiveAccessPlain(key, compileDocument(text, 'key policy'), iam, o));
      expect(fast, `seed ${seed}, key ${k}`).toBe(plain);
      if (plain !== '[]') nonEmpty++;
    }
    // The estate exercised every class: shared answers were reused and some keys had access.
    expect(index.keyFree.length).toBeGreaterThan(0);
    expect(index.tagBound.length).toBeGreaterThan(0);
    expect(index.groups.length).toBeGreaterThan(0);
    // Organization policies that read the key (seed 5) share nothing; otherwise answers are reused.
    if (seed === 5) expect(index.cache.size).toBe(0);
    else expect(index.cache.size).toBeGreaterThan(0);
    expect(index.cache.size).toBeLessThan(120);
    expect(nonEmpty).toBeGreaterThan(60);
  });

  it('a principal reading only resource tags is shared by keys with the same tags, and differs with them', () => {
    const allowTagged = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 't1' } } }],
    });
    const iam = accountIamFrom(ACCOUNT, [
      { RoleDetailList: [{ Arn: `arn:aws:iam::${ACCOUNT}:role/t`, RoleName: 't', RolePolicyList: [{ PolicyName: 'k', PolicyDocument: allowTagged }] }] },
    ]);
    const index = indexAccount(iam);
    const text = keyPolicy(rng(0));
    const run = (k: number, team: string) =>
      effectiveAccess({ arn: KEY(k), account: ACCOUNT, region: 'us-east-1', tags: { team } }, compileDocument(text, 'kp'), iam, index, undefined, text);
    expect(index.tagBound.map((p) => p.name)).toEqual(['t']);
    const [a, b, c] = [run(1, 't1'), run(2, 't1'), run(3, 't2')];
    expect(a).toHaveLength(1);
    expect(b[0]).toBe(a[0]);
    expect(c).toEqual([]);
  });
  it('a key policy that denies by resource tag is shared per tag set, and its deny holds for the tagged keys', () => {
    const kmsAll = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
    const iam = accountIamFrom(ACCOUNT, [
      { RoleDetailList: [{ Arn: `arn:aws:iam::${ACCOUNT}:role/app`, RoleName: 'app', RolePolicyList: [{ PolicyName: 'k', PolicyDocument: kmsAll }] }] },
    ]);
    const index = indexAccount(iam);
    const text = JSON.stringify({ Statement: [KEY_POLICIES[0], KEY_POLICIES[3]] });
    const run = (k: number, env: string) =>
      effectiveAccess({ arn: KEY(k), account: ACCOUNT, region: 'us-east-1', tags: { env } }, compileDocument(text, 'kp'), iam, index, undefined, text);
    const [prod, dev1, dev2] = [run(1, 'prod'), run(2, 'dev'), run(3, 'dev')];
    expect(index.keyFree.map((p) => p.name)).toEqual(['app']);
    expect(prod).toEqual([]);
    expect(dev1).toHaveLength(1);
    expect(dev2[0]).toBe(dev1[0]);
  });
});

// The "Allow access through <service> for all principals in the account that are authorized to use
// <service>" statement of AWS managed and many customer key policies (KMS Developer Guide, default key
// policy of AWS managed keys): a wildcard principal confined by kms:CallerAccount and kms:ViaService.
const throughService = (service: string, extra: Record<string, unknown> = {}) => ({
  Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
  Resource: '*',
  Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `${service}.us-east-1.amazonaws.com`, ...extra } },
});

describe('effectiveAccess with a wildcard principal statement (every principal a candidate)', () => {
  const wildcardPolicy = (r: Rng): string => {
    const stmts: unknown[] = [throughService(r.pick(['ec2', 's3', 'rds']))];
    if (r.chance(0.5)) stmts.push(KEY_POLICIES[0]);
    if (r.chance(0.3)) stmts.push(KEY_POLICIES[2]);
    // Sometimes the wildcard statement reads the key's tags: answers then follow the tags.
    if (r.chance(0.3)) stmts.push(throughService('lambda', { 'aws:ResourceTag/team': 't1' }));
    return JSON.stringify({ Version: '2012-10-17', Statement: stmts });
  };

  it.each([7, 8, 9, 10])('generated estate %i: byte-identical entries to the straightforward evaluation, answers shared', (seed) => {
    const r = rng(seed);
    const iam = accountIamFrom(ACCOUNT, [estate(r, 60)]);
    const index = indexAccount(iam);
    const o = seed % 2 ? org(r, true) : undefined;
    const texts = Array.from({ length: 3 }, () => wildcardPolicy(r));
    for (let k = 0; k < 80; k++) {
      const key = keyOf(r, k % 5);
      const text = r.pick(texts);
      const fast = entriesOf(effectiveAccess(key, compileDocument(text, 'key policy'), iam, index, o, text));
      const plain = entriesOf(effectiveAccessPlain(key, compileDocument(text, 'key policy'), iam, o));
      expect(fast, `seed ${seed}, key ${k}`).toBe(plain);
    }
    expect(index.every.free.length + index.every.tags.length + index.every.arn.length).toBe(iam.principals.length);
    // Answers of principals that read nothing of the key: one per policy text, account and region
    // (wildcard, account, region, text), however many keys (3 texts × 2 regions at most).
    const perPolicy = [...index.cache.keys()].filter((id) => id.startsWith('wildcard\u0000') && id.split('\u0000').length === 4);
    expect(perPolicy.length).toBeGreaterThan(0);
    expect(perPolicy.length).toBeLessThanOrEqual(6);
  });

  it('keys with the same policy share one answer; another policy (or the same on another account or region) does not', () => {
    const noKms = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const iam = accountIamFrom(ACCOUNT, [
      {
        RoleDetailList: ['app', 'batch'].map((n) => ({
          Arn: `arn:aws:iam::${ACCOUNT}:role/${n}`,
          RoleName: n,
          RolePolicyList: [{ PolicyName: 'p', PolicyDocument: noKms }],
        })),
      },
    ]);
    const index = indexAccount(iam);
    const ebs = JSON.stringify({ Statement: [throughService('ec2')] });
    const denyBatch = JSON.stringify({
      Statement: [throughService('ec2'), { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/batch` }, Action: 'kms:*', Resource: '*' }],
    });
    const run = (k: number, text: string, region = 'us-east-1') =>
      effectiveAccess({ arn: KEY(k), account: ACCOUNT, region }, compileDocument(text, 'kp'), iam, index, undefined, text);
    const [a, b, c, d] = [run(1, ebs), run(2, ebs), run(3, denyBatch), run(4, ebs, 'eu-west-1')];
    // Every principal of the account can use the key through EC2, with no identity policy naming KMS.
    expect(a.map((x) => x.principal.name)).toEqual(['app', 'batch']);
    // The same policy: the very same answers (shared, not recomputed).
    expect(b).toEqual(a);
    expect(b[0]).toBe(a[0]);
    // Another policy: its own answer (the deny holds), not the first one's.
    expect(c.map((x) => x.principal.name)).toEqual(['app']);
    // The same text in another region: evaluated again (the cache id names account and region).
    expect(d.map((x) => x.principal.name)).toEqual(['app', 'batch']);
    expect(d[0]).not.toBe(a[0]);
    for (const [k, text, got] of [
      [1, ebs, a],
      [3, denyBatch, c],
    ] as const)
      expect(entriesOf(got)).toBe(entriesOf(effectiveAccessPlain({ arn: KEY(k), account: ACCOUNT, region: 'us-east-1' }, compileDocument(text, 'kp'), iam)));
  });
  it('resource control policies do not apply to an AWS managed key (KMS Developer Guide), also when a customer key shares its policy text', () => {
    const noKms = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const iam = accountIamFrom(ACCOUNT, [
      { RoleDetailList: [{ Arn: `arn:aws:iam::${ACCOUNT}:role/app`, RoleName: 'app', RolePolicyList: [{ PolicyName: 'p', PolicyDocument: noKms }] }] },
    ]);
    const index = indexAccount(iam);
    const text = JSON.stringify({ Statement: [throughService('s3')] });
    const rcp = JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }] });
    const o: OrgPolicies = { orgId: 'o-abc', rcps: new Map([[ACCOUNT, compileDocument(rcp, 'rcp')]]) };
    const run = (k: number, awsManaged: boolean) =>
      effectiveAccess(
        { arn: KEY(k), account: ACCOUNT, region: 'us-east-1', ...(awsManaged ? { awsManaged } : {}) },
        compileDocument(text, 'kp'),
        iam,
        index,
        o,
        text,
      );
    expect(run(1, false)).toEqual([]);
    expect(run(2, true).map((x) => x.principal.name)).toEqual(['app']);
    expect(run(3, false)).toEqual([]);
  });
  it("the key account's RCPs apply to another account's principals the key policy delegates to", () => {
    const other = '777788889999';
    const iam = accountIamFrom(other, [
      { RoleDetailList: [{ Arn: `arn:aws:iam::${other}:role/app`, RoleName: 'app', RolePolicyList: [{ PolicyName: 'p', PolicyDocument: allowKms }] }] },
    ]);
    const text = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${other}:root` }, Action: 'kms:Decrypt', Resource: '*' }] });
    const rcp = JSON.stringify({
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } } }],
    });
    const key = { arn: KEY(1), account: ACCOUNT, region: 'us-east-1' };
    const names = (o?: OrgPolicies) => effectiveAccessPlain(key, compileDocument(text, 'kp'), iam, o).map((x) => x.principal.name);
    expect(names()).toEqual(['app']);
    expect(names({ orgId: 'o-abc', rcps: new Map([[ACCOUNT, compileDocument(rcp, 'rcp')]]) })).toEqual([]);
  });
});
