import { type AuditResult, type ComplianceSummary, type ControlStatus, emptyOutcomeCounts, type OutcomeCounts } from '../engine/result.ts';
import type { Framework } from './schema.ts';

/**
 * The per-control view of an audit result for one framework. Pure. A control is `failed` when any
 * mapped rule failed; `not-assessed` when a mapped rule is off, could not decide (unknown, error) or
 * applied to nothing; otherwise `satisfied` (waived results count as satisfied, and stay visible).
 */
export function complianceFor(result: AuditResult, framework: Framework): ComplianceSummary {
  const byRule = new Map(result.rules.map((r) => [r.id, r.counts]));
  const counts: ComplianceSummary['counts'] = { satisfied: 0, failed: 0, 'not-assessed': 0 };
  const controls = framework.controls.map((c) => {
    const sum = emptyOutcomeCounts();
    const rules = c.rules.map((id) => {
      const rc = byRule.get(id);
      if (rc) for (const k of Object.keys(sum) as (keyof OutcomeCounts)[]) sum[k] += rc[k];
      return rc ? { id, enabled: true, counts: rc } : { id, enabled: false };
    });
    const off = rules.filter((r) => !r.enabled).map((r) => r.id);
    const decided = sum.pass + sum.fail + sum.waived;
    let status: ControlStatus;
    let reason: string | undefined;
    if (sum.fail > 0) status = 'failed';
    else if (off.length) {
      status = 'not-assessed';
      reason = `rule${off.length > 1 ? 's' : ''} not enabled by the policy: ${off.join(', ')}`;
    } else if (sum.unknown + sum.error > 0) {
      status = 'not-assessed';
      reason = `${sum.unknown + sum.error} evaluation${sum.unknown + sum.error > 1 ? 's' : ''} could not decide (data not collected or rule error)`;
    } else if (decided === 0) {
      status = 'not-assessed';
      reason = 'no subject in the inventory that the mapped rules apply to';
    } else status = 'satisfied';
    counts[status]++;
    return { id: c.id, title: c.title, source: c.source ?? framework.source, status, counts: sum, rules, ...(reason ? { reason } : {}) };
  });
  return { framework: framework.id, title: framework.title, edition: framework.edition, source: framework.source, counts, controls };
}

/** Summaries for several frameworks, in the order given (duplicates dropped). */
export function complianceView(result: AuditResult, frameworks: readonly Framework[]): ComplianceSummary[] {
  const seen = new Set<string>();
  return frameworks.filter((f) => !seen.has(f.id) && seen.add(f.id)).map((f) => complianceFor(result, f));
}

const STATUS_LABEL: Record<ControlStatus, string> = { satisfied: 'satisfied', failed: 'FAILED', 'not-assessed': 'not assessed' };

const outcomeText = (c: OutcomeCounts): string =>
  (['fail', 'pass', 'waived', 'unknown', 'error'] as const)
    .filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`)
    .join(', ') || 'no subjects';

/** Plain-text lines for the terminal report. */
export function complianceText(summaries: readonly ComplianceSummary[]): string[] {
  const lines: string[] = [];
  for (const s of summaries) {
    lines.push(
      '',
      `Compliance: ${s.title} ${s.edition} (${s.framework}; numbering: ${s.source}) — ${s.counts.satisfied} satisfied, ${s.counts.failed} failed, ${s.counts['not-assessed']} not assessed`,
    );
    const w = Math.max(7, ...s.controls.map((c) => c.id.length));
    for (const c of s.controls) {
      lines.push(`  ${c.id.padEnd(w)}  ${STATUS_LABEL[c.status].padEnd(12)}  ${c.title}`);
      lines.push(
        `  ${''.padEnd(w)}  ${''.padEnd(12)}  rules: ${c.rules.map((r) => (r.enabled ? r.id : `${r.id} (off)`)).join(', ')} — ${outcomeText(c.counts)}`,
      );
    }
  }
  return lines;
}

/** Markdown sections for job summaries and pull requests. `cell` escapes table cells. */
export function complianceMarkdown(summaries: readonly ComplianceSummary[], cell: (s: string) => string): string[] {
  const icon: Record<ControlStatus, string> = { satisfied: '✅', failed: '❌', 'not-assessed': '⚪' };
  const out: string[] = [];
  for (const s of summaries) {
    out.push(`### Compliance: ${cell(s.title)} ${cell(s.edition)} (\`${s.framework}\`)`, '');
    out.push(
      `${s.counts.satisfied} satisfied · ${s.counts.failed} failed · ${s.counts['not-assessed']} not assessed · control numbering: ${s.source}`,
      '',
      '| Control | Status | Paraphrase | Rules | Outcomes |',
      '|---|---|---|---|---|',
    );
    for (const c of s.controls) {
      const rules = c.rules.map((r) => (r.enabled ? `\`${r.id}\`` : `\`${r.id}\` (off)`)).join(', ');
      out.push(
        `| ${cell(c.id)} | ${icon[c.status]} ${c.status} | ${cell(c.title)} | ${rules} | ${cell(outcomeText(c.counts))}${c.reason ? ` — ${cell(c.reason)}` : ''} |`,
      );
    }
    out.push('');
  }
  return out;
}
