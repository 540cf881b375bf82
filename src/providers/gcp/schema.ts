import { z } from 'zod';
import { kitConfigFields } from '../kit/config.ts';

/** The Google APIs the provider reads, as `endpoints` names them (iam: custom role definitions). */
export const GCP_SERVICES = ['cloudkms', 'cloudresourcemanager', 'logging', 'iam'] as const;
export type GcpService = (typeof GCP_SERVICES)[number];

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/;

/** An endpoint base URL: https anywhere, plain http only to a loopback address; no path, query or credentials. */
export const EndpointUrl = z
  .string()
  .superRefine((s, ctx) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a URL; expected e.g. https://cloudkms.googleapis.com or http://127.0.0.1:8080` });
      return;
    }
    if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
      ctx.addIssue({ code: 'custom', message: `"${s}" must be a bare origin (scheme, host, optional port), e.g. https://cloudkms.googleapis.com` });
    } else if (u.protocol === 'http:' && !LOOPBACK.test(u.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${s}" uses plain http to a non-loopback host; use https (plain http is only accepted for 127.0.0.1, [::1] and localhost)`,
      });
    } else if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `"${s}" must use https (or http to a loopback address)` });
    }
  })
  .describe('an endpoint origin: https://host[:port], or http://127.0.0.1:port for a local fake or emulator');

const ProjectId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a project id: 6–30 lowercase letters, digits or hyphens, starting with a letter (e.g. payments-prod)');
const NumericId = (what: string, example: string) =>
  z
    .union([z.string().regex(/^\d{1,20}$/), z.string().regex(new RegExp(`^${what}s/\\d{1,20}$`))])
    .transform((s) => s.replace(/^.*\//, ''))
    .describe(`${what} id, e.g. ${example} or ${what}s/${example}`);

/** The `providers.gcp` block of a policy. */
export const GcpConfig = z
  .strictObject({
    organization: NumericId('organization', '123456789012').optional().describe('audit every ACTIVE project under this organization (and its folders)'),
    folders: z.array(NumericId('folder', '345678901234')).min(1).optional().describe('audit every ACTIVE project under these folders, at any depth'),
    projects: z
      .array(ProjectId)
      .min(1)
      .optional()
      .describe('audit these projects (default: every ACTIVE project the credentials can find with projects.search)'),
    locations: z
      .array(z.string().regex(/^[a-z0-9-]+$/, 'a location such as global, us, europe-west1'))
      .min(1)
      .optional()
      .describe('KMS locations to read (default: every location Cloud KMS offers each project, from locations.list)'),
    assumeServiceAccount: z
      .email()
      .optional()
      .describe(
        'service account to impersonate (the caller needs roles/iam.serviceAccountTokenCreator on it), e.g. keyhygiene-audit@sec-tools.iam.gserviceaccount.com',
      ),
    quotaProject: ProjectId.optional().describe(
      'project charged for the API quota (x-goog-user-project); default: the credentials\u2019 quota project. Cloud KMS read quota is per calling project',
    ),
    endpoint: EndpointUrl.optional().describe('one base URL for every Google API (a private endpoint, or a local fake)'),
    endpoints: z
      .strictObject({
        cloudkms: EndpointUrl.optional(),
        cloudresourcemanager: EndpointUrl.optional(),
        logging: EndpointUrl.optional(),
        iam: EndpointUrl.optional(),
      })
      .optional()
      .describe('per-API base URLs (Private Service Connect endpoints, e.g. https://cloudkms-myendpoint.p.googleapis.com)'),
    universeDomain: z
      .string()
      .regex(/^[a-z0-9.-]+$/)
      .optional()
      .describe('universe domain of a sovereign cloud (default: GOOGLE_CLOUD_UNIVERSE_DOMAIN, else googleapis.com)'),
    readRequestsPerMinute: z
      .number()
      .int()
      .positive()
      .default(300)
      .describe(
        'Cloud KMS read quota of the calling project (cloudkms.googleapis.com/read_requests, published default 300 per minute); raise it if your quota was raised',
      ),
    cryptoRequestsPerMinute: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Cloud KMS cryptographic quota of the calling project (GetPublicKey counts here; published default 60,000 per minute)'),
    concurrency: z.number().int().min(1).max(256).default(16).describe('keys read at once'),
    ...kitConfigFields({ timeoutMs: 30_000, maxAttempts: 6, retryBaseMs: 500, quotaFraction: 0.5 }),
  })
  .superRefine((c, ctx) => {
    const scopes = (['organization', 'folders', 'projects'] as const).filter((k) => c[k] !== undefined);
    if (scopes.length > 1)
      ctx.addIssue({ code: 'custom', path: [scopes[1] as string], message: `set one of organization, folders or projects, not ${scopes.join(' and ')}` });
    if (c.endpoint && c.endpoints)
      ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'set either endpoint (one URL for every API) or endpoints, not both' });
  });
export type GcpConfig = z.infer<typeof GcpConfig>;
export type GcpConfigInput = z.input<typeof GcpConfig>;

/** Where each API lives: the configured URL, or the universe's default host. */
export interface ResolvedEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** True when the host is the universe default (nothing configured). */
  isDefault: boolean;
}

export function resolveEndpoint(c: GcpConfig, service: GcpService, universe: string): ResolvedEndpoint {
  const url = c.endpoints?.[service] ?? c.endpoint;
  if (!url) return { host: `${service}.${universe}`, port: 443, protocol: 'https', isDefault: true };
  const u = new URL(url);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  const port = u.port ? Number(u.port) : protocol === 'http' ? 80 : 443;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, protocol, isDefault: false };
}
