// Rendering every report format for a large result (issue 8). Each format's time is printed as a ratio
// to the JSON reporter (a plain JSON.stringify of the same result) measured in the same run.
// Goals, as ratios to the JSON reporter (JSON.stringify of the same result) so a loaded machine does not
// decide them: every format renders 40,000 results in ≤ 8× the JSON time; its time per result grows from
// 10,000 to 40,000 results by ≤ 1.5× what JSON's grows (no quadratic path: the HTML filters, the SARIF
// rule index, the baseline classification; JSON itself grows with string size and GC); and the baseline
// classification of 40,000 results takes ≤ 0.5× the JSON render. Absolute times are printed too.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { REPORTERS } = await import(dist('report/index.js'));
const { reportMeta } = await import(dist('report/meta.js'));
const { applyBaseline } = await import(dist('engine/baseline.js'));
const { resolvePolicyFile } = await import(dist('policy/resolve.js'));
const { loadSnapshots, auditInventory } = await import(dist('audit.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'examples', 'storm-0558');

function base() {
  const policy = resolvePolicyFile(join(example, 'keyhygiene.yaml'));
  const inventory = loadSnapshots([join(example, 'inventory.json')], '2026-11-01T06:00:00Z');
  return auditInventory(inventory, policy, new Date(inventory.generatedAt));
}

/** The example's results replicated onto distinct subjects until there are n of them. */
function scaled(result, n) {
  const results = [];
  for (let i = 0; results.length < n; i++) {
    for (const r of result.results) {
      if (results.length >= n) break;
      const id = `${r.subject.id}/${i}`;
      results.push({ ...r, subject: { ...r.subject, id }, fingerprint: (i.toString(16) + r.fingerprint).slice(0, 32).padEnd(32, '0') });
    }
  }
  return { ...result, results };
}

/** Best and median of RUNS runs (the best is the least disturbed by other work on a shared machine). */
function measure(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

export default async function () {
  const meta = reportMeta({ srcRoot: root });
  const storm = base();
  const small = applyBaseline(scaled(storm, 10_000), scaled(storm, 9_000));
  const previous = scaled(storm, 36_000);
  const large = applyBaseline(scaled(storm, 40_000), previous);
  const json = REPORTERS.find((r) => r.id === 'json');
  const js = measure(() => json.render(small, meta));
  const jl = measure(() => json.render(large, meta));
  const jsonGrowth = jl.best / 4 / js.best;
  const goals = [];
  for (const r of REPORTERS) {
    const s = r === json ? js : measure(() => r.render(small, meta));
    const l = r === json ? jl : measure(() => r.render(large, meta));
    const ratio = l.median / jl.median;
    const growth = l.best / 4 / s.best / jsonGrowth;
    console.log(
      `${r.id.padEnd(9)} 10k: ${s.median.toFixed(1).padStart(7)} ms   40k: ${l.median.toFixed(1).padStart(7)} ms (best ${l.best.toFixed(1).padStart(7)})   ${ratio.toFixed(2)}× json   growth ${growth.toFixed(2)}× json's`,
    );
    goals.push({
      name: `${r.id}: 40,000 results in ≤ 8× the JSON render`,
      met: ratio <= 8,
      detail: `median ${l.median.toFixed(1)} ms = ${ratio.toFixed(2)}× json (${jl.median.toFixed(1)} ms)`,
    });
    goals.push({
      name: `${r.id}: linear in results`,
      met: growth <= 1.5,
      detail: `per-result time 40k/10k = ${growth.toFixed(2)}× json's (${jsonGrowth.toFixed(2)})`,
    });
  }
  const current = scaled(storm, 40_000);
  const b = measure(() => applyBaseline(current, previous));
  goals.push({
    name: 'baseline classification of 40,000 results ≤ 0.5× the JSON render',
    met: b.median / jl.median <= 0.5,
    detail: `median ${b.median.toFixed(1)} ms = ${(b.median / jl.median).toFixed(2)}× json render`,
  });
  return { goals };
}
