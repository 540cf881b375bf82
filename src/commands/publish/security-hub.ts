import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base-command.ts';
import { readResultFile } from '../../cli/result-file.ts';
import { EXIT, UserError } from '../../errors.ts';
import { createSecurityHubApi } from '../../publish/security-hub/client.ts';
import { publishToSecurityHub } from '../../publish/security-hub/publish.ts';
import { reportMeta } from '../../report/meta.ts';

export default class PublishSecurityHub extends BaseCommand {
  static override summary = 'Send a result to AWS Security Hub as ASFF findings, and archive the ones that were resolved since the last publish.';
  static override description =
    `The only keyhygiene command that writes to a cloud. It is separate from every provider and never runs during \`audit\`. It calls exactly sts:GetCallerIdentity (the account for the default product ARN), securityhub:GetFindings (the findings an earlier publish of the same --scope left ACTIVE) and securityhub:BatchImportFindings (batches of 100: this result's findings, then the earlier ones it no longer has, as RecordState ARCHIVED). \`keyhygiene permissions publish-security-hub\` prints the IAM policy.

Credentials and endpoint come from the standard AWS chain (AWS_PROFILE, AWS_REGION, web identity in CI, AWS_ENDPOINT_URL_SECURITYHUB). Findings about AWS keys carry their own account; findings about Azure, GCP, JWKS and artifacts are attributed to the publishing account.

Exit codes: 0 published, 2 bad input, 3 Security Hub refused some findings (listed), 4 internal error.`;
  static override examples = [
    {
      description: 'Publish a scheduled audit in the Security Hub home region',
      command: 'AWS_REGION=eu-west-1 <%= config.bin %> <%= command.id %> result.json',
    },
    { description: 'Two jobs sharing one hub keep their own findings apart', command: '<%= config.bin %> <%= command.id %> result.json --scope prod-org' },
  ];
  static override args = { result: Args.string({ description: 'JSON result written by `keyhygiene audit --format json --output FILE`', required: true }) };
  static override flags = {
    region: Flags.string({ description: 'Security Hub region (default: the AWS chain, AWS_REGION)', helpValue: 'REGION' }),
    profile: Flags.string({ description: 'AWS profile (default: the AWS chain, AWS_PROFILE)', helpValue: 'NAME' }),
    scope: Flags.string({
      description: 'label of what this job audits; archiving only touches findings published with the same scope',
      default: 'default',
      helpValue: 'LABEL',
    }),
    timeout: Flags.integer({ description: 'deadline of each API call, in seconds', default: 30, min: 1 }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(PublishSecurityHub);
    const result = readResultFile(args.result);
    const api = await createSecurityHubApi({ region: flags.region, profile: flags.profile, timeoutMs: flags.timeout * 1000 });
    try {
      const out = await publishToSecurityHub(api, result, reportMeta(), { scope: flags.scope, now: new Date() }).catch((err: unknown) => {
        throw publishError(err, api.region);
      });
      process.stderr.write(
        `published to ${out.productArn}: ${out.imported} finding${out.imported === 1 ? '' : 's'} imported, ${out.archived} archived, in ${out.batches} batch${out.batches === 1 ? '' : 'es'}\n`,
      );
      for (const f of out.failed) process.stderr.write(`  refused ${f.id}: ${f.code} ${f.message}\n`);
      if (out.failed.length) process.exitCode = EXIT.incomplete;
    } finally {
      api.destroy();
    }
  }
}

/** A refusal or network failure as one paragraph: permissions and a hub not enabled are exit 2, the rest exit 3 (nothing or part published). */
function publishError(err: unknown, region: string): Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const what = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|InvalidAccessException|CredentialsProviderError/.test(`${e.name} ${e.message}`))
    return new UserError({
      message: `Security Hub in ${region} refused keyhygiene (${what}).`,
      hint: 'enable Security Hub in that region and give the identity the policy `keyhygiene permissions publish-security-hub` prints; check the credentials (AWS_PROFILE, web identity)',
    });
  const out = new UserError({
    message: `could not reach Security Hub in ${region} (${what}); findings may be partly published, and the next publish completes them.`,
    hint: 'check the network, AWS_REGION and AWS_ENDPOINT_URL_SECURITYHUB, or raise --timeout',
  });
  (out as { exitCode: number }).exitCode = EXIT.incomplete;
  return out;
}
