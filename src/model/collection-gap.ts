import { z } from 'zod';

/** Something a provider could not read. Rules that need data behind a gap report `unknown`. */
export const CollectionGap = z.strictObject({
  id: z.string().min(1).describe('stable id: <provider>:<scope>:<operation>'),
  provider: z.string().min(1),
  scope: z
    .strictObject({
      account: z.string().optional(),
      region: z.string().optional(),
      container: z.string().optional(),
      subjectId: z.string().optional().describe('one key, trail or URL'),
    })
    .describe('the narrowest scope the failure affects; empty = the whole provider'),
  operation: z.string().min(1).describe('API operation or step, e.g. kms:ListGrants'),
  reason: z.string().min(1),
  affects: z.array(z.string()).optional().describe('fields the gap leaves unknown (e.g. access, rotation, trails); absent = everything in scope'),
  kind: z
    .enum(['unauthenticated', 'denied', 'not-found', 'throttled', 'transient', 'timeout', 'invalid-response', 'unsupported', 'cancelled', 'error'])
    .optional()
    .describe('why the read failed, classified by the provider kit'),
  detail: z.string().optional().describe("the service's own answer, one line; shown only with --debug"),
});
export type CollectionGap = z.infer<typeof CollectionGap>;
