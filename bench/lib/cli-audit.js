// The CLI audit at scale (issue 21): `keyhygiene audit --snapshot F --format json` on a generated
// realistic estate, run as a child process under /usr/bin/time for its CPU time (user + sys) and max
// RSS, against a child that only reads and JSON.parses the same file (when V8 can hold it as one
// string), measured in the same run. Manual at 1M keys: KEYHYGIENE_BENCH_1M=1 npm run bench -- scale.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPolicy, NOW, writeSnapshot } from './estate.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TIME = '/usr/bin/time';
const GIB = 1024 ** 3;

/** Runs `node args…` under /usr/bin/time: wall and CPU seconds, max RSS in bytes, exit code. */
function timed(args) {
  const r = spawnSync(TIME, ['-f', 'TIME %e %U %S %M', process.execPath, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) throw new Error(`could not measure ${args.join(' ')}: ${(r.stderr ?? '').slice(-500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rss: Number(m[4]) * 1024, code: r.status, stderr: r.stderr };
}

/** Audit one generated snapshot through the CLI to a JSON report; the JSON.parse baseline when the file fits in a string. */
function auditOnce(dir, n, policy) {
  const snap = join(dir, `audit-${n}.json`);
  if (!existsSync(snap)) writeSnapshot(snap, n, 'realistic');
  const size = statSync(snap).size;
  const out = join(dir, `audit-${n}.report.json`);
  const audit = timed([
    'bin/run.js',
    'audit',
    '--snapshot',
    snap,
    '--policy',
    policy,
    '--format',
    'json',
    '--output',
    out,
    '--fail-on',
    'none',
    '--allow-incomplete',
    '--now',
    new Date(NOW).toISOString(),
  ]);
  if (audit.code !== 0) throw new Error(`audit of ${n} keys exited ${audit.code}: ${audit.stderr.slice(-800)}`);
  const reportSize = statSync(out).size;
  rmSync(out, { force: true });
  // V8 strings stop at ~512 MiB: beyond that a plain JSON.parse cannot read the file at all.
  const parse = size < 500e6 ? timed(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(snap)}, 'utf8'))`]) : undefined;
  return { n, size, reportSize, audit, parse, snap };
}

const mib = (b) => `${(b / 1024 ** 2).toFixed(0)} MiB`;

/** 100k and 1M realistic keys: time ratio, max RSS, and the 100k run against read + JSON.parse. */
export function cliAuditAtScale({ keys = [100_000, 1_000_000], keep = false } = {}) {
  const dir = join(process.env.BENCH_DIR ?? tmpdir(), `keyhygiene-bench-1m-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const policy = benchPolicy(join(dir, 'policy.yaml'));
  const goals = [];
  try {
    // Each run is printed as it ends (the 1M run takes a while) and its snapshot removed before the next.
    const runs = keys.map((n) => {
      const r = auditOnce(dir, n, policy);
      if (!keep) rmSync(r.snap, { force: true });
      console.log(
        `cli audit ${r.n} realistic keys (${mib(r.size)} snapshot → ${mib(r.reportSize)} report): wall ${r.audit.wall.toFixed(1)} s, cpu ${r.audit.cpu.toFixed(1)} s, max RSS ${mib(r.audit.rss)}` +
          (r.parse
            ? `; read + JSON.parse: cpu ${r.parse.cpu.toFixed(1)} s, max RSS ${mib(r.parse.rss)}; ratio ${(r.audit.cpu / r.parse.cpu).toFixed(2)}×`
            : ''),
      );
      return r;
    });
    const [small, big] = runs;
    if (small?.parse)
      goals.push({
        name: `CLI audit ${small.n} → JSON ≤ 1.5× read + JSON.parse (cpu)`,
        met: small.audit.cpu / small.parse.cpu <= 1.5,
        detail: `${(small.audit.cpu / small.parse.cpu).toFixed(2)}×`,
      });
    if (small && big) {
      const ratio = big.audit.cpu / small.audit.cpu;
      goals.push({
        name: `CLI audit ${big.n} keys ≤ 12× the ${small.n} run (cpu)`,
        met: ratio <= 12,
        detail: `${ratio.toFixed(1)}× (${big.audit.cpu.toFixed(1)} s vs ${small.audit.cpu.toFixed(1)} s)`,
      });
      goals.push({ name: `CLI audit ${big.n} keys max RSS ≤ 2 GiB`, met: big.audit.rss <= 2 * GIB, detail: mib(big.audit.rss) });
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return goals;
}
