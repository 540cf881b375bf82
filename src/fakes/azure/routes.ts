// The Azure REST operations the simulator serves, as documented in the Azure REST API reference
// (Resource Manager, Key Vault data plane 7.x, Microsoft Graph v1.0).
import { type Route, routeTable } from '../routes.ts';

const SUB = '/subscriptions/{subscriptionId}';

const ARM: readonly Route[] = [
  { name: 'arm:ListSubscriptions', method: 'GET', template: '/subscriptions' },
  { name: 'arm:ListVaults', method: 'GET', template: `${SUB}/providers/Microsoft.KeyVault/vaults` },
  { name: 'arm:ListManagedHsms', method: 'GET', template: `${SUB}/providers/Microsoft.KeyVault/managedHSMs` },
  // Role assignments and definitions "for scope": the scope is the subscription or anything below it.
  { name: 'arm:ListRoleAssignments', method: 'GET', template: `${SUB}/{scope*}/providers/Microsoft.Authorization/roleAssignments` },
  { name: 'arm:ListRoleAssignments', method: 'GET', template: `${SUB}/providers/Microsoft.Authorization/roleAssignments` },
  // Role Eligibility Schedule Instances - List For Scope (PIM)
  {
    name: 'arm:ListRoleEligibilityScheduleInstances',
    method: 'GET',
    template: `${SUB}/{scope*}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances`,
  },
  {
    name: 'arm:ListRoleEligibilityScheduleInstances',
    method: 'GET',
    template: `${SUB}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances`,
  },
  { name: 'arm:ListRoleDefinitions', method: 'GET', template: `${SUB}/{scope*}/providers/Microsoft.Authorization/roleDefinitions` },
  { name: 'arm:ListRoleDefinitions', method: 'GET', template: `${SUB}/providers/Microsoft.Authorization/roleDefinitions` },
  { name: 'arm:ListDiagnosticSettings', method: 'GET', template: `${SUB}/{resourceUri*}/providers/Microsoft.Insights/diagnosticSettings` },
  {
    name: 'arm:GetWorkspace',
    method: 'GET',
    template: `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}`,
  },
  // Log Analytics "Tables - Get" (2022-10-01+)
  {
    name: 'arm:GetWorkspaceTable',
    method: 'GET',
    template: `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/tables/{tableName}`,
  },
  // Storage "Management Policies - Get": the policy is always named default
  {
    name: 'arm:GetStorageManagementPolicy',
    method: 'GET',
    template: `${SUB}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/managementPolicies/default`,
  },
];

const DATA: readonly Route[] = [
  { name: 'keyvault:ListKeys', method: 'GET', template: '/keys' },
  { name: 'keyvault:ListKeyVersions', method: 'GET', template: '/keys/{key-name}/versions' },
  { name: 'keyvault:GetKeyRotationPolicy', method: 'GET', template: '/keys/{key-name}/rotationpolicy' },
  // Key Vault 7.6: GET {vaultBaseUrl}/keys/{key-name}/{key-version}/attestation (Managed HSM)
  { name: 'keyvault:GetKeyAttestation', method: 'GET', template: '/keys/{key-name}/attestation' },
  { name: 'keyvault:GetKeyAttestation', method: 'GET', template: '/keys/{key-name}/{key-version}/attestation' },
  { name: 'keyvault:GetKey', method: 'GET', template: '/keys/{key-name}' },
  { name: 'keyvault:GetKey', method: 'GET', template: '/keys/{key-name}/{key-version}' },
  // Get Deleted Keys / Get Deleted Key (soft-deleted keys; "requires the keys/list" and keys/get permission)
  { name: 'keyvault:ListDeletedKeys', method: 'GET', template: '/deletedkeys' },
  { name: 'keyvault:GetDeletedKey', method: 'GET', template: '/deletedkeys/{key-name}' },
];

// Managed HSM local RBAC (Key Vault 7.4+): {hsm}/{scope}/providers/Microsoft.Authorization/role…; scope is /, /keys or /keys/<name>.
const HSM_RBAC: readonly Route[] = [
  { name: 'managedhsm:ListRoleAssignments', method: 'GET', template: '/providers/Microsoft.Authorization/roleAssignments' },
  { name: 'managedhsm:ListRoleAssignments', method: 'GET', template: '/{scope*}/providers/Microsoft.Authorization/roleAssignments' },
  { name: 'managedhsm:ListRoleDefinitions', method: 'GET', template: '/providers/Microsoft.Authorization/roleDefinitions' },
  { name: 'managedhsm:ListRoleDefinitions', method: 'GET', template: '/{scope*}/providers/Microsoft.Authorization/roleDefinitions' },
];

const GRAPH: readonly Route[] = [{ name: 'graph:GetDirectoryObject', method: 'GET', template: '/v1.0/directoryObjects/{id}' }];

export const armOperation = routeTable(ARM);
export const dataOperation = routeTable([...HSM_RBAC, ...DATA]);
export const graphOperation = routeTable(GRAPH);
