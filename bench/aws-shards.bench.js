// A simulated 2,000-account AWS organisation collected by 1, 2, 4 and 8 shards (issue 21 item 5): the
// loopback simulator (a worker thread) enforces the published per-account, per-region quotas with
// 25 ms latency; the organisation is planned once (`inventory --plan-shards`, one Organizations walk),
// the plan is split for each shard count (the same splitUnits the CLI uses), each shard is its own
// `keyhygiene inventory --shard-plan plan --shard K/N` process, and `keyhygiene merge` joins the parts.
// Reported per shard count: the quota bound computed from what the simulator served (max over
// account × region × quota of calls / (0.9 × quota × share)), throttled responses, keys and gaps of
// the merged snapshot, and, by default, each shard run alone (one after another, as each job of a
// matrix has its own runner): its wall and CPU time against its own bound, where the caller
// account's quotas count at the shard's 1/N share. On a shared machine a shard's wall/bound says
// whether the client kept pace with the quota; CPU/bound says whether one core could, whatever the
// load. BENCH_SHARD_PARALLEL=1 runs the shards of a split at once instead (wall of all of them).
//
// Reduced call count per account (documented in docs/scale.md): one region, one key in every fourth
// account, the `fast` profile (no ListGrants/ListKeyRotations) and no IAM reads beyond the profile's.
// BENCH_SHARD_ACCOUNTS (default 2000), BENCH_SHARD_COUNTS (default "1,2,4,8").
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { serveFake, startFakeWorker } from './fake-worker.js';
import { quotaBound } from './lib/aws-quota-bound.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

if (!isMainThread) {
  const { startAwsFake } = await import(dist('fakes/aws/server.js'));
  await serveFake({ start: startAwsFake, stats: (fake) => ({ stats: fake.stats }), stop: (fake) => fake.close() });
}

const ACCOUNTS = Number(process.env.BENCH_SHARD_ACCOUNTS ?? 2000);
const COUNTS = (process.env.BENCH_SHARD_COUNTS ?? '1,2,4,8').split(',').map(Number);
const FRACTION = 0.9;
/** 1: the shards of a split run at once on this machine; default: one after another, each measured alone. */
const PARALLEL = process.env.BENCH_SHARD_PARALLEL === '1';
const REGION = 'us-east-1';
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const CPU_HOOK = fileURLToPath(new URL('./lib/cpu-on-exit.cjs', import.meta.url));

function organisation() {
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => {
    const id = String(300000000000 + i);
    const keys = i % 4 === 0 ? [{ id: `k-${i}`, createdAt: '2025-01-01T00:00:00Z', tags: { env: i % 8 ? 'prod' : 'debug' } }] : [];
    return { id, name: `member-${i}`, regions: { [REGION]: { keys } } };
  });
  accounts[0].trails = [{ name: 'org', homeRegion: REGION, multiRegion: true, organization: true, logFileValidation: true }];
  return { callerAccount: accounts[0].id, accounts };
}

/** Run the CLI; resolves with its exit code, rejects on a crash (exit 4 or a signal). */
function cli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', CPU_HOOK, BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('exit', (code) => (code === 0 || code === 3 ? resolve(code) : reject(new Error(`keyhygiene ${args[0]} exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** The CPU (s) the shard processes that wrote `file` used, start-up included. */
const cpuOf = (file) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .reduce((a, x) => a + Number(x), 0) / 1e6
    : Number.NaN;

/** Write the plan for `n` shards and collect shard `k` of it in its own process; its wall (s) and CPU (s). */
async function collectShard(run, n, k, planFile) {
  const cpuFile = join(run.dir, `cpu-${n}-${k}.txt`);
  const out = join(run.dir, `part-${k}-of-${n}.json`);
  const start = performance.now();
  await cli(['inventory', '-p', run.policy, '--shard-plan', planFile, '--shard', `${k}/${n}`, '-o', out], { ...run.env, KEYHYGIENE_BENCH_CPU: cpuFile });
  return { out, wall: (performance.now() - start) / 1000, cpu: cpuOf(cpuFile) };
}

