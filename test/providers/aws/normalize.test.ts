import { describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/model/access-entry.ts';
import { KeyRecord } from '../../../src/model/key-record.ts';
import {
  grantsToAccess,
  KeyPolicyError,
  lifecycleRetention,
  managementCoverage,
  matchActions,
  normalizeKey,
  normalizeTrail,
  policyToAccess,
  principalFromAws,
} from '../../../src/providers/aws/normalize.ts';

const A = '111111111111';
const B = '222222222222';
const created = new Date('2024-01-01T00:00:00Z');
const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const byId = (entries: AccessEntry[], id: string) => entries.filter((e) => e.principal.id === id);

describe('normalizeKey', () => {
  const meta = { KeyId: 'k1', Arn: `arn:aws:kms:us-east-1:${A}:key/k1`, CreationDate: created, KeyManager: 'CUSTOMER', KeyState: 'Enabled' };

  it.each([
    ['SIGN_VERIFY', 'RSA_3072', ['sign', 'verify'], { keyType: 'RSA', keySize: 3072 }],
    ['ENCRYPT_DECRYPT', 'SYMMETRIC_DEFAULT', ['encrypt', 'decrypt'], { keyType: 'AES', keySize: 256 }],
    ['GENERATE_VERIFY_MAC', 'HMAC_384', ['mac'], { keyType: 'HMAC', keySize: 384 }],
    ['KEY_AGREEMENT', 'ECC_NIST_P384', ['agree'], { keyType: 'EC', curve: 'P-384' }],
  ])('maps usage %s and spec %s', (usage, spec, expected, shape) => {
    const k = normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, KeyUsage: usage, KeySpec: spec, Origin: 'AWS_KMS' } });
    expect(k.usage).toEqual(expected);
    expect(k).toMatchObject(shape);
    expect(KeyRecord.safeParse(k).success).toBe(true);
  });

  it.each([
    ['AWS_KMS', 'generated', 'hsm'],
    ['EXTERNAL', 'imported', 'hsm'],
    ['AWS_CLOUDHSM', 'generated', 'hsm'],
    ['EXTERNAL_KEY_STORE', 'external-store', 'external'],
  ])('maps origin %s', (origin, o, protection) => {
    const k = normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, Origin: origin } });
    expect(k.origin).toBe(o);
    expect(k.protection).toBe(protection);
    expect(k.exportable).toBe(false);
  });

  it.each([
    ['Enabled', 'enabled'],
    ['Disabled', 'disabled'],
    ['PendingDeletion', 'pending-deletion'],
    ['PendingImport', 'pending-import'],
    ['Unavailable', 'unavailable'],
  ])('maps state %s', (state, expected) => {
    expect(normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, KeyState: state } }).state).toBe(expected);
  });

  it('rotatable key: automatic rotation, period and the current material from ListKeyRotations', () => {
    const k = normalizeKey({
      account: A,
      region: 'us-east-1',
      metadata: { ...meta, KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS' },
      rotationStatus: { KeyRotationEnabled: true, RotationPeriodInDays: 90 },
      rotations: [{ RotationDate: new Date('2025-03-01T00:00:00Z') }, { RotationDate: new Date('2024-12-01T00:00:00Z') }],
    });
    expect(k.rotation).toEqual({ supported: true, automatic: true, periodDays: 90, lastRotatedAt: '2025-03-01T00:00:00.000Z' });
    expect(k.currentVersionCreatedAt).toBe('2025-03-01T00:00:00.000Z');
    expect(k.versionCount).toBe(3);
  });

  it('rotatable key never rotated: current material is the creation date', () => {
    const k = normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS' }, rotations: [] });
    expect(k.currentVersionCreatedAt).toBe(created.toISOString());
    expect(k.rotation?.lastRotatedAt).toBeUndefined();
  });

  it('rotatable key whose rotations were not read leaves material age absent (fast profile)', () => {
    const k = normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_KMS' } });
    expect(k.currentVersionCreatedAt).toBeUndefined();
    expect(k.rotation).toEqual({ supported: true });
    expect(k.access).toBeUndefined();
  });

  it('keys in a custom key store, imported or asymmetric keys are not rotatable', () => {
    for (const m of [
      { KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: 'cks-1' },
      { KeySpec: 'SYMMETRIC_DEFAULT', Origin: 'EXTERNAL' },
      { KeySpec: 'RSA_2048', Origin: 'AWS_KMS' },
    ]) {
      const k = normalizeKey({ account: A, region: 'us-east-1', metadata: { ...meta, ...m }, rotations: [] });
      expect(k.rotation).toEqual({ supported: false });
      expect(k.currentVersionCreatedAt).toBe(created.toISOString());
    }
  });

  it('expiry: ValidTo for imported material, null otherwise', () => {
    const validTo = new Date('2027-01-01T00:00:00Z');
    expect(normalizeKey({ account: A, region: 'r', metadata: { ...meta, Origin: 'EXTERNAL', ValidTo: validTo } }).expiresAt).toBe(validTo.toISOString());
    expect(normalizeKey({ account: A, region: 'r', metadata: { ...meta, Origin: 'EXTERNAL' } }).expiresAt).toBeNull();
    expect(normalizeKey({ account: A, region: 'r', metadata: { ...meta, Origin: 'AWS_KMS', ValidTo: validTo } }).expiresAt).toBeNull();
  });

  it('AWS-managed keys are marked provider-managed; aliases sorted, the first is the name', () => {
    const k = normalizeKey({ account: A, region: 'r', metadata: { ...meta, KeyManager: 'AWS' }, aliases: ['alias/z', 'alias/aws/s3'] });
    expect(k.managedBy).toBe('provider');
    expect(k.aliases).toEqual(['alias/aws/s3', 'alias/z']);
    expect(k.name).toBe('alias/aws/s3');
  });
});

