// The only file of the artifacts provider that imports a cloud SDK. Amazon S3, read-only: a guard on
// the client refuses, before signing or sending, every operation outside the allowlist.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export const S3_OPERATIONS = ['s3:ListObjectsV2', 's3:GetObject'] as const;
const ALLOWED = new Set<string>(S3_OPERATIONS);

export class OperationRefusedError extends Error {
  constructor(op: string) {
    super(`refused ${op}: the artifacts provider only reads (allowed: ${S3_OPERATIONS.join(', ')})`);
    this.name = 'OperationRefusedError';
  }
}

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
      if (!ALLOWED.has(op)) throw new OperationRefusedError(op);
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
