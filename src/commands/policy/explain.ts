import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { loadSnapshots } from '../../audit.ts';
import { BaseCommand } from '../../cli/base-command.ts';
import { policyFlag } from '../../cli/flags.ts';
import { explain, explanationLines, findSubject } from '../../engine/explain.ts';
import { resolvePolicyFile } from '../../policy/resolve.ts';

export default class PolicyExplain extends BaseCommand {
  static override summary = 'Show how the policy classifies a key, published key or principal, and by which matcher.';
  static override description =
    `Lists every environment, trust domain and key class whose matchers match SUBJECT (naming each matcher, e.g. environments.debug.match[1]), then what was decided: the only match, the first in \`precedence:\`, AMBIGUOUS (verdicts that depend on it are unknown), or the \`unclassified:\` placement.

SUBJECT is looked up in the --snapshot inventory as a key (id, name or alias), a published key (id or kid) or a principal of an access entry (id or name). Not found, or without --snapshot, it is taken as a principal id (an AWS ARN gives its account), so a policy can be tried before any inventory exists.`;
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> <%= command.id %> arn:aws:iam::111111111111:role/debug-shell',
    '<%= config.bin %> <%= command.id %> alias/token-signing --snapshot inventory.json --policy keyhygiene.yaml',
    '<%= config.bin %> <%= command.id %> https://login.example.com/keys#k1 --snapshot inventory.json --json',
  ];
  static override args = { subject: Args.string({ description: 'key id/name/alias, published key id or kid, or principal id/name', required: true }) };
  static override flags = {
    policy: policyFlag,
    snapshot: Flags.string({ description: 'inventory snapshot to find the subject in (repeatable)', helpValue: 'FILE', multiple: true }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(PolicyExplain);
    const policy = resolvePolicyFile(flags.policy);
    const inventory = flags.snapshot?.length ? loadSnapshots(flags.snapshot) : undefined;
    const explanation = explain(policy, findSubject(args.subject, inventory));
    if (!this.jsonEnabled()) for (const line of explanationLines(explanation)) this.log(line);
    return { ...explanation };
  }
}
