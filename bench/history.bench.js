// History at scale (issue 22): 1,000 recorded runs × 10,000 results each, every run resolving 100
// findings and opening 100 new ones (≈110,000 findings and ≈100,000 fixes in the database). Reports
// the time to record a run, the time `historyReport` (what `keyhygiene history` computes) takes, and
// the wall time of the built CLI `keyhygiene history --db FILE --json` (Node start included).
// Goal: the history answers in under a second. The database is built once and kept in .bench/.
// BENCH_HISTORY_RUNS and BENCH_HISTORY_RESULTS change the size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { openHistory } = await import(dist('history/db.js'));
const { recordRun } = await import(dist('history/record.js'));
const { historyReport } = await import(dist('history/query.js'));

const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 1000);
const PER_RUN = Number(process.env.BENCH_HISTORY_RESULTS ?? 10000);
const CHURN = 100;
const root = fileURLToPath(new URL('..', import.meta.url));
const RULES = Array.from({ length: 20 }, (_, i) => [`rule-${i}`, ['rotation', 'scope', 'exposure', 'logging', 'coverage'][i % 5]]);
const ENVS = ['production', 'staging', 'debug', 'ci'];
const TDS = ['consumer', 'enterprise', 'tenant-x'];
const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function result(id) {
  const [ruleId, category] = RULES[id % RULES.length];
  const o = id % 20;
  return {
    fingerprint: id.toString(16).padStart(32, '0'),
    ruleId,
    category,
    severity: ['critical', 'high', 'medium', 'low'][id % 4],
    outcome: o === 0 ? 'waived' : o === 1 ? 'unknown' : 'fail',
    subjectKind: 'key',
    subjectId: `arn:aws:kms:us-east-1:${String(100000000000 + (id % 500))}:key/${id}`,
    provider: 'aws-kms',
    account: String(100000000000 + (id % 500)),
    region: 'us-east-1',
    environment: ENVS[id % ENVS.length],
    trustDomain: TDS[id % TDS.length],
    keyClass: 'data-encryption',
  };
}

function run(r) {
  const results = [];
  for (let id = r * CHURN; id < r * CHURN + PER_RUN; id++) results.push(result(id));
  return { time: new Date(T0 + r * DAY).toISOString(), source: 'bench', results, rules: RULES.map(([id]) => id), gaps: [], incomplete: false };
}

async function build(file) {
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  const db = await openHistory(tmp);
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const rec = run(r);
    const t = performance.now();
    recordRun(db, rec, tmp);
    times.push(performance.now() - t);
    if ((r + 1) % 100 === 0) process.stdout.write(`  recorded ${r + 1}/${RUNS} runs\n`);
  }
  db.close();
  renameSync(tmp, file);
  times.sort((a, b) => a - b);
  return times;
}

export default async function bench() {
  const dir = join(root, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `history-${RUNS}x${PER_RUN}.db`);
  let recordTimes;
  if (!existsSync(file)) recordTimes = await build(file);
  if (recordTimes)
    console.log(
      `record one run of ${PER_RUN} results: median ${recordTimes[recordTimes.length >> 1].toFixed(1)} ms, p95 ${recordTimes[Math.floor(recordTimes.length * 0.95)].toFixed(1)} ms`,
    );
  else console.log(`using the database built earlier: ${file} (delete it to measure recording again)`);
  console.log(`database: ${(statSync(file).size / 1024 / 1024).toFixed(0)} MiB`);

  const db = await openHistory(file, { readOnly: true });
  const measure = (opts) => {
    const times = [];
    let report;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      report = historyReport(db, file, opts);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[2], report };
  };
  const text = measure({ limit: 20 });
  const all = measure({});
  db.close();
  const { report } = all;
  const median = text.median;
  console.log(
    `historyReport (what \`keyhygiene history\` computes, 20 findings listed): median ${text.median.toFixed(0)} ms; with all ${report.list.length} findings (--json): median ${all.median.toFixed(0)} ms`,
  );
  console.log(
    `  runs ${report.runs.count}, findings ${report.findings.total}, open ${report.findings.open}, resolved ${report.findings.resolved}, fixes ${report.byRule.reduce((a, r) => a + r.fixes, 0)}`,
  );

  const t = performance.now();
  const cli = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'history', '--db', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = performance.now() - t;
  const t2 = performance.now();
  const textRun = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'history', '--db', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallText = performance.now() - t2;
  const t3 = performance.now();
  spawnSync(process.execPath, [join(root, 'bin/run.js'), '--version'], { encoding: 'utf8' });
  const start = performance.now() - t3;
  console.log(
    `CLI keyhygiene history --db: text ${wallText.toFixed(0)} ms (exit ${textRun.status}), --json ${wall.toFixed(0)} ms (exit ${cli.status}, ${(cli.stdout.length / 1024 / 1024).toFixed(1)} MiB); keyhygiene --version alone ${start.toFixed(0)} ms`,
  );
  return {
    goals: [
      {
        name: `history of ${RUNS} runs × ${PER_RUN} results answers in under a second`,
        met: median < 1000,
        detail: `historyReport median ${median.toFixed(0)} ms`,
      },
    ],
  };
}
