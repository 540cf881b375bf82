// GCP inventory against the loopback fake (src/fakes/gcp, built into dist/fakes, run in a worker
// thread so the client's CPU is measured alone): 10,000 keys in 20 key rings of one project, 25 ms
// latency. Goal (issue 19): wall ≤ 1.10 × the quota-bound lower bound.
//
// Lower bound, from what the fake actually served: Cloud KMS reads are charged to the calling
// project, so T_lb = max(KMS reads / (f × R/60), GetPublicKey / (f × C/60), Resource Manager calls /
// (f × 20/s), Logging calls / (f × 60/s)), with R the read quota per minute (raised here, as a
// 10k-key estate needs: 6,000, i.e. 50 reads/s at f = 0.5), C the crypto quota (60,000) and f = quotaFraction.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { serveFake, startFakeWorker } from './fake-worker.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

if (!isMainThread) {
  // The fake's thread.
  const { startGcpFake } = await import(dist('fakes/gcp/index.js'));
  await serveFake({
    start: startGcpFake,
    stats: (fake) => {
      const byOp = {};
      for (const r of fake.requests) byOp[r.operation] = (byOp[r.operation] ?? 0) + 1;
      return { byOp, requests: fake.requests.length };
    },
    stop: (fake) => fake.stop(),
  });
}

const KEYS = Number(process.env.BENCH_GCP_KEYS ?? 10_000);
const RINGS = 20;
const F = Number(process.env.BENCH_GCP_FRACTION ?? 0.5);
const READ_QPM = Number(process.env.BENCH_GCP_READ_QPM ?? 6_000);
const CRYPTO_QPM = 60_000;
const LATENCY = 25;

function world() {
  const pems = Array.from({ length: 4 }, () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  const perRing = Math.ceil(KEYS / RINGS);
  const keyRings = [];
  let n = 0;
  for (let r = 0; r < RINGS; r++) {
    const keys = [];
    for (let i = 0; i < perRing && n < KEYS; i++, n++) {
      // 70 % symmetric data keys with auto-rotation, 30 % EC signing keys (one GetPublicKey each).
      const sym = i % 10 < 7;
      const alg = sym ? 'GOOGLE_SYMMETRIC_ENCRYPTION' : 'EC_SIGN_P256_SHA256';
      keys.push({
        id: `key-${String(i).padStart(5, '0')}`,
        purpose: sym ? 'ENCRYPT_DECRYPT' : 'ASYMMETRIC_SIGN',
        algorithm: alg,
        protectionLevel: 'HSM',
        createTime: '2026-01-01T00:00:00Z',
        ...(sym ? { rotationPeriod: '7776000s', nextRotationTime: '2026-12-01T00:00:00Z', primary: '2' } : {}),
        labels: { env: 'prod' },
        versions: [
          { id: '1', state: 'DISABLED', algorithm: alg, createTime: '2026-01-01T00:00:00Z' },
          { id: '2', state: 'ENABLED', algorithm: alg, createTime: '2026-09-01T00:00:00Z', ...(sym ? {} : { publicKeyPem: pems[i % 4] }) },
        ],
        policy: {
          bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: [`serviceAccount:app-${i % 50}@bench-prod.iam.gserviceaccount.com`] }],
        },
      });
    }
    keyRings.push({ location: 'europe-west1', id: `ring-${r}`, keys });
  }
  return { projects: [{ projectId: 'bench-prod', number: '400000000001', keyRings, locations: ['europe-west1'] }] };
}

export default async function bench() {
  const w = world();
  const { collectGcp } = await import(dist('providers/gcp/index.js'));
  const { GcpConfig } = await import(dist('providers/gcp/schema.js'));
  const fake = await startFakeWorker(new URL(import.meta.url), w, { latencyMs: LATENCY, token: 'ya29.bench' });
  const config = GcpConfig.parse({ projects: ['bench-prod'], endpoint: fake.url, quotaFraction: F, readRequestsPerMinute: READ_QPM, concurrency: 32 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await collectGcp(config, { now: () => new Date(), baseDir: '.', env: { GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.bench' } });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { byOp, requests } = await fake.stats();
  await fake.close();
  const sum = (pred) => Object.entries(byOp).reduce((n, [op, c]) => n + (pred(op) ? c : 0), 0);
  const kmsReads = sum((op) => op.startsWith('cloudkms:') && op !== 'cloudkms:GetPublicKey');
  const bound = Math.max(
    kmsReads / ((F * READ_QPM) / 60),
    sum((op) => op === 'cloudkms:GetPublicKey') / ((F * CRYPTO_QPM) / 60),
    sum((op) => op.startsWith('cloudresourcemanager:')) / (F * 20),
    sum((op) => op.startsWith('logging:')) / (F * 60),
  );
  const keys = out.keys?.length ?? 0;
  const ratio = wall / bound;
  console.log(
    `${keys}/${KEYS} keys in ${wall.toFixed(2)} s; quota-bound lower bound ${bound.toFixed(2)} s (${kmsReads} Cloud KMS reads at f=${F} × ${READ_QPM}/min); ratio ${ratio.toFixed(3)}; ${requests} requests, ${out.stats.throttled} throttled, ${out.gaps?.length ?? 0} gaps, client CPU ${((cpu.user + cpu.system) / 1000 / requests).toFixed(2)} ms/request`,
  );
  return {
    goals: [
      {
        name: `gcp: wall ≤ 1.10 × quota-bound lower bound (${KEYS} keys, one calling project)`,
        met: ratio <= 1.1 && keys === KEYS && (out.gaps?.length ?? 0) === 0,
        detail: `${wall.toFixed(2)} s / ${bound.toFixed(2)} s = ${ratio.toFixed(3)}×`,
      },
    ],
  };
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const res = await bench();
  for (const g of res.goals) console.log(`${g.met ? 'MET ' : 'MISS'}  ${g.name}: ${g.detail}`);
}
