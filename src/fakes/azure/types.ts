// The shapes of the Azure simulator's world, options, statistics and recorded requests.
import type { ThrowawayCert } from '../throwaway-cert.ts';

export interface FakeAzureKey {
  name: string;
  /** RSA, RSA-HSM, EC, EC-HSM, oct-HSM */
  kty: string;
  keyOps: string[];
  /** base64 DER SubjectPublicKeyInfo of the public half (served as JWK members) */
  publicKey?: string;
  /** RSA modulus size when no publicKey is given (for the limit weight) */
  keySize?: number;
  enabled?: boolean;
  /** creation of the current version */
  created: string;
  /** creation of the older versions */
  olderVersions?: string[];
  expires?: string | null;
  notBefore?: string;
  exportable?: boolean;
  /** Secure Key Release policy: a JSON document, or raw text served as is (to serve a broken one) */
  releasePolicy?: { document?: unknown; raw?: string; immutable?: boolean };
  /**
   * Managed HSM key attestation: the HSM's attribute flags (CKA_LOCAL, CKA_NEVER_EXTRACTABLE) in a
   * Marvell-format blob; 'unsupported' answers 400 as a service without attestation does. Default
   * for a Managed HSM key: generated in the HSM.
   */
  attestation?: { local: boolean; neverExtractable: boolean } | 'unsupported';
  managed?: boolean;
  tags?: Record<string, string>;
  rotationPolicy?: {
    lifetimeActions: { action: 'Rotate' | 'Notify'; timeAfterCreate?: string; timeBeforeExpiry?: string }[];
    expiryTime?: string;
  } | null;
}

export interface FakeDiagnosticSetting {
  name: string;
  logs: { category?: string; categoryGroup?: string; enabled: boolean; retentionDays?: number; retentionEnabled?: boolean }[];
  metrics?: boolean;
  workspaceId?: string;
  /** 'Dedicated': resource-specific tables (AZKVAuditLogs); absent: AzureDiagnostics */
  logAnalyticsDestinationType?: 'Dedicated';
  storageAccountId?: string;
  eventHubAuthorizationRuleId?: string;
}

export interface FakeAzureVault {
  name: string;
  kind?: 'vault' | 'managed-hsm';
  resourceGroup: string;
  location: string;
  /** the vault's public URI, which key ids (kid) carry; default https://<name>.vault.azure.net */
  publicUri?: string;
  sku?: string;
  /** Entra tenant of the vault; default the world's */
  tenantId?: string;
  rbac: boolean;
  accessPolicies?: { objectId: string; tenantId?: string; applicationId?: string; keys: string[] }[];
  softDelete?: boolean;
  purgeProtection?: boolean;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  networkDefaultAction?: 'Allow' | 'Deny';
  privateEndpoints?: number;
  tags?: Record<string, string>;
  keys: FakeAzureKey[];
  /** soft-deleted keys (Get Deleted Keys, Get Deleted Key): recoverable until their scheduled purge date */
  deletedKeys?: (FakeAzureKey & { deletedDate: string; scheduledPurgeDate: string })[];
  diagnosticSettings?: FakeDiagnosticSetting[];
  /** forbidden: every data-plane request answers 403; unreachable: nothing listens on its port; silent: connections are accepted and never answered */
  dataPlane?: 'ok' | 'forbidden' | 'unreachable' | 'silent';
  /** Managed HSM local RBAC: role assignments at scope '/', '/keys' or '/keys/<name>' (built-in role ids or localRoleDefinitions) */
  localRoleAssignments?: { scope: string; roleDefinition: string; principalId: string; name?: string }[];
  /** Managed HSM local RBAC custom role definitions */
  localRoleDefinitions?: FakeRoleDefinition[];
  /** Managed HSM local RBAC reads answer 403 (the audit identity holds no local role) */
  localRbacForbidden?: boolean;
  /** ARM reads that answer 403 for this vault */
  armForbidden?: ('roleAssignments' | 'roleEligibilities' | 'diagnosticSettings')[];
}

