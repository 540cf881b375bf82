// JUnit XML: one test suite per rule, one test case per (rule, subject, finding).
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { chunked, joined } from '../util/json-stream.ts';
import type { Reporter } from './types.ts';

/** Escape text for XML character data and attribute values; drop characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

function testcase(r: ResultEntry): string {
  const subject = r.subject.name ?? r.subject.id;
  const name = r.findingKey ? `${subject} [${r.findingKey}]` : subject;
  const head = `    <testcase${attrs({ classname: `keyhygiene.${r.category}.${r.ruleId}`, name, file: undefined })}>`;
  const detail = [
    `subject: ${r.subject.id}`,
    r.subject.provider ? `provider: ${r.subject.provider}` : '',
    `severity: ${r.severity}`,
    `fingerprint: ${r.fingerprint}`,
    r.baseline ? `baseline: ${r.baseline}` : '',
    r.missing?.length ? `missing: ${r.missing.join(', ')}` : '',
    r.waiver
      ? `waiver: ${r.waiver.reason} (approved by ${r.waiver.approver}, expires ${r.waiver.expires}${r.waiver.ticket ? `, ${r.waiver.ticket}` : ''})`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
  const body =
    r.outcome === 'fail'
      ? `      <failure${attrs({ message: r.message, type: r.severity })}>${xmlEscape(detail)}</failure>`
      : r.outcome === 'error'
        ? `      <error${attrs({ message: r.message, type: 'rule-error' })}>${xmlEscape(detail)}</error>`
        : r.outcome === 'unknown'
          ? `      <skipped${attrs({ message: r.message })}/>`
          : r.outcome === 'waived'
            ? `      <skipped${attrs({ message: `waived: ${r.waiver?.reason ?? r.message}` })}/>`
            : '';
  return body ? `${head}\n${body}\n      <system-out>${xmlEscape(detail)}</system-out>\n    </testcase>` : `${head}</testcase>`;
}

interface Suite {
  rule: AuditResult['rules'][number];
  cases: ResultEntry[];
  n: { tests: number; failures: number; errors: number; skipped: number };
}

/** Results grouped by rule with their counts (the totals head the document, so they come first). */
function suitesOf(result: AuditResult): Suite[] {
  const byRule = new Map<string, ResultEntry[]>();
  // Linear: push into each rule's list (copying it per result made 15k keys take half a minute).
  for (const r of result.results) {
    const list = byRule.get(r.ruleId);
    if (list) list.push(r);
    else byRule.set(r.ruleId, [r]);
  }
  return result.rules.map((rule) => {
    const cases = byRule.get(rule.id) ?? [];
    const n = { tests: cases.length, failures: 0, errors: 0, skipped: 0 };
    for (const c of cases) {
      if (c.outcome === 'fail') n.failures++;
      else if (c.outcome === 'error') n.errors++;
      else if (c.outcome === 'unknown' || c.outcome === 'waived') n.skipped++;
    }
    return { rule, cases, n };
  });
}

function* suiteLines(result: AuditResult, { rule, cases, n }: Suite): Generator<string> {
  const listedPasses = cases.filter((c) => c.outcome === 'pass').length;
  const unlistedPasses = rule.counts.pass - listedPasses;
  yield `\n  <testsuite${attrs({ name: rule.id, ...n, timestamp: result.generatedAt.replace(/(\.\d+)?Z$/, '') })}>\n    <properties>`;
  yield `\n      <property name="category" value="${xmlEscape(rule.category)}"/>\n      <property name="severity" value="${rule.severity}"/>`;
  for (const [k, v] of Object.entries(rule.counts)) yield `\n      <property name="count.${k}" value="${v}"/>`;
  if (unlistedPasses > 0) yield `\n      <property name="passed-not-listed" value="${unlistedPasses}"/>`;
  yield '\n    </properties>';
  for (const c of cases) yield `\n${testcase(c)}`;
  yield '\n  </testsuite>';
}

/** JUnit XML as CI systems read it (GitLab, Jenkins, Azure DevOps, GitHub test reporters), lazily. */
export function* junitLines(result: AuditResult): Generator<string> {
  const suites = suitesOf(result);
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const { n } of suites) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'keyhygiene', ...total })}>`;
  for (const suite of suites) yield* suiteLines(result, suite);
  yield '\n</testsuites>\n';
}

export const renderJunit = (result: AuditResult): string => joined(junitLines(result));

export const junitReporter: Reporter = {
  id: 'junit',
  description: 'JUnit XML: a test suite per rule, a test case per subject (passes listed with --include-passed)',
  extension: 'xml',
  render: (result) => renderJunit(result),
  renderChunks: (result) => chunked(junitLines(result)),
};
