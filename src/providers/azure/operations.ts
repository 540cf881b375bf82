// The read operations the Azure provider may send, as request patterns. No SDK import: the client's
// allowlist policy, the permissions document, the loopback fakes and the tests share this table.

export type Plane = 'arm' | 'data' | 'graph';

/** One declared read operation: its name, the plane it belongs to and the request paths it covers. */
export interface OperationSpec {
  name: string;
  plane: Plane;
  path: RegExp;
}

const SEG = '[^/]+';
/** Every request the provider may send. GET only; anything else is refused before it leaves. */
export const OPERATIONS: readonly OperationSpec[] = [
  { name: 'arm:ListSubscriptions', plane: 'arm', path: /^\/subscriptions\/?$/i },
  { name: 'arm:ListVaults', plane: 'arm', path: new RegExp(`^/subscriptions/${SEG}/providers/Microsoft\\.KeyVault/vaults/?$`, 'i') },
  { name: 'arm:ListManagedHsms', plane: 'arm', path: new RegExp(`^/subscriptions/${SEG}/providers/Microsoft\\.KeyVault/managedHSMs/?$`, 'i') },
  { name: 'arm:ListRoleAssignments', plane: 'arm', path: /^\/subscriptions\/.+\/providers\/Microsoft\.Authorization\/roleAssignments\/?$/i },
  { name: 'arm:ListRoleDefinitions', plane: 'arm', path: /^\/subscriptions\/.+\/providers\/Microsoft\.Authorization\/roleDefinitions\/?$/i },
  // PIM: eligible role assignments (Role Eligibility Schedule Instances - List For Scope)
  {
    name: 'arm:ListRoleEligibilityScheduleInstances',
    plane: 'arm',
    path: /^\/subscriptions\/.+\/providers\/Microsoft\.Authorization\/roleEligibilityScheduleInstances\/?$/i,
  },
  { name: 'arm:ListDiagnosticSettings', plane: 'arm', path: /^\/subscriptions\/.+\/providers\/Microsoft\.Insights\/diagnosticSettings\/?$/i },
  {
    name: 'arm:GetWorkspace',
    plane: 'arm',
    path: new RegExp(`^/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.OperationalInsights/workspaces/${SEG}/?$`, 'i'),
  },
  {
    name: 'arm:GetWorkspaceTable',
    plane: 'arm',
    path: new RegExp(`^/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.OperationalInsights/workspaces/${SEG}/tables/${SEG}/?$`, 'i'),
  },
  {
    name: 'arm:GetStorageManagementPolicy',
    plane: 'arm',
    path: new RegExp(`^/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.Storage/storageAccounts/${SEG}/managementPolicies/default/?$`, 'i'),
  },
  { name: 'keyvault:ListKeys', plane: 'data', path: /^\/keys\/?$/i },
  // Managed HSM local RBAC at scope /, /keys or /keys/<name> (Key Vault 7.4+ Role Assignments / Role Definitions)
  {
    name: 'managedhsm:ListRoleAssignments',
    plane: 'data',
    path: new RegExp(`^(/keys(/${SEG})?)?/providers/Microsoft\\.Authorization/roleAssignments/?$`, 'i'),
  },
  { name: 'managedhsm:ListRoleDefinitions', plane: 'data', path: /^\/providers\/Microsoft\.Authorization\/roleDefinitions\/?$/i },
  { name: 'keyvault:ListKeyVersions', plane: 'data', path: new RegExp(`^/keys/${SEG}/versions/?$`, 'i') },
  { name: 'keyvault:GetKeyRotationPolicy', plane: 'data', path: new RegExp(`^/keys/${SEG}/rotationpolicy/?$`, 'i') },
  { name: 'keyvault:GetKeyAttestation', plane: 'data', path: new RegExp(`^/keys/${SEG}(/[0-9a-zA-Z]+)?/attestation/?$`, 'i') },
  { name: 'keyvault:GetKey', plane: 'data', path: new RegExp(`^/keys/${SEG}(/[0-9a-zA-Z]+)?/?$`, 'i') },
  // Soft-deleted keys (Get Deleted Keys, Get Deleted Key): recoverable until their purge date
  { name: 'keyvault:ListDeletedKeys', plane: 'data', path: /^\/deletedkeys\/?$/i },
  { name: 'keyvault:GetDeletedKey', plane: 'data', path: new RegExp(`^/deletedkeys/${SEG}/?$`, 'i') },
  { name: 'graph:GetDirectoryObject', plane: 'graph', path: new RegExp(`^/v1\\.0/directoryObjects/${SEG}/?$`, 'i') },
  // List group transitive members: the users, service principals and nested groups a group's role reaches
  { name: 'graph:ListGroupTransitiveMembers', plane: 'graph', path: new RegExp(`^/v1\\.0/groups/${SEG}/transitiveMembers/?$`, 'i') },
  {
    name: 'arm:ListFederatedIdentityCredentials',
    plane: 'arm',
    path: new RegExp(
      `^/subscriptions/${SEG}/resourceGroups/${SEG}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/${SEG}/federatedIdentityCredentials/?$`,
      'i',
    ),
  },
  {
    name: 'graph:ListFederatedIdentityCredentials',
    plane: 'graph',
    path: /^\/v1\.0\/applications\(appId=('|%27)[^/]+('|%27)\)\/federatedIdentityCredentials\/?$/i,
  },
];
export const OPERATION_NAMES = OPERATIONS.map((o) => o.name);

