// Fault injection in front of the AWS simulator: the real AWS SDK clients of the aws provider, through
// `keyhygiene`'s own collection and evaluation, with a seeded 5 % of requests answered by a fault.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoEnv } from '../../src/demo/aws.ts';
import { type AwsFake, startAwsFake } from '../../src/fakes/aws/server.ts';
import { world } from '../providers/aws/world.ts';
import { auditWith, expectHonestRun, type FaultRun } from './harness.ts';
import { FAULT_KINDS, type FaultKind, type FaultPlan, type FaultProxy, startFaultProxy } from './proxy.ts';

const SEEDS = [1, 2, 3, 4, 5];
const BUDGET_MS = 15_000;
const TIMEOUT_MS = 1_000;
// The seeds that exposed lost records and a pass on a failed read when every call had 300 ms (issue 13).
const SHORT_TIMEOUT_MS = 300;
const SHORT_SEEDS = [3, 4, 5];
/** Faults that only a call deadline ends (headers then silence, no answer at all). */
const DEADLINE_FAULTS: ReadonlySet<FaultKind> = new Set(['stall-after-headers', 'never-answer']);
// The reference is the truth the faulty runs are compared with: a generous deadline keeps it whole on
// a loaded machine (at 300 ms a fault-free run itself timed out, and the oracle compared against gaps).
const REFERENCE_TIMEOUT_MS = 10_000;
// The whole published quota (quotaFraction 1): at the default half, CloudTrail, IAM and Organizations
// reads paced every run; what these runs test is the faults the proxy injects.
const policyWith = (timeoutMs: number) => `version: 1
providers:
  aws:
    regions: [us-east-1, eu-west-1]
    accounts: organization
    assumeRole: audit
    timeoutMs: ${timeoutMs}
    budgetMs: ${BUDGET_MS}
    retryBaseMs: 5
    maxAttempts: 4
    quotaFraction: 1
`;

let fake: AwsFake;
const saved: Record<string, string | undefined> = {};

async function through(plan: FaultPlan, timeoutMs = TIMEOUT_MS): Promise<FaultRun & { proxy: FaultProxy }> {
  const proxy = await startFaultProxy(fake.url, plan);
  const env = demoEnv(proxy.url, 'us-east-1');
  for (const [k, v] of Object.entries(env)) {
    if (!(k in saved)) saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return { ...(await auditWith(policyWith(timeoutMs), BUDGET_MS + 5_000)), proxy };
  } finally {
    await proxy.close();
  }
}

// A run ends within its budget (checked by auditWith); the runner's own timeout leaves room for that check.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let reference: FaultRun;
const injected: FaultKind[] = [];
beforeAll(async () => {
  fake = await startAwsFake(world());
  reference = await through({ rate: 0, seed: 0 }, REFERENCE_TIMEOUT_MS);
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await fake.close();
});

describe('aws provider under injected faults (5 % of requests, seeded)', () => {
  it('the fault-free reference reads the whole estate through the proxy', () => {
    expect(reference.inventory.keys.length).toBeGreaterThanOrEqual(7);
    expect(reference.inventory.trails.length).toBeGreaterThan(0);
    // The reference's gaps are the estate's own (a role that cannot be assumed, a key policy that is
    // not JSON, what the world does not serve), never a fault: no timeout, throttling or transient gap.
    expect(reference.inventory.gaps.map((g) => g.operation)).toContain('sts:AssumeRole');
    expect(reference.inventory.gaps.filter((g) => ['transient', 'timeout', 'throttled', 'cancelled'].includes(g.kind ?? ''))).toEqual([]);
    // Exactly the estate's own gaps: a reference with any other (a read that failed on a loaded machine)
    // would make the oracle compare faulty runs with a partial truth.
    expect(reference.inventory.gaps.map((g) => `${g.operation} ${g.kind}`).sort()).toEqual([
      'kms:GetKeyPolicy invalid-response',
      'organizations:ListPolicies denied',
      'sts:AssumeRole denied',
    ]);
  });

  it.each(SEEDS)('seed %i: 0 lost, 0 pass on a failed read, equal where retries succeeded, within budget', async (seed) => {
    const run = await through({ rate: 0.05, seed });
    for (const f of run.proxy.faults) injected.push(f.kind);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });

  it.each(SHORT_SEEDS)(`seed %i with a ${SHORT_TIMEOUT_MS} ms call deadline: every expiry is a gap, never a lost record or a pass`, async (seed) => {
    const run = await through({ rate: 0.05, seed }, SHORT_TIMEOUT_MS);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });

  it.each(FAULT_KINDS)('only %s faults, on a tenth of the requests: the same promises hold', async (kind) => {
    // A request that never completes ends only by its deadline: these runs need one to fire, not its length.
    const run = await through({ rate: 0.1, seed: 11, kinds: [kind] }, DEADLINE_FAULTS.has(kind) ? SHORT_TIMEOUT_MS : TIMEOUT_MS);
    injected.push(...run.proxy.faults.map((f) => f.kind));
    expect(run.proxy.faults.length).toBeGreaterThan(0);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });

  it('the runs injected every kind of fault', () => {
    expect(new Set(injected)).toEqual(new Set(FAULT_KINDS));
  });

  it('every kind of fault on every request in turn still ends with verdicts or gaps for every key', async () => {
    // 30 % faults: far more than retries can absorb, so gaps must carry what is lost.
    const run = await through({ rate: 0.3, seed: 42 });
    expect(run.proxy.faults.length).toBeGreaterThan(5);
    expectHonestRun(reference, run, BUDGET_MS + 1_000);
  });
});
