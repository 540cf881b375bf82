// JUnit XML: one test suite per rule, one failing test case per root cause (the subjects it fails in
// its body), one test case per other result (rule, subject, finding).
import type { AuditResult, ResultEntry } from '../engine/result.ts';
import { eachResult } from '../engine/result-view.ts';
import { causeKey } from '../engine/root-causes.ts';
import { chunked, joined } from '../util/json-stream.ts';
import { causeLabel, type FailureGroup, failureGroups } from './root-causes.ts';
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

function detailOf(r: ResultEntry): string {
  return [
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
}

const classname = (r: Pick<ResultEntry, 'category' | 'ruleId'>) => `keyhygiene.${r.category}.${r.ruleId}`;

/** One test case per result (its own root cause, or an outcome other than fail). */
function testcase(r: ResultEntry): string {
  const subject = r.subject.name ?? r.subject.id;
  const name = r.findingKey ? `${subject} [${r.findingKey}]` : subject;
  const head = `    <testcase${attrs({ classname: classname(r), name, file: undefined })}>`;
  const detail = detailOf(r);
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

/** One subject under a shared root cause: a line of the failure's body (streamed, so a trail failing a million keys is no one string). */
function subjectLine(r: ResultEntry, causeMessage: string): string {
  const parts = [r.subject.id, r.subject.name && r.subject.name !== r.subject.id ? `(${r.subject.name})` : '', r.findingKey ? `[${r.findingKey}]` : ''];
  const extra = [`fingerprint ${r.fingerprint}`, r.baseline ? `baseline ${r.baseline}` : '', r.message !== causeMessage ? r.message : ''];
  return xmlEscape(`\n- ${parts.filter(Boolean).join(' ')}: ${extra.filter(Boolean).join('; ')}`);
}

/**
 * One test case per root cause shared by several subjects (a trail failing thirty keys is one failing
 * test): named by the resource, its failure listing every affected subject with its fingerprint.
 */
function* causeTestcase({ cause, entries }: FailureGroup): Generator<string> {
  const first = entries[0] as ResultEntry;
  const resource = `${cause.resource.kind} ${cause.resource.id}${cause.resource.name ? ` (${cause.resource.name})` : ''}`;
  yield `    <testcase${attrs({ classname: classname(first), name: causeLabel(cause) })}>\n`;
  yield `      <failure${attrs({ message: cause.message, type: cause.severity })}>`;
  yield xmlEscape(`root cause: ${resource}\nroot cause id: ${cause.id}\nseverity: ${cause.severity}\naffected subjects: ${cause.subjects.length}`);
  for (const r of entries) yield subjectLine(r, cause.message);
  yield '</failure>\n    </testcase>';
}

/** A suite's test cases: a failure per root cause, then every other result. */
type Case = { group: FailureGroup } | { entry: ResultEntry };

interface Suite {
  rule: AuditResult['rules'][number];
  cases: Case[];
  n: { tests: number; failures: number; errors: number; skipped: number };
}

/** The subject is its own cause (one finding): its test case is the finding's, as for any other result. */
const ownCause = ({ entries }: FailureGroup) => entries.length === 1 && causeKey(entries[0] as ResultEntry) === (entries[0] as ResultEntry).fingerprint;

/** Results grouped by rule with their counts (the totals head the document, so they come first); failures by root cause. */
function suitesOf(result: AuditResult): Suite[] {
  const byRule = new Map<string, Case[]>();
  const add = (ruleId: string, c: Case) => {
    const list = byRule.get(ruleId);
    if (list) list.push(c);
    else byRule.set(ruleId, [c]);
  };
  // Linear: push into each rule's list (copying it per result made 15k keys take half a minute).
  for (const group of failureGroups(result)) add(group.cause.ruleId, ownCause(group) ? { entry: group.entries[0] as ResultEntry } : { group });
  for (const r of eachResult(result)) if (r.outcome !== 'fail') add(r.ruleId, { entry: r });
  return result.rules.map((rule) => {
    const cases = byRule.get(rule.id) ?? [];
    const n = { tests: cases.length, failures: 0, errors: 0, skipped: 0 };
    for (const c of cases) {
      const outcome = 'group' in c ? 'fail' : c.entry.outcome;
      if (outcome === 'fail') n.failures++;
      else if (outcome === 'error') n.errors++;
      else if (outcome === 'unknown' || outcome === 'waived') n.skipped++;
    }
    return { rule, cases, n };
  });
}

function* suiteLines(result: AuditResult, { rule, cases, n }: Suite): Generator<string> {
  const listedPasses = cases.filter((c) => 'entry' in c && c.entry.outcome === 'pass').length;
  const unlistedPasses = rule.counts.pass - listedPasses;
  yield `\n  <testsuite${attrs({ name: rule.id, ...n, timestamp: result.generatedAt.replace(/(\.\d+)?Z$/, '') })}>\n    <properties>`;
  yield `\n      <property name="category" value="${xmlEscape(rule.category)}"/>\n      <property name="severity" value="${rule.severity}"/>`;
  for (const [k, v] of Object.entries(rule.counts)) yield `\n      <property name="count.${k}" value="${v}"/>`;
  if (unlistedPasses > 0) yield `\n      <property name="passed-not-listed" value="${unlistedPasses}"/>`;
  yield '\n    </properties>';
  for (const c of cases) {
    yield '\n';
    if ('group' in c) yield* causeTestcase(c.group);
    else yield testcase(c.entry);
  }
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
  description: 'JUnit XML: a test suite per rule, a failing test case per root cause, a test case per other result (passes with --include-passed)',
  extension: 'xml',
  render: (result) => renderJunit(result),
  renderChunks: (result) => chunked(junitLines(result)),
};
