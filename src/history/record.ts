// Record one audit run in the history database, in one transaction: the run, each result by
// fingerprint, the state of every finding (open, resolved, undecided, passing) and fixes.
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import type { AuditResult, Outcome } from '../engine/result.ts';
import { UserError } from '../errors.ts';
import { historyError } from './db.ts';

/** One result as the history keeps it. */
export interface RunResult {
  fingerprint: string;
  ruleId: string;
  category: string;
  severity: string;
  outcome: Outcome;
  subjectKind: string;
  subjectId: string;
  provider?: string;
  account?: string;
  region?: string;
  environment?: string;
  trustDomain?: string;
  keyClass?: string;
}

/** What the history needs of a run: from an AuditResult, or rebuilt from OCSF events. */
export interface RunRecord {
  time: string;
  toolVersion?: string;
  policyHash?: string;
  inventoryHash?: string;
  source?: string;
  results: RunResult[];
  /** Rules that ran; a finding of a rule not in this list is not resolved by its absence. Absent = every rule ran. */
  rules?: string[];
  /** What could not be read: a finding whose subject falls in a gap is not resolved by its absence. */
  gaps: { provider: string; scope: { account?: string; region?: string; subjectId?: string } }[];
  incomplete: boolean;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function runRecordFromResult(result: AuditResult, hashes: { policy?: string; inventory?: string } = {}): RunRecord {
  return {
    time: result.generatedAt,
    toolVersion: result.tool.version,
    ...(hashes.policy ? { policyHash: hashes.policy } : {}),
    ...(hashes.inventory ? { inventoryHash: hashes.inventory } : {}),
    source: 'audit',
    results: result.results.map((r) => ({
      fingerprint: r.fingerprint,
      ruleId: r.ruleId,
      category: r.category,
      severity: r.severity,
      outcome: r.outcome,
      subjectKind: r.subject.kind,
      subjectId: r.subject.id,
      provider: r.subject.provider,
      account: r.subject.account,
      region: r.subject.region,
      environment: r.scope?.environment,
      trustDomain: r.scope?.trustDomain,
      keyClass: r.scope?.keyClass,
    })),
    rules: result.rules.map((r) => r.id),
    gaps: result.gaps.map((g) => ({ provider: g.provider, scope: g.scope ?? {} })),
    incomplete: result.summary.incomplete,
  };
}

const OPEN_OUTCOMES = "('fail', 'waived')";
const UNDECIDED_OUTCOMES = "('unknown', 'error')";

const COLUMNS = [
  ['fingerprint', 'fingerprint'],
  ['rule_id', 'ruleId'],
  ['category', 'category'],
  ['severity', 'severity'],
  ['outcome', 'outcome'],
  ['subject_kind', 'subjectKind'],
  ['subject_id', 'subjectId'],
  ['provider', 'provider'],
  ['account', 'account'],
  ['region', 'region'],
  ['environment', 'environment'],
  ['trust_domain', 'trustDomain'],
  ['key_class', 'keyClass'],
] as const;
const COLS = COLUMNS.filter(([c]) => c !== 'outcome').map(([c]) => c);

/** Insert the run's results into a temporary table (one statement, JSON in, each field read once) and new findings into findings. */
function stage(db: DatabaseSync, run: RunRecord, t: number): void {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS cur (${COLUMNS.map(([c]) => (c === 'fingerprint' ? 'fingerprint TEXT PRIMARY KEY' : `${c} TEXT`)).join(', ')}) WITHOUT ROWID`,
  );
  db.exec('DELETE FROM temp.cur');
  db.prepare(
    `INSERT OR REPLACE INTO temp.cur (${COLUMNS.map(([c]) => c).join(', ')})
     SELECT ${COLUMNS.map(([, k]) => `value ->> '${k}'`).join(', ')} FROM json_each(?)`,
  ).run(JSON.stringify(run.results));
  db.prepare(
    `INSERT INTO findings (${COLS.join(', ')}, first_seen_ms, last_seen_ms, last_outcome)
     SELECT ${COLS.join(', ')}, ?, ?, outcome FROM temp.cur WHERE true
     ON CONFLICT (fingerprint) DO NOTHING`,
  ).run(t, t);
}

/** Move findings between states for the results present in this run. */
function transition(db: DatabaseSync, runId: number, t: number): void {
  const join = 'FROM temp.cur c WHERE c.fingerprint = findings.fingerprint';
  db.prepare(
    `INSERT INTO fixes (finding_id, opened_ms, resolved_ms, resolved_run)
     SELECT f.id, f.opened_ms, ?, ? FROM findings f JOIN temp.cur c ON c.fingerprint = f.fingerprint
     WHERE f.status = 'open' AND c.outcome = 'pass'`,
  ).run(t, runId);
  db.prepare(`UPDATE findings SET status = 'resolved', resolved_ms = ? ${join} AND status = 'open' AND c.outcome = 'pass'`).run(t);
  db.prepare(`UPDATE findings SET status = 'passing' ${join} AND status IS NULL AND c.outcome = 'pass'`).run();
  db.prepare(`UPDATE findings SET status = 'open', opened_ms = ?, resolved_ms = NULL ${join} AND status IS NOT 'open' AND c.outcome IN ${OPEN_OUTCOMES}`).run(
    t,
  );
  db.prepare(`UPDATE findings SET status = 'undecided' ${join} AND status IS NULL AND c.outcome IN ${UNDECIDED_OUTCOMES}`).run();
  db.prepare(
    `UPDATE findings SET last_seen_ms = ?, last_outcome = c.outcome, severity = c.severity,
            environment = c.environment, trust_domain = c.trust_domain, key_class = c.key_class ${join}`,
  ).run(t);
  db.prepare(
    'INSERT INTO run_results (run_id, finding_id, outcome) SELECT ?, f.id, c.outcome FROM temp.cur c JOIN findings f ON f.fingerprint = c.fingerprint',
  ).run(runId);
  db.prepare(
    `INSERT INTO run_scopes (run_id, environment, trust_domain, failing)
     SELECT ?, coalesce(environment, ''), coalesce(trust_domain, ''), count(*) FROM temp.cur WHERE outcome = 'fail' GROUP BY 1, 2, 3`,
  ).run(runId);
}

interface OpenRow {
  id: number;
  rule_id: string;
  provider: string | null;
  account: string | null;
  region: string | null;
  subject_id: string;
  opened_ms: number;
}

/** Whether an open finding that this run did not report could have been seen: its rule ran and no gap covers its subject. */
function couldSee(f: OpenRow, run: RunRecord, rules: Set<string> | undefined): boolean {
  if (rules && !rules.has(f.rule_id)) return false;
  return !run.gaps.some(
    (g) =>
      (f.provider === null || g.provider === f.provider) &&
      (!g.scope.subjectId || g.scope.subjectId === f.subject_id) &&
      (!g.scope.account || g.scope.account === f.account) &&
      (!g.scope.region || g.scope.region === f.region),
  );
}

/** Resolve open findings this run no longer reports, unless the run could not have seen them. */
function resolveAbsent(db: DatabaseSync, run: RunRecord, runId: number, t: number): number {
  const rows = db
    .prepare(
      `SELECT id, rule_id, provider, account, region, subject_id, opened_ms FROM findings f
       WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM temp.cur c WHERE c.fingerprint = f.fingerprint)`,
    )
    .all() as unknown as OpenRow[];
  const rules = run.rules ? new Set(run.rules) : undefined;
  const fix = db.prepare('INSERT INTO fixes (finding_id, opened_ms, resolved_ms, resolved_run) VALUES (?, ?, ?, ?)');
  const close = db.prepare("UPDATE findings SET status = 'resolved', resolved_ms = ? WHERE id = ?");
  let n = 0;
  for (const f of rows) {
    if (!couldSee(f, run, rules)) continue;
    fix.run(f.id, f.opened_ms, t, runId);
    close.run(t, f.id);
    n++;
  }
  return n;
}

function latestTime(db: DatabaseSync): number | undefined {
  const row = db.prepare('SELECT max(time_ms) AS t FROM runs').get() as { t: number | null };
  return row.t ?? undefined;
}

function insertRun(db: DatabaseSync, run: RunRecord, t: number): number {
  const c: Record<string, number> = { fail: 0, error: 0, unknown: 0, waived: 0, pass: 0 };
  for (const r of run.results) if (r.outcome in c) c[r.outcome] = (c[r.outcome] as number) + 1;
  const info = db
    .prepare(
      `INSERT INTO runs (time, time_ms, tool_version, policy_hash, inventory_hash, results, fail, error, unknown, waived, pass, gaps, incomplete, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      run.time,
      t,
      run.toolVersion ?? null,
      run.policyHash ?? null,
      run.inventoryHash ?? null,
      run.results.length,
      c.fail as number,
      c.error as number,
      c.unknown as number,
      c.waived as number,
      c.pass as number,
      run.gaps.length,
      run.incomplete ? 1 : 0,
      run.source ?? null,
    );
  return Number(info.lastInsertRowid);
}

/**
 * Record one run in one transaction: either all of it lands or none of it, and earlier runs are
 * never changed. Runs are recorded in time order; an older run than the latest recorded is refused.
 */
export function recordRun(db: DatabaseSync, run: RunRecord, file: string): { runId: number; resolved: number } {
  const t = Date.parse(run.time);
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    throw historyError(file, err);
  }
  try {
    const latest = latestTime(db);
    if (latest !== undefined && t < latest)
      throw new UserError({
        file,
        message: `this run's time ${run.time} is older than the latest recorded run (${new Date(latest).toISOString()}); history records runs in time order.`,
        hint: 'record runs in the order they happened (check --now), or use another --history file',
      });
    const runId = insertRun(db, run, t);
    stage(db, run, t);
    transition(db, runId, t);
    const resolved = resolveAbsent(db, run, runId, t);
    db.exec('COMMIT');
    return { runId, resolved };
  } catch (err) {
    db.exec('ROLLBACK');
    throw err instanceof UserError ? err : historyError(file, err);
  }
}
