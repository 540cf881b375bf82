import * as Args from '@oclif/core/args';
import { BaseCommand } from '../cli/base-command.ts';
import { UserError } from '../errors.ts';
import { PROVIDER_IDS, PROVIDERS } from '../providers/index.ts';
import { PUBLISH_OPERATIONS, publishPermissions } from '../publish/security-hub/permissions.ts';
import { suggestion } from '../util/did-you-mean.ts';

const PUBLISH_SECURITY_HUB = 'publish-security-hub';

export default class Permissions extends BaseCommand {
  static override summary = 'Print the least-privilege permissions a provider needs: exactly the read operations it may call.';
  static override description =
    'Every provider holds an allowlist of read-only operations and refuses any other call; this prints that list as a document you can attach to the identity the audit runs as.';
  static override examples = [
    { description: 'IAM policy for the AWS provider', command: '<%= config.bin %> <%= command.id %> aws > keyhygiene-audit-policy.json' },
    { description: 'Azure custom role definition', command: '<%= config.bin %> <%= command.id %> azure' },
    { description: 'IAM policy for publishing to Security Hub (writes findings)', command: '<%= config.bin %> <%= command.id %> publish-security-hub' },
    {
      description: 'Entra ID logging: the ARM read actions (tenant diagnostic settings, workspaces, tables) and the Graph permission for subscribedSkus',
      command: '<%= config.bin %> <%= command.id %> entra',
    },
  ];
  static override args = { provider: Args.string({ description: 'provider id, or publish-security-hub', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Permissions);
    if (args.provider === PUBLISH_SECURITY_HUB) {
      const doc = publishPermissions();
      process.stderr.write(
        `# IAM policy for \`keyhygiene publish security-hub\` (the only command that writes to a cloud: ${PUBLISH_OPERATIONS.join(', ')})\n`,
      );
      for (const n of doc.notes) process.stderr.write(`# ${n}\n`);
      process.stdout.write(`${JSON.stringify(doc.document, null, 2)}\n`);
      return;
    }
    const load = PROVIDERS[args.provider];
    if (!load)
      throw new UserError({
        message: `unknown provider "${args.provider}".${suggestion(args.provider, PROVIDER_IDS)}`,
        expected: `one of: ${[...PROVIDER_IDS, PUBLISH_SECURITY_HUB].join(', ')}`,
      });
    const provider = await load();
    const doc = provider.permissions?.();
    if (!doc) {
      this.log(`${provider.id} needs no cloud permissions. It performs only: ${provider.operations.join(', ')}`);
      return;
    }
    process.stderr.write(`# ${doc.kind} for keyhygiene's ${provider.id} provider (${provider.operations.length} read-only operations)\n`);
    for (const n of doc.notes ?? []) process.stderr.write(`# ${n}\n`);
    process.stdout.write(`${JSON.stringify(doc.document, null, 2)}\n`);
  }
}
