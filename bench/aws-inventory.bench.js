// AWS provider inventory against the loopback simulator enforcing the published per-API quotas with
// 25 ms latency (issue 4). The simulator runs in a child process, so the CPU measured here is the
// client's alone. Goals:
//   - 10,000 keys in one region: wall time ≤ 1.10× the quota-bound floor the harness computes from the
//     calls the simulator served (max over account/region/operation of calls / (fraction × quota));
//   - 0 throttled responses at a 90 % quota fraction;
//   - 0 keys without a final status with 5 % injected AccessDenied and 5 % injected 5xx;
//   - client CPU per API call ≤ 250 µs (reported; the AWS SDK v3 itself costs most of it);
//   - 20 accounts × 4 regions × 200 keys: reported with its ratios.
// Sizes can be reduced for a quick run: BENCH_AWS_KEYS, BENCH_AWS_FAULT_KEYS, BENCH_AWS_ORG_KEYS.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { quotaBound } from './lib/aws-quota-bound.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const { collectAws } = await import(dist('providers/aws/index.js'));
const { PUBLISHED_QUOTAS, quotaKeyOf } = await import(dist('providers/aws/quota.js'));

const KEYS = Number(process.env.BENCH_AWS_KEYS ?? 10_000);
const FAULT_KEYS = Number(process.env.BENCH_AWS_FAULT_KEYS ?? 2_000);
const ORG_KEYS = Number(process.env.BENCH_AWS_ORG_KEYS ?? 200);
const FRACTION = 0.9;
const LATENCY_MS = 25;
const REGIONS4 = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
const SPKI = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** n keys: 70 % symmetric (rotation calls), 30 % asymmetric signing keys (GetPublicKey), each with tags and a grant. */
function keys(n, prefix) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const sign = i % 10 < 3;
    out.push({
      id: `${prefix}-${String(i).padStart(6, '0')}`,
      createdAt: '2025-01-01T00:00:00Z',
      ...(sign
        ? { spec: 'ECC_NIST_P256', usage: 'SIGN_VERIFY', publicKey: SPKI }
        : { rotation: { enabled: true, periodDays: 365, rotations: ['2025-06-01T00:00:00Z'] } }),
      tags: { env: i % 3 ? 'prod' : 'dev', owner: `team-${i % 17}` },
      aliases: i % 4 === 0 ? [`alias/${prefix}-${i}`] : undefined,
      grants: [{ grantee: 'arn:aws:iam::999999999999:role/app', operations: sign ? ['Sign'] : ['Decrypt'] }],
    });
  }
  return out;
}

const trail = { name: 'org', homeRegion: 'us-east-1', multiRegion: true, organization: true, logGroup: 'org-trail', logFileValidation: true };

