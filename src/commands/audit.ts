import * as Flags from '@oclif/core/flags';
import { auditExtraFlags } from '../cli/audit-extras.ts';
import { BaseCommand, EXIT_CODE_HELP } from '../cli/base-command.ts';
import { exampleFlag, policyFlag } from '../cli/flags.ts';
import { historyFlags } from '../cli/history-run.ts';
import { reportFlags } from '../cli/report-output.ts';
import { runAudit } from '../cli/run-audit.ts';
import { SEVERITIES } from '../model/common.ts';

const choices = (flag: { options?: readonly string[] }): string => (flag.options ?? []).join('|');

export default class Audit extends BaseCommand {
  static override summary = 'Audit keys against a policy and report what fails.';
  static override description =
    `Collects the inventory with the providers your policy configures (or reads --snapshot files), classifies every key and principal, evaluates every enabled rule and writes the reports.

--iac FILE audits plans and templates with the policy's classification and rules instead of the live providers (the policy's \`iac:\` block supplies account, region and the rest).

Each --format goes to the --output at the same position, or under --output-dir with its default name (keyhygiene.json, keyhygiene.sarif, …); a format with neither goes to stdout (only one may).

ENVIRONMENT
  A CI job can set flags through variables (a flag on the command line wins): KEYHYGIENE_POLICY, KEYHYGIENE_FAIL_ON, KEYHYGIENE_OUTPUT_DIR, KEYHYGIENE_ALLOW_INCOMPLETE, KEYHYGIENE_BASELINE, KEYHYGIENE_NOW, KEYHYGIENE_SARIF_CATEGORY, and comma-separated lists KEYHYGIENE_FORMAT, KEYHYGIENE_FRAMEWORK, KEYHYGIENE_SEVERITY, KEYHYGIENE_RULE, KEYHYGIENE_SKIP_RULE.

${EXIT_CODE_HELP}`;

  // Written out: oclif derives `[--changed-only [--iac FILE... | -s FILE...]]` from dependsOn/exclusive, which reads as if
  // --iac were an option of --changed-only and --changed-only worked with --snapshot.
  static override usage = [
    `<%= command.id %> [--debug] [-p FILE] [-s FILE... | --iac FILE... [--changed-only]] [--example NAME] [-f ${choices(reportFlags.format)}...]`,
    `[-o FILE...] [-d DIR] [--sarif-category NAME] [--fail-on ${choices(auditExtraFlags['fail-on'])}] [--allow-incomplete] [--include-passed]`,
    `[--report-limit N] [--now TIME] [--json] [--framework ID...] [--severity ${SEVERITIES.join('|')}...] [--rule ID...] [--skip-rule ID...]`,
    '[--baseline FILE] [--evidence DIR [--evidence-key FILE]] [--history FILE]',
  ].join(' ');

  static override examples = [
    { description: 'Audit the bundled Storm-0558 example estate', command: '<%= config.bin %> <%= command.id %> --example storm-0558' },
    { description: 'Audit with ./keyhygiene.yaml and fail only on critical findings', command: '<%= config.bin %> <%= command.id %> --fail-on critical' },
    {
      description: 'Re-evaluate a saved snapshot offline, as of the moment it was taken',
      command: '<%= config.bin %> <%= command.id %> --snapshot inventory.json --now snapshot',
    },
    {
      description: 'Gate a pull request: audit what a Terraform plan would create or change, SARIF for code scanning',
      command: 'terraform show -json plan.out | <%= config.bin %> <%= command.id %> --iac - --changed-only --format sarif --output keyhygiene.sarif',
    },
    {
      description: 'Audit a CloudFormation/CDK template and an ARM template (bicep build)',
      command: '<%= config.bin %> <%= command.id %> --iac cdk.out/App.template.json --iac main.json',
    },
    {
      description: 'Every report a CI job keeps, under one directory',
      command: '<%= config.bin %> <%= command.id %> --format json,sarif,html,markdown --output-dir keyhygiene-report',
    },
    {
      description: 'Only the rotation rules, skipping one, at high severity and above',
      command: '<%= config.bin %> <%= command.id %> --rule key-material-max-age,automatic-rotation --severity critical,high',
    },
    {
      description: 'JSON to a file and Markdown to stdout (e.g. a GitHub job summary)',
      command: '<%= config.bin %> <%= command.id %> --format json --output result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    },
    {
      description: 'Scheduled run: keep a history, send OCSF to the data lake, HTML with a trend chart',
      command: '<%= config.bin %> <%= command.id %> --history keyhygiene-history.db --format ocsf --output run.ocsf.jsonl --format html --output report.html',
    },
    {
      description: 'A million keys: the full list as JSON, a readable HTML report of the first 500 root causes and findings',
      command:
        '<%= config.bin %> <%= command.id %> --snapshot big.json --format json --output result.json --format html --output report.html --report-limit 500',
    },
  ];

  static override flags = {
    policy: policyFlag,
    snapshot: Flags.string({
      char: 's',
      description: 'audit these snapshot files instead of running providers (- reads standard input)',
      multiple: true,
      helpValue: 'FILE',
    }),
    iac: Flags.string({
      description:
        'audit these Terraform plans (terraform show -json), CloudFormation/CDK or ARM templates before deployment, instead of the live providers (- reads standard input)',
      multiple: true,
      helpValue: 'FILE',
      exclusive: ['snapshot'],
    }),
    'changed-only': Flags.boolean({ description: 'with --iac: evaluate only resources the plan creates, updates or replaces', dependsOn: ['iac'] }),
    example: exampleFlag,
    ...reportFlags,
    framework: Flags.string({
      description: 'add a per-control summary for this framework to every report (repeatable; see `keyhygiene frameworks list`)',
      multiple: true,
      delimiter: ',',
      helpValue: 'ID',
    }),
    severity: Flags.string({
      description: 'run only the rules whose severity (in this policy) is listed (repeatable or comma-separated)',
      options: [...SEVERITIES],
      multiple: true,
      delimiter: ',',
    }),
    rule: Flags.string({ description: 'run only these rules (repeatable or comma-separated)', multiple: true, delimiter: ',', helpValue: 'ID' }),
    'skip-rule': Flags.string({ description: 'do not run these rules (repeatable or comma-separated)', multiple: true, delimiter: ',', helpValue: 'ID' }),
    ...auditExtraFlags,
    ...historyFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Audit);
    const { exitCode } = await runAudit(flags, { warn: (m) => this.warn(m) });
    process.exitCode = exitCode;
  }
}
