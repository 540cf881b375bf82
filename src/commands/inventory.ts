import * as Flags from '@oclif/core/flags';
import { collectInventory, planUnits } from '../audit.ts';
import { BaseCommand } from '../cli/base-command.ts';
import { policyFlag } from '../cli/flags.ts';
import { ttyProgress } from '../cli/progress.ts';
import { UserError } from '../errors.ts';
import { readShardPlan, splitUnits } from '../inventory/plan.ts';
import { parseShard, ShardUnits } from '../inventory/shard.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';
import { jsonChunks } from '../util/json-stream.ts';
import { checkOutputPath, writeOutput } from '../util/output-writer.ts';

export default class InventoryCommand extends BaseCommand {
  static override summary = "Collect the inventory with the policy's providers and write a snapshot; evaluate nothing.";
  static override description =
    'The snapshot is versioned JSON (schemas/inventory.schema.json). `keyhygiene audit --snapshot FILE` re-evaluates it offline, with no API call, so an auditor can re-check evidence and a policy change costs nothing.\n\nLarge estates split the collection over a CI matrix or a Kubernetes Indexed Job: `--shard K/N` collects one deterministic part (units: AWS account × region, Azure vault or managed HSM, GCP project (× location when the policy names them), JWKS issuer or key set; other providers whole), `--plan-shards N` lists the units once and prints the matrix, and `keyhygiene merge` or `audit --snapshot part-*.json` joins the parts (a missing part is a collection gap naming its units). See docs/scale.md.';
  static override examples = [
    { description: 'Snapshot everything ./keyhygiene.yaml covers', command: '<%= config.bin %> <%= command.id %> --output inventory.json' },
    { description: 'Audit it later, as of the moment it was taken', command: '<%= config.bin %> audit --snapshot inventory.json --now snapshot' },
    {
      description: 'Collect part 2 of 8 (units split by a hash of their names)',
      command: '<%= config.bin %> <%= command.id %> --shard 2/8 --output part-2.json',
    },
    {
      description: 'In a Kubernetes Indexed Job or an AWS Batch array job of 8',
      command: '<%= config.bin %> <%= command.id %> --shard auto --shard-count 8 --output /out/part.json',
    },
    {
      description: 'List the units once (one Organizations walk), print the GitHub Actions matrix, write the plan',
      command: '<%= config.bin %> <%= command.id %> --plan-shards 8 --output plan.json',
    },
    {
      description: 'Collect one planned shard without walking the organisation',
      command: '<%= config.bin %> <%= command.id %> --shard-plan plan.json --shard 3/8 --output part-3.json',
    },
  ];
  // Written out: oclif derives `[--shard-plan FILE [--shard K/N|auto | --plan-shards N]]` from dependsOn/exclusive,
  // which reads as if --shard needed --shard-plan.
  static override usage = '<%= command.id %> -o FILE [--debug] [-p FILE] [--shard K/N|auto [--shard-count N] [--shard-plan FILE] | --plan-shards N]';
  static override flags = {
    policy: policyFlag,
    output: Flags.string({ char: 'o', description: 'snapshot (or, with --plan-shards, plan) file to write', required: true, helpValue: 'FILE' }),
    shard: Flags.string({
      description:
        'collect only part K of N (1-based, as Playwright\'s --shard), or "auto": K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (0-based) and N from --shard-count',
      helpValue: 'K/N|auto',
      exclusive: ['plan-shards'],
    }),
    'shard-count': Flags.integer({ description: 'N for --shard auto', min: 1, helpValue: 'N' }),
    'shard-plan': Flags.string({
      description: 'the plan written by --plan-shards: this shard reads its listed units, with no Organizations walk',
      helpValue: 'FILE',
      dependsOn: ['shard'],
    }),
    'plan-shards': Flags.integer({
      description: 'list the collection units once, split them over N shards, write the plan to --output and print the GitHub Actions matrix (JSON) on stdout',
      min: 1,
      helpValue: 'N',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(InventoryCommand);
    const target = checkOutputPath(flags.output);
    const policy = resolvePolicyFile(flags.policy);
    const now = new Date();
    if (flags['plan-shards']) {
      const plan = splitUnits(
        await planUnits(policy, { now: () => now, env: process.env, warn: (m) => this.warn(m) }),
        flags['plan-shards'],
        now.toISOString(),
      );
      writeOutput(target, jsonChunks(plan));
      process.stdout.write(`${JSON.stringify(plan.matrix)}\n`);
      process.stderr.write(`wrote ${flags.output}: ${plan.shards.reduce((n, s) => n + s.units.length, 0)} units over ${plan.count} shards\n`);
      return;
    }
    const shard = flags.shard ? this.shardUnits(flags.shard, flags['shard-count'], flags['shard-plan']) : undefined;
    const progress = ttyProgress();
    const inventory = await collectInventory(policy, { now, warn: (m) => this.warn(m), progress: progress.update, ...(shard ? { shard } : {}) });
    progress.done();
    writeOutput(target, jsonChunks(inventory));
    process.stderr.write(
      `wrote ${flags.output}${shard ? ` (shard ${shard.spec.index}/${shard.spec.count})` : ''}: ${inventory.keys.length} keys, ${inventory.trails.length} trails, ${inventory.publishedKeys.length} published keys, ${inventory.artifacts.length} artifact findings, ${inventory.gaps.length} collection gaps\n`,
    );
    if (inventory.gaps.length) process.exitCode = 3;
  }

  private shardUnits(value: string, count: number | undefined, planFile: string | undefined): ShardUnits {
    const spec = parseShard(value, count, process.env);
    if (!planFile) return new ShardUnits(spec);
    const plan = readShardPlan(planFile);
    if (plan.count !== spec.count)
      throw new UserError({
        file: planFile,
        message: `the plan splits the units over ${plan.count} shards, not ${spec.count}.`,
        hint: `run --shard K/${plan.count}`,
      });
    return new ShardUnits({ ...spec, plan: plan.owners });
  }
}
