import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base-command.ts';
import { policyFlag } from '../../cli/flags.ts';
import { UserError } from '../../errors.ts';
import { resolvePolicyFile } from '../../policy/resolve.ts';

export default class PolicyValidate extends BaseCommand {
  static override summary = 'Check a policy file and everything it extends; print what it resolves to.';
  static override description = 'Exits 0 when the policy is valid, 2 with one message per problem (file:line:column, what was expected, how to fix) when not.';
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> policies/prod.yaml --json',
    '<%= config.bin %> <%= command.id %> --policy policies/prod.yaml   # the flag audit takes (and KEYHYGIENE_POLICY)',
  ];
  static override args = { file: Args.string({ description: 'policy file (default: --policy, KEYHYGIENE_POLICY, or keyhygiene.yaml)' }) };
  static override flags = { policy: policyFlag };

  async run(): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(PolicyValidate);
    const file = args.file ?? flags.policy;
    if (args.file !== undefined && flags.policy !== policyFlag.default && args.file !== flags.policy) {
      throw new UserError({
        message: `two policy files were named: ${args.file} (argument) and ${flags.policy} (--policy or KEYHYGIENE_POLICY).`,
        hint: 'name one policy file: as the argument or with --policy',
      });
    }
    const p = resolvePolicyFile(file);
    const summary = {
      file,
      valid: true,
      extends: p.extends,
      environments: Object.keys(p.environments).sort(),
      trustDomains: Object.keys(p.trustDomains).sort(),
      keyClasses: Object.keys(p.keyClasses).sort(),
      providers: Object.keys(p.providers).sort(),
      rules: Object.fromEntries([...p.rules].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, r]) => [id, r.severity])),
      waivers: p.waivers.length,
    };
    if (!this.jsonEnabled()) {
      this.log(`${file} is valid.`);
      this.log(`  extends:       ${p.extends.slice(0, -1).join(', ') || '(nothing)'}`);
      this.log(`  environments:  ${summary.environments.join(', ') || '(none)'}`);
      this.log(`  trust domains: ${summary.trustDomains.join(', ') || '(none)'}`);
      this.log(`  key classes:   ${summary.keyClasses.join(', ') || '(none)'}`);
      this.log(`  providers:     ${summary.providers.join(', ') || '(none)'}`);
      this.log(`  rules enabled: ${p.rules.size}; waivers: ${p.waivers.length}`);
    }
    return summary;
  }
}
