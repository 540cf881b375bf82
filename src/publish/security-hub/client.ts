// The only file that imports the Security Hub SDK: the one place keyhygiene writes to a cloud, apart
// from every provider. It builds clients from the standard credential chain and endpoint settings
// (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_SECURITYHUB, web identity for CI) and refuses, before
// anything is signed, every operation outside PUBLISH_OPERATIONS.
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { PUBLISH_OPERATIONS } from './permissions.ts';

const ALLOWED = new Set<string>(PUBLISH_OPERATIONS);

export interface HubFinding extends Record<string, unknown> {
  Id: string;
  ProductArn: string;
}

/** What publishing needs from AWS; tests may give their own. */
export interface SecurityHubApi {
  region: string;
  callerAccount(): Promise<{ account: string; partition: string }>;
  getFindings(input: Record<string, unknown>): Promise<{ Findings?: HubFinding[]; NextToken?: string }>;
  batchImport(
    findings: readonly Record<string, unknown>[],
  ): Promise<{ FailedCount?: number; SuccessCount?: number; FailedFindings?: { Id?: string; ErrorCode?: string; ErrorMessage?: string }[] }>;
  destroy(): void;
}

interface Guardable {
  middlewareStack: {
    add(mw: (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>, o: object): void;
  };
}

function guard<T>(client: T, service: string): T {
  (client as unknown as Guardable).middlewareStack.add(
    (next, ctx) => async (args) => {
      const op = `${service}:${(ctx.commandName ?? '').replace(/Command$/, '')}`;
      if (!ALLOWED.has(op)) throw new Error(`keyhygiene refused to call ${op}: publish may call only ${PUBLISH_OPERATIONS.join(', ')}`);
      return next(args);
    },
    { step: 'initialize', name: 'keyhygienePublishGuard', priority: 'high' },
  );
  return client;
}

export interface ClientOptions {
  region?: string;
  profile?: string;
  timeoutMs: number;
}

export async function createSecurityHubApi(opts: ClientOptions): Promise<SecurityHubApi> {
  const config: Record<string, unknown> = {
    maxAttempts: 4,
    requestHandler: { requestTimeout: opts.timeoutMs, connectionTimeout: opts.timeoutMs },
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  const hub = guard(new SecurityHubClient(config), 'securityhub');
  const sts = guard(new STSClient(config), 'sts');
  const region = await hub.config.region();
  const signal = () => AbortSignal.timeout(opts.timeoutMs);
  return {
    region,
    async callerAccount() {
      const id = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal() });
      const partition = /^arn:([^:]+):/.exec(id.Arn ?? '')?.[1] ?? 'aws';
      return { account: id.Account ?? '', partition };
    },
    async getFindings(input) {
      return (await hub.send(new GetFindingsCommand(input as never), { abortSignal: signal() })) as { Findings?: HubFinding[]; NextToken?: string };
    },
    async batchImport(findings) {
      return await hub.send(new BatchImportFindingsCommand({ Findings: findings as never }), { abortSignal: signal() });
    },
    destroy() {
      hub.destroy();
      sts.destroy();
    },
  };
}
