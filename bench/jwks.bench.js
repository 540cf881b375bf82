// JWKS collection against a loopback HTTPS issuer with injected latency.
// Goals (issue 7; performance.md §1.5: no published quotas, so the floor is RTT × endpoints / concurrency):
//   J1 wall time for S key sets at concurrency c ≤ 1.25 × the same GETs from a bare keep-alive pool of
//      c connections (itself printed against the latency floor ceil(S / c) × RTT), and never more
//      than c requests in flight at the server;
//   J2 per-endpoint p95 latency ≤ 2 × RTT over warm connections (each host's c handshakes are paid
//      once per run and show in J1);
//   J3 normalizing a key (fingerprints, size, certificate) ≤ 3 × the bare cost of JSON.parse +
//      createPublicKey + SPKI export of the same key.
// RTT is measured in the same run: a plain https GET of one set over a warm keep-alive connection.
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from 'selfsigned';

const dist = (p) => new URL(`${process.env.BENCH_DIST ?? '../dist'}/${p}`, import.meta.url).href;
const { jwksProvider } = await import(dist('providers/jwks/index.js'));
const { JwksConfig } = await import(dist('providers/jwks/schema.js'));
const { getJson } = await import(dist('providers/jwks/client.js'));
const { normalizeKeySet } = await import(dist('providers/jwks/normalize.js'));

const SETS = Number(process.env.BENCH_JWKS_SETS ?? 48);
const KEYS_PER_SET = 4;
const LATENCY_MS = Number(process.env.BENCH_JWKS_LATENCY_MS ?? 25);
const CONCURRENCY = 4;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

