import { describe, expect, it } from 'vitest';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { CSV_COLUMNS, csvCell, csvReporter } from '../../src/report/csv.ts';
import { junitReporter, xmlEscape } from '../../src/report/junit.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { sharedCauseResult, TRAIL_ARN } from '../helpers/report-results.ts';
import { stormRun } from '../helpers/storm-result.ts';

const meta = reportMeta();
const storm = stormRun();

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

/** Elements open and close in order: a well-formedness check for the XML we write. */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-zA-Z-]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

describe('junit reporter', () => {
  const xml = junitReporter.render(storm.result, meta);

  it('one suite per rule, one failing test case per root cause and one per other result, failures and skips counted', () => {
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(balanced(xml)).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(storm.result.rules.length);
    const o = storm.result.summary.outcomes;
    const causes = storm.result.summary.rootCauses?.total as number;
    const tests = causes + storm.result.results.filter((r) => r.outcome !== 'fail').length;
    expect(xml.match(/<testcase /g)).toHaveLength(tests);
    expect(xml.match(/<failure /g)).toHaveLength(causes);
    expect(xml.match(/<skipped /g)).toHaveLength(o.unknown + o.waived);
    expect(xml).toContain(`<testsuites name="keyhygiene" tests="${tests}" failures="${causes}" errors="${o.error}" skipped="${o.unknown + o.waived}">`);
    expect(xml).toContain('<property name="passed-not-listed"');
  });

  it('lists passing cases with --include-passed', () => {
    const all = stormRun({ includePassed: true }).result;
    const x = junitReporter.render(all, meta);
    const tests = (all.summary.rootCauses?.total as number) + all.results.filter((r) => r.outcome !== 'fail').length;
    expect(x.match(/<testcase /g)).toHaveLength(tests);
    expect(all.results.filter((r) => r.outcome === 'pass').length).toBeGreaterThan(0);
    expect(all.results.length).toBeGreaterThan(storm.result.results.length);
    expect(x).not.toContain('passed-not-listed');
    expect(balanced(x)).toBe(true);
  });

  it('one failing test case per root cause: a trail failing 50 keys is one test, its body lists every subject', () => {
    const shared = sharedCauseResult(50);
    const x = junitReporter.render(shared, meta);
    expect(balanced(x)).toBe(true);
    const rc = shared.summary.rootCauses?.total as number;
    expect(x.match(/<failure /g)).toHaveLength(rc);
    expect(x).toMatch(new RegExp(`^<testsuites name="keyhygiene" tests="\\d+" failures="${rc}" `, 'm'));
    const suite = x.slice(x.indexOf('<testsuite name="key-use-logged"'), x.indexOf('</testsuite>', x.indexOf('<testsuite name="key-use-logged"')));
    const failures = Number(suite.match(/failures="(\d+)"/)?.[1]);
    expect(failures).toBe(shared.rootCauses?.filter((c) => c.ruleId === 'key-use-logged').length);
    const testcase = suite.slice(suite.indexOf('name="trail org-trail (50 subjects)"'));
    const body = testcase.slice(testcase.indexOf('<failure'), testcase.indexOf('</failure>'));
    expect(body).toContain(`root cause: trail ${TRAIL_ARN} (org-trail)`);
    expect(body).toContain('affected subjects: 50');
    expect(
      body.match(/\n- arn:aws:kms:us-east-1:111111111111:key\/\d{8}-0000-4000-8000-000000000000 \(alias\/app-\d+\): fingerprint [0-9a-f]{32}/g),
    ).toHaveLength(50);
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    const first = storm.result.results[0] as ResultEntry;
    const evil = `</failure><x a="1">&'\u0001`;
    const x = junitReporter.render({ ...storm.result, results: [{ ...first, message: evil, subject: { ...first.subject, name: evil } }] }, meta);
    expect(balanced(x)).toBe(true);
    expect(x).not.toContain('</failure><x');
    expect(x).not.toContain('\u0001');
    expect(xmlEscape(evil)).toBe('&lt;/failure&gt;&lt;x a=&quot;1&quot;&gt;&amp;&apos;');
  });
});

describe('csv reporter', () => {
  it('a header and one row per result, every row as wide as the header', () => {
    const rows = parseCsv(csvReporter.render(storm.result, meta));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(storm.result.results.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    storm.result.results.forEach((entry, i) => {
      const row = rows[i + 1] as string[];
      expect(row[col('fingerprint')]).toBe(entry.fingerprint);
      expect(row[col('outcome')]).toBe(entry.outcome);
      expect(row[col('message')]).toBe(entry.message);
    });
    const waived = rows.find((r) => r[col('outcome')] === 'waived');
    expect(waived?.[col('waiver_reason')]).toBeTruthy();
  });

  it('carries the root cause of each failure: id, kind and resource; a pivot on the id counts root causes', () => {
    const shared = sharedCauseResult(50);
    const rows = parseCsv(csvReporter.render(shared, meta)).slice(1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const trail = rows.filter((r) => r[col('root_cause_resource')] === TRAIL_ARN);
    expect(trail).toHaveLength(50);
    expect(new Set(trail.map((r) => r[col('root_cause_id')]))).toEqual(new Set(['c0ffee00c0ffee00c0ffee00c0ffee00']));
    expect(trail.every((r) => r[col('root_cause_kind')] === 'trail')).toBe(true);
    const failing = rows.filter((r) => r[col('outcome')] === 'fail');
    expect(new Set(failing.map((r) => r[col('root_cause_id')])).size).toBe(shared.summary.rootCauses?.total);
    // A finding that is its own cause carries its fingerprint and its subject; unknown results carry none.
    const own = failing.find((r) => r[col('root_cause_id')] === r[col('fingerprint')]);
    expect(own?.[col('root_cause_resource')]).toBe(own?.[col('subject_id')]);
    expect(rows.filter((r) => r[col('outcome')] === 'unknown').every((r) => r[col('root_cause_id')] === '')).toBe(true);
  });

  it('quotes commas, quotes and newlines, and neutralises spreadsheet formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1`).replace(/^"/, '').startsWith("'")).toBe(true);
    const first = storm.result.results[0] as ResultEntry;
    const result: AuditResult = {
      ...storm.result,
      results: [{ ...first, message: 'line1\nline2, "quoted"', subject: { ...first.subject, name: '=cmd|calc' } }],
    };
    const rows = parseCsv(csvReporter.render(result, meta));
    expect(rows[1]?.[CSV_COLUMNS.indexOf('message')]).toBe('line1\nline2, "quoted"');
    expect(rows[1]?.[CSV_COLUMNS.indexOf('subject_name')]).toBe("'=cmd|calc");
  });

  it('adds the baseline state, and rows for resolved findings', () => {
    const first = storm.result.results[0] as ResultEntry;
    const result: AuditResult = {
      ...storm.result,
      results: [{ ...first, baseline: 'new' }],
      baseline: { generatedAt: '2026-10-01T00:00:00Z', counts: { new: 1, unchanged: 0, resolved: 1 }, resolved: [{ ...first, fingerprint: 'f'.repeat(32) }] },
    };
    const rows = parseCsv(csvReporter.render(result, meta));
    expect(rows.map((r) => r[CSV_COLUMNS.indexOf('baseline')])).toEqual(['baseline', 'new', 'resolved']);
  });
});
