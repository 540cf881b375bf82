// The simulator's world (accounts, keys, trails), options, faults and what it reports.
import type { FakeIam, FakeOrganization } from './iam.ts';

export interface FakeKey {
  /** Key id (the part after key/ in the ARN). */
  id: string;
  spec?: string;
  usage?: string;
  origin?: string;
  manager?: 'AWS' | 'CUSTOMER';
  state?: string;
  createdAt: string;
  description?: string;
  validTo?: string;
  deletionDate?: string;
  customKeyStoreId?: string;
  multiRegion?: boolean;
  /** A multi-Region key's role (DescribeKey MultiRegionConfiguration): PRIMARY unless said; a replica names its primary's region. */
  multiRegionType?: 'PRIMARY' | 'REPLICA';
  primaryRegion?: string;
  aliases?: string[];
  tags?: Record<string, string>;
  /** An object is served as JSON; a string is served verbatim (even if it is not valid JSON). */
  policy?: unknown;
  grants?: { id?: string; name?: string; grantee: string; operations: string[]; constraints?: Record<string, Record<string, string>> }[];
  rotation?: { enabled: boolean; periodDays?: number; rotations?: string[] };
  /** base64 DER SubjectPublicKeyInfo of an asymmetric key */
  publicKey?: string;
}

export interface FakeFieldSelector {
  Field: string;
  Equals?: string[];
  NotEquals?: string[];
  StartsWith?: string[];
  NotStartsWith?: string[];
  EndsWith?: string[];
  NotEndsWith?: string[];
}

export interface FakeTrail {
  name: string;
  homeRegion: string;
  multiRegion?: boolean;
  organization?: boolean;
  logging?: boolean;
  readWriteType?: 'All' | 'ReadOnly' | 'WriteOnly';
  includeManagementEvents?: boolean;
  excludeManagementEventSources?: string[];
  /** Served as GetEventSelectors returns them (AdvancedFieldSelector: Equals, NotEquals, StartsWith, NotStartsWith, EndsWith, NotEndsWith). */
  advancedSelectors?: { Name?: string; FieldSelectors: FakeFieldSelector[] }[];
  logGroup?: string;
  s3Bucket?: string;
  logFileValidation?: boolean;
}

/** A CloudTrail Lake event data store (GetEventDataStore, as the CloudTrail API Reference documents it). */
export interface FakeEventDataStore {
  name: string;
  region: string;
  /** ENABLED unless said (CREATED, STARTING_INGESTION, STOPPING_INGESTION, STOPPED_INGESTION, PENDING_DELETION). */
  status?: string;
  multiRegion?: boolean;
  organization?: boolean;
  retentionDays?: number;
  /** Default: all management events (eventCategory Equals Management). */
  advancedSelectors?: { Name?: string; FieldSelectors: FakeFieldSelector[] }[];
}

export interface FakeAccount {
  id: string;
  name?: string;
  /** false: sts:AssumeRole into this account is denied */
  assumable?: boolean;
  regions: Record<string, { keys: FakeKey[] }>;
  trails?: FakeTrail[];
  eventDataStores?: FakeEventDataStore[];
  /** S3 buckets trails write to: the expiration of their lifecycle rule (null = no lifecycle rule) */
  buckets?: Record<string, { expirationDays: number | null }>;
  /** CloudWatch Logs groups (retentionDays null = never expire) */
  logGroups?: { name: string; region: string; retentionDays: number | null }[];
  /** IAM users, groups, roles and managed policies (iam:GetAccountAuthorizationDetails); absent = none */
  iam?: FakeIam;
}

export interface FakeWorld {
  /** The account the static (caller) credentials belong to; the organization's management account. */
  callerAccount: string;
  callerArn?: string;
  accounts: FakeAccount[];
  /** Regions DescribeRegions reports as enabled; default: every region any account has. */
  enabledRegions?: string[];
  /** Accounts that ListAccounts reports as SUSPENDED. */
  suspended?: string[];
  /** The organization's OUs, SCPs and RCPs (served to the caller account only). */
  organization?: FakeOrganization;
}

export type FaultKind = 'AccessDenied' | 'Throttling' | 'Internal' | 'Timeout' | 'ExpiredToken' | 'NotFound';

export interface Fault {
  /** e.g. kms:ListGrants; absent = every operation */
  op?: string;
  account?: string;
  region?: string;
  keyId?: string;
  error: FaultKind;
  /** how many times per (operation, key) it fires; absent = always */
  times?: number;
  /** fraction of (operation, key) pairs it hits, chosen deterministically by hash; absent = all */
  rate?: number;
}

export interface FakeOptions {
  /** added to every response */
  latencyMs?: number;
  /** requests per second per (account, region, operation), as token buckets holding one second's worth; exceeding answers ThrottlingException */
  quotas?: Readonly<Record<string, number>>;
  faults?: Fault[];
  /** keep every request (operation, account, region, input); default true */
  record?: boolean;
}

export interface RecordedRequest {
  op: string;
  account: string;
  region: string;
  accessKeyId: string;
  input: Record<string, unknown>;
}

export interface FakeStats {
  /** responses served successfully, per `account/region/op` */
  served: Record<string, number>;
  /** first and last time (ms since the simulator started) each `account/region/op` was served */
  window: Record<string, [number, number]>;
  throttled: number;
  faults: number;
  requests: number;
}

export interface AwsFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  stats: FakeStats;
  /** operation names (service:Op) received, deduplicated and sorted */
  operations(): string[];
  setFaults(faults: Fault[]): void;
  close(): Promise<void>;
}
