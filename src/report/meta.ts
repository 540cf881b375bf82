import type { AuditResult } from '../engine/result.ts';
import { controlsByRule } from '../frameworks/controls.ts';
import { loadAllFrameworks } from '../frameworks/load.ts';
import { findRule } from '../rules/index.ts';
import { readTextFile } from '../util/read-text.ts';
import { policyLineIndex } from './policy-lines.ts';
import type { ReportMeta } from './types.ts';

let controlIndex: ReturnType<typeof controlsByRule> | undefined;

export function reportMeta(extra: Partial<ReportMeta> = {}): ReportMeta {
  return {
    rule(id) {
      const r = findRule(id);
      return r
        ? { id: r.id, description: r.meta.description, remediation: r.meta.remediation, category: r.meta.category, rationale: r.meta.rationale }
        : undefined;
    },
    controls(ruleId) {
      controlIndex ??= controlsByRule(loadAllFrameworks());
      return controlIndex.get(ruleId) ?? [];
    },
    ...extra,
  };
}

/**
 * The policy lines that classified each result (SARIF locations). The policy was read and validated
 * before the audit; if it cannot be read again, locations fall back to its first line.
 */
export function policyLinesOf(result: AuditResult): Pick<ReportMeta, 'policyLine'> {
  const file = result.policy.file;
  if (!file) return {};
  try {
    return { policyLine: policyLineIndex(file, readTextFile(file, 'policy file', 'pass --policy FILE')) };
  } catch {
    return {};
  }
}
