// Every report format at scale (issue 21, item 1): N generated results, passes included (as with
// --include-passed), written through the output writer to a file. Each format runs in its own process
// so its peak memory is its own: the bench records the RSS once the result is built, the peak RSS while
// the report is written, the time and the file size.
//   default: 100,000 results (npm run bench)
//   KEYHYGIENE_BENCH_1M=1: 1,000,000 results (manual; about 1 GB of disk, a few minutes per format)
//   BENCH_REPORT_RESULTS=N, BENCH_REPORT_FORMATS=json,html: any size, some formats
// Goals: every format finishes (no "Invalid string length", no stack overflow), writing it adds at
// most 512 MiB to the RSS of the result it renders (streamed, never the report as one string), and the
// human reports (text, Markdown, HTML) stay under 16 MiB whatever the size (bounded by --report-limit).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const N = Number(process.env.BENCH_REPORT_RESULTS ?? (process.env.KEYHYGIENE_BENCH_1M === '1' ? 1_000_000 : 100_000));
const HUMAN = new Set(['text', 'markdown', 'html']);
const MiB = 1024 * 1024;

/** The storm-0558 example audited with passes, its results and subjects repeated on distinct subjects until there are n results. */
async function generate(n) {
  const { resolvePolicyFile } = await import(dist('policy/resolve.js'));
  const { loadSnapshots, auditInventory } = await import(dist('audit.js'));
  const { groupRootCauses } = await import(dist('engine/root-causes.js'));
  const example = join(root, 'examples', 'storm-0558');
  const inventory = loadSnapshots([join(example, 'inventory.json')]);
  const base = auditInventory(inventory, resolvePolicyFile(join(example, 'keyhygiene.yaml')), new Date(inventory.generatedAt), true);
  const results = [];
  const subjects = [];
  const outcomes = { fail: 0, error: 0, unknown: 0, waived: 0, pass: 0, 'not-applicable': 0 };
  for (let i = 0; results.length < n; i++) {
    for (const x of base.subjects) subjects.push({ ...x, id: `${x.id}/${i}` });
    for (const r of base.results) {
      if (results.length >= n) break;
      const id = `${r.subject.id}/${i}`;
      const fingerprint = (i.toString(16) + r.fingerprint).slice(0, 32);
      const own = r.rootCause?.resource.id === r.subject.id;
      const rootCause = r.rootCause && (own ? { id: fingerprint, resource: { ...r.rootCause.resource, id } } : r.rootCause);
      results.push({ ...r, subject: { ...r.subject, id }, fingerprint, ...(rootCause ? { rootCause } : {}) });
      outcomes[r.outcome]++;
    }
  }
  const { rootCauses, counts } = groupRootCauses(results);
  const inv = { ...base.inventory, keys: subjects.filter((s) => s.kind === 'key').length };
  return { ...base, inventory: inv, subjects, results, rootCauses, summary: { ...base.summary, outcomes, rootCauses: counts } };
}

/** In the child: build the result, write one format, print the figures as JSON. */
async function child(format, out) {
  const { findReporter } = await import(dist('report/index.js'));
  const { reportMeta } = await import(dist('report/meta.js'));
  const { renderedChunks } = await import(dist('report/types.js'));
  const { writeOutput } = await import(dist('util/output-writer.js'));
  const result = await generate(N);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const meta = reportMeta({ color: false, srcRoot: root, fullReport: 'keyhygiene.json' });
  writeOutput(out, renderedChunks(findReporter(format), result, meta));
  const ms = performance.now() - t0;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ format, results: result.results.length, ms, cpu, before, peakBefore, peak, bytes: statSync(out).size }));
}

export default async function () {
  const { FORMAT_IDS } = await import(dist('report/index.js'));
  const formats = process.env.BENCH_REPORT_FORMATS?.split(',') ?? FORMAT_IDS;
  const dir = join(root, '.bench', 'reports');
  mkdirSync(dir, { recursive: true });
  const goals = [];
  console.log(`${N.toLocaleString('en')} results, passes included; one process per format`);
  // CPU time is what to compare on a shared machine: the wall time follows the load.
  console.log('format      time    cpu        RSS with result   peak RSS   added by writing   file');
  for (const format of formats) {
    const out = join(dir, `report-${N}.${format}`);
    let fig;
    try {
      const stdout = execFileSync(process.execPath, ['--max-old-space-size=6144', '--expose-gc', fileURLToPath(import.meta.url), '--child', format, out], {
        env: { ...process.env, BENCH_REPORT_RESULTS: String(N) },
        maxBuffer: MiB,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      fig = JSON.parse(stdout.toString());
    } catch (e) {
      goals.push({ name: `${format}: ${N} results written`, met: false, detail: String(e.message ?? e).split('\n')[0] });
      continue;
    }
    rmSync(out, { force: true });
    // Writing may raise the peak above what building the result already reached: that is the report's cost.
    const added = Math.max(0, fig.peak - Math.max(fig.before, fig.peakBefore));
    console.log(
      `${format.padEnd(10)} ${(fig.ms / 1000).toFixed(1).padStart(6)} s ${fig.cpu.toFixed(1).padStart(5)} s   ${(fig.before / MiB).toFixed(0).padStart(9)} MiB   ${(fig.peak / MiB).toFixed(0).padStart(6)} MiB   ${(added / MiB).toFixed(0).padStart(9)} MiB   ${(fig.bytes / MiB).toFixed(1).padStart(8)} MiB`,
    );
    goals.push({
      name: `${format}: ${N} results written`,
      met: true,
      detail: `${(fig.ms / 1000).toFixed(1)} s (${fig.cpu.toFixed(1)} s cpu), ${(fig.bytes / MiB).toFixed(1)} MiB`,
    });
    goals.push({
      name: `${format}: writing adds ≤ 512 MiB RSS`,
      met: added <= 512 * MiB,
      detail: `${(added / MiB).toFixed(0)} MiB (peak ${(fig.peak / MiB).toFixed(0)} MiB)`,
    });
    if (HUMAN.has(format)) goals.push({ name: `${format}: bounded (≤ 16 MiB)`, met: fig.bytes <= 16 * MiB, detail: `${(fig.bytes / MiB).toFixed(2)} MiB` });
  }
  return { goals };
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
