// Sharded collection of Azure Key Vault: each vault and managed HSM is a unit. The parts of an N-way
// split (by hash, or by a plan that listed the vaults once) merge into the unsharded audit; a planned
// shard lists only the subscriptions of its own vaults; a missing part names its vaults.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { collectInventory, loadSnapshots, planUnits } from '../../src/audit.ts';
import type { AzureFake } from '../../src/fakes/azure/server.ts';
import { readShardPlan, splitUnits } from '../../src/inventory/plan.ts';
import { ShardUnits } from '../../src/inventory/shard.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { auditSnapshots, writeSnapshot } from '../helpers/snapshots.ts';
import { tempDir } from '../helpers/tmp.ts';
import { useAzureFake } from '../providers/azure/harness.ts';
import { SUB_A, SUB_B, testWorld } from '../providers/azure/world.ts';

const NOW = new Date('2026-10-01T00:00:00Z');
const tmp = tempDir();
const azureFake = useAzureFake({ perFile: true });
let fake: AzureFake;
let policyFile: string;
let expected: ReturnType<typeof audit>;

const write = (name: string, inv: unknown): string => writeSnapshot(tmp.dir, name, inv);
const audit = (files: string[]) => auditSnapshots(policyFile, files, NOW);
const collect = (shard?: ShardUnits): Promise<Inventory> => collectInventory(resolvePolicyFile(policyFile), { now: NOW, ...(shard ? { shard } : {}) });
const armCalls = (op: string) => fake.requests.filter((r) => r.operation === op).length;

beforeAll(async () => {
  // Two subscriptions: an RBAC vault, an access-policy vault, a vault whose data plane answers 403 and one
  // nothing listens for, and a managed HSM without a local role for the audit identity.
  fake = await azureFake.start(testWorld());
  policyFile = join(tmp.dir, 'keyhygiene.yaml');
  const azure = {
    cloud: 'custom',
    authorityHost: fake.url,
    armEndpoint: fake.url,
    audience: 'https://management.azure.com',
    graphEndpoint: fake.url,
    timeoutMs: 15_000,
    retry: { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  };
  writeFileSync(policyFile, stringify({ version: 1, extends: ['recommended'], providers: { azure } }));
  expected = audit([write('az-whole.json', await collect())]);
}, 30_000);

describe('sharded Azure collection', () => {
  it('2 hashed parts, holding vaults each, merge into the unsharded audit', async () => {
    expect(expected.results.length).toBeGreaterThan(10);
    const parts = [await collect(new ShardUnits({ index: 1, count: 2 })), await collect(new ShardUnits({ index: 2, count: 2 }))];
    // Each part collected vaults of its own (a vault whose data plane is closed yields gaps, not keys).
    const owned = (k: number) => Object.values(parts[0]?.shard?.units ?? {}).filter((o) => o === k).length;
    expect([owned(1), owned(2)].every((n) => n > 0)).toBe(true);
    expect(parts[0]?.keys.length).toBeGreaterThan(0);
    expect(Object.keys(parts[0]?.shard?.units ?? {})).toContain(`azure:${SUB_B}:managed-hsm/payments-hsm`);
    expect(audit(parts.map((p, k) => write(`az-part-${k + 1}.json`, p)).reverse())).toEqual(expected);
  });

  it('a plan lists the vaults once; planned shards list only their subscriptions and audit the same', async () => {
    const units = await planUnits(resolvePolicyFile(policyFile), { now: () => NOW, env: process.env });
    expect(units).toEqual([
      `azure:${SUB_A}:vault/corp-signing`,
      `azure:${SUB_A}:vault/legacy-app`,
      `azure:${SUB_A}:vault/locked-down`,
      `azure:${SUB_A}:vault/private-only`,
      `azure:${SUB_B}:managed-hsm/payments-hsm`,
    ]);
    const { owners } = readShardPlan(write('az-plan.json', splitUnits(units, 3, NOW.toISOString())));
    const before = { subs: armCalls('arm:ListSubscriptions'), vaults: armCalls('arm:ListVaults') };
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) parts.push(write(`az-planned-${k}.json`, await collect(new ShardUnits({ index: k, count: 3, plan: owners }))));
    // No shard enumerated the subscriptions; each listed the vaults of the subscriptions it holds units in.
    expect(armCalls('arm:ListSubscriptions')).toBe(before.subs);
    const held = [1, 2, 3].map((k) => new Set(units.filter((u) => owners[u] === k).map((u) => u.split(':')[1])).size);
    expect(armCalls('arm:ListVaults') - before.vaults).toBe(held.reduce((a, b) => a + b, 0));
    expect(audit(parts)).toEqual(expected);
  });

  it('a missing part is a gap naming its vaults', async () => {
    const parts = [await collect(new ShardUnits({ index: 1, count: 2 }))];
    const merged = loadSnapshots(parts.map((p, k) => write(`az-alone-${k}.json`, p)));
    const gap = merged.gaps.find((g) => g.id === 'merge:shard:2/2');
    const held = Object.entries(parts[0]?.shard?.units ?? {}).filter(([, owner]) => owner === 2);
    expect(held.length).toBeGreaterThan(0);
    for (const [unit] of held) expect(gap?.reason).toContain(unit);
  });
});
