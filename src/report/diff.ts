// Renderers for `keyhygiene diff`: text, Markdown and JSON of a ResultDiff. Pure.
import type { ResultDiff } from '../engine/baseline.ts';
import type { ResultEntry } from '../engine/result.ts';
import { mdCell, mdCode } from './markdown.ts';

type Row = Pick<ResultEntry, 'severity' | 'ruleId' | 'subject' | 'message' | 'outcome'>;
const subjectOf = (r: Row) => r.subject.name ?? r.subject.id;

export function diffText(d: ResultDiff): string {
  const lines = [
    `Compared ${d.old.file ?? 'old result'} (${d.old.generatedAt}) with ${d.new.file ?? 'new result'} (${d.new.generatedAt}):`,
    `${d.counts.new} new, ${d.counts.unchanged} unchanged, ${d.counts.resolved} resolved findings.`,
  ];
  const block = (title: string, rows: readonly Row[]) => {
    if (!rows.length) return;
    lines.push('', `${title} (${rows.length})`);
    for (const r of rows) lines.push(`  ${r.outcome === 'waived' ? 'waived' : r.severity}  ${r.ruleId}  ${subjectOf(r)}  ${r.message}`);
  };
  block('New', d.added);
  block('Resolved', d.resolved);
  return `${lines.join('\n')}\n`;
}

export function diffMarkdown(d: ResultDiff): string {
  const out = [
    '## keyhygiene diff',
    '',
    `${d.counts.new} new · ${d.counts.unchanged} unchanged · ${d.counts.resolved} resolved (from ${d.old.generatedAt} to ${d.new.generatedAt})`,
    '',
  ];
  const block = (title: string, rows: readonly Row[]) => {
    if (!rows.length) return;
    out.push(`### ${title} (${rows.length})`, '', '| Severity | Rule | Subject | Message |', '|---|---|---|---|');
    for (const r of rows) out.push(`| ${r.outcome === 'waived' ? 'waived' : r.severity} | \`${r.ruleId}\` | ${mdCode(subjectOf(r))} | ${mdCell(r.message)} |`);
    out.push('');
  };
  block('New', d.added);
  block('Resolved', d.resolved);
  return `${out.join('\n')}\n`;
}

export const diffJson = (d: ResultDiff): string => `${JSON.stringify(d, null, 2)}\n`;
