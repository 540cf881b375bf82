import { z } from 'zod';
import { ArtifactsConfig } from './artifacts/schema.ts';
import { AwsConfig } from './aws/schema.ts';
import { AzureConfig } from './azure/schema.ts';
import { EntraConfig } from './entra/schema.ts';
import { GcpConfig } from './gcp/schema.ts';
import { IacConfig } from './iac/schema.ts';
import { JwksConfig } from './jwks/schema.ts';
import { M365Config } from './m365/schema.ts';
import { SnapshotConfig } from './snapshot/schema.ts';

/**
 * The `providers:` block of a policy: one optional, strictly validated block per provider. Only the
 * config schemas are imported here, never a cloud SDK, so loading a policy stays cheap.
 */
export const ProvidersConfig = z.strictObject({
  artifacts: ArtifactsConfig.optional(),
  aws: AwsConfig.optional(),
  azure: AzureConfig.optional(),
  entra: EntraConfig.optional(),
  gcp: GcpConfig.optional(),
  iac: IacConfig.optional(),
  jwks: JwksConfig.optional(),
  m365: M365Config.optional(),
  snapshot: SnapshotConfig.optional(),
});
export type ProvidersConfig = z.infer<typeof ProvidersConfig>;
