// The entra provider: identity-plane logging of one Entra ID tenant, read-only. Where sign-in and
// audit logs are exported (tenant diagnostic settings) and for how long (workspace and table
// retention), and what the tenant's licences keep without export (subscribedSkus).
import { createKit } from '../kit/index.ts';
import { type CollectContext, defineProvider, type PermissionsDocument, type ProviderOutput } from '../types.ts';
import { createEntraClients, type EntraClientOverrides } from './client.ts';
import { readDiagnosticSettings } from './diagnostics.ts';
import { readLicences } from './licences.ts';
import { ENTRA_OPERATION_NAMES, ENTRA_OPERATIONS, ENTRA_QUOTAS, entraPermissionOf } from './operations.ts';
import { EntraConfig } from './schema.ts';

export const ENTRA_FILLS = [
  'trails.kind',
  'trails.enabled',
  'trails.destination',
  'trails.retentionDays',
  'trails.identity.records',
  'trails.identity.categories',
  'trails.identity.premium',
  'trails.identity.licence',
  'trails.identity.auditPremium',
] as const;

export function entraPermissions(): PermissionsDocument {
  const arm = ENTRA_OPERATIONS.filter((o) => o.plane === 'arm').map((o) => o.permission);
  const graph = ENTRA_OPERATIONS.filter((o) => o.plane === 'graph').map((o) => o.permission);
  return {
    kind: 'Azure custom role definition and Microsoft Graph application permissions',
    document: {
      role: {
        Name: 'keyhygiene identity logging auditor',
        IsCustom: true,
        Description: 'Read-only: Entra ID diagnostic settings and the retention of the Log Analytics workspaces and tables they export to.',
        Actions: [...new Set(arm)].sort(),
        NotActions: [],
        DataActions: [],
        NotDataActions: [],
        AssignableScopes: ['/providers/microsoft.aadiam', '/subscriptions/00000000-0000-0000-0000-000000000000'],
      },
      microsoftGraph: { applicationPermissions: [...new Set(graph)].sort() },
    },
    notes: [
      'microsoft.aadiam/diagnosticSettings/read applies at the tenant root scope /providers/microsoft.aadiam: assign this role there (a Global Administrator with elevated access can), or use an Entra ID role that reads diagnostic settings such as Security Reader (verify in your tenant).',
      'Replace the subscription in AssignableScopes with the subscriptions that hold the Log Analytics workspaces the logs go to.',
      'Microsoft Graph: grant Organization.Read.All (application, admin consent) for GET /v1.0/subscribedSkus; LicenseAssignment.Read.All is enough as well.',
      `Declared operations: ${ENTRA_OPERATION_NAMES.join(', ')}.`,
    ],
  };
}

export async function collectEntra(
  config: EntraConfig,
  ctx: CollectContext,
  overrides: EntraClientOverrides = {},
): Promise<ProviderOutput & { sent: string[] }> {
  const startedAt = ctx.now().toISOString();
  const tenant = config.tenantId.toLowerCase();
  const kit = createKit({
    provider: 'entra',
    operations: ENTRA_OPERATION_NAMES,
    quotas: ENTRA_QUOTAS,
    quotaFraction: config.quotaFraction,
    retry: { maxAttempts: config.maxAttempts, baseMs: config.retryBaseMs },
    callTimeoutMs: config.timeoutMs,
    budgetMs: config.budgetMs,
    signal: ctx.signal,
    permissionOf: entraPermissionOf,
  });
  const clients = createEntraClients(config, overrides);
  try {
    const [settings, builtIn] = await Promise.all([readDiagnosticSettings(kit, clients, tenant), readLicences(kit, clients, tenant)]);
    ctx.progress?.({ provider: 'entra', phase: 'tenant', done: 1, total: 1 });
    const trails = [...(builtIn ? [builtIn] : []), ...settings].sort((a, b) => (a.id < b.id ? -1 : 1));
    return {
      run: { id: 'entra', identity: `tenant ${tenant}`, fills: [...ENTRA_FILLS], startedAt, finishedAt: ctx.now().toISOString() },
      trails,
      gaps: kit.gaps.list(),
      sent: clients.sent,
    };
  } finally {
    kit.finish();
  }
}

export const entraProvider = defineProvider({
  id: 'entra',
  description: 'Entra ID sign-in and audit log export (tenant diagnostic settings, workspace and table retention) and licences (subscribedSkus), read-only',
  configSchema: EntraConfig,
  operations: ENTRA_OPERATION_NAMES,
  fills: ENTRA_FILLS,
  async collect(config, ctx) {
    const { sent: _sent, ...out } = await collectEntra(EntraConfig.parse(config), ctx);
    return out;
  },
  permissions: entraPermissions,
});

export default entraProvider;
