import { z } from 'zod';

export const ArtifactSource = z.union([
  z.string().min(1).describe('file, directory or glob (* ? ** [..] {..}), relative to the policy file'),
  z.strictObject({
    path: z.string().min(1).describe('file, directory or glob (* ? ** [..] {..}), relative to the policy file; or s3://bucket/prefix'),
    region: z.string().min(1).optional().describe('S3 sources: the bucket region (default: AWS_REGION)'),
    endpoint: z.string().url().optional().describe('S3 sources: an S3-compatible endpoint; default: the SDK resolution (AWS_ENDPOINT_URL_S3…)'),
    forcePathStyle: z.boolean().optional().describe('S3 sources: path-style requests (S3-compatible stores)'),
    name: z.string().min(1).optional().describe('a label for this store in reports (e.g. crash-dump-share)'),
    environment: z
      .string()
      .min(1)
      .optional()
      .describe('the policy environment this store belongs to (e.g. debug): memory artifacts in debug, development, ci, test or corporate stores are findings'),
    internetReachable: z.boolean().optional().describe('the store can be reached from the internet'),
  }),
]);
export type ArtifactSource = z.infer<typeof ArtifactSource>;

export const ArtifactsConfig = z.strictObject({
  paths: z.array(ArtifactSource).min(1).describe('where crash dumps, core files, heap dumps and debug bundles are kept'),
  environment: z.string().min(1).optional().describe('default environment for sources that name none'),
  internetReachable: z.boolean().optional().describe('default for sources that say nothing'),
  jobs: z.number().int().positive().max(64).optional().describe('files scanned in parallel (worker threads); default: cores, at most 8'),
  limits: z
    .strictObject({
      maxRatio: z.number().positive().optional().describe('largest decompression ratio before a stream counts as a bomb (default 200)'),
      maxExpandedBytes: z.number().int().positive().optional().describe('largest decompressed size of one stream or member (default 64 GiB)'),
      maxDepth: z.number().int().min(1).max(16).optional().describe('archive nesting depth opened (default 4)'),
      maxNestedArchiveBytes: z.number().int().positive().optional().describe('largest archive inside an archive that is opened in memory (default 64 MiB)'),
    })
    .optional(),
});
export type ArtifactsConfig = z.infer<typeof ArtifactsConfig>;
