// Cloud KMS Autokey key handles (fixture: test/fixtures/iac/terraform-gcp-autokey, from the registry pages
// of google_kms_key_handle and google_kms_autokey_config and Cloud KMS's Autokey overview).
import { describe, expect, it } from 'vitest';
import noPublic from '../../../src/rules/exposure/no-public-principal.ts';
import automaticRotation from '../../../src/rules/rotation/automatic-rotation.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-gcp-autokey/plan.json`;
const id = (address: string) => `${PLAN}#${address}`;

describe('iac provider: Cloud KMS Autokey key handles in a Terraform plan', () => {
  it('a key handle is the key Autokey will create (it was skipped: the plan audited as empty and clean)', async () => {
    const out = await collectIac([PLAN]);
    expect(out.keys?.map((k) => k.source?.address)).toEqual(['google_kms_key_handle.disk', 'google_kms_key_handle.bucket']);
    const disk = out.keys?.find((k) => k.id === id('google_kms_key_handle.disk'));
    expect(disk).toMatchObject({
      provider: 'gcp-kms',
      region: 'us-central1',
      multiRegion: false,
      usage: ['encrypt', 'decrypt'],
      protection: 'hsm',
      state: 'enabled',
      provenance: 'planned',
    });
    // The handle's project is where the resource lives, not where Autokey makes the key.
    expect(disk?.account).toBeUndefined();
  });

  it('what Autokey decides at apply (key project, ring, rotation period, grants) is a gap: no rotation or access rule passes', async () => {
    const out = await collectIac([PLAN]);
    const disk = out.keys?.find((k) => k.id === id('google_kms_key_handle.disk'));
    const gaps = (out.gaps ?? []).filter((g) => g.scope.subjectId === disk?.id);
    expect(gaps.flatMap((g) => g.affects ?? []).sort()).toEqual(['access', 'account', 'container', 'rotation', 'trails']);
    expect(gaps.find((g) => g.affects?.includes('rotation'))?.reason).toMatch(
      /compute\.googleapis\.com\/Disk is made at apply: Autokey sets the rotation period/,
    );
    const inventory = { keys: [disk as NonNullable<typeof disk>], gaps: out.gaps ?? [] };
    expect(runRule(automaticRotation, { inventory }).outcome).toBe('unknown');
    expect(runRule(noPublic, { inventory }).outcome).toBe('unknown');
  });

  it('a location known only after apply is a gap on the region', async () => {
    const out = await collectIac([PLAN]);
    const bucket = out.keys?.find((k) => k.id === id('google_kms_key_handle.bucket'));
    expect(bucket?.region).toBeUndefined();
    expect(out.gaps?.some((g) => g.scope.subjectId === bucket?.id && g.affects?.includes('region'))).toBe(true);
  });
});
