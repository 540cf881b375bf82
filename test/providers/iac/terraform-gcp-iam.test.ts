// Cloud KMS IAM resources in a Terraform plan (fixture: test/fixtures/iac/terraform-gcp-iam, from the
// Google provider's google_kms_crypto_key_iam_* and google_kms_key_ring_iam_* registry pages).
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-gcp-iam/plan.json`;

/** no-public-principal on one planned key, with every gap the plan gave. */
async function outcome(address: string) {
  const out = await collectIac([PLAN]);
  const k = out.keys?.find((x) => x.source?.address === address);
  if (!k) throw new Error(`no key at ${address}`);
  return runRule(rule, { inventory: { keys: [k], gaps: out.gaps ?? [] } }).outcome;
}

const keyAt = async (address: string) => (await collectIac([PLAN])).keys?.find((k) => k.source?.address === address);

describe('iac provider: Cloud KMS IAM in a Terraform plan', () => {
  it('google_kms_crypto_key_iam_member: allUsers on the key it references is a public access entry', async () => {
    const k = await keyAt('google_kms_crypto_key.public');
    expect(k?.access).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ principal: expect.objectContaining({ kind: 'public', id: 'allUsers' }), capabilities: ['use-encrypt', 'use-decrypt'] }),
      ]),
    );
  });

  it('google_kms_crypto_key_iam_binding: members with the condition block kept as the binding condition', async () => {
    const k = await keyAt('google_kms_crypto_key.named');
    const app = k?.access?.filter((e) => e.principal.id === 'serviceAccount:app@acme-prod.iam.gserviceaccount.com');
    expect(app?.length).toBeGreaterThan(0);
    expect(app?.[0]?.conditions?.[0]).toMatchObject({ key: 'iam.condition', values: ['request.time < timestamp("2027-01-01T00:00:00Z")'] });
  });

  it('google_kms_crypto_key_iam_policy: the bindings of policy_data, allAuthenticatedUsers included', async () => {
    const k = await keyAt('google_kms_crypto_key.signing');
    expect(k?.access?.map((e) => `${e.principal.id}:${e.capabilities.join('+')}`).sort()).toEqual([
      'allAuthenticatedUsers:use-sign+use-verify',
      'group:signers@example.com:read',
    ]);
  });

  it('google_kms_key_ring_iam_member: a grant on the ring reaches the keys in it, and only them', async () => {
    const shared = await keyAt('google_kms_crypto_key.in-shared');
    expect(shared?.access?.map((e) => e.principal.id)).toEqual(['allAuthenticatedUsers']);
    const other = await keyAt('google_kms_crypto_key.unset');
    expect(other?.access).toEqual([]);
  });

  it('a literal crypto_key_id in the short {location}/{key_ring}/{crypto_key} form (default project) names the planned key', async () => {
    const k = await keyAt('google_kms_crypto_key.literal');
    expect(k?.access?.map((e) => `${e.principal.id}:${e.capabilities.join('+')}`)).toEqual(['allUsers:read']);
    expect(await outcome('google_kms_crypto_key.literal')).toBe('fail');
  });

  it('access keeps a gap (project, folder and organization IAM; unknown members are named in it)', async () => {
    const out = await collectIac([PLAN]);
    for (const k of out.keys ?? []) {
      const gap = out.gaps?.find((g) => g.scope.subjectId === k.id && g.affects?.includes('access'));
      expect(gap, k.id).toBeDefined();
    }
    const unset = out.keys?.find((k) => k.source?.address === 'google_kms_crypto_key.unset');
    const reason = out.gaps?.find((g) => g.scope.subjectId === unset?.id && g.affects?.includes('access'))?.reason;
    expect(reason).toContain('google_kms_key_ring_iam_binding.later: a member is known only after apply');
  });

  it('no-public-principal: a planned grant to anyone fails despite the access gap; no public grant in the plan is unknown, never pass', async () => {
    expect(await outcome('google_kms_crypto_key.public')).toBe('fail');
    expect(await outcome('google_kms_crypto_key.signing')).toBe('fail');
    expect(await outcome('google_kms_crypto_key.in-shared')).toBe('fail');
    expect(await outcome('google_kms_crypto_key.named')).toBe('unknown');
    expect(await outcome('google_kms_crypto_key.unset')).toBe('unknown');
  });
});
