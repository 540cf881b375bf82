import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { complianceMarkdown } from '../frameworks/compliance.ts';
import { SEVERITIES } from '../model/common.ts';
import { chunked, joined, lineChunks } from '../util/json-stream.ts';
import { terminalSafe } from '../util/terminal.ts';
import { type BoundedFindings, boundFindings, omittedNote, reportLimit } from './bound.ts';
import { causeLabel, failureGroups, resultsWhere } from './root-causes.ts';
import type { Reporter, ReportMeta } from './types.ts';

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

type Out = string[];

function headLines(result: AuditResult): Out {
  const s = result.summary;
  const f = s.failuresBySeverity;
  const out: Out = ['## keyhygiene audit', ''];
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
  return out;
}

function failureLines(b: BoundedFindings): Out {
  if (b.totalGroups === 0) return ['No failures.', ''];
  const out: Out = [`### Failures: ${b.totalGroups} root causes, ${b.totalFailures} failures`, ''];
  out.push('| Severity | Rule | Root cause | Affected | Message |', '|---|---|---|---|---|');
  for (const { group } of b.groups) {
    const { cause } = group;
    const shown = cause.subjects.slice(0, 3).map(mdCode).join(', ');
    const more = cause.subjects.length > 3 ? ` and ${cause.subjects.length - 3} more` : '';
    out.push(`| ${ICON[cause.severity]} ${cause.severity} | \`${cause.ruleId}\` | ${mdCell(causeLabel(cause))} | ${shown}${more} | ${mdCell(cause.message)} |`);
  }
  out.push('');
  return out;
}

function undecidedLines(rows: readonly ResultEntry[], total: number): Out {
  if (total === 0) return [];
  const out: Out = [`### Not evaluated (${total})`, '', '| Severity | Rule | Subject | Message |', '|---|---|---|---|'];
  for (const r of rows) out.push(`| ${ICON[r.severity]} ${r.severity} | \`${r.ruleId}\` | ${mdCode(r.subject.id)} | ${mdCell(r.message)} |`);
  out.push('');
  return out;
}

function waivedLines(rows: readonly ResultEntry[], total: number): Out {
  if (total === 0) return [];
  const out: Out = [`### Waived (${total})`, '', '| Rule | Subject | Reason | Approver | Expires |', '|---|---|---|---|---|'];
  for (const r of rows)
    out.push(
      `| \`${r.ruleId}\` | ${mdCode(r.subject.id)} | ${mdCell(r.waiver?.reason ?? '')} | ${mdCell(r.waiver?.approver ?? '')} | ${r.waiver?.expires ?? ''} |`,
    );
  out.push('');
  return out;
}

function attentionLines(result: AuditResult, limit: number): Out {
  const out: Out = [];
  const stale = result.waivers.filter((w) => w.status !== 'active');
  if (stale.length) {
    out.push('### Waivers needing attention', '', '| Status | Rule | Subject | Expires |', '|---|---|---|---|');
    for (const w of stale) out.push(`| ${w.status} | \`${w.rule}\` | ${mdCode(w.subject ?? w.subjectGlob ?? '')} | ${w.expires} |`);
    out.push('');
  }
  if (result.gaps.length) {
    out.push(`### Collection gaps (${result.gaps.length})`, '', '| Provider | Operation | Reason |', '|---|---|---|');
    for (const g of result.gaps.slice(0, limit)) out.push(`| ${g.provider} | ${mdCell(g.operation)} | ${mdCell(g.reason)} |`);
    if (result.gaps.length > limit) out.push('', `${result.gaps.length - limit} more collection gaps are in the full report.`);
    out.push('');
  }
  return out;
}

/** The Markdown report, section by section: root causes, then undecided and waived results, all within --report-limit rows. */
function* markdownLines(result: AuditResult, meta: ReportMeta): Generator<string> {
  const limit = reportLimit(meta);
  const undecided = resultsWhere(result, (r) => r.outcome === 'unknown' || r.outcome === 'error');
  const waived = resultsWhere(result, (r) => r.outcome === 'waived');
  const b = boundFindings(failureGroups(result), [...undecided, ...waived], limit, { subjectRows: false });
  const shownUndecided = b.others.filter((r) => r.outcome !== 'waived');
  const shownWaived = b.others.filter((r) => r.outcome === 'waived');
  yield* headLines(result);
  yield* failureLines(b);
  const note = omittedNote(b, meta);
  if (note) yield `> [!NOTE]\n> ${mdCell(note)}\n`;
  yield* undecidedLines(shownUndecided, undecided.length);
  yield* waivedLines(shownWaived, waived.length);
  yield* attentionLines(result, limit);
  if (result.compliance?.length) yield* complianceMarkdown(result.compliance, mdCell);
}

/** For GitHub job summaries and pull-request comments: one row per root cause, bounded by --report-limit. */
export const markdownReporter: Reporter = {
  id: 'markdown',
  description: 'Markdown for GitHub job summaries and pull requests: one row per root cause, bounded by --report-limit',
  extension: 'md',
  render: (result, meta) => joined(lineChunks(markdownLines(result, meta))),
  renderChunks: (result, meta) => chunked(lineChunks(markdownLines(result, meta))),
};
