// How long the records a Key Vault diagnostic setting sends are kept, from what the destination says.
// Pure: the reads (workspace, workspace table, storage lifecycle policy) happen in reads/.

/** What Log Analytics `Tables - Get` returns for the table Key Vault audit events land in. */
export interface RawTableRetention {
  /** interactive (analytics) retention, 4–730 days */
  retentionInDays?: number;
  /** interactive plus long-term retention, 4–4383 days; records stay searchable (search jobs, restore) */
  totalRetentionInDays?: number;
}

/**
 * The Log Analytics table a Key Vault or Managed HSM diagnostic setting writes `AuditEvent` to:
 * `AzureDiagnostics` by default, the resource-specific `AZKVAuditLogs` when the setting's
 * `logAnalyticsDestinationType` is `Dedicated` (Azure Monitor supported-logs reference for
 * Microsoft.KeyVault/vaults and managedHSMs; table reference AZKVAuditLogs).
 */
export const auditTableOf = (destinationType: string | undefined): string =>
  (destinationType ?? '').toLowerCase() === 'dedicated' ? 'AZKVAuditLogs' : 'AzureDiagnostics';

/**
 * Days a Log Analytics destination keeps Key Vault audit records: the table's total retention
 * (interactive plus long-term), else its interactive retention, else (no such table yet, or no value)
 * the workspace default. A table's retention overrides the workspace's, shorter or longer.
 */
export function logAnalyticsRetentionDays(workspaceDays: number | undefined, table: RawTableRetention | undefined): number | undefined {
  const pos = (n: number | undefined) => (typeof n === 'number' && n > 0 ? n : undefined);
  return pos(table?.totalRetentionInDays) ?? pos(table?.retentionInDays) ?? workspaceDays;
}

/** One rule of a storage account's lifecycle management policy (`managementPolicies/default`), as ARM returns it. */
export interface RawLifecycleRule {
  name?: string;
  enabled?: boolean;
  type?: string;
  definition?: {
    filters?: { blobTypes?: string[]; prefixMatch?: string[]; blobIndexMatch?: unknown[] };
    actions?: { baseBlob?: { delete?: Record<string, number | undefined> } };
  };
}

/** The container diagnostic settings write a resource's `AuditEvent` category to (append blobs). */
const AUDIT_CONTAINER = 'insights-logs-auditevent';

/**
 * The blob name prefix under which a resource's audit records are written:
 * `insights-logs-auditevent/resourceId=/SUBSCRIPTIONS/…/VAULTS/NAME/y=…/m=…/d=…/h=…/m=00/PT1H.json`
 * (Azure Monitor, "Send to Azure Storage": the resource id in upper case).
 */
export const auditBlobPrefix = (resourceId: string): string => `${AUDIT_CONTAINER}/resourceId=${resourceId.toUpperCase()}/`;

/** Does a rule's filter reach some of the resource's audit blobs? */
function ruleReaches(rule: RawLifecycleRule, blobPrefix: string): boolean {
  const f = rule.definition?.filters;
  const types = (f?.blobTypes ?? []).map((t) => t.toLowerCase());
  if (!types.includes('appendblob')) return false;
  const prefixes = f?.prefixMatch ?? [];
  // No prefix reaches every container; a prefix reaches the records when one is a prefix of the other
  // (a longer prefix, a single year or a single vault's folder, still deletes some of them). Blob index
  // tags are not read: a rule filtering on them is taken to reach the records (it may, once tagged).
  return prefixes.length === 0 || prefixes.some((p) => blobPrefix.startsWith(p) || p.startsWith(blobPrefix));
}

/**
 * Days a storage account keeps a resource's diagnostic audit records, from its lifecycle management
 * policy: the shortest base-blob delete age of an enabled rule that reaches them (`daysAfterCreation`,
 * `daysAfterModification`, `daysAfterLastAccessTime` … `GreaterThan`). `null` when no rule deletes
 * them (kept until someone deletes them). The diagnostic setting's own `retentionPolicy` is not used:
 * Azure Monitor retired it on 30 September 2025 and no longer applies it.
 */
export function storageRetentionDays(rules: readonly RawLifecycleRule[] | null, resourceId: string): number | null {
  const prefix = auditBlobPrefix(resourceId);
  let best: number | null = null;
  for (const rule of rules ?? []) {
    if (rule.enabled === false || (rule.type ?? 'Lifecycle') !== 'Lifecycle' || !ruleReaches(rule, prefix)) continue;
    const del = rule.definition?.actions?.baseBlob?.delete ?? {};
    for (const v of Object.values(del)) if (typeof v === 'number' && v >= 0 && (best === null || v < best)) best = v;
  }
  return best;
}
