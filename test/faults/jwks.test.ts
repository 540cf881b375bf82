// Fault injection in front of a loopback identity provider: discovery documents and key sets of
// several issuers (RSA and EC keys, one key set also listed directly), read by the jwks provider
// through the fault proxy, with a seeded 5 % of requests answered by a fault.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditWith, expectHonestRun, type FaultRun } from './harness.ts';
import { FAULT_KINDS, type FaultKind, type FaultPlan, type FaultProxy, startFaultProxy } from './proxy.ts';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const TIMEOUT_MS = 1_000;
// 4 attempts of at most TIMEOUT_MS each per document, two documents deep, with short backoffs.
const LIMIT_MS = 2 * 4 * TIMEOUT_MS + 2_000;
const ISSUERS = ['consumer', 'enterprise', 'partner', 'legacy', 'ci'];

const jwk = (i: number) => {
  const pair = i % 2 ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(pair.publicKey.export({ format: 'jwk' }) as object), kid: `key-${i}`, use: 'sig', alg: i % 2 ? 'ES256' : 'RS256' };
};

let server: http.Server;
let origin = '';
beforeAll(async () => {
  const sets = new Map(ISSUERS.map((name, n) => [name, { keys: [jwk(2 * n), jwk(2 * n + 1)] }]));
  server = http.createServer((req, res) => {
    const [, name, ...rest] = (req.url ?? '').split('/');
    const set = sets.get(name ?? '');
    const path = rest.join('/');
    const body =
      set && path === '.well-known/openid-configuration'
        ? { issuer: `${origin}/${name}`, jwks_uri: `${origin}/${name}/keys` }
        : set && path === 'keys'
          ? set
          : undefined;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await startFaultProxy(origin, { rate: 0, seed: 0 });
  reference = await through({ rate: 0, seed: 0 });
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((r) => server.close(() => r()));
});

// One proxy for the file: published keys are identified by their URL, so every run uses the same address.
let proxy: FaultProxy;
async function through(plan: FaultPlan): Promise<FaultRun & { faults: FaultKind[] }> {
  proxy.reset(plan);
  const issuers = ISSUERS.map((n) => `      - { issuer: ${proxy.url}/${n}, trustDomain: ${n} }`).join('\n');
  const policy = `version: 1
providers:
  jwks:
    timeoutMs: ${TIMEOUT_MS}
    retries: 3
    retryDelayMs: 5
    issuers:
${issuers}
    keySets:
      - { url: ${proxy.url}/consumer/keys, issuers: [direct] }
`;
  return { ...(await auditWith(policy)), faults: proxy.faults.map((f) => f.kind) };
}

// A run ends within its budget (checked by auditWith); the runner's own timeout leaves room for that check.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let reference: FaultRun;
const injected: FaultKind[] = [];

describe('jwks provider under injected faults (5 % of requests, seeded)', () => {
  it('the fault-free reference reads every key of every issuer', () => {
    expect(reference.inventory.publishedKeys).toHaveLength(ISSUERS.length * 2);
    expect(reference.inventory.gaps).toEqual([]);
  });

  it.each(SEEDS)('seed %i: 0 lost, 0 pass on a failed read, equal where retries succeeded, within the deadlines', async (seed) => {
    const run = await through({ rate: 0.05, seed });
    injected.push(...run.faults);
    expectHonestRun(reference, run, LIMIT_MS);
  });

  it('the seeded runs injected faults', () => {
    expect(injected.length).toBeGreaterThan(0);
    expect(injected.every((k) => FAULT_KINDS.includes(k))).toBe(true);
  });

  it('at 30 % faults gaps carry what retries could not read, and no pass rests on a failed read', async () => {
    const run = await through({ rate: 0.3, seed: 42 });
    expect(run.faults.length).toBeGreaterThan(0);
    expectHonestRun(reference, run, LIMIT_MS);
  });
});
