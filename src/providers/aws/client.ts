// The only file of the AWS provider that imports the AWS SDK. It builds clients from the standard
// credential chain and endpoint settings (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_*, web identity…)
// and refuses, before anything is signed or sent, every operation outside the read-only allowlist.
import http from 'node:http';
import https from 'node:https';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListEventDataStoresCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ReadOnlyViolation } from '../kit/index.ts';

/** Every AWS operation the provider may call: read-only, and nothing else is ever sent. */
export const AWS_OPERATIONS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetEventDataStore',
  'cloudtrail:GetEventSelectors',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:ListEventDataStores',
  'ec2:DescribeRegions',
  'iam:GetAccountAuthorizationDetails',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:GetPublicKey',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyRotations',
  'kms:ListKeys',
  'kms:ListResourceTags',
  'logs:DescribeLogGroups',
  'organizations:DescribeOrganization',
  'organizations:DescribePolicy',
  'organizations:ListAccounts',
  'organizations:ListParents',
  'organizations:ListPolicies',
  'organizations:ListTargetsForPolicy',
  's3:GetBucketLifecycleConfiguration',
  'sts:AssumeRole',
  'sts:GetCallerIdentity',
] as const;
export type AwsOperation = (typeof AWS_OPERATIONS)[number];

type Service = 'cloudtrail' | 'ec2' | 'iam' | 'kms' | 'logs' | 'organizations' | 's3' | 'sts';
type CommandClass = new (input: never) => unknown;

const COMMANDS: Readonly<Record<AwsOperation, CommandClass>> = {
  'cloudtrail:DescribeTrails': DescribeTrailsCommand,
  'cloudtrail:GetEventDataStore': GetEventDataStoreCommand,
  'cloudtrail:GetEventSelectors': GetEventSelectorsCommand,
  'cloudtrail:GetTrailStatus': GetTrailStatusCommand,
  'cloudtrail:ListEventDataStores': ListEventDataStoresCommand,
  'ec2:DescribeRegions': DescribeRegionsCommand,
  'iam:GetAccountAuthorizationDetails': GetAccountAuthorizationDetailsCommand,
  'kms:DescribeKey': DescribeKeyCommand,
  'kms:GetKeyPolicy': GetKeyPolicyCommand,
  'kms:GetKeyRotationStatus': GetKeyRotationStatusCommand,
  'kms:GetPublicKey': GetPublicKeyCommand,
  'kms:ListAliases': ListAliasesCommand,
  'kms:ListGrants': ListGrantsCommand,
  'kms:ListKeyRotations': ListKeyRotationsCommand,
  'kms:ListKeys': ListKeysCommand,
  'kms:ListResourceTags': ListResourceTagsCommand,
  'logs:DescribeLogGroups': DescribeLogGroupsCommand,
  'organizations:DescribeOrganization': DescribeOrganizationCommand,
  'organizations:DescribePolicy': DescribePolicyCommand,
  'organizations:ListAccounts': ListAccountsCommand,
  'organizations:ListParents': ListParentsCommand,
  'organizations:ListPolicies': ListPoliciesCommand,
  'organizations:ListTargetsForPolicy': ListTargetsForPolicyCommand,
  's3:GetBucketLifecycleConfiguration': GetBucketLifecycleConfigurationCommand,
  'sts:AssumeRole': AssumeRoleCommand,
  'sts:GetCallerIdentity': GetCallerIdentityCommand,
};

const CLIENTS: Readonly<Record<Service, new (config: never) => SdkClient>> = {
  cloudtrail: CloudTrailClient as unknown as new (config: never) => SdkClient,
  ec2: EC2Client as unknown as new (config: never) => SdkClient,
  iam: IAMClient as unknown as new (config: never) => SdkClient,
  kms: KMSClient as unknown as new (config: never) => SdkClient,
  logs: CloudWatchLogsClient as unknown as new (config: never) => SdkClient,
  organizations: OrganizationsClient as unknown as new (config: never) => SdkClient,
  s3: S3Client as unknown as new (config: never) => SdkClient,
  sts: STSClient as unknown as new (config: never) => SdkClient,
};

