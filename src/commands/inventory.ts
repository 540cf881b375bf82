import { Flags } from '@oclif/core';
import { collectInventory } from '../audit.ts';
import { BaseCommand } from '../cli/base-command.ts';
import { policyFlag } from '../cli/flags.ts';
import { ttyProgress } from '../cli/progress.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';
import { jsonChunks } from '../util/json-stream.ts';
import { checkOutputPath, writeOutput } from '../util/output-writer.ts';

export default class InventoryCommand extends BaseCommand {
  static override summary = "Collect the inventory with the policy's providers and write a snapshot; evaluate nothing.";
  static override description =
    'The snapshot is versioned JSON (schemas/inventory.schema.json). `keyhygiene audit --snapshot FILE` re-evaluates it offline, with no API call, so an auditor can re-check evidence and a policy change costs nothing.';
  static override examples = [
    { description: 'Snapshot everything ./keyhygiene.yaml covers', command: '<%= config.bin %> <%= command.id %> --output inventory.json' },
    { description: 'Audit it later, as of the moment it was taken', command: '<%= config.bin %> audit --snapshot inventory.json --now snapshot' },
  ];
  static override flags = {
    policy: policyFlag,
    output: Flags.string({ char: 'o', description: 'snapshot file to write', required: true, helpValue: 'FILE' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(InventoryCommand);
    const target = checkOutputPath(flags.output);
    const policy = resolvePolicyFile(flags.policy);
    const progress = ttyProgress();
    const inventory = await collectInventory(policy, { now: new Date(), warn: (m) => this.warn(m), progress: progress.update });
    progress.done();
    writeOutput(target, jsonChunks(inventory));
    process.stderr.write(
      `wrote ${flags.output}: ${inventory.keys.length} keys, ${inventory.trails.length} trails, ${inventory.publishedKeys.length} published keys, ${inventory.artifacts.length} artifact findings, ${inventory.gaps.length} collection gaps\n`,
    );
    if (inventory.gaps.length) process.exitCode = 3;
  }
}