function planFor(run, n) {
  const planFile = join(run.dir, `plan-${n}.json`);
  writeFileSync(planFile, JSON.stringify(run.splitUnits(run.units, n, new Date().toISOString())));
  return planFile;
}

/** Merge the parts; the merged snapshot's keys and gaps, and the merge's wall (s). */
async function mergeParts(run, n, parts) {
  const merged = join(run.dir, `merged-${n}.json`);
  const m0 = performance.now();
  await cli(['merge', ...parts, '-o', merged], run.env);
  const inv = JSON.parse(readFileSync(merged, 'utf8'));
  return { mergeWall: (performance.now() - m0) / 1000, keys: inv.keys.length, gaps: inv.gaps.length };
}

const boundOf = (run, after, before, shareOf) =>
  quotaBound(after.served, { fraction: FRACTION, quotas: run.PUBLISHED_QUOTAS, quotaKeyOf: run.quotaKeyOf, before: before.served, shareOf });

/**
 * The N shards one after another, each with the machine to itself (as a matrix gives each job its
 * own runner): each shard's wall and CPU against its own quota bound (the caller account's quotas at
 * its 1/N share), and the matrix's wall (the slowest shard) against the bound of the whole split.
 */
async function sequentialSplit(run, n) {
  const planFile = planFor(run, n);
  const first = (await run.fake.stats()).stats;
  const shards = [];
  for (let k = 1; k <= n; k++) {
    const before = (await run.fake.stats()).stats;
    const s = await collectShard(run, n, k, planFile);
    const after = (await run.fake.stats()).stats;
    const own = boundOf(run, after, before, (account) => (account === run.caller ? 1 / n : 1));
    shards.push({ ...s, bound: own.bound, by: own.by, throttled: after.throttled - before.throttled });
  }
  const last = (await run.fake.stats()).stats;
  const whole = boundOf(run, last, first);
  const merged = await mergeParts(
    run,
    n,
    shards.map((s) => s.out),
  );
  return {
    n,
    shards,
    wall: Math.max(...shards.map((s) => s.wall)),
    cpu: shards.reduce((a, s) => a + s.cpu, 0),
    bound: whole.bound,
    by: whole.by,
    calls: whole.calls,
    throttled: last.throttled - first.throttled,
    worstWallRatio: Math.max(...shards.map((s) => s.wall / s.bound)),
    worstCpuRatio: Math.max(...shards.map((s) => s.cpu / s.bound)),
    ...merged,
  };
}

/** The N shards at once on this machine (BENCH_SHARD_PARALLEL=1): the wall of all of them against the split's bound. */
async function parallelSplit(run, n) {
  const planFile = planFor(run, n);
  const before = (await run.fake.stats()).stats;
  const start = performance.now();
  const shards = await Promise.all(Array.from({ length: n }, (_, i) => collectShard(run, n, i + 1, planFile)));
  const wall = (performance.now() - start) / 1000;
  const after = (await run.fake.stats()).stats;
  const whole = boundOf(run, after, before);
  const merged = await mergeParts(
    run,
    n,
    shards.map((s) => s.out),
  );
  const cpu = shards.reduce((a, s) => a + s.cpu, 0);
  return { n, shards, wall, cpu, bound: whole.bound, by: whole.by, calls: whole.calls, throttled: after.throttled - before.throttled, ...merged };
}

function describeRow(r) {
  const head = `${r.n} shard(s)${PARALLEL ? ' at once' : ' in sequence'}: `;
  const perShard = PARALLEL
    ? `collection ${r.wall.toFixed(1)} s (shard processes' CPU ${r.cpu.toFixed(1)} s)`
    : `${r.shards.map((s, i) => `#${i + 1} ${s.wall.toFixed(1)} s wall, ${s.cpu.toFixed(1)} s CPU, own bound ${s.bound.toFixed(1)} s (${(s.wall / s.bound).toFixed(2)}×)`).join('; ')}; matrix wall (slowest shard) ${r.wall.toFixed(1)} s`;
  return `${head}${perShard}, quota bound ${r.bound.toFixed(1)} s [${r.by}] → ${(r.wall / r.bound).toFixed(2)}×; ${r.calls} calls, ${r.throttled} throttled; merge ${r.mergeWall.toFixed(1)} s; ${r.keys} keys, ${r.gaps} gaps`;
}

