// CloudTrail Lake event data stores in templates and plans (fixture: test/fixtures/iac/aws-event-data-store,
// from the CloudFormation template reference, the AWS provider's registry page and the CloudTrail User Guide).
import { describe, expect, it } from 'vitest';
import keyUseLogged from '../../../src/rules/logging/key-use-logged.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const DIR = `${FIXTURES}/aws-event-data-store`;
const logged = (out: Awaited<ReturnType<typeof collectIac>>, trails = out.trails ?? []) => {
  const key = out.keys?.[0];
  return runRule(keyUseLogged, { inventory: { keys: [key as NonNullable<typeof key>], trails, gaps: out.gaps ?? [] } }).outcome;
};

describe('iac provider: CloudTrail Lake event data stores', () => {
  it('AWS::CloudTrail::EventDataStore recording KMS management events logs the stack key (it was "no trail declared": unknown)', async () => {
    const out = await collectIac([`${DIR}/template.yaml`], { account: '111111111111', region: 'eu-west-1' });
    expect(out.trails).toEqual([
      expect.objectContaining({ kind: 'cloudtrail', name: 'kms-events', enabled: true, capturesDataPlane: true, retentionDays: 2557, provenance: 'planned' }),
    ]);
    expect(out.gaps?.some((g) => g.affects?.includes('trails'))).toBe(false);
    expect(logged(out)).toBe('pass');
  });

  it('Terraform: without selectors an event data store records all management events; retention as set', async () => {
    const out = await collectIac([`${DIR}/plan.json`], { account: '111111111111' });
    const all = out.trails?.find((t) => t.source?.address === 'aws_cloudtrail_event_data_store.all');
    expect(all).toMatchObject({ enabled: true, capturesAdminEvents: true, capturesDataPlane: true, retentionDays: 2555, scope: { regions: '*' } });
    expect(logged(out, all ? [all] : [])).toBe('pass');
  });

  it('selectors that leave KMS out (not_equals on a store, not_starts_with on a trail) do not log the key', async () => {
    const out = await collectIac([`${DIR}/plan.json`], { account: '111111111111' });
    const noKms = (out.trails ?? []).filter((t) => t.source?.address.endsWith('.no_kms'));
    expect(noKms.map((t) => [t.source?.address, t.capturesDataPlane])).toEqual([
      ['aws_cloudtrail.no_kms', false],
      ['aws_cloudtrail_event_data_store.no_kms', false],
    ]);
    expect(logged(out, noKms)).toBe('fail');
  });
});
