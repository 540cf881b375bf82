import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { loadSnapshots } from '../audit.ts';
import { BaseCommand } from '../cli/base-command.ts';
import { policyFlag } from '../cli/flags.ts';
import { ttyProgress } from '../cli/progress.ts';
import { accessLines, explainAccess, findKey } from '../engine/explain-access.ts';
import { collect } from '../index.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';
import { terminalSafe } from '../util/terminal.ts';

export default class ExplainAccess extends BaseCommand {
  static override summary = 'List every principal that can use a key: through which statement, role chain or federation, under which conditions.';
  static override description =
    `For one key, every access entry the audit holds: the principal (users and roles behind a key policy's delegation to IAM, role chains, CI and workload federation, grants, role assignments, IAM bindings), its capabilities, the statement or grant that gives them, the path (\`via\`), the conditions applied, the request conditions assumed met by the caller, and the conditions left UNDECIDED (that access may exist: rules that depend on it report unknown). Each principal is classified by the policy (environment, trust domain; federated identities by the \`ci:\` block).

Without --snapshot the policy's providers are read live (read-only, as \`keyhygiene audit\` does); with --snapshot the inventory is read offline. KEY is a key id (ARN, key URI, resource name), a name or an alias. Exit 0 when the list is complete, 3 when access was not collected or a collection gap hides part of it, 2 when KEY names no key (or several).`;
  static override enableJsonFlag = true;
  static override examples = [
    { description: 'Who can use a key, read live through the policy’s providers', command: '<%= config.bin %> <%= command.id %> alias/token-signing' },
    {
      description: 'From a snapshot, offline',
      command: '<%= config.bin %> <%= command.id %> arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab --snapshot inventory.json',
    },
    {
      description: 'As JSON: only the principals whose access depends on an undecided condition',
      command: `<%= config.bin %> <%= command.id %> alias/token-signing --snapshot inventory.json --json | jq '.paths[] | select(.status == "may-use")'`,
    },
  ];
  static override args = { key: Args.string({ description: 'key id (ARN, key URI, resource name), name or alias', required: true }) };
  static override flags = {
    policy: policyFlag,
    snapshot: Flags.string({ description: 'read the inventory from this snapshot instead of the providers (repeatable)', helpValue: 'FILE', multiple: true }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(ExplainAccess);
    const policy = resolvePolicyFile(flags.policy);
    let inventory: ReturnType<typeof loadSnapshots>;
    if (flags.snapshot?.length) inventory = loadSnapshots(flags.snapshot);
    else {
      const progress = ttyProgress();
      progress.status('collecting inventory…');
      inventory = await collect(policy, { env: process.env, warn: (m) => this.warn(m), progress: progress.update });
      progress.done();
    }
    const explanation = explainAccess(inventory, policy, findKey(inventory, args.key));
    if (!explanation.collected || explanation.gaps.length) process.exitCode = 3;
    if (!this.jsonEnabled()) for (const line of accessLines(explanation)) this.log(terminalSafe(line));
    return { ...explanation };
  }
}
