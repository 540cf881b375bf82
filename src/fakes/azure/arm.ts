// Azure Resource Manager reads the simulator serves: subscriptions, vaults, managed HSMs, role
// assignments and definitions, diagnostic settings and Log Analytics workspaces. One handler per
// declared operation (routes.ts names them); a new ARM read adds a handler to ARM_HANDLERS.
import type http from 'node:http';
import { type FakeContext, findSub, guid, HttpError, pageOf, send, sendError, vaultFromScope } from './context.ts';
import { BUILT_IN_ROLES } from './roles.ts';
import { armOperation } from './routes.ts';
import type { FakeAzureSubscription, FakeAzureVault, FakeDiagnosticSetting, FakeRoleAssignment, RecordedAzureRequest } from './types.ts';

export type ArmHandler = (ctx: FakeContext, path: string, url: URL) => unknown;

function vaultJson(ctx: FakeContext, v: FakeAzureVault, id: string) {
  const pe = Array.from({ length: v.privateEndpoints ?? 0 }, (_, i) => ({
    id: `${id}/privateEndpointConnections/pe${i}`,
    properties: { privateLinkServiceConnectionState: { status: 'Approved' }, provisioningState: 'Succeeded' },
  }));
  const common = {
    tenantId: v.tenantId ?? ctx.world.tenantId,
    enableSoftDelete: v.softDelete ?? true,
    enablePurgeProtection: v.purgeProtection ?? false,
    publicNetworkAccess: v.publicNetworkAccess ?? 'Enabled',
    networkAcls: { defaultAction: v.networkDefaultAction ?? 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
    privateEndpointConnections: pe,
  };
  const head = { id, name: v.name, location: v.location, tags: v.tags ?? {} };
  if (v.kind === 'managed-hsm')
    return {
      ...head,
      type: 'Microsoft.KeyVault/managedHSMs',
      sku: { family: 'B', name: v.sku ?? 'Standard_B1' },
      properties: { ...common, hsmUri: ctx.vaultUrls[v.name], provisioningState: 'Succeeded' },
    };
  const accessPolicies = (v.accessPolicies ?? []).map((p) => ({
    tenantId: p.tenantId ?? v.tenantId ?? ctx.world.tenantId,
    objectId: p.objectId,
    ...(p.applicationId ? { applicationId: p.applicationId } : {}),
    permissions: { keys: p.keys, secrets: [], certificates: [] },
  }));
  return {
    ...head,
    type: 'Microsoft.KeyVault/vaults',
    properties: {
      ...common,
      sku: { family: 'A', name: v.sku ?? 'standard' },
      vaultUri: ctx.vaultUrls[v.name],
      enableRbacAuthorization: v.rbac,
      accessPolicies,
      provisioningState: 'Succeeded',
    },
  };
}

const forbidden = (action: string, scope: string) =>
  new HttpError(403, 'AuthorizationFailed', `The client does not have authorization to perform action '${action}' over scope '${scope}'.`);

const listVaults =
  (kind: 'vault' | 'managed-hsm'): ArmHandler =>
  (ctx, path, url) => {
    const sub = findSub(ctx, path);
    const vaults = sub.vaults.filter((v) => (v.kind ?? 'vault') === kind);
    return pageOf(
      ctx,
      vaults.map((v) => vaultJson(ctx, v, ctx.vaultsByName.get(v.name)?.id as string)),
      url,
    );
  };

const listRoleDefinitions: ArmHandler = (ctx, path, url) => {
  const sub = findSub(ctx, path);
  const defs = [...BUILT_IN_ROLES, ...(sub.roleDefinitions ?? [])];
  const json = defs.map((d) => ({
    id: `/subscriptions/${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${d.name}`,
    name: d.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: d.roleName,
      type: BUILT_IN_ROLES.includes(d) ? 'BuiltInRole' : 'CustomRole',
      permissions: [{ actions: d.actions ?? [], notActions: d.notActions ?? [], dataActions: d.dataActions ?? [], notDataActions: d.notDataActions ?? [] }],
      assignableScopes: ['/'],
    },
  }));
  return pageOf(ctx, json, url);
};

/** Assignments at, above or below a scope (management groups and the root are above every subscription). */
function related(list: readonly FakeRoleAssignment[], scope: string): FakeRoleAssignment[] {
  const s = scope.toLowerCase();
  return list.filter((a) => {
    const as = a.scope.toLowerCase().replace(/\/+$/, '');
    return s === as || s.startsWith(`${as}/`) || as.startsWith(`${s}/`) || as.startsWith('/providers/microsoft.management/managementgroups/');
  });
}

const assignmentName = (a: FakeRoleAssignment) => a.name ?? guid(`${a.scope}|${a.roleDefinition}|${a.principalId}`);

