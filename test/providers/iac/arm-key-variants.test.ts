// Key Vault key variants in an ARM template (fixture: test/fixtures/iac/arm-key-variants, from the
// ARM template reference for Microsoft.KeyVault/vaults/keys).
import { describe, expect, it } from 'vitest';
import { collectIac, FIXTURES } from './helpers.ts';

const TEMPLATE = `${FIXTURES}/arm-key-variants/main.json`;

describe('iac provider: ARM key variants', () => {
  it('attributes.enabled false is a disabled key (it was reported enabled)', async () => {
    const out = await collectIac([TEMPLATE]);
    const retired = out.keys?.find((k) => k.source?.address === 'kv-variants/retired-signing');
    expect(retired).toMatchObject({ state: 'disabled', keyType: 'RSA', keySize: 3072, protection: 'hsm' });
    const ec = out.keys?.find((k) => k.source?.address === 'kv-variants/ec-signing');
    expect(ec?.state).toBe('enabled');
  });

  it('a rotate action 30 days before a two-year expiry rotates every 700 days; the notify action is the alert', async () => {
    const out = await collectIac([TEMPLATE]);
    const ec = out.keys?.find((k) => k.source?.address === 'kv-variants/ec-signing');
    expect(ec).toMatchObject({
      keyType: 'EC',
      curve: 'P-256K',
      rotation: { automatic: true, periodDays: 700 },
      alerts: { nearExpiry: true, notifyBeforeDays: 29 },
    });
  });
});
