// The Azure demo: an estate given as model records is served by the loopback fakes and read back by
// the real provider, through the configuration and credential chain a private-cloud user would use.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AzureDemo, startAzureDemo, worldFromInventory } from '../../src/demo/azure.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { KeyRecord } from '../../src/model/key-record.ts';
import { collectAzure } from '../../src/providers/azure/index.ts';
import { AzureConfig } from '../../src/providers/azure/schema.ts';
import { CONTAINERS, CVM_DEFAULT } from '../helpers/azure-release-policies.ts';
import { stormRun } from '../helpers/storm-result.ts';

const storm = JSON.parse(readFileSync(new URL('../../examples/storm-0558/inventory.json', import.meta.url), 'utf8')) as Inventory;
const azureOnly = (inv: Inventory) => ({
  keys: inv.keys.filter((k) => k.provider === 'azure-keyvault'),
  trails: inv.trails.filter((t) => t.provider === 'azure-keyvault'),
});

let demo: AzureDemo | undefined;
const saved = { ...process.env };
afterEach(async () => {
  await demo?.stop();
  demo = undefined;
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
});

async function collect(inv: Pick<Inventory, 'keys' | 'trails'>) {
  demo = await startAzureDemo(inv);
  Object.assign(process.env, demo.env);
  const out = await collectAzure(AzureConfig.parse(demo.providerBlock), { now: () => new Date('2026-11-01T00:00:00Z'), baseDir: '.', env: process.env });
  return { out, demo };
}

/** The fields the provider reads back, as comparable data. */
const view = (k: KeyRecord) => ({
  id: k.id,
  account: k.account,
  region: k.region,
  container: k.container,
  name: k.name,
  usage: k.usage,
  keyType: k.keyType,
  keySize: k.keySize,
  protection: k.protection,
  exportable: k.exportable,
  releasePolicy: k.releasePolicy?.document,
  state: k.state,
  createdAt: k.createdAt,
  currentVersionCreatedAt: k.currentVersionCreatedAt,
  versionCount: k.versionCount,
  automatic: k.rotation?.automatic,
  periodDays: k.rotation?.periodDays,
  expiresAt: k.expiresAt,
  deletion: k.deletion,
  network: k.network,
  tags: k.tags,
  publicKey: k.publicKey,
  access: k.access?.map((a) => ({
    id: a.principal.id,
    kind: a.principal.kind,
    account: a.principal.account,
    capabilities: [...a.capabilities].sort(),
    source: a.source,
  })),
});

