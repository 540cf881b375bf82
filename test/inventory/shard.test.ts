// Sharded collection against the AWS simulator: the parts of an N-way split, merged, audit exactly as
// the unsharded collection does; a plan lists the organisation once; a missing part is a gap naming
// its units; the shard flags are parsed as Playwright, Kubernetes Indexed Jobs and AWS Batch write them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInventory, collectInventory, loadSnapshots, planUnits } from '../../src/audit.ts';
import { UserError } from '../../src/errors.ts';
import { type AwsFake, startAwsFake } from '../../src/fakes/aws/server.ts';
import { readShardPlan, splitUnits } from '../../src/inventory/plan.ts';
import { hashShard, parseShard, ShardUnits } from '../../src/inventory/shard.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { resolvePolicyFile } from '../../src/policy/resolve.ts';
import { PUBLISHED_QUOTAS } from '../../src/providers/aws/quota.ts';
import { jsonChunks } from '../../src/util/json-stream.ts';
import { tempDir } from '../helpers/tmp.ts';
import { world } from '../providers/aws/world.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const tmp = tempDir();
let fake: AwsFake;
let policyFile: string;

/** The simulator's organisation with ten more member accounts, two regions each. */
function organisation() {
  const w = world();
  for (let a = 0; a < 10; a++) {
    const id = String(444444444400 + a);
    const key = (n: number, region: string) => ({
      id: `${a}-${region}-${n}`,
      createdAt: `202${n}-${String((a % 12) + 1).padStart(2, '0')}-01T00:00:00Z`,
      tags: { env: a % 2 ? 'prod' : 'debug' },
    });
    w.accounts.push({ id, name: `member-${a}`, regions: { 'us-east-1': { keys: [key(1, 'use1'), key(2, 'use1')] }, 'eu-west-1': { keys: [key(3, 'euw1')] } } });
  }
  return w;
}

const write = (name: string, inv: unknown): string => {
  const file = join(tmp.dir, name);
  writeFileSync(file, [...jsonChunks(inv)].join(''));
  return file;
};
/**
 * The parts of an n-way split, collected at once as n jobs run them (each spends 1/n of the caller
 * account's quotas, so together they stay under the quota the simulator enforces). Memoised: the
 * collection is deterministic (fixed clock, fixed world), so tests that need the same split share it.
 */
const splits = new Map<number, Promise<Inventory[]>>();
const split = (n: number): Promise<Inventory[]> => {
  let parts = splits.get(n);
  if (!parts) {
    const policy = resolvePolicyFile(policyFile);
    const one = (k: number) => collectInventory(policy, { now: NOW, shard: new ShardUnits({ index: k, count: n }) });
    parts = Promise.all(Array.from({ length: n }, (_, i) => one(i + 1)));
    splits.set(n, parts);
  }
  return parts;
};
/** The unsharded collection, once: the truth every split is compared with. */
let wholeCollection: Promise<string> | undefined;
const whole = (): Promise<string> => {
  wholeCollection ??= collectInventory(resolvePolicyFile(policyFile), { now: NOW }).then((inv) => write('whole.json', inv));
  return wholeCollection;
};
const audit = (files: string[]) => {
  const policy = resolvePolicyFile(policyFile);
  const { results, gaps, summary } = auditInventory(loadSnapshots(files), policy, NOW);
  return { results, gaps, summary };
};

beforeAll(async () => {
  // Per-account, per-region quotas as AWS publishes them: every shard must stay under them.
  fake = await startAwsFake(organisation(), { quotas: PUBLISHED_QUOTAS });
  process.env.AWS_ENDPOINT_URL = fake.url;
  policyFile = join(tmp.dir, 'keyhygiene.yaml');
  writeFileSync(
    policyFile,
    'version: 1\nextends: [recommended]\nproviders:\n  aws:\n    accounts: organization\n    assumeRole: audit\n    regions: [eu-west-1, us-east-1]\n    retryBaseMs: 1\n    quotaFraction: 0.9\n',
  );
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await fake.close();
});

