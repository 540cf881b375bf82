// Managed HSM keys declared in an ARM template (fixture: test/fixtures/iac/arm-managed-hsm, written
// from the ARM reference for Microsoft.KeyVault/managedHSMs and managedHSMs/keys). Their access is
// the HSM's local RBAC, which no template shows: it was read as "no role assignment, nobody", so
// no-public-principal and nonprod-principal-access passed on keys whose users were never read.
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const TEMPLATE = `${FIXTURES}/arm-managed-hsm/main.json`;

describe('iac provider: Managed HSM keys in an ARM template', () => {
  it('each key is a subject whose access is a gap naming local RBAC, never an empty list', async () => {
    const out = await collectIac([TEMPLATE]);
    expect(out.keys?.map((k) => [k.source?.address, k.keyType, k.protection]).sort()).toEqual([
      ['mhsm-prod/aes', 'AES', 'hsm'],
      ['mhsm-prod/skr-key', 'RSA', 'hsm'],
    ]);
    for (const key of out.keys ?? []) {
      expect(key.access, key.id).toBeUndefined();
      const gap = out.gaps?.find((g) => g.scope.subjectId === key.id && g.affects?.includes('access'));
      expect(gap?.reason).toContain("decided by the HSM's local RBAC");
    }
  });

  it('the settings the template does fix are read (exportable, release policy, rotation, purge protection)', async () => {
    const out = await collectIac([TEMPLATE]);
    const skr = out.keys?.find((k) => k.source?.address === 'mhsm-prod/skr-key');
    expect(skr).toMatchObject({ exportable: true, keySize: 3072, usage: expect.arrayContaining(['wrap', 'unwrap']) });
    // The release policy (base64url JSON in release_policy.data) is decoded as the service's would be.
    expect(skr?.releasePolicy).toMatchObject({
      contentType: 'application/json; charset=utf-8',
      document: { version: '1.0.0', anyOf: [{ authority: 'https://sharedeus2.eus2.attest.azure.net/' }] },
    });
    const aes = out.keys?.find((k) => k.source?.address === 'mhsm-prod/aes');
    // No release_policy: none, not unknown.
    expect(aes?.releasePolicy).toBeNull();
    expect(aes).toMatchObject({ rotation: { supported: true, automatic: true, periodDays: 90 }, deletion: { protected: true } });
  });
});
