// A simulated 2,000-account AWS organisation collected by 1, 2, 4 and 8 shards (issue 21 item 5): the
// loopback simulator (a worker thread) enforces the published per-account, per-region quotas with
// 25 ms latency; the organisation is planned once (`inventory --plan-shards`, one Organizations walk),
// the plan is split for each shard count (the same splitUnits the CLI uses), each shard is its own
// `keyhygiene inventory --shard-plan plan --shard K/N` process, and `keyhygiene merge` joins the parts.
// Reported per shard count: wall time of the collection (all shard processes), the quota bound
// computed from what the simulator served in that collection (max over account × region × quota of
// calls / (0.9 × quota)), throttled responses, keys and gaps of the merged snapshot.
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
  const rows = [];
  for (const n of COUNTS) {
    const planFile = join(dir, `plan-${n}.json`);
    writeFileSync(planFile, JSON.stringify(splitUnits(units, n, new Date().toISOString())));
    const before = (await fake.stats()).stats;
    const start = performance.now();
    const parts = Array.from({ length: n }, (_, i) => join(dir, `part-${i + 1}-of-${n}.json`));
    const cpuFile = join(dir, `cpu-${n}.txt`);
    const shardEnv = { ...env, KEYHYGIENE_BENCH_CPU: cpuFile };
    await Promise.all(parts.map((out, i) => cli(['inventory', '-p', policy, '--shard-plan', planFile, '--shard', `${i + 1}/${n}`, '-o', out], shardEnv)));
    // CPU of every shard process, start-up included: the work sharding spreads over cores or machines.
    const cpu = existsSync(cpuFile)
      ? readFileSync(cpuFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .reduce((a, x) => a + Number(x), 0) / 1e6
      : Number.NaN;
    const wall = (performance.now() - start) / 1000;
    const after = (await fake.stats()).stats;
    const merged = join(dir, `merged-${n}.json`);
    const m0 = performance.now();
    await cli(['merge', ...parts, '-o', merged], env);
    const mergeWall = (performance.now() - m0) / 1000;
    const inv = JSON.parse(readFileSync(merged, 'utf8'));
    const { bound, by, calls } = quotaBound(after.served, { fraction: FRACTION, quotas: PUBLISHED_QUOTAS, quotaKeyOf, before: before.served });
    const row = { n, wall, cpu, bound, by, calls, mergeWall, throttled: after.throttled - before.throttled, keys: inv.keys.length, gaps: inv.gaps.length };
    rows.push(row);
    console.log(
      `${n} shard(s): collection ${wall.toFixed(1)} s (shard processes' CPU ${cpu.toFixed(1)} s), quota bound ${bound.toFixed(1)} s [${by}] → ${(wall / bound).toFixed(2)}×; ${calls} calls, ${row.throttled} throttled; merge ${mergeWall.toFixed(1)} s; ${row.keys} keys, ${row.gaps} gaps`,
    );
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
      {
        name: 'wall time against the quota bound, per shard count',
        met: true,
        detail: rows.map((r) => `${r.n}: ${r.wall.toFixed(1)} s / ${r.bound.toFixed(1)} s = ${(r.wall / r.bound).toFixed(2)}×`).join('; '),
      },
    ],
  };
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const res = await bench();
  for (const g of res.goals) console.log(`${g.met ? 'MET ' : 'MISS'}  ${g.name}: ${g.detail}`);
}
