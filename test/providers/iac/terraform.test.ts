import { describe, expect, it } from 'vitest';
import iacProvider from '../../../src/providers/iac/index.ts';
import { expectOnlyDeclared } from '../../helpers/read-only.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform/plan.json`;
const id = (address: string) => `${PLAN}#${address}`;

describe('iac provider: Terraform plan JSON', () => {
  it('reads only files, through the injected reader and lister', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    expect(out.ops).toContain('fs:ReadFile');
    expectOnlyDeclared(out.ops, iacProvider);
  });

  it('maps every planned key of every module instance; the deleted key is not a subject', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual([
      'aws_kms_key.archive',
      'aws_kms_key.data',
      'aws_kms_key.orders',
      'module.signing["consumer"].aws_kms_key.signing',
      'module.signing["enterprise"].aws_kms_key.signing',
    ]);
    for (const k of out.keys ?? []) {
      expect(k.provenance).toBe('planned');
      expect(k.provider).toBe('aws-kms');
      expect(k.region).toBe('us-east-1'); // from the aws provider configuration
      expect(k.account).toBe('111111111111');
    }
    expect(out.keys?.find((k) => k.id.endsWith('legacy'))).toBeUndefined();
  });

  it('locates each resource in its .tf file (module sources followed) and keeps the plan action', async () => {
    const out = await collectIac([PLAN]);
    const consumer = out.keys?.find((k) => k.id === id('module.signing["consumer"].aws_kms_key.signing'));
    expect(consumer?.source).toEqual({
      address: 'module.signing["consumer"].aws_kms_key.signing',
      file: `${FIXTURES}/terraform/modules/kms/main.tf`,
      line: 9,
      action: 'create',
    });
    const archive = out.keys?.find((k) => k.id === id('aws_kms_key.archive'));
    expect(archive?.source).toMatchObject({ file: `${FIXTURES}/terraform/main.tf`, line: 72, action: 'no-op' });
    const trail = out.trails?.find((t) => t.id === id('aws_cloudtrail.main'));
    expect(trail?.source).toMatchObject({ line: 63, action: 'update' });
  });

  it('resolves references through the configuration: alias, attached policy, the policy document and the role it names', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    const consumer = out.keys?.find((k) => k.id === id('module.signing["consumer"].aws_kms_key.signing'));
    expect(consumer?.aliases).toEqual(['alias/consumer-signing']);
    expect(consumer).toMatchObject({ usage: ['sign', 'verify'], keyType: 'RSA', keySize: 2048, protection: 'hsm', rotation: { supported: false } });
    const sign = consumer?.access?.find((e) => e.sourceId === 'Sign');
    // The role is created by the same plan: its ARN is unknown, its name and tags are known.
    expect(sign?.principal).toMatchObject({ kind: 'role', name: 'debug-sign', tags: { env: 'debug' }, id: id('aws_iam_role.debug[0]') });
    expect(sign?.capabilities).toEqual(['use-sign', 'use-verify']);
    const admin = consumer?.access?.find((e) => e.sourceId === 'Admin');
    expect(admin?.principal.id).toBe('arn:aws:iam::111111111111:role/kms-admin-prod');
  });

  it('values unknown at plan time stay unknown: the gap names the attribute; configuration-absent computed attributes take the documented default', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    const orders = out.keys?.find((k) => k.id === id('aws_kms_key.orders'));
    expect(orders?.access).toBeUndefined();
    const gap = out.gaps?.find((g) => g.scope.subjectId === orders?.id);
    expect(gap).toMatchObject({ provider: 'aws-kms', affects: ['access'], operation: 'terraform-plan:policy' });
    expect(gap?.reason).toMatch(/aws_iam_role\.app/);
    // multi_region and policy are unknown in the plan but not set in the configuration: KMS defaults apply.
    const data = out.keys?.find((k) => k.id === id('aws_kms_key.data'));
    expect(data?.multiRegion).toBe(false);
    expect(data?.rotation).toEqual({ supported: true, automatic: true, periodDays: 365 });
    expect(data?.access?.[0]).toMatchObject({ sourceId: 'default key policy', principal: { kind: 'account', account: '111111111111' } });
  });

  it('the trail reads retention from the planned log group and its selectors (none = all management events)', async () => {
    const out = await collectIac([PLAN], { account: '111111111111' });
    expect(out.trails).toHaveLength(1);
    expect(out.trails?.[0]).toMatchObject({
      enabled: true,
      capturesDataPlane: true,
      integrityValidation: true,
      retentionDays: 400,
      destination: { kind: 'cloudwatch-logs', id: 'cloudtrail/org' },
      scope: { accounts: ['111111111111'], regions: '*' },
    });
  });

  it('--changed-only keeps unchanged resources as context only, and drops their gaps', async () => {
    const out = await collectIac([PLAN], { account: '111111111111', changedOnly: true });
    const archive = out.keys?.find((k) => k.id === id('aws_kms_key.archive'));
    expect(archive?.source?.context).toBe(true);
    const data = out.keys?.find((k) => k.id === id('aws_kms_key.data'));
    expect(data?.source?.context).toBeUndefined();
    expect(out.trails?.[0]?.source?.context).toBeUndefined(); // updated: evaluated
  });
});
