// The only file of the artifacts provider that imports a cloud SDK. Amazon S3 and Azure Blob
// Storage, read-only: a guard on each client refuses, before signing or sending, every operation
// outside its allowlist.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ContainerClient, newPipeline, type Pipeline, type StorageRetryOptions, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { ReadOnlyViolation } from '../kit/index.ts';
import { parseBlobContainerUrl } from './schema.ts';

export const S3_OPERATIONS = ['s3:ListObjectsV2', 's3:GetObject'] as const;
const ALLOWED = new Set<string>(S3_OPERATIONS);

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Parse `s3://bucket/prefix`; undefined for anything else. */
export function parseS3Url(url: string): S3Location | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  return m ? { bucket: m[1] as string, prefix: m[2] ?? '' } : undefined;
}

export interface S3Options {
  region?: string;
  /** An S3-compatible endpoint (MinIO, a loopback fake); otherwise the SDK's own resolution (AWS_ENDPOINT_URL_S3…). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Called with every operation actually sent (tests assert on it). */
  onOperation?: (op: string) => void;
}

export interface S3Reader {
  list(loc: S3Location): AsyncIterable<{ key: string; size: number }>;
  get(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Issue an arbitrary command: only for tests proving the guard refuses writes. */
  readonly client: S3Client;
}

export function s3Reader(opts: S3Options, env: NodeJS.ProcessEnv): S3Reader {
  const client = new S3Client({
    region: opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.forcePathStyle !== undefined ? { forcePathStyle: opts.forcePathStyle } : {}),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = `s3:${(context.commandName ?? '').replace(/Command$/, '')}`;
      if (!ALLOWED.has(op)) throw new ReadOnlyViolation('artifacts', op);
      opts.onOperation?.(op);
      return next(args);
    },
    { step: 'initialize', name: 'keyhygieneReadOnlyGuard' },
  );
  return {
    client,
    async *list(loc) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.prefix || undefined, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) yield { key: o.Key, size: o.Size ?? 0 };
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async get(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body as AsyncIterable<Uint8Array>;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Azure Blob Storage

/** The Blob REST operations the provider may send; all three need only the blobs/read data action. */
export const BLOB_OPERATIONS = ['blob:ListBlobs', 'blob:GetBlob', 'blob:GetBlobProperties'] as const;
export type BlobOperation = (typeof BLOB_OPERATIONS)[number];
export const BLOB_DATA_ACTION = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';

/**
 * Which declared operation a request is, or undefined (refused). `containerUrl` is the container the
 * reader was made for: a request to any other host, container or sub-resource (`comp=`) is refused.
 */
export function classifyBlobRequest(containerUrl: string, method: string, url: string): BlobOperation | undefined {
  const base = new URL(containerUrl);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== base.origin) return undefined;
  const root = base.pathname.replace(/\/+$/, '');
  const q = u.searchParams;
  const m = method.toUpperCase();
  if (u.pathname === root || u.pathname === `${root}/`) {
    return m === 'GET' && q.get('restype') === 'container' && q.get('comp') === 'list' ? 'blob:ListBlobs' : undefined;
  }
  if (!u.pathname.startsWith(`${root}/`) || q.has('comp') || q.has('restype')) return undefined;
  if (m === 'GET') return 'blob:GetBlob';
  if (m === 'HEAD') return 'blob:GetBlobProperties';
  return undefined;
}

export interface BlobOptions {
  /** Entra authority host (sovereign and private clouds); default: AZURE_AUTHORITY_HOST, else public. */
  authorityHost?: string;
  tenantId?: string;
  /** Token audience of the storage data plane (default https://storage.azure.com/.default). */
  audience?: string;
  /** A credential instead of DefaultAzureCredential (tests, the demo): a TokenCredential or a shared key. */
  credential?: TokenCredential | StorageSharedKeyCredential;
  retry?: StorageRetryOptions;
  /** Range requests a download may make to resume after a broken stream (default 3). */
  maxResumes?: number;
  /** Called with every request that passed the guard, before it is signed and sent (tests assert on it). */
  onOperation?: (op: BlobOperation, url: string) => void;
}

export interface BlobItem {
  name: string;
  size: number;
  accessTier?: string;
}

export interface BlobReader {
  /** The container URL, normalised. */
  readonly url: string;
  list(prefix?: string, pageSize?: number): AsyncIterable<BlobItem>;
  /** Stream a blob: one GET, resumed with ranged GETs (If-Match the first ETag) if the stream breaks. */
  get(name: string, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  properties(name: string): Promise<{ size: number; etag?: string; accessTier?: string }>;
  /** Issue arbitrary requests: only for tests proving the guard refuses writes. */
  readonly client: ContainerClient;
}

const PUBLIC_AUTHORITIES = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn']);

class GuardedContainerClient extends ContainerClient {
  constructor(url: string, pipeline: Pipeline, guard: PipelinePolicy) {
    super(url, pipeline);
    // Blob clients made from this one share the same core pipeline, guard included.
    this.storageClientContext.pipeline.addPolicy(guard, { phase: 'Serialize' });
  }
}

export function blobReader(containerUrl: string, opts: BlobOptions = {}, env: NodeJS.ProcessEnv = process.env): BlobReader {
  const parsed = parseBlobContainerUrl(containerUrl);
  if (typeof parsed === 'string') throw new Error(`container ${parsed}`);
  const url = parsed.url;
  const authorityHost = opts.authorityHost ?? env.AZURE_AUTHORITY_HOST;
  const credential =
    opts.credential ??
    new DefaultAzureCredential({
      ...(authorityHost ? { authorityHost } : {}),
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      ...(authorityHost && !PUBLIC_AUTHORITIES.has(new URL(authorityHost).hostname) ? { disableInstanceDiscovery: true } : {}),
    });
  const guard: PipelinePolicy = {
    name: 'keyhygieneBlobReadOnlyGuard',
    async sendRequest(request, next) {
      const op = classifyBlobRequest(url, request.method, request.url);
      if (!op) throw new ReadOnlyViolation('artifacts', `${request.method} ${request.url.split('?')[0]}`);
      opts.onOperation?.(op, request.url);
      return next(request);
    },
  };
  const pipeline = newPipeline(credential, {
    ...(opts.audience ? { audience: `${opts.audience.replace(/\/+$/, '')}/.default` } : {}),
    retryOptions: opts.retry ?? { maxTries: 4, tryTimeoutInMs: 120_000 },
  });
  const client = new GuardedContainerClient(url, pipeline, guard);
  const maxResumes = opts.maxResumes ?? 3;
  return {
    url,
    client,
    async *list(prefix, pageSize) {
      for await (const page of client.listBlobsFlat(prefix ? { prefix } : {}).byPage(pageSize ? { maxPageSize: pageSize } : {})) {
        for (const b of page.segment.blobItems) {
          if (b.name.endsWith('/')) continue;
          yield { name: b.name, size: b.properties.contentLength ?? 0, ...(b.properties.accessTier ? { accessTier: b.properties.accessTier } : {}) };
        }
      }
    },
    async get(name, signal) {
      const blob = client.getBlobClient(name);
      const abort = signal ? { abortSignal: signal } : {};
      // The SDK's own resume is off (maxRetryRequests: 0): a broken stream is resumed here, with a
      // ranged Get Blob from the last byte received, pinned to the first response's ETag.
      const first = await blob.download(0, undefined, { maxRetryRequests: 0, ...abort });
      const expected = first.contentLength;
      const etag = first.etag;
      return (async function* () {
        let body = first.readableStreamBody;
        let got = 0;
        let resumes = 0;
        for (;;) {
          let failure: unknown;
          try {
            if (!body) throw new Error('Get Blob returned no body');
            for await (const c of body as AsyncIterable<Uint8Array>) {
              got += c.length;
              yield c;
            }
          } catch (err) {
            failure = err;
          }
          if (expected === undefined ? !failure : got >= expected) return;
          const why = failure ? String((failure as Error).message ?? failure).split('\n')[0] : 'the stream ended early';
          if (expected === undefined || resumes >= maxResumes)
            throw new Error(
              `truncated download: received ${got} of ${expected ?? '?'} bytes${resumes ? ` after ${resumes} ranged resume${resumes > 1 ? 's' : ''}` : ''} (${why})`,
            );
          resumes++;
          const next = await blob.download(got, undefined, { maxRetryRequests: 0, ...(etag ? { conditions: { ifMatch: etag } } : {}), ...abort });
          body = next.readableStreamBody;
        }
      })();
    },
    async properties(name) {
      const p = await client.getBlobClient(name).getProperties();
      return { size: p.contentLength ?? 0, ...(p.etag ? { etag: p.etag } : {}), ...(p.accessTier ? { accessTier: p.accessTier } : {}) };
    },
  };
}