/** Start the simulator in a child process; returns { url, stats(), close() }. */
async function startFakeChild(world, options) {
  const code = `
    const { startAwsFake } = await import(${JSON.stringify(dist('fakes/aws/server.js'))});
    process.on('disconnect', () => process.exit(0)); // never outlive the harness
    process.send({ ready: true });
    process.once('message', async ({ world, options }) => {
      const fake = await startAwsFake(world, { ...options, record: false });
      process.send({ url: fake.url });
      process.on('message', async (m) => {
        if (m === 'stats') process.send({ stats: fake.stats });
        if (m === 'close') { await fake.close(); process.send({ closed: true }); process.disconnect(); }
      });
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  await next(); // ready: messages sent before the child listens would be lost
  child.send({ world, options });
  const { url } = await next();
  return {
    url,
    stats: async () => {
      child.send('stats');
      return (await next()).stats;
    },
    close: async () => {
      child.send('close');
      await next();
    },
  };
}

async function scenario(name, world, { faults, expectedKeyIds, regions, accounts, assumeRole }) {
  const fake = await startFakeChild(world, { latencyMs: LATENCY_MS, quotas: PUBLISHED_QUOTAS, faults });
  const env = {
    ...process.env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHFAKE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await collectAws(
    { regions, quotaFraction: FRACTION, ...(accounts ? { accounts, assumeRole } : {}) },
    { now: () => new Date(), baseDir: '.', env },
    { endpoint: fake.url, credentials: { accessKeyId: 'AKIDBENCHFAKE', secretAccessKey: 'bench-secret' } },
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = await fake.stats();
  await fake.close();
  const calls = Object.values(stats.served).reduce((a, b) => a + b, 0) + stats.throttled + stats.faults;
  const cpuPerCall = (cpu.user + cpu.system) / stats.requests;
  const { bound: floor, by: bound } = quotaBound(stats.served, { fraction: FRACTION, quotas: PUBLISHED_QUOTAS, quotaKeyOf });
  const got = new Set(out.keys.map((k) => k.id));
  const missing = expectedKeyIds.filter((id) => !got.has(id)).length;
  console.log(
    `${name}: ${out.keys.length} keys, ${out.gaps.length} gaps, ${stats.requests} requests (${calls} answered), ${stats.throttled} throttled, ${stats.faults} injected faults, ${out.stats.retries} client retries; wall ${wall.toFixed(1)} s, quota floor ${floor.toFixed(1)} s [${bound}] → ratio ${(wall / floor).toFixed(3)}; client CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s = ${cpuPerCall.toFixed(0)} µs/call (${(stats.requests / wall).toFixed(0)} calls/s)`,
  );
  if (process.env.BENCH_AWS_DEBUG) console.log(out.stats, out.gaps.slice(0, 3));
  return { wall, floor, ratio: wall / floor, throttled: stats.throttled, cpuPerCall, missing, out, stats };
}

export default async function run() {
  const goals = [];

  // 1. 10,000 keys in one region.
  const one = {
    callerAccount: '111111111111',
    accounts: [
      {
        id: '111111111111',
        regions: { 'us-east-1': { keys: keys(KEYS, 'k') } },
        trails: [trail],
        logGroups: [{ name: 'org-trail', region: 'us-east-1', retentionDays: 400 }],
      },
    ],
  };
  const ids = (w) => w.accounts.flatMap((a) => Object.entries(a.regions).flatMap(([r, v]) => v.keys.map((k) => `arn:aws:kms:${r}:${a.id}:key/${k.id}`)));
  const a = await scenario(`${KEYS} keys, 1 region`, one, { expectedKeyIds: ids(one), regions: ['us-east-1'] });
  goals.push({
    name: `${KEYS} keys in one region: wall time ≤ 1.10× quota floor`,
    met: a.ratio <= 1.1,
    detail: `${a.wall.toFixed(1)} s / ${a.floor.toFixed(1)} s = ${a.ratio.toFixed(3)}×`,
  });
  goals.push({
    name: '0 throttled responses at a 90 % quota fraction',
    met: a.throttled === 0,
    detail: `${a.throttled} throttled of ${a.stats.requests} requests`,
  });
  goals.push({
    name: 'client CPU per API call ≤ 250 µs',
    met: a.cpuPerCall <= 250,
    detail: `${a.cpuPerCall.toFixed(0)} µs/call (${(a.cpuPerCall / 250).toFixed(2)}× the goal)`,
  });

  // 2. 5 % AccessDenied and 5 % 5xx injected: every key ends with a status.
  const faulty = {
    callerAccount: '111111111111',
    accounts: [{ id: '111111111111', regions: { 'us-east-1': { keys: keys(FAULT_KEYS, 'f') } }, trails: [trail] }],
  };
  const faults = [
    { error: 'AccessDenied', rate: 0.05, op: 'kms:DescribeKey' },
    { error: 'AccessDenied', rate: 0.05, op: 'kms:ListGrants' },
    { error: 'AccessDenied', rate: 0.05, op: 'kms:GetKeyPolicy' },
    { error: 'Internal', rate: 0.05, times: 1 },
  ];
  const b = await scenario(`${FAULT_KEYS} keys, 5 % AccessDenied + 5 % 5xx`, faulty, { faults, expectedKeyIds: ids(faulty), regions: ['us-east-1'] });
  goals.push({
    name: '0 keys without a final status with 5 % AccessDenied and 5xx injected',
    met: b.missing === 0 && b.out.keys.length === FAULT_KEYS,
    detail: `${b.missing} of ${FAULT_KEYS} keys missing; ${b.out.gaps.length} gaps recorded; ratio to quota floor ${b.ratio.toFixed(3)}×`,
  });

  // 3. 20 accounts × 4 regions × 200 keys, assumed roles.
  const accounts = Array.from({ length: 20 }, (_, i) => ({
    id: String(200000000000 + i),
    regions: Object.fromEntries(REGIONS4.map((r) => [r, { keys: keys(ORG_KEYS, `o${i}-${r}`) }])),
  }));
  const org = { callerAccount: accounts[0].id, accounts: [...accounts], trails: [] };
  org.accounts[0] = { ...org.accounts[0], trails: [trail], logGroups: [{ name: 'org-trail', region: 'us-east-1', retentionDays: 400 }] };
  const c = await scenario(`20 accounts × 4 regions × ${ORG_KEYS} keys`, org, {
    expectedKeyIds: ids(org),
    regions: REGIONS4,
    accounts: 'organization',
    assumeRole: 'KeyhygieneAudit',
  });
  const cpuBound = (c.cpuPerCall * c.stats.requests) / 1e6;
  goals.push({
    name: `20 accounts × 4 regions × ${ORG_KEYS} keys: every key, no throttling`,
    met: c.missing === 0 && c.throttled === 0,
    detail: `${c.out.keys.length} keys in ${c.wall.toFixed(1)} s; ${c.ratio.toFixed(2)}× the per-pair quota floor (${c.floor.toFixed(1)} s), ${(c.wall / cpuBound).toFixed(2)}× the client-CPU bound (${cpuBound.toFixed(1)} s); ${c.cpuPerCall.toFixed(0)} µs/call; ${c.throttled} throttled`,
  });
  return { goals };
}
