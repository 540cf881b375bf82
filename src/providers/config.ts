import { z } from 'zod';
import { SnapshotConfig } from './snapshot/schema.ts';

/**
 * The `providers:` block of a policy: one optional, strictly validated block per provider. Only the
 * config schemas are imported here, never a cloud SDK, so loading a policy stays cheap.
 */
export const ProvidersConfig = z.strictObject({
  snapshot: SnapshotConfig.optional(),
});
export type ProvidersConfig = z.infer<typeof ProvidersConfig>;
