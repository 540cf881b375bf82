// sts:GetCallerIdentity: who the audit runs as. Missing or rejected credentials stop the provider with
// a clear message (nothing else can be read); any other failure is a gap for the whole provider.
import { UserError } from '../../../errors.ts';
import { classify } from '../../kit/index.ts';
import { type AwsRun, fail, send, type Where } from '../context.ts';

const NO_CREDENTIALS_HINT = [
  'give the audit AWS credentials in one of the standard ways:',
  '  - AWS_PROFILE=<name> (or `awsProfile:` in the aws block) with a profile in ~/.aws/config, e.g. after `aws sso login`',
  '  - AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment',
  '  - AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (GitHub Actions OIDC: aws-actions/configure-aws-credentials)',
  '  - an instance, task or pod role (EC2, ECS, EKS) when running inside AWS',
  'then check with `aws sts get-caller-identity`',
].join('\n');

export interface Identity {
  arn?: string;
  account: string;
}

const oneLine = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  return e?.name && e.name !== 'Error' && !msg.startsWith(e.name) ? `${e.name}: ${msg}` : msg;
};

const isCredentialsMissing = (err: unknown): boolean =>
  (err as { name?: string })?.name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test((err as Error)?.message ?? '');

/** The caller's identity; undefined (with a gap) when STS failed for another reason than credentials. */
export async function readIdentity(run: AwsRun, home: Where): Promise<Identity | undefined> {
  try {
    const out = await send(run, 'sts:GetCallerIdentity', {}, home);
    return { arn: out.Arn as string | undefined, account: String(out.Account ?? '') };
  } catch (err) {
    if (isCredentialsMissing(err)) throw new UserError({ message: `aws: no AWS credentials found (${oneLine(err)}).`, hint: NO_CREDENTIALS_HINT });
    if (classify(err).kind === 'unauthenticated')
      throw new UserError({
        message: `aws: the AWS credentials were rejected (${oneLine(err)}).`,
        hint: 'they may have expired: refresh them (aws sso login, a new session token, a new OIDC token) and rerun',
      });
    fail(run, 'sts:GetCallerIdentity', err, { what: 'the identity of the audit credentials', region: home.caller.region });
    return undefined;
  }
}
