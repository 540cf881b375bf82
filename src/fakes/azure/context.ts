// The state one Azure simulator shares between its route modules: the world it serves, its options,
// the recorded requests and statistics, the issued tokens, the rate buckets and the small helpers
// every route uses (answer, error, page, throttle). Route modules receive it; nothing here is global.
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ThrowawayCert } from '../throwaway-cert.ts';
import type { FakeAzureOptions, FakeAzureStats, FakeAzureSubscription, FakeAzureVault, FakeAzureWorld, RecordedAzureRequest } from './types.ts';

export const FAKE_CLIENT_ID = '00000000-0000-0000-0000-00000000c11e';
export const FAKE_CLIENT_SECRET = 'keyhygiene-demo-secret-not-real';
/** The object id of the principal the fake's tokens are issued to. */
export const FAKE_CALLER_OID = '00000000-0000-0000-0000-0000000a0d17';

export const epoch = (iso: string | null | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);
export const guid = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
export const versionOf = (key: string, created: string) => createHash('sha256').update(`${key}@${created}`).digest('hex').slice(0, 32);
export const normPath = (p: string) => `/${p.replace(/^\/+/, '')}`;

class Bucket {
  private tokens: number;
  private last = performance.now();
  private readonly rate: number;
  private readonly capacity: number;
  constructor(rate: number, capacity: number) {
    this.rate = rate;
    this.capacity = capacity;
    this.tokens = capacity;
  }
  take(cost: number): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens + 1e-9 < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface VaultEntry {
  sub: FakeAzureSubscription;
  vault: FakeAzureVault;
  /** ARM resource id */
  id: string;
}

export interface FakeContext {
  world: FakeAzureWorld;
  options: FakeAzureOptions;
  cert: ThrowawayCert;
  /** the Entra/ARM origin, set once it listens */
  base: { url: string };
  /** vault name → loopback data-plane URL */
  vaultUrls: Record<string, string>;
  vaultsByName: Map<string, VaultEntry>;
  requests: RecordedAzureRequest[];
  stats: FakeAzureStats;
  lifetime: number;
  retryAfter: string;
  pageSize: number;
  armPageSize: number;
  /** the next fault-injection sequence number */
  faultSeq: { n: number };
  bucket(name: string, rate: number, capacity: number): Bucket;
  issueToken(scope: string): string;
  tokenValid(auth: string | undefined): boolean;
  maybeThrottle(op: string): void;
  delay(): Promise<unknown>;
  track(server: https.Server): https.Server;
  servers: https.Server[];
  sockets: Set<{ destroy(): void }>;
}

export function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
  res.end(text);
}

/** Answer an error the way Azure's JSON error envelope does, recording the status. */
export function sendError(res: http.ServerResponse, rec: { status: number } | undefined, err: unknown): void {
  const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', String(err));
  if (rec) rec.status = e.status;
  send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
}

export const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (c) => {
      b += c;
    });
    req.on('end', () => resolve(b));
  });

export async function listen(server: https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function indexVaults(world: FakeAzureWorld): Map<string, VaultEntry> {
  const out = new Map<string, VaultEntry>();
  for (const sub of world.subscriptions) {
    for (const v of sub.vaults) {
      const type = v.kind === 'managed-hsm' ? 'managedHSMs' : 'vaults';
      out.set(v.name, { sub, vault: v, id: `/subscriptions/${sub.id}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/${type}/${v.name}` });
    }
  }
  return out;
}

function tokenIssuer(world: FakeAzureWorld, stats: FakeAzureStats, lifetime: number) {
  const tokens = new Map<string, number>();
  const issueToken = (scope: string): string => {
    const exp = Math.floor(Date.now() / 1000) + lifetime;
    const claims = { aud: scope.replace(/\/\.default$/, ''), tid: world.tenantId, oid: FAKE_CALLER_OID, appid: FAKE_CLIENT_ID, exp, jti: randomUUID() };
    const token = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    tokens.set(token, exp * 1000);
    stats.tokensIssued++;
    return token;
  };
  const tokenValid = (auth: string | undefined) => {
    const t = auth?.replace(/^Bearer\s+/i, '');
    const exp = t ? tokens.get(t) : undefined;
    return exp !== undefined && exp > Date.now();
  };
  return { issueToken, tokenValid };
}

/** The shared state of one simulator. */
export function createContext(world: FakeAzureWorld, options: FakeAzureOptions, cert: ThrowawayCert): FakeContext {
  const stats: FakeAzureStats = { requests: 0, throttled: 0, faults: 0, tokensIssued: 0, unauthorized: 0, vaultCost: {}, subscriptionCost: {}, armServed: {} };
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const throttleLeft = new Map(Object.entries(options.throttleFirst ?? {}));
  const buckets = new Map<string, Bucket>();
  const servers: https.Server[] = [];
  const sockets = new Set<{ destroy(): void }>();
  return {
    world,
    options,
    cert,
    base: { url: '' },
    vaultUrls: {},
    vaultsByName: indexVaults(world),
    requests: [],
    stats,
    lifetime,
    retryAfter,
    pageSize: options.pageSize ?? 25,
    armPageSize: options.armPageSize ?? 100,
    faultSeq: { n: 0 },
    ...tokenIssuer(world, stats, lifetime),
    bucket(name, rate, capacity) {
      let b = buckets.get(name);
      if (!b) {
        b = new Bucket(rate, capacity);
        buckets.set(name, b);
      }
      return b;
    },
    maybeThrottle(op) {
      const left = throttleLeft.get(op);
      if (left === undefined || left <= 0) return;
      throttleLeft.set(op, left - 1);
      stats.throttled++;
      throw new HttpError(429, 'Throttled', 'Request was throttled (injected).', { 'retry-after': retryAfter });
    },
    delay: () => (options.latencyMs ? new Promise((r) => setTimeout(r, options.latencyMs)) : Promise.resolve()),
    track(s) {
      s.on('connection', (c) => {
        sockets.add(c);
        c.on('close', () => sockets.delete(c));
      });
      servers.push(s);
      return s;
    },
    servers,
    sockets,
  };
}

/** The subscription named by an ARM path, or 404 as ARM answers. */
export function findSub(ctx: FakeContext, path: string): FakeAzureSubscription {
  const id = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1] ?? '';
  const s = ctx.world.subscriptions.find((x) => x.id.toLowerCase() === id.toLowerCase());
  if (!s) throw new HttpError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
  return s;
}

/** One ARM page of `items` with a `$skiptoken` nextLink. */
export function pageOf<T>(ctx: FakeContext, items: T[], url: URL): { value: T[]; nextLink?: string } {
  const start = Number(url.searchParams.get('$skiptoken') ?? 0) || 0;
  const value = items.slice(start, start + ctx.armPageSize);
  if (start + ctx.armPageSize >= items.length) return { value };
  const next = new URL(url.toString().replace('https://fake', ctx.base.url));
  next.searchParams.set('$skiptoken', String(start + ctx.armPageSize));
  return { value, nextLink: next.toString() };
}

/** The vault or managed HSM an ARM scope names. */
export function vaultFromScope(ctx: FakeContext, scope: string): VaultEntry | undefined {
  const m = /\/providers\/Microsoft\.KeyVault\/(?:vaults|managedHSMs)\/([^/]+)/i.exec(scope);
  return m ? ctx.vaultsByName.get(m[1] as string) : undefined;
}