export interface FakeRoleDefinition {
  /** GUID */
  name: string;
  roleName: string;
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface FakeRoleAssignment {
  /** GUID; default derived from the other fields */
  name?: string;
  /** full ARM scope: /subscriptions/…, …/resourceGroups/rg, …/vaults/v or …/vaults/v/keys/k */
  scope: string;
  /** GUID of a role definition */
  roleDefinition: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  condition?: string;
}

export interface FakeAzureSubscription {
  id: string;
  displayName?: string;
  vaults: FakeAzureVault[];
  roleDefinitions?: FakeRoleDefinition[];
  roleAssignments?: FakeRoleAssignment[];
  /** PIM-eligible role assignments (Role Eligibility Schedule Instances) */
  roleEligibilities?: FakeRoleAssignment[];
  /** the tenant has no Microsoft Entra ID P2: eligibility reads answer 400 AadPremiumLicenseRequired */
  noPimLicense?: boolean;
}

export interface FakeAzureWorld {
  tenantId: string;
  subscriptions: FakeAzureSubscription[];
  /**
   * Log Analytics workspaces by ARM id: their default retention, and tables whose retention is set
   * (Tables - Get answers them; a table not listed answers with the workspace default, unless
   * `tablesAbsent`: then 404 as a table not created yet). 'forbidden' tables answer 403.
   */
  workspaces?: Record<
    string,
    {
      retentionInDays: number;
      tables?: Record<string, { retentionInDays?: number; totalRetentionInDays?: number } | 'forbidden'>;
      tablesAbsent?: boolean;
    }
  >;
  /**
   * Storage accounts by ARM id: the rules of their lifecycle management policy (Management Policies -
   * Get; `policy: null` answers 404 as an account without one). An id not listed is an account that
   * does not exist (404 ResourceNotFound).
   */
  storageAccounts?: Record<string, { policy: { rules: unknown[] } | null }>;
  /** Microsoft Graph directory objects by object id */
  principals?: Record<string, FakePrincipal>;
}

export interface FakeAzureOptions {
  /** added to every ARM and data-plane response */
  latencyMs?: number;
  /** Key Vault list page size (maxresults caps it too); default 25 */
  pageSize?: number;
  /** ARM list page size; default 100 */
  armPageSize?: number;
  /** enforce the documented per-vault and per-subscription Key Vault limits and the ARM read bucket (429 + Retry-After) */
  enforceLimits?: boolean;
  /** Retry-After seconds on a 429; default 1 */
  retryAfterSeconds?: number;
  /** probability that a data-plane request fails with a transient 500/503 (seeded, deterministic) */
  faultRate?: number;
  /** answer the first N requests of these operations with 429 (Retry-After: retryAfterSeconds) */
  throttleFirst?: Record<string, number>;
  /** access-token lifetime in seconds; tokens past it are rejected with 401. Default 3599 */
  tokenLifetimeSeconds?: number;
  /** the token endpoint answers every request with this status (e.g. 503: an identity service down for good) */
  tokenStatus?: number;
  /** only this client secret is accepted by the token endpoint; default any */
  clientSecret?: string;
  /** Microsoft Graph answers 403 to every lookup */
  graphForbidden?: boolean;
  /** federated identity credential lists (Graph and ARM) answer 403 */
  federationForbidden?: boolean;
  /** Graph group member lists (transitiveMembers) answer 403 */
  groupMembersForbidden?: boolean;
  /** Graph list page size (transitiveMembers); default 100 */
  graphPageSize?: number;
  /** the challenge's resource (default https://vault.azure.net) */
  vaultResource?: string;
  cert?: ThrowawayCert;
}

export interface FakeAzureStats {
  requests: number;
  throttled: number;
  faults: number;
  tokensIssued: number;
  unauthorized: number;
  /** weighted Key Vault transactions served per vault name */
  vaultCost: Record<string, number>;
  /** weighted Key Vault transactions served per subscription */
  subscriptionCost: Record<string, number>;
  /** ARM requests served per subscription */
  armServed: Record<string, number>;
}

export interface RecordedAzureRequest {
  plane: 'entra' | 'arm' | 'data' | 'graph';
  method: string;
  path: string;
  /** declared operation it matched; undefined = an undeclared request reached the fake */
  operation?: string;
  vault?: string;
  status: number;
}

export interface AzureFake {
  /** the Entra authority host and ARM endpoint (one HTTPS origin) */
  url: string;
  tenantId: string;
  /** vault name → the loopback data-plane URL it is reached at */
  vaultUrls: Record<string, string>;
  cert: ThrowawayCert;
  requests: RecordedAzureRequest[];
  stats: FakeAzureStats;
  /** operation names received (declared ones), deduplicated and sorted */
  operations(): string[];
  /** requests that matched no declared operation */
  undeclared(): RecordedAzureRequest[];
  close(): Promise<void>;
}

export const FAKE_CLIENT_ID = '00000000-0000-0000-0000-00000000c11e';
export const FAKE_CLIENT_SECRET = 'keyhygiene-demo-secret-not-real';
/** The object id of the principal the fake's tokens are issued to. */
export const FAKE_CALLER_OID = '00000000-0000-0000-0000-0000000a0d17';

/** A federatedIdentityCredential as Graph (microsoft.graph.federatedIdentityCredential) and ARM (Microsoft.ManagedIdentity) document it. */
export interface FakeFederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences?: string[];
  description?: string;
}

export interface FakePrincipal {
  displayName: string;
  type: 'user' | 'group' | 'servicePrincipal' | 'device';
  servicePrincipalType?: string;
  /** groups: the object ids of their direct members (users, service principals, devices, nested groups) */
  members?: string[];
  /** service principals of app registrations: the application id */
  appId?: string;
  /** managed identities: ["isExplicit=True", "<user-assigned identity resource id>"] */
  alternativeNames?: string[];
  /** on the app registration (Application) or the user-assigned identity (ManagedIdentity) */
  federatedIdentityCredentials?: FakeFederatedCredential[];
}