function assignmentProps(sub: FakeAzureSubscription, a: FakeRoleAssignment) {
  return {
    scope: a.scope,
    roleDefinitionId: `/subscriptions/${sub.id}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinition}`,
    principalId: a.principalId,
    principalType: a.principalType,
    ...(a.condition ? { condition: a.condition, conditionVersion: '2.0' } : {}),
  };
}

const listRoleAssignments: ArmHandler = (ctx, path, url) => {
  const scope = path.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/?$/i, '');
  const sub = findSub(ctx, scope);
  if (vaultFromScope(ctx, scope)?.vault.armForbidden?.includes('roleAssignments')) throw forbidden('Microsoft.Authorization/roleAssignments/read', scope);
  const json = related(sub.roleAssignments ?? [], scope).map((a) => {
    const name = assignmentName(a);
    return {
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      name,
      type: 'Microsoft.Authorization/roleAssignments',
      properties: assignmentProps(sub, a),
    };
  });
  return pageOf(ctx, json, url);
};

/** PIM: eligible assignments, as Role Eligibility Schedule Instances - List For Scope returns them. */
const listRoleEligibilities: ArmHandler = (ctx, path, url) => {
  const scope = path.replace(/\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleInstances\/?$/i, '');
  const sub = findSub(ctx, scope);
  if (sub.noPimLicense) throw new HttpError(400, 'AadPremiumLicenseRequired', 'The tenant needs an AAD Premium 2 license.');
  if (vaultFromScope(ctx, scope)?.vault.armForbidden?.includes('roleEligibilities'))
    throw forbidden('Microsoft.Authorization/roleEligibilityScheduleInstances/read', scope);
  const json = related(sub.roleEligibilities ?? [], scope).map((a) => {
    const name = assignmentName(a);
    return {
      id: `${a.scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/${name}`,
      name,
      type: 'Microsoft.Authorization/roleEligibilityScheduleInstances',
      properties: {
        ...assignmentProps(sub, a),
        roleEligibilityScheduleId: `${a.scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/${name}`,
        status: 'Provisioned',
        memberType: 'Direct',
        startDateTime: '2026-01-01T00:00:00Z',
      },
    };
  });
  return pageOf(ctx, json, url);
};

const getWorkspace: ArmHandler = (ctx, path) => {
  const ws = Object.entries(ctx.world.workspaces ?? {}).find(([id]) => id.toLowerCase() === path.toLowerCase().replace(/\/+$/, ''));
  if (!ws) throw new HttpError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
  return { id: ws[0], name: ws[0].split('/').pop(), type: 'Microsoft.OperationalInsights/workspaces', properties: { retentionInDays: ws[1].retentionInDays } };
};

const workspaceOf = (ctx: FakeContext, path: string) => {
  const id = path
    .toLowerCase()
    .replace(/\/tables\/[^/]+\/?$/, '')
    .replace(/\/+$/, '');
  const ws = Object.entries(ctx.world.workspaces ?? {}).find(([k]) => k.toLowerCase() === id);
  if (!ws) throw new HttpError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
  return ws;
};

/** Tables - Get: the table's retention (its own, or the workspace's with retentionInDaysAsDefault). */
const getWorkspaceTable: ArmHandler = (ctx, path) => {
  const [id, ws] = workspaceOf(ctx, path);
  const name = path.split('/').pop() as string;
  const own = Object.entries(ws.tables ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  if (own === 'forbidden') throw forbidden('Microsoft.OperationalInsights/workspaces/tables/read', path);
  if (!own && ws.tablesAbsent) throw new HttpError(404, 'ResourceNotFound', `Table ${name} was not found.`);
  const retentionInDays = own?.retentionInDays ?? ws.retentionInDays;
  const totalRetentionInDays = own?.totalRetentionInDays ?? retentionInDays;
  return {
    id: `${id}/tables/${name}`,
    name,
    type: 'Microsoft.OperationalInsights/workspaces/tables',
    properties: {
      retentionInDays,
      totalRetentionInDays,
      archiveRetentionInDays: totalRetentionInDays - retentionInDays,
      retentionInDaysAsDefault: own?.retentionInDays === undefined,
      totalRetentionInDaysAsDefault: own?.totalRetentionInDays === undefined,
      plan: 'Analytics',
      provisioningState: 'Succeeded',
    },
  };
};

/** Management Policies - Get: the account's lifecycle rules, 404 when it has none or does not exist. */
const getStorageManagementPolicy: ArmHandler = (ctx, path) => {
  const id = path.replace(/\/managementPolicies\/default\/?$/i, '');
  const account = Object.entries(ctx.world.storageAccounts ?? {}).find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1];
  if (!account) throw new HttpError(404, 'ResourceNotFound', `The Resource '${id}' was not found.`);
  if (!account.policy) throw new HttpError(404, 'ManagementPolicyNotFound', `No ManagementPolicy found for account ${id.split('/').pop()}`);
  return { id: path, name: 'DefaultManagementPolicy', type: 'Microsoft.Storage/storageAccounts/managementPolicies', properties: { policy: account.policy } };
};

