import type { ArtifactFinding } from '../../model/artifact-finding.ts';
import type { CollectionGap } from '../../model/collection-gap.ts';
import { scanStream } from '../../scan/files.ts';
import { type KnownKeyInput, KnownKeyTable, scanPaths } from '../../scan/index.ts';
import { classify, GapBuilder } from '../kit/index.ts';
import { type CollectContext, defineProvider, type ProviderOutput } from '../types.ts';
import type { BlobOptions } from './client.ts';
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
  operations: ['fs:ReadDir', 'fs:ReadFile', 's3:ListObjectsV2', 's3:GetObject', 'blob:ListBlobs', 'blob:GetBlob', 'blob:GetBlobProperties'],
  fills: ['artifacts'],
  permissions: () => ({
    kind: 'AWS IAM policy (only for s3:// sources; Azure Blob sources: see the notes; local paths need read access to the files)',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListDumpPrefixes', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::BUCKET'] },
        { Sid: 'ReadDumps', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::BUCKET/PREFIX*'] },
      ],
    },
    notes: [
      'Replace BUCKET and PREFIX with each s3:// source. ListObjectsV2 is authorised by s3:ListBucket.',
      'Azure Blob sources (container:): assign the built-in role "Storage Blob Data Reader" on each container (az role assignment create --role "Storage Blob Data Reader" --assignee ID --scope /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/ACCOUNT/blobServices/default/containers/CONTAINER), or a custom role whose only DataAction is Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read: List Blobs, Get Blob and Get Blob Properties need nothing else.',
    ],
  }),
  collect: (config, ctx) => collectArtifacts(config, ctx),
});

/** What tests (and the demo) may inject instead of the default credential chains. */
export interface ArtifactsOverrides {
  blob?: Pick<BlobOptions, 'credential' | 'retry' | 'maxResumes' | 'onOperation'>;
}

export async function collectArtifacts(config: ArtifactsConfig, ctx: CollectContext, overrides: ArtifactsOverrides = {}): Promise<ProviderOutput> {
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
    if (entry.container !== undefined || entry.path?.startsWith('s3://')) {
      const r = entry.container !== undefined ? await scanBlob(entry, known, config, ctx, overrides) : await scanS3(entry, known, config, ctx);
      for (const file of r.files) {
        if (seen.has(file.location)) continue;
        seen.add(file.location);
        artifacts.push(...artifactRecords(file, store));
        gaps.push(...gapRecords(file.gaps));
      }
      gaps.push(...r.gaps);
      continue;
    }
    if (entry.path === undefined) continue;
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
}

type Entry = Exclude<ArtifactsConfig['paths'][number], string>;

interface ReadGap {
  location: string;
  operation: string;
  /** What could not be read, in words: "object s3://bucket/key". */
  what: string;
  permission?: string;
  fix?: string;
  why?: string;
}

/**
 * A failed S3 or Blob read as a gap, through the kit's builder: "<what> could not be read: <why>; <fix>",
 * the service's own text kept in `detail` (shown with --debug). Ids stay `artifacts:<location>:<operation>`.
 */
export function readGap(g: ReadGap, err: unknown): CollectionGap {
  const failure = err === undefined ? { kind: 'error' as const, message: g.why ?? g.what } : classify(err);
  const { location, ...spec } = g;
  return new GapBuilder(PROVIDER_ID).fromFailure(failure, { ...spec, id: `${PROVIDER_ID}:${location}:${g.operation}`, scope: { subjectId: location } });
}

/** List and stream every object under an S3 prefix through the scanner, read-only. */
async function scanS3(
  entry: Entry,
  known: KnownKeyInput[],
  config: ArtifactsConfig,
  ctx: CollectContext,
): Promise<{ files: Awaited<ReturnType<typeof scanStream>>[]; gaps: CollectionGap[] }> {
  const { parseS3Url, s3Reader } = await import('./client.ts');
  const path = entry.path ?? '';
  const loc = parseS3Url(path);
  if (!loc) {
    const why = 'it is not an s3://bucket/prefix URL';
    return {
      files: [],
      gaps: [readGap({ location: path, operation: 's3:ListObjectsV2', what: `S3 location ${path}`, why, fix: 'write it as s3://bucket/prefix' }, undefined)],
    };
  }
  const reader = s3Reader({ region: entry.region, endpoint: entry.endpoint, forcePathStyle: entry.forcePathStyle }, ctx.env);
  const table = known.length ? new KnownKeyTable(known) : undefined;
  const files: Awaited<ReturnType<typeof scanStream>>[] = [];
  const gaps: CollectionGap[] = [];
  try {
    for await (const obj of reader.list(loc)) {
      if (ctx.signal?.aborted) break;
      const location = `s3://${loc.bucket}/${obj.key}`;
      try {
        const body = await reader.get(loc.bucket, obj.key);
        files.push(await scanStream(location, obj.key, body, { table, limits: config.limits }));
      } catch (err) {
        gaps.push(readGap({ location, operation: 's3:GetObject', what: `object ${location}`, permission: 's3:GetObject' }, err));
      }
    }
  } catch (err) {
    gaps.push(readGap({ location: path, operation: 's3:ListObjectsV2', what: `the object list of ${path}`, permission: 's3:ListBucket' }, err));
  }
  return { files, gaps };
}

