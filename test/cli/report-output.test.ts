import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullReportOf, planReports, reportedResult, writeReports } from '../../src/cli/report-output.ts';
import type { AuditResult } from '../../src/engine/result.ts';
import { FORMAT_IDS } from '../../src/report/index.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
/** What a service might answer: kept as `detail`, shown only with --debug. */
const RAW = 'User: arn:aws:sts::111111111111:assumed-role/audit/s is not authorized to perform: kms:ListGrants RAW-SERVICE-TEXT';

function withDetail(): AuditResult {
  const { result } = stormRun();
  expect(result.gaps.length).toBeGreaterThan(0);
  return { ...result, gaps: result.gaps.map((g, i) => (i === 0 ? { ...g, kind: 'denied' as const, detail: RAW } : g)) };
}

const silent = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/** Every format written to its own file; the concatenated bytes of all of them. */
function writeAll(result: AuditResult, debug: boolean, name: string): { files: string[]; text: string } {
  const dir = join(tmp.dir, name);
  const plan = planReports({ format: [...FORMAT_IDS], 'output-dir': dir, ...(debug ? { debug: true } : {}) }, {});
  writeReports(result, plan, {}, silent);
  const files = readdirSync(dir);
  return { files, text: files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') };
}

describe('gap detail (the raw service answer) in reports', () => {
  it('no report format carries detail without --debug', () => {
    const { files, text } = writeAll(withDetail(), false, 'plain');
    expect(files.length).toBe(FORMAT_IDS.length);
    expect(text).not.toContain('RAW-SERVICE-TEXT');
    // The gap itself is still reported: its reason says what, why and the fix.
    const json = JSON.parse(readFileSync(join(tmp.dir, 'plain', 'keyhygiene.json'), 'utf8')) as AuditResult;
    expect(json.gaps.length).toBe(withDetail().gaps.length);
    expect(json.gaps.some((g) => 'detail' in g)).toBe(false);
  });

  it('with --debug the JSON report keeps it, on the gap it belongs to', () => {
    writeAll(withDetail(), true, 'debug');
    const json = JSON.parse(readFileSync(join(tmp.dir, 'debug', 'keyhygiene.json'), 'utf8')) as AuditResult;
    expect(json.gaps.filter((g) => g.detail === RAW)).toHaveLength(1);
  });

  it('reportedResult leaves the evaluated result untouched', () => {
    const result = withDetail();
    const shown = reportedResult(result, false);
    expect(shown.gaps.every((g) => g.detail === undefined)).toBe(true);
    expect(result.gaps[0]?.detail).toBe(RAW);
    expect(reportedResult(result, true)).toBe(result);
  });
});

describe('fullReportOf', () => {
  const target = (file: string) => ({ file, path: file, mode: 'replace' as const });
  it('names the file of the first complete report written to a file, in the order json, csv, sarif, junit, ocsf', () => {
    expect(fullReportOf({ formats: ['markdown', 'sarif', 'json'], outputs: [undefined, target('r.sarif'), target('r.json')] })).toBe('r.json');
    expect(fullReportOf({ formats: ['json', 'sarif'], outputs: [undefined, target('r.sarif')] })).toBe('r.sarif');
  });
  it('is undefined when only summaries or stdout are written', () => {
    expect(fullReportOf({ formats: ['markdown', 'html'], outputs: [target('r.md'), target('r.html')] })).toBeUndefined();
    expect(fullReportOf({ formats: ['json'], outputs: [undefined] })).toBeUndefined();
  });
});
