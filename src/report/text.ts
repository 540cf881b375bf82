import type { ResultEntry } from '../engine/result.ts';
import { complianceText } from '../frameworks/compliance.ts';
import type { Severity } from '../model/common.ts';
import { terminalSafe } from '../util/terminal.ts';
import type { Reporter } from './types.ts';

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
    }
    return lines;
  }
  for (const r of rows) {
    lines.push(`${c(r.sevColor, r.sev.padEnd(wSev))}  ${r.rule}`, `  ${r.subject}`);
    for (const more of wrap(r.message, Math.max(20, width - 4))) lines.push(`    ${more}`);
  }
  return lines;
}

/** A compact table for terminals: one line per non-passing result, then the summary. */
export const textReporter: Reporter = {
  id: 'text',
  description: 'a table for terminals (colour on a TTY unless NO_COLOR is set)',
  extension: 'txt',
  render(result, meta) {
    const c = (code: string, s: string) => (meta.color ? `${code}${s}${SGR.reset}` : s);
    // One row per finding, every subject id verbatim (the id a waiver names); root causes are counted in the summary.
    const shown = result.results.filter((r) => r.outcome !== 'pass');
    const rows: Row[] = shown.map((r: ResultEntry) => ({
      sev: r.outcome === 'fail' ? r.severity : r.outcome,
      sevColor: r.outcome === 'fail' ? SEVERITY_COLOR[r.severity] : r.outcome === 'waived' ? SGR.dim : SGR.cyan,
      rule: r.ruleId,
      // Names, ids and messages carry cloud-controlled text: escaped, so they cannot drive the terminal.
      subject: terminalSafe(r.subject.id),
      message: terminalSafe(r.subject.name && r.subject.name !== r.subject.id ? `${r.subject.name}: ${r.message}` : r.message),
    }));
    const lines: string[] = rows.length ? [...tableLines(rows, meta.width, c), ''] : [];
    const s = result.summary;
    const o = s.outcomes;
    const f = s.failuresBySeverity;
    // The gate and the summary count root causes; the failures they cause are counted beside them.
    const rc = s.rootCauses ?? { total: o.fail, bySeverity: f };
    const b = rc.bySeverity;
    lines.push(
      `${c(SGR.bold, 'Summary')}: ${result.inventory.keys} keys, ${result.policy.rulesEnabled} rules — ` +
        `${c(o.fail ? SGR.red : SGR.green, `${rc.total} root causes`)} (critical ${b.critical}, high ${b.high}, medium ${b.medium}, low ${b.low}) of ${o.fail} failures, ` +
        `${o.pass} passed, ${o.waived} waived, ${o.unknown} unknown, ${o.error} errors, ${s.gaps} collection gaps.`,
    );
    const keys = result.subjects.filter((x) => x.kind === 'key');
    const clean = keys.filter((k) => k.status === 'pass').length;
    lines.push(`Keys: ${clean} of ${keys.length} pass every rule that applies.`);
    lines.push(`Evaluated ${result.generatedAt}; inventory collected ${result.inventory.generatedAt}.`);
    const expired = result.waivers.filter((w) => w.status === 'expired');
    const unused = result.waivers.filter((w) => w.status === 'unused');
    if (expired.length)
      lines.push(c(SGR.yellow, `Expired waivers: ${expired.map((w) => `${w.rule} on ${terminalSafe(w.subject ?? w.subjectGlob ?? '')}`).join('; ')}`));
    if (unused.length)
      lines.push(c(SGR.dim, `Unused waivers: ${unused.map((w) => `${w.rule} on ${terminalSafe(w.subject ?? w.subjectGlob ?? '')}`).join('; ')}`));
    if (s.incomplete) lines.push(c(SGR.yellow, 'The audit is incomplete: some data could not be read (see unknown results and collection gaps).'));
    if (result.compliance?.length) lines.push(...complianceText(result.compliance));
    return `${lines.join('\n')}\n`;
  },
};
