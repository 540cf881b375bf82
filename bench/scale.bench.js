// Snapshot scale (issue 21): the streamed reader against a plain JSON.parse(readFileSync()) of the same
// file, in the same run: CPU time and retained heap per key, light and realistic estates. The 1M-key
// CLI audit is manual (KEYHYGIENE_BENCH_1M=1 npm run bench -- scale): it writes ~4 GB to a temp dir,
// audits 100k and 1M realistic keys to JSON and reports the time ratio and max RSS (bench/lib/cli-audit.js).
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliAuditAtScale } from './lib/cli-audit.js';
import { writeSnapshot } from './lib/estate.js';

const { readInventoryFile } = await import(new URL('../dist/inventory/read.js', import.meta.url).href);
const N = Number(process.env.BENCH_KEYS ?? 100_000);
const KINDS = process.env.BENCH_KIND ? [process.env.BENCH_KIND] : ['light', 'realistic'];
const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.bench');
mkdirSync(dir, { recursive: true });

function measure(fn) {
  globalThis.gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed - h0;
  return { out, cpu: (c.user + c.system) / 1e6, heap };
}

export default async () => {
  if (process.env.KEYHYGIENE_BENCH_1M === '1') return { goals: cliAuditAtScale({ keep: process.env.BENCH_KEEP === '1' }) };
  const goals = [];
  // Warm up (module loading, compiling the record validators) outside the measured runs.
  const warm = join(dir, 'scale-warmup.json');
  writeSnapshot(warm, 5000, 'realistic');
  readInventoryFile(warm);
  for (const kind of KINDS) {
    const file = join(dir, `scale-${N}-${kind}.json`);
    try {
      statSync(file);
    } catch {
      writeSnapshot(file, N, kind);
    }
    const size = statSync(file).size;
    const streamed = measure(() => readInventoryFile(file));
    const keys = streamed.out.keys.length;
    streamed.out = undefined;
    const parsed = size < 500e6 ? measure(() => JSON.parse(readFileSync(file, 'utf8'))) : undefined;
    const ratio = parsed ? streamed.cpu / parsed.cpu : Number.NaN;
    console.log(
      `${kind}: ${keys} keys, ${(size / 1e6).toFixed(0)} MB; streamed ${streamed.cpu.toFixed(2)} s cpu, ${(streamed.heap / keys).toFixed(0)} B/key` +
        (parsed
          ? `; JSON.parse ${parsed.cpu.toFixed(2)} s cpu, ${(parsed.heap / keys).toFixed(0)} B/key; ratio ${ratio.toFixed(2)}×`
          : '; JSON.parse cannot hold this file'),
    );
    const limit = kind === 'light' ? 1500 : 4000;
    goals.push({
      name: `memory per key (${kind}) ≤ ${limit} B`,
      met: streamed.heap / keys <= limit,
      detail: `${(streamed.heap / keys).toFixed(0)} B/key (run with --expose-gc for a steady figure)`,
    });
    if (parsed) goals.push({ name: `streamed read (${kind}) ≤ 1.5× JSON.parse`, met: ratio <= 1.5, detail: `${ratio.toFixed(2)}×` });
  }
  return { goals };
};