const ALLOWED = new Set<string>(AWS_OPERATIONS);

interface Middleware {
  add(
    mw: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

/** The slice of an SDK client we use. */
export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  middlewareStack: Middleware;
  destroy(): void;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Who calls: the standard chain (no credentials) or an assumed role's credentials. */
export interface Caller {
  region: string;
  credentials?: AwsCredentials;
}

export interface TransportOptions {
  /** Named profile for the standard chain (otherwise AWS_PROFILE or the chain's default). */
  profile?: string;
  /** Endpoint for every service (tests); production uses AWS_ENDPOINT_URL_* or the default endpoints. */
  endpoint?: string;
  /** Credentials instead of the standard chain (tests, the demo). */
  credentials?: AwsCredentials;
  /** Socket-level timeout; the kit's per-call deadline (an AbortSignal handed to `send`) fires first. */
  timeoutMs: number;
  /** Address S3 buckets by path (custom S3 endpoints such as a simulator); default virtual-host style. */
  s3PathStyle?: boolean;
}

export interface AwsTransport {
  /** Send one allowlisted command; `abortSignal` (the kit's call deadline and budget) reaches the SDK. */
  send(operation: AwsOperation, input: Record<string, unknown>, caller: Caller, abortSignal?: AbortSignal): Promise<Record<string, unknown>>;
  /** The guarded SDK client for a service (tests use it to prove refusals). */
  client(service: Service, caller: Caller): SdkClient;
  destroy(): void;
}

/** Install the allowlist guard on a client: any command outside AWS_OPERATIONS throws before signing. */
function guard(client: SdkClient, service: Service): SdkClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = `${service}:${(context.commandName ?? '').replace(/Command$/, '')}`;
      if (!ALLOWED.has(op)) throw new ReadOnlyViolation('aws', op);
      return next(args);
    },
    { step: 'initialize', name: 'keyhygieneReadOnlyGuard', priority: 'high' },
  );
  return client;
}

export function createAwsTransport(opts: TransportOptions): AwsTransport {
  const clients = new Map<string, SdkClient>();
  const agentOptions = { keepAlive: true, maxSockets: 256 };
  const requestHandler = {
    // A margin over the kit's deadline, so the kit's own timeout is the one that fires and is reported.
    requestTimeout: opts.timeoutMs + 1000,
    connectionTimeout: opts.timeoutMs + 1000,
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
  };
  const clientFor = (service: Service, caller: Caller): SdkClient => {
    const creds = caller.credentials ?? opts.credentials;
    const id = `${service}|${caller.region}|${creds?.accessKeyId ?? '<chain>'}`;
    let c = clients.get(id);
    if (!c) {
      const config: Record<string, unknown> = { region: caller.region, maxAttempts: 1, requestHandler };
      if (creds) config.credentials = creds;
      else if (opts.profile) config.profile = opts.profile;
      if (opts.endpoint) config.endpoint = opts.endpoint;
      if (service === 's3') {
        config.followRegionRedirects = true;
        if (opts.s3PathStyle || opts.endpoint) config.forcePathStyle = true;
      }
      c = guard(new CLIENTS[service](config as never), service);
      clients.set(id, c);
    }
    return c;
  };
  return {
    async send(operation, input, caller, abortSignal) {
      if (!ALLOWED.has(operation)) throw new ReadOnlyViolation('aws', operation);
      const service = operation.slice(0, operation.indexOf(':')) as Service;
      const Command = COMMANDS[operation];
      return (await clientFor(service, caller).send(new Command(input as never), { abortSignal })) as Record<string, unknown>;
    },
    client: clientFor,
    destroy() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
      requestHandler.httpAgent.destroy();
      requestHandler.httpsAgent.destroy();
    },
  };
}
