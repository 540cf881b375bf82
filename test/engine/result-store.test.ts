// Results kept as columns (src/engine/result-store.ts): the order they are read in is the documented
// report order, and the root causes grouped from the columns are those grouped from the entries.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench's estate generator is plain JavaScript
import { benchPolicy, keyRecord, trails } from '../../bench/lib/estate.js';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { AuditResult, ResultEntry } from '../../src/engine/result.ts';
import { sortByRank } from '../../src/engine/result-store.ts';
import { eachResult } from '../../src/engine/result-view.ts';
import { groupRootCauses } from '../../src/engine/root-causes.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const OUTCOME = ['fail', 'error', 'unknown', 'waived', 'pass', 'not-applicable'];
const SEVERITY = ['critical', 'high', 'medium', 'low', 'info'];
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The report order, written out: outcome, severity, rule id, subject id, finding key. */
const reportOrder = (a: ResultEntry, b: ResultEntry) =>
  OUTCOME.indexOf(a.outcome) - OUTCOME.indexOf(b.outcome) ||
  SEVERITY.indexOf(a.severity) - SEVERITY.indexOf(b.severity) ||
  cmp(a.ruleId, b.ruleId) ||
  cmp(a.subject.id, b.subject.id) ||
  cmp(a.findingKey ?? '', b.findingKey ?? '');

/** 3,000 keys of the bench estate (unsorted ids over 50 accounts and 4 regions; trails that fail keys). */
const tmp = tempDir();

function benchRun(includePassed: boolean): AuditResult {
  const policy = resolvePolicyFile(benchPolicy(`${tmp.dir}/policy.yaml`));
  const inventory = {
    kind: 'keyhygiene-inventory',
    version: 1,
    generatedAt: '2026-11-01T00:00:00.000Z',
    providers: [{ id: 'bench' }],
    keys: Array.from({ length: 3000 }, (_, i) => keyRecord(i, 'realistic')),
    trails: trails(),
    publishedKeys: [],
    artifacts: [],
    gaps: [],
  } as unknown as Inventory;
  return evaluate(inventory, policy, { now: new Date('2026-11-01T00:00:00Z'), includePassed });
}

describe('result store', () => {
  const cases: [string, () => AuditResult][] = [
    ['storm-0558 with passes', () => stormRun({ includePassed: true }).result],
    ['bench estate', () => benchRun(false)],
    ['bench estate with passes', () => benchRun(true)],
  ];
  for (const [name, run] of cases) {
    it(`${name}: results come in report order, and the root causes are those of the entries`, () => {
      const result = run();
      const entries = [...eachResult(result)];
      expect(entries.length).toBeGreaterThan(10);
      expect(new Set(entries.map((e) => e.outcome)).size).toBeGreaterThan(1);
      expect(entries).toEqual([...entries].sort(reportOrder));
      const fromEntries = groupRootCauses(entries);
      expect(result.rootCauses).toEqual(fromEntries.rootCauses);
      expect(result.summary.rootCauses).toEqual(fromEntries.counts);
      // Shared causes are there, and several failures share some of them.
      expect(fromEntries.rootCauses.some((c) => c.subjects.length > 1)).toBe(true);
    });
  }
});

describe("sortByRank (the results' order: rank, finding key, then the order added)", () => {
  it('packs index under rank and sorts natively, or compares when rank × n would not fit a double: the same order either way', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const n of [0, 1, 2, 50, 2000]) {
      // Few distinct ranks, so many ties; finding keys on some results, in no order.
      const rank = Float64Array.from({ length: n }, () => Math.floor(next() * 40));
      const keys = Array.from({ length: n }, () => (next() < 0.5 ? undefined : ['b', 'a', 'c#x', ''][Math.floor(next() * 4)]));
      const want = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (rank[a] as number) - (rank[b] as number) || cmp(keys[a] ?? '', keys[b] ?? '') || a - b,
      );
      expect([...sortByRank(rank, keys, 64)], `packed, n=${n}`).toEqual(want);
      expect([...sortByRank(rank, keys, Number.MAX_SAFE_INTEGER)], `compared, n=${n}`).toEqual(want);
    }
  });
});
