// Every reporter reads a result's long lists one entry at a time (issue 21): writing
// any format (the human ones list a bounded part) leaves evaluation's compact lists unbuilt, and writes the
// same bytes as the same reporter given the plain (materialised) result. Removing a gap's detail for
// the reports keeps the lists compact too.
import { describe, expect, it } from 'vitest';
import { reportedResult } from '../../src/cli/report-output.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { AuditResult } from '../../src/engine/result.ts';
import { isCompact } from '../../src/engine/result-view.ts';
import { readInventoryFile } from '../../src/inventory/read.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { findReporter } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { renderedChunks } from '../../src/report/types.ts';
import { joined } from '../../src/util/json-stream.ts';

const dir = new URL('../../examples/storm-0558/', import.meta.url).pathname;
const audit = (): AuditResult => {
  const policy = resolvePolicyFile(`${dir}keyhygiene.yaml`);
  const inv = readInventoryFile(`${dir}inventory.json`);
  inv.gaps = [...inv.gaps, { id: 'aws-kms:test:detail', provider: 'aws-kms', scope: {}, operation: 'ListKeys', reason: 'denied', detail: 'AccessDenied raw' }];
  return evaluate(inv, policy, { now: new Date(inv.generatedAt), includePassed: true });
};
const compact = (r: AuditResult) => [isCompact(r, 'results'), isCompact(r, 'subjects')];
const plain = (r: AuditResult): AuditResult => JSON.parse(JSON.stringify(r));

describe('reporters over compact result lists', () => {
  it.each(['json', 'csv', 'junit', 'sarif', 'ocsf', 'ocsf-json', 'asff', 'text', 'markdown', 'html'])(
    '%s leaves the lists compact and writes the plain result’s bytes',
    (id) => {
      const reporter = findReporter(id);
      if (!reporter) throw new Error(`no reporter ${id}`);
      const meta = reportMeta({ color: false });
      const result = audit();
      expect(compact(result)).toEqual([true, true]);
      const text = joined(renderedChunks(reporter, result, meta));
      expect(compact(result)).toEqual([true, true]);
      const expected = joined(renderedChunks(reporter, plain(audit()), meta));
      expect(text.length).toBeGreaterThan(200);
      expect(text).toBe(expected);
    },
  );

  it.each(['text', 'markdown', 'html'])('%s lists a bounded part of compact lists, the same rows as from the plain result', (id) => {
    const reporter = findReporter(id);
    if (!reporter) throw new Error(`no reporter ${id}`);
    const meta = reportMeta({ color: false, limit: 2, fullReport: 'result.json' });
    const result = audit();
    const text = joined(renderedChunks(reporter, result, meta));
    expect(compact(result)).toEqual([true, true]);
    expect(text).toContain('result.json');
    expect(text).toBe(joined(renderedChunks(reporter, plain(audit()), meta)));
  });

  it('drops the gaps’ detail for the reports without building the lists', () => {
    const result = audit();
    const shown = reportedResult(result, false);
    expect(shown === result).toBe(false); // not .not.toBe: its message would compare (and build) the lists
    expect(shown.gaps.some((g) => g.detail !== undefined)).toBe(false);
    expect(result.gaps.some((g) => g.detail !== undefined)).toBe(true);
    expect(compact(shown)).toEqual([true, true]);
    expect(compact(result)).toEqual([true, true]);
    expect(Object.keys(shown)).toEqual(Object.keys(result));
    expect(shown.results).toEqual(result.results);
    expect(shown.subjects.length).toBeGreaterThan(5);
    expect(reportedResult(result, true)).toBe(result);
  });
});