/** Which declared operation a request is, or undefined (then it must not be sent). */
export function classifyRequest(method: string, path: string, plane: Plane): string | undefined {
  if (method.toUpperCase() !== 'GET') return undefined;
  const p = `/${path.replace(/^\/+/, '')}`;
  return OPERATIONS.find((o) => o.plane === plane && o.path.test(p))?.name;
}

/** The Azure permission each operation needs: a management Action or a Key Vault DataAction. */
export const OPERATION_PERMISSIONS: Readonly<Record<string, { action?: string; dataAction?: string; hsmDataAction?: string; graph?: string }>> = {
  'arm:ListSubscriptions': { action: 'Microsoft.Resources/subscriptions/read' },
  'arm:ListVaults': { action: 'Microsoft.KeyVault/vaults/read' },
  'arm:ListManagedHsms': { action: 'Microsoft.KeyVault/managedHSMs/read' },
  'arm:ListRoleAssignments': { action: 'Microsoft.Authorization/roleAssignments/read' },
  'arm:ListRoleDefinitions': { action: 'Microsoft.Authorization/roleDefinitions/read' },
  'arm:ListRoleEligibilityScheduleInstances': { action: 'Microsoft.Authorization/roleEligibilityScheduleInstances/read' },
  'arm:ListDiagnosticSettings': { action: 'Microsoft.Insights/diagnosticSettings/read' },
  'arm:GetWorkspace': { action: 'Microsoft.OperationalInsights/workspaces/read' },
  'arm:GetWorkspaceTable': { action: 'Microsoft.OperationalInsights/workspaces/tables/read' },
  'arm:GetStorageManagementPolicy': { action: 'Microsoft.Storage/storageAccounts/managementPolicies/read' },
  'keyvault:ListKeys': { dataAction: 'Microsoft.KeyVault/vaults/keys/read' },
  'keyvault:ListKeyVersions': { dataAction: 'Microsoft.KeyVault/vaults/keys/read' },
  'keyvault:GetKey': { dataAction: 'Microsoft.KeyVault/vaults/keys/read' },
  // "This operation requires the keys/list permission" (Get Deleted Keys), keys/get (Get Deleted Key)
  'keyvault:ListDeletedKeys': { dataAction: 'Microsoft.KeyVault/vaults/keys/read' },
  'keyvault:GetDeletedKey': { dataAction: 'Microsoft.KeyVault/vaults/keys/read' },
  'keyvault:GetKeyRotationPolicy': { dataAction: 'Microsoft.KeyVault/vaults/keyrotationpolicies/read' },
  // Managed HSM only: granted by the HSM's local RBAC (Managed HSM Crypto Auditor), not by an Azure role.
  'keyvault:GetKeyAttestation': { hsmDataAction: 'Microsoft.KeyVault/managedHsm/keys/read/action' },
  'managedhsm:ListRoleAssignments': { hsmDataAction: 'Microsoft.KeyVault/managedHsm/roleAssignments/read/action' },
  'managedhsm:ListRoleDefinitions': { hsmDataAction: 'Microsoft.KeyVault/managedHsm/roleDefinitions/read/action' },
  'graph:GetDirectoryObject': { graph: 'Directory.Read.All' },
  'graph:ListGroupTransitiveMembers': { graph: 'GroupMember.Read.All (or Directory.Read.All)' },
  'arm:ListFederatedIdentityCredentials': { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read' },
  'graph:ListFederatedIdentityCredentials': { graph: 'Application.Read.All' },
};