describe('policyToAccess', () => {
  it('maps actions to capabilities, kms:* to all of them', () => {
    const e = policyToAccess(
      policy(
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'Use',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${A}:role/signer` },
          Action: ['kms:Sign', 'kms:Get*', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ),
    );
    expect(byId(e, `arn:aws:iam::${A}:root`)[0]?.capabilities).toEqual([
      'administer',
      'create-grant',
      'read',
      'use-decrypt',
      'use-encrypt',
      'use-mac',
      'use-sign',
      'use-verify',
    ]);
    const signer = byId(e, `arn:aws:iam::${A}:role/signer`)[0];
    expect(signer?.capabilities).toEqual(['read', 'use-encrypt', 'use-sign']);
    expect(signer?.principal).toEqual({ kind: 'role', id: `arn:aws:iam::${A}:role/signer`, name: 'signer', account: A });
    expect(signer?.sourceId).toBe('Use');
  });

  it('an unconditioned wildcard is public and unconfined', () => {
    const [e] = policyToAccess(policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }));
    expect(e?.principal.kind).toBe('public');
    expect(e?.confined).toBeUndefined();
    expect(e?.sourceId).toBe('statement[0]');
  });

  it('a wildcard confined by kms:CallerAccount becomes that account, confined', () => {
    const e = policyToAccess(
      policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': B } } }),
    );
    expect(e).toHaveLength(1);
    expect(e[0]?.principal).toEqual({ kind: 'account', id: `arn:aws:iam::${B}:root`, name: `account ${B}`, account: B });
    expect(e[0]?.confined).toBe(true);
    expect(e[0]?.conditions).toEqual([{ key: 'kms:CallerAccount', operator: 'StringEquals', values: [B] }]);
  });

  it('a wildcard confined by aws:PrincipalOrgID is confined, not public', () => {
    const [e] = policyToAccess(
      policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Sign', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
    );
    expect(e?.confined).toBe(true);
    expect(e?.principal.kind).toBe('any-authenticated');
  });

  it('a wildcard confined by aws:PrincipalArn becomes the named role', () => {
    const arn = `arn:aws:iam::${B}:role/ci`;
    const [e] = policyToAccess(
      policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Sign', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': arn } } }),
    );
    expect(e?.principal).toMatchObject({ kind: 'role', id: arn, account: B });
    expect(e?.confined).toBe(true);
  });

  it.each([
    ['kms:ViaService alone', { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }],
    ['an IfExists operator', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } }],
    ['a negative operator in an Allow', { StringNotEquals: { 'kms:CallerAccount': B } }],
    ['a wildcard value', { StringLike: { 'aws:PrincipalOrgID': '*' } }],
    ['an encryption context only', { StringEquals: { 'kms:EncryptionContext:app': 'x' } }],
    // IAM User Guide, condition operators: ForAllValues also matches a request without the key.
    ['ForAllValues (true when the caller is in no organization)', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/'] } }],
    ['an organization pattern matching every organization', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
    ['a role name in any account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deploy' } }],
    ['a user name (any account can make that user)', { StringEquals: { 'aws:username': 'alice' } }],
    ['a source ARN of any S3 bucket', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }],
    ['a source ARN in any account', { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:alerts' } }],
    ['a user id pattern with no fixed principal', { StringLike: { 'aws:userid': '*:alice' } }],
  ])('a condition that does not restrict who (%s) leaves the wildcard public', (_name, Condition) => {
    const [e] = policyToAccess(policy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition }));
    expect(e?.principal.kind).toBe('public');
    expect(e?.confined).toBeUndefined();
    expect(e?.conditions?.length).toBe(1);
  });

  it.each([
    ['an organization path under a fixed organization', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'] } }],
    ['any role of one account', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${B}:role/*` } }],
    // IAM User Guide, policy variables: aws:userid is ROLE-ID:session-name for a role, any session of it with ':*'.
    ['any session of one role', { StringLike: { 'aws:userid': 'AROAEXAMPLEID:*' } }],
    ['one source bucket', { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' } }],
    ["one account's topics", { ArnLike: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${B}:*` } }],
  ])('a pattern below a fixed organization or account (%s) still confines the wildcard', (_name, Condition) => {
    const [e] = policyToAccess(policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition }));
    expect(e?.principal.kind).not.toBe('public');
    expect(e?.confined).toBe(true);
  });

  it('"deny everyone outside o-*" confines nothing', () => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } } },
      ),
    );
    expect(e[0]).toMatchObject({ principal: { kind: 'public' } });
    expect(e[0]?.confined).toBeUndefined();
  });

  it.each([
    ['StringNotEquals (true for a caller in no organization: the Deny stops it)', 'StringNotEquals', true],
    ['ForAllValues:StringNotEquals (true without the key)', 'ForAllValues:StringNotEquals', true],
    ['ForAnyValue:StringNotEquals (false without the key: a caller in no organization passes)', 'ForAnyValue:StringNotEquals', undefined],
  ])('"deny everyone outside o-abc" written with %s', (_name, operator, confined) => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { [operator]: { 'aws:PrincipalOrgID': 'o-abc' } } },
      ),
    );
    expect(e[0]?.confined).toBe(confined);
  });

  // AWS data perimeter policy examples (github.com/aws-samples/data-perimeter-policy-examples), the
  // identity perimeter of a resource policy: deny callers outside the organization unless AWS services.
  const perimeter = (Condition: Record<string, unknown>, Action: string | string[] = 'kms:*') => ({
    Sid: 'EnforceIdentityPerimeter',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action,
    Resource: '*',
    Condition,
  });
  const outsideOrg = { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc', 'aws:PrincipalAccount': ['444455556666'] } };
  it.each([
    ['StringNotEqualsIfExists on the org and accounts, AWS services exempt', { ...outsideOrg, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } }, true],
    ['StringNotEqualsIfExists on the org alone', { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } }, true],
    // A principal tagged for exclusion passes from any account: it confines nobody.
    ['with a tag exemption', { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc', 'aws:PrincipalTag/dp:exclude:identity': 'true' } }, undefined],
    ['ForAnyValue (false without the key)', { 'ForAnyValue:StringNotEqualsIfExists': { 'aws:PrincipalOrgID': 'o-abc' } }, undefined],
  ])('the identity-perimeter Deny written %s', (_name, condition, confined) => {
    const e = policyToAccess(policy({ Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' }, perimeter(condition)));
    expect(e[0]?.confined).toBe(confined);
  });

  it('a perimeter Deny confines only the actions it denies: one on Decrypt leaves a wildcard Sign public', () => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*' },
        perimeter({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, 'kms:Decrypt'),
      ),
    );
    expect(e[0]?.confined).toBeUndefined();
    const both = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: '*', Action: ['kms:Decrypt', 'kms:Sign'], Resource: '*' },
        perimeter({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, 'kms:Decrypt'),
        perimeter({ StringNotEquals: { 'aws:PrincipalAccount': '444455556666' } }, ['kms:Sign', 'kms:Verify']),
      ),
    );
    expect(both[0]?.confined).toBe(true);
  });

  it('Deny statements subtract capabilities', () => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/admin` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:role/sign-only` }, Action: 'kms:Sign', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: ['kms:Sign', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:DeriveSharedSecret'], Resource: '*' },
      ),
    );
    expect(byId(e, `arn:aws:iam::${A}:role/admin`)[0]?.capabilities).not.toContain('use-sign');
    expect(byId(e, `arn:aws:iam::${A}:role/admin`)[0]?.capabilities).not.toContain('use-decrypt');
    expect(byId(e, `arn:aws:iam::${A}:role/admin`)[0]?.capabilities).toContain('administer');
    expect(byId(e, `arn:aws:iam::${A}:role/sign-only`)).toEqual([]);
  });

  it('Deny with NotPrincipal subtracts from everyone except the named principals', () => {
    const keep = `arn:aws:iam::${A}:role/keep`;
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: { AWS: [keep, `arn:aws:iam::${A}:role/other`] }, Action: 'kms:Sign', Resource: '*' },
        { Effect: 'Deny', NotPrincipal: { AWS: keep }, Action: 'kms:Sign', Resource: '*' },
      ),
    );
    expect(e.map((x) => x.principal.id)).toEqual([keep]);
  });

  it('a conditional Deny does not subtract, but "deny unless in our org" confines wildcard allows', () => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } } },
      ),
    );
    expect(e).toHaveLength(1);
    expect(e[0]?.confined).toBe(true);
    expect(e[0]?.capabilities).toEqual(['use-decrypt']);
  });

  it('NotAction and Allow with NotPrincipal', () => {
    const e = policyToAccess(
      policy({ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${A}:root` }, NotAction: ['kms:*Key*', 'kms:*Grant*', 'kms:*Alias*'], Resource: '*' }),
    );
    expect(e[0]?.principal.kind).toBe('public');
    expect(e[0]?.capabilities).toContain('use-sign');
    expect(e[0]?.capabilities).not.toContain('create-grant');
  });

  it('service principals and 12-digit account ids', () => {
    const e = policyToAccess(
      policy(
        { Effect: 'Allow', Principal: { Service: 'logs.us-east-1.amazonaws.com' }, Action: 'kms:Encrypt*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: B }, Action: 'kms:Decrypt', Resource: '*' },
      ),
    );
    expect(e[0]?.principal).toEqual({ kind: 'service', id: 'logs.us-east-1.amazonaws.com', name: 'logs.us-east-1.amazonaws.com' });
    expect(e[1]?.principal).toEqual({ kind: 'account', id: `arn:aws:iam::${B}:root`, name: `account ${B}`, account: B });
  });

  it('a key policy that is not valid JSON is a KeyPolicyError, not a crash', () => {
    expect(() => policyToAccess('{"Statement": [')).toThrow(KeyPolicyError);
    expect(() => policyToAccess('{"Statement": [')).toThrow(/not valid JSON/);
  });

  it('matchActions expands wildcards case-insensitively and ignores other services', () => {
    expect([...matchActions(['kms:list*'])].sort()).toEqual([
      'ListAliases',
      'ListGrants',
      'ListKeyPolicies',
      'ListKeyRotations',
      'ListResourceTags',
      'ListRetirableGrants',
    ]);
    expect(matchActions(['s3:*']).size).toBe(0);
  });
});

