import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/logging/key-use-logged.ts';
import { ACCOUNT, access, gap, key, trail } from '../../helpers/fixtures.ts';
import { ruleTester, runRule } from '../../helpers/rule-tester.ts';

const TRAIL_ID = trail().id;
const kmsExcluded = trail({ excludedSources: ['kms.amazonaws.com'] });
const trailsGap = gap({
  id: `aws-kms:${ACCOUNT}:us-east-1:cloudtrail:DescribeTrails`,
  operation: 'cloudtrail:DescribeTrails',
  reason: 'AccessDenied',
  affects: ['trails'],
});

ruleTester(rule, [
  { name: 'an enabled trail records data-plane use', inventory: { keys: [key()] }, outcome: 'pass' },
  {
    name: 'one good trail is enough even if another excludes KMS',
    inventory: { keys: [key()], trails: [{ ...kmsExcluded, id: 'excluding', name: 'excluding' }, trail()] },
    outcome: 'pass',
  },
  {
    name: 'excluding another service does not matter',
    inventory: { keys: [key()], trails: [trail({ excludedSources: ['rdsdata.amazonaws.com'] })] },
    outcome: 'pass',
  },
  { name: 'no trail at all', inventory: { keys: [key()], trails: [] }, outcome: 'fail', messages: ['noTrail'], severity: 'high' },
  {
    name: 'trail of another account does not cover the key',
    inventory: { keys: [key()], trails: [trail({ scope: { provider: 'aws-kms', accounts: ['222222222222'] } })] },
    outcome: 'fail',
    messages: ['noTrail'],
  },
  {
    name: 'single-region trail in another region does not cover the key',
    inventory: { keys: [key()], trails: [trail({ scope: { provider: 'aws-kms', accounts: [ACCOUNT], regions: ['eu-west-1'] } })] },
    outcome: 'fail',
    messages: ['noTrail'],
  },
  {
    // Peers count such a trail as logging; it records no KMS use at all.
    name: 'trail that excludes kms.amazonaws.com events does not count as logging',
    inventory: { keys: [key()], trails: [kmsExcluded] },
    outcome: 'fail',
    messages: ['notRecorded'],
    severity: 'high',
  },
  {
    name: 'trail that records admin events only',
    inventory: { keys: [key()], trails: [trail({ capturesDataPlane: false })] },
    outcome: 'fail',
    messages: ['notRecorded'],
  },
  { name: 'trail that is not logging', inventory: { keys: [key()], trails: [trail({ enabled: false })] }, outcome: 'fail', messages: ['notRecorded'] },
  {
    name: 'trails hidden by a collection gap: unknown, never "no trail"',
    inventory: { keys: [key()], trails: [], gaps: [trailsGap] },
    outcome: 'unknown',
    missing: 'trails',
    gapOperation: 'cloudtrail:DescribeTrails',
  },
  {
    name: 'trail status not collected',
    inventory: { keys: [key()], trails: [trail({ enabled: undefined })] },
    outcome: 'unknown',
    missing: `trail ${TRAIL_ID} enabled`,
  },
  {
    name: 'event selectors not collected',
    inventory: { keys: [key()], trails: [trail({ capturesDataPlane: undefined })] },
    outcome: 'unknown',
    missing: `trail ${TRAIL_ID} capturesDataPlane`,
  },
]);

describe('key-use-logged', () => {
  it('says which trail fails and why', () => {
    const { results } = runRule(rule, {
      inventory: { keys: [key()], trails: [kmsExcluded, trail({ id: 'ro', name: 'read-only', capturesDataPlane: false })] },
    });
    expect(results.map((r) => r.message)).toEqual([
      'No covering trail records use of this key: org excludes kms.amazonaws.com events; read-only records admin events only, not key use.',
    ]);
  });

  it('not-applicable: judges keys only (every key is in reach, so the only non-applicable subjects are of other kinds)', () => {
    const { results, counts } = runRule(rule, { inventory: { trails: [trail()], gaps: [gap()] } });
    expect(results).toEqual([]);
    expect(counts).toEqual({ fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 });
  });
});