export default async function bench() {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'keyhygiene-bench-jwks-'));
  writeFileSync(join(dir, 'ca.pem'), pems.cert);

  const pool = Array.from({ length: 16 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }));
  const bodies = Array.from({ length: SETS }, (_, s) =>
    JSON.stringify({
      keys: Array.from({ length: KEYS_PER_SET }, (_, i) => ({ ...pool[(s * KEYS_PER_SET + i) % pool.length], kid: `k-${s}-${i}`, use: 'sig', alg: 'RS256' })),
    }),
  );
  let inflight = 0;
  let maxInflight = 0;
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    const m = /^\/sets\/(\d+)$/.exec(req.url ?? '');
    setTimeout(() => {
      res.writeHead(m ? 200 : 404, { 'content-type': 'application/json' });
      res.end(m ? bodies[Number(m[1])] : '{}');
      inflight--;
    }, LATENCY_MS);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `https://127.0.0.1:${server.address().port}`;
  const ca = pems.cert;

  // Baseline RTT: one set over a warm keep-alive connection (the floor any client can reach).
  const warm = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
  const raw = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      https
        .get(`${base}/sets/0`, { agent: warm }, (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - t0));
        })
        .on('error', reject);
    });
  for (let i = 0; i < 3; i++) await raw();
  const rtts = [];
  for (let i = 0; i < 15; i++) rtts.push(await raw());
  const rtt = median(rtts);
  warm.destroy();

  // Baseline wall: the same S GETs from a bare keep-alive pool of c connections, bodies discarded.
  const rawPool = async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
    const t0 = performance.now();
    await Promise.all(
      bodies.map(
        (_, s) =>
          new Promise((resolve, reject) => {
            https
              .get(`${base}/sets/${s}`, { agent }, (res) => {
                res.resume();
                res.on('end', resolve);
              })
              .on('error', reject);
          }),
      ),
    );
    const t = performance.now() - t0;
    agent.destroy();
    return t;
  };

  // J1: the provider end to end.
  const config = JwksConfig.parse({
    keySets: bodies.map((_, s) => ({ url: `${base}/sets/${s}` })),
    caFile: join(dir, 'ca.pem'),
    concurrency: CONCURRENCY,
    retries: 0,
  });
  const ctx = { now: () => new Date(), baseDir: dir, env: {} };
  // Interleaved with the baseline, so load from other processes hits both alike; the goal uses the
  // median of the per-run ratios.
  const walls = [];
  const rawWalls = [];
  const ratios = [];
  for (let r = 0; r < RUNS; r++) {
    rawWalls.push(await rawPool());
    maxInflight = 0;
    const t0 = performance.now();
    const out = await jwksProvider.collect(config, ctx);
    walls.push(performance.now() - t0);
    ratios.push(walls[r] / rawWalls[r]);
    if ((out.gaps ?? []).length || out.publishedKeys.length !== SETS * KEYS_PER_SET) throw new Error('bench collection incomplete');
  }
  const wall = median(walls);
  const rawWall = median(rawWalls);
  const ratio = median(ratios);
  const bound = Math.ceil(SETS / CONCURRENCY) * rtt;
  maxInflight = Math.max(maxInflight, 0);

  // J2: per-endpoint latency through the provider's client at the provider's concurrency.
  const { createAgents } = await import(dist('providers/jwks/client.js'));
  const agents = createAgents(CONCURRENCY, ca);
  const limits = { ...config, ca, agents };
  // Steady state: the c connections are opened (one TLS handshake each) before measuring.
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, s) => getJson(`${base}/sets/${s}`, limits)));
  const lat = [];
  const poolWalls = [];
  for (let r = 0; r < RUNS; r++) {
    let next = 0;
    const tPool = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < SETS) {
          const s = next++;
          const t0 = performance.now();
          await getJson(`${base}/sets/${s}`, limits);
          lat.push(performance.now() - t0);
        }
      }),
    );
    poolWalls.push(performance.now() - tPool);
  }
  const p95 = pct(lat, 95);
  const poolWall = median(poolWalls);
  agents.destroy();
  server.closeAllConnections();
  server.close();

  // J3: normalization cost per key against the bare crypto work.
  const keys = bodies.flatMap((b) => JSON.parse(b).keys);
  const N = keys.length;
  const perKey = [];
  const bare = [];
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    for (let i = 0; i < 20; i++) normalizeKeySet(JSON.parse(JSON.stringify(keys)), { url: 'https://bench/keys', trustedBy: [], indicators: [] });
    perKey.push(((performance.now() - t0) * 1000) / (20 * N));
    t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      for (const k of JSON.parse(JSON.stringify(keys))) {
        const pub = createPublicKey({ key: { kty: k.kty, n: k.n, e: k.e }, format: 'jwk' });
        createHash('sha256')
          .update(pub.export({ format: 'der', type: 'spki' }))
          .digest('hex');
      }
    }
    bare.push(((performance.now() - t0) * 1000) / (20 * N));
  }
  const us = median(perKey);
  const bareUs = median(bare);

  console.log(`RTT (warm connection, ${LATENCY_MS} ms injected): median ${rtt.toFixed(1)} ms`);
  console.log(
    `bare keep-alive pool, same ${SETS} GETs at concurrency ${CONCURRENCY}: median ${rawWall.toFixed(0)} ms (latency floor ceil(S/c) × RTT = ${bound.toFixed(0)} ms)`,
  );
  console.log(`provider collect ${SETS} sets × ${KEYS_PER_SET} keys: median ${wall.toFixed(0)} ms of ${RUNS}, max in flight at the server ${maxInflight}`);
  console.log(`client alone (same pool, no parsing): ${poolWall.toFixed(0)} ms`);
  console.log(`per-endpoint latency: p50 ${median(lat).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
  console.log(`normalize: ${us.toFixed(1)} µs/key vs bare parse+SPKI ${bareUs.toFixed(1)} µs/key`);
  return {
    goals: [
      {
        name: 'J1 provider wall ≤ 1.25 × a bare keep-alive pool of c connections, ≤ c in flight',
        met: ratio <= 1.25 && maxInflight <= CONCURRENCY,
        detail: `${ratio.toFixed(2)} × pool (median of per-run ratios; ${(wall / bound).toFixed(2)} × the latency floor), max in flight ${maxInflight}/${CONCURRENCY}`,
      },
      { name: 'J2 per-endpoint p95 ≤ 2 × RTT', met: p95 <= 2 * rtt, detail: `${(p95 / rtt).toFixed(2)} × RTT` },
      {
        name: 'J3 normalize ≤ 3 × bare key parsing',
        met: us <= 3 * bareUs,
        detail: `${(us / bareUs).toFixed(2)} × (${us.toFixed(1)} µs vs ${bareUs.toFixed(1)} µs per key)`,
      },
    ],
  };
}
