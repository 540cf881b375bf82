// The exhaustive list of read operations the GCP provider may call, the IAM permission each needs,
// and the published quota each draws on. The kit refuses anything not listed here.
import type { QuotaTable } from '../kit/kit.ts';

export const OPERATION_PERMISSIONS = {
  'cloudresourcemanager:SearchProjects': 'resourcemanager.projects.get',
  'cloudresourcemanager:ListProjects': 'resourcemanager.projects.list',
  'cloudresourcemanager:GetProject': 'resourcemanager.projects.get',
  'cloudresourcemanager:ListFolders': 'resourcemanager.folders.list',
  'cloudresourcemanager:GetFolder': 'resourcemanager.folders.get',
  'cloudresourcemanager:GetProjectIamPolicy': 'resourcemanager.projects.getIamPolicy',
  'cloudresourcemanager:GetFolderIamPolicy': 'resourcemanager.folders.getIamPolicy',
  'cloudresourcemanager:GetOrganizationIamPolicy': 'resourcemanager.organizations.getIamPolicy',
  'cloudkms:ListLocations': 'cloudkms.locations.list',
  'cloudkms:ListKeyRings': 'cloudkms.keyRings.list',
  'cloudkms:GetKeyRingIamPolicy': 'cloudkms.keyRings.getIamPolicy',
  'cloudkms:ListCryptoKeys': 'cloudkms.cryptoKeys.list',
  'cloudkms:GetCryptoKeyIamPolicy': 'cloudkms.cryptoKeys.getIamPolicy',
  'cloudkms:ListCryptoKeyVersions': 'cloudkms.cryptoKeyVersions.list',
  'cloudkms:GetPublicKey': 'cloudkms.cryptoKeyVersions.viewPublicKey',
  'cloudkms:ListImportJobs': 'cloudkms.importJobs.list',
  'cloudkms:ListEkmConnections': 'cloudkms.ekmConnections.list',
  'iam:GetRole': 'iam.roles.get',
  'iam:ListWorkloadIdentityPools': 'iam.workloadIdentityPools.list',
  'iam:ListWorkloadIdentityPoolProviders': 'iam.workloadIdentityPoolProviders.list',
  'iam:GetServiceAccountIamPolicy': 'iam.serviceAccounts.getIamPolicy',
  'logging:ListBuckets': 'logging.buckets.list',
  'logging:ListSinks': 'logging.sinks.list',
} as const satisfies Record<string, string>;

export type GcpOperation = keyof typeof OPERATION_PERMISSIONS;
export const OPERATIONS = Object.keys(OPERATION_PERMISSIONS).sort() as GcpOperation[];

export const permissionOf = (op: string): string | undefined => (OPERATION_PERMISSIONS as Record<string, string>)[op];

/** Quota groups: which calling-project quota each operation is charged to. */
export const QUOTA_GROUPS: Readonly<Record<string, string>> = Object.fromEntries(
  OPERATIONS.map((op) => [
    op,
    op === 'cloudkms:GetPublicKey' ? 'cloudkms:crypto' : op.startsWith('cloudkms:') ? 'cloudkms:read' : (op.split(':')[0] as string),
  ]),
);

/**
 * Requests per second per calling (quota) project. Cloud KMS: read_requests 300 per minute and
 * crypto_requests 60,000 per minute (https://cloud.google.com/kms/quotas; GetPublicKey is a
 * cryptographic request). Resource Manager: 1,200 read requests per minute per project (its
 * RATE_LIMIT_EXCEEDED answers name ReadRequestsPerMinutePerProject = 1200). Logging config reads:
 * 60 per second is well below the Logging API's per-project read quota. IAM (roles.get): 6,000 read
 * requests per minute per project (https://cloud.google.com/iam/quotas).
 */
export function quotaTable(readPerMinute: number, cryptoPerMinute: number): QuotaTable {
  return {
    rates: {
      'cloudkms:read': readPerMinute / 60,
      'cloudkms:crypto': cryptoPerMinute / 60,
      cloudresourcemanager: 1200 / 60,
      logging: 60,
      iam: 6000 / 60,
    },
    groups: QUOTA_GROUPS,
  };
}

/** The least-privilege custom role: exactly the permissions behind the declared operations. */
export function customRolePermissions(): string[] {
  return [...new Set(Object.values(OPERATION_PERMISSIONS))].sort();
}
