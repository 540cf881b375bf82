// Client CPU per AWS call through the provider kit against the bare SDK call (issue 21 item 3): the
// same kms:DescribeKey calls against the loopback simulator, in the same run, once as a bare
// `KMSClient.send` loop and once through the provider's `send` (allowlist guard, quota bucket, retry
// loop, per-call deadline and budget signal, gap classification on failure, keep-alive pool). The
// simulator runs in a worker thread and the CPU measured is the main thread's alone
// (process.threadCpuUsage). The two are interleaved (bare, kit, bare, kit…) and each side's best
// round is compared, so load on a shared machine hits both alike. Goal: kit ≤ 1.10× bare.
// BENCH_AWS_CALLS (default 4000 per round), BENCH_AWS_ROUNDS (default 3), BENCH_AWS_INFLIGHT (default 32).
import http from 'node:http';
import https from 'node:https';
import { isMainThread } from 'node:worker_threads';
import { serveFake, startFakeWorker } from './fake-worker.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

if (!isMainThread) {
  const { startAwsFake } = await import(dist('fakes/aws/server.js'));
  await serveFake({ start: startAwsFake, stats: (fake) => ({ stats: fake.stats }), stop: (fake) => fake.close() });
}

const CALLS = Number(process.env.BENCH_AWS_CALLS ?? 4000);
const ROUNDS = Number(process.env.BENCH_AWS_ROUNDS ?? 3);
const INFLIGHT = Number(process.env.BENCH_AWS_INFLIGHT ?? 32);
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const CREDS = { accessKeyId: 'AKIDBENCHFAKE', secretAccessKey: 'bench-secret' };

const keyIds = Array.from({ length: 64 }, (_, i) => `k-${String(i).padStart(3, '0')}`);
const world = {
  callerAccount: ACCOUNT,
  accounts: [{ id: ACCOUNT, regions: { [REGION]: { keys: keyIds.map((id) => ({ id, createdAt: '2025-01-01T00:00:00Z' })) } } }],
};

/** `n` calls of `one(i)`, `inflight` at a time; returns main-thread CPU µs per call. */
async function measure(n, inflight, one) {
  let next = 0;
  const worker = async () => {
    while (next < n) await one(next++);
  };
  const c0 = process.threadCpuUsage();
  await Promise.all(Array.from({ length: inflight }, worker));
  const c = process.threadCpuUsage(c0);
  return (c.user + c.system) / n;
}

/** The bare SDK client, configured as the provider's transport configures its clients. */
async function bareClient(url) {
  const { KMSClient, DescribeKeyCommand } = await import('@aws-sdk/client-kms');
  const agent = { keepAlive: true, maxSockets: 256 };
  const client = new KMSClient({
    region: REGION,
    endpoint: url,
    credentials: CREDS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 11_000, connectionTimeout: 11_000, httpAgent: new http.Agent(agent), httpsAgent: new https.Agent(agent) },
  });
  return { call: (i) => client.send(new DescribeKeyCommand({ KeyId: keyIds[i % keyIds.length] })), close: () => client.destroy() };
}

/** The same call through the provider: createAwsRun's kit and transport, context.send. */
async function kitClient(url) {
  const { createAwsRun } = await import(dist('providers/aws/collect.js'));
  const { send } = await import(dist('providers/aws/context.js'));
  const { AwsConfig } = await import(dist('providers/aws/schema.js'));
  // Quotas far above the call rate: the bucket is consulted on every call but never waits.
  const config = AwsConfig.parse({ regions: [REGION], quotas: { 'kms:DescribeKey': 1e7 }, quotaFraction: 1 });
  const run = createAwsRun(config, { now: () => new Date(), baseDir: '.', env: {} }, { endpoint: url, credentials: CREDS });
  const where = { account: ACCOUNT, caller: { region: REGION } };
  return {
    call: (i) => send(run, 'kms:DescribeKey', { KeyId: keyIds[i % keyIds.length] }, where),
    close: () => {
      run.kit.finish();
      run.transport.destroy();
    },
  };
}

export default async function bench() {
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const fake = await startFakeWorker(new URL(import.meta.url), world, { record: false });
  const bare = await bareClient(fake.url);
  const kit = await kitClient(fake.url);
  // Warm-up: module code compiled, sockets open, for both.
  await measure(500, INFLIGHT, bare.call);
  await measure(500, INFLIGHT, kit.call);
  const rounds = { bare: [], kit: [] };
  for (let r = 0; r < ROUNDS; r++) {
    rounds.bare.push(await measure(CALLS, INFLIGHT, bare.call));
    rounds.kit.push(await measure(CALLS, INFLIGHT, kit.call));
  }
  bare.close();
  kit.close();
  const { stats } = await fake.stats();
  await fake.close();
  const best = (xs) => Math.min(...xs);
  const ratio = best(rounds.kit) / best(rounds.bare);
  const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(
    `kms:DescribeKey × ${CALLS} × ${ROUNDS} rounds, ${INFLIGHT} in flight: bare SDK ${fmt(rounds.bare)} µs/call; through the kit ${fmt(rounds.kit)} µs/call; ${stats.requests} requests served, ${stats.throttled} throttled`,
  );
  return {
    goals: [
      {
        name: 'client CPU per AWS call through the kit ≤ 1.10× the bare SDK call',
        met: ratio <= 1.1,
        detail: `${best(rounds.kit).toFixed(0)} µs vs ${best(rounds.bare).toFixed(0)} µs = ${ratio.toFixed(3)}× (best round of ${ROUNDS} each, same run)`,
      },
    ],
  };
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const res = await bench();
  for (const g of res.goals) console.log(`${g.met ? 'MET ' : 'MISS'}  ${g.name}: ${g.detail}`);
}
