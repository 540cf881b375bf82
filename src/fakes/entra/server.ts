// A loopback simulator of the Azure Resource Manager and Microsoft Graph reads of the entra provider,
// over HTTPS with a throwaway certificate: the tenant's microsoft.aadiam diagnostic settings, Log
// Analytics workspaces and tables, and Graph subscribedSkus (with @odata.nextLink paging). It records
// every request and can inject failures per operation (403, 404, 429 with Retry-After, 500).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Route, routeTable } from '../routes.ts';
import type { ThrowawayCert } from '../throwaway-cert.ts';

/** A tenant-level diagnostic setting (Resource Manager, microsoft.aadiam/diagnosticSettings, 2017-04-01-preview). */
export interface FakeTenantSetting {
  id?: string;
  name?: string;
  properties?: {
    workspaceId?: string | null;
    storageAccountId?: string | null;
    eventHubAuthorizationRuleId?: string | null;
    eventHubName?: string | null;
    logs?: { category?: string; enabled?: boolean; retentionPolicy?: { enabled?: boolean; days?: number } | null }[] | null;
  };
}

/** A Microsoft Graph subscribedSku resource (v1.0). */
export interface FakeSku {
  skuPartNumber?: string;
  capabilityStatus?: string;
  prepaidUnits?: { enabled?: number };
  servicePlans?: { servicePlanName?: string; provisioningStatus?: string; appliesTo?: string }[];
}

const WORKSPACE = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}';
/** The documented REST operations this simulator serves (Resource Manager and Graph v1.0). */
const operationOf = routeTable([
  { name: 'arm:ListTenantDiagnosticSettings', method: 'GET', template: '/providers/microsoft.aadiam/diagnosticSettings' },
  { name: 'arm:GetWorkspace', method: 'GET', template: WORKSPACE },
  { name: 'arm:GetWorkspaceTable', method: 'GET', template: `${WORKSPACE}/tables/{tableName}` },
  { name: 'graph:ListSubscribedSkus', method: 'GET', template: '/v1.0/subscribedSkus' },
] satisfies Route[]);

export interface FakeEntraWorld {
  settings: FakeTenantSetting[];
  /** lower-cased workspace resource id → retention and tables (absent table = 404) */
  workspaces: Record<string, { retentionInDays: number; tables?: Record<string, { retentionInDays?: number; totalRetentionInDays?: number }> }>;
  skus: FakeSku[];
}

export interface FakeFault {
  status: number;
  code: string;
  /** Answer with the fault this many times, then normally (default: always). */
  times?: number;
  retryAfterSeconds?: number;
}

export interface EntraFake {
  url: string;
  requests: { method: string; path: string; op?: string }[];
  close(): Promise<void>;
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

function answer(world: FakeEntraWorld, op: string, path: string, base: string, query: URLSearchParams): { status: number; body: unknown } {
  if (op === 'arm:ListTenantDiagnosticSettings') return { status: 200, body: { value: world.settings } };
  const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+)(?:\/tables\/([^/]+))?\/?$/i.exec(
    path,
  );
  const ws = m ? world.workspaces[(m[1] as string).toLowerCase()] : undefined;
  if (op === 'arm:GetWorkspace') {
    if (!ws) return { status: 404, body: { error: { code: 'ResourceNotFound', message: 'The workspace was not found.' } } };
    return { status: 200, body: { id: m?.[1], name: m?.[1]?.split('/').pop(), properties: { retentionInDays: ws.retentionInDays } } };
  }
  if (op === 'arm:GetWorkspaceTable') {
    const t = ws?.tables?.[m?.[2] ?? ''];
    if (!t) return { status: 404, body: { error: { code: 'ResourceNotFound', message: 'The table was not found.' } } };
    return { status: 200, body: { id: path, name: m?.[2], properties: t } };
  }
  // graph:ListSubscribedSkus, one SKU per page so paging is exercised.
  const skip = Number(query.get('$skiptoken') ?? '0');
  const page = world.skus.slice(skip, skip + 1);
  const next = skip + 1 < world.skus.length ? `${base}/v1.0/subscribedSkus?$skiptoken=${skip + 1}` : undefined;
  return { status: 200, body: { value: page, ...(next ? { '@odata.nextLink': next } : {}) } };
}

export async function startEntraFake(world: FakeEntraWorld, cert: ThrowawayCert, faults: Record<string, FakeFault> = {}): Promise<EntraFake> {
  const requests: EntraFake['requests'] = [];
  const used: Record<string, number> = {};
  let base = '';
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const op = operationOf(req.method ?? 'GET', url.pathname);
    requests.push({ method: req.method ?? '', path: url.pathname, ...(op ? { op } : {}) });
    if (!op) return json(res, 405, { error: { code: 'NotDeclared', message: `${req.method} ${url.pathname}` } });
    if (!req.headers.authorization?.startsWith('Bearer ')) return json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'no bearer token' } });
    const fault = faults[op];
    if (fault && (fault.times === undefined || (used[op] ?? 0) < fault.times)) {
      used[op] = (used[op] ?? 0) + 1;
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      return json(res, fault.status, { error: { code: fault.code, message: `injected ${fault.status} ${fault.code}` } }, headers);
    }
    const { status, body } = answer(world, op, url.pathname, base, url.searchParams);
    json(res, status, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
