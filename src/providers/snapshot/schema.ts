import { z } from 'zod';

export const SnapshotConfig = z.strictObject({
  paths: z.array(z.string().min(1)).min(1).describe('inventory snapshot files (keyhygiene inventory --output), relative to the policy file'),
});
export type SnapshotConfig = z.infer<typeof SnapshotConfig>;
