import { Flags } from '@oclif/core';
import { auditInventory, collectInventory, loadSnapshots } from '../audit.ts';
import { BaseCommand, EXIT_CODE_HELP } from '../cli/base-command.ts';
import { exampleFlag, examplePolicy, nowFlag, parseNow, policyFlag } from '../cli/flags.ts';
import { checkOutputPath, useColor, writeFileAtomic } from '../cli/output.ts';
import { exitCodeFor, type FailOn } from '../engine/exit-code.ts';
import { UserError } from '../errors.ts';
import { SEVERITIES } from '../model/common.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';
import { FORMAT_IDS, findReporter } from '../report/index.ts';
import { reportMeta } from '../report/meta.ts';

export default class Audit extends BaseCommand {
  static override summary = 'Audit keys against a policy and report what fails.';
  static override description =
    `Collects the inventory with the providers your policy configures (or reads --snapshot files), classifies every key and principal, evaluates every enabled rule and writes the reports.

Each --format goes to the --output at the same position; a format without one goes to stdout (only one may).

${EXIT_CODE_HELP}`;

  static override examples = [
    { description: 'Audit the bundled Storm-0558 example estate', command: '<%= config.bin %> <%= command.id %> --example storm-0558' },
    { description: 'Audit with ./keyhygiene.yaml and fail only on critical findings', command: '<%= config.bin %> <%= command.id %> --fail-on critical' },
    {
      description: 'Re-evaluate a saved snapshot offline, as of the moment it was taken',
      command: '<%= config.bin %> <%= command.id %> --snapshot inventory.json --now snapshot',
    },
    {
      description: 'JSON to a file and Markdown to stdout (e.g. a GitHub job summary)',
      command: '<%= config.bin %> <%= command.id %> --format json --output result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    },
  ];

  static override flags = {
    policy: policyFlag,
    snapshot: Flags.string({ char: 's', description: 'audit these snapshot files instead of running providers', multiple: true, helpValue: 'FILE' }),
    example: exampleFlag,
    format: Flags.string({ char: 'f', description: 'report format (repeatable)', options: FORMAT_IDS, multiple: true, helpValue: 'FORMAT' }),
    output: Flags.string({ char: 'o', description: 'write the format at the same position to FILE (repeatable)', multiple: true, helpValue: 'FILE' }),
    'fail-on': Flags.string({
      description: 'lowest severity that makes the exit code 1',
      options: [...SEVERITIES.filter((s) => s !== 'info'), 'none'],
      default: 'high',
    }),
    'allow-incomplete': Flags.boolean({ description: 'exit 0 or 1 even when data could not be read (gaps stay in the report)' }),
    'include-passed': Flags.boolean({ description: 'list passing results too, not only their counts' }),
    now: nowFlag,
    json: Flags.boolean({ description: 'shortcut for --format json to stdout' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Audit);
    const formats = [...(flags.format ?? [])];
    if (flags.json) formats.push('json');
    if (formats.length === 0) formats.push('text');
    const outputs = flags.output ?? [];
    if (outputs.length > formats.length) {
      throw new UserError({
        message: `${outputs.length} --output given for ${formats.length} --format.`,
        hint: 'give one --format per --output, in the same order',
      });
    }
    const toStdout = formats.slice(outputs.length);
    if (toStdout.length > 1) {
      throw new UserError({ message: `formats ${toStdout.join(' and ')} would all go to stdout.`, hint: 'add an --output FILE for each format but one' });
    }
    for (const o of outputs) checkOutputPath(o);

    const policyFile = flags.example ? examplePolicy(flags.example) : flags.policy;
    const policy = resolvePolicyFile(policyFile);
    const progress = process.stderr.isTTY && !process.env.CI ? (msg: string) => process.stderr.write(`\r\u001b[2K${msg}`) : undefined;
    const probe = new Date();
    progress?.('collecting inventory…');
    const inventory = flags.snapshot?.length
      ? loadSnapshots(flags.snapshot, probe.toISOString())
      : await collectInventory(policy, { now: probe, warn: (m) => this.warn(m) });
    progress?.('');
    const now = parseNow(flags.now ?? (flags.example ? 'snapshot' : undefined), () => inventory.generatedAt);
    const result = auditInventory(inventory, policy, now, flags['include-passed']);

    const meta = reportMeta({ color: false });
    formats.forEach((format, i) => {
      const reporter = findReporter(format);
      if (!reporter) throw new UserError({ message: `unknown format ${format}`, expected: FORMAT_IDS.join(', ') });
      const out = outputs[i];
      if (out) writeFileAtomic(out, reporter.render(result, meta));
      else process.stdout.write(reporter.render(result, { ...meta, color: useColor(process.stdout), width: process.stdout.columns }));
    });
    process.exitCode = exitCodeFor(result, { failOn: flags['fail-on'] as FailOn, allowIncomplete: flags['allow-incomplete'] });
  }
}
