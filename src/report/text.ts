import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { complianceText } from '../frameworks/compliance.ts';
import type { Severity } from '../model/common.ts';
import { chunked, joined, lineChunks } from '../util/json-stream.ts';
import { plural } from '../util/plural.ts';
import { terminalSafe } from '../util/terminal.ts';
import { boundFindings, keyCounts, omittedNote, reportLimit, type ShownGroup } from './bound.ts';
import { causeLabel, failureGroups, resultsWhere } from './root-causes.ts';
import type { Reporter, ReportMeta } from './types.ts';

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m',
  green: '\u001b[32m',
  cyan: '\u001b[36m',
};

const SEVERITY_COLOR: Record<Severity, string> = { critical: SGR.magenta, high: SGR.red, medium: SGR.yellow, low: SGR.blue, info: SGR.dim };

interface Row {
  sev: string;
  sevColor: string;
  rule: string;
  subject: string;
  message: string;
  /** A root cause shared by several subjects: the subjects listed under it, and how many more there are. */
  affects?: string[];
  more?: number;
}

/** Word-wrap to `width` columns; a word longer than the width is split (messages only, never subjects). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (w.length > width) {
      if (line) lines.push(line);
      lines.push(w.slice(0, width));
      w = w.slice(width);
      line = '';
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** A loop, not Math.max(...rows): spreading tens of thousands of arguments overflows the stack. */
const widest = (rows: readonly Row[], min: number, pick: (r: Row) => string) => rows.reduce((w, r) => Math.max(w, pick(r).length), min);

/**
 * The findings table. Subjects are never cut (a waiver needs them verbatim). Without a width (a file,
 * a pipe, a log) every line is whole; with a terminal width the message wraps in its column, and when
 * even the subject column does not fit, each finding becomes a block: severity and rule, the subject
 * on a line of its own, the message wrapped below.
 */
function tableLines(rows: readonly Row[], width: number | undefined, c: (code: string, s: string) => string): string[] {
  const wSev = widest(rows, 8, (r) => r.sev);
  const wRule = widest(rows, 4, (r) => r.rule);
  const wSubj = widest(rows, 7, (r) => r.subject);
  const msgCol = wSev + wRule + wSubj + 6;
  const lines: string[] = [];
  if (width === undefined || width - msgCol >= 30) {
    lines.push(c(SGR.bold, `${'SEVERITY'.padEnd(wSev)}  ${'RULE'.padEnd(wRule)}  ${'SUBJECT'.padEnd(wSubj)}  MESSAGE`));
    for (const r of rows) {
      const [first = '', ...rest] = width === undefined ? [r.message] : wrap(r.message, width - msgCol);
      lines.push(`${c(r.sevColor, r.sev.padEnd(wSev))}  ${r.rule.padEnd(wRule)}  ${r.subject.padEnd(wSubj)}  ${first}`);
      for (const more of rest) lines.push(`${' '.repeat(msgCol)}${more}`);
      lines.push(...affectsLines(r, ' '.repeat(wSev + wRule + 4)));
    }
    return lines;
  }
  for (const r of rows) {
    lines.push(`${c(r.sevColor, r.sev.padEnd(wSev))}  ${r.rule}`, `  ${r.subject}`);
    for (const more of wrap(r.message, Math.max(20, width - 4))) lines.push(`    ${more}`);
    lines.push(...affectsLines(r, '    '));
  }
  return lines;
}

/** The subjects a shared root cause fails, one per line under it (ids verbatim: what a waiver names). */
function affectsLines(r: Row, indent: string): string[] {
  const lines = (r.affects ?? []).map((id) => `${indent}- ${id}`);
  if (r.more) lines.push(`${indent}… and ${r.more} more subject${r.more === 1 ? '' : 's'}`);
  return lines;
}

const rowOf = (r: ResultEntry): Row => ({
  sev: r.outcome === 'fail' ? r.severity : r.outcome,
  sevColor: r.outcome === 'fail' ? SEVERITY_COLOR[r.severity] : r.outcome === 'waived' ? SGR.dim : SGR.cyan,
  rule: r.ruleId,
  // Names, ids and messages carry cloud-controlled text: escaped, so they cannot drive the terminal.
  subject: terminalSafe(r.subject.id),
  message: terminalSafe(r.subject.name && r.subject.name !== r.subject.id ? `${r.subject.name}: ${r.message}` : r.message),
});

