// A small AWS estate for the simulator: two accounts, two regions, keys of every kind the provider maps.
import { generateKeyPairSync } from 'node:crypto';
import type { FakeWorld } from '../../../src/fakes/aws/server.ts';

export const MGMT = '111111111111';
export const MEMBER = '222222222222';
export const LOCKED = '333333333333';
export const ORG_ID = 'o-abc123';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const SIGNING_SPKI = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** The trust policy GitHub documents for "Configuring OpenID Connect in Amazon Web Services". */
export const githubTrust = (provider: string, sub: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: provider },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': sub },
      },
    },
  ],
});

export const policyAllowRoot = (account: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
});

export function world(): FakeWorld {
  return {
    callerAccount: MGMT,
    accounts: [
      {
        id: MGMT,
        name: 'management',
        regions: {
          'us-east-1': {
            keys: [
              {
                id: '1111-sym',
                createdAt: '2024-01-01T00:00:00Z',
                aliases: ['alias/data'],
                tags: { env: 'prod', 'key-class': 'data-encryption' },
                rotation: { enabled: true, periodDays: 180, rotations: ['2024-07-01T00:00:00Z', '2025-01-01T00:00:00Z'] },
                grants: [{ id: 'g-1', grantee: `arn:aws:iam::${MEMBER}:role/app`, operations: ['Decrypt', 'Encrypt'] }],
                policy: policyAllowRoot(MGMT),
              },
              {
                id: '1111-sign',
                spec: 'ECC_NIST_P256',
                usage: 'SIGN_VERIFY',
                createdAt: '2023-05-01T00:00:00Z',
                aliases: ['alias/token-signing', 'alias/z-old'],
                tags: { env: 'prod', 'trust-domain': 'consumer' },
                publicKey: SIGNING_SPKI,
                policy: {
                  Version: '2012-10-17',
                  Statement: [
                    ...policyAllowRoot(MGMT).Statement,
                    { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: ['kms:Sign', 'kms:GetPublicKey'], Resource: '*' },
                  ],
                },
              },
              {
                id: '1111-imported',
                origin: 'EXTERNAL',
                createdAt: '2022-01-01T00:00:00Z',
                validTo: '2027-01-01T00:00:00Z',
                tags: {},
                policy: '{"Version": "2012-10-17", "Statement": [ this is not json',
              },
              { id: '1111-awsmanaged', manager: 'AWS', createdAt: '2021-01-01T00:00:00Z', aliases: ['alias/aws/s3'], rotation: { enabled: true } },
              { id: '1111-pending', createdAt: '2020-01-01T00:00:00Z', state: 'PendingDeletion', deletionDate: '2026-12-01T00:00:00Z' },
            ],
          },
          'eu-west-1': { keys: [{ id: '1111-eu', createdAt: '2025-01-01T00:00:00Z', spec: 'HMAC_256', usage: 'GENERATE_VERIFY_MAC' }] },
        },
        trails: [
          { name: 'org-trail', homeRegion: 'us-east-1', multiRegion: true, organization: true, logGroup: 'org-trail-logs', logFileValidation: true },
          { name: 'writes-only', homeRegion: 'eu-west-1', readWriteType: 'WriteOnly' },
        ],
        logGroups: [{ name: 'org-trail-logs', region: 'us-east-1', retentionDays: 400 }],
        buckets: { 'trail-111111111111': { expirationDays: null } },
      },
      {
        id: MEMBER,
        name: 'member',
        regions: { 'us-east-1': { keys: [{ id: '2222-sym', createdAt: '2025-06-01T00:00:00Z' }] }, 'eu-west-1': { keys: [] } },
        buckets: { 'trail-222222222222': { expirationDays: 90 } },
        trails: [
          {
            name: 'no-kms',
            homeRegion: 'us-east-1',
            advancedSelectors: [
              {
                Name: 'mgmt without kms',
                FieldSelectors: [
                  { Field: 'eventCategory', Equals: ['Management'] },
                  { Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] },
                ],
              },
            ],
          },
        ],
      },
      { id: LOCKED, name: 'locked', assumable: false, regions: { 'us-east-1': { keys: [{ id: '3333-sym', createdAt: '2025-01-01T00:00:00Z' }] } } },
    ],
  };
}
