// Policy evaluation of 100k synthetic keys with every rule of the recommended pack.
// Goals (issue 2): evaluation ≤ 0.3 s on one core; snapshot file → JSON report ≤ 1.5 s. Both are
// printed with their ratio to a plain JSON.parse of the same snapshot, measured in the same run.
// "Snapshot → JSON file" is what `keyhygiene audit --snapshot F --format json --output R` does, in
// process (runAudit: the streamed reader, the snapshot provider and merge, evaluation releasing the
// records, the streamed JSON writer through the output writer), without the CLI's start-up.
// Evaluation runs on the main thread only (no worker threads; V8's GC helper threads may add a
// little): wall and CPU time are printed side by side with the cores used (CPU ÷ wall) and the best
// run; on a shared machine CPU time is the figure to compare (docs/scale.md: why no worker threads).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchPolicy, trails as estateTrails, keyRecord } from './lib/estate.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { evaluate } = await import(dist('engine/evaluate.js'));
const { resolvePolicyFile } = await import(dist('policy/resolve.js'));
const { parseInventory } = await import(dist('inventory/parse.js'));
const { runAudit } = await import(dist('cli/run-audit.js'));

const N = Number(process.env.BENCH_KEYS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });

function synthetic(n) {
  const now = Date.parse('2026-11-01T00:00:00Z');
  // A realistic estate: most keys within their class limits, a few percent failing each rule (bench/lib/estate.js).
  const keys = Array.from({ length: n }, (_, i) => keyRecord(i, 'light'));
  const trails = estateTrails();
  return {
    kind: 'keyhygiene-inventory',
    version: 1,
    generatedAt: new Date(now).toISOString(),
    providers: [{ id: 'bench' }],
    keys,
    trails,
    publishedKeys: [],
    artifacts: [],
    gaps: [],
  };
}

const policyFile = join(dir, 'bench-policy.yaml');
benchPolicy(policyFile);
const snapFile = join(dir, `inventory-${N}.json`);
writeFileSync(snapFile, JSON.stringify(synthetic(N)));
const text = readFileSync(snapFile, 'utf8');
const policy = resolvePolicyFile(policyFile);
const now = new Date('2026-11-01T00:00:00Z');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);
// Wall time and the process's CPU time: on a busy shared machine CPU time is the steadier of the two.
const cpu = [];
const time = (fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
  return [(performance.now() - t0) / 1000, out];
};

const timeAsync = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1e6);
  return [(performance.now() - t0) / 1000, out];
};
const cliFlags = {
  policy: policyFile,
  snapshot: [snapFile],
  format: ['json'],
  output: [join(dir, 'result.json')],
  'fail-on': 'none',
  'allow-incomplete': true,
  now: now.toISOString(),
};

const parseT = [];
const evalT = [];
const e2eT = [];
const parseC = [];
const evalC = [];
const e2eC = [];
let pairs = 0;
for (let r = 0; r < RUNS; r++) {
  parseT.push(time(() => JSON.parse(readFileSync(snapFile, 'utf8')))[0]);
  parseC.push(cpu.at(-1));
  const inv = parseInventory(text, snapFile);
  const [te, result] = time(() => evaluate(inv, policy, { now }));
  evalT.push(te);
  evalC.push(cpu.at(-1));
  pairs = Object.values(result.summary.outcomes).reduce((a, b) => a + b, 0);
  e2eT.push((await timeAsync(() => runAudit(cliFlags, { warn: () => {} })))[0]);
  e2eC.push(cpu.at(-1));
}
const p = median(parseT);
const e = median(evalT);
const x = median(e2eT);
const pc = median(parseC);
const ec = median(evalC);
const xc = median(e2eC);
const load = (await import('node:os')).loadavg()[0];
console.log(
  `keys ${N}, rules ${policy.rules.size}, outcomes ${pairs}, snapshot ${(text.length / 1e6).toFixed(1)} MB, runs ${RUNS}, load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(
  `cores used by evaluate (cpu ÷ wall, median runs): ${(ec / e).toFixed(2)} — main thread only, no worker threads; below 1 when other jobs share the cores`,
);
console.log(`evaluate, best of ${RUNS}: wall ${best(evalT).toFixed(3)} s, cpu ${best(evalC).toFixed(3)} s`);
console.log(`                      wall median        cpu median        (audit: runAudit as the CLI runs it)`);
console.log(`JSON.parse baseline   ${p.toFixed(3)} s            ${pc.toFixed(3)} s`);
console.log(
  `evaluate              ${e.toFixed(3)} s = ${(e / p).toFixed(2)}×    ${ec.toFixed(3)} s = ${(ec / pc).toFixed(2)}× JSON.parse  (${((ec * 1e9) / pairs).toFixed(0)} ns cpu per rule×subject)`,
);
console.log(`audit → JSON file      ${x.toFixed(3)} s = ${(x / p).toFixed(2)}×    ${xc.toFixed(3)} s = ${(xc / pc).toFixed(2)}× JSON.parse`);
export default async () => ({
  goals: [
    {
      name: 'evaluation of 100k keys ≤ 0.3 s on one core',
      met: N < 100_000 || e <= 0.3,
      detail: `wall ${e.toFixed(3)} s (${(e / p).toFixed(2)}× JSON.parse), cpu ${ec.toFixed(3)} s, cores used ${(ec / e).toFixed(2)}, best wall ${best(evalT).toFixed(3)} s`,
    },
    {
      name: 'audit --snapshot → JSON report ≤ 1.5× read + JSON.parse of the snapshot (cpu)',
      met: N < 100_000 || xc / pc <= 1.5,
      detail: `${(xc / pc).toFixed(2)}× (cpu ${xc.toFixed(3)} s vs ${pc.toFixed(3)} s)`,
    },
    {
      name: 'snapshot → JSON report ≤ 1.5 s',
      met: N < 100_000 || x <= 1.5,
      detail: `wall ${x.toFixed(3)} s (${(x / p).toFixed(2)}× JSON.parse), cpu ${xc.toFixed(3)} s`,
    },
  ],
});
