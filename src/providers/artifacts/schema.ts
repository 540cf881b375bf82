import { z } from 'zod';
import { httpsOrigin } from '../url-schema.ts';

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;

export interface BlobContainerUrl {
  /** The container URL, normalised: no trailing slash. */
  url: string;
  account: string;
  container: string;
}

/**
 * Parse an Azure Blob container URL: `https://<account>.blob.core.windows.net/<container>` (any
 * cloud's or a private cloud's blob endpoint), or IP-style `http(s)://<ip>:<port>/<account>/<container>`
 * (emulators). Returns the reason when it is not one.
 */
export function parseBlobContainerUrl(s: string): BlobContainerUrl | string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && IP_HOST.test(u.hostname))) return 'must be an https URL';
  if (u.username || u.password) return 'must not carry credentials';
  if (u.search || u.hash) return 'must have no query string: do not put a SAS token in a policy file (the audit signs in with DefaultAzureCredential)';
  const parts = u.pathname.split('/').filter(Boolean);
  const ipStyle = IP_HOST.test(u.hostname);
  const want = ipStyle ? 2 : 1;
  if (parts.length !== want)
    return `must name exactly the container, e.g. https://myaccount.blob.core.windows.net/crash-dumps${ipStyle ? ' (or http://127.0.0.1:10000/account/container for an emulator)' : ''}; put a blob name prefix in \`prefix\``;
  const account = ipStyle ? (parts[0] as string) : (u.hostname.split('.')[0] as string);
  const container = parts[want - 1] as string;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container) && container !== '$root')
    return `has an invalid container name "${container}" (3-63 lowercase letters, digits and single hyphens)`;
  return { url: `${u.origin}/${parts.join('/')}`, account, container };
}

const S3_KEYS = ['region', 'endpoint', 'forcePathStyle'] as const;
const BLOB_KEYS = ['prefix', 'authorityHost', 'tenantId', 'audience'] as const;

export const ArtifactSource = z.union([
  z.string().min(1).describe('file, directory or glob (* ? ** [..] {..}), relative to the policy file'),
  z
    .strictObject({
      path: z.string().min(1).optional().describe('file, directory or glob (* ? ** [..] {..}), relative to the policy file; or s3://bucket/prefix'),
      container: z
        .string()
        .min(1)
        .optional()
        .describe('an Azure Blob container URL, e.g. https://myaccount.blob.core.windows.net/crash-dumps (every blob in it, or under `prefix`, is scanned)'),
      prefix: z.string().min(1).optional().describe('Azure Blob sources: scan only blobs whose name starts with this (e.g. prod/)'),
      authorityHost: httpsOrigin('authorityHost', 'https://login.microsoftonline.us')
        .optional()
        .describe('Azure Blob sources: Entra authority host for a sovereign or private cloud (default: AZURE_AUTHORITY_HOST, else the public cloud)'),
      tenantId: z.string().min(1).optional().describe('Azure Blob sources: Entra tenant to sign in to (default: the credential\u2019s, e.g. AZURE_TENANT_ID)'),
      audience: z
        .url({ protocol: /^https$/ })
        .optional()
        .describe(
          'Azure Blob sources: token audience of the storage data plane (default https://storage.azure.com/; set it for Azure Stack Hub or a private cloud)',
        ),
      region: z.string().min(1).optional().describe('S3 sources: the bucket region (default: AWS_REGION)'),
      endpoint: z.string().url().optional().describe('S3 sources: an S3-compatible endpoint; default: the SDK resolution (AWS_ENDPOINT_URL_S3…)'),
      forcePathStyle: z.boolean().optional().describe('S3 sources: path-style requests (S3-compatible stores)'),
      name: z.string().min(1).optional().describe('a label for this store in reports (e.g. crash-dump-share)'),
      environment: z
        .string()
        .min(1)
        .optional()
        .describe(
          'the policy environment this store belongs to (e.g. debug): memory artifacts in debug, development, ci, test or corporate stores are findings',
        ),
      internetReachable: z.boolean().optional().describe('the store can be reached from the internet'),
    })
    .superRefine((s, ctx) => {
      if (!s.path === !s.container) {
        ctx.addIssue({
          code: 'custom',
          path: [s.path ? 'container' : 'path'],
          message: s.path
            ? 'give either `path` or `container`, not both (one source per entry)'
            : 'an artifacts source needs `path` (file, directory, glob or s3://bucket/prefix) or `container` (an Azure Blob container URL)',
        });
        return;
      }
      if (s.container) {
        const parsed = parseBlobContainerUrl(s.container);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: ['container'], message: `container ${parsed}` });
        for (const k of S3_KEYS) {
          if (s[k] !== undefined)
            ctx.addIssue({ code: 'custom', path: [k], message: `\`${k}\` applies to s3:// sources only; remove it from this Azure Blob source` });
        }
        return;
      }
      for (const k of BLOB_KEYS) {
        if (s[k] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `\`${k}\` applies to Azure Blob sources (\`container:\`) only${k === 'prefix' ? '; for s3:// sources put the prefix in the path' : ''}`,
          });
      }
      if (!s.path?.startsWith('s3://')) {
        for (const k of S3_KEYS) {
          if (s[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `\`${k}\` applies to s3:// sources only` });
        }
      }
    }),
]);
export type ArtifactSource = z.infer<typeof ArtifactSource>;

export const ArtifactsConfig = z.strictObject({
  paths: z.array(ArtifactSource).min(1).describe('where crash dumps, core files, heap dumps and debug bundles are kept'),
  environment: z.string().min(1).optional().describe('default environment for sources that name none'),
  internetReachable: z.boolean().optional().describe('default for sources that say nothing'),
  jobs: z.number().int().positive().max(64).optional().describe('files scanned in parallel (worker threads); default: half the cores, at most 8'),
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
