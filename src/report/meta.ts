import { controlsByRule } from '../frameworks/controls.ts';
import { loadAllFrameworks } from '../frameworks/load.ts';
import { findRule } from '../rules/index.ts';
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
