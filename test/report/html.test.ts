import { describe, expect, it } from 'vitest';
import type { AuditResult, ComplianceSummary, ResultEntry } from '../../src/engine/result.ts';
import { esc, htmlReporter } from '../../src/report/html.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { largeResult } from '../helpers/report-results.ts';
import { stormRun } from '../helpers/storm-result.ts';

const storm = stormRun();
const meta = reportMeta();
const render = (r: AuditResult) => htmlReporter.render(r, meta);

const compliance: ComplianceSummary = {
  framework: 'csrb-storm-0558',
  title: 'CSRB <recommendations>',
  edition: '2024',
  source: 'primary',
  counts: { satisfied: 1, failed: 1, 'not-assessed': 0 },
  controls: [
    {
      id: 'rec-1',
      title: 'Rotate signing keys',
      source: 'primary',
      status: 'failed',
      counts: { fail: 2, error: 0, unknown: 0, waived: 0, pass: 1, 'not-applicable': 0 },
      rules: [{ id: 'key-material-max-age', enabled: true }],
    },
    {
      id: 'rec-2',
      title: 'Log key use',
      source: 'primary',
      status: 'satisfied',
      counts: { fail: 0, error: 0, unknown: 0, waived: 0, pass: 3, 'not-applicable': 0 },
      rules: [{ id: 'key-use-logged', enabled: true }],
    },
  ],
};

describe('html reporter', () => {
  it('is one self-contained document: no external resource, a CSP that forbids fetching, inline SVG charts', () => {
    const html = render(storm.result);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('@media print');
  });

  it('has a row per result carrying the filter attributes, and filters built from the data', () => {
    const html = render(storm.result);
    const rows = html.match(/<tr data-severity="[^"]*" data-category="[^"]*" data-provider="[^"]*" data-outcome="[^"]*"/g) ?? [];
    expect(rows).toHaveLength(storm.result.results.length);
    for (const f of ['severity', 'category', 'provider', 'outcome']) expect(html).toContain(`data-filter="${f}"`);
    expect(html).toContain('<option value="aws-kms">aws-kms</option>');
    expect(html).not.toContain('data-filter="baseline"');
  });

  it('escapes every data field', () => {
    const evil = '<img src=x onerror="alert(1)">&\'';
    const first = storm.result.results[0] as ResultEntry;
    const result: AuditResult = {
      ...storm.result,
      policy: { ...storm.result.policy, file: `/p/${evil}.yaml` },
      results: [{ ...first, message: evil, subject: { ...first.subject, name: evil, provider: evil }, category: evil }],
      waivers: [{ rule: 'x', subject: evil, reason: evil, approver: evil, expires: '2027-01-01', status: 'unused', matched: 0 }],
      gaps: [{ id: 'g', provider: evil, scope: { account: evil }, operation: evil, reason: evil }],
      compliance: [{ ...compliance, title: evil }],
    };
    const html = render(result);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).toContain(esc(evil));
    expect(esc(`<a href='x'>&"`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
  });

  it('renders the per-framework control matrix only when the result carries compliance', () => {
    expect(render(storm.result)).not.toContain('id="compliance"');
    const html = render({ ...storm.result, compliance: [compliance] });
    expect(html).toContain('id="compliance"');
    expect(html).toContain('CSRB &lt;recommendations&gt; 2024');
    expect(html.match(/data-control-status="failed"/g)).toHaveLength(1);
    expect(html.match(/data-control-status="satisfied"/g)).toHaveLength(1);
  });

  it('the evidence appendix lists coverage, gaps and every waiver with its status, expired and unused included', () => {
    const html = render(storm.result);
    const appendix = html.slice(html.indexOf('id="evidence"'));
    expect(appendix).toContain('Inventory coverage');
    expect(appendix).toContain(`Collection gaps (${storm.result.gaps.length})`);
    expect(appendix).toContain(storm.result.gaps[0]?.operation as string);
    for (const s of ['active', 'expired', 'unused']) expect(appendix).toContain(`data-waiver-status="${s}"`);
    for (const w of storm.result.waivers) expect(appendix).toContain(esc(w.reason));
  });

  it('shows the baseline section and filter when the result was compared with one', () => {
    const first = storm.result.results[0] as ResultEntry;
    const html = render({
      ...storm.result,
      results: storm.result.results.map((r) => ({ ...r, baseline: 'new' as const })),
      baseline: { generatedAt: '2026-10-01T00:00:00Z', counts: { new: 3, unchanged: 0, resolved: 1 }, resolved: [{ ...first, message: 'gone now' }] },
    });
    expect(html).toContain('id="baseline"');
    expect(html).toContain('data-filter="baseline"');
    expect(html).toContain('gone now');
  });

  it('is deterministic', () => {
    expect(render(storm.result)).toBe(render(stormRun().result));
  });
});

describe('the HTML report at scale', () => {
  it('is bounded: 30,000 results with passes list --report-limit rows per table, failures first, and name the full report', () => {
    const big = largeResult(30_000, { includePassed: true });
    const limited = reportMeta({ limit: 200, fullReport: 'reports/keyhygiene.json' });
    const html = htmlReporter.render(big, limited);
    const rowsOf = (id: string) => {
      const at = html.indexOf(`<table id="${id}">`);
      return html.slice(at, html.indexOf('</table>', at)).match(/<tr data-/g)?.length ?? 0;
    };
    expect(rowsOf('findings-table')).toBe(200);
    expect(rowsOf('root-cause-table')).toBe(200);
    expect(html).toContain(`${big.results.length - 200} more results are not listed here: this report lists 200; the full report is reports/keyhygiene.json.`);
    expect(html).toMatch(/\d+ more root causes \(\d+ failures\) not listed: this report lists 200 rows; the full report is reports\/keyhygiene\.json\./);
    // The listed rows are the failures and undecided results, never passes while those remain.
    const findings = html.slice(html.indexOf('<table id="findings-table">'), html.indexOf('</table>', html.indexOf('<table id="findings-table">')));
    expect(findings).not.toContain('data-outcome="pass"');
    expect(html.length).toBeLessThan(2_000_000);
    // The chunks are the same bytes, and none is huge.
    const chunks = [...(htmlReporter.renderChunks?.(big, limited) ?? [])];
    expect(chunks.join('')).toBe(html);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(512 * 1024);
  });
});
