// The three-valued condition evaluator: decided facts, request conditions the caller meets, and
// conditions the audit cannot decide (kept, named, never dropped).
import { describe, expect, it } from 'vitest';
import { evalConditions, type Facts, testOperator } from '../../../../src/providers/aws/access/conditions.ts';
import { compileDocument } from '../../../../src/providers/aws/access/document.ts';
import { sessionTagKeys } from '../../../../src/providers/aws/access/iam-details.ts';
import { keyConditionFacts } from '../../../../src/providers/aws/normalize.ts';

const facts: Facts = {
  principal: { arn: 'arn:aws:iam::444455556666:role/debug/shell', account: '444455556666', kind: 'role', name: 'shell', tags: { env: 'debug', Team: 'sre' } },
  key: { arn: 'arn:aws:kms:us-east-1:444455556666:key/k1', account: '444455556666', region: 'us-east-1', aliases: ['alias/signer'], tags: { env: 'prod' } },
};
const c = (operator: string, key: string, ...values: string[]) => ({ operator, key, values });

describe('testOperator (IAM condition operators)', () => {
  it.each([
    ['StringEquals', ['a'], ['a'], true],
    ['StringEquals', ['a'], ['A'], false],
    ['StringEqualsIgnoreCase', ['a'], ['A'], true],
    ['StringNotEquals', ['a'], ['b'], true],
    ['StringNotEquals', undefined, ['b'], true],
    ['StringEquals', undefined, ['b'], false],
    ['StringEqualsIfExists', undefined, ['b'], true],
    ['StringLike', ['alias/prod-signer'], ['alias/prod-*'], true],
    ['StringNotLike', ['alias/prod-signer'], ['alias/prod-*'], false],
    ['ArnLike', ['arn:aws:iam::1:role/x'], ['arn:aws:iam::*:role/*'], true],
    ['ForAnyValue:StringLike', ['alias/a', 'alias/prod-b'], ['alias/prod-*'], true],
    ['ForAllValues:StringLike', ['alias/a', 'alias/prod-b'], ['alias/prod-*'], false],
    ['ForAllValues:StringEquals', undefined, ['x'], true],
    // IAM User Guide, multivalued context keys: ForAnyValue is false without the key, negated or not.
    ['ForAnyValue:StringNotEquals', undefined, ['x'], false],
    ['ForAnyValue:StringNotLike', [], ['x*'], false],
    ['ForAnyValue:StringEqualsIfExists', undefined, ['x'], true],
    ['ForAllValues:StringNotEquals', undefined, ['x'], true],
    ['Null', undefined, ['true'], true],
    ['Null', ['x'], ['true'], false],
    ['Bool', ['true'], ['True'], true],
  ] as const)('%s %j against %j is %s', (op, have, want, expected) => {
    expect(testOperator(op, have, want)).toBe(expected);
  });
  it.each([
    // IAM User Guide, numeric and date condition operators (dates as ISO 8601 or epoch seconds).
    ['NumericLessThan', ['3'], ['5'], true],
    ['NumericGreaterThanEquals', ['5'], ['5'], true],
    ['NumericNotEquals', ['5'], ['5', '6'], false],
    ['DateLessThan', ['2026-06-01T00:00:00.000Z'], ['2020-01-01T00:00:00Z'], false],
    ['DateGreaterThan', ['2026-06-01T00:00:00.000Z'], ['2020-01-01'], true],
    ['DateLessThanEquals', ['2026-06-01T00:00:00.000Z'], ['1780272000'], true],
    ['DateNotEquals', ['2026-06-01T00:00:00.000Z'], ['2026-06-01T00:00:00Z'], false],
    ['DateLessThanIfExists', undefined, ['2020-01-01T00:00:00Z'], true],
  ] as const)('%s %j against %j is %s', (op, have, want, expected) => {
    expect(testOperator(op, have, want)).toBe(expected);
  });
  it('an operator it does not implement, or a value that is not a number or a date, is undecided, not false', () => {
    expect(testOperator('IpAddress', ['203.0.113.7'], ['203.0.113.0/24'])).toBeUndefined();
    expect(testOperator('NumericLessThan', ['3'], ['five'])).toBeUndefined();
    expect(testOperator('DateLessThan', ['2026-06-01T00:00:00Z'], ['next week'])).toBeUndefined();
  });
});