describe('sharded collection of one organisation', () => {
  it.each([2, 3, 5])(
    '%i parts merged audit exactly as the unsharded collection',
    async (n) => {
      const wholeFile = await whole();
      const parts: string[] = [];
      const sizes: number[] = [];
      for (const [i, part] of (await split(n)).entries()) {
        expect(part.shard).toMatchObject({ index: i + 1, count: n });
        sizes.push(part.keys.length);
        parts.push(write(`part-${i + 1}-of-${n}.json`, part));
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(JSON.parse(readFileSync(wholeFile, 'utf8')).keys.length);
      expect(sizes.filter((s) => s > 0).length).toBeGreaterThan(1);
      const expected = audit([wholeFile]);
      expect(expected.results.length).toBeGreaterThan(10);
      expect(audit(parts.reverse())).toEqual(expected);
      expect(fake.stats.throttled).toBe(0);
    },
    180_000,
  );

  it('a plan lists the organisation once; planned shards read their units without walking it, and audit the same', async () => {
    const policy = resolvePolicyFile(policyFile);
    const assumed = () => fake.requests.filter((r) => r.op === 'sts:AssumeRole').length;
    const assumedBefore = assumed();
    const units = await planUnits(policy, { now: () => NOW, env: process.env });
    expect(units).toContain('aws:444444444400:us-east-1');
    // The policy names its regions: the plan is the Organizations walk alone, no role assumed per account.
    expect(assumed()).toBe(assumedBefore);
    const plan = splitUnits(units, 3, NOW.toISOString());
    expect(plan.matrix.include.map((m) => m.shard)).toEqual(['1/3', '2/3', '3/3']);
    const planFile = write('plan.json', plan);
    const { owners } = readShardPlan(planFile);
    const before = fake.requests.filter((r) => r.op === 'organizations:ListAccounts').length;
    const planned = (k: number) => collectInventory(policy, { now: NOW, shard: new ShardUnits({ index: k, count: 3, plan: owners }) });
    const parts = (await Promise.all([1, 2, 3].map(planned))).map((part, i) => write(`planned-${i + 1}.json`, part));
    expect(fake.requests.filter((r) => r.op === 'organizations:ListAccounts').length).toBe(before);
    expect(audit(parts)).toEqual(audit([await whole()]));
    expect(fake.stats.throttled).toBe(0);
  }, 120_000);

  it('a missing part is a collection gap naming the units it held; parts of different splits are refused', async () => {
    const parts = await split(3);
    const missing = Object.entries(parts[0]?.shard?.units ?? {})
      .filter(([, owner]) => owner === 2)
      .map(([u]) => u);
    expect(missing.length).toBeGreaterThan(0);
    const merged = loadSnapshots([write('m1.json', parts[0]), write('m3.json', parts[2])]);
    const gap = merged.gaps.find((g) => g.id === 'merge:shard:2/3');
    expect(gap?.reason).toContain(missing[0] as string);
    expect(merged.keys.some((k) => missing.includes(`aws:${k.account}:${k.region}`))).toBe(false);
    const [other] = await split(2);
    expect(() => loadSnapshots([write('a.json', parts[0]), write('b.json', other)])).toThrow(/different splits/);
  }, 120_000);
});

describe('shard flags', () => {
  it('K/N is 1-based; auto reads the 0-based index of Kubernetes Indexed Jobs or AWS Batch arrays', () => {
    expect(parseShard('2/8', undefined, {})).toEqual({ index: 2, count: 8 });
    expect(parseShard('auto', 4, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto', 4, { AWS_BATCH_JOB_ARRAY_INDEX: '3' })).toEqual({ index: 4, count: 4 });
  });

  it.each([
    ['0/4', undefined, {}, /not a shard/],
    ['5/4', undefined, {}, /not a shard/],
    ['2/4', 3, {}, /disagrees with --shard-count 3/],
    ['auto', 4, {}, /JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX/],
    ['auto', undefined, { JOB_COMPLETION_INDEX: '1' }, /--shard-count/],
    ['auto', 4, { JOB_COMPLETION_INDEX: '4' }, /not below --shard-count 4/],
    ['auto', 4, { JOB_COMPLETION_INDEX: 'x' }, /not a whole number/],
  ])('--shard %s (count %s) is refused with exit 2', (value, count, env, re) => {
    let err: unknown;
    try {
      parseShard(value, count, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(re);
  });

  it('a unit the plan lacks goes with its first planned sibling (the shard reading its parent), else by hash', () => {
    const s = new ShardUnits({ index: 1, count: 3, plan: { 'aws:1:*': 2, 'aws:2:us-east-1': 3, 'aws:2:eu-west-1': 1, 'azure:sub:vault/a': 3 } });
    expect(s.owner('aws:1:us-east-1')).toBe(2);
    expect(s.owner('aws:2:ap-south-1')).toBe(1);
    expect(s.owner('azure:sub:vault/new')).toBe(3);
    expect(s.owner('aws:3:us-east-1')).toBe(hashShard('aws:3:us-east-1', 3));
  });

  it('unplanned top-level units (GCP projects, JWKS issuers and key sets) spread by hash, not to one shard', () => {
    const plan = { 'gcp:planned-a': 1, 'jwks:issuer:https://a.example.com': 1, 'jwks:key-set:https://a.example.com/keys': 1, 'aws:1:us-east-1': 2 };
    const s = new ShardUnits({ index: 1, count: 4, plan });
    for (const kind of ['gcp:project-', 'jwks:issuer:https://login.example.com/tenant-', 'jwks:key-set:https://idp.example.com:8443/jwks/']) {
      const units = Array.from({ length: 40 }, (_, i) => `${kind}${i}`);
      for (const u of units) expect(s.owner(u), u).toBe(hashShard(u, 4));
      expect(new Set(units.map((u) => s.owner(u))).size).toBe(4);
    }
    // A location of a planned project still goes with the project.
    expect(new ShardUnits({ index: 1, count: 4, plan: { 'gcp:p:us-east1': 3 } }).owner('gcp:p:europe-west1')).toBe(3);
  });

  it('units spread over every shard by hash, deterministically', () => {
    const counts = new Array(8).fill(0);
    for (let a = 0; a < 2000; a++) counts[hashShard(`aws:${100000000000 + a}:us-east-1`, 8) - 1]++;
    expect(Math.min(...counts)).toBeGreaterThan(180);
    expect(hashShard('aws:111111111111:us-east-1', 8)).toBe(hashShard('aws:111111111111:us-east-1', 8));
  });
});
