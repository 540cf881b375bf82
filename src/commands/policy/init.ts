import { existsSync } from 'node:fs';
import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../../cli/base-command.ts';
import { chooseProviders } from '../../cli/policy-init.ts';
import { UserError } from '../../errors.ts';
import { type StarterProviders, starterPolicy } from '../../policy/starter.ts';
import { checkOutputPath, writeOutput } from '../../util/output-writer.ts';

const chosen = (p: StarterProviders) => Object.keys(p).filter((k) => p[k as keyof StarterProviders] !== undefined);

export default class PolicyInit extends BaseCommand {
  static override summary = 'Write a commented starter policy for what this machine can audit.';
  static override description =
    `Looks for credentials each cloud SDK would use (AWS_PROFILE, AWS_ACCESS_KEY_ID, ~/.aws; AZURE_CLIENT_ID, az login; GOOGLE_APPLICATION_CREDENTIALS, gcloud application-default login) without reading any secret or calling any cloud, and writes a policy whose providers: block audits them. On a terminal it asks before using each one and for a JWKS URL; with flags, or when not interactive, it takes the flags and what it found. \`keyhygiene audit\` straight after runs, or says exactly what to add.`;
  static override examples = [
    { description: 'Detect credentials and ask (on a terminal)', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: "Non-interactive: AWS in two regions and an identity provider's JWKS",
      command: '<%= config.bin %> <%= command.id %> --aws --aws-region us-east-1,eu-west-1 --jwks https://login.example.com/.well-known/jwks.json',
    },
    {
      description: 'Azure only, one subscription, ignoring AWS credentials in the environment',
      command: '<%= config.bin %> <%= command.id %> --no-aws --azure-subscription 00000000-0000-0000-0000-000000000000',
    },
    { description: 'Audit a snapshot written by `keyhygiene inventory`', command: '<%= config.bin %> <%= command.id %> --snapshot inventory.json' },
    '<%= config.bin %> <%= command.id %> --output policies/prod.yaml',
    '<%= config.bin %> <%= command.id %> --output - > keyhygiene.yaml',
  ];
  static override flags = {
    output: Flags.string({ char: 'o', description: 'file to write, or - for stdout', default: 'keyhygiene.yaml', helpValue: 'FILE' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
    aws: Flags.boolean({ description: 'audit AWS KMS (--no-aws: not even when credentials are found)', allowNo: true }),
    azure: Flags.boolean({ description: 'audit Azure Key Vault and Managed HSM (--no-azure to skip)', allowNo: true }),
    gcp: Flags.boolean({ description: 'audit Google Cloud KMS (--no-gcp to skip)', allowNo: true }),
    'aws-region': Flags.string({ description: 'AWS regions to read (implies --aws)', multiple: true, delimiter: ',', helpValue: 'REGION' }),
    'azure-subscription': Flags.string({ description: 'Azure subscription ids (implies --azure)', multiple: true, delimiter: ',', helpValue: 'ID' }),
    'gcp-project': Flags.string({ description: 'Google Cloud project ids (implies --gcp)', multiple: true, delimiter: ',', helpValue: 'PROJECT' }),
    jwks: Flags.string({ description: 'a JWKS URL to audit (repeatable)', multiple: true, helpValue: 'URL' }),
    snapshot: Flags.string({ description: 'a snapshot file written by `keyhygiene inventory` (repeatable)', multiple: true, helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyInit);
    if (flags.output !== '-' && existsSync(flags.output) && !flags.force)
      throw new UserError({ message: `${flags.output} already exists.`, hint: 'pass --force to overwrite it, or --output another file' });
    const interactive = flags.output !== '-' && process.stdin.isTTY === true && process.stderr.isTTY === true;
    const { providers, detection } = await chooseProviders(flags, { env: process.env, interactive });
    const text = starterPolicy(providers);
    if (flags.output === '-') {
      process.stdout.write(text);
      return;
    }
    writeOutput(checkOutputPath(flags.output), text);
    const used = chosen(providers);
    const found = detection.found.filter((f) => used.includes(f.provider)).map((f) => `${f.provider} (${f.evidence})`);
    this.log(
      used.length
        ? `wrote ${flags.output}, auditing ${used.join(', ')}${found.length ? `; credentials found: ${found.join(', ')}` : ''}. Next: \`keyhygiene audit${flags.output === 'keyhygiene.yaml' ? '' : ` --policy ${flags.output}`}\`, then name your environments and trust domains in the policy.`
        : `wrote ${flags.output} with no provider: no cloud credentials were found and none was chosen. Set credentials (AWS_PROFILE, az login, gcloud auth application-default login) and rerun with --force, or pass --aws, --azure, --gcp, --jwks URL or --snapshot FILE.`,
    );
  }
}
