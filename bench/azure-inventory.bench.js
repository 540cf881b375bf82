// Azure inventory against the loopback fakes enforcing the documented Key Vault limits
// (performance.md §1.3): 5,000 keys across 5 premium vaults of one subscription, 25 ms latency.
// Goals (issue 5): wall ≤ 1.10 × the limit-bound lower bound; 0 keys without a final status under
// 5 % injected faults. The fake runs in a worker thread so the client's CPU is measured alone.
//
// Lower bound, from what the fake actually served: T_lb = max(max over vaults of weighted
// transactions / (f × 400/s), subscription total / (f × 2,000/s)), where f = quotaFraction and a
// transaction on an HSM RSA-2048 or EC key weighs 2, on an HSM RSA-3072 key 8 (4,000 / 2,000 / 500
// per 10 s). Requests answered 429 do not count, as in the service.
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { isMainThread } from 'node:worker_threads';
import { serveFake, startFakeWorker } from './fake-worker.js';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;

if (!isMainThread) {
  // The fake's thread.
  const { startAzureFake } = await import(dist('fakes/azure/server.js'));
  await serveFake({
    start: startAzureFake,
    ready: (fake) => ({ url: fake.url, cert: fake.cert.cert }),
    stats: (fake) => ({ stats: fake.stats }),
    stop: (fake) => fake.close(),
  });
}

const KEYS = Number(process.env.BENCH_AZURE_KEYS ?? 5000);
const VAULTS = 5;
const F = Number(process.env.BENCH_AZURE_FRACTION ?? 0.5);
const LATENCY = 25;

function world() {
  const spki = (k) => k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const rsa2048 = Array.from({ length: 4 }, () => spki(generateKeyPairSync('rsa', { modulusLength: 2048 })));
  const rsa3072 = Array.from({ length: 2 }, () => spki(generateKeyPairSync('rsa', { modulusLength: 3072 })));
  const ec = Array.from({ length: 4 }, () => spki(generateKeyPairSync('ec', { namedCurve: 'P-256' })));
  const perVault = Math.ceil(KEYS / VAULTS);
  const vaults = [];
  let n = 0;
  for (let v = 0; v < VAULTS; v++) {
    const keys = [];
    for (let i = 0; i < perVault && n < KEYS; i++, n++) {
      // A token-signing estate: 70 % HSM RSA-2048, 20 % HSM EC P-256, 10 % HSM RSA-3072.
      const r = i % 10;
      const [kty, publicKey] = r < 7 ? ['RSA-HSM', rsa2048[i % 4]] : r < 9 ? ['EC-HSM', ec[i % 4]] : ['RSA-HSM', rsa3072[i % 2]];
      keys.push({
        name: `key-${String(i).padStart(5, '0')}`,
        kty,
        keyOps: ['sign', 'verify'],
        publicKey,
        created: '2026-06-01T00:00:00Z',
        olderVersions: i % 3 ? ['2026-01-01T00:00:00Z'] : [],
        tags: { env: 'prod', 'key-class': 'token-signing-tenant' },
        rotationPolicy: i % 2 ? { lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }] } : null,
      });
    }
    vaults.push({ name: `kv-bench-${v}`, resourceGroup: 'bench', location: 'westeurope', sku: 'premium', rbac: true, purgeProtection: true, keys });
  }
  return { tenantId: '00000000-0000-4000-8000-0000000be4c0', subscriptions: [{ id: '00000000-0000-4000-8000-0000000be4c1', vaults }] };
}