describe('evalConditions', () => {
  it('decides principal and resource facts (tags, ARN, account, aliases)', () => {
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/env', 'debug')], facts, 'Allow').v).toBe('yes');
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/env', 'prod')], facts, 'Allow').v).toBe('no');
    expect(evalConditions([c('StringEquals', 'aws:ResourceTag/env', 'prod'), c('StringEquals', 'kms:CallerAccount', '444455556666')], facts, 'Allow').v).toBe(
      'yes',
    );
    expect(evalConditions([c('ForAnyValue:StringLike', 'kms:ResourceAliases', 'alias/sign*')], facts, 'Allow').v).toBe('yes');
    expect(evalConditions([c('ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/debug/*')], facts, 'Allow').v).toBe('no');
  });
  it('takes request conditions as met for an Allow and as avoidable for a Deny, and says so', () => {
    const ctx = c('StringEquals', 'kms:EncryptionContext:app', 'billing');
    expect(evalConditions([ctx], facts, 'Allow')).toEqual({ v: 'yes', undecided: [], assumed: [ctx] });
    expect(evalConditions([c('StringNotEquals', 'kms:ViaService', 's3.us-east-1.amazonaws.com')], facts, 'Deny').v).toBe('no');
  });
  it('takes the network a caller calls from as a request condition: an Allow from a network is usable there, a Deny outside it avoidable', () => {
    // IAM User Guide, global condition keys aws:SourceIp, aws:VpcSourceIp, aws:SourceVpc, aws:SourceVpce.
    const office = c('IpAddress', 'aws:SourceIp', '203.0.113.0/24');
    expect(evalConditions([office], facts, 'Allow')).toEqual({ v: 'yes', undecided: [], assumed: [office] });
    expect(evalConditions([c('NotIpAddress', 'aws:SourceIp', '203.0.113.0/24')], facts, 'Deny').v).toBe('no');
    expect(evalConditions([c('StringNotEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d')], facts, 'Deny').v).toBe('no');
    expect(evalConditions([c('IpAddress', 'aws:VpcSourceIp', '10.0.0.0/16'), c('StringEquals', 'aws:SourceVpc', 'vpc-111bbb22')], facts, 'Allow').v).toBe(
      'yes',
    );
  });
  it('keeps a condition it cannot decide, named', () => {
    const ip = c('StringLike', 'aws:PrincipalOrgPaths', 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*');
    expect(evalConditions([ip], facts, 'Allow')).toEqual({ v: 'maybe', undecided: [ip], assumed: [] });
    expect(evalConditions([c('StringEquals', 'aws:PrincipalOrgID', 'o-1')], facts, 'Allow').v).toBe('maybe');
    expect(evalConditions([c('StringEquals', 'aws:PrincipalOrgID', 'o-1')], { ...facts, orgId: 'o-1' }, 'Allow').v).toBe('yes');
    // A decided false wins over an undecided one.
    expect(evalConditions([ip, c('StringEquals', 'aws:PrincipalTag/env', 'prod')], facts, 'Allow').v).toBe('no');
  });
  it('substitutes policy variables it knows and leaves the others undecided', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
    expect(evalConditions([c('StringEquals', 'aws:ResourceTag/env', '${aws:PrincipalTag/env}')], facts, 'Allow').v).toBe('no');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/env', '${aws:userid}')], facts, 'Allow').v).toBe('maybe');
  });
  it('a tag key a session may set (sts:TagSession) is undecided; other keys are decided by the role tags', () => {
    const session = { ...facts, principal: { ...facts.principal, sessionTagKeys: ['cost-*', 'env'] } };
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/Env', 'prod')], session, 'Allow').v).toBe('maybe');
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/cost-center', 'x')], session, 'Allow').v).toBe('maybe');
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/team', 'web')], session, 'Allow').v).toBe('no');
  });
  it('sessionTagKeys: any key unless the trust limits aws:TagKeys with ForAllValues; none without sts:TagSession', () => {
    const trust = (statement: Record<string, unknown>) =>
      compileDocument({ Statement: [{ Effect: 'Allow', Principal: { Federated: 'x' }, ...statement }] }, 'trust');
    expect(sessionTagKeys(trust({ Action: 'sts:AssumeRoleWithSAML' }))).toBeUndefined();
    expect(sessionTagKeys(trust({ Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] }))).toEqual(['*']);
    expect(sessionTagKeys(trust({ Action: 'sts:*' }))).toEqual(['*']);
    const limited = trust({ Action: 'sts:TagSession', Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['Project', 'cost-*'] } } });
    expect(sessionTagKeys(limited)).toEqual(['cost-*', 'project']);
    // ForAnyValue does not limit the keys: one listed key lets any other through.
    expect(sessionTagKeys(trust({ Action: 'sts:TagSession', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'project' } } }))).toEqual(['*']);
  });
  it("decides the key's own condition keys from DescribeKey; a single-Region key has no kms:MultiRegionKeyType", () => {
    const attributes = keyConditionFacts({ KeySpec: 'RSA_3072', KeyUsage: 'SIGN_VERIFY', Origin: 'EXTERNAL', MultiRegion: false });
    const keyed = { ...facts, key: { ...facts.key, attributes } };
    expect(evalConditions([c('StringLike', 'kms:KeySpec', 'RSA_*'), c('StringEquals', 'kms:KeyUsage', 'SIGN_VERIFY')], keyed, 'Allow').v).toBe('yes');
    expect(evalConditions([c('StringEquals', 'kms:KeyOrigin', 'AWS_KMS')], keyed, 'Allow').v).toBe('no');
    expect(evalConditions([c('Bool', 'kms:MultiRegion', 'true')], keyed, 'Allow').v).toBe('no');
    expect(evalConditions([c('StringEquals', 'kms:CustomerMasterKeySpec', 'RSA_3072')], keyed, 'Allow').v).toBe('yes');
    expect(evalConditions([c('StringEquals', 'kms:MultiRegionKeyType', 'PRIMARY')], keyed, 'Allow').v).toBe('no');
    // Not read (no DescribeKey): undecided.
    expect(evalConditions([c('StringLike', 'kms:KeySpec', 'RSA_*')], facts, 'Allow').v).toBe('maybe');
    const replica = keyConditionFacts({ KeySpec: 'SYMMETRIC_DEFAULT', MultiRegion: true, MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA' } });
    expect(replica).toMatchObject({ 'kms:multiregion': 'true', 'kms:multiregionkeytype': 'REPLICA' });
  });
  it('aws:PrincipalServiceName is absent for a user or role: a Deny unless an AWS service applies, an Allow for one does not', () => {
    const svc = c('StringNotEqualsIfExists', 'aws:PrincipalServiceName', 'cloudtrail.amazonaws.com');
    expect(evalConditions([svc], facts, 'Deny').v).toBe('yes');
    expect(evalConditions([c('StringEquals', 'aws:PrincipalServiceName', 'cloudtrail.amazonaws.com')], facts, 'Allow').v).toBe('no');
    expect(evalConditions([c('ForAnyValue:StringEquals', 'aws:PrincipalServiceNamesList', 'cloudtrail.amazonaws.com')], facts, 'Allow').v).toBe('no');
  });
  it('a principal whose tags were not read leaves tag conditions undecided', () => {
    const untagged = { ...facts, principal: { ...facts.principal, tags: undefined } };
    expect(evalConditions([c('StringEquals', 'aws:PrincipalTag/env', 'debug')], untagged, 'Allow').v).toBe('maybe');
  });
});

