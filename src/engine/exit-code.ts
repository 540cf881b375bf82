import { EXIT } from '../errors.ts';
import { type Severity, severityRank } from '../model/common.ts';
import type { AuditResult } from './result.ts';
import { eachResult } from './result-view.ts';

/** A severity threshold, 'none', or 'new': only failures a baseline did not have (see engine/baseline.ts). */
export type FailOn = Severity | 'none' | 'new';

export interface ExitPolicy {
  failOn: FailOn;
  allowIncomplete: boolean;
}

/**
 * 1 when a failure is at or above the threshold (findings are never masked by an incomplete
 * audit); else 3 when the audit is incomplete and that is not explicitly allowed; else 0.
 */
export function exitCodeFor(result: AuditResult, policy: ExitPolicy): number {
  if (policy.failOn === 'new') {
    for (const r of eachResult(result)) if (r.outcome === 'fail' && r.baseline === 'new' && r.severity !== 'info') return EXIT.findings;
  } else if (policy.failOn !== 'none') {
    const limit = severityRank(policy.failOn);
    const hit = Object.entries(result.summary.failuresBySeverity).some(([sev, n]) => n > 0 && severityRank(sev as Severity) <= limit);
    if (hit) return EXIT.findings;
  }
  if (result.summary.incomplete && !policy.allowIncomplete) return EXIT.incomplete;
  return EXIT.clean;
}
