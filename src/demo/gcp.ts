// The Google Cloud part of `keyhygiene demo`. Its loopback fake of Cloud KMS, Resource Manager and
// Logging lives with the tests (test/fakes/gcp) and is not part of the shipped library: from a source
// checkout the demo loads it (Node strips its types), from an installed package the GCP estate is
// skipped with a note. The real provider reads it through its documented settings: one `endpoint`
// for every Google API and a caller-supplied access token (GOOGLE_OAUTH_ACCESS_TOKEN), so no
// credential chain runs and nothing but 127.0.0.1 is contacted.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GcpConfigInput } from '../providers/gcp/schema.ts';

export const GCP_DEMO_TOKEN = 'ya29.keyhygiene-demo-token-not-a-credential';

export interface GcpDemo {
  url: string;
  providerBlock: GcpConfigInput;
  env: Record<string, string | undefined>;
  requests(): number;
  stop(): Promise<void>;
}

interface FakeModule {
  DEMO_ORG: string;
  DENIED_RING: string;
  demoWorld(): unknown;
  startGcpFake(world: unknown, opts: { token: string; deny: string[] }): Promise<{ url: string; requests: unknown[]; stop(): Promise<void> }>;
}

/** Start the GCP fake with the demo estate; undefined (with the reason) when the fake is not available. */
export async function startGcpDemo(): Promise<GcpDemo | { unavailable: string }> {
  const entry = new URL('../../test/fakes/gcp/index.ts', import.meta.url);
  if (!existsSync(fileURLToPath(entry))) return { unavailable: 'the GCP simulator ships with the source repository only (test/fakes/gcp)' };
  let mod: FakeModule;
  try {
    mod = (await import(entry.href)) as FakeModule;
  } catch (err) {
    return { unavailable: `the GCP simulator could not be loaded (${String((err as Error).message).split('\n')[0]}); Node 22.18 or newer runs it` };
  }
  const fake = await mod.startGcpFake(mod.demoWorld(), { token: GCP_DEMO_TOKEN, deny: [`cloudkms:GetKeyRingIamPolicy ${mod.DENIED_RING}`] });
  return {
    url: fake.url,
    // The simulator's quota: ten times the published Cloud KMS read default, so the demo stays quick.
    providerBlock: { organization: mod.DEMO_ORG, endpoint: fake.url, readRequestsPerMinute: 3000 },
    env: { GOOGLE_OAUTH_ACCESS_TOKEN: GCP_DEMO_TOKEN, GOOGLE_APPLICATION_CREDENTIALS: undefined, GOOGLE_CLOUD_UNIVERSE_DOMAIN: undefined },
    requests: () => fake.requests.length,
    stop: () => fake.stop(),
  };
}