/** A root cause's row: its own finding's row when the subject is the cause, else the resource with the subjects under it. */
function causeRow({ group, own, subjects, moreSubjects }: ShownGroup): Row {
  const { cause } = group;
  if (own) return rowOf(group.entries[0] as ResultEntry);
  return {
    sev: cause.severity,
    sevColor: SEVERITY_COLOR[cause.severity],
    rule: cause.ruleId,
    subject: terminalSafe(cause.resource.id),
    message: terminalSafe(`${causeLabel(cause)}: ${cause.message}`),
    affects: subjects.map(terminalSafe),
    more: moreSubjects,
  };
}

/** The findings table: one row per root cause (its subjects under it), then unknown, error and waived results; bounded. */
function findingLines(result: AuditResult, meta: ReportMeta, c: (code: string, s: string) => string): string[] {
  const others = resultsWhere(result, (r) => r.outcome !== 'pass' && r.outcome !== 'fail');
  const b = boundFindings(failureGroups(result), others, reportLimit(meta));
  const rows = [...b.groups.map(causeRow), ...b.others.map(rowOf)];
  if (rows.length === 0) return [];
  const note = omittedNote(b, meta);
  return [...tableLines(rows, meta.width, c), ...(note ? [c(SGR.yellow, note)] : []), ''];
}

/** `1 key`, `2 keys`. */

function summaryLines(result: AuditResult, c: (code: string, s: string) => string): string[] {
  const s = result.summary;
  const o = s.outcomes;
  const f = s.failuresBySeverity;
  // The gate and the summary count root causes; the failures they cause are counted beside them.
  const rc = s.rootCauses ?? { total: o.fail, bySeverity: f };
  const b = rc.bySeverity;
  const lines = [
    `${c(SGR.bold, 'Summary')}: ${plural(result.inventory.keys, 'key')}, ${plural(result.policy.rulesEnabled, 'rule')} — ` +
      `${c(o.fail ? SGR.red : SGR.green, plural(rc.total, 'root cause'))} (critical ${b.critical}, high ${b.high}, medium ${b.medium}, low ${b.low}) of ${plural(o.fail, 'failure')}, ` +
      `${o.pass} passed, ${o.waived} waived, ${o.unknown} unknown, ${plural(o.error, 'error')}, ${plural(s.gaps, 'collection gap')}.`,
  ];
  const { keys, clean } = keyCounts(result);
  lines.push(`Keys: ${clean} of ${keys} pass every rule that applies.`);
  lines.push(`Evaluated ${result.generatedAt}; inventory collected ${result.inventory.generatedAt}.`);
  return lines;
}

function waiverLines(result: AuditResult, c: (code: string, s: string) => string): string[] {
  const lines: string[] = [];
  const named = (status: string) => result.waivers.filter((w) => w.status === status);
  const list = (ws: AuditResult['waivers']) => ws.map((w) => `${w.rule} on ${terminalSafe(w.subject ?? w.subjectGlob ?? '')}`).join('; ');
  const expired = named('expired');
  const unused = named('unused');
  if (expired.length) lines.push(c(SGR.yellow, `Expired waivers: ${list(expired)}`));
  if (unused.length) lines.push(c(SGR.dim, `Unused waivers: ${list(unused)}`));
  return lines;
}

/** The text report, line by line: the findings table (bounded), then the summary. */
function* textLines(result: AuditResult, meta: ReportMeta): Generator<string> {
  const c = (code: string, s: string) => (meta.color ? `${code}${s}${SGR.reset}` : s);
  yield* findingLines(result, meta, c);
  yield* summaryLines(result, c);
  yield* waiverLines(result, c);
  if (result.summary.incomplete) yield c(SGR.yellow, 'The audit is incomplete: some data could not be read (see unknown results and collection gaps).');
  if (result.compliance?.length) yield* complianceText(result.compliance);
}

/** A compact table for terminals: one row per root cause (its subjects under it) and per undecided result, then the summary. */
export const textReporter: Reporter = {
  id: 'text',
  description: 'a table for terminals (colour on a TTY unless NO_COLOR is set); one row per root cause, bounded by --report-limit',
  extension: 'txt',
  render: (result, meta) => joined(lineChunks(textLines(result, meta))),
  renderChunks: (result, meta) => chunked(lineChunks(textLines(result, meta))),
};