describe('principals and grants', () => {
  it.each([
    [`arn:aws:iam::${A}:user/alice`, { kind: 'user', name: 'alice', account: A }],
    [`arn:aws:sts::${A}:assumed-role/deploy/session`, { kind: 'role', name: 'deploy', account: A }],
    [`arn:aws:iam::${A}:root`, { kind: 'account', account: A }],
    ['*', { kind: 'public', id: '*' }],
  ])('classifies %s', (arn, expected) => {
    expect(principalFromAws(arn)).toMatchObject(expected);
  });

  it('grants give their grantee the operations, constraints become conditions', () => {
    const [g] = grantsToAccess([
      {
        GrantId: 'g1',
        GranteePrincipal: `arn:aws:iam::${B}:role/app`,
        Operations: ['Decrypt', 'CreateGrant'],
        Constraints: { EncryptionContextSubset: { app: 'x' } },
      },
    ]);
    expect(g).toEqual({
      principal: { kind: 'role', id: `arn:aws:iam::${B}:role/app`, name: 'app', account: B },
      capabilities: ['create-grant', 'use-decrypt'],
      source: 'grant',
      sourceId: 'g1',
      conditions: [{ key: 'kms:EncryptionContext:app', operator: 'EncryptionContextSubset', values: ['x'] }],
    });
  });
});

