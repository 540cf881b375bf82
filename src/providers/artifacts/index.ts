import type { ArtifactFinding } from '../../model/artifact-finding.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import { scanStream } from '../../scan/files.ts';
import { type KnownKeyInput, KnownKeyTable, scanPaths } from '../../scan/index.ts';
import { type CollectContext, defineProvider, type ProviderOutput } from '../types.ts';
import { artifactRecords, gapRecords, PROVIDER_ID, type Store } from './normalize.ts';
import { ArtifactsConfig } from './schema.ts';

/**
 * Scans crash dumps, core files, heap dumps and debug bundles for private key material, and matches
 * it to the public keys other providers collected (run last: `collectInventory` passes them in).
 */
export const artifactsProvider = defineProvider({
  id: PROVIDER_ID,
  description: 'crash dumps, core files, heap dumps and debug stores scanned for private key material',
  configSchema: ArtifactsConfig,
  operations: ['fs:ReadDir', 'fs:ReadFile', 's3:ListObjectsV2', 's3:GetObject'],
  fills: ['artifacts'],
  permissions: () => ({
    kind: 'AWS IAM policy (only for s3:// sources; local paths need read access to the files)',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListDumpPrefixes', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::BUCKET'] },
        { Sid: 'ReadDumps', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::BUCKET/PREFIX*'] },
      ],
    },
    notes: ['Replace BUCKET and PREFIX with each s3:// source. ListObjectsV2 is authorised by s3:ListBucket.'],
  }),
  async collect(config, ctx): Promise<ProviderOutput> {
    const known: KnownKeyInput[] = [];
    for (const k of [...(ctx.inventory?.keys ?? []), ...(ctx.inventory?.publishedKeys ?? [])]) {
      if (k.publicKey) known.push({ id: k.id, publicKey: k.publicKey });
    }
    const artifacts: ArtifactFinding[] = [];
    const gaps: CollectionGap[] = [];
    const seen = new Set<string>();
    const startedAt = ctx.now().toISOString();
    for (const source of config.paths) {
      const entry = typeof source === 'string' ? { path: source } : source;
      const environment = entry.environment ?? config.environment;
      const internetReachable = entry.internetReachable ?? config.internetReachable;
      const store: Store = {
        ...(entry.name ? { name: entry.name } : {}),
        ...(environment ? { environment } : {}),
        ...(internetReachable !== undefined ? { internetReachable } : {}),
      };
      if (entry.path.startsWith('s3://')) {
        const r = await scanS3(entry, known, config, ctx);
        for (const file of r.files) {
          if (seen.has(file.location)) continue;
          seen.add(file.location);
          artifacts.push(...artifactRecords(file, store));
          gaps.push(...gapRecords(file.gaps));
        }
        gaps.push(...r.gaps);
        continue;
      }
      const report = await scanPaths({
        inputs: [entry.path],
        baseDir: ctx.baseDir,
        known,
        limits: config.limits,
        jobs: config.jobs,
        signal: ctx.signal,
        progress: ctx.progress ? (done) => ctx.progress?.({ provider: PROVIDER_ID, phase: `scanning ${entry.path}`, done }) : undefined,
      });
      if (report.files.length === 0 && report.gaps.length === 0) ctx.warn?.(`artifacts: ${entry.path} matched no file`);
      for (const file of report.files) {
        if (seen.has(file.location)) continue;
        seen.add(file.location);
        artifacts.push(...artifactRecords(file, store));
        gaps.push(...gapRecords(file.gaps));
      }
      gaps.push(...gapRecords(report.gaps));
    }
    const uniqueGaps = [...new Map(gaps.map((g) => [g.id, g])).values()];
    return { run: { id: PROVIDER_ID, fills: ['artifacts'], startedAt, finishedAt: ctx.now().toISOString() }, artifacts, gaps: uniqueGaps };
  },
});

type Entry = Exclude<ArtifactsConfig['paths'][number], string>;

/** List and stream every object under an S3 prefix through the scanner, read-only. */
async function scanS3(
  entry: Entry,
  known: KnownKeyInput[],
  config: ArtifactsConfig,
  ctx: CollectContext,
): Promise<{ files: Awaited<ReturnType<typeof scanStream>>[]; gaps: CollectionGap[] }> {
  const { parseS3Url, s3Reader } = await import('./client.ts');
  const loc = parseS3Url(entry.path);
  if (!loc) return { files: [], gaps: gapRecords([{ location: entry.path, operation: 's3:ListObjectsV2', reason: 'not an s3://bucket/prefix URL' }]) };
  const reader = s3Reader({ region: entry.region, endpoint: entry.endpoint, forcePathStyle: entry.forcePathStyle }, ctx.env);
  const table = known.length ? new KnownKeyTable(known) : undefined;
  const files: Awaited<ReturnType<typeof scanStream>>[] = [];
  const gaps: CollectionGap[] = [];
  const errText = (err: unknown) => `${(err as { name?: string }).name ?? 'Error'}: ${(err as Error).message}`;
  try {
    for await (const obj of reader.list(loc)) {
      if (ctx.signal?.aborted) break;
      const location = `s3://${loc.bucket}/${obj.key}`;
      try {
        const body = await reader.get(loc.bucket, obj.key);
        files.push(await scanStream(location, obj.key, body, { table, limits: config.limits }));
      } catch (err) {
        gaps.push(...gapRecords([{ location, operation: 's3:GetObject', reason: errText(err) }]));
      }
    }
  } catch (err) {
    gaps.push(...gapRecords([{ location: entry.path, operation: 's3:ListObjectsV2', reason: errText(err) }]));
  }
  return { files, gaps };
}

export default artifactsProvider;
