// The built CLI: audit --history, keyhygiene history, and the database failures a user meets (exit 2, path and fix).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { HistoryReport } from '../../src/history/query.ts';
import { hasStackTrace, runCli } from '../helpers/cli.ts';
import { STORM_POLICY, STORM_SNAPSHOT } from '../helpers/storm-result.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir();
const audit = (db: string, now: string, extra: string[] = []) =>
  runCli(['audit', '--policy', STORM_POLICY, '--snapshot', STORM_SNAPSHOT, '--now', now, '--history', db, '--fail-on', 'none', '--allow-incomplete', ...extra]);

describe('keyhygiene audit --history and keyhygiene history', () => {
  it('records each run, answers history as text and JSON, and draws the trend in the HTML report', async () => {
    const db = join(dir.dir, 'h.db');
    const html = join(dir.dir, 'report.html');
    expect((await audit(db, '2026-11-01T06:00:00Z', ['--format', 'json', '--output', join(dir.dir, 'r.json')])).status).toBe(0);
    const second = await audit(db, '2026-11-11T06:00:00Z', ['--format', 'html', '--output', html]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain(`recorded run in ${db}`);
    expect(readFileSync(html, 'utf8')).toContain('Failing results over the last 2 runs');
    const text = await runCli(['history', '--db', db]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2 runs, 2026-11-01T06:00:00.000Z … 2026-11-11T06:00:00.000Z/);
    expect(text.stdout).toContain('By rule:');
    const json = await runCli(['history', '--db', db, '--json']);
    const h = JSON.parse(json.stdout) as HistoryReport;
    expect(h.runs.count).toBe(2);
    expect(h.findings.open).toBeGreaterThan(0);
    const r = new DatabaseSync(db, { readOnly: true });
    const runs = r.prepare('SELECT policy_hash, inventory_hash FROM runs').all() as { policy_hash: string; inventory_hash: string }[];
    r.close();
    expect(runs).toHaveLength(2);
    expect(runs[0]?.policy_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(runs[0]?.inventory_hash).toBe(runs[1]?.inventory_hash);
  });

  it('a damaged file, a foreign SQLite file and a missing one are exit 2 with the path and the fix, and are left as they were', async () => {
    const junk = dir.write('junk.db', 'this is not a database, it is a text file that happens to be long enough to have a header'.repeat(20));
    const before = readFileSync(junk);
    const bad = await audit(junk, '2026-11-01T06:00:00Z');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(junk);
    expect(bad.stderr).toMatch(/fix: .*earlier runs in it were not changed/);
    expect(hasStackTrace(bad.stderr)).toBe(false);
    expect(readFileSync(junk).equals(before)).toBe(true);

    const foreign = join(dir.dir, 'foreign.db');
    const f = new DatabaseSync(foreign);
    f.exec('CREATE TABLE orders (id INTEGER)');
    f.close();
    const notOurs = await audit(foreign, '2026-11-01T06:00:00Z');
    expect(notOurs.status).toBe(2);
    expect(notOurs.stderr).toContain('not a keyhygiene history database');

    const missing = await runCli(['history', '--db', join(dir.dir, 'nope.db')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('record runs first');
  });

  it('a database locked by another writer is exit 2 naming the file, and the run recorded before survives', async () => {
    const db = join(dir.dir, 'locked.db');
    expect((await audit(db, '2026-11-01T06:00:00Z')).status).toBe(0);
    const holder = new DatabaseSync(db);
    holder.exec('BEGIN EXCLUSIVE');
    const locked = await audit(db, '2026-11-02T06:00:00Z');
    holder.exec('ROLLBACK');
    holder.close();
    expect(locked.status).toBe(2);
    expect(locked.stderr).toContain(db);
    expect(locked.stderr).toMatch(/locked/);
    const h = JSON.parse((await runCli(['history', '--db', db, '--json'])).stdout) as HistoryReport;
    expect(h.runs.count).toBe(1);
  });

  it('reads OCSF JSON Lines files instead of a database', async () => {
    for (const [i, now] of ['2026-11-01T06:00:00Z', '2026-11-21T06:00:00Z'].entries()) {
      const r = await runCli([
        'audit',
        '--policy',
        STORM_POLICY,
        '--snapshot',
        STORM_SNAPSHOT,
        '--now',
        now,
        '--format',
        'ocsf',
        '--fail-on',
        'none',
        '--allow-incomplete',
      ]);
      expect(r.status, r.stderr).toBe(0);
      writeFileSync(join(dir.dir, `run-${i}.jsonl`), r.stdout);
    }
    const h = await runCli(['history', '--ocsf', join(dir.dir, 'run-1.jsonl'), '--ocsf', join(dir.dir, 'run-0.jsonl'), '--json']);
    expect(h.status, h.stderr).toBe(0);
    expect((JSON.parse(h.stdout) as HistoryReport).runs).toEqual({ count: 2, first: '2026-11-01T06:00:00.000Z', last: '2026-11-21T06:00:00.000Z' });
    const bad = dir.write('bad.jsonl', '{"class_uid": 2003}\n');
    const r = await runCli(['history', '--ocsf', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:1`);
  });
});
