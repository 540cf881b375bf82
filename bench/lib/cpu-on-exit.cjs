// Preloaded (--require) into a benchmarked child process: on exit, append its CPU time (µs, user +
// system, all threads) to the file named by KEYHYGIENE_BENCH_CPU, so the harness can sum it.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.KEYHYGIENE_BENCH_CPU;
  if (!file) return;
  const c = process.cpuUsage();
  appendFileSync(file, `${c.user + c.system}\n`);
});
