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
  const fixes = db.prepare(`SELECT f.${column}, x.resolved_ms - x.opened_ms AS d FROM fixes x JOIN findings f ON f.id = x.finding_id ORDER BY 1, 2`);
  fixes.setReturnArrays(true);
  for (const [key, d] of fixes.all() as unknown as [string, number][]) {
    const list = durations.get(key);
    if (list) list.push(d);
    else durations.set(key, [d]);
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

const FINDING_COLUMNS = [
  'fingerprint',
  'rule_id',
  'category',
  'severity',
  'subject_kind',
  'subject_id',
  'provider',
  'environment',
  'trust_domain',
  'status',
  'last_outcome',
  'first_seen_ms',
  'last_seen_ms',
  'opened_ms',
  'resolved_ms',
] as const;
type FindingRow = { [K in (typeof FINDING_COLUMNS)[number]]: K extends `${string}_ms` ? number | null : string | null } & {
  status: FindingHistory['status'];
  first_seen_ms: number;
  last_seen_ms: number;
};

/** Findings, open first and oldest first; `limit` rows (all when undefined). Rows come as arrays: node:sqlite builds objects slowly. */
function findingRows(db: DatabaseSync, limit: number | undefined): FindingRow[] {
  const st = db.prepare(
    `SELECT ${FINDING_COLUMNS.join(', ')} FROM findings
     ORDER BY status = 'open' DESC, status = 'resolved' DESC, opened_ms, rule_id, subject_id, fingerprint LIMIT ?`,
  );
  st.setReturnArrays(true);
  return (st.all(limit ?? -1) as unknown as unknown[][]).map((a) => Object.fromEntries(FINDING_COLUMNS.map((c, i) => [c, a[i]])) as FindingRow);
}

function findingOf(r: FindingRow, latest: number): FindingHistory {
  const end = r.status === 'open' ? latest : r.resolved_ms;
  return {
    fingerprint: r.fingerprint as string,
    ruleId: r.rule_id as string,
    category: r.category as string,
    severity: r.severity as string,
    subject: { kind: r.subject_kind as string, id: r.subject_id as string, ...(r.provider ? { provider: r.provider } : {}) },
    ...(r.environment ? { environment: r.environment } : {}),
    ...(r.trust_domain ? { trustDomain: r.trust_domain } : {}),
    status: r.status,
    lastOutcome: r.last_outcome as string,
    firstSeen: iso(r.first_seen_ms) as string,
    lastSeen: iso(r.last_seen_ms) as string,
    ...(r.opened_ms !== null ? { openedAt: iso(r.opened_ms) } : {}),
    ...(r.resolved_ms !== null && r.status === 'resolved' ? { resolvedAt: iso(r.resolved_ms) } : {}),
    ...(r.opened_ms !== null && end !== null && (r.status === 'open' || r.status === 'resolved') ? { daysOpen: days(end - r.opened_ms) } : {}),
  };
}

/** The whole history report. `runs`: how many recent runs the trend covers; `limit`: how many findings to list (all when undefined). */
export function historyReport(db: DatabaseSync, source: string, opts: { runs?: number; limit?: number } = {}): HistoryReport {
  const r = db.prepare('SELECT count(*) AS n, min(time_ms) AS first, max(time_ms) AS last FROM runs').get() as {
    n: number;
    first: number | null;
    last: number | null;
  };
  const latest = r.last ?? 0;
  const counts = { total: 0, open: 0, resolved: 0, undecided: 0, passing: 0 };
  for (const row of db.prepare('SELECT status, count(*) AS n FROM findings GROUP BY status').all() as unknown as { status: string | null; n: number }[]) {
    counts.total += Number(row.n);
    if (row.status && row.status in counts) counts[row.status as keyof typeof counts] += Number(row.n);
  }
  return {
    source,
    runs: { count: Number(r.n), ...(r.first !== null ? { first: iso(r.first) } : {}), ...(r.last !== null ? { last: iso(r.last) } : {}) },
    findings: counts,
    byRule: [...fixStats(db, 'rule_id')].map(([ruleId, s]) => ({ ruleId, ...s })),
    byConcern: [...fixStats(db, 'category')].map(([category, s]) => ({ ...s, category })),
    trend: trend(db, opts.runs ?? 30),
    list: findingRows(db, opts.limit).map((x) => findingOf(x, latest)),
  };
}