describe('resource organization and service-source keys', () => {
  it('aws:ResourceOrgID and aws:ResourceOrgPaths are decided when the key account is in the organization read, undecided otherwise', () => {
    const inOrg: Facts = { ...facts, resourceOrg: { id: 'o-exampleorgid', path: 'o-exampleorgid/r-ab12/ou-ab12-11111111/' } };
    // AWS data perimeter examples: the resource perimeter SCP denies calls to resources outside the organization.
    const perimeter = [c('StringNotEqualsIfExists', 'aws:ResourceOrgID', 'o-exampleorgid')];
    expect(evalConditions(perimeter, inOrg, 'Deny').v).toBe('no');
    expect(evalConditions([c('StringNotEqualsIfExists', 'aws:ResourceOrgID', 'o-otherorgid1')], inOrg, 'Deny').v).toBe('yes');
    expect(evalConditions([c('ForAnyValue:StringLike', 'aws:ResourceOrgPaths', 'o-exampleorgid/r-ab12/ou-ab12-11111111/*')], inOrg, 'Allow').v).toBe('yes');
    expect(evalConditions(perimeter, facts, 'Deny').v).toBe('maybe');
  });

  it('aws:SourceAccount, aws:SourceArn, aws:SourceOrgID are absent for a user or role calling KMS itself (present only for AWS service principals)', () => {
    expect(evalConditions([c('StringNotEqualsIfExists', 'aws:SourceAccount', '444455556666')], facts, 'Deny').v).toBe('yes');
    expect(evalConditions([c('Null', 'aws:SourceArn', 'false')], facts, 'Deny').v).toBe('no');
    expect(evalConditions([c('StringEquals', 'aws:SourceOrgID', 'o-exampleorgid')], facts, 'Allow').v).toBe('no');
  });
});

