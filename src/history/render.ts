// `keyhygiene history` as text for a terminal or a job log.
import type { FindingHistory, FixStats, HistoryReport, TrendPoint } from './query.ts';

const fmtDays = (d: number | undefined): string => (d === undefined ? '—' : `${d} d`);
const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '—');

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i] as number))
      .join('  ')
      .trimEnd();
  return [line(head), line(w.map((n) => '─'.repeat(n))), ...rows.map(line)];
}

const statCells = (s: FixStats): string[] => [
  String(s.open),
  String(s.resolved),
  String(s.fixes),
  fmtDays(s.medianDaysToFix),
  fmtDays(s.meanDaysToFix),
  day(s.oldestOpenSince),
];
const STAT_HEAD = ['open', 'resolved', 'fixes', 'median fix', 'mean fix', 'open since'];

function trendLines(trend: TrendPoint[]): string[] {
  if (!trend.length) return [];
  const envs = [...new Set(trend.flatMap((p) => Object.keys(p.byEnvironment)))].sort();
  const tds = [...new Set(trend.flatMap((p) => Object.keys(p.byTrustDomain)))].sort();
  const rows = trend.map((p) => [
    p.time.slice(0, 16).replace('T', ' '),
    String(p.failing),
    ...envs.map((e) => String(p.byEnvironment[e] ?? 0)),
    ...tds.map((t) => String(p.byTrustDomain[t] ?? 0)),
  ]);
  return [
    '',
    `Failing results per run (last ${trend.length}; by environment, then by trust domain):`,
    ...table(['run', 'failing', ...envs.map((e) => `env:${e}`), ...tds.map((t) => `td:${t}`)], rows),
  ];
}

function findingRow(f: FindingHistory): string[] {
  return [f.status, f.severity, f.ruleId, f.subject.id, day(f.firstSeen), day(f.lastSeen), day(f.resolvedAt), fmtDays(f.daysOpen)];
}

export function renderHistoryText(h: HistoryReport, limit: number): string {
  const out = [
    `History from ${h.source}: ${h.runs.count} run${h.runs.count === 1 ? '' : 's'}${h.runs.first ? `, ${h.runs.first} … ${h.runs.last}` : ''}`,
    `Findings: ${h.findings.total} — ${h.findings.open} open, ${h.findings.resolved} resolved, ${h.findings.undecided} undecided, ${h.findings.passing} passing`,
    '',
    'By concern:',
    ...table(
      ['concern', ...STAT_HEAD],
      h.byConcern.map((s) => [s.category, ...statCells(s)]),
    ),
    '',
    'By rule:',
    ...table(
      ['rule', ...STAT_HEAD],
      h.byRule.map((s) => [s.ruleId, ...statCells(s)]),
    ),
    ...trendLines(h.trend),
  ];
  const shown = h.list.filter((f) => f.status === 'open' || f.status === 'resolved').slice(0, limit);
  if (shown.length) {
    out.push('', `Findings (open first, oldest first; ${shown.length} of ${h.findings.total}, --limit to change, --json for all):`);
    out.push(...table(['status', 'severity', 'rule', 'subject', 'first seen', 'last seen', 'resolved', 'open for'], shown.map(findingRow)));
  }
  return `${out.join('\n')}\n`;
}
