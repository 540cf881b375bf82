// Plans with the KMS key resources besides aws_kms_key: imported material, multi-Region replicas,
// custom key stores (fixture: test/fixtures/iac/terraform-kms-variants, written from the Terraform JSON
// output format and the AWS provider's resource pages).
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-kms-variants/plan.json`;
const id = (address: string) => `${PLAN}#${address}`;

describe('iac provider: KMS key variants in a Terraform plan', () => {
  it('every KMS key resource type is a subject (none is skipped silently)', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual([
      'aws_kms_external_key.awaiting',
      'aws_kms_external_key.imported',
      'aws_kms_key.defaulted',
      'aws_kms_key.hsm',
      'aws_kms_key.primary',
      'aws_kms_replica_key.eu',
      'aws_kms_replica_key.outside',
    ]);
  });

  it('aws_kms_external_key: imported origin, no automatic rotation, valid_to is the expiry; without material it is pending import', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const imported = out.keys?.find((k) => k.id === id('aws_kms_external_key.imported'));
    expect(imported).toMatchObject({
      origin: 'imported',
      keyType: 'AES',
      usage: ['encrypt', 'decrypt'],
      state: 'enabled',
      rotation: { supported: false },
      expiresAt: '2027-04-12T23:20:50.520Z',
      region: 'us-east-1',
    });
    const awaiting = out.keys?.find((k) => k.id === id('aws_kms_external_key.awaiting'));
    expect(awaiting?.state).toBe('pending-import');
    // Material imported out of band: its expiry is not known, never "does not expire".
    expect(awaiting && 'expiresAt' in awaiting).toBe(false);
    // The material (sensitive in the plan) appears nowhere in what was collected.
    expect(JSON.stringify(out)).not.toContain('Wblj06fd');
  });

  it('a replica takes spec, usage and rotation from its primary in the plan; outside the plan they are gaps, not defaults', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const eu = out.keys?.find((k) => k.id === id('aws_kms_replica_key.eu'));
    expect(eu).toMatchObject({ multiRegion: true, keyType: 'EC', curve: 'P-256', usage: ['sign', 'verify'], rotation: { supported: false }, state: 'enabled' });
    // The replica is made through the aliased provider aws.eu: it lives in that provider's region.
    expect(eu?.region).toBe('eu-west-1');
    const outside = out.keys?.find((k) => k.id === id('aws_kms_replica_key.outside'));
    expect(outside?.multiRegion).toBe(true);
    expect(outside?.usage).toBeUndefined();
    expect(outside?.keyType).toBeUndefined();
    expect(outside?.rotation).toBeUndefined();
    const affected = (out.gaps ?? []).filter((g) => g.scope.subjectId === outside?.id).flatMap((g) => g.affects);
    expect(affected.sort()).toEqual(expect.arrayContaining(['keyType', 'rotation', 'usage']));
  });

  it('a key in a CloudHSM key store is generated in an HSM and cannot rotate automatically; its own region wins', async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const hsm = out.keys?.find((k) => k.id === id('aws_kms_key.hsm'));
    expect(hsm).toMatchObject({ origin: 'generated', protection: 'hsm', rotation: { supported: false }, region: 'eu-central-1' });
  });

  it("the provider's default_tags count: tags_all classifies a key that sets no tags itself", async () => {
    const out = await collectIac([PLAN], { account: '111122223333' });
    const k = out.keys?.find((x) => x.id === id('aws_kms_key.defaulted'));
    expect(k?.tags).toEqual({ env: 'prod', team: 'identity' });
  });
});
