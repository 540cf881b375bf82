// Every report format counts failures the same way the gate and the summary do: by root cause. For
// the same results, each format's failure count (read back from its own output) equals the number of
// root causes. A new reporter must say here how its failures are counted.
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/engine/result.ts';
import { FORMAT_IDS, findReporter } from '../../src/report/index.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { sharedCauseResult, withResults } from '../helpers/report-results.ts';

const distinct = (xs: readonly (string | undefined)[]) => new Set(xs.filter((x): x is string => !!x)).size;

/** CSV cells of a line (our own writer's quoting: "…" with doubled quotes; no newline in these cells). */
const csvCells = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => (m[1] ?? '').replace(/^"|"$/g, '').replace(/""/g, '"'));

type Json = Record<string, unknown>;
const ocsfFailures = (events: Json[]) =>
  distinct(events.filter((e) => e.status_code === 'fail').map((e) => ((e.unmapped as Json).keyhygiene as { root_cause?: { uid: string } }).root_cause?.uid));

/** How each format's output counts failures, read back from the output itself. */
const FAILURES: Record<string, (out: string) => number> = {
  json: (out) => {
    const r = JSON.parse(out) as AuditResult;
    expect(r.rootCauses).toHaveLength(r.summary.rootCauses?.total as number);
    return r.summary.rootCauses?.total as number;
  },
  sarif: (out) => {
    const results = (JSON.parse(out) as { runs: { results: { properties?: { rootCause?: unknown }; suppressions?: unknown }[] }[] }).runs[0]?.results ?? [];
    return results.filter((r) => r.properties?.rootCause && !r.suppressions).length;
  },
  markdown: (out) => {
    const section = out.slice(out.indexOf('### Failures'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| Severity')));
    return table.split('\n').filter((l) => /^\| \S+ (critical|high|medium|low|info) \|/.test(l)).length;
  },
  text: (out) => out.split('\n').filter((l) => /^(critical|high|medium|low|info) /.test(l)).length,
  html: (out) => out.match(/<tr data-cause-row="/g)?.length ?? 0,
  junit: (out) => {
    const total = Number(out.match(/<testsuites [^>]*failures="(\d+)"/)?.[1]);
    expect(out.match(/<failure /g)?.length ?? 0).toBe(total);
    return total;
  },
  csv: (out) => {
    const [head, ...rows] = out.split('\r\n').filter(Boolean);
    const cols = csvCells(head as string);
    const at = (row: string[], name: string) => row[cols.indexOf(name)];
    return distinct(
      rows
        .map(csvCells)
        .filter((r) => at(r, 'outcome') === 'fail')
        .map((r) => at(r, 'root_cause_id')),
    );
  },
  ocsf: (out) =>
    ocsfFailures(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ),
  'ocsf-json': (out) => ocsfFailures(JSON.parse(out)),
  asff: (out) =>
    distinct(
      (JSON.parse(out) as { ProductFields: Record<string, string> }[])
        .filter((f) => f.ProductFields['keyhygiene/outcome'] === 'fail')
        .map((f) => f.ProductFields['keyhygiene/root-cause']),
    ),
};

// The storm estate plus a trail failing 25 keys; ASFF holds findings about AWS subjects only, so the
// same check runs on the AWS part of the estate too.
const mixed = sharedCauseResult(25);
const aws = withResults(
  mixed,
  mixed.results.filter((r) => r.subject.id.startsWith('arn:aws:')),
);

describe('every format counts failures by root cause', () => {
  it('every registered format has a counter here', () => {
    expect(Object.keys(FAILURES).sort()).toEqual([...FORMAT_IDS].sort());
  });

  for (const [name, result] of [
    ['the storm estate with a shared trail', mixed],
    ['its AWS subjects', aws],
  ] as const) {
    describe(name, () => {
      const expected = result.summary.rootCauses?.total as number;
      it('has shared root causes (fewer causes than failures)', () => {
        expect(expected).toBeGreaterThan(1);
        expect(expected).toBeLessThan(result.summary.outcomes.fail);
      });
      for (const id of FORMAT_IDS) {
        if (id === 'asff' && result === mixed) continue;
        it(`${id}: failures counted = ${expected} root causes`, () => {
          const out = findReporter(id)?.render(result, reportMeta()) as string;
          expect(FAILURES[id]?.(out)).toBe(expected);
        });
      }
    });
  }
});
