import { z } from 'zod';
import { AZURE_CLOUDS } from '../azure/schema.ts';
import { kitConfigFields } from '../kit/config.ts';
import { httpsOrigin } from '../url-schema.ts';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The `providers.entra` block of a policy: one Entra ID tenant's log export and licences. */
export const EntraConfig = z
  .strictObject({
    tenantId: z.string().regex(GUID, 'a tenant id is a GUID, e.g. 00000000-0000-0000-0000-000000000000').describe('the Entra ID tenant to audit'),
    cloud: z
      .enum(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'custom'])
      .default('AzureCloud')
      .describe('sovereign cloud; `custom` needs authorityHost, armEndpoint, audience and graphEndpoint'),
    authorityHost: httpsOrigin('authorityHost', 'https://login.microsoftonline.us').optional().describe('Entra authority host (default: the cloud\u2019s)'),
    armEndpoint: httpsOrigin('armEndpoint', 'https://management.usgovcloudapi.net').optional().describe('Azure Resource Manager endpoint'),
    audience: z
      .url({ protocol: /^https$/ })
      .optional()
      .describe('ARM token audience (default: the cloud\u2019s)'),
    graphEndpoint: httpsOrigin('graphEndpoint', 'https://graph.microsoft.us').optional().describe('Microsoft Graph endpoint (default: the cloud\u2019s)'),
    ...kitConfigFields({ timeoutMs: 30_000, budgetMs: 300_000, maxAttempts: 4, retryBaseMs: 500, quotaFraction: 0.5 }),
  })
  .superRefine((c, ctx) => {
    if (c.cloud !== 'custom') return;
    for (const k of ['authorityHost', 'armEndpoint', 'audience', 'graphEndpoint'] as const)
      if (!c[k]) ctx.addIssue({ code: 'custom', path: [k], message: `cloud: custom needs ${k} (your private cloud's ${k})` });
  });
export type EntraConfig = z.infer<typeof EntraConfig>;
export type EntraConfigInput = z.input<typeof EntraConfig>;

export interface EntraEndpoints {
  authorityHost: string;
  armEndpoint: string;
  armScope: string;
  graphEndpoint: string;
  graphScope: string;
}

const strip = (s: string) => s.replace(/\/+$/, '');

export function entraEndpoints(c: EntraConfig): EntraEndpoints {
  const base = c.cloud === 'custom' ? undefined : AZURE_CLOUDS[c.cloud];
  const armEndpoint = strip(c.armEndpoint ?? base?.armEndpoint ?? '');
  const graphEndpoint = strip(c.graphEndpoint ?? base?.graphEndpoint ?? '');
  return {
    authorityHost: strip(c.authorityHost ?? base?.authorityHost ?? ''),
    armEndpoint,
    armScope: `${strip(c.audience ?? base?.audience ?? armEndpoint)}/.default`,
    graphEndpoint,
    graphScope: `${graphEndpoint}/.default`,
  };
}
