// CSV for spreadsheets: one row per result with its root cause's id and resource, so a pivot on
// root_cause_id groups them (RFC 4180, CRLF, formula injection neutralised).
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import { chunked, joined } from '../util/json-stream.ts';
import { entryCause } from './root-causes.ts';
import type { Reporter } from './types.ts';

/** Quote a cell; a leading = + - @ or control character is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'outcome',
  'severity',
  'rule',
  'category',
  'subject_kind',
  'provider',
  'subject_id',
  'subject_name',
  'environment',
  'trust_domain',
  'key_class',
  'message',
  'finding_key',
  'missing',
  'baseline',
  'waiver_status',
  'waiver_reason',
  'waiver_approver',
  'waiver_expires',
  'waiver_ticket',
  'fingerprint',
  'root_cause_id',
  'root_cause_kind',
  'root_cause_resource',
] as const;

/** The root cause of a failure or waived finding (rule + causing resource): id, resource kind, resource id. */
function causeCells(r: ResultEntry): (string | undefined)[] {
  if (r.outcome !== 'fail' && r.outcome !== 'waived') return [undefined, undefined, undefined];
  const { id, resource } = entryCause(r);
  return [id, resource.kind, resource.id];
}

function row(r: ResultEntry): (string | undefined)[] {
  return [
    r.outcome,
    r.severity,
    r.ruleId,
    r.category,
    r.subject.kind,
    r.subject.provider,
    r.subject.id,
    r.subject.name,
    r.scope?.environment,
    r.scope?.trustDomain,
    r.scope?.keyClass,
    r.message,
    r.findingKey,
    r.missing?.join('; '),
    r.baseline,
    r.waiver?.status,
    r.waiver?.reason,
    r.waiver?.approver,
    r.waiver?.expires,
    r.waiver?.ticket,
    r.fingerprint,
    ...causeCells(r),
  ];
}

/** The CSV lines, each ending in CRLF, lazily: a million rows never become one string. */
export function* csvLines(result: AuditResult): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for (const r of eachResult(result)) yield `${row(r).map(csvCell).join(',')}\r\n`;
  // Findings the baseline had and this run does not: rows too, so a spreadsheet shows the whole picture.
  for (const r of result.baseline?.resolved ?? []) {
    const cells = row(r);
    cells[CSV_COLUMNS.indexOf('baseline')] = 'resolved';
    yield `${cells.map(csvCell).join(',')}\r\n`;
  }
}

export const renderCsv = (result: AuditResult): string => joined(csvLines(result));

export const csvReporter: Reporter = {
  id: 'csv',
  description: 'CSV for spreadsheets: one row per result, with its root cause (id, kind, resource) to group by',
  extension: 'csv',
  render: (result) => renderCsv(result),
  renderChunks: (result) => chunked(csvLines(result)),
};
