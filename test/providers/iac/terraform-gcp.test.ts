// Cloud KMS keys in a Terraform plan (fixture: test/fixtures/iac/terraform-gcp, from the Google
// provider's google_kms_crypto_key examples in the Terraform JSON plan format).
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const PLAN = `${FIXTURES}/terraform-gcp/plan.json`;
const key = async (address: string) => {
  const out = await collectIac([PLAN]);
  return { out, key: out.keys?.find((k) => k.source?.address === address) };
};

describe('iac provider: google_kms_crypto_key', () => {
  it('every planned Cloud KMS key is a subject (a plan of only GCP keys was audited as empty and clean)', async () => {
    const out = await collectIac([PLAN]);
    expect(out.keys?.map((k) => k.source?.address).sort()).toEqual([
      'google_kms_crypto_key.example-asymmetric-sign-key',
      'google_kms_crypto_key.example-key',
      'google_kms_crypto_key.imported',
      'google_kms_crypto_key.later',
    ]);
    for (const k of out.keys ?? []) expect(k).toMatchObject({ provider: 'gcp-kms', provenance: 'planned' });
  });

  it('a rotation_period of "7776000s" is automatic rotation every 90 days; the ring gives project, location and name', async () => {
    const { key: k } = await key('google_kms_crypto_key.example-key');
    expect(k).toMatchObject({
      account: 'acme-prod',
      region: 'us-central1',
      container: 'keyring-example',
      name: 'crypto-key-example',
      usage: ['encrypt', 'decrypt'],
      keyType: 'AES',
      protection: 'software',
      state: 'enabled',
      rotation: { supported: true, automatic: true, periodDays: 90 },
      // effective_labels: the key's labels with the provider's default_labels.
      tags: { env: 'prod', 'goog-terraform-provisioned': 'true', 'cost-center': 'idp' },
    });
  });

  it('an HSM signing key: algorithm and protection from version_template; a 1-day destroy window is no deletion protection', async () => {
    const { key: k } = await key('google_kms_crypto_key.example-asymmetric-sign-key');
    expect(k).toMatchObject({
      usage: ['sign', 'verify'],
      keyType: 'EC',
      curve: 'P-384',
      protection: 'hsm',
      rotation: { supported: false },
      deletion: { protected: false },
    });
  });

  it('an import-only key on a literal ring id waits for its material; a multi-region location is multi-region', async () => {
    const { key: k } = await key('google_kms_crypto_key.imported');
    expect(k).toMatchObject({
      account: 'acme-prod',
      region: 'europe',
      multiRegion: true,
      origin: 'imported',
      state: 'pending-import',
      deletion: { protected: true },
    });
  });

  it('access and logging are gaps (IAM and audit configs live above the plan); an unknown rotation period is a gap, not "off"', async () => {
    const { out, key: k } = await key('google_kms_crypto_key.later');
    expect(k?.rotation).toBeUndefined();
    const affects = (out.gaps ?? []).filter((g) => g.scope.subjectId === k?.id).flatMap((g) => g.affects ?? []);
    expect(affects.sort()).toEqual(['access', 'rotation', 'trails']);
    // No IAM resource in this plan names the key: nothing read, and the gap keeps that from being "nobody".
    expect(k?.access).toEqual([]);
  });
});