describe('trails', () => {
  const trail = { Name: 't', TrailARN: `arn:aws:cloudtrail:us-east-1:${A}:trail/t`, HomeRegion: 'us-east-1' };

  it.each([
    ['All', true, true],
    ['ReadOnly', true, false],
    ['WriteOnly', false, true],
  ])('ReadWriteType %s: data plane %s, admin %s', (rw, read, write) => {
    const t = normalizeTrail({ account: A, trail, isLogging: true, selectors: { EventSelectors: [{ ReadWriteType: rw, IncludeManagementEvents: true }] } });
    expect(t.capturesDataPlane).toBe(read);
    expect(t.capturesAdminEvents).toBe(write);
  });

  it('IncludeManagementEvents=false records no KMS use', () => {
    const c = managementCoverage({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] });
    expect(c).toEqual({ read: false, write: false, excluded: [] });
  });

  it('excluded sources, basic and advanced', () => {
    expect(managementCoverage({ EventSelectors: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] }).excluded).toEqual(['kms.amazonaws.com']);
    const adv = managementCoverage({
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
            { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] },
          ],
        },
      ],
    });
    expect(adv).toEqual({ read: false, write: false, excluded: ['kms.amazonaws.com'] });
  });

  // CloudTrail User Guide, "Filtering management events": two selectors, one of them without KMS: any
  // selector that records KMS events is enough; one that records none of them is what excludes KMS.
  const mgmt = (...fields: Record<string, unknown>[]) => ({ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...fields] });
  it.each([
    ['all management events but KMS', [mgmt({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })], { read: false, write: false }, true],
    [
      'reads without KMS, writes of every source',
      [
        mgmt({ Field: 'readOnly', Equals: ['true'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] }),
        mgmt({ Field: 'readOnly', Equals: ['false'] }),
      ],
      { read: false, write: true },
      false,
    ],
    ['an event source written NotStartsWith', [mgmt({ Field: 'eventSource', NotStartsWith: ['kms.'] })], { read: false, write: false }, true],
    ['an event source written StartsWith another service', [mgmt({ Field: 'eventSource', StartsWith: ['s3.'] })], { read: false, write: false }, true],
    ['an event source written EndsWith', [mgmt({ Field: 'eventSource', EndsWith: ['.amazonaws.com'] })], { read: true, write: true }, false],
    ['readOnly written NotEquals', [mgmt({ Field: 'readOnly', NotEquals: ['false'] })], { read: true, write: false }, false],
  ])('advanced selectors: %s', (_name, AdvancedEventSelectors, rw, kmsExcluded) => {
    const c = managementCoverage({ AdvancedEventSelectors });
    expect({ read: c.read, write: c.write }).toEqual(rw);
    expect(c.excluded.includes('kms.amazonaws.com')).toBe(kmsExcluded);
  });

  it('an event data store selector that also filters on eventName or userIdentity.arn records part of key use: capturesDataPlane stays unknown', () => {
    const selectors = {
      AdvancedEventSelectors: [mgmt({ Field: 'eventName', NotStartsWith: ['Decrypt'] }), mgmt({ Field: 'readOnly', Equals: ['false'] })],
    };
    expect(managementCoverage(selectors)).toEqual({ read: false, write: true, excluded: [], partial: { read: true, write: false } });
    const t = normalizeTrail({ account: A, trail, isLogging: true, selectors });
    expect(t.capturesDataPlane).toBeUndefined();
    expect(t.capturesAdminEvents).toBe(true);
  });

  it('organization and multi-region trails scope every account and region; retention from the log group', () => {
    const t = normalizeTrail({
      account: B,
      trail: { ...trail, IsOrganizationTrail: true, IsMultiRegionTrail: true, CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${A}:log-group:g:*` },
      retentionDays: null,
    });
    expect(t.scope).toEqual({ provider: 'aws-kms', accounts: '*', regions: '*' });
    expect(t.retentionDays).toBeNull();
    expect(t.destination).toEqual({ kind: 'cloudwatch-logs', id: 'g' });
    expect(t.enabled).toBeUndefined();
  });

  it('a single-region account trail covers its home region; S3 retention absent until read', () => {
    const t = normalizeTrail({ account: A, trail: { ...trail, S3BucketName: 'b' }, isLogging: false });
    expect(t.scope).toEqual({ provider: 'aws-kms', accounts: [A], regions: ['us-east-1'] });
    expect(t.enabled).toBe(false);
    expect(t.destination).toEqual({ kind: 's3', id: 'b' });
    expect('retentionDays' in t).toBe(false);
    expect(normalizeTrail({ account: A, trail: { ...trail, S3BucketName: 'b' }, retentionDays: 30 }).retentionDays).toBe(30);
  });

  it('bucket lifecycle: the shortest enabled expiration covering the trail prefix; none = indefinite', () => {
    expect(lifecycleRetention([])).toBeNull();
    expect(lifecycleRetention([{ Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 365 } }])).toBe(365);
    expect(
      lifecycleRetention(
        [
          { Status: 'Enabled', Filter: { Prefix: 'org/AWSLogs/' }, Expiration: { Days: 400 } },
          { Status: 'Enabled', Filter: { Prefix: 'org/' }, Expiration: { Days: 100 } },
          { Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } },
          { Status: 'Enabled', Filter: { Prefix: 'other/' }, Expiration: { Days: 2 } },
        ],
        'org',
      ),
    ).toBe(100);
  });
});
