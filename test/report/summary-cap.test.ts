import { describe, expect, it } from 'vitest';
import { markdownReporter } from '../../src/report/markdown.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { capMarkdown, STEP_SUMMARY_LIMIT } from '../../src/report/summary-cap.ts';
import { stormRun } from '../helpers/storm-result.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('capMarkdown', () => {
  it('leaves a report that fits alone', () => {
    const md = '## a\n\n| x |\n|---|\n| 1 |\n';
    expect(capMarkdown(md, 1000, 'in r.md')).toEqual({ text: md, truncated: false, omittedLines: 0, omittedSections: [] });
  });

  it('cuts a 10k-failure report to 1 MiB at a row boundary and says what was left out and where the rest is', () => {
    const { result } = stormRun();
    const fail = result.results.find((r) => r.outcome === 'fail');
    if (!fail) throw new Error('the storm example has failures');
    // 10,000 failures, as the issue measured (2.35 MiB of Markdown before the cap).
    const many = {
      ...result,
      results: Array.from({ length: 10_000 }, (_, i) => ({
        ...fail,
        rootCause: undefined,
        fingerprint: i.toString(16).padStart(32, '0'),
        subject: { ...fail.subject, id: `${fail.subject.id}-${String(i).padStart(5, '0')}` },
      })),
    };
    // A limit raised past the default (1000 rows) lets the report outgrow the step summary: the cap still holds.
    const md = markdownReporter.render(many, reportMeta({ limit: 20_000 }));
    expect(bytes(md)).toBeGreaterThan(2 * STEP_SUMMARY_LIMIT);
    expect(bytes(markdownReporter.render(many, reportMeta()))).toBeLessThan(STEP_SUMMARY_LIMIT / 2);
    const capped = capMarkdown(md, STEP_SUMMARY_LIMIT, 'in `keyhygiene-report/keyhygiene.md`');
    expect(capped.truncated).toBe(true);
    expect(bytes(capped.text)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(bytes(capped.text)).toBeGreaterThan(STEP_SUMMARY_LIMIT - 4096);
    expect(md.startsWith(capped.text.slice(0, capped.text.indexOf('\n> [!WARNING]')))).toBe(true);
    const lastRow = capped.text.split('\n> [!WARNING]')[0]?.trimEnd().split('\n').pop();
    expect(lastRow).toMatch(/^\| .* \|$/);
    expect(capped.omittedSections).toContain('Failures: 10000 root causes, 10000 failures');
    expect(capped.text).toContain(`${capped.omittedLines} of ${md.split('\n').length} lines left out`);
    expect(capped.text).toContain('The full report is in `keyhygiene-report/keyhygiene.md`.');
  });
});
