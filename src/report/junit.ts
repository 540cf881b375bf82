// JUnit XML: one test suite per rule, one test case per (rule, subject, finding).
import type { AuditResult, ResultEntry } from '../engine/result.ts';
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

/** JUnit XML as CI systems read it (GitLab, Jenkins, Azure DevOps, GitHub test reporters). */
export function renderJunit(result: AuditResult): string {
  const byRule = new Map<string, ResultEntry[]>();
  // Linear: push into each rule's list (copying it per result made 15k keys take half a minute).
  for (const r of result.results) {
    const list = byRule.get(r.ruleId);
    if (list) list.push(r);
    else byRule.set(r.ruleId, [r]);
  }
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const rule of result.rules) {
    const cases = byRule.get(rule.id) ?? [];
    const listedPasses = cases.filter((c) => c.outcome === 'pass').length;
    const unlistedPasses = rule.counts.pass - listedPasses;
    const n = {
      tests: cases.length,
      failures: cases.filter((c) => c.outcome === 'fail').length,
      errors: cases.filter((c) => c.outcome === 'error').length,
      skipped: cases.filter((c) => c.outcome === 'unknown' || c.outcome === 'waived').length,
    };
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
    total.skipped += n.skipped;
    const props = [
      `      <property name="category" value="${xmlEscape(rule.category)}"/>`,
      `      <property name="severity" value="${rule.severity}"/>`,
      ...Object.entries(rule.counts).map(([k, v]) => `      <property name="count.${k}" value="${v}"/>`),
      ...(unlistedPasses > 0 ? [`      <property name="passed-not-listed" value="${unlistedPasses}"/>`] : []),
    ];
    suites.push(
      `  <testsuite${attrs({ name: rule.id, tests: n.tests, failures: n.failures, errors: n.errors, skipped: n.skipped, timestamp: result.generatedAt.replace(/(\.\d+)?Z$/, '') })}>`,
      '    <properties>',
      ...props,
      '    </properties>',
    );
    // One push per case: spreading a large array as arguments overflows the stack.
    for (const c of cases) suites.push(testcase(c));
    suites.push('  </testsuite>');
  }
  const head = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'keyhygiene', tests: total.tests, failures: total.failures, errors: total.errors, skipped: total.skipped })}>`,
  ];
  return `${head.join('\n')}\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}

export const junitReporter: Reporter = {
  id: 'junit',
  description: 'JUnit XML: a test suite per rule, a test case per subject (passes listed with --include-passed)',
  extension: 'xml',
  render: (result) => renderJunit(result),
};
