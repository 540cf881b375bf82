// The estate a GCP fake serves, in the shapes the public REST APIs document (proto3 JSON): Cloud KMS
// v1, Cloud Resource Manager v3 and Cloud Logging v2. Self-contained: shares no code with the provider.

export interface FakeBinding {
  role: string;
  members: string[];
  condition?: { expression: string; title?: string };
}
export interface FakeAuditConfig {
  service: string;
  auditLogConfigs: { logType: 'ADMIN_READ' | 'DATA_READ' | 'DATA_WRITE'; exemptedMembers?: string[] }[];
}
export interface FakePolicy {
  bindings?: FakeBinding[];
  auditConfigs?: FakeAuditConfig[];
}

export interface FakeVersion {
  /** Version number (the last path segment). */
  id: string;
  state: string;
  algorithm: string;
  protectionLevel?: string;
  createTime: string;
  generateTime?: string;
  destroyTime?: string;
  importJob?: string;
  importTime?: string;
  /** PEM public key, served by getPublicKey for asymmetric versions. */
  publicKeyPem?: string;
  /** EXTERNAL and EXTERNAL_VPC versions: externalProtectionLevelOptions. */
  externalKeyUri?: string;
  ekmConnectionKeyPath?: string;
}

export interface FakeCryptoKey {
  id: string;
  purpose: string;
  createTime: string;
  /** e.g. "7776000s" */
  rotationPeriod?: string;
  nextRotationTime?: string;
  /** Version id of the primary (symmetric keys). */
  primary?: string;
  labels?: Record<string, string>;
  importOnly?: boolean;
  destroyScheduledDuration?: string;
  protectionLevel?: string;
  algorithm: string;
  versions: FakeVersion[];
  policy?: FakePolicy;
  /** EXTERNAL_VPC keys: the EKM connection name (projects/P/locations/L/ekmConnections/C). */
  cryptoKeyBackend?: string;
}

/** An ImportJob (Cloud KMS v1): the wrapping key imported versions came through. */
export interface FakeImportJob {
  id: string;
  importMethod: string;
  protectionLevel: 'SOFTWARE' | 'HSM';
  state: 'PENDING_GENERATION' | 'ACTIVE' | 'EXPIRED';
  createTime: string;
  expireTime?: string;
}

/** An EkmConnection (Cloud KMS v1): how EXTERNAL_VPC keys reach an external key manager. */
export interface FakeEkmConnection {
  location: string;
  id: string;
  createTime: string;
  keyManagementMode?: 'MANUAL' | 'CLOUD_KMS';
  hostnames: string[];
}

/** A role definition as IAM roles.get returns it (custom roles, or predefined ones). */
export interface FakeRole {
  /** roles/X, projects/P/roles/X or organizations/O/roles/X */
  name: string;
  includedPermissions: string[];
  stage?: string;
  deleted?: boolean;
}

export interface FakeKeyRing {
  location: string;
  id: string;
  createTime?: string;
  policy?: FakePolicy;
  keys: FakeCryptoKey[];
  importJobs?: FakeImportJob[];
}

export interface FakeBucket {
  /** Bucket id: _Default, _Required, or a user bucket. */
  id: string;
  location?: string;
  /** Absent: sent without the field (proto3 JSON omits a zero), which Cloud Logging reads as 30 days. */
  retentionDays?: number;
  locked?: boolean;
  /** ACTIVE unless set (DELETE_REQUESTED: buckets.delete was called, purged after 7 days). */
  lifecycleState?: string;
}

export interface FakeSink {
  name: string;
  destination: string;
  filter?: string;
  disabled?: boolean;
  includeChildren?: boolean;
  exclusions?: { name: string; filter: string; disabled?: boolean }[];
}

export interface FakeProject {
  projectId: string;
  number: string;
  /** folders/N or organizations/N */
  parent?: string;
  state?: string;
  policy?: FakePolicy;
  /** KMS locations offered (locations.list); default: those of its key rings plus global. */
  locations?: string[];
  keyRings: FakeKeyRing[];
  buckets?: FakeBucket[];
  sinks?: FakeSink[];
  ekmConnections?: FakeEkmConnection[];
}

export interface FakeFolder {
  id: string;
  parent: string;
  displayName?: string;
  policy?: FakePolicy;
  sinks?: FakeSink[];
}

export interface FakeOrganization {
  id: string;
  displayName?: string;
  policy?: FakePolicy;
  sinks?: FakeSink[];
}

/** A workload identity pool provider (IAM v1 WorkloadIdentityPoolProvider). */
export interface FakeWifProvider {
  id: string;
  displayName?: string;
  disabled?: boolean;
  state?: 'ACTIVE' | 'DELETED';
  /** e.g. { 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository' } */
  attributeMapping: Record<string, string>;
  attributeCondition?: string;
  oidc?: { issuerUri: string; allowedAudiences?: string[] };
  aws?: { accountId: string };
}

/** A workload identity pool (location global) and its providers. */
export interface FakeWifPool {
  /** The project number that holds the pool (pool names use it). */
  projectNumber: string;
  id: string;
  disabled?: boolean;
  state?: 'ACTIVE' | 'DELETED';
  providers: FakeWifProvider[];
}

/** A service account's own IAM policy (who may act as it). Accounts of world projects not listed have an empty one. */
export interface FakeServiceAccount {
  email: string;
  policy?: FakePolicy;
}

export interface GcpWorld {
  organizations?: FakeOrganization[];
  folders?: FakeFolder[];
  projects: FakeProject[];
  /** Role definitions served by IAM roles.get. */
  roles?: FakeRole[];
  workloadIdentityPools?: FakeWifPool[];
  serviceAccounts?: FakeServiceAccount[];
}

/** The _Default and _Required buckets and sinks every project has, as Cloud Logging creates them. */
export const DEFAULT_SINK_FILTER =
  'NOT LOG_ID("cloudaudit.googleapis.com/activity") AND NOT LOG_ID("externalaudit.googleapis.com/activity") AND NOT LOG_ID("cloudaudit.googleapis.com/system_event") AND NOT LOG_ID("externalaudit.googleapis.com/system_event") AND NOT LOG_ID("cloudaudit.googleapis.com/access_transparency") AND NOT LOG_ID("externalaudit.googleapis.com/access_transparency")';
export const REQUIRED_SINK_FILTER =
  'LOG_ID("cloudaudit.googleapis.com/activity") OR LOG_ID("externalaudit.googleapis.com/activity") OR LOG_ID("cloudaudit.googleapis.com/system_event") OR LOG_ID("externalaudit.googleapis.com/system_event") OR LOG_ID("cloudaudit.googleapis.com/access_transparency") OR LOG_ID("externalaudit.googleapis.com/access_transparency")';

export function defaultLogging(projectId: string, defaultRetentionDays = 30): { buckets: FakeBucket[]; sinks: FakeSink[] } {
  return {
    buckets: [
      { id: '_Default', retentionDays: defaultRetentionDays },
      { id: '_Required', retentionDays: 400, locked: true },
    ],
    sinks: [
      { name: '_Default', destination: `logging.googleapis.com/projects/${projectId}/locations/global/buckets/_Default`, filter: DEFAULT_SINK_FILTER },
      { name: '_Required', destination: `logging.googleapis.com/projects/${projectId}/locations/global/buckets/_Required`, filter: REQUIRED_SINK_FILTER },
    ],
  };
}