async function runOnce(w, options) {
  const { collectAzure } = await import(dist('providers/azure/index.js'));
  const { AzureConfig } = await import(dist('providers/azure/schema.js'));
  const { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } = await import(dist('fakes/azure/server.js'));
  const fake = await startFakeWorker(new URL(import.meta.url), w, { latencyMs: LATENCY, enforceLimits: true, retryAfterSeconds: 1, ...options });
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), fake.ready.cert]);
  Object.assign(process.env, {
    AZURE_TENANT_ID: w.tenantId,
    AZURE_CLIENT_ID: FAKE_CLIENT_ID,
    AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
    AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
  });
  const config = AzureConfig.parse({
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    quotaFraction: F,
    concurrency: 32,
    retry: { maxRetries: 4, retryDelayInMs: 50, maxRetryDelayInMs: 1000 },
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await collectAzure(config, { now: () => new Date(), baseDir: '.', env: process.env });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { stats } = await fake.stats();
  await fake.close();
  const vaultBound = Math.max(...Object.values(stats.vaultCost)) / (F * 400);
  const subBound = Math.max(...Object.values(stats.subscriptionCost)) / (F * 2000);
  const armBound = Math.max(0, ...Object.values(stats.armServed).map((n) => (n - 250 * F) / (25 * F)));
  const lowerBound = Math.max(vaultBound, subBound, armBound);
  const ids = new Set((out.keys ?? []).map((k) => k.id));
  const expected = w.subscriptions.flatMap((s) => s.vaults.flatMap((v) => v.keys.map((k) => `https://${v.name}.vault.azure.net/keys/${k.name}`)));
  const missing = expected.filter((id) => !ids.has(id));
  const keyGaps = new Set((out.gaps ?? []).filter((g) => g.scope.subjectId).map((g) => g.scope.subjectId));
  const vaultGaps = (out.gaps ?? []).filter((g) => !g.scope.subjectId);
  return {
    wall,
    lowerBound,
    ratio: wall / lowerBound,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / stats.requests,
    requests: stats.requests,
    throttled: stats.throttled,
    faults: stats.faults,
    keys: out.keys?.length ?? 0,
    missing: missing.length,
    partial: keyGaps.size,
    vaultGaps: vaultGaps.length,
  };
}

export default async function bench() {
  const w = world();
  const total = w.subscriptions[0].vaults.reduce((n, v) => n + v.keys.length, 0);
  const clean = await runOnce(w, {});
  console.log(
    `clean: ${clean.keys}/${total} keys in ${clean.wall.toFixed(2)} s; limit-bound lower bound ${clean.lowerBound.toFixed(2)} s (f=${F}); ratio ${clean.ratio.toFixed(3)}; ${clean.requests} requests, ${clean.throttled} throttled (429), client CPU ${clean.cpuMsPerRequest.toFixed(2)} ms/request`,
  );
  const faulty = await runOnce(w, { faultRate: 0.05 });
  console.log(
    `5 % faults: ${faulty.keys}/${total} keys in ${faulty.wall.toFixed(2)} s (lower bound ${faulty.lowerBound.toFixed(2)} s, ratio ${faulty.ratio.toFixed(3)}); ${faulty.faults} injected faults, ${faulty.throttled} throttled; ${faulty.missing} keys without a final status, ${faulty.partial} keys recorded with a gap, ${faulty.vaultGaps} vault-level gaps`,
  );
  return {
    goals: [
      {
        name: 'azure: wall ≤ 1.10 × limit-bound lower bound (5,000 keys, 5 vaults)',
        met: clean.ratio <= 1.1 && clean.keys === total,
        detail: `${clean.wall.toFixed(2)} s / ${clean.lowerBound.toFixed(2)} s = ${clean.ratio.toFixed(3)}× (${clean.throttled} throttled)`,
      },
      {
        name: 'azure: 0 keys without a final status under 5 % injected faults',
        met: faulty.missing === 0 && faulty.vaultGaps === 0,
        detail: `${faulty.missing} missing of ${total}; ${faulty.partial} recorded with a gap; ${faulty.faults} faults injected`,
      },
    ],
  };
}

if (isMainThread && process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const res = await bench();
  for (const g of res.goals) console.log(`${g.met ? 'MET ' : 'MISS'}  ${g.name}: ${g.detail}`);
}
