import { existsSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.ts';
import { UserError } from '../../errors.ts';
import { STARTER_POLICY } from '../../policy/starter.ts';
import { checkOutputPath, writeOutput } from '../../util/output-writer.ts';

export default class PolicyInit extends BaseCommand {
  static override summary = 'Write a commented starter policy.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --output policies/prod.yaml',
    '<%= config.bin %> <%= command.id %> --output - > keyhygiene.yaml',
  ];
  static override flags = {
    output: Flags.string({ char: 'o', description: 'file to write, or - for stdout', default: 'keyhygiene.yaml', helpValue: 'FILE' }),
    force: Flags.boolean({ description: 'overwrite an existing file' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(PolicyInit);
    if (flags.output === '-') {
      process.stdout.write(STARTER_POLICY);
      return;
    }
    if (existsSync(flags.output) && !flags.force)
      throw new UserError({ message: `${flags.output} already exists.`, hint: 'pass --force to overwrite it, or --output another file' });
    writeOutput(checkOutputPath(flags.output), STARTER_POLICY);
    this.log(
      `wrote ${flags.output}. Next: edit the environments and trust domains, point providers: at your clouds (aws, azure, jwks, artifacts) or a snapshot, then run \`keyhygiene policy validate\` and \`keyhygiene audit\`.`,
    );
  }
}
