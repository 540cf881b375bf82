// CLI start (issues 12, 16 and 21): `keyhygiene --help`, `keyhygiene audit --help` and `keyhygiene scan`
// of a 1 MiB file against a bare `node -e 0` in the same run, alternated so machine load hits them alike.
// Wall time, the best of BENCH_START_RUNS (default 15) runs each, of spawned processes with stdout piped
// (as in CI). Goals: --help within 0.25 s and within 2.5× a bare Node start on the same machine; the
// scan of 1 MiB (no known keys, as the scan suite's start-up figure) within 0.2 s.
// Also the CPU each uses (user + system, steadier than wall time on a busy machine) and the modules
// it loads (a hook on module loading): loading modules is what the start costs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filler } from '../test/scan/material.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const RUNS = Number(process.env.BENCH_START_RUNS ?? 15);
// The hook is source text for the child process: its `${…}` are the child's template literals, not ours.
const COUNT_HOOK = `data:text/javascript,${encodeURIComponent(
  // biome-ignore lint/suspicious/noTemplateCurlyInString: source code of the child's loader hook
  "import { registerHooks } from 'node:module'; const seen = new Set(); registerHooks({ load(u, c, next) { seen.add(u); return next(u, c); } }); process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write(`modules=${seen.size} cpu=${(c.user + c.system) / 1e6}\\n`); });",
)}`;

function wall(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Modules loaded and CPU seconds (the best of RUNS) of one start, measured from inside the process. */
function inside(args) {
  let cpu = Number.POSITIVE_INFINITY;
  let modules = Number.NaN;
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--import', COUNT_HOOK, ...args], { cwd: root, encoding: 'utf8' });
    const m = /modules=(\d+) cpu=([\d.]+)/.exec(r.stderr);
    modules = Number(m?.[1]);
    cpu = Math.min(cpu, Number(m?.[2]));
  }
  return { modules, cpu };
}

/** The scan suite's 1 MiB mixed file (text and binary, nothing key-shaped), in .bench/start. */
function oneMiB() {
  const dir = join(root, '.bench', 'start');
  const file = join(dir, 'one-mib.bin');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, filler('mixed', 1024 * 1024));
  return file;
}

export default async function () {
  const cases = { node: ['-e', '0'], help: [bin, '--help'], auditHelp: [bin, 'audit', '--help'], scan: [bin, 'scan', oneMiB()] };
  const best = Object.fromEntries(Object.keys(cases).map((k) => [k, Number.POSITIVE_INFINITY]));
  wall(cases.help); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [k, args] of Object.entries(cases)) best[k] = Math.min(best[k], wall(args));
  const ratio = best.help / best.node;
  let nodeCpu;
  for (const [k, label] of [
    ['node', 'node -e 0'],
    ['help', 'keyhygiene --help'],
    ['auditHelp', 'keyhygiene audit --help'],
    ['scan', 'keyhygiene scan (1 MiB)'],
  ]) {
    const { modules, cpu } = inside(cases[k]);
    nodeCpu ??= cpu;
    const times = (t, base) => (k === 'node' ? '' : ` (${(t / base).toFixed(2)}× node)`);
    console.log(
      `${label.padEnd(24)} wall ${best[k].toFixed(3)} s${times(best[k], best.node)}, CPU ${cpu.toFixed(3)} s${times(cpu, nodeCpu)}, ${modules} modules`,
    );
  }
  return {
    goals: [
      { name: '--help start', met: best.help <= 0.25, detail: `${best.help.toFixed(3)} s (goal ≤ 0.25 s)` },
      { name: '--help / node -e 0', met: ratio <= 2.5, detail: `${ratio.toFixed(2)}× (goal ≤ 2.5×)` },
      {
        name: 'scan of a 1 MiB file',
        met: best.scan <= 0.2,
        detail: `${best.scan.toFixed(3)} s, ${(best.scan / best.node).toFixed(2)}× node -e 0 (goal ≤ 0.2 s)`,
      },
    ],
  };
}
