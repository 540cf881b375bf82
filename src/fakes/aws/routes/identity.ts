// Who the caller is and what it may reach: STS (GetCallerIdentity, AssumeRole; awsQuery/XML),
// Organizations ListAccounts (the management account only) and EC2 DescribeRegions (ec2Query/XML).
import { AwsError, page, type Routes, xmlEscape } from '../wire.ts';
import type { WorldView } from '../world.ts';

const callerIdentity = (arn: string, account: string) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${xmlEscape(arn)}</Arn><UserId>AIDADEMO</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;

const assumed = (akid: string, account: string, expiration: string) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${akid}</AccessKeyId><SecretAccessKey>fake-secret-${account}</SecretAccessKey><SessionToken>fake-session-${account}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/audit/keyhygiene-audit</Arn><AssumedRoleId>AROADEMO:keyhygiene-audit</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata></AssumeRoleResponse>`;

const regionItem = (r: string) =>
  `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`;

/** `credentials` maps the access key ids the simulator issued to their accounts; AssumeRole adds to it. */
export function identityRoutes(w: WorldView, credentials: Map<string, string>): Routes {
  const { world } = w;
  const status = (id: string) => (world.suspended?.includes(id) ? 'SUSPENDED' : 'ACTIVE');
  return {
    'organizations:ListAccounts': (input, account) => {
      if (account !== world.callerAccount) throw new AwsError('AccessDeniedException', 'You don\u2019t have permissions to access this resource.');
      const all = world.accounts.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${world.callerAccount}:account/o-demo/${a.id}`,
        Name: a.name ?? a.id,
        Email: `${a.id}@example.com`,
        Status: status(a.id),
        State: status(a.id),
      }));
      const { slice, next } = page(all, input, 20, 'MaxResults', 'NextToken');
      return { Accounts: slice, ...(next ? { NextToken: next } : {}) };
    },
    'sts:GetCallerIdentity': (_input, account) =>
      callerIdentity(
        account === world.callerAccount
          ? (world.callerArn ?? `arn:aws:iam::${account}:user/keyhygiene-demo`)
          : `arn:aws:sts::${account}:assumed-role/audit/keyhygiene-audit`,
        account,
      ),
    'sts:AssumeRole': (input) => {
      const roleArn = String(input.RoleArn ?? '');
      const target = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      const a = target ? w.accounts.get(target) : undefined;
      if (!a || a.assumable === false) throw new AwsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      const akid = `ASIA${a.id}`;
      credentials.set(akid, a.id);
      return assumed(akid, a.id, new Date(Date.now() + 3_600_000).toISOString());
    },
    'ec2:DescribeRegions': () => {
      const regions = world.enabledRegions ?? [...new Set(world.accounts.flatMap((a) => Object.keys(a.regions)))].sort();
      return `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req</requestId><regionInfo>${regions.map(regionItem).join('')}</regionInfo></DescribeRegionsResponse>`;
    },
  };
}
