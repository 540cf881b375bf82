import { Flags } from '@oclif/core';
import { auditInventory, collectInventory, loadSnapshots } from '../audit.ts';
import { applyAuditExtras, auditExtraFlags, prepareAuditExtras, writeAuditEvidence } from '../cli/audit-extras.ts';
import { BaseCommand, EXIT_CODE_HELP } from '../cli/base-command.ts';
import { exampleFlag, examplePolicy, parseNow, policyFlag } from '../cli/flags.ts';
import { historyFlags, openAuditHistory, recordAuditHistory } from '../cli/history-run.ts';
import { withIacFiles } from '../cli/iac-files.ts';
import { ttyProgress } from '../cli/progress.ts';
import { planReports, reportFlags, writeReports } from '../cli/report-output.ts';
import { exitCodeFor, type FailOn } from '../engine/exit-code.ts';
import { complianceView } from '../frameworks/compliance.ts';
import { loadFramework } from '../frameworks/load.ts';
import { resolvePolicyFile } from '../policy/resolve.ts';

export default class Audit extends BaseCommand {
  static override summary = 'Audit keys against a policy and report what fails.';
  static override description =
    `Collects the inventory with the providers your policy configures (or reads --snapshot files), classifies every key and principal, evaluates every enabled rule and writes the reports.

--iac FILE audits plans and templates with the policy's classification and rules instead of the live providers (the policy's \`iac:\` block supplies account, region and the rest).

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
      description: 'Gate a pull request: audit what a Terraform plan would create or change, SARIF for code scanning',
      command:
        'terraform show -json plan.out > plan.json && <%= config.bin %> <%= command.id %> --iac plan.json --changed-only --format sarif --output keyhygiene.sarif',
    },
    {
      description: 'Audit a CloudFormation/CDK template and an ARM template (bicep build)',
      command: '<%= config.bin %> <%= command.id %> --iac cdk.out/App.template.json --iac main.json',
    },
    {
      description: 'JSON to a file and Markdown to stdout (e.g. a GitHub job summary)',
      command: '<%= config.bin %> <%= command.id %> --format json --output result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    },
    {
      description: 'Scheduled run: keep a history, send OCSF to the data lake, HTML with a trend chart',
      command: '<%= config.bin %> <%= command.id %> --history keyhygiene-history.db --format ocsf --output run.ocsf.jsonl --format html --output report.html',
    },
  ];

  static override flags = {
    policy: policyFlag,
    snapshot: Flags.string({ char: 's', description: 'audit these snapshot files instead of running providers', multiple: true, helpValue: 'FILE' }),
    iac: Flags.string({
      description: 'audit these Terraform plans (terraform show -json), CloudFormation/CDK or ARM templates before deployment, instead of the live providers',
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
      helpValue: 'ID',
    }),
    ...auditExtraFlags,
    ...historyFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Audit);
    const plan = planReports(flags);
    // Every flag is checked before anything is collected or written: a bad --now is exit 2 now, not after collection.
    if (flags.now !== undefined && flags.now !== 'snapshot') parseNow(flags.now, () => '');

    const policyFile = flags.example ? examplePolicy(flags.example) : flags.policy;
    const frameworks = (flags.framework ?? []).map((id) => loadFramework(id));
    const policy = withIacFiles(resolvePolicyFile(policyFile), flags.iac, flags['changed-only']);
    const extras = prepareAuditExtras(flags, policy);
    const history = await openAuditHistory(flags.history);
    const progress = ttyProgress();
    const probe = new Date();
    progress.status('collecting inventory…');
    const inventory = flags.snapshot?.length
      ? loadSnapshots(flags.snapshot, probe.toISOString())
      : await collectInventory(policy, { now: probe, warn: (m) => this.warn(m), progress: progress.update });
    progress.done();
    const now = parseNow(flags.now ?? (flags.example ? 'snapshot' : undefined), () => inventory.generatedAt);
    const audited = auditInventory(inventory, policy, now, flags['include-passed']);
    if (frameworks.length) audited.compliance = complianceView(audited, frameworks);
    const result = applyAuditExtras(audited, extras);

    const trend = history && flags.history ? recordAuditHistory(history, flags.history, { result, policy, inventory }) : undefined;
    writeReports(result, plan, trend ? { trend } : {});
    writeAuditEvidence(extras, { inventory, policy, result });
    process.exitCode = exitCodeFor(result, { failOn: flags['fail-on'] as FailOn, allowIncomplete: flags['allow-incomplete'] });
  }
}
