import { describe, expect, it } from 'vitest';
import { causeKey } from '../../src/engine/root-causes.ts';
import { DEFAULT_REPORT_LIMIT, SUBJECTS_PER_CAUSE } from '../../src/report/bound.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { textReporter, wrap } from '../../src/report/text.ts';
import { largeResult, sharedCauseResult, TRAIL_ARN } from '../helpers/report-results.ts';
import { stormRun } from '../helpers/storm-result.ts';

const { result } = stormRun();
const shown = result.results.filter((r) => r.outcome !== 'pass');
/** Ids a line may carry whole even past the terminal's width: subjects and the resources that cause failures. */
const ids = new Set([...shown.map((r) => r.subject.id), ...shown.flatMap((r) => (r.rootCause ? [r.rootCause.resource.id] : []))]);
const ownCause = (r: (typeof shown)[number]) => causeKey(r) === r.fingerprint;
const render = (width?: number) => textReporter.render(result, reportMeta({ color: false, ...(width ? { width } : {}) }));

describe('text reporter', () => {
  it('without a terminal (file, pipe, log): plain, complete, one line per finding or root cause, every subject id verbatim', () => {
    const out = render();
    expect(out).not.toContain('…');
    expect(out).not.toContain('\u001b['); // no colour codes
    const lines = out.split('\n');
    for (const r of shown) {
      if (r.outcome === 'fail' && !ownCause(r)) {
        // A shared root cause: its row names the rule and the resource; the subject is listed under it.
        const row = lines.findIndex((l) => l.includes(` ${r.ruleId} `) && l.includes(` ${r.rootCause?.resource.id} `));
        expect(row, `${r.ruleId} caused by ${r.rootCause?.resource.id}`).toBeGreaterThanOrEqual(0);
        expect(lines.slice(row + 1, row + 1 + SUBJECTS_PER_CAUSE).some((l) => l.trim() === `- ${r.subject.id}`)).toBe(true);
        continue;
      }
      const line = lines.find((l) => l.includes(` ${r.subject.id} `) && l.includes(r.message));
      expect(line, `${r.ruleId} on ${r.subject.id}`).toBeDefined();
    }
  });

  for (const width of [60, 80, 120, 240]) {
    it(`at ${width} columns: nothing is cut, every line fits except a subject id longer than the terminal`, () => {
      const out = render(width);
      expect(out).not.toContain('…');
      const lines = out.split('\n');
      const findings = lines.slice(
        0,
        lines.findIndex((l) => l.startsWith('Summary')),
      );
      for (const l of findings)
        if (l.length > width)
          expect(
            [...ids].some((id) => l.trim().replace(/^- /, '') === id || l.includes(` ${id} `)),
            l,
          ).toBe(true);
      // Every id appears whole on one line (what a waiver is copied from), every message word is there.
      for (const r of shown) {
        expect(findings.some((l) => l.includes(r.subject.id))).toBe(true);
        for (const word of r.message.split(/\s+/).filter((w) => w.length < width - 4)) expect(out).toContain(word);
      }
    });
  }

  it('at 80 columns the storm estate (long ARNs) falls back to one block per finding; at 240 it is a table', () => {
    expect(render(80)).not.toMatch(/^SEVERITY {2}RULE/m);
    expect(render(80)).toMatch(/\n {2}arn:aws:kms:\S+\n/);
    expect(render(240)).toMatch(/^SEVERITY {2}RULE +SUBJECT +MESSAGE/m);
  });

  it('one subject left over is "1 more subject"', () => {
    const out = textReporter.render(sharedCauseResult(SUBJECTS_PER_CAUSE + 1), reportMeta({ color: false }));
    expect(out).toContain('… and 1 more subject\n');
  });

  it('the summary line counts in the singular where a count is 1 (1 root cause of 1 failure, 1 collection gap)', () => {
    const r = sharedCauseResult(1);
    const bySeverity = { critical: 0, high: 1, medium: 0, low: 0, info: 0 };
    const outcomes = { ...r.summary.outcomes, fail: 1, error: 1 };
    const one = { ...r, inventory: { ...r.inventory, keys: 1 }, policy: { ...r.policy, rulesEnabled: 1 } };
    const out = textReporter.render(
      { ...one, summary: { ...r.summary, gaps: 1, outcomes, rootCauses: { total: 1, bySeverity } } },
      reportMeta({ color: false }),
    );
    const summary = out.split('\n').find((l) => l.startsWith('Summary: ')) ?? '';
    expect(summary).toMatch(/^Summary: 1 key, 1 rule — 1 root cause \(critical 0, high 1, medium 0, low 0\) of 1 failure, .* 1 error, 1 collection gap\.$/);
  });

  it('wrap: words stay whole unless longer than the width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('abcdefghij kl', 4)).toEqual(['abcd', 'efgh', 'ij', 'kl']);
    expect(wrap('', 10)).toEqual(['']);
  });

  it('groups failures by root cause: one row for a trail failing 50 keys, its subjects listed under it, the rest counted', () => {
    const shared = sharedCauseResult(50);
    const out = textReporter.render(shared, reportMeta({ color: false }));
    const lines = out.split('\n');
    const rows = lines.filter((l) => l.includes(` ${TRAIL_ARN} `));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^high +key-use-logged +\S+ +trail org-trail \(50 subjects\): No covering trail/);
    const at = lines.indexOf(rows[0] as string);
    const listed = lines.slice(at + 1, at + 1 + SUBJECTS_PER_CAUSE).map((l) => l.trim());
    expect(listed.every((l) => /^- arn:aws:kms:us-east-1:111111111111:key\/\d{8}-/.test(l))).toBe(true);
    expect(lines[at + 1 + SUBJECTS_PER_CAUSE]?.trim()).toBe(`… and ${50 - SUBJECTS_PER_CAUSE} more subjects`);
    // Every failure is a row or a subject under its cause: the table's root-cause rows equal the summary's count.
    const causeRows = lines.filter((l) => /^(critical|high|medium|low|info) /.test(l));
    expect(causeRows).toHaveLength(shared.summary.rootCauses?.total as number);
    expect(out).toContain(`${shared.summary.rootCauses?.total} root causes`);
  });

  it('is bounded: 60,000 results list --report-limit rows, say what was left out and where the full report is', () => {
    const big = largeResult(60_000);
    const out = textReporter.render(big, reportMeta({ color: false, limit: 40, fullReport: 'out/keyhygiene.json' }));
    const table = out.slice(0, out.indexOf('Summary'));
    expect(table.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(40 + 2);
    expect(out).toMatch(
      /\d+ more root causes \(\d+ failures\) and \d+ more unknown, error or waived results not listed: this report lists 40 rows; the full report is out\/keyhygiene\.json\./,
    );
    const byDefault = textReporter.render(big, reportMeta({ color: false }));
    expect(byDefault.split('\n').length).toBeLessThan(DEFAULT_REPORT_LIMIT + 20);
    expect(byDefault).toContain('write the full report with --format json --output FILE');
  });

  it('streams: its chunks join to the same bytes as its one-string render', () => {
    const meta = reportMeta({ color: false, width: 100 });
    const shared = sharedCauseResult(30);
    expect([...(textReporter.renderChunks?.(shared, meta) ?? [])].join('')).toBe(textReporter.render(shared, meta));
  });
});
