import { describe, expect, it } from 'vitest';
import { reportMeta } from '../../src/report/meta.ts';
import { textReporter, wrap } from '../../src/report/text.ts';
import { stormRun } from '../helpers/storm-result.ts';

const { result } = stormRun();
const shown = result.results.filter((r) => r.outcome !== 'pass');
const render = (width?: number) => textReporter.render(result, reportMeta({ color: false, ...(width ? { width } : {}) }));

describe('text reporter', () => {
  it('without a terminal (file, pipe, log): plain, complete, one line per finding, every subject id verbatim', () => {
    const out = render();
    expect(out).not.toContain('…');
    expect(out).not.toContain('\u001b['); // no colour codes
    for (const r of shown) {
      const line = out.split('\n').find((l) => l.includes(` ${r.subject.id} `) && l.includes(r.message));
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
      for (const l of findings) if (l.length > width) expect(shown.some((r) => l.trim() === r.subject.id || l.includes(` ${r.subject.id} `))).toBe(true);
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

  it('wrap: words stay whole unless longer than the width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('abcdefghij kl', 4)).toEqual(['abcd', 'efgh', 'ij', 'kl']);
    expect(wrap('', 10)).toEqual(['']);
  });
});
