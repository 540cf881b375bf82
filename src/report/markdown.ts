import type { ResultEntry } from '../engine/result.ts';
import { complianceMarkdown } from '../frameworks/compliance.ts';
import { SEVERITIES } from '../model/common.ts';
import { terminalSafe } from '../util/terminal.ts';
import { causeLabel, failureGroups } from './root-causes.ts';
import type { Reporter } from './types.ts';

/**
 * Escape untrusted text for a Markdown table cell: no table break (|, newline), no HTML (<, >, &), no
 * link, image or emphasis syntax ([ ] ( ) ! * _ ~ `), and no control or bidi-override characters.
 */
export const mdCell = (s: string): string =>
  terminalSafe(s.replace(/\r?\n/g, ' '))
    .replace(/[\\|[\]()!*_~`#]/g, (ch) => `\\${ch}`)
    .replace(/[<>&]/g, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&amp;'));

/** Untrusted text as an inline code span (links never render inside one); a backtick cannot end it early. */
export const mdCode = (s: string): string => `\`${terminalSafe(s.replace(/\r?\n/g, ' ')).replace(/`/g, 'ˋ').replace(/\|/g, '\\|')}\``;

const ICON: Record<string, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };

/** For GitHub job summaries and pull-request comments. */
export const markdownReporter: Reporter = {
  id: 'markdown',
  description: 'Markdown for GitHub job summaries and pull requests',
  extension: 'md',
  render(result, meta) {
    const out: string[] = [];
    const s = result.summary;
    const f = s.failuresBySeverity;
    out.push('## keyhygiene audit', '');
    out.push(
      `${result.inventory.keys} keys · ${result.policy.rulesEnabled} rules · evaluated ${result.generatedAt} · inventory collected ${result.inventory.generatedAt}${s.incomplete ? ' · ⚠️ **incomplete**' : ''}`,
      '',
    );
    out.push('| Outcome | Count |', '|---|---:|');
    for (const [k, v] of Object.entries(s.outcomes)) if (k !== 'not-applicable') out.push(`| ${k} | ${v} |`);
    out.push('');
    const rc = s.rootCauses?.bySeverity ?? f;
    out.push('| Severity | Root causes | Failures |', '|---|---:|---:|');
    for (const sev of SEVERITIES) out.push(`| ${ICON[sev]} ${sev} | ${rc[sev]} | ${f[sev]} |`);
    out.push('');
    const byOutcome = (o: string) => result.results.filter((r) => r.outcome === o);
    const table = (rows: ResultEntry[], withRemediation: boolean) => {
      out.push(`| Severity | Rule | Subject | Message${withRemediation ? ' | Fix' : ''} |`, `|---|---|---|---${withRemediation ? '|---' : ''}|`);
      for (const r of rows) {
        const fix = withRemediation ? ` | ${mdCell(meta.rule(r.ruleId)?.remediation ?? '')}` : '';
        out.push(`| ${ICON[r.severity]} ${r.severity} | \`${r.ruleId}\` | ${mdCode(r.subject.id)} | ${mdCell(r.message)}${fix} |`);
      }
      out.push('');
    };
    const groups = failureGroups(result);
    if (groups.length) {
      const n = groups.reduce((sum, g) => sum + g.entries.length, 0);
      out.push(`### Failures: ${groups.length} root causes, ${n} failures`, '');
      out.push('| Severity | Rule | Root cause | Affected | Message |', '|---|---|---|---|---|');
      for (const { cause } of groups) {
        const shown = cause.subjects.slice(0, 3).map(mdCode).join(', ');
        const more = cause.subjects.length > 3 ? ` and ${cause.subjects.length - 3} more` : '';
        out.push(
          `| ${ICON[cause.severity]} ${cause.severity} | \`${cause.ruleId}\` | ${mdCell(causeLabel(cause))} | ${shown}${more} | ${mdCell(cause.message)} |`,
        );
      }
      out.push('');
    } else out.push('No failures.', '');
    const unknown = [...byOutcome('unknown'), ...byOutcome('error')];
    if (unknown.length) {
      out.push(`### Not evaluated (${unknown.length})`, '');
      table(unknown, false);
    }
    const waived = byOutcome('waived');
    if (waived.length) {
      out.push(`### Waived (${waived.length})`, '', '| Rule | Subject | Reason | Approver | Expires |', '|---|---|---|---|---|');
      for (const r of waived)
        out.push(
          `| \`${r.ruleId}\` | ${mdCode(r.subject.id)} | ${mdCell(r.waiver?.reason ?? '')} | ${mdCell(r.waiver?.approver ?? '')} | ${r.waiver?.expires ?? ''} |`,
        );
      out.push('');
    }
    const stale = result.waivers.filter((w) => w.status !== 'active');
    if (stale.length) {
      out.push('### Waivers needing attention', '', '| Status | Rule | Subject | Expires |', '|---|---|---|---|');
      for (const w of stale) out.push(`| ${w.status} | \`${w.rule}\` | ${mdCode(w.subject ?? w.subjectGlob ?? '')} | ${w.expires} |`);
      out.push('');
    }
    if (result.gaps.length) {
      out.push(`### Collection gaps (${result.gaps.length})`, '', '| Provider | Operation | Reason |', '|---|---|---|');
      for (const g of result.gaps) out.push(`| ${g.provider} | ${mdCell(g.operation)} | ${mdCell(g.reason)} |`);
      out.push('');
    }
    if (result.compliance?.length) out.push(...complianceMarkdown(result.compliance, mdCell));
    return `${out.join('\n')}\n`;
  },
};
