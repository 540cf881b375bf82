// An in-process loopback simulator of the Azure endpoints the Azure provider reads, over HTTPS with
// a throwaway certificate: the Entra token endpoint, Azure Resource Manager (subscriptions, vaults,
// managed HSMs, role assignments and definitions, diagnostic settings) and one Key Vault data plane
// per vault, with its 401 bearer challenge. It ships because `keyhygiene demo` uses it; tests and the
// benchmark reuse it. It can enforce the documented per-vault limits, add latency and inject faults.
// The routes live in entra.ts, graph.ts, federation.ts, arm.ts and keyvault.ts; the shared state in context.ts.
import https from 'node:https';
import { createThrowawayCert } from '../throwaway-cert.ts';
import { serveArm } from './arm.ts';
import { createContext, type FakeContext, listen, normPath, readBody } from './context.ts';
import { serveEntra } from './entra.ts';
import { serveFederation } from './federation.ts';
import { serveGraph } from './graph.ts';
import { serveGroups } from './groups.ts';
import { startDataPlane } from './keyvault.ts';
import type { AzureFake, FakeAzureOptions, FakeAzureWorld } from './types.ts';

export { FAKE_CALLER_OID, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET } from './context.ts';
export type * from './types.ts';

/** The Entra + Graph + ARM origin. */
function startCloud(ctx: FakeContext): https.Server {
  return ctx.track(
    https.createServer({ cert: ctx.cert.cert, key: ctx.cert.key }, async (req, res) => {
      ctx.stats.requests++;
      const url = new URL(normPath(req.url ?? '/'), 'https://fake');
      const body = await readBody(req);
      if (serveEntra(ctx, req, res, url.pathname, body)) return;
      if (serveFederation(ctx, req, res, url.pathname)) return;
      if (serveGroups(ctx, req, res, url)) return;
      if (serveGraph(ctx, req, res, url.pathname)) return;
      await serveArm(ctx, req, res, url);
    }),
  );
}

/** Start the simulator on 127.0.0.1: one origin for Entra and ARM, one per vault. */
export async function startAzureFake(world: FakeAzureWorld, options: FakeAzureOptions = {}): Promise<AzureFake> {
  const ctx = createContext(world, options, options.cert ?? createThrowawayCert());
  const cloud = startCloud(ctx);
  const fake: AzureFake = {
    url: '',
    tenantId: world.tenantId,
    vaultUrls: ctx.vaultUrls,
    cert: ctx.cert,
    requests: ctx.requests,
    stats: ctx.stats,
    operations: () => [...new Set(ctx.requests.map((r) => r.operation).filter((o): o is string => o !== undefined))].sort(),
    undeclared: () => ctx.requests.filter((r) => r.plane !== 'entra' && r.operation === undefined),
    async close() {
      for (const s of ctx.sockets) s.destroy();
      await Promise.all(ctx.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
  for (const entry of ctx.vaultsByName.values()) await startDataPlane(ctx, entry);
  const port = await listen(cloud);
  ctx.base.url = `https://127.0.0.1:${port}`;
  fake.url = ctx.base.url;
  return fake;
}
