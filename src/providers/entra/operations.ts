// The read operations the entra provider may send, as request patterns. No SDK import: the client's
// allowlist policy, the permissions document, the loopback fakes and the tests share this table.

export type EntraPlane = 'arm' | 'graph';

export interface EntraOperation {
  name: string;
  plane: EntraPlane;
  path: RegExp;
  /** ARM Action, or Microsoft Graph application permission. */
  permission: string;
}

const SEG = '[^/]+';
const WORKSPACE = `/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.OperationalInsights/workspaces/${SEG}`;

/** Every request the provider may send. GET only; anything else is refused before it leaves. */
export const ENTRA_OPERATIONS: readonly EntraOperation[] = [
  {
    name: 'arm:ListTenantDiagnosticSettings',
    plane: 'arm',
    path: /^\/providers\/microsoft\.aadiam\/diagnosticSettings\/?$/i,
    permission: 'microsoft.aadiam/diagnosticSettings/read',
  },
  { name: 'arm:GetWorkspace', plane: 'arm', path: new RegExp(`^${WORKSPACE}/?$`, 'i'), permission: 'Microsoft.OperationalInsights/workspaces/read' },
  {
    name: 'arm:GetWorkspaceTable',
    plane: 'arm',
    path: new RegExp(`^${WORKSPACE}/tables/${SEG}/?$`, 'i'),
    permission: 'Microsoft.OperationalInsights/workspaces/tables/read',
  },
  { name: 'graph:ListSubscribedSkus', plane: 'graph', path: /^\/v1\.0\/subscribedSkus\/?$/i, permission: 'Organization.Read.All' },
];
export const ENTRA_OPERATION_NAMES = ENTRA_OPERATIONS.map((o) => o.name);

/** Which declared operation a request is, or undefined (then it must not be sent). */
export function classifyEntraRequest(method: string, path: string, plane: EntraPlane): string | undefined {
  if (method.toUpperCase() !== 'GET') return undefined;
  const p = `/${path.replace(/^\/+/, '')}`;
  return ENTRA_OPERATIONS.find((o) => o.plane === plane && o.path.test(p))?.name;
}

export const entraPermissionOf = (op: string): string | undefined => ENTRA_OPERATIONS.find((o) => o.name === op)?.permission;

/** Published request limits, per second (ARM reads: 20/s per principal and tenant in the token-bucket model; Graph: a conservative share of the identity and access service limit). */
export const ENTRA_QUOTAS = {
  rates: { arm: 20, graph: 5 },
  groups: {
    'arm:ListTenantDiagnosticSettings': 'arm',
    'arm:GetWorkspace': 'arm',
    'arm:GetWorkspaceTable': 'arm',
    'graph:ListSubscribedSkus': 'graph',
  },
} as const;
