#!/usr/bin/env node
// Runs every bench/*.bench.js suite (or those named on the command line) against the built code.
// Each suite prints its own measurements as ratios to baselines measured in the same run.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const file of suites) {
  const mod = await import(new URL(file, import.meta.url).href);
  console.log(`\n=== ${file.replace(/\.bench\.js$/, '')} ===`);
  const res = await mod.default();
  for (const goal of res?.goals ?? []) {
    console.log(`${goal.met ? 'MET ' : 'MISS'}  ${goal.name}: ${goal.detail}`);
    if (!goal.met) failed++;
  }
}
console.log(`\n${failed === 0 ? 'all benchmark goals met' : `${failed} benchmark goal(s) missed`}`);
