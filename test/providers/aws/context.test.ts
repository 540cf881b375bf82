// The provider's one paging table: every list operation it sends is paged with the parameter names its
// API reference gives (the SDK serializes only modelled members, so a wrong name would never reach the
// simulator and the list would come back in one page).
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsFake, type FakeWorld, startAwsFake } from '../../../src/fakes/aws/server.ts';
import { PAGING } from '../../../src/providers/aws/context.ts';
import { collectAws } from '../../../src/providers/aws/index.ts';

const MGMT = '111122223333';
const MEMBER = '444455556666';
const NOW = new Date('2026-06-01T00:00:00Z');
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** An organization with enough of everything that each list takes two pages of one item. */
const world = (): FakeWorld => ({
  callerAccount: MGMT,
  accounts: [MGMT, MEMBER].map((id) => ({
    id,
    iam: { roles: ['a', 'b'].map((name) => ({ name, trust: ec2Trust })) },
    eventDataStores: [
      { name: 'lake-1', region: 'us-east-1' },
      { name: 'lake-2', region: 'us-east-1' },
    ],
    regions: {
      'us-east-1': {
        keys: ['k1', 'k2'].map((k) => ({
          id: `${id}-${k}`,
          createdAt: '2025-01-01T00:00:00Z',
          aliases: [`alias/${k}`],
          tags: { a: '1', b: '2' },
          rotation: { enabled: true, rotations: ['2025-06-01T00:00:00Z', '2025-12-01T00:00:00Z'] },
          grants: [
            { grantee: `arn:aws:iam::${id}:role/a`, operations: ['Decrypt'] },
            { grantee: `arn:aws:iam::${id}:role/b`, operations: ['Decrypt'] },
          ],
        })),
      },
    },
  })),
  organization: {
    id: 'o-exampleorgid',
    root: 'r-examplerootid111',
    parents: {},
    policies: [
      { id: 'p-FullAWSAccess', name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY', content: allowAll, targets: ['r-examplerootid111', MGMT, MEMBER] },
    ],
  },
});

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('PAGING', () => {
  it('every paged operation is sent with its documented page-size parameter and follows its token', async () => {
    fake = await startAwsFake(world());
    const out = await collectAws(
      { regions: ['us-east-1'], retryBaseMs: 1, quotaFraction: 1, accounts: 'organization', assumeRole: 'KeyhygieneAudit' },
      { now: () => NOW, baseDir: '.', env: {} },
      { endpoint: fake.url, credentials: { accessKeyId: 'AKIDKEYHYGIENEDEMO', secretAccessKey: 'x' }, pageSize: 1 },
    );
    expect(out.gaps).toEqual([]);
    expect(out.keys).toHaveLength(4);
    for (const [op, paging] of Object.entries(PAGING)) {
      const sent = fake.requests.filter((r) => r.op === op);
      expect(sent.length, op).toBeGreaterThan(0);
      expect(
        sent.every((r) => r.input[paging.limit] === 1 || r.input[paging.limit] === '1'),
        `${op} carries ${paging.limit}`,
      ).toBe(true);
    }
    // Lists the simulator pages: the second page was asked for with the token the first returned.
    for (const op of [
      'kms:ListKeys',
      'kms:ListGrants',
      'iam:GetAccountAuthorizationDetails',
      'organizations:ListAccounts',
      'cloudtrail:ListEventDataStores',
    ] as const)
      expect(
        fake.requests.some((r) => r.op === op && r.input[PAGING[op].in] !== undefined),
        `${op} asked for a second page with ${PAGING[op].in}`,
      ).toBe(true);
    expect(out.trails.filter((t) => t.name?.startsWith('lake-'))).toHaveLength(4);
  });
});
