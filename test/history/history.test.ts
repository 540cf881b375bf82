// Five audits over changing snapshots: first seen, resolved and time to fix, from the database and from OCSF files.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditInventory } from '../../src/audit.ts';
import type { AuditResult } from '../../src/engine/result.ts';
import { openHistory } from '../../src/history/db.ts';
import { recordOcsfFiles } from '../../src/history/ocsf-source.ts';
import { type FindingHistory, type HistoryReport, historyReport } from '../../src/history/query.ts';
import { recordRun, runRecordFromResult } from '../../src/history/record.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { reportMeta } from '../../src/report/meta.ts';
import { ocsfReporter } from '../../src/report/ocsf.ts';
import { stormRun } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const A = 'arn:aws:kms:us-west-2:111111111111:key/9a1c2f4e-7b3d-4e8f-a6c5-2d1e0f9b8a7c';
const B = 'https://kv-consumer-legacy.vault.azure.net/keys/consumer-session-signing';
const { inventory, policy } = stormRun();
const t0 = Date.parse(inventory.generatedAt);
const day = (d: number) => new Date(t0 + d * DAY).toISOString();

const without = (inv: Inventory, id: string): Inventory => ({ ...inv, keys: inv.keys.filter((k) => k.id !== id) });
const gapFor = (id: string): Inventory['gaps'][number] => ({
  id: `azure-keyvault:${id}:keys/get`,
  provider: 'azure-keyvault',
  scope: { subjectId: id },
  operation: 'keys/get',
  reason: 'the vault answered 503 three times',
  kind: 'transient',
});

/** Day of each run and the inventory it sees: A disappears (fixed) at day 20; B is unreadable at day 30; both are back at day 45. */
const RUNS: [number, Inventory][] = [
  [0, inventory],
  [10, inventory],
  [20, without(inventory, A)],
  [30, { ...without(without(inventory, A), B), gaps: [...inventory.gaps, gapFor(B)] }],
  [45, inventory],
];
const results: AuditResult[] = RUNS.map(([d, inv]) => auditInventory(inv, policy, new Date(t0 + d * DAY), false));
const dir = tempDir();

async function dbHistory(): Promise<HistoryReport> {
  const file = join(dir.dir, 'history.db');
  const db = await openHistory(file);
  for (const r of results) recordRun(db, runRecordFromResult(r, { policy: 'p', inventory: 'i' }), file);
  db.close();
  const ro = await openHistory(file, { readOnly: true });
  const h = historyReport(ro, file);
  ro.close();
  return h;
}

const of = (h: HistoryReport, subject: string) => h.list.filter((f) => f.subject.id === subject);
const failing = (r: AuditResult, subject: string) => r.results.filter((x) => x.subject.id === subject && x.outcome === 'fail');

describe('history over five audits', async () => {
  const h = await dbHistory();

  it('records five runs with their times and counts', () => {
    expect(h.runs).toEqual({ count: 5, first: day(0), last: day(45) });
    expect(h.trend.map((p) => p.time)).toEqual(RUNS.map(([d]) => day(d)));
    expect(h.trend.map((p) => p.failing)).toEqual(results.map((r) => r.summary.outcomes.fail));
    const last = h.trend[4];
    expect(Object.values(last?.byEnvironment ?? {}).reduce((a, b) => a + b, 0)).toBe(results[4]?.summary.outcomes.fail);
    expect(last?.byTrustDomain.consumer).toBeGreaterThan(0);
  });

  it('a finding fixed at day 20 and back at day 45: first seen day 0, one fix of 20 days, open again since day 45', () => {
    const fps = failing(results[0] as AuditResult, A).map((r) => r.fingerprint);
    expect(fps.length).toBe(2);
    const a = of(h, A).filter((f) => fps.includes(f.fingerprint));
    expect(a).toHaveLength(2);
    for (const f of a) expect(f).toMatchObject({ status: 'open', firstSeen: day(0), lastSeen: day(45), openedAt: day(45), daysOpen: 0 });
    for (const ruleId of a.map((f) => f.ruleId)) {
      const s = h.byRule.find((x) => x.ruleId === ruleId);
      expect(s?.fixes).toBeGreaterThanOrEqual(1);
    }
    const hsm = h.byRule.find((x) => x.ruleId === 'nonprod-principal-access');
    expect(hsm?.medianDaysToFix).toBe(20);
  });

  it('a finding whose subject could not be read at day 30 stays open (a gap is not a fix): open 45 days', () => {
    const fps = failing(results[0] as AuditResult, B).map((r) => r.fingerprint);
    const b = of(h, B).filter((f) => fps.includes(f.fingerprint));
    expect(b.length).toBe(fps.length);
    for (const f of b) expect(f).toMatchObject({ status: 'open', firstSeen: day(0), lastSeen: day(45), openedAt: day(0), daysOpen: 45 });
    expect(b.every((f) => !f.resolvedAt)).toBe(true);
  });

  it('every finding is first seen on the first run that reports it and last seen on the last', () => {
    const first = new Map<string, string>();
    const last = new Map<string, string>();
    results.forEach((r, i) => {
      for (const x of r.results) {
        if (!first.has(x.fingerprint)) first.set(x.fingerprint, day(RUNS[i]?.[0] as number));
        last.set(x.fingerprint, day(RUNS[i]?.[0] as number));
      }
    });
    expect(h.list).toHaveLength(first.size);
    expect(new Set(first.values()).size).toBeGreaterThan(1);
    for (const f of h.list) expect([f.firstSeen, f.lastSeen], f.fingerprint).toEqual([first.get(f.fingerprint), last.get(f.fingerprint)]);
  });

  it('refuses a run older than the latest, and keeps the earlier runs', async () => {
    const file = join(dir.dir, 'history.db');
    const db = await openHistory(file);
    expect(() => recordRun(db, runRecordFromResult(results[0] as AuditResult), file)).toThrow(/older than the latest recorded run/);
    expect(historyReport(db, file).runs.count).toBe(5);
    db.close();
  });

  it('OCSF JSON Lines files give the same first seen, resolved and time to fix (runs without gaps)', async () => {
    const meta = reportMeta();
    const files = results.slice(0, 3).map((r, i) => dir.write(`run-${i}.ocsf.jsonl`, ocsfReporter.render(r, meta)));
    const mem = await openHistory(':memory:');
    expect(await recordOcsfFiles(mem, [...files].reverse())).toBe(3);
    const fromOcsf = historyReport(mem, 'ocsf');
    mem.close();
    const file = join(dir.dir, 'three.db');
    const db = await openHistory(file);
    for (const r of results.slice(0, 3)) recordRun(db, runRecordFromResult(r), file);
    const fromDb = historyReport(db, file);
    db.close();
    const key = (f: FindingHistory) => [f.fingerprint, f.status, f.firstSeen, f.lastSeen, f.resolvedAt, f.daysOpen].join('|');
    expect(fromOcsf.list.map(key).sort()).toEqual(fromDb.list.map(key).sort());
    expect(fromOcsf.byRule).toEqual(fromDb.byRule);
    expect(fromOcsf.list.filter((f) => f.status === 'resolved').length).toBeGreaterThan(0);
  });
});