describe('aws:userid (IAM User Guide, global condition keys)', () => {
  const role: Facts = { ...facts, principal: { ...facts.principal, id: 'AROA5EXAMPLEROLEID01' } };
  const user: Facts = { ...facts, principal: { ...facts.principal, kind: 'user', id: 'AIDA5EXAMPLEUSERID01' } };
  it("a role's id with any session is decided; another id is not it; a pinned session name is the caller's to choose", () => {
    expect(evalConditions([c('StringLike', 'aws:userid', 'AROA5EXAMPLEROLEID01:*')], role, 'Allow').v).toBe('yes');
    expect(evalConditions([c('StringLike', 'aws:userid', 'AROA5OTHERROLEID0001:*')], role, 'Allow').v).toBe('no');
    // A break-glass Deny for everyone but one role, as AWS's examples write it: the role is let through.
    expect(evalConditions([c('StringNotLike', 'aws:userid', 'AROA5EXAMPLEROLEID01:*', 'AIDA5EXAMPLEUSERID01')], role, 'Deny').v).toBe('no');
    expect(evalConditions([c('StringEquals', 'aws:userid', 'AROA5EXAMPLEROLEID01:ops-session')], role, 'Allow')).toMatchObject({
      v: 'yes',
      assumed: [{ key: 'aws:userid' }],
    });
  });
  it("a user's id is decided; without the id (IAM not read) it is undecided", () => {
    expect(evalConditions([c('StringEquals', 'aws:userid', 'AIDA5EXAMPLEUSERID01')], user, 'Allow').v).toBe('yes');
    expect(evalConditions([c('StringNotLike', 'aws:userid', 'AROA5EXAMPLEROLEID01:*', 'AIDA5EXAMPLEUSERID01')], user, 'Deny').v).toBe('no');
    expect(evalConditions([c('StringEquals', 'aws:userid', 'AIDA5EXAMPLEUSERID01')], facts, 'Allow').v).toBe('maybe');
  });
});
