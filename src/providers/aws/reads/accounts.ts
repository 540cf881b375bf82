// organizations:ListAccounts and sts:AssumeRole: the accounts to audit and the credentials for each.
import { type AwsRun, fail, list, note, send, type Where } from '../context.ts';

/** The accounts to audit, sorted: configured ones, every ACTIVE account of the organization, or the caller's. */
export async function readAccounts(run: AwsRun, home: Where): Promise<string[]> {
  const configured = run.config.accounts;
  if (configured !== 'organization') return [...(configured ?? [home.account])].sort();
  const found: string[] = [];
  const members = new Set<string>();
  try {
    await list(run, 'organizations:ListAccounts', {}, home, (p) => {
      for (const a of (p.Accounts ?? []) as { Id?: string; Status?: string; State?: string }[]) {
        if (a.Id) members.add(a.Id);
        if (a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE') found.push(a.Id);
      }
    });
    // Every account of the organization, suspended ones included: a principal of another account is outside it (aws:PrincipalOrgID).
    run.members = members;
    return found.sort();
  } catch (err) {
    fail(run, 'organizations:ListAccounts', err, { what: 'the accounts of the AWS Organization', account: home.account });
    return [home.account];
  }
}

/** The role ARN to assume in `account`: a role name, an ARN, or an ARN template with {account}. */
export function roleArnFor(assumeRole: string, account: string): string {
  if (assumeRole.includes('{account}')) return assumeRole.replaceAll('{account}', account);
  return assumeRole.startsWith('arn:') ? assumeRole : `arn:aws:iam::${account}:role/${assumeRole}`;
}

/** Who reads `account`: the caller itself, or the assumed audit role; undefined (with a gap) when neither. */
export async function readAccess(run: AwsRun, home: Where, account: string): Promise<Where | undefined> {
  if (account === home.account) return home;
  const { assumeRole, externalId } = run.config;
  const what = `account ${account}`;
  if (!assumeRole) {
    note(
      run,
      'sts:AssumeRole',
      { what, account },
      `it is not the caller's account (${home.account}) and no assumeRole is configured; set assumeRole in the aws block`,
    );
    return undefined;
  }
  const RoleArn = roleArnFor(assumeRole, account);
  const input = { RoleArn, RoleSessionName: 'keyhygiene-audit', DurationSeconds: 3600, ...(externalId ? { ExternalId: externalId } : {}) };
  try {
    const c = (await send(run, 'sts:AssumeRole', input, home)).Credentials as
      | { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date }
      | undefined;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      note(run, 'sts:AssumeRole', { what, account }, `sts:AssumeRole of ${RoleArn} returned no credentials; rerun`, 'invalid-response');
      return undefined;
    }
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    return { account, caller: { region: home.caller.region, credentials } };
  } catch (err) {
    fail(run, 'sts:AssumeRole', err, { what: `${what} (through the role ${RoleArn})`, account });
    return undefined;
  }
}

/** Who reads `account`, asked at most once per run (the region sweep and cross-account key policies share it). */
export function accountAccess(run: AwsRun, home: Where, account: string): Promise<Where | undefined> {
  run.access ??= new Map();
  let p = run.access.get(account);
  if (!p) {
    p = readAccess(run, home, account);
    run.access.set(account, p);
  }
  return p;
}
