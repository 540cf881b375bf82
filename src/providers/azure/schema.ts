import { z } from 'zod';
import { kitConfigFields } from '../kit/index.ts';
import { httpsOrigin } from '../url-schema.ts';

/** Well-known Azure clouds: where to sign in, where ARM lives, and the token audience of each plane. */
export const AZURE_CLOUDS = {
  AzureCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    armEndpoint: 'https://management.azure.com',
    audience: 'https://management.azure.com',
    graphEndpoint: 'https://graph.microsoft.com',
    vaultSuffixes: ['.vault.azure.net', '.managedhsm.azure.net'],
  },
  AzureUSGovernment: {
    authorityHost: 'https://login.microsoftonline.us',
    armEndpoint: 'https://management.usgovcloudapi.net',
    audience: 'https://management.usgovcloudapi.net',
    graphEndpoint: 'https://graph.microsoft.us',
    vaultSuffixes: ['.vault.usgovcloudapi.net', '.managedhsm.usgovcloudapi.net'],
  },
  AzureChinaCloud: {
    authorityHost: 'https://login.chinacloudapi.cn',
    armEndpoint: 'https://management.chinacloudapi.cn',
    audience: 'https://management.chinacloudapi.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
    vaultSuffixes: ['.vault.azure.cn', '.managedhsm.azure.cn'],
  },
} as const;
export type AzureCloudName = keyof typeof AZURE_CLOUDS;

const SUBSCRIPTION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const AzureRetryConfig = z.strictObject({
  maxRetries: z.number().int().min(0).max(10).default(3).describe('retries after a 429, 5xx or network error (Retry-After is always honoured)'),
  retryDelayInMs: z.number().int().min(0).default(1000).describe('base delay of the exponential backoff'),
  maxRetryDelayInMs: z.number().int().min(0).default(64_000).describe('cap of the exponential backoff'),
});
export type AzureRetryConfig = z.infer<typeof AzureRetryConfig>;

/** The `providers.azure` block of a policy. */
export const AzureConfig = z
  .strictObject({
    cloud: z
      .enum(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'custom'])
      .default('AzureCloud')
      .describe('sovereign cloud; `custom` (Azure Stack Hub, private clouds) needs authorityHost, armEndpoint and audience'),
    tenantId: z.string().min(1).optional().describe('Entra tenant to sign in to (default: the credential\u2019s, e.g. AZURE_TENANT_ID)'),
    subscriptions: z
      .array(z.string().regex(SUBSCRIPTION_ID, 'a subscription id is a GUID, e.g. 00000000-0000-0000-0000-000000000000'))
      .min(1)
      .optional()
      .describe('subscription ids to audit (default: every subscription the credential can read)'),
    vaults: z
      .array(httpsOrigin('a vault URL', 'https://my-vault.vault.azure.net/'))
      .min(1)
      .optional()
      .describe('audit only these vaults or managed HSMs (their URIs); a vault not found through ARM is read on its data plane alone'),
    managedHsm: z.boolean().default(true).describe('also audit Managed HSM pools'),
    authorityHost: httpsOrigin('authorityHost', 'https://login.microsoftonline.us').optional().describe('Entra authority host (default: the cloud\u2019s)'),
    armEndpoint: httpsOrigin('armEndpoint', 'https://management.usgovcloudapi.net')
      .optional()
      .describe('Azure Resource Manager endpoint (default: the cloud\u2019s)'),
    audience: z
      .url({ protocol: /^https$/ })
      .optional()
      .describe('ARM token audience (default: the cloud\u2019s ARM audience)'),
    graphEndpoint: httpsOrigin('graphEndpoint', 'https://graph.microsoft.us')
      .optional()
      .describe('Microsoft Graph endpoint used to name principals (default: the cloud\u2019s; none for custom clouds unless set)'),
    resolvePrincipalNames: z
      .boolean()
      .default(true)
      .describe('read display names and kinds of principals from Microsoft Graph (needs Directory.Read.All); names feed environment and trust-domain matchers'),
    disableInstanceDiscovery: z
      .boolean()
      .optional()
      .describe('skip Entra instance discovery (default: true when authorityHost is not a public Microsoft authority, as private clouds need)'),
    quotaFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('fraction of the documented Key Vault and ARM request limits the audit may use, leaving the rest to production callers'),
    concurrency: z.number().int().min(1).max(256).default(32).describe('keys read at once per vault'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .default(30_000)
      .describe('give up on a request after this long (a firewall that drops packets): retried, then a collection gap'),
    budgetMs: kitConfigFields({ timeoutMs: 30_000, maxAttempts: 4, retryBaseMs: 1000, quotaFraction: 0.5 }).budgetMs,
    pageSize: z.number().int().min(1).max(25).optional().describe('maxresults of Key Vault list pages (default: the service\u2019s, 25)'),
    retry: AzureRetryConfig.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.cloud === 'custom') {
      for (const k of ['authorityHost', 'armEndpoint', 'audience'] as const) {
        if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `cloud: custom needs ${k} (your private cloud's ${k})` });
      }
    }
  });
export type AzureConfig = z.infer<typeof AzureConfig>;
export type AzureConfigInput = z.input<typeof AzureConfig>;

export interface ResolvedEndpoints {
  authorityHost: string;
  armEndpoint: string;
  /** Scope for ARM tokens, e.g. https://management.azure.com/.default */
  armScope: string;
  /** Microsoft Graph origin, when principal names are resolved. */
  graphEndpoint?: string;
  graphScope?: string;
  disableInstanceDiscovery: boolean;
}

const stripSlash = (s: string) => s.replace(/\/+$/, '');
const PUBLIC_AUTHORITIES = new Set(Object.values(AZURE_CLOUDS).map((c) => c.authorityHost));

export function resolveEndpoints(c: AzureConfig): ResolvedEndpoints {
  const base = c.cloud === 'custom' ? undefined : AZURE_CLOUDS[c.cloud];
  const authorityHost = stripSlash(c.authorityHost ?? base?.authorityHost ?? '');
  const armEndpoint = stripSlash(c.armEndpoint ?? base?.armEndpoint ?? '');
  const audience = stripSlash(c.audience ?? base?.audience ?? armEndpoint);
  const graph = c.resolvePrincipalNames ? (c.graphEndpoint ?? base?.graphEndpoint) : undefined;
  const graphEndpoint = graph ? stripSlash(graph) : undefined;
  return {
    authorityHost,
    armEndpoint,
    armScope: `${audience}/.default`,
    ...(graphEndpoint ? { graphEndpoint, graphScope: `${graphEndpoint}/.default` } : {}),
    disableInstanceDiscovery: c.disableInstanceDiscovery ?? !PUBLIC_AUTHORITIES.has(authorityHost as never),
  };
}
