import * as Args from '@oclif/core/args';
import { BaseCommand } from '../../cli/base-command.ts';
import { renderSchema, type SchemaName } from '../../schemas.ts';

export default class PolicySchema extends BaseCommand {
  static override summary = 'Print a JSON Schema: the policy (for editors), the inventory snapshot, the JSON result or a framework mapping.';
  static override examples = [
    { description: 'Schema for keyhygiene.yaml (VS Code: "yaml.schemas")', command: '<%= config.bin %> <%= command.id %> > keyhygiene.schema.json' },
    { description: 'Schema of the JSON report', command: '<%= config.bin %> <%= command.id %> result' },
  ];
  static override args = { name: Args.string({ description: 'which schema', options: ['policy', 'inventory', 'result', 'framework'], default: 'policy' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(PolicySchema);
    process.stdout.write(renderSchema(args.name as SchemaName));
  }
}
