// The audit as `keyhygiene audit` and the GitHub Action run it: flags in, reports written, exit code out.
// The steps are the library's (src/index.ts), so the CLI, the Action and `import('keyhygiene')` agree.
import { withSnapshots } from '../audit.ts';
import { exitCodeFor, type FailOn } from '../engine/exit-code.ts';
import type { AuditResult } from '../engine/result.ts';
import { complianceView } from '../frameworks/compliance.ts';
import { loadFramework } from '../frameworks/load.ts';
import { collect, evaluatePolicy, loadPolicy } from '../index.ts';
import { stdinOnce } from '../util/stdin-path.ts';
import { applyAuditExtras, prepareAuditExtras, writeAuditEvidence } from './audit-extras.ts';
import { examplePolicy, parseNow } from './flags.ts';
import { openAuditHistory, recordAuditHistory } from './history-run.ts';
import { withIacFiles } from './iac-files.ts';
import { ttyProgress } from './progress.ts';
import { listFromEnv, plannedFiles, planReports, type ReportFlags, writeReports } from './report-output.ts';
import { selectRules } from './rule-selection.ts';

export interface AuditFlags extends ReportFlags {
  policy: string;
  snapshot?: string[];
  example?: string;
  framework?: string[];
  'fail-on': string;
  'allow-incomplete'?: boolean;
  'include-passed'?: boolean;
  now?: string;
  baseline?: string;
  evidence?: string;
  'evidence-key'?: string;
  severity?: string[];
  rule?: string[];
  'skip-rule'?: string[];
  history?: string;
  iac?: string[];
  'changed-only'?: boolean;
}

export interface AuditOutcome {
  result: AuditResult;
  exitCode: number;
  /** The report files written, by format. */
  files: Record<string, string>;
}

/** Run one audit: check inputs, collect (or read snapshots), evaluate, write reports. Throws UserError on bad input. */
export async function runAudit(flags: AuditFlags, io: { warn: (m: string) => void; env?: NodeJS.ProcessEnv }): Promise<AuditOutcome> {
  const env = io.env ?? process.env;
  const plan = planReports(flags, env);
  // Every flag is checked before anything is collected or written: a bad --now is exit 2 now, not after collection.
  if (flags.now !== undefined && flags.now !== 'snapshot') parseNow(flags.now, () => '');
  const policyFile = flags.example ? examplePolicy(flags.example) : flags.policy;
  const frameworks = (listFromEnv(flags.framework, 'KEYHYGIENE_FRAMEWORK', env) ?? []).map((id) => loadFramework(id));
  stdinOnce([
    ['--snapshot', flags.snapshot],
    ['--iac', flags.iac],
  ]);
  const policy = selectRules(withIacFiles(loadPolicy(policyFile), flags.iac, flags['changed-only']), {
    severity: listFromEnv(flags.severity, 'KEYHYGIENE_SEVERITY', env),
    rule: listFromEnv(flags.rule, 'KEYHYGIENE_RULE', env),
    skipRule: listFromEnv(flags['skip-rule'], 'KEYHYGIENE_SKIP_RULE', env),
  });
  const extras = prepareAuditExtras(flags, policy);
  const history = await openAuditHistory(flags.history);
  const progress = ttyProgress();
  progress.status('collecting inventory…');
  const source = flags.snapshot?.length ? withSnapshots(policy, flags.snapshot) : policy;
  const inventory = await collect(source, { env, warn: io.warn, progress: progress.update });
  progress.done();
  const now = parseNow(flags.now ?? (flags.example ? 'snapshot' : undefined), () => inventory.generatedAt);
  // Without --history or --evidence nothing reads the inventory after evaluation: its records are
  // released as they are evaluated, so a large audit does not hold the inventory and all its results.
  const release = !flags.history && !flags.evidence;
  const audited = evaluatePolicy(inventory, policy, { now, includePassed: flags['include-passed'] === true, release });
  if (frameworks.length) audited.compliance = complianceView(audited, frameworks);
  const result = applyAuditExtras(audited, extras);

  const trend = history && flags.history ? recordAuditHistory(history, flags.history, { result, policy, inventory }) : undefined;
  writeReports(result, plan, trend ? { trend } : {});
  writeAuditEvidence(extras, { inventory, policy, result });
  const exitCode = exitCodeFor(result, { failOn: flags['fail-on'] as FailOn, allowIncomplete: flags['allow-incomplete'] === true });
  return { result, exitCode, files: plannedFiles(plan) };
}
