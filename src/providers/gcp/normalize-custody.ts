// Pure mapping of where a key's material came from and where it lives: the Cloud KMS import job a
// version was imported through, and the EKM connection an EXTERNAL_VPC key reaches its external key
// manager by. No I/O.
import type { KeyRecord } from '../../model/key-record.ts';

export interface RawImportJob {
  name: string;
  /** RSA_OAEP_3072_SHA1_AES_256, RSA_OAEP_4096_SHA256, … */
  importMethod?: string;
  /** SOFTWARE or HSM: where the wrapping key lives. */
  protectionLevel?: string;
  /** PENDING_GENERATION, ACTIVE, EXPIRED. */
  state?: string;
  createTime?: string;
  generateTime?: string;
  expireTime?: string;
  /** The job carries an HSM attestation of its wrapping key. */
  attested?: boolean;
}

export interface RawEkmConnection {
  name: string;
  createTime?: string;
  /** MANUAL or CLOUD_KMS (coordinated external keys). */
  keyManagementMode?: string;
  cryptoSpacePath?: string;
  hostnames: string[];
  serviceDirectoryServices: string[];
}

export interface RawRole {
  name: string;
  includedPermissions: string[];
  /** ALPHA, BETA, GA, DEPRECATED, DISABLED, EAP. */
  stage?: string;
  deleted?: boolean;
}

type ImportSource = NonNullable<KeyRecord['importSource']>;
type ExternalStore = NonNullable<KeyRecord['externalStore']>;

const JOB_PROTECTION: Readonly<Record<string, ImportSource['protection']>> = { SOFTWARE: 'software', HSM: 'hsm' };
const JOB_STATE: Readonly<Record<string, ImportSource['state']>> = { PENDING_GENERATION: 'pending', ACTIVE: 'active', EXPIRED: 'expired' };

/** The import job a version names, as the key's `importSource`; just the job's name when it could not be read. */
export function importSourceOf(jobName: string, job: RawImportJob | undefined): ImportSource {
  const out: ImportSource = { id: jobName, kind: 'gcp-import-job' };
  if (!job) return out;
  const protection = JOB_PROTECTION[job.protectionLevel ?? ''];
  const state = JOB_STATE[job.state ?? ''];
  if (job.importMethod) out.method = job.importMethod;
  if (protection) out.protection = protection;
  if (state) out.state = state;
  if (job.createTime) out.createdAt = job.createTime;
  if (job.expireTime) out.expiresAt = job.expireTime;
  out.attested = job.attested === true;
  return out;
}

/**
 * The external key manager of an EXTERNAL or EXTERNAL_VPC key as its `externalStore`: the EKM
 * connection (VPC) with its hosts and management mode, and the external key's URI or path.
 */
export function externalStoreOf(
  level: 'EXTERNAL' | 'EXTERNAL_VPC',
  backend: string | undefined,
  connection: RawEkmConnection | undefined,
  version: { externalKeyUri?: string; ekmConnectionKeyPath?: string } | undefined,
): ExternalStore {
  const out: ExternalStore = { kind: level === 'EXTERNAL_VPC' ? 'gcp-ekm-vpc' : 'gcp-ekm-internet' };
  if (backend) out.id = backend;
  if (version?.externalKeyUri) out.keyUri = version.externalKeyUri;
  if (version?.ekmConnectionKeyPath) out.keyPath = version.ekmConnectionKeyPath;
  if (!connection) return out;
  if (connection.keyManagementMode === 'MANUAL' || connection.keyManagementMode === 'CLOUD_KMS')
    out.keyManagement = connection.keyManagementMode === 'MANUAL' ? 'manual' : 'coordinated';
  if (connection.hostnames.length) out.hosts = [...connection.hostnames].sort();
  if (connection.createTime) out.createdAt = connection.createTime;
  return out;
}
