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

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** A compact table for terminals: one line per non-passing result, then the summary. */
export const textReporter: Reporter = {
  id: 'text',
  description: 'a table for terminals (colour on a TTY unless NO_COLOR is set)',
  extension: 'txt',
  render(result, meta) {
    const c = (code: string, s: string) => (meta.color ? `${code}${s}${SGR.reset}` : s);
    // Messages are cut to the terminal's width only when there is a terminal; logs get them whole.
    const width = meta.width;
    const lines: string[] = [];
    const shown = result.results.filter((r) => r.outcome !== 'pass');
    const rows = shown.map((r: ResultEntry) => ({
      sev: r.outcome === 'fail' ? r.severity : r.outcome,
      sevColor: r.outcome === 'fail' ? SEVERITY_COLOR[r.severity] : r.outcome === 'waived' ? SGR.dim : SGR.cyan,
      rule: r.ruleId,
      // Names, ids and messages carry cloud-controlled text: escaped, so they cannot drive the terminal.
      subject: terminalSafe(r.subject.name ? `${r.subject.name}` : r.subject.id),
      message: terminalSafe(r.message),
    }));
    if (rows.length) {
      // A loop, not Math.max(...rows): spreading tens of thousands of arguments overflows the stack.
      const widest = (min: number, pick: (r: (typeof rows)[number]) => string) => rows.reduce((w, r) => Math.max(w, pick(r).length), min);
      const wSev = widest(8, (r) => r.sev);
      const wRule = widest(4, (r) => r.rule);
      const wSubj = Math.min(
        48,
        widest(7, (r) => r.subject),
      );
      lines.push(c(SGR.bold, `${'SEVERITY'.padEnd(wSev)}  ${'RULE'.padEnd(wRule)}  ${'SUBJECT'.padEnd(wSubj)}  MESSAGE`));
      const msgWidth = width ? Math.max(30, width - wSev - wRule - wSubj - 6) : Number.POSITIVE_INFINITY;
      for (const r of rows) {
        lines.push(
          `${c(r.sevColor, r.sev.padEnd(wSev))}  ${r.rule.padEnd(wRule)}  ${truncate(r.subject, wSubj).padEnd(wSubj)}  ${truncate(r.message, msgWidth)}`,
        );
      }
      lines.push('');
    }
    const s = result.summary;
    const o = s.outcomes;
    const f = s.failuresBySeverity;
    lines.push(
      `${c(SGR.bold, 'Summary')}: ${result.inventory.keys} keys, ${result.policy.rulesEnabled} rules — ` +
        `${c(o.fail ? SGR.red : SGR.green, `${o.fail} failed`)} (critical ${f.critical}, high ${f.high}, medium ${f.medium}, low ${f.low}), ` +
        `${o.pass} passed, ${o.waived} waived, ${o.unknown} unknown, ${o.error} errors, ${s.gaps} collection gaps.`,
    );
    const keys = result.subjects.filter((x) => x.kind === 'key');
    const clean = keys.filter((k) => k.status === 'pass').length;
    lines.push(`Keys: ${clean} of ${keys.length} pass every rule that applies.`);
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