/** The fix for a denied Blob read (the data role, not a control-plane permission), or for a refused plain-http token. */
function blobFix(err: unknown, dataAction: string): { why?: string; fix?: string } {
  const f = classify(err);
  if (f.kind === 'denied') return { fix: `grant the audit identity "Storage Blob Data Reader" on the container (DataAction ${dataAction})` };
  // The SDK refuses to send a bearer token over plain http: ours to explain, not a service answer.
  if (/non-TLS|non https/i.test(f.message))
    return { why: 'a token credential would travel over plain http, so nothing was sent', fix: 'use the https:// URL of the container' };
  return {};
}

/** List and stream every blob of an Azure Blob container (under a prefix) through the scanner, read-only. */
async function scanBlob(
  entry: Entry,
  known: KnownKeyInput[],
  config: ArtifactsConfig,
  ctx: CollectContext,
  overrides: ArtifactsOverrides,
): Promise<{ files: Awaited<ReturnType<typeof scanStream>>[]; gaps: CollectionGap[] }> {
  const { blobReader, BLOB_DATA_ACTION } = await import('./client.ts');
  const container = entry.container ?? '';
  const where = `${container.replace(/\/+$/, '')}/${entry.prefix ?? ''}`;
  let reader: ReturnType<typeof blobReader>;
  try {
    reader = blobReader(
      container,
      {
        ...(entry.authorityHost ? { authorityHost: entry.authorityHost } : {}),
        ...(entry.tenantId ? { tenantId: entry.tenantId } : {}),
        ...(entry.audience ? { audience: entry.audience } : {}),
        ...overrides.blob,
      },
      ctx.env,
    );
  } catch (err) {
    return { files: [], gaps: [readGap({ location: where, operation: 'blob:ListBlobs', what: `the blob list of container ${where}` }, err)] };
  }
  const table = known.length ? new KnownKeyTable(known) : undefined;
  const files: Awaited<ReturnType<typeof scanStream>>[] = [];
  const gaps: CollectionGap[] = [];
  let listed = 0;
  let bytes = 0;
  const onBytes = ctx.progress
    ? (n: number) => {
        bytes += n;
        ctx.progress?.({ provider: PROVIDER_ID, phase: `scanning ${where}`, done: bytes });
      }
    : undefined;
  try {
    for await (const blob of reader.list(entry.prefix)) {
      if (ctx.signal?.aborted) break;
      listed++;
      const location = `${reader.url}/${blob.name}`;
      if (blob.accessTier === 'Archive') {
        const why = 'it is in the Archive tier, which serves no data';
        gaps.push(readGap({ location, operation: 'blob:GetBlob', what: `blob ${location}`, why, fix: 'rehydrate it to Hot or Cool to scan it' }, undefined));
        continue;
      }
      try {
        const body = await reader.get(blob.name, ctx.signal);
        const file = await scanStream(location, blob.name.split('/').pop() ?? blob.name, body, { table, limits: config.limits, onBytes });
        // A broken download surfaces inside the scan as a read gap: name the Blob operation.
        file.gaps = file.gaps.map((g) => (g.operation === 'read' ? { ...g, operation: 'blob:GetBlob' } : g));
        files.push(file);
      } catch (err) {
        gaps.push(readGap({ location, operation: 'blob:GetBlob', what: `blob ${location}`, ...blobFix(err, BLOB_DATA_ACTION) }, err));
      }
    }
  } catch (err) {
    gaps.push(readGap({ location: where, operation: 'blob:ListBlobs', what: `the blob list of container ${where}`, ...blobFix(err, BLOB_DATA_ACTION) }, err));
  }
  if (listed === 0 && gaps.length === 0) ctx.warn?.(`artifacts: ${where} holds no blob`);
  return { files, gaps };
}

export default artifactsProvider;