describe('Azure demo', () => {
  it('worldFromInventory is pure and deterministic', () => {
    const inv = azureOnly(storm);
    const before = JSON.stringify(inv);
    expect(worldFromInventory(inv)).toEqual(worldFromInventory(inv));
    expect(JSON.stringify(inv)).toBe(before);
    const world = worldFromInventory(inv);
    expect(world.subscriptions.flatMap((s) => s.vaults.map((v) => [v.name, v.rbac, v.keys.map((k) => k.kty)]))).toEqual(
      [...new Set(inv.keys.map((k) => k.container))].sort().map((c) => {
        const k = inv.keys.find((x) => x.container === c) as KeyRecord;
        return [
          c,
          !(k.access ?? []).every((a) => a.source === 'access-policy'),
          inv.keys.filter((x) => x.container === c).map((x) => `${x.keyType}${x.protection === 'hsm' ? '-HSM' : ''}`),
        ];
      }),
    );
  });

  it("the example's exportable key has a release policy (Azure requires one): the documented confidential-VM default, which fails on debuggability", () => {
    const exportable = storm.keys.filter((k) => k.provider === 'azure-keyvault' && k.exportable);
    const cvm = JSON.parse(JSON.stringify(CVM_DEFAULT).replace('https://sharedweu.weu.attest.azure.net', 'https://sharedneu.neu.attest.azure.net'));
    expect(exportable.map((k) => [k.name, k.releasePolicy?.document])).toEqual([['consumer-session-signing', cvm]]);
    const results = stormRun().result.results.filter((x) => x.ruleId === 'release-policy-debug-disabled');
    expect(results.map((x) => [x.subject.name, x.outcome])).toEqual([['consumer-session-signing', 'fail']]);
    expect(results[0]?.message).toMatch(/does not require x-ms-sevsnpvm-is-debuggable or x-ms-sgx-is-debuggable == false/);
  });

  it('serves the Azure part of the storm-0558 example and reads it back through the real provider', async () => {
    const inv = azureOnly(storm);
    expect(inv.keys.length).toBeGreaterThan(0);
    const { out, demo } = await collect(inv);
    expect(out.gaps).toEqual([]);
    expect(demo.fake.undeclared()).toEqual([]);
    const got = (out.keys ?? []).map(view);
    const want = [...inv.keys].sort((a, b) => (a.id < b.id ? -1 : 1)).map(view);
    expect(got).toEqual(want);
    // Fingerprints are recomputed from the served public keys.
    for (const k of out.keys ?? []) if (k.publicKey) expect(k.fingerprints?.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    // One diagnostic setting per trail, covering the same vaults.
    expect((out.trails ?? []).map((t) => [t.scope.containers, t.capturesDataPlane, t.destination?.kind, t.retentionDays])).toEqual(
      inv.trails.map((t) => [t.scope.containers, t.capturesDataPlane, t.destination?.kind, t.retentionDays]),
    );
  });

  it('is a fixed point: collecting the estate it serves gives the same records again', async () => {
    const first = (await collect(azureOnly(storm))).out;
    await demo?.stop();
    demo = undefined;
    const second = (await collect({ keys: first.keys ?? [], trails: first.trails ?? [] })).out;
    const strip = (k: KeyRecord) => ({ ...k, access: k.access?.map(({ sourceId: _s, ...a }) => a) });
    expect((second.keys ?? []).map(strip)).toEqual((first.keys ?? []).map(strip));
  });

  it('serves a Managed HSM with local RBAC and exportable keys with a good and a bad release policy, and reads them back', async () => {
    const base = { provider: 'azure-keyvault', account: '00000000-0000-4000-8000-000000000001', region: 'westeurope', createdAt: '2026-06-01T00:00:00Z' };
    const principal = { kind: 'service-principal' as const, id: '00000000-0000-4000-8000-00000000000a', account: '00000000-0000-4000-8000-00000000de30' };
    const hsmKey = (name: string, extra: Partial<KeyRecord>): KeyRecord => ({
      ...base,
      id: `https://demo-hsm.managedhsm.azure.net/keys/${name}`,
      container: 'demo-hsm',
      name,
      keyType: 'RSA',
      protection: 'hsm',
      usage: ['wrap', 'unwrap'],
      access: [{ principal, capabilities: ['use-unwrap', 'use-wrap'], source: 'rbac' }],
      ...extra,
    });
    const keys = [
      hsmKey('cmk', { origin: 'generated', exportable: false }),
      hsmKey('skr-good', { origin: 'generated', exportable: true, releasePolicy: { immutable: true, document: CONTAINERS } }),
      hsmKey('skr-cvm', { origin: 'generated', exportable: true, releasePolicy: { document: CVM_DEFAULT } }),
    ];
    const back = ((await collect({ keys, trails: [] })).out.keys ?? []).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(back.map((k) => [k.name, k.origin, k.exportable, k.releasePolicy?.document ?? null])).toEqual([
      ['cmk', 'generated', false, null],
      ['skr-cvm', 'generated', true, CVM_DEFAULT],
      ['skr-good', 'generated', true, CONTAINERS],
    ]);
    for (const k of back) expect(k.access?.map((a) => [a.principal.id, [...a.capabilities].sort().join(',')])).toEqual([[principal.id, 'use-unwrap,use-wrap']]);
  });

  it('restores the process trust store when stopped', async () => {
    const tls = await import('node:tls');
    const before = tls.getCACertificates('default').length;
    demo = await startAzureDemo(azureOnly(storm));
    expect(tls.getCACertificates('default')).toContain(demo.fake.cert.cert);
    await demo.stop();
    demo = undefined;
    expect(tls.getCACertificates('default').length).toBe(before);
  });
});

it('the provider block it returns works as a policy block, through the registered provider', async () => {
  const { PROVIDERS } = await import('../../src/providers/index.ts');
  const { ProvidersConfig } = await import('../../src/providers/config.ts');
  demo = await startAzureDemo(azureOnly(storm));
  Object.assign(process.env, demo.env);
  expect(ProvidersConfig.safeParse({ azure: demo.providerBlock }).success).toBe(true);
  const provider = await (PROVIDERS.azure as () => Promise<{ collect: (c: unknown, ctx: unknown) => Promise<{ keys?: KeyRecord[]; gaps?: unknown[] }> }>)();
  // The raw block, defaults not yet applied, as a caller building it in code would pass it.
  const out = await provider.collect(demo.providerBlock, { now: () => new Date('2026-11-01T00:00:00Z'), baseDir: '.', env: process.env });
  expect(out.keys?.map((k) => k.id).sort()).toEqual(
    azureOnly(storm)
      .keys.map((k) => k.id)
      .sort(),
  );
  expect(out.gaps).toEqual([]);
});

describe('Azure demo on a Node.js without tls.setDefaultCACertificates (before 22.19 / 24.5)', () => {
  it('is a usage error naming the Node.js version, and leaves no simulator listening (the demo hung after an internal error)', async () => {
    const tls = (await import('node:tls')).default as unknown as Record<string, unknown>;
    const original = tls.setDefaultCACertificates;
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = servers();
    tls.setDefaultCACertificates = undefined;
    try {
      const { UserError } = await import('../../src/errors.ts');
      const err = await startAzureDemo(azureOnly(storm)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(process.version);
      expect((err as Error).message).toMatch(/22\.19|24\.5/);
      expect(servers()).toBe(before);
    } finally {
      tls.setDefaultCACertificates = original;
    }
  });
});
