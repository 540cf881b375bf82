import type { AuditResult, ResultEntry } from '../engine/result.ts';
import type { ControlRef } from '../frameworks/controls.ts';

export interface RuleInfo {
  id: string;
  description: string;
  remediation: string;
  category: string;
  /** Why the rule matters (the incident, the standard). */
  rationale?: string;
}

/** What a reporter may read besides the result: all of it optional and side-effect free. */
export interface ReportMeta {
  /** Rule metadata by id (for help text, remediation). */
  rule(id: string): RuleInfo | undefined;
  /** Use ANSI colours (text reporter only). */
  color?: boolean;
  /** Terminal width for the text reporter. */
  width?: number;
  /** Directory that file locations are made relative to (SARIF %SRCROOT%, annotations); default: none, paths kept as given. */
  srcRoot?: string;
  /** Framework controls (built-in mappings) that a rule gives evidence for (OCSF, ASFF); absent = none known. */
  controls?(ruleId: string): readonly ControlRef[];
  /** Failing results per recent run, oldest first (audit --history): the HTML report draws a trend chart. */
  trend?: readonly { time: string; failing: number }[];
  /** SARIF runAutomationDetails id (code scanning category). */
  sarifCategory?: string;
  /** The policy line that classified a result's subject or configured its rule (SARIF location of cloud findings). */
  policyLine?(entry: Pick<ResultEntry, 'ruleId' | 'scope'>): number | undefined;
  /** Rows the human reports (text, Markdown, HTML) list before they summarise; default DEFAULT_REPORT_LIMIT (report/bound.ts). */
  limit?: number;
  /** The complete machine-readable report written in the same run (JSON, CSV…), named where a human report summarises. */
  fullReport?: string;
}

/** A pure renderer: the same result and meta always give the same string. */
export interface Reporter {
  id: string;
  description: string;
  extension: string;
  render(result: AuditResult, meta: ReportMeta): string;
  /** The same bytes as `render`, in chunks, for reports too large for one string (the output writer prefers it). */
  renderChunks?(result: AuditResult, meta: ReportMeta): Iterable<string>;
}

/** A reporter's output for the output writer: chunks when it can stream them, else its one string. */
export const renderedChunks = (r: Reporter, result: AuditResult, meta: ReportMeta): Iterable<string> =>
  r.renderChunks ? r.renderChunks(result, meta) : [r.render(result, meta)];
