// IAM a Terraform plan sets on a key's project and the folders and organization above it (fixture:
// test/fixtures/iac/terraform-gcp-project-iam, from the Google provider's google_project_iam_*,
// google_folder_iam_* and google_organization_iam_* registry pages).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/exposure/no-public-principal.ts';
import { runRule } from '../../helpers/rule-tester.ts';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-gcp-project-iam/plan.json`;

async function keyAndGaps(address: string) {
  const out = await collectIac([PLAN]);
  const key = out.keys?.find((x) => x.source?.address === address);
  if (!key) throw new Error(`no key at ${address}`);
  const gaps = out.gaps ?? [];
  const access = gaps.find((g) => g.scope.subjectId === key.id && g.affects?.includes('access'));
  return { key, gaps, accessGap: access?.reason ?? '', outcome: runRule(rule, { inventory: { keys: [key], gaps } }).outcome };
}

const grants = (k: { access?: { principal: { id: string }; capabilities: string[]; sourceId?: string }[] }) =>
  (k.access ?? []).map((e) => `${e.principal.id}:${e.capabilities.join('+')}@${e.sourceId?.split('#')[0]}`).sort();

describe('iac provider: project, folder and organization IAM above planned Cloud KMS keys', () => {
  it('google_project_iam_member: allUsers on the key project reaches the key, and fails no-public-principal', async () => {
    const prod = await keyAndGaps('google_kms_crypto_key.prod_data');
    expect(grants(prod.key)).toEqual(['allUsers:use-encrypt+use-decrypt@projects/acme-prod']);
    expect(prod.outcome).toBe('fail');
  });

  it('a grant on another project does not reach the key; one whose members are known only after apply is named in the gap', async () => {
    const dev = await keyAndGaps('google_kms_crypto_key.dev_data');
    expect(grants(dev.key)).toEqual([]);
    expect(dev.accessGap).toContain('google_project_iam_binding.dev_signers: a member is known only after apply');
    expect(dev.outcome).toBe('unknown');
  });

  it("a ring without project is in the google provider's default project: its google_project_iam_policy applies", async () => {
    const d = await keyAndGaps('google_kms_crypto_key.default_data');
    expect(d.key.account).toBe('acme-default');
    expect(grants(d.key)).toEqual([
      'allAuthenticatedUsers:use-decrypt@projects/acme-default',
      'group:kms-admins@example.com:administer+read@projects/acme-default',
    ]);
    expect(d.outcome).toBe('fail');
  });

  it('a folder the plan creates, holding a project the plan creates: its grant reaches the keys of that project', async () => {
    const pay = await keyAndGaps('google_kms_crypto_key.payments_data');
    expect(grants(pay.key)).toEqual(['allAuthenticatedUsers:use-encrypt@google_folder.payments']);
    expect(pay.outcome).toBe('fail');
    // The ancestry is known to the organization: a folder outside it is not the key's.
    expect(pay.accessGap).not.toContain('google_folder_iam_binding.legacy');
  });

  it('a folder or organization grant over a project the plan does not create may reach the key: named in the gap, never dropped', async () => {
    const prod = await keyAndGaps('google_kms_crypto_key.prod_data');
    expect(prod.accessGap).toContain('google_folder_iam_binding.legacy grants on folders/1234567, which may hold this key');
    expect(prod.accessGap).toContain('project acme-prod is not created by this plan');
  });

  it('an organization grant whose condition never matches a Cloud KMS key gives no access', async () => {
    const pay = await keyAndGaps('google_kms_crypto_key.payments_data');
    expect(pay.key.access?.some((e) => e.principal.id === 'allUsers')).toBe(false);
  });
});

describe('iac provider: project IAM at scale', () => {
  it('the IAM above a project is worked out once per plan, not once a key: 2,000 keys beside 2,000 grants on other projects', {
    timeout: 120_000,
  }, async () => {
    const doc = JSON.parse(readFileSync(PLAN, 'utf8'));
    const [key] = doc.resource_changes.filter((r: { address: string }) => r.address === 'google_kms_crypto_key.prod_data');
    const [grant] = doc.resource_changes.filter((r: { address: string }) => r.address === 'google_project_iam_member.public_encrypter');
    const N = 2000;
    const ring = 'projects/acme-prod/locations/europe-west1/keyRings/prod-ring';
    const keys = Array.from({ length: N }, (_, i) => ({
      ...key,
      address: `google_kms_crypto_key.many[${i}]`,
      name: 'many',
      index: i,
      change: { ...key.change, after: { ...key.change.after, name: `k${i}`, key_ring: ring }, after_unknown: { ...key.change.after_unknown, key_ring: false } },
    }));
    const grants = Array.from({ length: N }, (_, i) => ({
      ...grant,
      address: `google_project_iam_member.other[${i}]`,
      name: 'other',
      index: i,
      change: { ...grant.change, after: { ...grant.change.after, project: `other-${i}`, member: `user:u${i}@example.com` } },
    }));
    // A key whose ring (so project) is known only after apply: every project grant may reach it.
    const unplaced = { ...key, address: 'google_kms_crypto_key.unplaced', name: 'unplaced' };
    doc.resource_changes = [...doc.resource_changes, ...keys, ...grants, unplaced];
    const dir = mkdtempSync(join(tmpdir(), 'kh-gcp-iam-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(doc));
    const t0 = performance.now();
    const out = await collectIac([join(dir, 'plan.json')]);
    const ms = performance.now() - t0;
    const many = (out.keys ?? []).filter((k) => k.source?.address.startsWith('google_kms_crypto_key.many['));
    expect(many).toHaveLength(N);
    // The grant on the key's own project reaches every one of them; the others reach none.
    expect(new Set(many.map((k) => k.access?.map((e) => e.principal.id).join()))).toEqual(new Set(['allUsers']));
    // Once per plan: about 2 s here; judging every grant again for each key (and listing the plan's
    // resources of a type again for every lookup) took 24 s.
    expect(ms).toBeLessThan(10_000);
    // Its access gap names the first few grants that may reach it, and how many more (not all 2,000).
    const gap = out.gaps?.find((g) => g.id.endsWith('#google_kms_crypto_key.unplaced:access'));
    expect(gap?.reason).toMatch(/; and 199\d more$/);
    expect(gap?.reason.length).toBeLessThan(3000);
  });
});
