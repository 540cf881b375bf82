// What `keyhygiene history` answers, read from the history database: findings with first and last
// seen, open and resolved, time to fix per rule and per concern (rule category), trends by
// environment and trust domain.
import type { DatabaseSync } from 'node:sqlite';

const DAY_MS = 86_400_000;

export interface FindingHistory {
  fingerprint: string;
  ruleId: string;
  category: string;
  severity: string;
  subject: { kind: string; id: string; provider?: string };
  environment?: string;
  trustDomain?: string;
  status: 'open' | 'resolved' | 'undecided' | 'passing';
  lastOutcome: string;
  firstSeen: string;
  lastSeen: string;
  /** Start of the current (or last) failing episode. */
  openedAt?: string;
  resolvedAt?: string;
  /** Days open: until now (the latest run) for open findings, until resolution for resolved ones. */
  daysOpen?: number;
}

export interface FixStats {
  open: number;
  resolved: number;
  /** Fixes recorded (a finding fixed twice counts twice). */
  fixes: number;
  meanDaysToFix?: number;
  medianDaysToFix?: number;
  oldestOpenSince?: string;
}

export interface TrendPoint {
  time: string;
  failing: number;
  byEnvironment: Record<string, number>;
  byTrustDomain: Record<string, number>;
}

export interface HistoryReport {
  source: string;
  runs: { count: number; first?: string; last?: string };
  findings: { total: number; open: number; resolved: number; undecided: number; passing: number };
  byRule: (FixStats & { ruleId: string; category: string })[];
  byConcern: (FixStats & { category: string })[];
  trend: TrendPoint[];
  list: FindingHistory[];
}

const iso = (ms: number | null | undefined): string | undefined => (ms === null || ms === undefined ? undefined : new Date(ms).toISOString());
const days = (ms: number): number => Math.round((ms / DAY_MS) * 10) / 10;

function median(sorted: number[]): number | undefined {
  if (!sorted.length) return undefined;
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
}

interface StatRow {
  key: string;
  category: string;
  open: number;
  resolved: number;
  oldest: number | null;
}

/** Open/resolved counts and fix durations grouped by a findings column (rule_id or category). */
function fixStats(db: DatabaseSync, column: 'rule_id' | 'category'): Map<string, FixStats & { category: string }> {
  const rows = db
    .prepare(
      `SELECT ${column} AS key, min(category) AS category, sum(status = 'open') AS open, sum(status = 'resolved') AS resolved,
              min(CASE WHEN status = 'open' THEN opened_ms END) AS oldest
       FROM findings GROUP BY ${column} ORDER BY ${column}`,
    )
    .all() as unknown as StatRow[];
  const durations = new Map<string, number[]>();
  for (const row of db
    .prepare(`SELECT f.${column} AS key, x.resolved_ms - x.opened_ms AS d FROM fixes x JOIN findings f ON f.id = x.finding_id ORDER BY d`)
    .iterate() as Iterable<{ key: string; d: number }>) {
    const list = durations.get(row.key) ?? [];
    list.push(row.d);
    durations.set(row.key, list);
  }
  const out = new Map<string, FixStats & { category: string }>();
  for (const r of rows) {
    const d = durations.get(r.key) ?? [];
    const med = median(d);
    out.set(r.key, {
      category: r.category,
      open: Number(r.open),
      resolved: Number(r.resolved),
      fixes: d.length,
      ...(d.length ? { meanDaysToFix: days(d.reduce((a, b) => a + b, 0) / d.length) } : {}),
      ...(med !== undefined ? { medianDaysToFix: days(med) } : {}),
      ...(r.oldest !== null ? { oldestOpenSince: iso(r.oldest) } : {}),
    });
  }
  return out;
}

