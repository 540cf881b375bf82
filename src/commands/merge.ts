import * as Flags from '@oclif/core/flags';
import { loadSnapshots } from '../audit.ts';
import { BaseCommand } from '../cli/base-command.ts';
import { UserError } from '../errors.ts';
import { jsonChunks } from '../util/json-stream.ts';
import { checkOutputPath, writeOutput } from '../util/output-writer.ts';

export default class MergeCommand extends BaseCommand {
  static override summary = 'Merge part snapshots (inventory --shard K/N) into one inventory snapshot.';
  static override description =
    'Identical duplicates collapse; records that differ under one id become a collection gap (their subject is then unknown); a shard of the split that is missing becomes a gap naming the units it held. `audit --snapshot part-1.json … part-N.json` merges the same way; this command writes the merged snapshot once, for several audits or an evidence bundle. Snapshots of any size are streamed.';
  static override examples = [
    { description: 'Merge the parts of an 8-way matrix', command: '<%= config.bin %> <%= command.id %> parts/part-*.json --output inventory.json' },
    { description: 'Then audit the whole', command: '<%= config.bin %> audit --snapshot inventory.json --now snapshot' },
  ];
  // The parts are argv (strict: false), which oclif's derived USAGE leaves out.
  static override usage = '<%= command.id %> PART... -o FILE [--debug]';
  static override strict = false;
  static override flags = {
    output: Flags.string({ char: 'o', description: 'merged snapshot file to write', required: true, helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(MergeCommand);
    const files = argv as string[];
    if (files.length === 0)
      throw new UserError({ message: 'no snapshot to merge.', hint: 'give the part files: keyhygiene merge part-*.json --output inventory.json' });
    const target = checkOutputPath(flags.output);
    const inventory = loadSnapshots(files);
    writeOutput(target, jsonChunks(inventory));
    process.stderr.write(
      `wrote ${flags.output}: ${files.length} snapshots, ${inventory.keys.length} keys, ${inventory.trails.length} trails, ${inventory.gaps.length} collection gaps\n`,
    );
    if (inventory.gaps.length) process.exitCode = 3;
  }
}