function diagnosticJson(vaultId: string, d: FakeDiagnosticSetting) {
  return {
    id: `${vaultId}/providers/microsoft.insights/diagnosticSettings/${d.name}`,
    name: d.name,
    type: 'Microsoft.Insights/diagnosticSettings',
    properties: {
      ...(d.workspaceId ? { workspaceId: d.workspaceId } : {}),
      ...(d.logAnalyticsDestinationType ? { logAnalyticsDestinationType: d.logAnalyticsDestinationType } : {}),
      ...(d.storageAccountId ? { storageAccountId: d.storageAccountId } : {}),
      ...(d.eventHubAuthorizationRuleId ? { eventHubAuthorizationRuleId: d.eventHubAuthorizationRuleId } : {}),
      logs: d.logs.map((l) => ({
        ...(l.category ? { category: l.category } : {}),
        ...(l.categoryGroup ? { categoryGroup: l.categoryGroup } : {}),
        enabled: l.enabled,
        retentionPolicy: { enabled: l.retentionEnabled ?? l.retentionDays !== undefined, days: l.retentionDays ?? 0 },
      })),
      metrics: [{ category: 'AllMetrics', enabled: d.metrics ?? false, retentionPolicy: { enabled: false, days: 0 } }],
    },
  };
}

const listDiagnosticSettings: ArmHandler = (ctx, path) => {
  const scope = path.replace(/\/providers\/Microsoft\.Insights\/diagnosticSettings\/?$/i, '');
  findSub(ctx, scope);
  const v = vaultFromScope(ctx, scope);
  if (!v) throw new HttpError(404, 'ResourceNotFound', `The resource '${scope}' was not found.`);
  if (v.vault.armForbidden?.includes('diagnosticSettings')) throw forbidden('Microsoft.Insights/diagnosticSettings/read', scope);
  return { value: (v.vault.diagnosticSettings ?? []).map((d) => diagnosticJson(v.id, d)) };
};

const listSubscriptions: ArmHandler = (ctx, _path, url) =>
  pageOf(
    ctx,
    ctx.world.subscriptions.map((s) => ({
      id: `/subscriptions/${s.id}`,
      subscriptionId: s.id,
      tenantId: ctx.world.tenantId,
      displayName: s.displayName ?? s.id,
      state: 'Enabled',
    })),
    url,
  );

/** Declared ARM operation → its handler. */
export const ARM_HANDLERS: Record<string, ArmHandler> = {
  'arm:ListSubscriptions': listSubscriptions,
  'arm:ListVaults': listVaults('vault'),
  'arm:ListManagedHsms': listVaults('managed-hsm'),
  'arm:ListRoleDefinitions': listRoleDefinitions,
  'arm:ListRoleAssignments': listRoleAssignments,
  'arm:ListRoleEligibilityScheduleInstances': listRoleEligibilities,
  'arm:GetWorkspace': getWorkspace,
  'arm:GetWorkspaceTable': getWorkspaceTable,
  'arm:GetStorageManagementPolicy': getStorageManagementPolicy,
  'arm:ListDiagnosticSettings': listDiagnosticSettings,
};

/** Authorize, throttle and answer one ARM request. */
export async function serveArm(ctx: FakeContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  const op = armOperation(req.method ?? 'GET', path);
  const rec: RecordedAzureRequest = { plane: 'arm', method: req.method ?? 'GET', path, operation: op, status: 200 };
  ctx.requests.push(rec);
  await ctx.delay();
  try {
    if (!ctx.tokenValid(req.headers.authorization)) {
      ctx.stats.unauthorized++;
      throw new HttpError(401, 'InvalidAuthenticationToken', 'The access token is missing, invalid or expired.', {
        'www-authenticate': `Bearer authorization_uri="${ctx.base.url}/${ctx.world.tenantId}", error="invalid_token"`,
      });
    }
    const handler = op ? ARM_HANDLERS[op] : undefined;
    if (!op || !handler) throw new HttpError(405, 'MethodNotAllowed', `The fake refuses ${req.method} ${path}: not a declared read operation.`);
    ctx.maybeThrottle(op);
    const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? '(tenant)';
    if (ctx.options.enforceLimits && !ctx.bucket(`arm:${sub}`, 25, 250).take(1)) {
      ctx.stats.throttled++;
      throw new HttpError(429, 'TooManyRequests', 'ARM read limit exceeded.', { 'retry-after': ctx.retryAfter });
    }
    ctx.stats.armServed[sub] = (ctx.stats.armServed[sub] ?? 0) + 1;
    send(res, 200, handler(ctx, path, url));
  } catch (err) {
    sendError(res, rec, err);
  }
}
