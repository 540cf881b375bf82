// Pure mapping of the tenant's diagnostic settings, workspace and table retention and subscribed SKUs
// to identity-plane AuditTrails. No I/O.
import type { AuditTrail } from '../../model/audit-trail.ts';
import { IDENTITY_CATEGORIES, RETENTION_FACTS, SIGN_IN_CATEGORIES } from '../../model/identity-retention.ts';

/** One microsoft.aadiam diagnostic setting as ARM returns it (api-version 2017-04-01). */
export interface RawTenantSetting {
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

export interface RawWorkspace {
  id: string;
  retentionInDays?: number;
}

export interface RawTable {
  name: string;
  retentionInDays?: number;
  totalRetentionInDays?: number;
}

/** One subscribedSku as Graph returns it (only the members read). */
export interface RawSku {
  skuPartNumber?: string;
  capabilityStatus?: string;
  prepaidUnits?: { enabled?: number };
  servicePlans?: { servicePlanName?: string; provisioningStatus?: string; appliesTo?: string }[];
}

/** Categories a setting sends (enabled ones only), in a stable order. */
export function enabledCategories(s: RawTenantSetting): string[] {
  const on = new Set((s.properties?.logs ?? []).filter((l) => l.enabled === true && l.category).map((l) => l.category as string));
  return Object.keys(IDENTITY_CATEGORIES).filter((c) => on.has(c));
}

export const signInCategoriesOf = (categories: readonly string[]): string[] => categories.filter((c) => c in SIGN_IN_CATEGORIES);

/** Retention of one destination table: its total retention, else its own, else the workspace default. */
export function tableRetention(table: RawTable | undefined, workspace: RawWorkspace | undefined): number | undefined {
  return table?.totalRetentionInDays ?? table?.retentionInDays ?? workspace?.retentionInDays;
}

type Destination = 'log-analytics' | 'storage' | 'event-hub';

/** One trail per destination of a tenant diagnostic setting; `retention` maps a destination to days. */
export function settingTrails(tenantId: string, s: RawTenantSetting, retention: (d: Destination) => number | undefined): AuditTrail[] {
  const categories = enabledCategories(s);
  const signIns = signInCategoriesOf(categories);
  const p = s.properties ?? {};
  const destinations: [Destination, string | null | undefined][] = [
    ['log-analytics', p.workspaceId],
    ['storage', p.storageAccountId],
    ['event-hub', p.eventHubAuthorizationRuleId ? `${p.eventHubAuthorizationRuleId}${p.eventHubName ? `/${p.eventHubName}` : ''}` : undefined],
  ];
  const name = s.name ?? 'unnamed';
  const baseId = s.id ?? `/providers/microsoft.aadiam/diagnosticSettings/${name}`;
  return destinations
    .filter(([, id]) => !!id)
    .map(([kind, id]) => {
      const records: ('token-issuance' | 'directory-audit')[] = [];
      if (signIns.length) records.push('token-issuance');
      if (categories.includes('AuditLogs')) records.push('directory-audit');
      const trail: AuditTrail = {
        id: `${baseId}#${kind}`,
        provider: 'entra',
        kind: 'entra-diagnostic-setting',
        name: `entra/${name} → ${kind}`,
        scope: { provider: 'entra', accounts: [tenantId] },
        enabled: categories.length > 0,
        capturesAdminEvents: categories.includes('AuditLogs'),
        capturesDataPlane: signIns.length > 0,
        destination: { kind, id: id as string },
        identity: { tenantId, records, categories, premium: true },
      };
      const days = retention(kind);
      if (days !== undefined) trail.retentionDays = days;
      return trail;
    });
}

/** Active service plans of the tenant's enabled SKUs. */
export function activePlans(skus: readonly RawSku[]): Set<string> {
  const plans = new Set<string>();
  for (const sku of skus) {
    if ((sku.capabilityStatus ?? 'Enabled') !== 'Enabled' || (sku.prepaidUnits?.enabled ?? 1) <= 0) continue;
    for (const p of sku.servicePlans ?? []) {
      const status = (p.provisioningStatus ?? 'Success').toLowerCase();
      if (p.servicePlanName && (status === 'success' || status === 'pendingactivation')) plans.add(p.servicePlanName);
    }
  }
  return plans;
}

/** The built-in sign-in and audit logs of the tenant: how long Entra keeps them without export, by licence. */
export function builtInTrail(tenantId: string, skus: readonly RawSku[]): AuditTrail {
  const plans = activePlans(skus);
  const premium = RETENTION_FACTS.entraPremium.servicePlans.some((p) => plans.has(p));
  const fact = premium ? RETENTION_FACTS.entraPremium : RETENTION_FACTS.entraFree;
  const auditPremium = RETENTION_FACTS.auditPremium.servicePlans.some((p) => plans.has(p));
  return {
    id: `entra:${tenantId}:sign-in-logs`,
    provider: 'entra',
    kind: 'entra-sign-in-logs',
    name: `Entra ID sign-in logs of ${tenantId} (built in, no export)`,
    scope: { provider: 'entra', accounts: [tenantId] },
    enabled: true,
    capturesAdminEvents: true,
    capturesDataPlane: true,
    destination: { kind: 'other', id: 'entra-built-in' },
    retentionDays: fact.days,
    identity: {
      tenantId,
      records: ['token-issuance', 'directory-audit'],
      categories: Object.keys(IDENTITY_CATEGORIES),
      premium,
      licence: fact.licence,
      auditPremium,
    },
  };
}
