// The Google Cloud part of `keyhygiene demo`: the loopback simulator of Cloud KMS, Resource Manager and
// Logging (src/fakes/gcp, shipped for the demo only) with the demo estate. The real provider reads it
// through its documented settings: one `endpoint` for every Google API and a caller-supplied access
// token (GOOGLE_OAUTH_ACCESS_TOKEN), so no credential chain runs and nothing but 127.0.0.1 is contacted.
import { DEMO_ORG, DENIED_RING, demoWorld } from '../fakes/gcp/demo-world.ts';
import { startGcpFake } from '../fakes/gcp/server.ts';
import type { GcpConfigInput } from '../providers/gcp/schema.ts';

export const GCP_DEMO_TOKEN = 'ya29.keyhygiene-demo-token-not-a-credential';

export interface GcpDemo {
  url: string;
  providerBlock: GcpConfigInput;
  env: Record<string, string | undefined>;
  requests(): number;
  stop(): Promise<void>;
}

/** Start the GCP simulator with the demo estate (one key ring's IAM policy is denied, to show a gap). */
export async function startGcpDemo(): Promise<GcpDemo> {
  const fake = await startGcpFake(demoWorld(), { token: GCP_DEMO_TOKEN, deny: [`cloudkms:GetKeyRingIamPolicy ${DENIED_RING}`] });
  return {
    url: fake.url,
    // The simulator's quota: ten times the published Cloud KMS read default, and all of it (quotaFraction 1;
    // at the default half, Resource Manager's 20 reads/s paced the demo's GCP part to about 2 s), so the demo stays quick.
    providerBlock: { organization: DEMO_ORG, endpoint: fake.url, readRequestsPerMinute: 3000, quotaFraction: 1 },
    env: { GOOGLE_OAUTH_ACCESS_TOKEN: GCP_DEMO_TOKEN, GOOGLE_APPLICATION_CREDENTIALS: undefined, GOOGLE_CLOUD_UNIVERSE_DOMAIN: undefined },
    requests: () => fake.requests.length,
    stop: () => fake.stop(),
  };
}