export default async function bench() {
  const { PUBLISHED_QUOTAS, quotaKeyOf } = await import(dist('providers/aws/quota.js'));
  const { splitUnits } = await import(dist('inventory/plan.js'));
  const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-shards-'));
  const fake = await startFakeWorker(new URL(import.meta.url), organisation(), { latencyMs: 25, quotas: PUBLISHED_QUOTAS, record: false });
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIDKEYHYGIENEDEMO',
    AWS_SECRET_ACCESS_KEY: 'keyhygiene-demo-secret-not-real',
    AWS_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const policy = join(dir, 'keyhygiene.yaml');
  writeFileSync(
    policy,
    `version: 1\nextends: [recommended]\nproviders:\n  aws:\n    accounts: organization\n    assumeRole: KeyhygieneAudit\n    regions: [${REGION}]\n    profile: fast\n    quotaFraction: ${FRACTION}\n`,
  );
  const t0 = performance.now();
  await cli(['inventory', '-p', policy, '--plan-shards', '1', '-o', join(dir, 'plan.json')], env);
  const planWall = (performance.now() - t0) / 1000;
  const units = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).shards.flatMap((s) => s.units);
  console.log(`plan: ${units.length} units listed once in ${planWall.toFixed(1)} s`);
  const run = { fake, dir, env, policy, units, caller: organisation().callerAccount, PUBLISHED_QUOTAS, quotaKeyOf, splitUnits };
  const rows = [];
  for (const n of COUNTS) {
    const row = PARALLEL ? await parallelSplit(run, n) : await sequentialSplit(run, n);
    rows.push(row);
    console.log(describeRow(row));
  }
  await fake.close();
  const expectedKeys = Math.ceil(ACCOUNTS / 4);
  return {
    goals: [
      {
        name: `${ACCOUNTS}-account organisation, ${COUNTS.join('/')} shards: every key, 0 throttled responses`,
        met: rows.every((r) => r.keys === expectedKeys && r.throttled === 0),
        detail: rows.map((r) => `${r.n}: ${r.keys}/${expectedKeys} keys, ${r.throttled} throttled`).join('; '),
      },
      PARALLEL
        ? {
            name: 'wall time against the quota bound, per shard count (shards at once on this machine)',
            met: true,
            detail: rows.map((r) => `${r.n}: ${r.wall.toFixed(1)} s / ${r.bound.toFixed(1)} s = ${(r.wall / r.bound).toFixed(2)}×`).join('; '),
          }
        : {
            name: 'each shard alone: wall ≤ 1.10× its own quota bound (meaningful on an idle runner)',
            met: rows.every((r) => r.worstWallRatio <= 1.1),
            detail: rows.map((r) => `${r.n}: ≤ ${r.worstWallRatio.toFixed(2)}× (matrix ${r.wall.toFixed(1)} s / ${r.bound.toFixed(1)} s)`).join('; '),
          },
      ...(PARALLEL
        ? []
        : [
            {
              name: "each shard alone: CPU time ≤ its own quota bound (one core keeps pace with the quota, whatever the machine's load)",
              met: rows.every((r) => r.worstCpuRatio <= 1),
              detail: rows
                .map((r) => `${r.n}: ≤ ${r.worstCpuRatio.toFixed(2)}× (${r.shards.map((x) => `${x.cpu.toFixed(1)}/${x.bound.toFixed(1)} s`).join(', ')})`)
                .join('; '),
            },
          ]),
    ],
  };
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const res = await bench();
  for (const g of res.goals) console.log(`${g.met ? 'MET ' : 'MISS'}  ${g.name}: ${g.detail}`);
}
