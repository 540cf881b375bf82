// The only file of the entra provider that imports an Azure SDK. ARM (the tenant's
// microsoft.aadiam diagnostic settings) and Microsoft Graph (subscribedSkus) go through
// @azure/core-rest-pipeline pipelines with the credential's bearer token, as the azure provider calls
// Graph; Log Analytics workspaces and tables through @azure/arm-operationalinsights. Every client
// carries one policy that refuses any request that is not a declared read operation on a known host.
// The SDKs' own retries are off: the provider kit retries, paces and times out every call.
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type Pipeline,
  type PipelinePolicy,
  RestError,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ReadOnlyViolation } from '../kit/failure.ts';
import type { RawSku, RawTable, RawTenantSetting, RawWorkspace } from './normalize.ts';
import { classifyEntraRequest, type EntraPlane } from './operations.ts';
import { type EntraConfig, type EntraEndpoints, entraEndpoints } from './schema.ts';

export type { TokenCredential };

export interface EntraClientOverrides {
  /** A credential instead of DefaultAzureCredential (tests, the demo). */
  credential?: TokenCredential;
}

export interface EntraClients {
  endpoints: EntraEndpoints;
  /** Operations sent, in order (after the allowlist check). */
  sent: string[];
  listTenantDiagnosticSettings(signal: AbortSignal): Promise<RawTenantSetting[]>;
  getWorkspace(workspaceId: string, signal: AbortSignal): Promise<RawWorkspace>;
  getTable(workspaceId: string, table: string, signal: AbortSignal): Promise<RawTable>;
  listSubscribedSkus(signal: AbortSignal): Promise<RawSku[]>;
}

/** microsoft.aadiam diagnostic settings are served at this API version (the only one published). */
export const AADIAM_API_VERSION = '2017-04-01';

const hostOf = (u: string) => new URL(u).host.toLowerCase();

/** /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name> */
export function parseWorkspaceId(id: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const m = /^\/?subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)\/?$/i.exec(id);
  return m ? { subscriptionId: m[1] as string, resourceGroup: m[2] as string, name: m[3] as string } : undefined;
}

function readOnlyGuard(endpoints: EntraEndpoints, timeoutMs: number, sent: string[]): PipelinePolicy {
  // ARM and Graph may share a host in a private cloud (or a loopback fake): try each plane of the host.
  const planesOf = (host: string): EntraPlane[] =>
    (
      [
        ['arm', hostOf(endpoints.armEndpoint)],
        ['graph', hostOf(endpoints.graphEndpoint)],
      ] as const
    )
      .filter(([, h]) => h === host)
      .map(([p]) => p);
  return {
    name: 'keyhygieneEntraReadOnly',
    async sendRequest(request, next) {
      const url = new URL(request.url);
      const op = planesOf(url.host.toLowerCase())
        .map((plane) => classifyEntraRequest(request.method, url.pathname, plane))
        .find((o) => o !== undefined);
      if (!op) throw new ReadOnlyViolation('entra', `${request.method} ${url.origin}${url.pathname}`);
      if (!request.timeout) request.timeout = timeoutMs;
      sent.push(op);
      return next(request);
    },
  };
}

async function getJson(pipeline: Pipeline, url: string, signal: AbortSignal): Promise<unknown> {
  const res = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
  let body: unknown;
  try {
    body = JSON.parse(res.bodyAsText || '{}');
  } catch {
    throw new RestError(`the answer of GET ${url} is not JSON`, { statusCode: res.status, code: 'InvalidResponse' });
  }
  if (res.status !== 200) {
    const err = (body as { error?: { code?: string; message?: string } }).error;
    throw new RestError(err?.message ?? `GET ${url} answered ${res.status}`, { statusCode: res.status, code: err?.code, response: res });
  }
  return body;
}

function bearerPipeline(credential: TokenCredential, scope: string, guard: PipelinePolicy): Pipeline {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
  pipeline.addPolicy(guard);
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }), { phase: 'Sign' });
  return pipeline;
}

/** Every client the provider uses, sharing one credential and one allowlist. */
export function createEntraClients(config: EntraConfig, overrides: EntraClientOverrides = {}): EntraClients {
  const endpoints = entraEndpoints(config);
  const credential =
    overrides.credential ??
    new DefaultAzureCredential({
      authorityHost: endpoints.authorityHost,
      tenantId: config.tenantId,
      disableInstanceDiscovery: config.cloud === 'custom',
    });
  const sent: string[] = [];
  const guard = readOnlyGuard(endpoints, config.timeoutMs, sent);
  const arm = bearerPipeline(credential, endpoints.armScope, guard);
  const graph = bearerPipeline(credential, endpoints.graphScope, guard);
  const insights = new Map<string, OperationalInsightsManagementClient>();
  const insightsFor = (subscriptionId: string) => {
    let c = insights.get(subscriptionId);
    if (!c) {
      c = new OperationalInsightsManagementClient(credential, subscriptionId, {
        endpoint: endpoints.armEndpoint,
        credentialScopes: [endpoints.armScope],
        additionalPolicies: [{ policy: guard, position: 'perCall' }],
        retryOptions: { maxRetries: 0 },
      });
      insights.set(subscriptionId, c);
    }
    return c;
  };
  const workspace = (id: string) => {
    const w = parseWorkspaceId(id);
    if (!w) throw new RestError(`${id} is not a Log Analytics workspace resource id`, { statusCode: 400, code: 'InvalidResourceId' });
    return w;
  };

  return {
    endpoints,
    sent,
    async listTenantDiagnosticSettings(signal) {
      const url = `${endpoints.armEndpoint}/providers/microsoft.aadiam/diagnosticSettings?api-version=${AADIAM_API_VERSION}`;
      const body = (await getJson(arm, url, signal)) as { value?: RawTenantSetting[] };
      return Array.isArray(body.value) ? body.value : [];
    },
    async getWorkspace(id, signal) {
      const w = workspace(id);
      const ws = await insightsFor(w.subscriptionId).workspaces.get(w.resourceGroup, w.name, { abortSignal: signal });
      return { id: ws.id ?? id, retentionInDays: ws.retentionInDays };
    },
    async getTable(id, table, signal) {
      const w = workspace(id);
      const t = await insightsFor(w.subscriptionId).tables.get(w.resourceGroup, w.name, table, { abortSignal: signal });
      return { name: t.name ?? table, retentionInDays: t.retentionInDays, totalRetentionInDays: t.totalRetentionInDays };
    },
    async listSubscribedSkus(signal) {
      const out: RawSku[] = [];
      let url: string | undefined = `${endpoints.graphEndpoint}/v1.0/subscribedSkus`;
      const seen = new Set<string>();
      while (url && !seen.has(url)) {
        seen.add(url);
        const body = (await getJson(graph, url, signal)) as { value?: RawSku[]; '@odata.nextLink'?: string };
        out.push(...(Array.isArray(body.value) ? body.value : []));
        url = body['@odata.nextLink'];
      }
      return out;
    },
  };
}
