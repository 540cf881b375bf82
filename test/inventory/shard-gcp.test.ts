// Sharded collection of Cloud KMS: each project is a unit. The parts of a split (by hash, or by a
// plan that walked the organization once) merge into the unsharded audit; planned shards read their
// projects by name, without walking the organization.
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInventory, outputToInventory } from '../../src/audit.ts';
import { examplePolicy } from '../../src/cli/flags.ts';
import { DEMO_ORG, DENIED_RING, demoWorld } from '../../src/fakes/gcp/demo-world.ts';
import { type GcpFake, startGcpFake } from '../../src/fakes/gcp/server.ts';
import { mergeInventories } from '../../src/inventory/parse.ts';
import { ShardUnits } from '../../src/inventory/shard.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { collectGcp, gcpKit, planGcp } from '../../src/providers/gcp/index.ts';
import { GcpConfig } from '../../src/providers/gcp/schema.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
let fake: GcpFake;
let config: GcpConfig;
let whole: ReturnType<typeof audit>;

const auth = () => {
  const a = new OAuth2Client();
  a.setCredentials({ access_token: 't', expiry_date: Date.now() + 3_600_000 });
  return a;
};
const ctx = (shard?: ShardUnits) => ({ now: () => NOW, baseDir: '.', env: {}, ...(shard ? { shard } : {}) });

async function collect(shard?: ShardUnits): Promise<Inventory> {
  const out = await collectGcp(config, ctx(shard), { authClient: auth() });
  const inv = outputToInventory(out, NOW.toISOString());
  return shard ? { ...inv, shard: shard.record() } : inv;
}
function audit(parts: Inventory[]) {
  const inv = parts.length === 1 ? (parts[0] as Inventory) : mergeInventories(parts, NOW.toISOString());
  const { results, gaps, summary } = auditInventory(inv, resolvePolicyFile(examplePolicy('storm-0558')), NOW, true);
  return { results, gaps, summary };
}

beforeAll(async () => {
  fake = await startGcpFake(demoWorld(), { deny: [`cloudkms:GetKeyRingIamPolicy ${DENIED_RING}`] });
  config = GcpConfig.parse({ organization: DEMO_ORG, endpoint: fake.url, readRequestsPerMinute: 600_000, retryBaseMs: 1, quotaFraction: 1 });
  whole = audit([await collect()]);
});
afterAll(() => fake.stop());

describe('sharded GCP collection', () => {
  it('2 hashed parts merge into the unsharded audit', async () => {
    // Collected at once, as the jobs of a matrix run.
    const parts = await Promise.all([1, 2].map((k) => collect(new ShardUnits({ index: k, count: 2 }))));
    // Both parts own projects (a project may hold no key ring: its part then holds trails alone).
    expect(new Set(Object.values(parts[0]?.shard?.units ?? {}))).toEqual(new Set([1, 2]));
    expect(whole.results.length).toBeGreaterThan(20);
    expect(audit(parts)).toEqual(whole);
  });

  it('a plan walks the organization once; planned shards read their projects by name and audit the same', async () => {
    const walks = () => fake.requests.filter((r) => r.operation === 'cloudresourcemanager:ListProjects').length;
    const units = await planGcp(config, ctx(), { authClient: auth() });
    expect(units.length).toBeGreaterThan(2);
    expect(units.every((u) => /^gcp:[a-z][a-z0-9-]+$/.test(u))).toBe(true);
    const plan = Object.fromEntries(units.map((u, i) => [u, (i % 3) + 1]));
    const before = walks();
    const parts = await Promise.all([1, 2, 3].map((k) => collect(new ShardUnits({ index: k, count: 3, plan }))));
    expect(walks()).toBe(before);
    expect(audit(parts)).toEqual(whole);
  });

  it('with the locations named in the policy, the locations of a project are units of their own, split over shards', async () => {
    const located = GcpConfig.parse({ ...config, locations: ['europe-west1', 'global', 'us'] });
    const units = await planGcp(located, ctx(), { authClient: auth() });
    expect(units).toContain('gcp:consumer-idp-prod:europe-west1');
    expect(units.every((u) => /^gcp:[a-z][a-z0-9-]+:(europe-west1|global|us)$/.test(u))).toBe(true);
    // Dealt round-robin: the locations of one project land in different shards.
    const plan = Object.fromEntries(units.map((u, i) => [u, (i % 2) + 1]));
    const run = async (shard?: ShardUnits) => {
      const out = await collectGcp(located, ctx(shard), { authClient: auth() });
      const inv = outputToInventory(out, NOW.toISOString());
      return shard ? { ...inv, shard: shard.record() } : inv;
    };
    const [alone, ...parts] = await Promise.all([run(), ...[1, 2].map((k) => run(new ShardUnits({ index: k, count: 2, plan })))]);
    expect(parts.every((p) => p.keys.length > 0)).toBe(true);
    expect(audit(parts as Inventory[])).toEqual(audit([alone as Inventory]));
  });

  it("each shard of N paces Cloud KMS reads at 1/N of the fraction: all shards draw on the caller's one quota project", async () => {
    const read = async (shard?: ShardUnits) => {
      const kit = gcpKit(config, shard ? { shard } : {});
      await kit.call('cloudkms:ListCryptoKeys', { partition: 'audit-quota-project' }, async () => ({}));
      kit.finish();
      return kit.limiter.get('cloudkms:read@audit-quota-project')?.target;
    };
    const whole = await read();
    expect(whole).toBe((600_000 / 60) * config.quotaFraction);
    expect(await read(new ShardUnits({ index: 2, count: 4 }))).toBeCloseTo((whole as number) / 4, 9);
  });
});
