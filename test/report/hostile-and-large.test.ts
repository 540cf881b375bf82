// Reports under hostile strings and at scale (issue 13): cloud-controlled text cannot drive a terminal
// or inject Markdown links; large results render without a stack overflow, in linear time, in chunks.
import { describe, expect, it } from 'vitest';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { jsonReporter } from '../../src/report/json.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { markdownReporter } from '../../src/report/markdown.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { textReporter } from '../../src/report/text.ts';
import { terminalSafe } from '../../src/util/terminal.ts';
import { stormRun } from '../helpers/storm-result.ts';

const base = stormRun().result;
const failing = base.results.find((r) => r.outcome === 'fail') as ResultEntry;

const HOSTILE_NAME = 'key\u001b]0;owned\u0007\u001b[2J\u202eeman-real\u009b31m';
const hostile: AuditResult = {
  ...base,
  results: [
    {
      ...failing,
      // The subject itself is the cause: its (hostile) name labels the row.
      rootCause: undefined,
      subject: { ...failing.subject, name: HOSTILE_NAME },
      message: 'tag value \u001b[31mred\u001b[0m [click](https://evil.example/) ![x](https://evil.example/x.png) | cell',
    },
  ],
};

/** A result with `n` copies of a failing entry on distinct keys. */
function large(n: number): AuditResult {
  const results: ResultEntry[] = new Array(n);
  for (let i = 0; i < n; i++)
    results[i] = { ...failing, rootCause: undefined, subject: { ...failing.subject, id: `arn:aws:kms:us-east-1:111111111111:key/${i}` }, fingerprint: `${i}` };
  return { ...base, results };
}

describe('hostile strings', () => {
  it('the text report shows control and bidi characters escaped, never raw', () => {
    const out = textReporter.render(hostile, reportMeta({ color: false }));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts that no control character is left
    expect(out).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(out).toContain('\\x1b]0;owned\\x07');
    expect(out).toContain('\\u202e');
  });

  it('terminalSafe escapes C0, DEL, C1 and bidi controls and keeps ordinary Unicode', () => {
    expect(terminalSafe('a\u0000b\u007fc\u0085d\u2066e\u200ff')).toBe('a\\x00b\\x7fc\\x85d\\u2066e\\u200ff');
    expect(terminalSafe('clé 🔑 مفتاح')).toBe('clé 🔑 مفتاح');
  });

  it('the Markdown summary carries no link, image, HTML or table break from a message or subject', () => {
    const withId: AuditResult = {
      ...hostile,
      results: [{ ...(hostile.results[0] as ResultEntry), subject: { ...failing.subject, id: 'x` [a](https://evil.example) `y|z' } }],
    };
    const out = markdownReporter.render(withId, reportMeta());
    // Outside inline code spans (where nothing renders as a link) no link or image syntax survives.
    const prose = out.replace(/`[^`\n]*`/g, '');
    expect(prose).not.toMatch(/(?<!\\)\]\(https/);
    expect(prose).not.toMatch(/(?<!\\)!\[/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test asserts that no control character is left
    expect(out).not.toMatch(/[\u001b\u202e]/);
    const row = out.split('\n').find((l) => l.includes('evil.example')) as string;
    // Six unescaped pipes: the root-cause row keeps its five cells.
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
  });
});

describe('large results', () => {
  it('a text report of 60k results renders with the limit raised past them (no stack overflow from spreading rows)', () => {
    const t0 = Date.now();
    const out = textReporter.render(large(60_000), reportMeta({ color: false, limit: 100_000 }));
    expect(out.split('\n').length).toBeGreaterThan(60_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('JUnit is linear: 45k results (15k keys × 3) in well under the 30 s it took', () => {
    const t0 = Date.now();
    const out = renderJunit(large(45_000));
    expect(out.match(/<testcase /g)).toHaveLength(45_000);
    // Quadratic copying took minutes here; linear takes seconds even on a loaded CI machine.
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('the JSON report streams in bounded chunks that join to JSON.stringify exactly', () => {
    const r = large(20_000);
    const chunks = [...(jsonReporter.renderChunks?.(r, reportMeta()) ?? [])];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(1 << 20);
    expect(chunks.join('')).toBe(jsonReporter.render(r, reportMeta()));
  });
});
