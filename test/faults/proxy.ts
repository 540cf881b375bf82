// A fault-injecting loopback proxy for the fault suite. It sits between a provider's real SDK client
// and a loopback fake (plain HTTP for AWS and JWKS, HTTPS with the throwaway certificate for Azure)
// and, for a seeded fraction of requests, answers with one of the faults a real network and a real
// service produce: 5xx, 429 with Retry-After, a connection reset, a truncated body, a body that is
// not JSON, headers followed by silence, or no answer at all. Everything else is forwarded unchanged,
// except that the upstream origins in bodies and headers (nextLink, vaultUri, challenges) are
// rewritten to the proxies in front of them, so every later request goes through a proxy too.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export const FAULT_KINDS = ['5xx', '429', 'reset', 'truncated', 'invalid-json', 'stall-after-headers', 'never-answer'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  /** probability that one request is answered with a fault; 0 = forward everything */
  rate: number;
  /**
   * Seed: which requests fault is a function of the seed, the request (method, path, query without
   * per-request ids) and how many times that request was seen, so a concurrent run faults the same
   * requests whatever order they arrive in.
   */
  seed: number;
  /** which faults to draw from (default: all) */
  kinds?: readonly FaultKind[];
  /** Retry-After seconds sent with a 429 (default 0) */
  retryAfterSeconds?: number;
  /** requests whose path matches are never faulted (e.g. to keep one call deterministic) */
  spare?: RegExp;
}

export interface InjectedFault {
  kind: FaultKind;
  method: string;
  path: string;
}

export interface FaultProxy {
  url: string;
  upstream: string;
  /** requests received, faulted or not */
  requests: number;
  faults: InjectedFault[];
  /** Start over with another plan (same address): counters and the fault list are cleared. */
  reset(plan: FaultPlan): void;
  close(): Promise<void>;
}

/** One origin rewrite table shared by a group of proxies: upstream origin → proxy origin. */
export type OriginMap = Map<string, string>;

function rewrite(text: string, origins: OriginMap): string {
  let out = text;
  // An origin is followed by a non-digit: 127.0.0.1:4000 must not rewrite 127.0.0.1:40001.
  for (const [from, to] of origins) out = out.replace(new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`, 'g'), to);
  return out;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function forward(req: http.IncomingMessage, body: Buffer, upstream: URL, ca: string | undefined): Promise<Upstream> {
  const client = upstream.protocol === 'https:' ? https : http;
  const headers = { ...req.headers, host: upstream.host };
  return new Promise((resolve, reject) => {
    const out = client.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, ...(ca ? { ca } : {}), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The upstream answer with origins rewritten and its length recomputed. */
function rewritten(up: Upstream, origins: OriginMap): { status: number; headers: http.OutgoingHttpHeaders; body: Buffer } {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(up.headers)) {
    if (v === undefined || k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding') continue;
    headers[k] = Array.isArray(v) ? v.map((x) => rewrite(x, origins)) : rewrite(v, origins);
  }
  const body = Buffer.from(rewrite(up.body.toString('utf8'), origins), 'utf8');
  headers['content-length'] = String(body.length);
  return { status: up.status, headers, body };
}

/** Answer `res` with `kind` (given the upstream answer where the fault needs one). */
async function inject(kind: FaultKind, res: http.ServerResponse, socket: Socket, plan: FaultPlan, answer: () => Promise<ReturnType<typeof rewritten>>) {
  switch (kind) {
    case '5xx':
      res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' }).end('Service Unavailable');
      return;
    case '429':
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(plan.retryAfterSeconds ?? 0), connection: 'close' }).end('Too Many Requests');
      return;
    case 'reset':
      socket.resetAndDestroy();
      return;
    case 'invalid-json':
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"value": [ this is not json');
      return;
    case 'never-answer':
      return; // the socket stays open until the client gives up
    case 'stall-after-headers': {
      const a = await answer();
      res.writeHead(a.status, a.headers);
      res.flushHeaders();
      return; // headers sent, the body never comes
    }
    case 'truncated': {
      const a = await answer();
      res.writeHead(a.status, a.headers);
      res.write(a.body.subarray(0, Math.floor(a.body.length / 2)));
      setImmediate(() => socket.destroy());
      return;
    }
  }
}

/**
 * Start a proxy on 127.0.0.1 in front of `upstream`. `tls` makes it an HTTPS server with that
 * certificate (and trusts it upstream); `origins` is the rewrite table shared with its siblings
 * (this proxy adds itself to it).
 */
export async function startFaultProxy(
  upstream: string,
  plan: FaultPlan,
  opts: { tls?: { cert: string; key: string }; origins?: OriginMap } = {},
): Promise<FaultProxy> {
  const origins = opts.origins ?? new Map<string, string>();
  let current = plan;
  const seen = new Map<string, number>();
  /** Two numbers in [0, 1) for the n-th occurrence of this request under this seed. */
  const draw = (req: http.IncomingMessage, body: Buffer): [number, number] => {
    const path = (req.url ?? '').replace(/([?&])(client-request-id|x-client-[a-z]+)=[^&]*/gi, '$1');
    // AWS JSON and query protocols POST every operation to `/`: the target header and body tell them apart.
    const what = `${req.method} ${path} ${req.headers['x-amz-target'] ?? ''} ${createHash('sha256').update(body).digest('hex')}`;
    const n = (seen.get(what) ?? 0) + 1;
    seen.set(what, n);
    const h = createHash('sha256').update(`${current.seed}\u0000${what}\u0000${n}`).digest();
    return [h.readUInt32BE(0) / 4_294_967_296, h.readUInt32BE(4) / 4_294_967_296];
  };
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = {
    url: '',
    upstream: target.origin,
    requests: 0,
    faults: [],
    reset(next) {
      current = next;
      seen.clear();
      proxy.requests = 0;
      proxy.faults = [];
    },
    close: async () => {},
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    proxy.requests++;
    const body = await readBody(req);
    const [roll, pick] = draw(req, body);
    const answer = async () => rewritten(await forward(req, body, target, opts.tls?.cert), origins);
    try {
      if (roll < current.rate && !current.spare?.test(req.url ?? '')) {
        const kinds = current.kinds ?? FAULT_KINDS;
        const kind = kinds[Math.floor(pick * kinds.length)] as FaultKind;
        proxy.faults.push({ kind, method: req.method ?? '', path: req.url ?? '' });
        await inject(kind, res, req.socket, current, answer);
        return;
      }
      const a = await answer();
      res.writeHead(a.status, a.headers).end(a.body);
    } catch {
      req.socket.destroy();
    }
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : http.createServer(handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (_e, s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  origins.set(target.origin, proxy.url);
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return proxy;
}