// GCP Data Access exemptions (AuditLogConfig.exemptedMembers: user:, serviceAccount:, group:, domain:):
// the uses of an exempted identity are not logged, whichever binding lets it use the key.
const gcpKey = (...entries: ReturnType<typeof access>[]) =>
  key({ id: 'projects/pay/locations/global/keyRings/r/cryptoKeys/k', provider: 'gcp-kms', account: 'pay', region: 'global', access: entries });
const gcpTrail = (exempted: string[]) =>
  trail({
    id: 'projects/pay/sinks/_Default',
    provider: 'gcp-kms',
    kind: 'gcp-audit-config',
    name: 'pay/_Default',
    scope: { provider: 'gcp-kms', accounts: ['pay'] },
    exemptedPrincipals: exempted,
  });
const member = (id: string, kind: 'user' | 'group' | 'service-principal' | 'public' = 'user') =>
  access({ id, kind, name: id.replace(/^[a-zA-Z]+:/, '') }, ['use-decrypt']);

ruleTester(rule, [
  {
    name: 'gcp: an exempted CI service account that can decrypt: its uses are not logged',
    inventory: {
      keys: [gcpKey(member('serviceAccount:ci@build.iam.gserviceaccount.com', 'service-principal'))],
      trails: [gcpTrail(['serviceAccount:ci@build.iam.gserviceaccount.com'])],
    },
    outcome: 'fail',
    messages: ['notRecorded'],
  },
  {
    name: 'gcp: an exempted domain covers a user of that domain who can decrypt',
    inventory: { keys: [gcpKey(member('user:ops@example.com'))], trails: [gcpTrail(['domain:example.com'])] },
    outcome: 'fail',
    messages: ['notRecorded'],
  },
  {
    name: 'gcp: any exemption fails a key that allAuthenticatedUsers can use (the exempted identity is one of them)',
    inventory: {
      keys: [gcpKey(access({ id: 'allAuthenticatedUsers', kind: 'any-authenticated' }, ['use-decrypt']))],
      trails: [gcpTrail(['user:bob@example.com'])],
    },
    outcome: 'fail',
    messages: ['notRecorded'],
  },
  {
    name: 'gcp: an exempted user of a group bound on the key: membership is not read, unknown',
    inventory: { keys: [gcpKey(member('group:decrypters@example.com', 'group'))], trails: [gcpTrail(['serviceAccount:ci@build.iam.gserviceaccount.com'])] },
    outcome: 'unknown',
    missing: 'access',
    because: /group membership is not read/,
  },
  {
    name: 'gcp: an exempted group may hold the service account that decrypts: unknown',
    inventory: {
      keys: [gcpKey(member('serviceAccount:app@pay.iam.gserviceaccount.com', 'service-principal'))],
      trails: [gcpTrail(['group:bulk@example.com'])],
    },
    outcome: 'unknown',
    missing: 'access',
    because: /group membership is not read/,
  },
  {
    name: 'gcp: an exempted CI service account and every service account of its project bound on the key (principalSet): unknown',
    inventory: {
      keys: [gcpKey(member('principalSet://cloudresourcemanager.googleapis.com/projects/123456789012/type/ServiceAccount', 'group'))],
      trails: [gcpTrail(['serviceAccount:ci@build.iam.gserviceaccount.com'])],
    },
    outcome: 'unknown',
    missing: 'access',
    because: /can use this key/,
  },
  {
    name: 'gcp: an exempted domain does not hold service accounts, nor users of another domain',
    inventory: {
      keys: [gcpKey(member('serviceAccount:app@pay.iam.gserviceaccount.com', 'service-principal'), member('user:ops@other.example'))],
      trails: [gcpTrail(['domain:example.com'])],
    },
    outcome: 'pass',
  },
]);
