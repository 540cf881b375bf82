// Every machine-readable report streams: its chunks are the same bytes as its one-string render, and
// a large result leaves the reporter as many bounded chunks, never as one string.
import { describe, expect, it } from 'vitest';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { findReporter } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { stormRun } from '../helpers/storm-result.ts';

const base = stormRun({ includePassed: true }).result;
const STREAMED = ['asff', 'csv', 'json', 'junit', 'ocsf', 'ocsf-json', 'sarif'];

/** The storm-0558 results repeated on distinct subjects until there are n. */
function large(n: number): AuditResult {
  const results: ResultEntry[] = [];
  for (let i = 0; results.length < n; i++)
    for (const r of base.results)
      if (results.length < n) results.push({ ...r, subject: { ...r.subject, id: `${r.subject.id}/${i}` }, fingerprint: `${i}-${r.fingerprint}` });
  return { ...base, results };
}

describe.each(STREAMED)('the %s reporter', (id) => {
  const reporter = findReporter(id);
  const meta = reportMeta({ srcRoot: '/work/repo' });

  it('streams the same bytes it renders as one string', () => {
    expect(reporter?.renderChunks).toBeTypeOf('function');
    const chunks = [...(reporter?.renderChunks?.(base, meta) ?? [])];
    expect(chunks.join('')).toBe(reporter?.render(base, meta));
  });

  it('writes 20,000 results as bounded chunks', () => {
    const big = large(20_000);
    let count = 0;
    let longest = 0;
    let total = 0;
    for (const chunk of reporter?.renderChunks?.(big, meta) ?? []) {
      count++;
      longest = Math.max(longest, chunk.length);
      total += chunk.length;
    }
    expect(count).toBeGreaterThan(10);
    expect(longest).toBeLessThan(256 * 1024);
    expect(total).toBeGreaterThan(20_000 * 100);
  });
});
