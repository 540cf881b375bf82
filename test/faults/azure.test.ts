// Fault injection in front of the Azure fakes (Entra token endpoint, ARM, Graph and every vault's data
// plane, HTTPS with the throwaway certificate): the real Azure SDKs of the azure provider, through
// keyhygiene's own collection and evaluation, with a seeded 5 % of requests answered by a fault.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AzureFake, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startAzureFake } from '../../src/fakes/azure/server.ts';
import { createThrowawayCert } from '../../src/fakes/throwaway-cert.ts';
import { TENANT, testWorld } from '../providers/azure/world.ts';
import { auditWith, expectHonestRun, type FaultRun } from './harness.ts';
import { FAULT_KINDS, type FaultKind, type FaultPlan, type FaultProxy, type OriginMap, startFaultProxy } from './proxy.ts';

const SEEDS = [1, 2, 3, 4, 5, 6];
const BUDGET_MS = 20_000;
const TIMEOUT_MS = 3_000;
// Runs with faults wait out every stalled or unanswered request: a shorter per-call deadline there
// keeps the same promises checked at half the waiting (the token endpoint is spared, so the deadline
// only meets ARM, Graph and vault reads). The fault-free reference keeps the longer one.
const FAULT_TIMEOUT_MS = 1_500;
const cert = createThrowawayCert();
const ENV = {
  AZURE_TENANT_ID: TENANT,
  AZURE_CLIENT_ID: FAKE_CLIENT_ID,
  AZURE_CLIENT_SECRET: FAKE_CLIENT_SECRET,
  AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
};

let fake: AzureFake;
const world = testWorld();
const unreachable = new Set(world.subscriptions.flatMap((s) => (s.vaults ?? []).filter((v) => v.dataPlane === 'unreachable').map((v) => v.name)));

/** A proxy in front of the cloud origin and one in front of each reachable vault, all with the same plan. */
async function through(plan: FaultPlan): Promise<FaultRun & { faults: FaultKind[] }> {
  const origins: OriginMap = new Map();
  const proxies: FaultProxy[] = [];
  // The token endpoint is spared: a token that cannot be had after the credential's retries is still
  // exit 2 (no usable credential), not a gap; its 503, 429, reset and broken answers are retried
  // (test/providers/kit), and a stalled one ends at the read deadline instead of hanging.
  const main = await startFaultProxy(fake.url, { ...plan, spare: /oauth2\/v2\.0\/token/ }, { tls: cert, origins });
  proxies.push(main);
  for (const [name, url] of Object.entries(fake.vaultUrls)) {
    if (!unreachable.has(name)) proxies.push(await startFaultProxy(url, { ...plan, seed: plan.seed + proxies.length * 7919 }, { tls: cert, origins }));
  }
  const policy = `version: 1
providers:
  azure:
    cloud: custom
    authorityHost: ${main.url}
    armEndpoint: ${main.url}
    graphEndpoint: ${main.url}
    audience: https://management.azure.com
    timeoutMs: ${plan.rate === 0 ? TIMEOUT_MS : FAULT_TIMEOUT_MS}
    budgetMs: ${BUDGET_MS}
    retry: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 }
`;
  try {
    const r = await auditWith(policy, BUDGET_MS + 5_000);
    return { ...r, faults: proxies.flatMap((p) => p.faults.map((f) => f.kind)) };
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
  }
}

// A run ends within its budget (checked by auditWith); the runner's own timeout leaves room for that check.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let reference: FaultRun;
const injected: FaultKind[] = [];
beforeAll(async () => {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert]);
  Object.assign(process.env, ENV);
  fake = await startAzureFake(world, { cert, retryAfterSeconds: 0 });
  reference = await through({ rate: 0, seed: 0 });
});
afterAll(async () => {
  for (const k of Object.keys(ENV)) delete process.env[k];
  await fake.close();
});

describe('azure provider under injected faults (5 % of requests, seeded)', () => {
  it('the fault-free reference reads the estate through the proxies', () => {
    expect(reference.inventory.keys.length).toBeGreaterThanOrEqual(4);
    // What the estate itself withholds: a vault whose data plane answers 403, one nobody can reach, and
    // a managed HSM's local RBAC.
    expect(reference.inventory.gaps.map((g) => g.operation).sort()).toEqual(['keyvault:ListKeys', 'keyvault:ListKeys', 'managedhsm:ListRoleDefinitions']);
  });

  it.each(SEEDS)('seed %i: 0 lost, 0 pass on a failed read, equal where retries succeeded, within budget', async (seed) => {
    const run = await through({ rate: 0.05, seed });
    injected.push(...run.faults);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });

  it('the seeded runs injected faults of most kinds', () => {
    expect(injected.length).toBeGreaterThan(3);
    expect(new Set(injected).size).toBeGreaterThanOrEqual(Math.min(4, FAULT_KINDS.length));
  });

  it('at 30 % faults gaps carry what retries could not read, and no pass rests on a failed read', async () => {
    const run = await through({ rate: 0.3, seed: 42 });
    expect(run.faults.length).toBeGreaterThan(0);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });
});
