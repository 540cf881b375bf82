// The GCP part of the demo: `startGcpDemo` loads the loopback fake the way `keyhygiene demo` does and
// the registered provider reads it through its documented settings (one endpoint, an access token in
// GOOGLE_OAUTH_ACCESS_TOKEN): the estate shows each concern, the denied ring is a gap, and only
// declared reads were sent.
import { afterEach, describe, expect, it } from 'vitest';
import { collectInventory } from '../../src/audit.ts';
import { examplePolicy } from '../../src/cli/flags.ts';
import { type GcpDemo, startGcpDemo } from '../../src/demo/gcp.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import gcpProvider from '../../src/providers/gcp/index.ts';
import { GcpConfig } from '../../src/providers/gcp/schema.ts';
import { expectOnlyDeclared } from '../helpers/read-only.ts';

let demo: GcpDemo | undefined;
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
});

describe('demo: Google Cloud estate', () => {
  it('is read by the registered provider through an endpoint and a caller-supplied token', async () => {
    demo = await startGcpDemo();
    const policy = resolvePolicyFile(examplePolicy('storm-0558'));
    const inventory = await collectInventory(
      { ...policy, providers: { gcp: GcpConfig.parse({ ...demo.providerBlock, readRequestsPerMinute: 600_000 }) } },
      { now: new Date('2026-11-01T00:00:00Z'), env: { ...demo.env } as NodeJS.ProcessEnv },
    );
    expect(inventory.keys.map((k) => k.name).sort()).toEqual([
      'aad-signer',
      'card-vault',
      'legacy-archive',
      'msa-signer-2016',
      'msa-signer-2026',
      'partner-signer',
      'user-data',
    ]);
    expect(inventory.keys.every((k) => k.provider === 'gcp-kms')).toBe(true);
    expect(inventory.gaps.map((g) => g.operation)).toEqual(['cloudkms:GetKeyRingIamPolicy']);
    expect(inventory.providers.map((p) => p.id)).toEqual(['gcp']);
    expect(demo.requests()).toBeGreaterThan(20);
  });

  it('sends only the provider\u2019s declared read operations to the simulator', async () => {
    const { startGcpFake, demoWorld, DEMO_ORG } = await import('../../src/fakes/gcp/index.ts');
    const fake = await startGcpFake(demoWorld(), { token: 'ya29.t' });
    try {
      await collectInventory(
        {
          ...resolvePolicyFile(examplePolicy('storm-0558')),
          providers: { gcp: GcpConfig.parse({ organization: DEMO_ORG, endpoint: fake.url, readRequestsPerMinute: 600_000, quotaFraction: 1 }) },
        },
        { now: new Date('2026-11-01T00:00:00Z'), env: { GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.t' } as NodeJS.ProcessEnv },
      );
      expect(fake.unknown()).toEqual([]);
      expectOnlyDeclared(fake.operations(), gcpProvider);
      expect(fake.requests.every((r) => r.status === 200)).toBe(true);
    } finally {
      await fake.stop();
    }
  });
});