/** Failing results per run, by environment and trust domain: the last `runs` runs, oldest first. */
export function trend(db: DatabaseSync, runs: number): TrendPoint[] {
  const points = db
    .prepare('SELECT id, time, fail FROM (SELECT id, time, fail FROM runs ORDER BY time_ms DESC, id DESC LIMIT ?) ORDER BY id')
    .all(runs) as unknown as {
    id: number;
    time: string;
    fail: number;
  }[];
  if (!points.length) return [];
  const byRun = new Map(points.map((p) => [p.id, { time: p.time, failing: Number(p.fail), byEnvironment: {}, byTrustDomain: {} } as TrendPoint]));
  const scopes = db
    .prepare('SELECT run_id, environment, trust_domain, failing FROM run_scopes WHERE run_id >= ? ORDER BY run_id')
    .all(points[0]?.id as number) as unknown as { run_id: number; environment: string; trust_domain: string; failing: number }[];
  for (const s of scopes) {
    const p = byRun.get(s.run_id);
    if (!p) continue;
    const env = s.environment || '(unclassified)';
    const td = s.trust_domain || '(unclassified)';
    p.byEnvironment[env] = (p.byEnvironment[env] ?? 0) + Number(s.failing);
    p.byTrustDomain[td] = (p.byTrustDomain[td] ?? 0) + Number(s.failing);
  }
  return [...byRun.values()];
}

interface FindingRow {
  fingerprint: string;
  rule_id: string;
  category: string;
  severity: string;
  subject_kind: string;
  subject_id: string;
  provider: string | null;
  environment: string | null;
  trust_domain: string | null;
  status: FindingHistory['status'];
  last_outcome: string;
  first_seen_ms: number;
  last_seen_ms: number;
  opened_ms: number | null;
  resolved_ms: number | null;
}

function findingOf(r: FindingRow, latest: number): FindingHistory {
  const end = r.status === 'open' ? latest : r.resolved_ms;
  return {
    fingerprint: r.fingerprint,
    ruleId: r.rule_id,
    category: r.category,
    severity: r.severity,
    subject: { kind: r.subject_kind, id: r.subject_id, ...(r.provider ? { provider: r.provider } : {}) },
    ...(r.environment ? { environment: r.environment } : {}),
    ...(r.trust_domain ? { trustDomain: r.trust_domain } : {}),
    status: r.status,
    lastOutcome: r.last_outcome,
    firstSeen: iso(r.first_seen_ms) as string,
    lastSeen: iso(r.last_seen_ms) as string,
    ...(r.opened_ms !== null ? { openedAt: iso(r.opened_ms) } : {}),
    ...(r.resolved_ms !== null && r.status === 'resolved' ? { resolvedAt: iso(r.resolved_ms) } : {}),
    ...(r.opened_ms !== null && end !== null && (r.status === 'open' || r.status === 'resolved') ? { daysOpen: days(end - r.opened_ms) } : {}),
  };
}

/** The whole history report. `runs`: how many recent runs the trend covers. */
export function historyReport(db: DatabaseSync, source: string, opts: { runs?: number } = {}): HistoryReport {
  const r = db.prepare('SELECT count(*) AS n, min(time_ms) AS first, max(time_ms) AS last FROM runs').get() as {
    n: number;
    first: number | null;
    last: number | null;
  };
  const latest = r.last ?? 0;
  const rows = db
    .prepare(
      `SELECT fingerprint, rule_id, category, severity, subject_kind, subject_id, provider, environment, trust_domain, status, last_outcome,
              first_seen_ms, last_seen_ms, opened_ms, resolved_ms
       FROM findings ORDER BY status = 'open' DESC, opened_ms, rule_id, subject_id, fingerprint`,
    )
    .all() as unknown as FindingRow[];
  const list = rows.map((x) => findingOf(x, latest));
  const count = (s: FindingHistory['status']) => list.filter((f) => f.status === s).length;
  return {
    source,
    runs: { count: Number(r.n), ...(r.first !== null ? { first: iso(r.first) } : {}), ...(r.last !== null ? { last: iso(r.last) } : {}) },
    findings: { total: list.length, open: count('open'), resolved: count('resolved'), undecided: count('undecided'), passing: count('passing') },
    byRule: [...fixStats(db, 'rule_id')].map(([ruleId, s]) => ({ ruleId, ...s })),
    byConcern: [...fixStats(db, 'category')].map(([category, s]) => ({ ...s, category })),
    trend: trend(db, opts.runs ?? 30),
    list,
  };
}
